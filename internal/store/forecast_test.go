package store_test

import (
	"math"
	"testing"

	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestRiskAndForecastInputs reads what a weighted look-back sample and the
// lateness forecast rest on, from the tables the transitions write.
func TestRiskAndForecastInputs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		closed := f.closedProblem(t, "closed", "A") // approved a minute after its request, no files
		open := f.toExecute(t, f.problem(t, f.campaign.ID, "open"), "A")
		open = f.do(t, open, f.progress("A", 1, "started", intp(20)))
		open = f.do(t, open, f.progress("A", 1, "text only", nil))
		f.do(t, open, f.progress("A", 1, "going on", intp(40)))

		risks, err := s.ClosureRisks(ctx, []int64{closed.ID})
		if err != nil {
			t.Fatal(err)
		}
		r := risks[closed.ID]
		if r.Extensions != 0 || r.ClosedLate || !r.TextOnly || r.OpenFlags != 0 || math.Abs(r.ReviewHours-1.0/60) > 1e-6 {
			t.Fatalf("risk of the closed problem = %+v", r)
		}
		if w := r.Weight(); w != 5 {
			t.Errorf("weight = %v, want 5 (1 + text only 2 + review within the hour 2)", w)
		}

		points, err := s.ProgressPoints(ctx, []int64{open.ID, closed.ID})
		if err != nil {
			t.Fatal(err)
		}
		got := points[open.ID][1]
		if len(got) != 2 || got[0].Percent != 20 || got[1].Percent != 40 || !got[0].At.Before(got[1].At) {
			t.Fatalf("points of the open measure = %+v (a report without a percent is no point)", got)
		}

		candidates, err := s.ForecastCandidates(ctx, f.campaign.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(candidates) != 1 || candidates[0].ProblemID != open.ID || candidates[0].MeasureID != 1 || len(candidates[0].Points) != 2 {
			t.Fatalf("forecast candidates = %+v, want the open measure alone", candidates)
		}
		if other, err := s.ForecastCandidates(ctx, f.campaign.ID, f.unit("B")); err != nil || len(other) != 0 {
			t.Fatalf("unit B's candidates = %+v, %v", other, err)
		}
	})
}
