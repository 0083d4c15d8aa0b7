package store_test

import (
	"slices"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// closedProblem takes a new problem led by unit lead (co-unit co) to closed.
func (f *fixture) closedProblem(t *testing.T, title, lead string, co ...string) domain.Problem {
	t.Helper()
	p := f.toExecute(t, f.problem(t, f.campaign.ID, title), lead, co...)
	p = f.do(t, p, f.complete(lead, 1, "done"))
	p = f.do(t, p, f.requestClosure(lead))
	return f.do(t, p, f.approveClosure("ok"))
}

func TestLookbackStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		disc := f.user(t, "disc", domain.RoleDiscipline, "")
		p1 := f.closedProblem(t, "one", "A", "B")
		p2 := f.closedProblem(t, "two", "B")
		p3 := f.closedProblem(t, "three", "A")
		open := f.toExecute(t, f.problem(t, f.campaign.ID, "open"), "A")

		ids, err := s.ClosedProblemIDs(ctx, f.campaign.ID, 0)
		if err != nil || !slices.Equal(ids, []int64{p1.ID, p2.ID, p3.ID}) {
			t.Fatalf("closed problems = %v, %v", ids, err)
		}
		if ids, err := s.ClosedProblemIDs(ctx, f.campaign.ID, f.unit("B")); err != nil || !slices.Equal(ids, []int64{p1.ID, p2.ID}) {
			t.Fatalf("closed problems of unit B (lead or co) = %v, %v", ids, err)
		}
		if _, err := s.ClosedProblemIDs(ctx, 999, 0); !domain.IsCode(err, domain.ENotFound) {
			t.Fatalf("unknown campaign: %v", err)
		}
		if stages, err := s.ProblemStages(ctx, []int64{p1.ID, open.ID, 999}); err != nil || len(stages) != 2 || stages[open.ID] != domain.StageExecute {
			t.Fatalf("stages = %v, %v", stages, err)
		}
		if err := s.CheckDisciplineUsers(ctx, []int64{disc.UserID}); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckDisciplineUsers(ctx, []int64{disc.UserID, f.supervisor.UserID}); !domain.IsCode(err, domain.EInvalid) {
			t.Fatalf("a supervisor as reviewer: %v", err)
		}

		lb := domain.Lookback{
			Title: "2026 回头看", CampaignID: f.campaign.ID, Seed: 42, DueDate: "2026-09-30", ReviewerIDs: []int64{disc.UserID}, CreatedBy: disc.UserID,
			Scope:    domain.LookbackScope{CampaignID: f.campaign.ID, Sample: &domain.LookbackSample{Count: 2, Seed: 42}},
			Problems: []domain.LookbackProblem{{ProblemID: p1.ID}, {ProblemID: p2.ID}},
		}
		id, existed, err := s.CreateLookback(ctx, lb, "key-1")
		if err != nil || existed {
			t.Fatalf("create: %d %v %v", id, existed, err)
		}
		if again, existed, err := s.CreateLookback(ctx, lb, "key-1"); err != nil || !existed || again != id {
			t.Fatalf("retry: %d %v %v", again, existed, err)
		}
		if _, _, err := s.CreateLookback(ctx, lb, ""); !domain.IsCode(err, domain.EConflict) {
			t.Fatalf("a problem in two look-backs: %v", err)
		}

		// The workflow's transitions put p1 and p2 under review; p1 is
		// reopened, p2 confirmed.
		start := func(p domain.Problem) domain.Problem {
			return f.do(t, p, domain.Command{Action: domain.ActionStartLookback, Actor: disc, LookbackID: id, Deadline: "2026-09-30"})
		}
		p1, p2 = start(p1), start(p2)
		if got := f.load(t, p1.ID); got.Stage != domain.StageLookback || got.LookbackID != id || got.LookbackDue != "2026-09-30" {
			t.Fatalf("read model under review: %s %d %s", got.Stage, got.LookbackID, got.LookbackDue)
		}
		p1 = f.do(t, p1, domain.Command{Action: domain.ActionRequestMaterial, Actor: disc, LookbackID: id, Text: "请提供材料"})
		p1 = f.do(t, p1, domain.Command{Action: domain.ActionAnswerMaterial, Actor: f.unitUser["A"], LookbackID: id, Text: "已报送"})
		p1 = f.do(t, p1, domain.Command{Action: domain.ActionConcludeLookback, Actor: disc, LookbackID: id,
			Result: domain.LookbackReopened, Text: "反弹", Deadline: "2026-12-31"})
		p2 = f.do(t, p2, domain.Command{Action: domain.ActionConcludeLookback, Actor: disc, LookbackID: id,
			Result: domain.LookbackConfirmed, Finding: "巩固"})

		got := f.load(t, p1.ID)
		if got.Stage != domain.StageExecute || got.LookbackID != 0 || !got.ClosedAt.IsZero() || got.Measures[0].Completed || got.Measures[0].Deadline != "2026-12-31" {
			t.Fatalf("reopened read model: %+v", got)
		}
		if got := f.load(t, p2.ID); got.Stage != domain.StageClosed || got.ClosedAt.IsZero() {
			t.Fatalf("confirmed read model: %+v", got)
		}

		read, err := s.Lookback(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if read.Title != lb.Title || read.Seed != 42 || read.Scope.Sample == nil || read.Scope.Sample.Count != 2 || read.Total != 2 || read.Concluded != 2 || !read.Complete {
			t.Fatalf("look-back = %+v", read)
		}
		r1, r2 := read.Problems[0], read.Problems[1]
		if r1.ProblemID != p1.ID || r1.Result != domain.LookbackReopened || r1.Reason != "反弹" || r1.ConcludedBy != disc.UserID || r1.ConcludedAt.IsZero() || r1.LeadUnitID != f.unit("A") {
			t.Errorf("problem 1 = %+v", r1)
		}
		if len(r1.Material) != 2 || r1.Material[0].Action != domain.ActionRequestMaterial || r1.Material[1].Reason != "已报送" {
			t.Errorf("material = %+v", r1.Material)
		}
		if r2.Result != domain.LookbackConfirmed || r2.Finding != "巩固" || r2.Status != domain.LookbackConcluded {
			t.Errorf("problem 2 = %+v", r2)
		}
		if _, err := s.Lookback(ctx, 999, 0); !domain.IsCode(err, domain.ENotFound) {
			t.Errorf("unknown look-back: %v", err)
		}

		// Unit C takes part in nothing looked back; unit A in p1 only.
		if list, err := s.ListLookbacks(ctx, f.unit("C")); err != nil || len(list) != 0 {
			t.Errorf("unit C list = %+v, %v", list, err)
		}
		if list, err := s.ListLookbacks(ctx, f.unit("A")); err != nil || len(list) != 1 || len(list[0].Problems) != 1 || list[0].Problems[0].ProblemID != p1.ID {
			t.Errorf("unit A list = %+v, %v", list, err)
		}

		// A second look-back of p3 is pending, then p3 is dropped from it.
		id2, _, err := s.CreateLookback(ctx, domain.Lookback{Title: "单个", DueDate: "2026-09-30", CreatedBy: disc.UserID,
			Scope: domain.LookbackScope{ProblemIDs: []int64{p3.ID}}, Problems: []domain.LookbackProblem{{ProblemID: p3.ID}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		stats, err := s.LookbackStats(ctx, f.campaign.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.LookbackStats{
			{CampaignID: f.campaign.ID, UnitID: f.unit("A"), UnitName: "unit A", LookedBack: 2, Reopened: 1, Pending: 1},
			{CampaignID: f.campaign.ID, UnitID: f.unit("B"), UnitName: "unit B", LookedBack: 1, Confirmed: 1},
		}
		if !slices.Equal(stats, want) {
			t.Errorf("stats = %+v\nwant %+v", stats, want)
		}
		if err := s.DropLookbackProblem(ctx, id2, p3.ID); err != nil {
			t.Fatal(err)
		}
		if lb2, err := s.Lookback(ctx, id2, 0); err != nil || lb2.Total != 0 || lb2.Complete {
			t.Errorf("after drop: %+v %v", lb2, err)
		}
		if stats, err := s.LookbackStats(ctx, 999); err != nil || len(stats) != 0 {
			t.Errorf("stats of another campaign = %+v %v", stats, err)
		}
	})
}
