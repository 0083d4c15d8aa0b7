package domain_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// TestLightRule is the one rule every figure uses: a rectified problem is
// closed, not green; one without measures running has no light.
func TestLightRule(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	day := func(offset int) domain.Date { return domain.DateOf(now.AddDate(0, 0, offset)) }
	measure := func(deadline domain.Date, completed bool) domain.Measure {
		return domain.Measure{ID: 1, Title: "m", Kind: domain.KindDeadline, Deadline: deadline, Completed: completed}
	}
	for _, tc := range []struct {
		name     string
		stage    domain.Stage
		measures []domain.Measure
		want     domain.Light
	}{
		{"in plan, no measures", domain.StagePlan, nil, ""},
		{"in plan with a drafted measure", domain.StagePlan, []domain.Measure{measure(day(-5), false)}, ""},
		{"executing without measures", domain.StageExecute, nil, ""},
		{"overdue", domain.StageExecute, []domain.Measure{measure(day(-1), false)}, domain.LightRed},
		{"due within the warning window", domain.StageExecute, []domain.Measure{measure(day(1), false)}, domain.LightYellow},
		{"on time", domain.StageExecute, []domain.Measure{measure(day(30), false)}, domain.LightGreen},
		{"overdue but done", domain.StageExecute, []domain.Measure{measure(day(-1), true)}, domain.LightGreen},
		{"in verify, overdue measure", domain.StageVerify, []domain.Measure{measure(day(-1), false)}, domain.LightRed},
		{"closed", domain.StageClosed, []domain.Measure{measure(day(-1), true)}, domain.LightClosed},
		{"under look-back", domain.StageLookback, []domain.Measure{measure(day(-1), true)}, domain.LightClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := domain.Problem{Stage: tc.stage, Measures: tc.measures}
			if got := domain.ProblemLight(p, 72*time.Hour, now); got != tc.want {
				t.Fatalf("light %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCompletionPercent is the one rounding of the dashboard, the stats
// API, the 台账 and the 通报: half up to one decimal.
func TestCompletionPercent(t *testing.T) {
	for _, tc := range []struct {
		rectified, total int
		want             string
	}{
		{0, 0, "0"}, {0, 41, "0"}, {2, 41, "4.9"}, {1, 3, "33.3"}, {2, 3, "66.7"},
		{19, 25, "76"}, {1, 8, "12.5"}, {1, 16, "6.3"}, {41, 41, "100"},
	} {
		if got := domain.FormatPercent(domain.CompletionPercent(tc.rectified, tc.total)); got != tc.want {
			t.Errorf("%d of %d: %s%%, want %s%%", tc.rectified, tc.total, got, tc.want)
		}
	}
}
