package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// BenchSeed describes the rows SeedBench writes: open problems as the
// workflows would have left them, for the read-side benchmark. Starting
// 10,000 workflows takes minutes on the embedded server, and the reads
// measured here touch only the store.
type BenchSeed struct {
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

// seedBatch is how many problems one transaction writes: large enough that
// batching pays, small enough for PostgreSQL's 65,535 bind parameters.
const seedBatch = 250

// SeedBench writes seed.Problems problems in stages plan (submitted),
// assign, execute and verify, each with its measures, unit links and the
// events that brought it there (chained like any event), in batches. Their
// workflows are marked started, so start-up never starts them: they exist
// only in the read model.
func (s *Store) SeedBench(ctx context.Context, seed BenchSeed) error {
	if len(seed.UnitIDs) == 0 {
		return fmt.Errorf("seed: no units")
	}
	if seed.MeasuresPerProblem <= 0 {
		seed.MeasuresPerProblem = 4
	}
	var campaign campaignRow
	if err := s.db.WithContext(ctx).Take(&campaign, seed.CampaignID).Error; err != nil {
		return notFound(err, "campaign %d not found", seed.CampaignID)
	}
	pol := campaign.policy()
	for first := 0; first < seed.Problems; first += seedBatch {
		n := min(seedBatch, seed.Problems-first)
		if err := s.seedBatch(ctx, seed, pol, first, n); err != nil {
			return fmt.Errorf("seed problems %d–%d: %w", first, first+n-1, err)
		}
	}
	return nil
}

func (s *Store) seedBatch(ctx context.Context, seed BenchSeed, pol domain.Policy, first, n int) error {
	today := domain.DateOf(seed.Now)
	stages := []domain.Stage{domain.StagePlan, domain.StageAssign, domain.StageExecute, domain.StageExecute,
		domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageExecute, domain.StageVerify}
	kinds := []domain.MeasureKind{domain.KindDeadline, domain.KindImmediate, domain.KindDeadline, domain.KindLongTerm}
	problems := make([]domain.Problem, n)
	rows := make([]*problemRow, n)
	for k := range n {
		i := first + k
		stage := stages[i%len(stages)]
		since := seed.Now.Add(-time.Duration(i%97) * time.Hour).UTC()
		p := domain.Problem{
			CampaignID: seed.CampaignID, Number: seed.FirstNumber + i, Section: fmt.Sprintf("方面%d", i%6+1),
			Title:       fmt.Sprintf("基准问题%d:制度执行不到位", seed.FirstNumber+i),
			Description: "对照巡视反馈意见逐项整改,建立台账,明确责任单位和整改时限。",
			Stage:       stage, Policy: pol, StageSince: since, UpdatedAt: since,
			Version: 3, PlanSubmittedBy: seed.Actor.UserID, NextMeasureID: int64(seed.MeasuresPerProblem),
		}
		for m := range seed.MeasuresPerProblem {
			kind := kinds[m%len(kinds)]
			unit := seed.UnitIDs[(i+m)%len(seed.UnitIDs)]
			measure := domain.Measure{
				ID: int64(m + 1), Title: fmt.Sprintf("措施%d:完善制度并督促落实", m+1), Kind: kind, LeadUnitID: unit,
				CoUnitIDs: []int64{seed.UnitIDs[(i+m+1)%len(seed.UnitIDs)]}, ResponsibleLeader: "分管领导",
				Acknowledged: stage == domain.StageExecute || stage == domain.StageVerify,
				Completed:    stage == domain.StageVerify && kind != domain.KindLongTerm,
			}
			if kind != domain.KindLongTerm {
				measure.Deadline = today.AddDays((i*37+m*11)%240 - 40)
				measure.OriginalDeadline = measure.Deadline
			}
			p.Measures = append(p.Measures, measure)
		}
		p.LeadUnitID = p.Measures[0].LeadUnitID
		yellowAt, redAt := p.LightTimes(pol.WarningWindow)
		problems[k] = p
		rows[k] = &problemRow{
			CampaignID: p.CampaignID, Number: p.Number, Section: p.Section, Title: p.Title, Description: p.Description,
			Stage: string(p.Stage), LeadUnitID: p.LeadUnitID, Version: p.Version, PlanSubmittedBy: p.PlanSubmittedBy,
			NextMeasureID: p.NextMeasureID, StageSince: optionalTime(since), YellowAt: optionalTime(yellowAt), RedAt: optionalTime(redAt),
			Extensions: "null", Policy: string(mustJSON(pol)), WorkflowStarted: true, CreatedAt: since, UpdatedAt: since,
			MeasureCount: len(p.Measures), ExtensionsGranted: extensionsGranted(p),
		}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(rows).Error; err != nil {
			return err
		}
		var measures []*measureRow
		var links []measureUnitRow
		var events []*eventRow
		for k, row := range rows {
			p := problems[k]
			p.ID = row.ID
			for _, m := range p.Measures {
				measures = append(measures, toMeasureRow(p.ID, m))
			}
			for _, unit := range p.UnitIDs() {
				links = append(links, measureUnitRow{ProblemID: p.ID, UnitID: unit})
			}
			actions := []domain.Action{domain.ActionCreate, domain.ActionSubmitPlan}
			if p.Stage != domain.StagePlan {
				actions = append(actions, domain.ActionApprovePlan)
			}
			for seq, action := range actions {
				payload, _ := json.Marshal(map[string]any{"number": p.Number, "title": p.Title})
				events = append(events, &eventRow{
					ProblemID: p.ID, Seq: int64(seq + 1), RequestID: fmt.Sprintf("seed:%d:%d", p.ID, seq+1), Action: string(action),
					ActorID: seed.Actor.UserID, ActorName: seed.Actor.Username, ActorRole: string(seed.Actor.Role), ActorUnit: seed.Actor.UnitID,
					ToStage: string(p.Stage), Payload: string(payload), At: row.CreatedAt,
				})
			}
		}
		if err := tx.CreateInBatches(measures, 1000).Error; err != nil {
			return err
		}
		if err := tx.CreateInBatches(links, 1000).Error; err != nil {
			return err
		}
		// The events take their places in the campaign's audit chain as
		// appendEvent would give them, one head update per batch.
		head, err := lockHead(tx, seed.CampaignID)
		if err != nil {
			return err
		}
		for _, ev := range events {
			ev.At = ev.At.UTC().Truncate(time.Microsecond)
			head.Position++
			ev.ChainPos, ev.PrevHash = head.Position, head.Hash
			ev.Hash = eventHash(seed.CampaignID, ev)
			head.Hash = ev.Hash
		}
		if err := tx.CreateInBatches(events, 500).Error; err != nil {
			return err
		}
		return tx.Model(&auditHeadRow{}).Where("campaign_id = ?", seed.CampaignID).
			Updates(map[string]any{"position": head.Position, "hash": head.Hash}).Error
	})
}

// ReadDB is the connection pool the store reads through, for a benchmark's
// bare-SQL baseline on the same connections.
func (s *Store) ReadDB() (*sql.DB, error) { return s.read.DB() }
