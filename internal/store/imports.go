package store

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rectify/rectify/internal/domain"
)

// ImportRequestID marks the creation event of a problem an import created,
// so a rerun of the import can tell its own problems (whose plan it may
// still have to submit) from problems created by hand.
const ImportRequestID = "import"

// ExistingProblem is a problem already in a campaign, as an import sees it.
type ExistingProblem struct {
	domain.Problem
	// Imported reports whether an import created it.
	Imported bool
}

// CampaignProblemsByNumber returns the campaign's problems (without
// measures) by number.
func (s *Store) CampaignProblemsByNumber(ctx context.Context, campaignID int64) (map[int]ExistingProblem, error) {
	var rows []problemRow
	if err := s.reader(ctx).Where("campaign_id = ?", campaignID).Find(&rows).Error; err != nil {
		return nil, err
	}
	var imported []int64
	err := s.reader(ctx).Model(&eventRow{}).
		Where("seq = 1 AND request_id = ? AND problem_id IN (?)", ImportRequestID,
			s.read.Model(&problemRow{}).Select("id").Where("campaign_id = ?", campaignID)).
		Pluck("problem_id", &imported).Error
	if err != nil {
		return nil, err
	}
	isImported := make(map[int64]bool, len(imported))
	for _, id := range imported {
		isImported[id] = true
	}
	out := make(map[int]ExistingProblem, len(rows))
	for _, r := range rows {
		out[r.Number] = ExistingProblem{Problem: r.toDomain(nil), Imported: isImported[r.ID]}
	}
	return out, nil
}

// ImportBatch is what one import writes: the units it creates and the
// problems (already validated, numbers set and not in use).
type ImportBatch struct {
	CampaignID int64
	NewUnits   []string
	Problems   []domain.NewProblem
	Actor      domain.Actor
}

// ImportOutcome is what an import wrote: the problems in batch order, and
// the ID of every unit it created, by name.
type ImportOutcome struct {
	Problems []domain.Problem
	Units    map[string]int64
}

// ImportProblems writes a batch all or nothing, in one transaction: the
// units, then each problem in stage plan with its creation event (marked as
// imported). A number taken since the caller looked is a conflict and
// nothing is written. Workflows are started by the caller, after commit.
func (s *Store) ImportProblems(ctx context.Context, b ImportBatch) (ImportOutcome, error) {
	out := ImportOutcome{Units: map[string]int64{}}
	now := s.Now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		out.Problems = out.Problems[:0]
		// The campaign row lock orders this batch with concurrent problem
		// creation in the campaign (see CreateProblem).
		var campaign campaignRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").
			Where("id = ?", b.CampaignID).Take(&campaign).Error; err != nil {
			return notFound(err, "campaign %d not found", b.CampaignID)
		}
		for _, name := range b.NewUnits {
			name, err := domain.ValidateUnitName(name)
			if err != nil {
				return err
			}
			var existing unitRow
			err = tx.Where("name = ?", name).Limit(1).Find(&existing).Error
			if err != nil {
				return err
			}
			if existing.ID == 0 {
				existing = unitRow{Name: name, CreatedAt: now}
				if err := tx.Create(&existing).Error; err != nil {
					return err
				}
			}
			out.Units[name] = existing.ID
		}
		numbers := make([]int, len(b.Problems))
		for i, p := range b.Problems {
			numbers[i] = p.Number
		}
		var taken []int
		if len(numbers) > 0 {
			if err := tx.Model(&problemRow{}).Where("campaign_id = ? AND number IN ?", b.CampaignID, numbers).
				Limit(1).Pluck("number", &taken).Error; err != nil {
				return err
			}
		}
		if len(taken) > 0 {
			return domain.Errorf(domain.EConflict, "problem number %d was added to campaign %d meanwhile; run the import again", taken[0], b.CampaignID).WithKey("import_number_taken", "n", taken[0])
		}
		for _, p := range b.Problems {
			row := problemRow{
				CampaignID: b.CampaignID, Number: p.Number, Section: p.Section, Title: p.Title,
				ParentNumber: p.ParentNumber, ParentTitle: p.ParentTitle,
				Description: p.Description, Stage: string(domain.StagePlan), Version: 1,
				CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			payload, _ := json.Marshal(map[string]any{"number": row.Number, "title": row.Title, "source": "import"})
			if _, err := appendEvent(tx, b.CampaignID, &eventRow{
				ProblemID: row.ID, Seq: 1, RequestID: ImportRequestID, Action: string(domain.ActionCreate),
				ActorID: b.Actor.UserID, ActorName: b.Actor.Username, ActorRole: string(b.Actor.Role), ActorUnit: b.Actor.UnitID,
				ToStage: row.Stage, Payload: string(payload), At: now,
			}); err != nil {
				return err
			}
			out.Problems = append(out.Problems, row.toDomain(nil))
		}
		return nil
	})
	if err != nil {
		return ImportOutcome{}, err
	}
	return out, nil
}

// CampaignProblems returns every problem of a campaign by number, with its
// measures, for the report and the ledger.
func (s *Store) CampaignProblems(ctx context.Context, campaignID int64) ([]domain.Problem, error) {
	var rows []problemRow
	if err := s.reader(ctx).Where("campaign_id = ?", campaignID).Order("number").Find(&rows).Error; err != nil {
		return nil, err
	}
	var measures []measureRow
	err := s.reader(ctx).Where("problem_id IN (?)", s.read.Model(&problemRow{}).Select("id").Where("campaign_id = ?", campaignID)).
		Order("problem_id, measure_id").Find(&measures).Error
	if err != nil {
		return nil, err
	}
	byProblem := map[int64][]measureRow{}
	for _, m := range measures {
		byProblem[m.ProblemID] = append(byProblem[m.ProblemID], m)
	}
	out := make([]domain.Problem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain(byProblem[r.ID])
	}
	return out, nil
}
