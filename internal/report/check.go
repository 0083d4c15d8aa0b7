package report

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/rectify/rectify/internal/domain"
)

// Kinds of findings the check before publishing raises.
const (
	// FindingCompletedNotClosed: a block says 完成情况 for a problem whose
	// records say it is not closed.
	FindingCompletedNotClosed = "completed_not_closed"
	// FindingHeadlineMismatch: a headline count (共反馈问题N个，已完成整改M个,
	// 正在推进K个, 整改完成率X%) differs from the records.
	FindingHeadlineMismatch = "headline_mismatch"
	// FindingOutcomeMismatch: a figure in the text (修订完善制度规范27项,
	// 处理N人次, 追回资金X万元) differs from the recorded outcomes.
	FindingOutcomeMismatch = "outcome_mismatch"
	// FindingClosedAfterDate: the report counts a problem as completed that
	// was closed after the report's date.
	FindingClosedAfterDate = "closed_after_date"
)

// Finding is one contradiction between the report's text and the records.
// Key (under "rcheck.") and Params give its message in either language.
type Finding struct {
	Kind      string         `json:"kind"`
	ProblemID int64          `json:"problem_id,omitempty"`
	Key       string         `json:"key"`
	Params    map[string]any `json:"params,omitempty"`
}

// Check builds the report of in and checks its text against in's records.
func Check(in Input) []Finding { return CheckDocument(Build(in), in) }

// Figures a report's text may state, as the seed writes them. Each pattern's
// first group is the number.
var (
	totalPatterns      = patterns(`共反馈(?:问题)?(\d+)个`, `反馈(?:意见)?的(\d+)个问题`, `反馈问题(\d+)个`)
	completedPatterns  = patterns(`已完成整改(\d+)个`, `已整改完成(\d+)个`, `已完成(\d+)个`)
	inProgressPatterns = patterns(`正在推进(\d+)个`, `正在整改(\d+)个`)
	ratePatterns       = patterns(`整改完成率(\d+(?:\.\d+)?)%`, `完成率(\d+(?:\.\d+)?)%`)
	regulationPatterns = patterns(`制度(?:规范|文件)?(\d+)[项个件部]`)
	peoplePatterns     = patterns(`处理(\d+)人次`)
	moneyPatterns      = patterns(`(?:追回|退还|挽回)[^\d。；，]{0,10}(\d+(?:\.\d+)?)万元`)
)

func patterns(exprs ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(exprs))
	for i, e := range exprs {
		out[i] = regexp.MustCompile(e)
	}
	return out
}

// firstNumber returns the number the first matching pattern finds in text.
func firstNumber(text string, ps []*regexp.Regexp) (float64, string, bool) {
	for _, p := range ps {
		if m := p.FindStringSubmatch(text); m != nil {
			f, err := strconv.ParseFloat(m[1], 64)
			if err == nil {
				return f, m[0], true
			}
		}
	}
	return 0, "", false
}

// CheckDocument checks d, the report of in (or a text edited from it), against
// in's records: each problem block's 完成情况/推进情况 against the problem's
// stage and closure date, and every figure the other paragraphs (the
// headline, the narrative) state against the counts and the outcome totals. The k-th problem block is in.Problems[k],
// as Build lays them out.
func CheckDocument(d Document, in Input) []Finding {
	var out []Finding
	closed := 0
	for _, p := range in.Problems {
		if p.Stage.Rectified() {
			closed++
		}
	}
	total := len(in.Problems)
	rate := domain.CompletionPercent(closed, total)

	k := -1
	for i, b := range d.Blocks {
		if b.Kind == BlockProblem {
			k++
			continue
		}
		if b.Kind != BlockPara {
			continue
		}
		// The paragraph right after a problem heading is that problem's; its
		// figures are the problem's own, not the campaign's totals.
		if i > 0 && d.Blocks[i-1].Kind == BlockProblem {
			if k >= 0 && k < len(in.Problems) {
				out = append(out, checkProblemBlock(b.Text, in.Problems[k], in.Date)...)
			}
			continue
		}
		out = append(out, checkFigures(b.Text, total, closed, rate, in.Outcomes)...)
	}
	return out
}

func checkProblemBlock(text string, p domain.Problem, date domain.Date) []Finding {
	if !strings.HasPrefix(text, "完成情况") {
		return nil
	}
	params := map[string]any{"number": p.Number, "title": p.Title}
	if !p.Stage.Rectified() {
		params["stage"] = string(p.Stage)
		return []Finding{{Kind: FindingCompletedNotClosed, ProblemID: p.ID, Key: "rcheck." + FindingCompletedNotClosed, Params: params}}
	}
	if !p.ClosedAt.IsZero() && !date.IsZero() && domain.DateOf(p.ClosedAt) > date {
		params["closed"], params["date"] = string(domain.DateOf(p.ClosedAt)), string(date)
		return []Finding{{Kind: FindingClosedAfterDate, ProblemID: p.ID, Key: "rcheck." + FindingClosedAfterDate, Params: params}}
	}
	return nil
}

// checkFigures compares the figures text states with the records.
func checkFigures(text string, total, closed int, rate float64, o domain.OutcomeTotals) []Finding {
	var out []Finding
	compare := func(kind string, ps []*regexp.Regexp, recorded float64, tolerance float64, format func(float64) string) {
		stated, phrase, ok := firstNumber(text, ps)
		if !ok || math.Abs(stated-recorded) <= tolerance {
			return
		}
		out = append(out, Finding{Kind: kind, Key: "rcheck." + kind, Params: map[string]any{
			"phrase": phrase, "stated": format(stated), "recorded": format(recorded),
		}})
	}
	integer := func(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
	decimal := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	compare(FindingHeadlineMismatch, totalPatterns, float64(total), 0, integer)
	compare(FindingHeadlineMismatch, completedPatterns, float64(closed), 0, integer)
	compare(FindingHeadlineMismatch, inProgressPatterns, float64(total-closed), 0, integer)
	// The rate is printed rounded; half a unit of its last place is allowed.
	compare(FindingHeadlineMismatch, ratePatterns, math.Round(rate*10)/10, 0.051, decimal)
	compare(FindingOutcomeMismatch, regulationPatterns, float64(o.Regulations), 0, integer)
	compare(FindingOutcomeMismatch, peoplePatterns, float64(o.PeopleHandled), 0, integer)
	compare(FindingOutcomeMismatch, moneyPatterns, math.Round(o.MoneyYuan/100)/100, 0.0051, decimal)
	return out
}
