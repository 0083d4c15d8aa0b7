package service

import (
	"context"

	"github.com/rectify/rectify/internal/domain"
)

// Notifications returns the user's inbox (unread first) and the unread count.
func (s *Service) Notifications(ctx context.Context, u domain.User, limit int) ([]domain.Notification, int64, error) {
	return s.store.Notifications(ctx, u.ID, limit)
}

// MarkNotificationRead marks one of the user's own notifications read.
func (s *Service) MarkNotificationRead(ctx context.Context, u domain.User, id int64) error {
	return s.store.MarkNotificationRead(ctx, u.ID, id)
}

// CampaignStats returns a campaign's dashboard figures now.
func (s *Service) CampaignStats(ctx context.Context, campaignID int64) (domain.CampaignStats, error) {
	return s.store.CampaignStats(ctx, campaignID, s.Now())
}
