package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// seedSpec describes the open problems seedProblems writes for the read-side
// benchmark.
type seedSpec struct {
	CampaignID int64
	// Problems are numbered FirstNumber, FirstNumber+1, …
	Problems    int
	FirstNumber int
	// MeasuresPerProblem is 4 unless set.
	MeasuresPerProblem int
	// UnitIDs are the units measures are given to, in turn.
	UnitIDs []int64
	Actor   domain.Actor
	// Now anchors stage times and deadlines: deadlines spread from 40 days
	// before it to 200 days after, so every light occurs.
	Now time.Time
}

// seedBatch is how many problems one import writes.
const seedBatch = 250

// seedProblems writes open problems in stages plan (submitted), assign,
// execute and verify as their workflows would have left them, through the
// store's own writes: an import creates each (its creation event chained
// like any), one recorded transition puts it in its stage with its
// measures, and it is marked as having its workflow, so that nothing starts
// one. Starting 10,000 workflows takes minutes on the embedded server, and
// the reads measured touch only the store.
func seedProblems(ctx context.Context, st *store.Store, seed seedSpec) error {
	if len(seed.UnitIDs) == 0 {
		return fmt.Errorf("seed: no units")
	}
	if seed.MeasuresPerProblem <= 0 {
		seed.MeasuresPerProblem = 4
	}
	campaign, err := st.Campaign(ctx, seed.CampaignID)
	if err != nil {
		return err
	}
	for first := 0; first < seed.Problems; first += seedBatch {
		n := min(seedBatch, seed.Problems-first)
		batch := store.ImportBatch{CampaignID: seed.CampaignID, Actor: seed.Actor}
		for k := range n {
			i := first + k
			batch.Problems = append(batch.Problems, domain.NewProblem{
				CampaignID: seed.CampaignID, Number: seed.FirstNumber + i, Section: fmt.Sprintf("方面%d", i%6+1),
				Title:       fmt.Sprintf("基准问题%d:制度执行不到位", seed.FirstNumber+i),
				Description: "对照巡视反馈意见逐项整改,建立台账,明确责任单位和整改时限。",
			})
		}
		out, err := st.ImportProblems(ctx, batch)
		if err != nil {
			return fmt.Errorf("seed problems %d–%d: %w", first, first+n-1, err)
		}
		// PostgreSQL takes the writes side by side; SQLite queues them.
		var wg sync.WaitGroup
		errs := make(chan error, len(out.Problems))
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for k := range next {
					tr := seedTransition(seed, campaign.Policy, first+k, out.Problems[k])
					if err := st.RecordTransition(ctx, tr); err != nil {
						errs <- err
						continue
					}
					if err := st.MarkWorkflowStarted(ctx, tr.Problem.ID); err != nil {
						errs <- err
					}
				}
			})
		}
		for k := range out.Problems {
			next <- k
		}
		close(next)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return fmt.Errorf("seed problems %d–%d: %w", first, first+n-1, err)
		}
	}
	return nil
}

// seedTransition takes the i-th seeded problem, as imported, to its stage in
// one step: a submitted plan whose measures are already where the stage has
// them.
func seedTransition(seed seedSpec, pol domain.Policy, i int, p domain.Problem) domain.Transition {
	today := domain.DateOf(seed.Now)
	stages := []domain.Stage{domain.StagePlan, domain.StageAssign, domain.StageExecute, domain.StageExecute,
		domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageVerify}
	kinds := []domain.MeasureKind{domain.KindDeadline, domain.KindImmediate, domain.KindDeadline, domain.KindLongTerm}
	stage := stages[i%len(stages)]
	since := seed.Now.Add(-time.Duration(i%97) * time.Hour).UTC()
	p.Stage, p.Policy, p.StageSince, p.UpdatedAt = stage, pol, since, since
	p.Version, p.PlanSubmittedBy, p.NextMeasureID = 2, seed.Actor.UserID, int64(seed.MeasuresPerProblem)
	p.Measures = nil
	for m := range seed.MeasuresPerProblem {
		kind := kinds[m%len(kinds)]
		measure := domain.Measure{
			ID: int64(m + 1), Title: fmt.Sprintf("措施%d:完善制度并督促落实", m+1), Kind: kind,
			LeadUnitID: seed.UnitIDs[(i+m)%len(seed.UnitIDs)], CoUnitIDs: []int64{seed.UnitIDs[(i+m+1)%len(seed.UnitIDs)]},
			ResponsibleLeader: "分管领导",
			Acknowledged:      stage == domain.StageExecute || stage == domain.StageVerify,
			Completed:         stage == domain.StageVerify && kind != domain.KindLongTerm,
		}
		if kind != domain.KindLongTerm {
			measure.Deadline = today.AddDays((i*37+m*11)%240 - 40)
			measure.OriginalDeadline = measure.Deadline
		}
		p.Measures = append(p.Measures, measure)
	}
	p.LeadUnitID = p.Measures[0].LeadUnitID
	payload, _ := json.Marshal(map[string]any{"number": p.Number, "title": p.Title})
	return domain.Transition{Problem: p, Event: domain.Event{
		ProblemID: p.ID, Seq: 2, RequestID: fmt.Sprintf("seed:%d:2", p.ID), Action: domain.ActionSubmitPlan,
		ActorID: seed.Actor.UserID, ActorName: seed.Actor.Username, ActorRole: seed.Actor.Role, ActorUnit: seed.Actor.UnitID,
		FromStage: domain.StagePlan, ToStage: stage, Payload: payload, At: since,
	}}
}
