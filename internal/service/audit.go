package service

import (
	"context"

	"github.com/rectify/rectify/internal/domain"
)

// VerifyAudit walks the event log's hash chains (admin).
func (s *Service) VerifyAudit(ctx context.Context, u domain.User) (domain.AuditReport, error) {
	if err := domain.RequireRole(u, "verify the audit log", domain.RoleAdmin); err != nil {
		return domain.AuditReport{}, err
	}
	return s.store.VerifyAudit(ctx)
}
