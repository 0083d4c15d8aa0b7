package ledger_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/ledger"
)

var (
	cst = time.FixedZone("CST", 8*3600)
	// now is 2026-03-10 09:00 in China.
	now   = time.Date(2026, 3, 10, 9, 0, 0, 0, cst)
	units = map[int64]string{1: "社会救助处", 2: "办公室", 3: "养老服务处"}
)

func problems() []domain.Problem {
	return []domain.Problem{
		{ID: 1, Number: 1, Section: "党的领导", Title: "统筹谋划不到位", Stage: domain.StageExecute, LeadUnitID: 1, Measures: []domain.Measure{
			{ID: 1, Title: "逾期措施", Kind: domain.KindDeadline, Acknowledged: true, LeadUnitID: 1, CoUnitIDs: []int64{2, 3}, ResponsibleLeader: "张三", Deadline: "2026-03-09", LatestProgress: "推进中"},
			{ID: 2, Title: "临期措施", Kind: domain.KindImmediate, LeadUnitID: 1, Deadline: "2026-03-12", ResponsibleLeader: "张三"},
			{ID: 3, Title: "当天到期", Kind: domain.KindDeadline, LeadUnitID: 2, Deadline: "2026-03-10"},
			{ID: 4, Title: "已完成但逾期", Kind: domain.KindDeadline, LeadUnitID: 1, Deadline: "2026-01-01", Completed: true, CompletionSummary: "已办结"},
			{ID: 5, Title: "长期坚持", Kind: domain.KindLongTerm, LeadUnitID: 3, Acknowledged: true, LatestProgress: "每月调度"},
			{ID: 6, Title: "远期措施", Kind: domain.KindDeadline, LeadUnitID: 3, Deadline: "2026-12-31"},
		}},
		{ID: 2, Number: 2, Title: "已销号问题", Stage: domain.StageClosed, LeadUnitID: 2, ClosedAt: time.Date(2026, 2, 1, 20, 0, 0, 0, time.UTC),
			Measures: []domain.Measure{{ID: 1, Title: "过期但已销号", Kind: domain.KindDeadline, LeadUnitID: 2, Deadline: "2026-01-15", Completed: true}}},
		{ID: 3, Number: 5, Title: "尚在制定措施", Stage: domain.StagePlan, Measures: []domain.Measure{}},
	}
}

func write(t testing.TB, in ledger.Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ledger.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLightOf(t *testing.T) {
	p := problems()[0]
	cases := []struct {
		name string
		m    domain.Measure
		now  time.Time
		want ledger.Light
	}{
		{"PassedIsRed", p.Measures[0], now, ledger.LightRed},
		{"WithinThreeDaysIsYellow", p.Measures[1], now, ledger.LightYellow},
		{"DueTodayIsYellowUntilMidnight", p.Measures[2], now, ledger.LightYellow},
		{"DueTodayIsRedAtMidnight", p.Measures[2], time.Date(2026, 3, 11, 0, 0, 0, 0, cst), ledger.LightRed},
		{"ExactlyThreeDaysIsYellow", p.Measures[5], time.Date(2026, 12, 29, 0, 0, 0, 0, cst), ledger.LightYellow},
		{"JustOverThreeDaysIsNone", p.Measures[5], time.Date(2026, 12, 28, 23, 59, 0, 0, cst), ledger.LightNone},
		{"CompletedIsNone", p.Measures[3], now, ledger.LightNone},
		{"LongTermIsNone", p.Measures[4], now, ledger.LightNone},
		{"FarIsNone", p.Measures[5], now, ledger.LightNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ledger.LightOf(p, tc.m, tc.now); got != tc.want {
				t.Fatalf("light = %d, want %d", got, tc.want)
			}
		})
	}
	if got := ledger.LightOf(problems()[1], problems()[1].Measures[0], now); got != ledger.LightNone {
		t.Errorf("a closed problem's measure has light %d", got)
	}
}

func TestWrite(t *testing.T) {
	data := write(t, ledger.Input{Campaign: domain.Campaign{Title: "省委第四巡视组反馈意见整改"}, Problems: problems(), Units: units, Now: now})
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "整改台账,汇总" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(ledger.SheetLedger)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(ledger.Header, ",") {
		t.Fatalf("header = %v", rows[0])
	}
	for _, want := range []string{"序号", "问题", "整改措施", "类型", "责任领导", "牵头单位", "配合单位", "整改时限(原定)", "整改时限(当前)", "状态", "最新进展", "佐证材料数", "销号日期"} {
		if !strings.Contains(strings.Join(rows[0], ","), want) {
			t.Errorf("header lacks %s", want)
		}
	}
	if len(rows) != 1+6+1+1 {
		t.Fatalf("%d rows, want 9 (header, 7 measures, 1 problem without measures)", len(rows))
	}
	want := map[int][]string{
		1: {"1", "统筹谋划不到位", "逾期措施", "限期整改", "张三", "社会救助处", "办公室、养老服务处", "2026-03-09", "2026-03-09", "整改中"},
		4: {"1", "统筹谋划不到位", "已完成但逾期", "限期整改", "", "社会救助处", "", "2026-01-01", "2026-01-01", "已完成", "已办结", "0"},
		5: {"1", "统筹谋划不到位", "长期坚持", "长期坚持", "", "养老服务处", "", "", "", "长期坚持", "每月调度", "0"},
		7: {"2", "已销号问题", "过期但已销号", "限期整改", "", "办公室", "", "2026-01-15", "2026-01-15", "已销号", "", "0", "2026-02-02"},
		8: {"5", "尚在制定措施", "", "", "", "", "", "", "", "制定措施", "", "0"},
	}
	for i, w := range want {
		got := rows[i]
		if len(got) < len(w) || strings.Join(got[:len(w)], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q\nwant   %q", i+1, got, w)
		}
	}
	// Colours: red for row 2 (overdue), yellow for rows 3 and 4, none else.
	fills := map[string]string{"A2": "FFC7CE", "K2": "FFC7CE", "A3": "FFEB9C", "A4": "FFEB9C", "A5": "", "A6": "", "A7": "", "A8": ""}
	for cell, want := range fills {
		id, err := f.GetCellStyle(ledger.SheetLedger, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(st.Fill.Color) > 0 {
			got = strings.TrimPrefix(strings.ToUpper(st.Fill.Color[0]), "FF")
			if len(st.Fill.Color[0]) == 6 {
				got = strings.ToUpper(st.Fill.Color[0])
			}
		}
		if got != want {
			t.Errorf("%s fill = %q, want %q", cell, got, want)
		}
	}
	panes, err := f.GetPanes(ledger.SheetLedger)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the header frozen", panes)
	}
	if w, _ := f.GetColWidth(ledger.SheetLedger, "C"); w < 14 || w > 50 { // fits 已完成但逾期
		t.Errorf("整改措施 column width %v", w)
	}
	if w, _ := f.GetColWidth(ledger.SheetLedger, "A"); w > 10 {
		t.Errorf("序号 column width %v", w)
	}
	summary, err := f.GetRows(ledger.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(summary)
	for _, want := range []string{"[制定措施 1]", "[整改落实 1]", "[已销号 1]", "[合计 3]", "[社会救助处 3 1 2 1 1]", "[办公室 2 1 1 0 1]", "[养老服务处 2 0 2 0 0]"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %s: %v", want, text)
		}
	}
}

// TestRoundTrip re-imports an exported ledger (as a dry run would): the
// same problems and measures.
func TestRoundTrip(t *testing.T) {
	ps := problems()
	data := write(t, ledger.Input{Problems: ps, Units: units, Now: now})
	// Read as of a year earlier, when every deadline still lay ahead.
	plan, err := importer.Read("ledger.xlsx", bytes.NewReader(data), now.AddDate(-1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != len(ps) {
		t.Fatalf("%d problems, want %d", len(plan.Problems), len(ps))
	}
	for i, got := range plan.Problems {
		p := ps[i]
		if got.Number != p.Number || got.Title != p.Title || got.Section != p.Section || len(got.Measures) != len(p.Measures) {
			t.Fatalf("problem %d = %+v, want %+v", i, got, p)
		}
		for j, m := range got.Measures {
			pm := p.Measures[j]
			var co []string
			for _, id := range pm.CoUnitIDs {
				co = append(co, units[id])
			}
			if m.Title != pm.Title || m.Kind != pm.Kind || m.LeadUnit != units[pm.LeadUnitID] ||
				strings.Join(m.CoUnits, ",") != strings.Join(co, ",") || m.Leader != pm.ResponsibleLeader || m.Deadline != pm.Deadline {
				t.Errorf("problem %d measure %d = %+v, want %+v", p.Number, j+1, m, pm)
			}
		}
	}
}

// manyMeasures is a campaign of n problems × per measures.
func manyMeasures(n, per int) []domain.Problem {
	var ps []domain.Problem
	for i := 1; i <= n; i++ {
		p := domain.Problem{ID: int64(i), Number: i, Title: fmt.Sprintf("第%d个问题：低保救助“提标扩围”力度不大", i), Stage: domain.StageExecute}
		for j := 1; j <= per; j++ {
			p.Measures = append(p.Measures, domain.Measure{
				ID: int64(j), Title: fmt.Sprintf("措施%d：制定并印发低保标准动态调整办法，建立长效机制", j), Kind: domain.KindDeadline,
				LeadUnitID: int64(1 + j%3), CoUnitIDs: []int64{int64(1 + (j+1)%3)}, ResponsibleLeader: "分管厅领导",
				Deadline: domain.Date("2026-03-01").AddDays(j), LatestProgress: strings.Repeat("已完成第一轮核查，正在推进。", 4),
			})
		}
		ps = append(ps, p)
	}
	return ps
}

func TestWriteLarge(t *testing.T) {
	data := write(t, ledger.Input{Problems: manyMeasures(200, 10), Units: units, Now: now})
	plan, err := importer.Read("ledger.xlsx", bytes.NewReader(data), time.Date(2025, 1, 1, 0, 0, 0, 0, cst))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range plan.Problems {
		n += len(p.Measures)
	}
	if len(plan.Problems) != 200 || n != 2000 {
		t.Fatalf("re-read %d problems, %d measures", len(plan.Problems), n)
	}
}

// BenchmarkWrite2000 times the export of a ledger of 2,000 measures
// (200 problems × 10).
func BenchmarkWrite2000(b *testing.B) {
	in := ledger.Input{Problems: manyMeasures(200, 10), Units: units, Now: now}
	for b.Loop() {
		if err := ledger.Write(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFormulaTextQuoted: text that starts like a formula is written with
// Excel's quote prefix, so editing the cell or saving as CSV keeps it text.
func TestFormulaTextQuoted(t *testing.T) {
	ps := []domain.Problem{{ID: 1, Number: 1, Title: `=HYPERLINK("http://evil.invalid","点击")`, Stage: domain.StageExecute, LeadUnitID: 1,
		Measures: []domain.Measure{
			{ID: 1, Title: "+1 加强督查", Kind: domain.KindDeadline, LeadUnitID: 1, Deadline: "2026-12-31", LatestProgress: "@SUM(A1)"},
			{ID: 2, Title: "建立台账", Kind: domain.KindDeadline, LeadUnitID: 1, Deadline: "2026-12-31", LatestProgress: "-2 已整改"},
		}}}
	f, err := excelize.OpenReader(bytes.NewReader(write(t, ledger.Input{Campaign: domain.Campaign{Title: "c"}, Problems: ps, Units: units, Now: now})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(ledger.SheetLedger)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for r, row := range rows[1:] {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			id, err := f.GetCellStyle(ledger.SheetLedger, cell)
			if err != nil {
				t.Fatal(err)
			}
			qp := f.Styles.CellXfs.Xf[id].QuotePrefix
			quoted := qp != nil && *qp
			want := v != "" && strings.ContainsRune("=+-@", rune(v[0]))
			if quoted != want {
				t.Errorf("%s %q: quote prefix %v, want %v", cell, v, quoted, want)
			}
			if formula, _ := f.GetCellFormula(ledger.SheetLedger, cell); formula != "" {
				t.Errorf("%s is a formula %q", cell, formula)
			}
			if want {
				checked++
			}
		}
	}
	if checked != 5 { // the title on both rows, two measures' texts
		t.Errorf("%d formula-like cells checked, want 5", checked)
	}
}

// TestLedByColumn: the 台账 says who led when, from approved changes of
// lead unit only.
func TestLedByColumn(t *testing.T) {
	decided := time.Date(2026, 3, 2, 10, 0, 0, 0, cst)
	ps := []domain.Problem{{ID: 1, Number: 1, Title: "调整过牵头单位的问题", Stage: domain.StageExecute, LeadUnitID: 2,
		Measures: []domain.Measure{
			{ID: 1, Title: "措施一", Kind: domain.KindDeadline, LeadUnitID: 2, Deadline: "2026-12-31"},
			{ID: 2, Title: "措施二", Kind: domain.KindDeadline, LeadUnitID: 3, Deadline: "2026-12-31"},
		},
		Reassignments: []domain.Reassignment{
			{ID: 1, FromUnitID: 1, ToUnitID: 2, Status: domain.ReassignApproved, DecidedAt: decided},
			{ID: 2, MeasureID: 2, FromUnitID: 2, ToUnitID: 3, Status: domain.ReassignApproved, DecidedAt: decided.AddDate(0, 0, 3)},
			{ID: 3, FromUnitID: 2, ToUnitID: 3, Status: "requested"},
		}}}
	f, err := excelize.OpenReader(bytes.NewReader(write(t, ledger.Input{Campaign: domain.Campaign{Title: "c"}, Problems: ps, Units: units, Now: now})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(ledger.SheetLedger)
	if err != nil {
		t.Fatal(err)
	}
	col := len(ledger.Header) - 1
	if rows[0][col] != "牵头单位调整" {
		t.Fatalf("last header %q", rows[0][col])
	}
	for i, want := range []string{
		"2026-03-02 由社会救助处调整为办公室",
		"2026-03-02 由社会救助处调整为办公室；2026-03-05 由办公室调整为养老服务处",
	} {
		if got := rows[i+1][col]; got != want {
			t.Errorf("measure %d: %q, want %q", i+1, got, want)
		}
	}
}
