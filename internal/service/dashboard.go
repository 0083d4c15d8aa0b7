package service

import (
	"context"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// Reads behind the web UI's dashboard and lists, with the same visibility
// rule as ListProblems: a unit user sees only its unit's problems.

// Dashboard is one campaign's figures as one user may see them.
type Dashboard struct {
	Campaign    domain.Campaign
	StageCounts map[domain.Stage]int
	Total       int
	Closed      int
	Units       []store.UnitRow
	// Closures are approved closures per day over ClosureDays days.
	Closures []store.DayCount
	// Deadlines are the earliest open deadlines (overdue ones first).
	Deadlines []store.Deadline
	// Trend is the completion and the red problems week by week over
	// TrendWeeks, replayed from the event log.
	Trend []domain.TrendPoint
	// ForecastLate are the open measures whose progress reports, at their
	// pace, finish after the deadline (or have stalled).
	ForecastLate []ForecastLate
}

// ForecastLate is a measure forecast late.
type ForecastLate struct {
	store.Deadline
	Forecast domain.Forecast
}

// ClosureDays is how far back the dashboard's closure chart looks.
const ClosureDays = 60

// TrendWeeks is how many weeks the dashboard's trend shows.
const TrendWeeks = 12

// CompletionPercent is the share of rectified problems, as the 通报 and the
// stats API give it (domain.CompletionPercent).
func (d Dashboard) CompletionPercent() float64 {
	return domain.CompletionPercent(d.Closed, d.Total)
}

// CompletionText is CompletionPercent as the 通报 writes it ("4.9").
func (d Dashboard) CompletionText() string { return domain.FormatPercent(d.CompletionPercent()) }

// scope returns the unit whose problems u is limited to, 0 for all.
func scope(u domain.User) int64 {
	if u.Role == domain.RoleUnit {
		return u.UnitID
	}
	return 0
}

// Dashboard returns a campaign's figures scoped to u.
func (s *Service) Dashboard(ctx context.Context, u domain.User, campaignID int64) (Dashboard, error) {
	sum, err := s.store.Campaign(ctx, campaignID)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Campaign: sum.Campaign}
	unit := scope(u)
	if d.StageCounts, err = s.store.StageCounts(ctx, campaignID, unit); err != nil {
		return Dashboard{}, err
	}
	for _, n := range d.StageCounts {
		d.Total += n
	}
	d.Closed = d.StageCounts[domain.StageClosed] + d.StageCounts[domain.StageLookback]
	if d.Units, err = s.store.UnitRows(ctx, campaignID, unit, s.Now()); err != nil {
		return Dashboard{}, err
	}
	since := s.Now().AddDate(0, 0, -ClosureDays)
	if d.Closures, err = s.store.ClosuresPerDay(ctx, campaignID, unit, since); err != nil {
		return Dashboard{}, err
	}
	if d.Deadlines, err = s.store.UpcomingDeadlines(ctx, campaignID, unit, 10); err != nil {
		return Dashboard{}, err
	}
	changes, measures, err := s.store.TrendInputs(ctx, campaignID, unit)
	if err != nil {
		return Dashboard{}, err
	}
	d.Trend = domain.WeeklyTrend(changes, measures, domain.WeekEnds(s.Now(), TrendWeeks))
	candidates, err := s.store.ForecastCandidates(ctx, campaignID, unit)
	if err != nil {
		return Dashboard{}, err
	}
	for _, c := range candidates {
		if f, ok := domain.ForecastMeasure(c.Points, c.Deadline.Deadline); ok && f.Late {
			d.ForecastLate = append(d.ForecastLate, ForecastLate{Deadline: c.Deadline, Forecast: f})
		}
	}
	return d, nil
}

// SearchProblems is ListProblems with a text search and an order.
func (s *Service) SearchProblems(ctx context.Context, u domain.User, q store.ProblemQuery) ([]domain.Problem, int64, error) {
	if q.Stage != "" && !q.Stage.Valid() {
		return nil, 0, domain.Errorf(domain.EInvalid, "unknown stage %q", q.Stage).WithKey("stage_invalid", "value", string(q.Stage)).WithField("stage")
	}
	if q.Light != "" && !q.Light.Valid() {
		return nil, 0, domain.Errorf(domain.EInvalid, "light must be red, yellow, green or closed").WithKey("light_invalid").WithField("light")
	}
	switch q.Sort {
	case "", store.SortNumber, store.SortDeadline, store.SortUpdated, store.SortLead:
	default:
		return nil, 0, domain.Errorf(domain.EInvalid, "unknown sort %q", q.Sort).WithKey("sort_invalid", "value", q.Sort).WithField("sort")
	}
	q.VisibleToUnit = scope(u)
	q.Now = s.Now()
	problems, total, err := s.store.SearchProblems(ctx, q)
	for i := range problems {
		problems[i] = problems[i].WithLights(q.Now)
	}
	return problems, total, err
}

// Today is the current date in China time.
func (s *Service) Today() domain.Date { return domain.DateOf(s.Now()) }
