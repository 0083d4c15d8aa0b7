package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

type apiTokenRow struct {
	ID        int64     `gorm:"primaryKey"`
	Name      string    `gorm:"size:200;not null"`
	UserID    int64     `gorm:"index;not null"`
	TokenHash string    `gorm:"uniqueIndex;size:64;not null"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	RevokedAt *time.Time
}

func (apiTokenRow) TableName() string { return "api_tokens" }

// apiTokenView is a token row with its account (flat: gorm scans joined
// columns into plain fields).
type apiTokenView struct {
	ID        int64
	Name      string
	UserID    int64
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
	Username  string
	Role      string
}

func (v apiTokenView) toDomain() domain.APIToken {
	t := domain.APIToken{
		ID: v.ID, Name: v.Name, UserID: v.UserID, Username: v.Username, Role: domain.Role(v.Role),
		CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt, ExpiresAt: v.ExpiresAt,
	}
	if v.RevokedAt != nil {
		t.RevokedAt = *v.RevokedAt
	}
	return t
}

// CreateAPIToken stores the hash of a new API token for an enabled user.
func (s *Store) CreateAPIToken(ctx context.Context, t domain.APIToken, tokenHash string) (domain.APIToken, error) {
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var user userRow
		if err := tx.Take(&user, t.UserID).Error; err != nil {
			return notFound(err, "user %d not found", t.UserID)
		}
		if user.Disabled {
			return domain.Errorf(domain.EConflict, "user %s is disabled", user.Username).WithKey("user_disabled", "user", user.Username)
		}
		row := apiTokenRow{Name: t.Name, UserID: t.UserID, TokenHash: tokenHash, CreatedBy: t.CreatedBy,
			CreatedAt: s.Now(), ExpiresAt: t.ExpiresAt.UTC()}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		id = row.ID
		return nil
	})
	if err != nil {
		return domain.APIToken{}, err
	}
	return s.APIToken(ctx, id)
}

func (s *Store) apiTokens(ctx context.Context) *gorm.DB {
	return s.reader(ctx).Model(&apiTokenRow{}).
		Select("api_tokens.id, api_tokens.name, api_tokens.user_id, api_tokens.created_by, api_tokens.created_at, " +
			"api_tokens.expires_at, api_tokens.revoked_at, users.username AS username, users.role AS role").
		Joins("JOIN users ON users.id = api_tokens.user_id")
}

// APIToken returns one token (never its secret).
func (s *Store) APIToken(ctx context.Context, id int64) (domain.APIToken, error) {
	var v apiTokenView
	if err := s.apiTokens(ctx).Where("api_tokens.id = ?", id).Take(&v).Error; err != nil {
		return domain.APIToken{}, notFound(err, "API token %d not found", id)
	}
	return v.toDomain(), nil
}

// ListAPITokens returns every token, newest first.
func (s *Store) ListAPITokens(ctx context.Context) ([]domain.APIToken, error) {
	var views []apiTokenView
	if err := s.apiTokens(ctx).Order("api_tokens.id DESC").Find(&views).Error; err != nil {
		return nil, err
	}
	out := make([]domain.APIToken, len(views))
	for i, v := range views {
		out[i] = v.toDomain()
	}
	return out, nil
}

// RevokeAPIToken ends a token; revoking it again changes nothing.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) (domain.APIToken, error) {
	now := s.Now()
	res := s.db.WithContext(ctx).Model(&apiTokenRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", &now)
	if res.Error != nil {
		return domain.APIToken{}, res.Error
	}
	return s.APIToken(ctx, id)
}

// UserByAPIToken returns the account of a live API token, or unauthorized.
func (s *Store) UserByAPIToken(ctx context.Context, tokenHash string) (domain.User, error) {
	var row userRow
	err := s.reader(ctx).
		Joins("JOIN api_tokens ON api_tokens.user_id = users.id").
		Where("api_tokens.token_hash = ? AND api_tokens.expires_at > ? AND api_tokens.revoked_at IS NULL AND users.disabled = ?",
			tokenHash, s.Now().UTC(), false).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.User{}, domain.Errorf(domain.EUnauthorized, "the API token is invalid, revoked or expired").WithKey("token_invalid")
	} else if err != nil {
		return domain.User{}, err
	}
	return row.toDomain(), nil
}
