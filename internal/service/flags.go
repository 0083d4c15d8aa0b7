package service

import (
	"context"
	"log/slog"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// recomputeFlags brings a problem's red flags up to date after a write
// they read (an upload, a withdrawal). Flags are advice: a failure is
// logged and never fails the action.
func (s *Service) recomputeFlags(ctx context.Context, problemID int64) {
	if _, err := s.store.RecomputeFlags(ctx, problemID); err != nil {
		s.Logger.WarnContext(ctx, "red flags not computed", slog.Int64("problem_id", problemID), slog.Any("error", err))
	}
}

// ProblemFlags returns the red flags of a problem the user may see.
func (s *Service) ProblemFlags(ctx context.Context, u domain.User, problemID int64) ([]domain.Flag, error) {
	if _, err := s.Problem(ctx, u, problemID); err != nil {
		return nil, err
	}
	return s.store.ProblemFlags(ctx, problemID)
}

// FlagQuery selects a campaign's red flags.
type FlagQuery struct {
	Kind domain.FlagKind
	// Open leaves out dismissed flags.
	Open          bool
	Offset, Limit int
}

// CampaignFlags returns a campaign's red flags, newest first, for the
// discipline group, supervisors, the leaders and admins.
func (s *Service) CampaignFlags(ctx context.Context, u domain.User, campaignID int64, q FlagQuery) ([]domain.Flag, int64, error) {
	if err := domain.RequireRole(u, "see red flags", domain.RoleDiscipline, domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin); err != nil {
		return nil, 0, err
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return nil, 0, domain.Errorf(domain.EInvalid, "unknown flag kind %q", q.Kind).WithKey("flag_kind_invalid", "kind", string(q.Kind)).WithField("kind")
	}
	if _, err := s.store.Campaign(ctx, campaignID); err != nil {
		return nil, 0, err
	}
	return s.store.CampaignFlags(ctx, store.FlagFilter{CampaignID: campaignID, Kind: q.Kind, Open: q.Open, Offset: q.Offset, Limit: q.Limit})
}

// DismissFlag sets a red flag aside with a reason (discipline group or
// supervisor). The dismissal is a decision on the problem: its workflow
// records it in the audit trail, and the store marks the flag with it.
func (s *Service) DismissFlag(ctx context.Context, u domain.User, flagID int64, reason, requestID string) (domain.Flag, error) {
	if err := domain.RequireRole(u, "dismiss red flags", domain.RoleDiscipline, domain.RoleSupervisor); err != nil {
		return domain.Flag{}, err
	}
	f, err := s.store.Flag(ctx, flagID)
	if domain.IsCode(err, domain.ENotFound) {
		return f, domain.Errorf(domain.ENotFound, "flag %d not found", flagID).WithKey("flag_not_found", "id", flagID)
	} else if err != nil {
		return f, err
	}
	if _, err := s.Problem(ctx, u, f.ProblemID); err != nil {
		return domain.Flag{}, err
	}
	if reason, err = domain.RequireText("reason", reason); err != nil {
		return domain.Flag{}, err
	}
	if f.Dismissed {
		return f, domain.Errorf(domain.EConflict, "flag %d is already dismissed", flagID).WithKey("flag_already_dismissed")
	}
	cmd := domain.Command{Action: domain.ActionDismissFlag, RequestID: requestID, Actor: u.Actor(), Text: reason,
		Flag: &domain.FlagRef{ID: f.ID, Kind: f.Kind, Subject: f.Subject}}
	if _, err := s.Act(ctx, f.ProblemID, cmd); err != nil {
		return domain.Flag{}, err
	}
	return s.store.Flag(ctx, flagID)
}
