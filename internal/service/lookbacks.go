package service

import (
	"context"
	"fmt"
	"math/rand/v2"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// Look-backs (回头看): the discipline group reviews closed problems. Each
// problem's workflow moves it to stage lookback and back; the store keeps
// which problems a look-back covers and how each ended.

// StartLookback resolves the scope to closed problems, records the
// look-back and starts the workflow that puts each problem under review; it
// answers without waiting for them (Lookback.Started counts them). With the
// same idemKey a retry finds the same look-back and the same start.
func (s *Service) StartLookback(ctx context.Context, u domain.User, in domain.NewLookback, idemKey string) (domain.Lookback, error) {
	if err := domain.RequireRole(u, "start a look-back", domain.RoleDiscipline); err != nil {
		return domain.Lookback{}, err
	}
	if err := in.Validate(s.Now()); err != nil {
		return domain.Lookback{}, err
	}
	if len(in.ReviewerIDs) == 0 {
		in.ReviewerIDs = []int64{u.ID}
	}
	if err := s.store.CheckDisciplineUsers(ctx, in.ReviewerIDs); err != nil {
		return domain.Lookback{}, err
	}
	if idemKey != "" {
		idemKey = fmt.Sprintf("u%d:%s", u.ID, idemKey)
	}
	// A retry finds the look-back its first attempt recorded: its problems
	// are no longer closed, so the scope would not find them again.
	var id int64
	if idemKey != "" {
		var err error
		if id, err = s.store.LookbackIDByKey(ctx, idemKey); err != nil {
			return domain.Lookback{}, err
		}
	}
	if id == 0 {
		var err error
		if id, err = s.createLookback(ctx, u, in, idemKey); err != nil {
			return domain.Lookback{}, err
		}
	}
	// Start from what was recorded, so that a retry puts the same problems
	// under review with the same due date whatever its body says.
	recorded, err := s.store.Lookback(ctx, id, 0)
	if err != nil {
		return domain.Lookback{}, err
	}
	start := workflows.LookbackStartInput{LookbackID: id, Actor: u.Actor(), Title: recorded.Title, DueDate: recorded.DueDate}
	for _, p := range recorded.Problems {
		if p.Status == domain.LookbackPending {
			start.ProblemIDs = append(start.ProblemIDs, p.ProblemID)
		}
	}
	startCtx, cancel := s.temporalContext(ctx)
	defer cancel()
	// A start still running is joined; one that ended is run again, which
	// applies nothing twice.
	if _, err := s.Temporal.ExecuteWorkflow(startCtx, client.StartWorkflowOptions{
		ID:                       workflows.LookbackStartWorkflowID(id),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.LookbackStartWorkflowName, start); err != nil {
		return domain.Lookback{}, s.temporalError(err, 0)
	}
	return recorded, nil
}

// createLookback resolves the scope and records the look-back.
func (s *Service) createLookback(ctx context.Context, u domain.User, in domain.NewLookback, idemKey string) (int64, error) {
	ids, population, weights, err := s.lookbackCandidates(ctx, &in.Scope)
	if err != nil {
		return 0, err
	}
	lb := domain.Lookback{
		Title: in.Title, CampaignID: in.Scope.CampaignID, Scope: in.Scope, DueDate: in.DueDate,
		ReviewerIDs: in.ReviewerIDs, CreatedBy: u.ID, Population: population, Weights: weights,
	}
	if in.Scope.Sample != nil {
		lb.Seed = in.Scope.Sample.Seed
	}
	for _, id := range ids {
		lb.Problems = append(lb.Problems, domain.LookbackProblem{ProblemID: id})
	}
	id, _, err := s.store.CreateLookback(ctx, lb, idemKey)
	return id, err
}

// lookbackCandidates returns the closed problems of a scope, sampled when
// the scope asks for it; a sample without a seed gets one, stored with it.
// It returns too how many closed problems the scope held (the population
// the look-back's assurance speaks of) and, for a weighted sample, their
// risk weights in ascending order of ID.
func (s *Service) lookbackCandidates(ctx context.Context, scope *domain.LookbackScope) ([]int64, int, []float64, error) {
	ids, population, weights, err := s.scopeProblems(ctx, scope)
	if err != nil {
		return nil, 0, nil, err
	}
	if len(ids) == 0 {
		return nil, 0, nil, domain.Errorf(domain.EConflict, "no closed problems in this scope").WithKey("lookback_none_closed")
	} else if len(ids) > domain.MaxLookbackProblems {
		return nil, 0, nil, domain.Errorf(domain.EInvalid, "the scope holds %d closed problems; a look-back reviews at most %d (sample them)", len(ids), domain.MaxLookbackProblems).WithKey("lookback_scope_too_big", "count", len(ids), "max", domain.MaxLookbackProblems).WithField("scope")
	}
	return ids, population, weights, nil
}

func (s *Service) scopeProblems(ctx context.Context, scope *domain.LookbackScope) ([]int64, int, []float64, error) {
	if len(scope.ProblemIDs) > 0 {
		stages, err := s.store.ProblemStages(ctx, scope.ProblemIDs)
		if err != nil {
			return nil, 0, nil, err
		}
		for _, id := range scope.ProblemIDs {
			st, ok := stages[id]
			if !ok {
				return nil, 0, nil, domain.Errorf(domain.ENotFound, "problem %d not found", id).WithKey("problem_not_found", "id", id)
			} else if st != domain.StageClosed {
				return nil, 0, nil, domain.Errorf(domain.EConflict, "problem %d is in stage %q: only closed problems are looked back", id, st).WithKey("lookback_problem_not_closed", "id", id, "stage", string(st))
			}
		}
		return scope.ProblemIDs, len(scope.ProblemIDs), nil, nil
	}
	ids, err := s.store.ClosedProblemIDs(ctx, scope.CampaignID, scope.UnitID)
	if err != nil {
		return nil, 0, nil, err
	}
	sample := scope.Sample
	if sample == nil {
		return ids, len(ids), nil, nil
	}
	size, err := domain.LookbackSampleSize(len(ids), sample.Count, sample.Percent)
	if err != nil {
		return nil, 0, nil, err
	}
	if sample.Seed == 0 {
		sample.Seed = 1 + rand.Int64N(domain.MaxLookbackSeed)
	}
	if !sample.Weighted {
		return domain.SampleProblems(ids, size, sample.Seed), len(ids), nil, nil
	}
	risks, err := s.store.ClosureRisks(ctx, ids)
	if err != nil {
		return nil, 0, nil, err
	}
	weights := make([]float64, len(ids))
	for i, id := range ids {
		weights[i] = risks[id].Weight()
	}
	return domain.WeightedSample(ids, weights, size, sample.Seed), len(ids), weights, nil
}

// LookbackAction is a discipline or unit action on one problem of a
// look-back: ask for material, answer, or conclude.
func (s *Service) LookbackAction(ctx context.Context, u domain.User, lookbackID, problemID int64, cmd domain.Command) (domain.Problem, error) {
	switch cmd.Action {
	case domain.ActionRequestMaterial, domain.ActionConcludeLookback:
		// Refuse other roles before saying anything about the look-back.
		if err := domain.RequireRole(u, "act on a look-back", domain.RoleDiscipline); err != nil {
			return domain.Problem{}, err
		}
	case domain.ActionAnswerMaterial:
		if err := domain.RequireRole(u, "answer a look-back", domain.RoleUnit); err != nil {
			return domain.Problem{}, err
		}
	default:
		return domain.Problem{}, domain.Errorf(domain.EInvalid, "%q is not a look-back action", cmd.Action).WithKey("unknown_action", "action", string(cmd.Action))
	}
	lb, err := s.store.Lookback(ctx, lookbackID, 0)
	if err != nil {
		return domain.Problem{}, err
	}
	if !lookbackHas(lb, problemID) {
		return domain.Problem{}, domain.Errorf(domain.ENotFound, "problem %d is not in look-back %d", problemID, lookbackID).WithKey("lookback_problem_not_in", "id", problemID)
	}
	cmd.Actor, cmd.LookbackID = u.Actor(), lookbackID
	// The workflow checks the rest: the stage, that this look-back is the
	// one under way, and that a unit answers only for a problem it leads
	// (any other unit is refused as forbidden there).
	return s.Act(ctx, problemID, cmd)
}

func lookbackHas(lb domain.Lookback, problemID int64) bool {
	for _, p := range lb.Problems {
		if p.ProblemID == problemID {
			return true
		}
	}
	return false
}

// Lookback returns a look-back. A unit user sees only look-backs covering
// a problem its unit takes part in, and only those problems.
func (s *Service) Lookback(ctx context.Context, u domain.User, id int64) (domain.Lookback, error) {
	if u.Role != domain.RoleUnit {
		return s.store.Lookback(ctx, id, 0)
	}
	lb, err := s.store.Lookback(ctx, id, u.UnitID)
	if err != nil {
		return domain.Lookback{}, err
	}
	if len(lb.Problems) == 0 {
		return domain.Lookback{}, domain.Errorf(domain.EForbidden, "your unit takes no part in look-back %d", id).WithKey("lookback_not_your_unit")
	}
	return lb, nil
}

// ListLookbacks returns the look-backs u may see, newest first.
func (s *Service) ListLookbacks(ctx context.Context, u domain.User) ([]domain.Lookback, error) {
	return s.store.ListLookbacks(ctx, scope(u))
}

// LookbackStats counts problems looked back, confirmed and reopened per
// campaign and lead unit. Unit users see their own unit's line only.
func (s *Service) LookbackStats(ctx context.Context, u domain.User, campaignID int64) ([]domain.LookbackStats, error) {
	stats, err := s.store.LookbackStats(ctx, campaignID)
	if err != nil || u.Role != domain.RoleUnit {
		return stats, err
	}
	mine := []domain.LookbackStats{}
	for _, st := range stats {
		if st.UnitID == u.UnitID {
			mine = append(mine, st)
		}
	}
	return mine, nil
}

// SampleSize is how many of a population a look-back must check.
type SampleSize struct {
	Population int     `json:"population"`
	Bound      float64 `json:"bound"`
	SampleSize int     `json:"sample_size"`
	// Assumes says what the figure takes for granted.
	Assumes string `json:"assumes"`
}

// sampleSizeAssumes is the caveat every sample size carries.
const sampleSizeAssumes = "simple random sample without replacement (hypergeometric, exact); none of the sampled closures reopened; one-sided 95% confidence; a weighted sample needs at least as many"

// LookbackSampleSize answers how many closed problems of a population (or
// of a campaign's closed problems) a simple random sample must check, none
// reopened, for the 95% upper bound on the share of unsound closures to be
// at most bound.
func (s *Service) LookbackSampleSize(ctx context.Context, u domain.User, campaignID int64, population int, bound float64) (SampleSize, error) {
	if err := domain.RequireRole(u, "plan a look-back", domain.RoleDiscipline, domain.RoleLeader, domain.RoleAdmin, domain.RoleSupervisor); err != nil {
		return SampleSize{}, err
	}
	if campaignID != 0 {
		ids, err := s.store.ClosedProblemIDs(ctx, campaignID, 0)
		if err != nil {
			return SampleSize{}, err
		}
		population = len(ids)
	}
	n, err := domain.SampleSizeForBound(population, bound)
	if err != nil {
		return SampleSize{}, err
	}
	return SampleSize{Population: population, Bound: bound, SampleSize: n, Assumes: sampleSizeAssumes}, nil
}
