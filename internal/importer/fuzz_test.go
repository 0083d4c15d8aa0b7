package importer_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
)

// checkPlan holds what callers rely on whatever the file: a domain error
// that is invalid (never an internal one with raw text), or a plan with
// problems numbered within bounds, once each, with valid titles and
// measures a plan can take.
func checkPlan(t *testing.T, plan *importer.Plan, err error) {
	t.Helper()
	if err != nil {
		if plan != nil {
			t.Fatal("a plan and an error")
		}
		if !domain.IsCode(err, domain.EInvalid) {
			t.Fatalf("error %v has code %s, want invalid", err, domain.ErrorCode(err))
		}
		var rej *importer.Rejected
		if errors.As(err, &rej) && len(rej.Rows) == 0 {
			t.Fatal("a rejection without rows")
		}
		return
	}
	if len(plan.Problems) == 0 {
		t.Fatal("no problems and no error")
	}
	seen := map[int]bool{}
	for _, p := range plan.Problems {
		if p.Number < 1 || p.Number > 100000 || seen[p.Number] {
			t.Fatalf("bad or repeated number %d", p.Number)
		}
		seen[p.Number] = true
		if strings.TrimSpace(p.Title) == "" || !utf8.ValidString(p.Title) || utf8.RuneCountInString(p.Title) > domain.MaxTitleLen {
			t.Fatalf("bad title %q", p.Title)
		}
		if len(p.Measures) > domain.MaxMeasures {
			t.Fatalf("problem %d has %d measures", p.Number, len(p.Measures))
		}
		for _, m := range p.Measures {
			if m.Title == "" || !utf8.ValidString(m.Title) || !utf8.ValidString(m.Text) {
				t.Fatalf("bad measure %+v", m)
			}
			if plan.Format == importer.FormatLedger && (!m.Kind.Valid() || m.LeadUnit == "" ||
				(m.Kind != domain.KindLongTerm && m.Deadline.IsZero())) {
				t.Fatalf("ledger measure without kind, lead unit or deadline: %+v", m)
			}
		}
	}
}

// FuzzReadLedgerCSV feeds the ledger reader arbitrary csv. The seed corpus
// is in testdata/fuzz/FuzzReadLedgerCSV; `go test` runs only the seeds,
// `go test -fuzz=FuzzReadLedgerCSV ./internal/importer` explores.
func FuzzReadLedgerCSV(f *testing.F) {
	f.Add([]byte(template + "1,方面,题,描述,措施,限期整改,甲处,乙处、丙处,领导,2026-01-01\n1,方面,题,,措施二,长期坚持,甲处,,,\n"))
	f.Add([]byte("序号,问题,整改措施,类型,责任领导,牵头单位,配合单位,整改时限(原定),整改时限(当前),状态\n3,题,措,立行立改,领导,甲处,,2026-01-01,2026-02-01,整改中\n"))
	f.Add([]byte("\xEF\xBB\xBF" + template + "\"1\",,\"多\n行\",,,,,,,\n"))
	f.Add([]byte(template + "1.0,,题,,措施,限期整改,甲处,甲处,,45000\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := importer.Read("ledger.csv", bytes.NewReader(data), now)
		checkPlan(t, plan, err)
	})
}

// FuzzReadText feeds the text reader arbitrary text (with its markdown
// clean-up in front of reporttext.Parse, which has its own fuzz target).
func FuzzReadText(f *testing.F) {
	f.Add("标题\n## 二、整改进展情况\n### **（一）关于“甲”问题的整改情况。**\n完成情况：一是加强领导。成立专班。\n")
	f.Add("(一)关于“" + strings.Repeat("长", 600) + "”问题\n")
	f.Add("(一)关于“甲”问题\n(二)关于“甲”问题\n")
	f.Fuzz(func(t *testing.T, text string) {
		plan, err := importer.Read("report.md", strings.NewReader(text), now)
		checkPlan(t, plan, err)
	})
}
