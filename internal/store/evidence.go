package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

type evidenceRow struct {
	ID           int64  `gorm:"primaryKey"`
	ProblemID    int64  `gorm:"not null;index:idx_evidence_measure,priority:1"`
	MeasureID    int64  `gorm:"not null;index:idx_evidence_measure,priority:2"`
	Title        string `gorm:"size:500;not null"`
	Note         string `gorm:"type:text;not null;default:''"`
	SHA256       string `gorm:"size:64;not null;default:'';index"`
	OriginalName string `gorm:"size:500;not null;default:''"`
	Size         int64  `gorm:"not null;default:0"`
	ContentType  string `gorm:"size:200;not null;default:''"`
	UploadedBy   int64  `gorm:"not null"`
	UploaderName string `gorm:"size:64;not null"`
	UnitID       int64  `gorm:"not null;default:0"`
	WithdrawnAt  *time.Time
	CreatedAt    time.Time
}

func (evidenceRow) TableName() string { return "evidence" }

// outcomeRow is one counted result of the rectification (建章立制, money
// recovered, people handled, or a free figure).
type outcomeRow struct {
	ID        int64   `gorm:"primaryKey"`
	ProblemID int64   `gorm:"not null;index"`
	MeasureID int64   `gorm:"not null;default:0"`
	Kind      string  `gorm:"size:16;not null"`
	Name      string  `gorm:"size:500;not null;default:''"`
	DocNumber string  `gorm:"size:200;not null;default:''"`
	Date      string  `gorm:"size:10;not null;default:''"`
	Amount    float64 `gorm:"not null;default:0"`
	Count     int     `gorm:"not null;default:0"`
	Unit      string  `gorm:"size:50;not null;default:''"`
	CreatedBy int64   `gorm:"not null"`
	CreatedAt time.Time
}

func (outcomeRow) TableName() string { return "outcomes" }

// CreateEvidence records an uploaded file's or a text's metadata.
func (s *Store) CreateEvidence(ctx context.Context, e domain.Evidence) (domain.Evidence, error) {
	row := newEvidenceRow(e, s.Now())
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return domain.Evidence{}, err
	}
	return row.toDomain(), nil
}

func newEvidenceRow(e domain.Evidence, now time.Time) evidenceRow {
	return evidenceRow{
		ProblemID: e.ProblemID, MeasureID: e.MeasureID, Title: e.Title, Note: e.Note, SHA256: e.SHA256,
		OriginalName: e.OriginalName, Size: e.Size, ContentType: e.ContentType, UploadedBy: e.UploadedBy,
		UploaderName: e.UploaderName, UnitID: e.UnitID, CreatedAt: now.UTC(),
	}
}

// CreateEvidenceOnce records e under an idempotency key: the first use of
// key within IdempotencyWindow creates it (created true), a later one
// returns the evidence the first made. The key and the row are written in
// one transaction, so a process killed between them leaves neither and a
// retry creates the evidence.
func (s *Store) CreateEvidenceOnce(ctx context.Context, e domain.Evidence, key string) (saved domain.Evidence, created bool, err error) {
	now := s.Now()
	if err := sweepIdempotencyKeys(s.db.WithContext(ctx), now); err != nil {
		return domain.Evidence{}, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		first, err := claimIdempotencyKey(tx, key, now)
		if err != nil {
			return err
		}
		if !first {
			saved, err = evidenceOfKey(tx, key)
			return err
		}
		row := newEvidenceRow(e, now)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		saved, created = row.toDomain(), true
		return tx.Model(&idempotencyRow{}).Where("key = ?", key).Update("result", "evidence:"+strconv.FormatInt(row.ID, 10)).Error
	})
	return saved, created, err
}

// evidenceOfKey returns the evidence the first use of key made.
func evidenceOfKey(tx *gorm.DB, key string) (domain.Evidence, error) {
	var use idempotencyRow
	if err := tx.Where("key = ?", key).Take(&use).Error; err != nil {
		return domain.Evidence{}, err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(use.Result, "evidence:"), 10, 64)
	if err != nil || !strings.HasPrefix(use.Result, "evidence:") {
		return domain.Evidence{}, domain.Errorf(domain.EConflict, "the Idempotency-Key was used for another request").WithKey("idempotency_key_reused")
	}
	var row evidenceRow
	if err := tx.Take(&row, id).Error; err != nil {
		return domain.Evidence{}, notFound(err, "evidence %d not found", id)
	}
	return row.toDomain(), nil
}

// Evidence returns one piece of evidence.
func (s *Store) Evidence(ctx context.Context, id int64) (domain.Evidence, error) {
	var row evidenceRow
	if err := s.reader(ctx).Take(&row, id).Error; err != nil {
		return domain.Evidence{}, notFound(err, "evidence %d not found", id)
	}
	return row.toDomain(), nil
}

// ListEvidence returns a problem's evidence, withdrawn included, oldest first.
func (s *Store) ListEvidence(ctx context.Context, problemID int64) ([]domain.Evidence, error) {
	var rows []evidenceRow
	if err := s.reader(ctx).Where("problem_id = ?", problemID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Evidence, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// WithdrawEvidence marks evidence withdrawn; nothing is deleted.
func (s *Store) WithdrawEvidence(ctx context.Context, id int64) error {
	now := s.Now().UTC()
	return s.db.WithContext(ctx).Model(&evidenceRow{}).Where("id = ? AND withdrawn_at IS NULL", id).Update("withdrawn_at", &now).Error
}

// EvidenceRefs lists a problem's live evidence as the references a closure
// request snapshots.
func (s *Store) EvidenceRefs(ctx context.Context, problemID int64) ([]domain.EvidenceRef, error) {
	var rows []evidenceRow
	if err := s.reader(ctx).Where("problem_id = ? AND withdrawn_at IS NULL", problemID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.EvidenceRef, len(rows))
	for i, r := range rows {
		out[i] = domain.EvidenceRef{ID: r.ID, MeasureID: r.MeasureID, SHA256: r.SHA256}
	}
	return out, nil
}

// EvidenceCounts returns live evidence per (problem, measure) of a campaign.
func (s *Store) EvidenceCounts(ctx context.Context, campaignID int64) (map[[2]int64]int, error) {
	var rows []struct {
		ProblemID, MeasureID int64
		N                    int
	}
	err := s.reader(ctx).Table("evidence").Select("evidence.problem_id, evidence.measure_id, count(*) AS n").
		Joins("JOIN problems ON problems.id = evidence.problem_id").
		Where("problems.campaign_id = ? AND evidence.withdrawn_at IS NULL", campaignID).
		Group("evidence.problem_id, evidence.measure_id").Scan(&rows).Error
	out := map[[2]int64]int{}
	for _, r := range rows {
		out[[2]int64{r.ProblemID, r.MeasureID}] = r.N
	}
	return out, err
}

// CreateOutcome records an outcome.
func (s *Store) CreateOutcome(ctx context.Context, o domain.Outcome) (domain.Outcome, error) {
	row := outcomeRow{
		ProblemID: o.ProblemID, MeasureID: o.MeasureID, Kind: string(o.Kind), Name: o.Name, DocNumber: o.DocNumber,
		Date: string(o.Date), Amount: o.Amount, Count: o.Count, Unit: o.Unit, CreatedBy: o.CreatedBy, CreatedAt: s.Now().UTC(),
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return domain.Outcome{}, err
	}
	return row.toDomain(), nil
}

// ListOutcomes returns a problem's outcomes.
func (s *Store) ListOutcomes(ctx context.Context, problemID int64) ([]domain.Outcome, error) {
	var rows []outcomeRow
	if err := s.reader(ctx).Where("problem_id = ?", problemID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Outcome, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// OutcomeTotals sums a campaign's outcomes.
func (s *Store) OutcomeTotals(ctx context.Context, campaignID int64) (domain.OutcomeTotals, error) {
	var rows []outcomeRow
	err := s.reader(ctx).Model(&outcomeRow{}).Joins("JOIN problems ON problems.id = outcomes.problem_id").
		Where("problems.campaign_id = ?", campaignID).Find(&rows).Error
	var t domain.OutcomeTotals
	for _, r := range rows {
		switch domain.OutcomeKind(r.Kind) {
		case domain.OutcomeRegulation:
			t.Regulations++
		case domain.OutcomeMoney:
			t.MoneyYuan += r.Amount
		case domain.OutcomePeople:
			t.PeopleHandled += r.Count
		}
	}
	return t, err
}

func (r evidenceRow) toDomain() domain.Evidence {
	return domain.Evidence{
		ID: r.ID, ProblemID: r.ProblemID, MeasureID: r.MeasureID, Title: r.Title, Note: r.Note, SHA256: r.SHA256,
		OriginalName: r.OriginalName, Size: r.Size, ContentType: r.ContentType, UploadedBy: r.UploadedBy,
		UploaderName: r.UploaderName, UnitID: r.UnitID, Withdrawn: r.WithdrawnAt != nil,
		WithdrawnAt: derefTime(r.WithdrawnAt), CreatedAt: r.CreatedAt,
	}
}

func (r outcomeRow) toDomain() domain.Outcome {
	return domain.Outcome{
		ID: r.ID, ProblemID: r.ProblemID, MeasureID: r.MeasureID, Kind: domain.OutcomeKind(r.Kind), Name: r.Name,
		DocNumber: r.DocNumber, Date: domain.Date(r.Date), Amount: r.Amount, Count: r.Count, Unit: r.Unit,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
	}
}
