package store

// The event log is an audit trail: each campaign's events form a hash chain.
// Every row carries its position in its campaign's chain, the hash of the
// row before it and its own hash over a canonical encoding of its fields, and
// a head row per campaign holds the last position and hash. Editing,
// deleting, reordering or inserting rows with SQL breaks a link that
// VerifyAudit finds. The hashes are not keyed: someone who can write the
// database and knows this encoding can rewrite a whole chain and its head,
// so the chain proves the log was not changed by accident or by a careless
// hand, and a copy of the head hashes kept elsewhere proves more.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rectify/rectify/internal/domain"
)

// auditHeadRow is the end of one campaign's chain. Writers lock it, so
// positions are handed out one at a time per campaign.
type auditHeadRow struct {
	CampaignID int64  `gorm:"primaryKey;autoIncrement:false"`
	Position   int64  `gorm:"not null;default:0"`
	Hash       string `gorm:"size:64;not null;default:''"`
}

func (auditHeadRow) TableName() string { return "audit_heads" }

// settingAuditChain records that every event written before the chain
// existed has been chained, so that start-up chains them only once and a
// row inserted later without a hash stays visible as a break.
const settingAuditChain = "audit_chain"

// auditChainLockID names the legacy-chaining lock in PostgreSQL.
const auditChainLockID = migrationLockID + 1

// eventHash is the SHA-256 of a row's canonical encoding: every field as
// its length and its bytes, so that no two different rows encode alike,
// with the time in UTC RFC 3339 so that the zone a driver reads it in does
// not matter.
func eventHash(campaignID int64, r *eventRow) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	num := func(n int64) { field(strconv.FormatInt(n, 10)) }
	field("rectify-audit-v1")
	num(campaignID)
	num(r.ChainPos)
	num(r.ProblemID)
	num(r.Seq)
	field(r.RequestID)
	field(r.Action)
	num(r.ActorID)
	field(r.ActorName)
	field(r.ActorRole)
	num(r.ActorUnit)
	field(r.FromStage)
	field(r.ToStage)
	num(r.MeasureID)
	field(r.Reason)
	field(r.Payload)
	field(r.At.UTC().Format(time.RFC3339Nano))
	field(r.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// lockHead returns campaign's chain head, created if missing, locked for
// the rest of tx (PostgreSQL; SQLite has one writer anyway).
func lockHead(tx *gorm.DB, campaignID int64) (auditHeadRow, error) {
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&auditHeadRow{CampaignID: campaignID}).Error; err != nil {
		return auditHeadRow{}, err
	}
	var head auditHeadRow
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("campaign_id = ?", campaignID).Take(&head).Error
	return head, err
}

// appendEvent writes row as the next link of its campaign's chain, in tx.
// It reports false and writes nothing when the event (problem, seq) exists
// already: a retried write stays a no-op and takes no position.
func appendEvent(tx *gorm.DB, campaignID int64, row *eventRow) (bool, error) {
	head, err := lockHead(tx, campaignID)
	if err != nil {
		return false, err
	}
	// PostgreSQL keeps microseconds (and rounds); storing what it keeps
	// makes the hash written equal the hash recomputed from the row read.
	row.At = row.At.UTC().Truncate(time.Microsecond)
	row.ChainPos = head.Position + 1
	row.PrevHash = head.Hash
	row.Hash = eventHash(campaignID, row)
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil {
		return false, res.Error
	} else if res.RowsAffected == 0 {
		return false, nil
	}
	err = tx.Model(&auditHeadRow{}).Where("campaign_id = ?", campaignID).
		Updates(map[string]any{"position": row.ChainPos, "hash": row.Hash}).Error
	return true, err
}

// campaignOf returns the campaign of a problem, in tx.
func campaignOf(tx *gorm.DB, problemID int64) (int64, error) {
	var ids []int64
	if err := tx.Model(&problemRow{}).Where("id = ?", problemID).Pluck("campaign_id", &ids).Error; err != nil {
		return 0, err
	} else if len(ids) == 0 {
		return 0, domain.Errorf(domain.ENotFound, "problem %d not found", problemID).WithKey("problem_not_found", "id", problemID)
	}
	return ids[0], nil
}

// chainLegacyEvents chains, once, the events a database holds from before
// the chain existed, in the order they were written (by ID).
func (s *Store) chainLegacyEvents(ctx context.Context) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			// Processes starting together: one chains, the others wait
			// and then find the setting.
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", auditChainLockID).Error; err != nil {
				return err
			}
		}
		var done []string
		if err := tx.Model(&settingRow{}).Where("name = ?", settingAuditChain).Pluck("value", &done).Error; err != nil {
			return err
		} else if len(done) > 0 {
			return nil
		}
		heads := map[int64]*auditHeadRow{}
		campaigns := map[int64]int64{} // problem → campaign
		lastID := int64(0)
		for {
			var rows []eventRow
			if err := tx.Where("hash = '' AND id > ?", lastID).Order("id").Limit(500).Find(&rows).Error; err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			for i := range rows {
				r := &rows[i]
				lastID = r.ID
				campaignID, ok := campaigns[r.ProblemID]
				if !ok {
					var err error
					if campaignID, err = campaignOf(tx, r.ProblemID); domain.IsCode(err, domain.ENotFound) {
						continue // an orphan: VerifyAudit reports it
					} else if err != nil {
						return err
					}
					campaigns[r.ProblemID] = campaignID
				}
				head := heads[campaignID]
				if head == nil {
					h, err := lockHead(tx, campaignID)
					if err != nil {
						return err
					}
					head = &h
					heads[campaignID] = head
				}
				r.ChainPos, r.PrevHash = head.Position+1, head.Hash
				r.Hash = eventHash(campaignID, r)
				if err := tx.Model(&eventRow{}).Where("id = ?", r.ID).Updates(map[string]any{
					"chain_pos": r.ChainPos, "prev_hash": r.PrevHash, "hash": r.Hash,
				}).Error; err != nil {
					return err
				}
				head.Position, head.Hash = r.ChainPos, r.Hash
			}
		}
		for _, head := range heads {
			if err := tx.Model(&auditHeadRow{}).Where("campaign_id = ?", head.CampaignID).
				Updates(map[string]any{"position": head.Position, "hash": head.Hash}).Error; err != nil {
				return err
			}
		}
		return tx.Save(&settingRow{Name: settingAuditChain, Value: "v1"}).Error
	})
}

// auditBatch is how many rows VerifyAudit reads at a time.
const auditBatch = 1000

// VerifyAudit walks every campaign's chain in order and reports, per
// campaign, the first broken link: an edited row (its hash no longer
// matches), a deleted one (a missing position, or a head past the end), a
// reordered or inserted one (a position out of turn, a link to the wrong
// previous hash, a row without a hash). It reads one consistent snapshot,
// so writes going on meanwhile are not mistaken for breaks.
func (s *Store) VerifyAudit(ctx context.Context) (domain.AuditReport, error) {
	rep := domain.AuditReport{Breaks: []domain.AuditBreak{}, Heads: []domain.AuditHead{}}
	verify := func(tx *gorm.DB) error {
		if err := tx.Model(&eventRow{}).Count(&rep.Events).Error; err != nil {
			return err
		}
		var campaigns []int64
		if err := tx.Raw("SELECT campaign_id FROM audit_heads UNION " +
			"SELECT DISTINCT p.campaign_id FROM events e JOIN problems p ON p.id = e.problem_id ORDER BY 1").
			Scan(&campaigns).Error; err != nil {
			return err
		}
		rep.Campaigns = len(campaigns)
		var heads []auditHeadRow
		if err := tx.Order("campaign_id").Find(&heads).Error; err != nil {
			return err
		}
		for _, h := range heads {
			rep.Heads = append(rep.Heads, domain.AuditHead{CampaignID: h.CampaignID, Position: h.Position, Hash: h.Hash})
		}
		for _, c := range campaigns {
			brk, err := verifyCampaign(tx, c)
			if err != nil {
				return err
			} else if brk != nil {
				rep.Breaks = append(rep.Breaks, *brk)
			}
		}
		var orphan eventRow
		err := tx.Where("problem_id NOT IN (SELECT id FROM problems)").Order("id").Limit(1).Find(&orphan).Error
		if err != nil {
			return err
		} else if orphan.ID != 0 {
			rep.Breaks = append(rep.Breaks, domain.AuditBreak{Position: orphan.ChainPos, EventID: orphan.ID,
				ProblemID: orphan.ProblemID, Seq: orphan.Seq, Reason: "the event belongs to no problem (inserted, or its problem was deleted)"})
		}
		return nil
	}
	var err error
	if s.postgres {
		err = s.db.WithContext(ctx).Transaction(verify, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	} else {
		// A read transaction in WAL mode is a snapshot.
		err = s.reader(ctx).Transaction(verify)
	}
	if err != nil {
		return domain.AuditReport{}, err
	}
	rep.OK = len(rep.Breaks) == 0
	return rep, nil
}

// verifyCampaign returns the first broken link of one campaign's chain, or
// nil when it is intact.
func verifyCampaign(tx *gorm.DB, campaignID int64) (*domain.AuditBreak, error) {
	var heads []auditHeadRow
	if err := tx.Where("campaign_id = ?", campaignID).Find(&heads).Error; err != nil {
		return nil, err
	}
	expected, prev := int64(1), ""
	lastPos, lastID := int64(-1), int64(0)
	for {
		var rows []eventRow
		err := tx.Table("events").Select("events.*").
			Joins("JOIN problems ON problems.id = events.problem_id").
			Where("problems.campaign_id = ? AND (events.chain_pos > ? OR (events.chain_pos = ? AND events.id > ?))",
				campaignID, lastPos, lastPos, lastID).
			Order("events.chain_pos, events.id").Limit(auditBatch).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			r := &rows[i]
			lastPos, lastID = r.ChainPos, r.ID
			broken := func(pos int64, format string, args ...any) *domain.AuditBreak {
				return &domain.AuditBreak{CampaignID: campaignID, Position: pos, EventID: r.ID,
					ProblemID: r.ProblemID, Seq: r.Seq, Reason: fmt.Sprintf(format, args...)}
			}
			switch {
			case r.Hash == "" || r.ChainPos <= 0:
				return broken(r.ChainPos, "the event is not in the chain (written without a hash)"), nil
			case r.ChainPos < expected:
				return broken(r.ChainPos, "position %d appears twice (a row was inserted or copied)", r.ChainPos), nil
			case r.ChainPos > expected:
				return broken(expected, "position %d is missing (a row was deleted)", expected), nil
			case r.PrevHash != prev:
				return broken(expected, "the row does not link to the one before it (rows were deleted, inserted or reordered)"), nil
			case eventHash(campaignID, r) != r.Hash:
				return broken(expected, "the row's contents do not match its hash (it was edited or moved)"), nil
			}
			prev = r.Hash
			expected++
		}
	}
	end := expected - 1
	switch {
	case len(heads) == 0 && end == 0:
		return nil, nil
	case len(heads) == 0:
		return &domain.AuditBreak{CampaignID: campaignID, Position: end, Reason: "the campaign's chain head is missing"}, nil
	case heads[0].Position > end:
		return &domain.AuditBreak{CampaignID: campaignID, Position: end + 1,
			Reason: fmt.Sprintf("the chain ends at position %d but its head records %d (the last rows were deleted)", end, heads[0].Position)}, nil
	case heads[0].Position < end:
		return &domain.AuditBreak{CampaignID: campaignID, Position: heads[0].Position + 1,
			Reason: fmt.Sprintf("the chain runs past its head at position %d (rows were appended outside Rectify)", heads[0].Position)}, nil
	case heads[0].Hash != prev:
		return &domain.AuditBreak{CampaignID: campaignID, Position: end, Reason: "the last row's hash differs from the head's (the end was rewritten)"}, nil
	}
	return nil, nil
}
