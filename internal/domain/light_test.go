package domain_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// TestLightOverTime: a problem's light and its next change follow the
// earliest open deadline under the policy's warning window.
func TestLightOverTime(t *testing.T) {
	p := domain.Problem{Stage: domain.StageExecute, Policy: domain.Policy{WarningWindow: 2 * 24 * time.Hour}, Measures: []domain.Measure{
		{ID: 1, Kind: domain.KindDeadline, Deadline: "2026-03-31"},
		{ID: 2, Kind: domain.KindDeadline, Deadline: "2026-03-10", Completed: true},
		{ID: 3, Kind: domain.KindLongTerm},
	}}
	due := domain.Date("2026-03-31").DueAt()
	yellow := due.Add(-2 * 24 * time.Hour)
	for _, tc := range []struct {
		name  string
		now   time.Time
		light domain.Light
		next  time.Time
	}{
		{"Green", yellow.Add(-time.Hour), domain.LightGreen, yellow},
		{"YellowAtTheWindow", yellow, domain.LightYellow, due},
		{"RedAtTheDeadline", due, domain.LightRed, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.LightAt(tc.now); got != tc.light {
				t.Errorf("light = %s, want %s", got, tc.light)
			}
			if got := p.NextLightChange(tc.now); !got.Equal(tc.next) {
				t.Errorf("next change = %v, want %v", got, tc.next)
			}
		})
	}
	closed := p
	closed.Stage = domain.StageClosed
	if got, next := closed.LightAt(due), closed.NextLightChange(yellow.Add(-time.Hour)); got != domain.LightClosed || !next.IsZero() {
		t.Errorf("closed: light %s, next change %v; want closed, never", got, next)
	}
}
