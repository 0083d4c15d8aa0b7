package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// Look-backs (回头看). The problems' own state (stage lookback, the events)
// is written by RecordTransition like any other decision; these tables say
// which problems a look-back covers and how each ended, so that a look-back
// and its stats are one query.

type lookbackRow struct {
	ID         int64  `gorm:"primaryKey"`
	Title      string `gorm:"size:500;not null"`
	CampaignID int64  `gorm:"not null;default:0;index"`
	Scope      string `gorm:"type:text;not null"`
	Seed       int64  `gorm:"not null;default:0"`
	DueDate    string `gorm:"size:10;not null"`
	// ReviewerIDs are discipline users, comma-separated.
	ReviewerIDs string `gorm:"size:1000;not null;default:''"`
	CreatedBy   int64  `gorm:"not null"`
	// IdemKey makes a retried start find the look-back it created (NULL
	// without one: NULLs never collide in the unique index).
	IdemKey   *string `gorm:"size:200;uniqueIndex"`
	CreatedAt time.Time
	// Population is how many closed problems the scope held; Weights
	// their risk weights (JSON) for a weighted sample, empty otherwise.
	Population int64  `gorm:"not null;default:0"`
	Weights    string `gorm:"type:text;not null;default:''"`
}

func (lookbackRow) TableName() string { return "lookbacks" }

type lookbackProblemRow struct {
	LookbackID  int64  `gorm:"primaryKey;autoIncrement:false"`
	ProblemID   int64  `gorm:"primaryKey;autoIncrement:false;index"`
	CampaignID  int64  `gorm:"not null;index"`
	LeadUnitID  int64  `gorm:"not null;default:0"`
	Status      string `gorm:"size:16;not null"`
	Result      string `gorm:"size:16;not null;default:''"`
	Finding     string `gorm:"type:text;not null;default:''"`
	Reason      string `gorm:"type:text;not null;default:''"`
	ConcludedAt *time.Time
	ConcludedBy int64 `gorm:"not null;default:0"`
}

func (lookbackProblemRow) TableName() string { return "lookback_problems" }

// ClosedProblemIDs returns the closed problems of a campaign, of one unit
// (lead or co-unit) when unitID is set, in ascending order.
func (s *Store) ClosedProblemIDs(ctx context.Context, campaignID, unitID int64) ([]int64, error) {
	if _, err := s.Campaign(ctx, campaignID); err != nil {
		return nil, err
	}
	q := s.reader(ctx).Model(&problemRow{}).Where("campaign_id = ? AND stage = ?", campaignID, string(domain.StageClosed))
	if unitID != 0 {
		q = q.Where("id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", unitID))
	}
	ids := []int64{}
	err := q.Order("id").Pluck("id", &ids).Error
	return ids, err
}

// ClosureRisks returns what the records say against each closed problem of
// ids, for a look-back's weighted sample: extensions granted, a closure
// after a measure's deadline, the supervisor's review time (from the
// request, or its endorsement, to the approval), and whether no file
// backs it, and its red flags not dismissed.
func (s *Store) ClosureRisks(ctx context.Context, ids []int64) (map[int64]domain.RiskInput, error) {
	out := make(map[int64]domain.RiskInput, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var problems []problemRow
	if err := s.reader(ctx).Select("id", "extensions_granted", "closed_at").Where("id IN ?", ids).Find(&problems).Error; err != nil {
		return nil, err
	}
	closedAt := make(map[int64]time.Time, len(problems))
	for _, p := range problems {
		out[p.ID] = domain.RiskInput{Extensions: p.ExtensionsGranted, ReviewHours: -1, TextOnly: true}
		closedAt[p.ID] = derefTime(p.ClosedAt)
	}
	var measures []measureRow
	if err := s.reader(ctx).Select("problem_id", "kind", "deadline").Where("problem_id IN ?", ids).Find(&measures).Error; err != nil {
		return nil, err
	}
	for _, m := range measures {
		r, at := out[m.ProblemID], closedAt[m.ProblemID]
		if m.Kind != string(domain.KindLongTerm) && m.Deadline != "" && !at.IsZero() && domain.DateOf(at) > domain.Date(m.Deadline) {
			r.ClosedLate = true
			out[m.ProblemID] = r
		}
	}
	var withFiles []int64
	if err := s.reader(ctx).Model(&evidenceRow{}).Where("problem_id IN ? AND sha256 <> '' AND withdrawn_at IS NULL", ids).
		Distinct("problem_id").Pluck("problem_id", &withFiles).Error; err != nil {
		return nil, err
	}
	for _, id := range withFiles {
		r := out[id]
		r.TextOnly = false
		out[id] = r
	}
	var open []struct {
		ProblemID int64
		N         int
	}
	if err := s.reader(ctx).Model(&flagRow{}).Select("problem_id, count(*) AS n").Where("problem_id IN ? AND NOT dismissed", ids).
		Group("problem_id").Scan(&open).Error; err != nil {
		return nil, err
	}
	for _, o := range open {
		r := out[o.ProblemID]
		r.OpenFlags = o.N
		out[o.ProblemID] = r
	}
	var events []eventRow
	if err := s.reader(ctx).Select("problem_id", "action", "at").Where("problem_id IN ? AND action IN ?", ids, []string{
		string(domain.ActionRequestClosure), string(domain.ActionEndorseClosure), string(domain.ActionApproveClosure),
	}).Order("problem_id, seq").Find(&events).Error; err != nil {
		return nil, err
	}
	// The last approval, timed from the step before it that handed the
	// request to the supervisor.
	handed := map[int64]time.Time{}
	for _, e := range events {
		if e.Action == string(domain.ActionApproveClosure) {
			if at, ok := handed[e.ProblemID]; ok {
				r := out[e.ProblemID]
				r.ReviewHours = e.At.Sub(at).Hours()
				out[e.ProblemID] = r
			}
			continue
		}
		handed[e.ProblemID] = e.At
	}
	return out, nil
}

// ProblemStages returns the stage of each of ids that exists.
func (s *Store) ProblemStages(ctx context.Context, ids []int64) (map[int64]domain.Stage, error) {
	var rows []problemRow
	if err := s.reader(ctx).Select("id", "stage").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]domain.Stage, len(rows))
	for _, r := range rows {
		out[r.ID] = domain.Stage(r.Stage)
	}
	return out, nil
}

// CreateLookback records a look-back and its problems in one transaction.
// With an idempotency key already used it returns that look-back instead
// (existed true), so a retried start resumes rather than starts anew. A
// problem pending in another look-back is a conflict.
func (s *Store) CreateLookback(ctx context.Context, lb domain.Lookback, idemKey string) (id int64, existed bool, err error) {
	row := lookbackRow{
		Title: lb.Title, CampaignID: lb.CampaignID, Scope: string(mustJSON(lb.Scope)), Seed: lb.Seed,
		DueDate: string(lb.DueDate), ReviewerIDs: joinIDs(lb.ReviewerIDs), CreatedBy: lb.CreatedBy, CreatedAt: s.Now(),
		Population: int64(lb.Population),
	}
	if lb.Weights != nil {
		row.Weights = string(mustJSON(lb.Weights))
	}
	if idemKey != "" {
		row.IdemKey = &idemKey
	}
	ids := make([]int64, len(lb.Problems))
	for i, p := range lb.Problems {
		ids[i] = p.ProblemID
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if idemKey != "" {
			var prior lookbackRow
			if err := tx.Where("idem_key = ?", idemKey).Limit(1).Find(&prior).Error; err != nil {
				return err
			} else if prior.ID != 0 {
				id, existed = prior.ID, true
				return nil
			}
		}
		var busy []int64
		if err := tx.Model(&lookbackProblemRow{}).Where("problem_id IN ? AND status = ?", ids, domain.LookbackPending).
			Order("problem_id").Pluck("problem_id", &busy).Error; err != nil {
			return err
		} else if len(busy) > 0 {
			return domain.Errorf(domain.EConflict, "problem %d is already under a look-back", busy[0]).WithKey("lookback_busy", "id", busy[0])
		}
		var problems []problemRow
		if err := tx.Select("id", "campaign_id", "lead_unit_id").Where("id IN ?", ids).Find(&problems).Error; err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		rows := make([]lookbackProblemRow, len(problems))
		for i, p := range problems {
			rows[i] = lookbackProblemRow{LookbackID: row.ID, ProblemID: p.ID, CampaignID: p.CampaignID, LeadUnitID: p.LeadUnitID, Status: domain.LookbackPending}
		}
		id = row.ID
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
	return id, existed, err
}

// LookbackIDByKey returns the look-back created with idemKey, 0 if none.
func (s *Store) LookbackIDByKey(ctx context.Context, idemKey string) (int64, error) {
	var row lookbackRow
	err := s.db.WithContext(ctx).Select("id").Where("idem_key = ?", idemKey).Limit(1).Find(&row).Error
	return row.ID, err
}

// DropLookbackProblem removes a problem that could not be put under the
// look-back (it moved on between the check and its Update), unless it has
// been concluded.
func (s *Store) DropLookbackProblem(ctx context.Context, lookbackID, problemID int64) error {
	return s.db.WithContext(ctx).Where("lookback_id = ? AND problem_id = ? AND status = ?", lookbackID, problemID, domain.LookbackPending).
		Delete(&lookbackProblemRow{}).Error
}

// recordConclusion writes a conclusion into its look-back, in the
// transaction that logs the event, so the two never disagree.
func recordConclusion(tx *gorm.DB, ev domain.Event) error {
	var in struct {
		LookbackID int64                 `json:"lookback_id"`
		Result     domain.LookbackResult `json:"result"`
		Finding    string                `json:"finding"`
		Reason     string                `json:"reason"`
	}
	if err := json.Unmarshal(ev.Payload, &in); err != nil {
		return err
	}
	return tx.Model(&lookbackProblemRow{}).
		Where("lookback_id = ? AND problem_id = ? AND status = ?", in.LookbackID, ev.ProblemID, domain.LookbackPending).
		Updates(map[string]any{
			"status": domain.LookbackConcluded, "result": string(in.Result), "finding": in.Finding, "reason": in.Reason,
			"concluded_at": optionalTime(ev.At), "concluded_by": ev.ActorID,
		}).Error
}

// Lookback returns a look-back with its problems, and, per problem, the
// requests for material and the answers. visibleToUnit limits the problems
// to those the unit takes part in (0: all).
func (s *Store) Lookback(ctx context.Context, id, visibleToUnit int64) (domain.Lookback, error) {
	var row lookbackRow
	if err := s.reader(ctx).Take(&row, id).Error; err != nil {
		return domain.Lookback{}, notFound(err, "look-back %d not found", id)
	}
	lbs, err := s.withProblems(ctx, []lookbackRow{row}, visibleToUnit)
	if err != nil {
		return domain.Lookback{}, err
	}
	lb := lbs[0]
	ids := make([]int64, len(lb.Problems))
	for i, p := range lb.Problems {
		ids[i] = p.ProblemID
	}
	var events []eventRow
	if len(ids) > 0 {
		if err := s.reader(ctx).Where("problem_id IN ? AND action IN ?", ids,
			[]string{string(domain.ActionRequestMaterial), string(domain.ActionAnswerMaterial)}).
			Order("problem_id, seq").Find(&events).Error; err != nil {
			return domain.Lookback{}, err
		}
	}
	if len(ids) > 0 {
		reqs := make([]string, len(ids))
		for i, pid := range ids {
			reqs[i] = domain.LookbackStartRequestID(id, pid)
		}
		var started int64
		if err := s.reader(ctx).Model(&eventRow{}).Where("problem_id IN ? AND action = ? AND request_id IN ?", ids,
			string(domain.ActionStartLookback), reqs).Count(&started).Error; err != nil {
			return domain.Lookback{}, err
		}
		lb.Started = int(started)
	}
	for _, e := range events {
		var payload struct {
			LookbackID int64 `json:"lookback_id"`
		}
		if json.Unmarshal([]byte(e.Payload), &payload) != nil || payload.LookbackID != id {
			continue
		}
		for i := range lb.Problems {
			if lb.Problems[i].ProblemID == e.ProblemID {
				lb.Problems[i].Material = append(lb.Problems[i].Material, e.toDomain())
			}
		}
	}
	return lb, nil
}

// ListLookbacks returns look-backs, newest first; with visibleToUnit, only
// those covering a problem the unit takes part in, with only such problems.
func (s *Store) ListLookbacks(ctx context.Context, visibleToUnit int64) ([]domain.Lookback, error) {
	q := s.reader(ctx).Order("id DESC")
	if visibleToUnit != 0 {
		q = q.Where("id IN (?)", s.read.Model(&lookbackProblemRow{}).Select("lookback_id").
			Where("problem_id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", visibleToUnit)))
	}
	var rows []lookbackRow
	if err := q.Limit(500).Find(&rows).Error; err != nil {
		return nil, err
	}
	return s.withProblems(ctx, rows, visibleToUnit)
}

func (s *Store) withProblems(ctx context.Context, rows []lookbackRow, visibleToUnit int64) ([]domain.Lookback, error) {
	out := make([]domain.Lookback, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	q := s.reader(ctx).Where("lookback_id IN ?", ids)
	if visibleToUnit != 0 {
		q = q.Where("problem_id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", visibleToUnit))
	}
	var prows []lookbackProblemRow
	if err := q.Order("lookback_id, problem_id").Find(&prows).Error; err != nil {
		return nil, err
	}
	byLookback := map[int64][]domain.LookbackProblem{}
	for _, p := range prows {
		byLookback[p.LookbackID] = append(byLookback[p.LookbackID], domain.LookbackProblem{
			ProblemID: p.ProblemID, CampaignID: p.CampaignID, LeadUnitID: p.LeadUnitID, Status: p.Status,
			Result: domain.LookbackResult(p.Result), Finding: p.Finding, Reason: p.Reason,
			ConcludedAt: derefTime(p.ConcludedAt), ConcludedBy: p.ConcludedBy,
		})
	}
	for i, r := range rows {
		lb := domain.Lookback{
			ID: r.ID, Title: r.Title, CampaignID: r.CampaignID, Seed: r.Seed, DueDate: domain.Date(r.DueDate),
			ReviewerIDs: splitIDs(r.ReviewerIDs), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
			Problems: byLookback[r.ID], Population: int(r.Population),
		}
		// The columns hold what CreateLookback wrote with mustJSON.
		_ = json.Unmarshal([]byte(r.Scope), &lb.Scope)
		if r.Weights != "" {
			_ = json.Unmarshal([]byte(r.Weights), &lb.Weights)
		}
		if lb.Problems == nil {
			lb.Problems = []domain.LookbackProblem{}
		}
		lb.Summarise()
		out[i] = lb
	}
	return out, nil
}

// LookbackStats counts the problems looked back, confirmed, reopened and
// still pending, per campaign and lead unit (campaignID 0: every campaign).
func (s *Store) LookbackStats(ctx context.Context, campaignID int64) ([]domain.LookbackStats, error) {
	q := s.reader(ctx).Table("lookback_problems AS lp").
		Select("lp.campaign_id AS campaign_id, lp.lead_unit_id AS unit_id, COALESCE(MAX(units.name), '') AS unit_name, count(*) AS looked_back, "+
			"sum(CASE WHEN lp.result = ? THEN 1 ELSE 0 END) AS confirmed, "+
			"sum(CASE WHEN lp.result = ? THEN 1 ELSE 0 END) AS reopened, "+
			"sum(CASE WHEN lp.status = ? THEN 1 ELSE 0 END) AS pending",
			string(domain.LookbackConfirmed), string(domain.LookbackReopened), domain.LookbackPending).
		Joins("LEFT JOIN units ON units.id = lp.lead_unit_id")
	if campaignID != 0 {
		q = q.Where("lp.campaign_id = ?", campaignID)
	}
	out := []domain.LookbackStats{}
	err := q.Group("lp.campaign_id, lp.lead_unit_id").Order("lp.campaign_id, lp.lead_unit_id").Scan(&out).Error
	return out, err
}

// CheckDisciplineUsers returns invalid unless every one of ids is an
// enabled discipline user.
func (s *Store) CheckDisciplineUsers(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []int64
	if err := s.reader(ctx).Model(&userRow{}).Where("id IN ? AND role = ? AND disabled = ?", ids, string(domain.RoleDiscipline), false).
		Pluck("id", &found).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return domain.Errorf(domain.EInvalid, "reviewer %d is not a discipline user", id).WithKey("reviewer_not_discipline").WithField("reviewer_ids")
		}
	}
	return nil
}
