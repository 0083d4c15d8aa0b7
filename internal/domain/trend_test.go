package domain_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

func TestWeeklyTrend(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(day int) time.Time { return time.Date(2026, 3, day, 10, 0, 0, 0, cst) }
	// Problem 1: planned on the 2nd, executing on the 3rd, its measure due
	// on the 10th and done on the 20th, closed on the 25th. Problem 2:
	// created on the 12th, still in plan. Problem 3: executing from the
	// 3rd, long-term only.
	changes := []domain.StageChange{
		{ProblemID: 1, Stage: domain.StagePlan, At: at(2)},
		{ProblemID: 1, Stage: domain.StageExecute, At: at(3)},
		{ProblemID: 1, Stage: domain.StageVerify, At: at(24)},
		{ProblemID: 1, Stage: domain.StageClosed, At: at(25)},
		{ProblemID: 3, Stage: domain.StageExecute, At: at(3)},
		{ProblemID: 2, Stage: domain.StagePlan, At: at(12)},
	}
	measures := []domain.MeasureDue{
		{ProblemID: 1, Kind: domain.KindDeadline, Deadline: "2026-03-10", CompletedAt: at(20)},
		{ProblemID: 3, Kind: domain.KindLongTerm},
	}
	ends := []time.Time{at(1), at(5), at(11), at(15), at(21), at(26)}
	got := domain.WeeklyTrend(changes, measures, ends)
	want := []struct{ problems, rectified, red int }{
		{0, 0, 0}, // nothing yet
		{2, 0, 0}, // before the deadline
		{2, 0, 1}, // the day after it: red
		{3, 0, 1}, // problem 2 created, still red
		{3, 0, 0}, // done on the 20th
		{3, 1, 0}, // closed
	}
	for i, w := range want {
		if g := got[i]; g.Problems != w.problems || g.Rectified != w.rectified || g.Red != w.red {
			t.Errorf("at %s: %d problems, %d rectified, %d red; want %v", ends[i].Format("01-02"), g.Problems, g.Rectified, g.Red, w)
		}
	}
	if got[5].CompletionPercent() != 33.3 {
		t.Errorf("completion %v, want 33.3", got[5].CompletionPercent())
	}
}

func TestWeekEnds(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.FixedZone("CST", 8*3600)) // a Wednesday
	ends := domain.WeekEnds(now, 3)
	want := []string{"2026-11-23 00:00", "2026-11-30 00:00", "2026-12-02 15:00"}
	for i, e := range ends {
		if got := e.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"); got != want[i] {
			t.Errorf("end %d = %s, want %s", i, got, want[i])
		}
	}
}
