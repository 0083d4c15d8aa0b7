package domain

import "time"

// Light is the red/yellow/green warning (红黄灯预警) of a measure or problem.
type Light string

// Lights, from calm to alarm.
const (
	LightGreen  Light = "green"
	LightYellow Light = "yellow"
	LightRed    Light = "red"
)

// Valid reports whether l is a known light.
func (l Light) Valid() bool { return l == LightGreen || l == LightYellow || l == LightRed }

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

// ProblemLight is the worst light of p's measures.
func ProblemLight(p Problem, warning time.Duration, now time.Time) Light {
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
