package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/report"
)

// checkInput is three problems: two closed by the report's date, one still
// in execution; 25 regulations, 125,000 yuan and 3 people recorded.
func checkInput() report.Input {
	closedOn := func(d string) time.Time { return domain.Date(d).Time().Add(10 * time.Hour) }
	return report.Input{
		Campaign: campaign,
		Date:     "2024-10-25",
		Problems: []domain.Problem{
			{ID: 11, Number: 1, Title: "甲", Stage: domain.StageClosed, ClosedAt: closedOn("2024-10-01"), Measures: []domain.Measure{{ID: 1, Title: "措施一", Completed: true}}},
			{ID: 12, Number: 2, Title: "乙", Stage: domain.StageLookback, ClosedAt: closedOn("2024-10-25"), Measures: []domain.Measure{{ID: 2, Title: "措施二", Completed: true}}},
			// A problem's own figures are not the campaign's totals.
			{ID: 13, Number: 3, Title: "丙", Stage: domain.StageExecute, Measures: []domain.Measure{{ID: 3, Title: "措施三", LatestProgress: "制定制度2项，处理1人次"}}},
		},
		Outcomes: domain.OutcomeTotals{Regulations: 25, MoneyYuan: 125000, PeopleHandled: 3},
	}
}

// replaceBlock rewrites the first paragraph that starts with prefix.
func replaceBlock(d *report.Document, prefix, with string) {
	for i, b := range d.Blocks {
		if b.Kind == report.BlockPara && strings.HasPrefix(b.Text, prefix) {
			d.Blocks[i].Text = with + strings.TrimPrefix(b.Text, prefix)
			return
		}
	}
}

func TestCheck(t *testing.T) {
	type found struct {
		kind string
		id   int64
	}
	organization := func(text string) func(*report.Input) {
		return func(in *report.Input) { in.Narrative.Organization = text }
	}
	tests := []struct {
		name    string
		input   func(*report.Input)    // before the report is built
		text    func(*report.Document) // the built text edited
		records func(*report.Input)    // the records changed after the text was written
		want    []found
	}{
		{name: "OK the report as built"},
		{name: "OK closed late on the report's date", input: func(in *report.Input) {
			in.Problems[0].ClosedAt = domain.Date("2024-10-25").Time().Add(23 * time.Hour)
		}},
		{name: "closed after the report's date", input: func(in *report.Input) {
			in.Problems[0].ClosedAt = domain.Date("2024-10-26").Time().Add(time.Hour)
		}, want: []found{{report.FindingClosedAfterDate, 11}}},
		{name: "completed written for an open problem", text: func(d *report.Document) {
			replaceBlock(d, "推进情况：", "完成情况：")
		}, want: []found{{report.FindingCompletedNotClosed, 13}}},
		{name: "OK in progress written for a closed problem", text: func(d *report.Document) {
			replaceBlock(d, "完成情况：", "推进情况：")
		}},
		{name: "OK headline counts right", input: organization("共反馈问题3个，已完成整改2个，正在推进1个，整改完成率66.7%。")},
		{name: "headline total wrong", input: organization("共反馈问题4个，已完成整改2个。"), want: []found{{report.FindingHeadlineMismatch, 0}}},
		{name: "headline completed wrong", input: organization("共反馈问题3个，已完成整改3个。"), want: []found{{report.FindingHeadlineMismatch, 0}}},
		{name: "headline rate wrong", input: organization("整改完成率70%。"), want: []found{{report.FindingHeadlineMismatch, 0}}},
		{name: "regulations contradict outcomes", input: organization("修订完善制度规范27项。"), want: []found{{report.FindingOutcomeMismatch, 0}}},
		{name: "OK regulations match outcomes", input: organization("修订完善制度规范25项。")},
		{name: "money contradicts outcomes", input: organization("追回资金12.6万元。"), want: []found{{report.FindingOutcomeMismatch, 0}}},
		{name: "OK money and people match outcomes", input: organization("追回或退还资金12.50万元，处理3人次。")},
		{name: "people contradict outcomes", input: organization("处理4人次。"), want: []found{{report.FindingOutcomeMismatch, 0}}},
		{name: "text older than the records", records: func(in *report.Input) {
			// The text says 2 of 3 completed; the records now say 1 of 3.
			in.Problems[1].Stage = domain.StageVerify
			in.Outcomes.Regulations = 26
		}, want: []found{
			// completed, in progress and the rate; the total still holds.
			{report.FindingHeadlineMismatch, 0}, {report.FindingHeadlineMismatch, 0}, {report.FindingHeadlineMismatch, 0},
			{report.FindingOutcomeMismatch, 0},
			{report.FindingCompletedNotClosed, 12},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := checkInput()
			if tt.input != nil {
				tt.input(&in)
			}
			d := report.Build(in)
			if tt.text != nil {
				tt.text(&d)
			}
			if tt.records != nil {
				tt.records(&in)
			}
			var got []found
			for _, f := range report.CheckDocument(d, in) {
				if f.Key != "rcheck."+f.Kind {
					t.Errorf("finding %+v: key is not rcheck.<kind>", f)
				}
				got = append(got, found{f.Kind, f.ProblemID})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("finding %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
	t.Run("Check builds the text", func(t *testing.T) {
		in := checkInput()
		in.Problems[0].ClosedAt = domain.Date("2024-11-01").Time()
		if got := report.Check(in); len(got) != 1 || got[0].Kind != report.FindingClosedAfterDate {
			t.Fatalf("Check = %+v, want one closed_after_date", got)
		}
	})
}
