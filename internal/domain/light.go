package domain

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Light is the red/yellow/green warning (红黄灯预警) of a measure or problem.
type Light string

// Lights, from calm to alarm. A problem that is rectified is closed, not
// green; a problem without measures to run (still in plan) has no light
// (the empty Light).
const (
	LightClosed Light = "closed"
	LightGreen  Light = "green"
	LightYellow Light = "yellow"
	LightRed    Light = "red"
)

// Valid reports whether l is a light a list can be filtered by.
func (l Light) Valid() bool {
	return l == LightGreen || l == LightYellow || l == LightRed || l == LightClosed
}

// Lit reports whether a problem in stage s with measures measures shows a
// red, yellow or green light: it runs against deadlines. The store's
// counts and filters apply the same rule in SQL.
func Lit(s Stage, measures int) bool {
	return measures > 0 && s != StagePlan && !s.Rectified()
}

// Rectified reports whether a problem in stage s counts as rectified
// (已完成整改) in every figure: closed, or closed and now under look-back
// until the look-back reopens it.
func (s Stage) Rectified() bool { return s == StageClosed || s == StageLookback }

// CompletionPercent is the share of rectified problems in percent, rounded
// half up to one decimal: the one rounding of the dashboard, the stats API,
// the 台账 and the 通报.
func CompletionPercent(rectified, total int) float64 {
	if total <= 0 {
		return 0
	}
	return math.Round(float64(rectified)*1000/float64(total)) / 10
}

// FormatPercent writes a percentage as the 通报 does: "4.9", "100", "0".
func FormatPercent(p float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(p, 'f', 1, 64), ".0")
}

// open reports whether m still runs against its deadline in stage s.
func (m *Measure) open(s Stage) bool {
	return s != StagePlan && s != StageClosed && !m.Completed && m.Kind != KindLongTerm && !m.Deadline.IsZero()
}

// MeasureLight is red once the deadline has passed, yellow within the
// warning window before it, green otherwise (and once done).
func MeasureLight(m Measure, s Stage, warning time.Duration, now time.Time) Light {
	if !m.open(s) {
		return LightGreen
	}
	due := m.Deadline.DueAt()
	switch {
	case !now.Before(due):
		return LightRed
	case !now.Before(due.Add(-warning)):
		return LightYellow
	}
	return LightGreen
}

// LightTimes returns when p turns yellow and red, the zero time for never:
// the store keeps them so that a list filters by light in SQL.
func (p *Problem) LightTimes(warning time.Duration) (yellowAt, redAt time.Time) {
	for _, m := range p.Measures {
		if !m.open(p.Stage) {
			continue
		}
		due := m.Deadline.DueAt()
		if redAt.IsZero() || due.Before(redAt) {
			redAt = due
		}
		if y := due.Add(-warning); yellowAt.IsZero() || y.Before(yellowAt) {
			yellowAt = y
		}
	}
	return yellowAt, redAt
}

// ProblemLight is the worst light of p's measures; closed once p is
// rectified, none while it has no measures running.
func ProblemLight(p Problem, warning time.Duration, now time.Time) Light {
	if p.Stage.Rectified() {
		return LightClosed
	}
	if !Lit(p.Stage, len(p.Measures)) {
		return ""
	}
	yellowAt, redAt := p.LightTimes(warning)
	switch {
	case !redAt.IsZero() && !now.Before(redAt):
		return LightRed
	case !yellowAt.IsZero() && !now.Before(yellowAt):
		return LightYellow
	}
	return LightGreen
}

// LightAt is p's light at now under its own policy's warning window.
func (p Problem) LightAt(now time.Time) Light {
	return ProblemLight(p, p.Policy.WithDefaults().WarningWindow, now)
}

// NextLightChange is the first time after now at which p's light changes
// (as long as nothing else does), the zero time for never.
func (p *Problem) NextLightChange(now time.Time) time.Time {
	yellowAt, redAt := p.LightTimes(p.Policy.WithDefaults().WarningWindow)
	var next time.Time
	for _, t := range []time.Time{yellowAt, redAt} {
		if !t.IsZero() && t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}
