package domain_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

func TestForecastMeasure(t *testing.T) {
	day := func(n int) time.Time {
		return domain.Date("2026-03-01").Time().Add(time.Duration(n)*24*time.Hour + 10*time.Hour)
	}
	pts := func(dayPercent ...int) []domain.ProgressPoint {
		var out []domain.ProgressPoint
		for i := 0; i+1 < len(dayPercent); i += 2 {
			out = append(out, domain.ProgressPoint{At: day(dayPercent[i]), Percent: dayPercent[i+1]})
		}
		return out
	}
	tests := []struct {
		name     string
		points   []domain.ProgressPoint
		deadline domain.Date
		want     domain.Forecast
		ok       bool
	}{
		// 10% every 10 days: from 30% on day 20, 100% on day 90 = 2026-05-30.
		{"steady on time", pts(0, 10, 10, 20, 20, 30), "2026-06-30", domain.Forecast{Date: "2026-05-30"}, true},
		{"steady on the deadline day", pts(0, 10, 10, 20, 20, 30), "2026-05-30", domain.Forecast{Date: "2026-05-30"}, true},
		{"steady late", pts(0, 10, 10, 20, 20, 30), "2026-05-29", domain.Forecast{Date: "2026-05-30", Late: true}, true},
		{"reports out of order", pts(20, 30, 0, 10, 10, 20), "2026-06-30", domain.Forecast{Date: "2026-05-30"}, true},
		{"stalled", pts(0, 40, 10, 40, 20, 40), "2026-12-31", domain.Forecast{Late: true, Stalled: true}, true},
		{"going backwards", pts(0, 50, 10, 40), "2026-12-31", domain.Forecast{Late: true, Stalled: true}, true},
		{"no reports", nil, "2026-06-30", domain.Forecast{}, false},
		{"single report", pts(0, 50), "2026-06-30", domain.Forecast{}, false},
		{"two reports at one time", pts(0, 10, 0, 20), "2026-06-30", domain.Forecast{}, false},
		{"done", pts(0, 50, 10, 100), "2026-06-30", domain.Forecast{}, false},
		{"no deadline", pts(0, 10, 10, 20), "", domain.Forecast{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := domain.ForecastMeasure(tt.points, tt.deadline)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ForecastMeasure = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestForecastNotice(t *testing.T) {
	now := domain.Date("2026-03-21").Time().Add(10 * time.Hour)
	p := domain.Problem{ID: 7, Number: 3, Stage: domain.StageExecute}
	m := domain.Measure{ID: 2, Title: "修订制度", Kind: domain.KindDeadline, Deadline: "2026-06-08", LeadUnitID: 5}
	late := domain.Forecast{Date: "2026-06-09", Late: true}
	tests := []struct {
		name string
		edit func(*domain.Measure, *domain.Forecast, *time.Time)
		want bool
	}{
		{"OK late before yellow", func(*domain.Measure, *domain.Forecast, *time.Time) {}, true},
		{"on time", func(_ *domain.Measure, f *domain.Forecast, _ *time.Time) { *f = domain.Forecast{Date: "2026-06-01"} }, false},
		{"already yellow", func(_ *domain.Measure, _ *domain.Forecast, now *time.Time) { *now = domain.Date("2026-06-06").Time() }, false},
		{"completed", func(m *domain.Measure, _ *domain.Forecast, _ *time.Time) { m.Completed = true }, false},
		{"long-term", func(m *domain.Measure, _ *domain.Forecast, _ *time.Time) { m.Kind = domain.KindLongTerm }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mm, f, at := m, late, now
			tt.edit(&mm, &f, &at)
			n, ok := domain.ForecastNotice(p, mm, f, domain.Policy{}, at)
			if ok != tt.want {
				t.Fatalf("ForecastNotice ok = %v, want %v", ok, tt.want)
			}
			if ok && (n.Kind != domain.NoticeForecastLate || n.Key != "forecast_late:p7:m2:2026-06-08" || n.Audience.UnitID != 5) {
				t.Errorf("notice = %+v", n)
			}
		})
	}
	t.Run("to the handler when named", func(t *testing.T) {
		mm := m
		mm.HandlerID = 42
		n, ok := domain.ForecastNotice(p, mm, late, domain.Policy{}, now)
		if !ok || len(n.Audience.UserIDs) != 1 || n.Audience.UserIDs[0] != 42 {
			t.Errorf("notice = %+v, %v", n, ok)
		}
	})
}
