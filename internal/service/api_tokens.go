package service

import (
	"context"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/auth"
	"github.com/rectify/rectify/internal/domain"
)

// CreateAPIToken issues a token acting as the account in.UserID (admin).
// The token is returned once; only its hash is kept.
func (s *Service) CreateAPIToken(ctx context.Context, u domain.User, in domain.NewAPIToken) (string, domain.APIToken, error) {
	if err := domain.RequireRole(u, "issue API tokens", domain.RoleAdmin); err != nil {
		return "", domain.APIToken{}, err
	}
	if err := in.Validate(); err != nil {
		return "", domain.APIToken{}, err
	}
	secret, _, err := auth.NewToken()
	if err != nil {
		return "", domain.APIToken{}, err
	}
	token := domain.APITokenPrefix + secret
	t, err := s.store.CreateAPIToken(ctx, domain.APIToken{
		Name: in.Name, UserID: in.UserID, CreatedBy: u.ID,
		ExpiresAt: s.Now().Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour),
	}, auth.TokenHash(token))
	if err != nil {
		return "", domain.APIToken{}, err
	}
	return token, t, nil
}

// ListAPITokens lists the issued tokens, without their secrets (admin).
func (s *Service) ListAPITokens(ctx context.Context, u domain.User) ([]domain.APIToken, error) {
	if err := domain.RequireRole(u, "list API tokens", domain.RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.ListAPITokens(ctx)
}

// RevokeAPIToken ends a token at once (admin).
func (s *Service) RevokeAPIToken(ctx context.Context, u domain.User, id int64) (domain.APIToken, error) {
	if err := domain.RequireRole(u, "revoke API tokens", domain.RoleAdmin); err != nil {
		return domain.APIToken{}, err
	}
	return s.store.RevokeAPIToken(ctx, id)
}

// isAPIToken tells an integration's token from a login session's.
func isAPIToken(token string) bool { return strings.HasPrefix(token, domain.APITokenPrefix) }
