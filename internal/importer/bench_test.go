package importer_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/importer"
)

// threeLevelReport writes a report of n problems in three levels: ten
// sections, in each groups of four sub-problems and problems of their own,
// every problem with three run-on measures.
func threeLevelReport(n int) string {
	var b strings.Builder
	b.WriteString("某单位党组关于巡视整改进展情况的通报\n发布日期：2025-06-01\n")
	fmt.Fprintf(&b, "巡视反馈问题%d个。\n二、整改进展情况\n", n)
	perSection := (n + 9) / 10
	written := 0
	for s := 1; written < n; s++ {
		fmt.Fprintf(&b, "（%s）在“第%d方面”方面\n", han(s), s)
		top := 0
		for inSection := 0; inSection < perSection && written < n; {
			top++
			if top%2 == 1 {
				fmt.Fprintf(&b, "%d.关于“第%d组问题”问题\n", top, written+1)
				for sub := 1; sub <= 4 && inSection < perSection && written < n; sub++ {
					written++
					inSection++
					fmt.Fprintf(&b, "（%d）关于“问题%d制度执行不到位”的问题\n推进情况：一是完善制度%d，二是加强督查；三是严肃问责。\n", sub, written, written)
				}
				continue
			}
			written++
			inSection++
			fmt.Fprintf(&b, "%d.关于“问题%d监管不严”问题的整改情况\n完成情况：一是开展检查。发现问题%d个。二是建立台账。三是定期通报。\n", top, written, written)
		}
	}
	b.WriteString("三、下一步整改工作打算\n持续推进。\n")
	return b.String()
}

func han(n int) string {
	return []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"}[n]
}

// writeReport lets the full import be timed through the API with the same
// report: go test ./internal/importer -run TestThreeLevelReport -write-report /tmp/r1000.txt
var writeReport = flag.String("write-report", "", "also write the generated 1,000-problem report to this file")

func TestThreeLevelReport(t *testing.T) {
	report := threeLevelReport(1000)
	if *writeReport != "" {
		if err := os.WriteFile(*writeReport, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := importer.Read("r.txt", strings.NewReader(report), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 1000 || len(plan.Groups) == 0 || len(plan.Warnings) != 0 {
		t.Fatalf("%d problems, %d groups, warnings %q", len(plan.Problems), len(plan.Groups), plan.Warnings)
	}
}

// BenchmarkReadReport1000 is a dry run's reading of a 1,000-problem
// three-level report: decoding, parsing, checking every problem.
func BenchmarkReadReport1000(b *testing.B) {
	data := []byte(threeLevelReport(1000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := importer.Read("report.txt", bytes.NewReader(data), now); err != nil {
			b.Fatal(err)
		}
	}
}
