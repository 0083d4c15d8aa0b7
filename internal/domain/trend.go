package domain

import (
	"slices"
	"time"
)

// StageChange is an event that moved a problem into a stage (its creation
// moves it into plan), as the event log records it.
type StageChange struct {
	ProblemID int64
	Stage     Stage
	At        time.Time
}

// MeasureDue is what decides whether a measure ran late at a given time.
type MeasureDue struct {
	ProblemID   int64
	Kind        MeasureKind
	Deadline    Date
	CompletedAt time.Time // zero: not completed
}

// TrendPoint is the campaign as it stood at End.
type TrendPoint struct {
	End time.Time
	// Problems existed at End; Rectified of them were closed or under
	// look-back; Red had a measure past its deadline and not completed.
	Problems, Rectified, Red int
}

// CompletionPercent is the point's completion, rounded as everywhere.
func (p TrendPoint) CompletionPercent() float64 { return CompletionPercent(p.Rectified, p.Problems) }

// WeekEnds are the ends of the last n weeks up to now, oldest first: each
// Monday 00:00 China time, the last one now itself.
func WeekEnds(now time.Time, n int) []time.Time {
	today := DateOf(now)
	weekday := int(today.Time().Weekday()+6) % 7 // Monday 0
	monday := today.AddDays(-weekday).Time()
	ends := make([]time.Time, 0, n)
	for i := n - 1; i >= 1; i-- {
		ends = append(ends, monday.AddDate(0, 0, -7*(i-1)))
	}
	return append(ends, now)
}

// WeeklyTrend replays stage changes and measure completions to each end:
// how many problems existed, were rectified and were red then. A measure's
// deadline is its current one (an extension granted later moves it back in
// every week).
func WeeklyTrend(changes []StageChange, measures []MeasureDue, ends []time.Time) []TrendPoint {
	slices.SortStableFunc(changes, func(a, b StageChange) int { return a.At.Compare(b.At) })
	byProblem := map[int64][]MeasureDue{}
	for _, m := range measures {
		if m.Kind != KindLongTerm && !m.Deadline.IsZero() {
			byProblem[m.ProblemID] = append(byProblem[m.ProblemID], m)
		}
	}
	stage := map[int64]Stage{}
	out := make([]TrendPoint, len(ends))
	next := 0
	for i, end := range ends {
		for next < len(changes) && !changes[next].At.After(end) {
			stage[changes[next].ProblemID] = changes[next].Stage
			next++
		}
		pt := TrendPoint{End: end, Problems: len(stage)}
		for id, s := range stage {
			if s.Rectified() {
				pt.Rectified++
				continue
			}
			if s == StagePlan {
				continue
			}
			for _, m := range byProblem[id] {
				late := !end.Before(m.Deadline.DueAt())
				open := m.CompletedAt.IsZero() || m.CompletedAt.After(end)
				if late && open {
					pt.Red++
					break
				}
			}
		}
		out[i] = pt
	}
	return out
}
