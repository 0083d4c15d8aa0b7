package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rectify/rectify/internal/domain"
)

// flagRow is one red flag (风险线索) of a problem; (problem, kind, subject)
// is unique, so computing a problem's flags again updates them in place.
type flagRow struct {
	ID              int64     `gorm:"primaryKey"`
	CampaignID      int64     `gorm:"not null;index:idx_flag_campaign,priority:1"`
	ProblemID       int64     `gorm:"not null;uniqueIndex:idx_flag_subject,priority:1"`
	Kind            string    `gorm:"size:32;not null;uniqueIndex:idx_flag_subject,priority:2;index:idx_flag_campaign,priority:2"`
	Subject         string    `gorm:"size:200;not null;uniqueIndex:idx_flag_subject,priority:3"`
	Params          string    `gorm:"type:text;not null;default:''"`
	Refs            string    `gorm:"type:text;not null;default:''"`
	CreatedAt       time.Time `gorm:"not null"`
	Dismissed       bool      `gorm:"not null;default:false"`
	DismissedBy     int64     `gorm:"not null;default:0"`
	DismissedByName string    `gorm:"size:64;not null;default:''"`
	DismissedReason string    `gorm:"type:text;not null;default:''"`
	// DismissedSeq is the problem's event that dismissed the flag.
	DismissedSeq int64 `gorm:"not null;default:0"`
	DismissedAt  *time.Time
}

func (flagRow) TableName() string { return "flags" }

// flagTextRow is a text of a problem the copy rule compares: a progress
// report, a completion summary or a closure summary, named by its source.
type flagTextRow struct {
	ID        int64  `gorm:"primaryKey"`
	ProblemID int64  `gorm:"not null;uniqueIndex:idx_flag_text_source,priority:1"`
	Source    string `gorm:"size:64;not null;uniqueIndex:idx_flag_text_source,priority:2"`
	Text      string `gorm:"type:text;not null"`
}

func (flagTextRow) TableName() string { return "flag_texts" }

// flagTextBandRow indexes a text by its MinHash bands (domain.TextBands):
// texts that share a band are the only candidates for a copy.
type flagTextBandRow struct {
	Band   int64 `gorm:"primaryKey;autoIncrement:false"`
	TextID int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (flagTextBandRow) TableName() string { return "flag_text_bands" }

// matchLimit bounds the matches read for one problem: a file or a text
// found in hundreds of places is flagged as well by the first of them.
const matchLimit = 200

// RecomputeFlags computes a problem's red flags from what the store holds
// and saves them: new ones added, changed ones updated, ones whose records
// no longer show them removed unless dismissed. A dismissed flag stays
// dismissed. It reads the primary database, since it runs right after a
// write.
func (s *Store) RecomputeFlags(ctx context.Context, problemID int64) ([]domain.Flag, error) {
	db := s.db.WithContext(ctx)
	var prow problemRow
	if err := db.Take(&prow, problemID).Error; err != nil {
		return nil, notFound(err, "problem %d not found", problemID)
	}
	var measures []measureRow
	if err := db.Where("problem_id = ?", problemID).Order("measure_id").Find(&measures).Error; err != nil {
		return nil, err
	}
	p := prow.toDomain(measures)
	var camp campaignRow
	if err := db.Select("id", "flag_policy").Take(&camp, p.CampaignID).Error; err != nil {
		return nil, notFound(err, "campaign %d not found", p.CampaignID)
	}
	pol := camp.policy().Flags
	in := domain.FlagInput{Problem: p}
	var err error
	if in.Evidence, err = s.ListEvidence(ctx, problemID); err != nil {
		return nil, err
	}
	var progress []progressRow
	if err := db.Select("seq", "measure_id", "percent", "text", "created_at").Where("problem_id = ?", problemID).Order("seq").Find(&progress).Error; err != nil {
		return nil, err
	}
	texts := make([]domain.FlagProgressText, len(progress))
	for i, r := range progress {
		in.Progress = append(in.Progress, domain.FlagProgress{Seq: r.Seq, MeasureID: r.MeasureID, Percent: r.Percent, At: r.CreatedAt})
		texts[i] = domain.FlagProgressText{Seq: r.Seq, Text: r.Text}
	}
	var events []eventRow
	err = db.Select("seq", "action", "actor_name", "reason", "payload", "at").Where("problem_id = ? AND action IN ?", problemID,
		[]string{string(domain.ActionApprovePlan), string(domain.ActionRequestClosure), string(domain.ActionEndorseClosure), string(domain.ActionApproveClosure)}).
		Order("seq").Find(&events).Error
	if err != nil {
		return nil, err
	}
	for _, r := range events {
		in.Events = append(in.Events, r.toDomain())
	}
	if in.Reused, err = s.reusedEvidence(db, p, in.Evidence); err != nil {
		return nil, err
	}
	if in.Copied, err = s.copiedTexts(db, p, domain.FlagTexts(p, texts, in.Events, pol), pol); err != nil {
		return nil, err
	}
	if err := s.saveFlags(db, problemID, domain.ComputeFlags(in, pol)); err != nil {
		return nil, err
	}
	return s.ProblemFlags(ctx, problemID)
}

// reusedEvidence finds, by the SHA-256 index, the live evidence elsewhere
// that has the same content as the problem's files.
func (s *Store) reusedEvidence(db *gorm.DB, p domain.Problem, own []domain.Evidence) ([]domain.EvidenceMatch, error) {
	bySHA := map[string][]int64{}
	for _, e := range own {
		if !e.Withdrawn && e.SHA256 != "" {
			bySHA[e.SHA256] = append(bySHA[e.SHA256], e.ID)
		}
	}
	if len(bySHA) == 0 {
		return nil, nil
	}
	shas := make([]string, 0, len(bySHA))
	for sha := range bySHA {
		shas = append(shas, sha)
	}
	var rows []struct {
		ID, ProblemID, UnitID, CampaignID int64
		Number                            int
		SHA256                            string
	}
	err := db.Table("evidence").Select("evidence.id, evidence.problem_id, evidence.unit_id, evidence.sha256, problems.campaign_id, problems.number").
		Joins("JOIN problems ON problems.id = evidence.problem_id").
		Where("evidence.sha256 IN ? AND evidence.withdrawn_at IS NULL", shas).Order("evidence.id").Limit(matchLimit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []domain.EvidenceMatch
	for _, r := range rows {
		for _, id := range bySHA[r.SHA256] {
			if id != r.ID {
				out = append(out, domain.EvidenceMatch{EvidenceID: id, OtherEvidenceID: r.ID, OtherProblemID: r.ProblemID,
					OtherUnitID: r.UnitID, OtherCampaignID: r.CampaignID, OtherNumber: r.Number})
			}
		}
	}
	return out, nil
}

// copiedTexts keeps the problem's texts and their bands current, then finds
// the earlier texts of other problems that share a band with one of them
// and compares those exactly. Only candidates are read, by the band index,
// however many texts the store holds.
func (s *Store) copiedTexts(db *gorm.DB, p domain.Problem, texts []domain.FlagText, pol domain.FlagPolicy) ([]domain.TextMatch, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	var held []flagTextRow
	if err := db.Where("problem_id = ?", p.ID).Find(&held).Error; err != nil {
		return nil, err
	}
	bySource := map[string]flagTextRow{}
	for _, r := range held {
		bySource[r.Source] = r
	}
	type ownText struct {
		id       int64
		source   string
		shingles []uint64
		bands    []int64
	}
	own := make([]ownText, 0, len(texts))
	var allBands []int64
	for _, t := range texts {
		sh := domain.Shingles(t.Text)
		o := ownText{source: t.Source, shingles: sh, bands: domain.TextBands(sh)}
		r, ok := bySource[t.Source]
		switch {
		case ok && r.Text == t.Text:
			o.id = r.ID
		default:
			err := db.Transaction(func(tx *gorm.DB) error {
				row := flagTextRow{ProblemID: p.ID, Source: t.Source, Text: t.Text}
				if err := tx.Clauses(clause.OnConflict{
					Columns:   []clause.Column{{Name: "problem_id"}, {Name: "source"}},
					DoUpdates: clause.AssignmentColumns([]string{"text"}),
				}).Create(&row).Error; err != nil {
					return err
				}
				if err := tx.Select("id").Where("problem_id = ? AND source = ?", p.ID, t.Source).Take(&row).Error; err != nil {
					return err
				}
				o.id = row.ID
				if err := tx.Where("text_id = ?", row.ID).Delete(&flagTextBandRow{}).Error; err != nil {
					return err
				}
				bands := make([]flagTextBandRow, len(o.bands))
				for i, b := range o.bands {
					bands[i] = flagTextBandRow{Band: b, TextID: row.ID}
				}
				if len(bands) == 0 {
					return nil
				}
				return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&bands).Error
			})
			if err != nil {
				return nil, err
			}
		}
		own = append(own, o)
		allBands = append(allBands, o.bands...)
	}
	if len(allBands) == 0 {
		return nil, nil
	}
	var cands []struct {
		Band, TextID, ProblemID int64
		Number                  int
		Text                    string
	}
	err := db.Table("flag_text_bands").
		Select("flag_text_bands.band, flag_text_bands.text_id, flag_texts.problem_id, problems.number, flag_texts.text").
		Joins("JOIN flag_texts ON flag_texts.id = flag_text_bands.text_id").
		Joins("JOIN problems ON problems.id = flag_texts.problem_id").
		Where("flag_text_bands.band IN ? AND flag_texts.problem_id <> ?", allBands, p.ID).
		Order("flag_text_bands.text_id").Limit(matchLimit).Scan(&cands).Error
	if err != nil {
		return nil, err
	}
	var out []domain.TextMatch
	for _, o := range own {
		seen := map[int64]bool{}
		for _, c := range cands {
			// The later text is the copy: the earlier one is not flagged.
			if seen[c.TextID] || c.TextID >= o.id || !containsBand(o.bands, c.Band) {
				continue
			}
			seen[c.TextID] = true
			sim := domain.Jaccard(o.shingles, domain.Shingles(c.Text))
			if sim*100 >= float64(pol.WithDefaults().CopiedSimilarity) {
				out = append(out, domain.TextMatch{Source: o.source, OtherProblemID: c.ProblemID, OtherNumber: c.Number, Similarity: sim})
			}
		}
	}
	return out, nil
}

func containsBand(bands []int64, b int64) bool {
	for _, x := range bands {
		if x == b {
			return true
		}
	}
	return false
}

// saveFlags makes the stored flags of a problem the computed ones, keeping
// every dismissed flag and its dismissal.
func (s *Store) saveFlags(db *gorm.DB, problemID int64, flags []domain.Flag) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var held []flagRow
		if err := tx.Where("problem_id = ?", problemID).Find(&held).Error; err != nil {
			return err
		}
		keep := map[string]bool{}
		now := s.Now().UTC()
		for _, f := range flags {
			keep[string(f.Kind)+"\x00"+f.Subject] = true
			row := flagRow{CampaignID: f.CampaignID, ProblemID: problemID, Kind: string(f.Kind), Subject: f.Subject,
				Params: string(mustJSON(f.Params)), Refs: string(mustJSON(f.Refs)), CreatedAt: now}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "problem_id"}, {Name: "kind"}, {Name: "subject"}},
				DoUpdates: clause.AssignmentColumns([]string{"campaign_id", "params", "refs"}),
			}).Create(&row).Error
			if err != nil {
				return err
			}
		}
		var gone []int64
		for _, r := range held {
			if !r.Dismissed && !keep[r.Kind+"\x00"+r.Subject] {
				gone = append(gone, r.ID)
			}
		}
		if len(gone) == 0 {
			return nil
		}
		return tx.Where("id IN ? AND dismissed = ?", gone, false).Delete(&flagRow{}).Error
	})
}

// recordFlagDismissal marks a flag dismissed with the event that did it, in
// the transaction that writes the event to the audit chain.
func recordFlagDismissal(tx *gorm.DB, ev domain.Event) error {
	var ref domain.FlagRef
	if err := json.Unmarshal(ev.Payload, &ref); err != nil {
		return fmt.Errorf("flag dismissal of problem %d seq %d: %w", ev.ProblemID, ev.Seq, err)
	}
	at := ev.At.UTC()
	return tx.Model(&flagRow{}).Where("id = ? AND problem_id = ?", ref.ID, ev.ProblemID).Updates(map[string]any{
		"dismissed": true, "dismissed_by": ev.ActorID, "dismissed_by_name": ev.ActorName,
		"dismissed_reason": ev.Reason, "dismissed_seq": ev.Seq, "dismissed_at": &at,
	}).Error
}

// Flag returns one flag.
func (s *Store) Flag(ctx context.Context, id int64) (domain.Flag, error) {
	var row flagRow
	if err := s.db.WithContext(ctx).Take(&row, id).Error; err != nil {
		return domain.Flag{}, notFound(err, "flag %d not found", id)
	}
	return row.toDomain(), nil
}

// ProblemFlags returns a problem's flags, oldest first.
func (s *Store) ProblemFlags(ctx context.Context, problemID int64) ([]domain.Flag, error) {
	var rows []flagRow
	if err := s.db.WithContext(ctx).Where("problem_id = ?", problemID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return flagsToDomain(rows), nil
}

// FlagFilter selects a campaign's flags.
type FlagFilter struct {
	CampaignID int64
	// Kind, when set, keeps one kind.
	Kind domain.FlagKind
	// Open leaves out dismissed flags.
	Open          bool
	Offset, Limit int
}

// CampaignFlags returns a page of a campaign's flags, newest first, and how
// many match, by the (campaign, kind) index.
func (s *Store) CampaignFlags(ctx context.Context, f FlagFilter) ([]domain.Flag, int64, error) {
	q := s.reader(ctx).Model(&flagRow{}).Where("campaign_id = ?", f.CampaignID)
	if f.Kind != "" {
		q = q.Where("kind = ?", string(f.Kind))
	}
	if f.Open {
		q = q.Where("dismissed = ?", false)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var rows []flagRow
	if err := q.Order("id DESC").Offset(f.Offset).Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	return flagsToDomain(rows), total, nil
}

func flagsToDomain(rows []flagRow) []domain.Flag {
	out := make([]domain.Flag, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out
}

func (r flagRow) toDomain() domain.Flag {
	f := domain.Flag{
		ID: r.ID, CampaignID: r.CampaignID, ProblemID: r.ProblemID, Kind: domain.FlagKind(r.Kind), Subject: r.Subject,
		CreatedAt: r.CreatedAt, Dismissed: r.Dismissed, DismissedBy: r.DismissedBy, DismissedByName: r.DismissedByName,
		DismissedReason: r.DismissedReason,
	}
	if r.DismissedAt != nil {
		f.DismissedAt = *r.DismissedAt
	}
	// Both are written by saveFlags from plain values.
	_ = json.Unmarshal([]byte(r.Params), &f.Params)
	_ = json.Unmarshal([]byte(r.Refs), &f.Refs)
	if strings.TrimSpace(r.Refs) == "" {
		f.Refs.ProblemID = r.ProblemID
	}
	return f
}
