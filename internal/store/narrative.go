package store

import (
	"context"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// narrativeRow is a campaign's report narrative; a campaign without a row
// has an empty one.
type narrativeRow struct {
	CampaignID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Organization string `gorm:"type:text;not null;default:''"`
	NextSteps    string `gorm:"type:text;not null;default:''"`
	Contact      string `gorm:"type:text;not null;default:''"`
	UpdatedBy    int64  `gorm:"not null;default:0"`
	UpdatedAt    time.Time
}

func (narrativeRow) TableName() string { return "campaign_narratives" }

// Narrative returns a campaign's report narrative, empty if never written.
func (s *Store) Narrative(ctx context.Context, campaignID int64) (domain.Narrative, error) {
	if _, err := s.Campaign(ctx, campaignID); err != nil {
		return domain.Narrative{}, err
	}
	var row narrativeRow
	if err := s.reader(ctx).Where("campaign_id = ?", campaignID).Limit(1).Find(&row).Error; err != nil {
		return domain.Narrative{}, err
	}
	return domain.Narrative{
		CampaignID: campaignID, Organization: row.Organization, NextSteps: row.NextSteps,
		Contact: row.Contact, UpdatedBy: row.UpdatedBy, UpdatedAt: row.UpdatedAt,
	}, nil
}

// SetNarrative replaces a campaign's report narrative (already validated).
func (s *Store) SetNarrative(ctx context.Context, n domain.Narrative, by int64) (domain.Narrative, error) {
	if _, err := s.Campaign(ctx, n.CampaignID); err != nil {
		return domain.Narrative{}, err
	}
	n.UpdatedBy, n.UpdatedAt = by, s.Now()
	err := s.db.WithContext(ctx).Save(&narrativeRow{
		CampaignID: n.CampaignID, Organization: n.Organization, NextSteps: n.NextSteps,
		Contact: n.Contact, UpdatedBy: by, UpdatedAt: n.UpdatedAt,
	}).Error
	if err != nil {
		return domain.Narrative{}, err
	}
	return n, nil
}
