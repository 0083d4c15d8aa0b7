package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// CreateUser adds a user with an already hashed password. The caller has
// validated the fields; the store checks uniqueness and the unit.
func (s *Store) CreateUser(ctx context.Context, u domain.NewUser, passwordHash string) (domain.User, error) {
	row := userRow{
		Username: u.Username, PasswordHash: passwordHash, DisplayName: u.DisplayName,
		Role: string(u.Role), UnitID: u.UnitID, Email: u.Email, CreatedAt: s.Now(), UnitRole: string(u.UnitRole),
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("username = ?", u.Username).Count(&n).Error; err != nil {
			return err
		} else if n > 0 {
			return domain.Errorf(domain.EConflict, "username %q is taken", u.Username).WithKey("username_taken", "name", u.Username).WithField("username")
		}
		if u.UnitID != 0 {
			if err := tx.Model(&unitRow{}).Where("id = ?", u.UnitID).Count(&n).Error; err != nil {
				return err
			} else if n == 0 {
				return domain.Errorf(domain.EInvalid, "unit %d does not exist", u.UnitID).WithKey("unit_not_found").WithField("unit_id")
			}
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return domain.User{}, err
	}
	return row.toDomain(), nil
}

// ListUsers returns every user by ID.
func (s *Store) ListUsers(ctx context.Context) ([]domain.User, error) {
	var rows []userRow
	if err := s.reader(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	users := make([]domain.User, len(rows))
	for i, r := range rows {
		users[i] = r.toDomain()
	}
	return users, nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.reader(ctx).Model(&userRow{}).Count(&n).Error
	return n, err
}

// User returns the user with id, or not_found.
func (s *Store) User(ctx context.Context, id int64) (domain.User, error) {
	var row userRow
	if err := s.reader(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return domain.User{}, notFound(err, "user %d not found", id)
	}
	return row.toDomain(), nil
}

// UserCredentials returns a user and its password hash, for login.
func (s *Store) UserCredentials(ctx context.Context, username string) (domain.User, string, error) {
	var row userRow
	if err := s.reader(ctx).Where("username = ?", username).Take(&row).Error; err != nil {
		return domain.User{}, "", notFound(err, "user %q not found", username)
	}
	return row.toDomain(), row.PasswordHash, nil
}

// CreateSession stores the hash of a new bearer token.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, userID int64, expiresAt time.Time) error {
	return s.db.WithContext(ctx).Create(&sessionRow{
		// In UTC, like the instant UserBySession compares it with: SQLite
		// compares times as text, which is only right within one zone.
		TokenHash: tokenHash, UserID: userID, ExpiresAt: expiresAt.UTC(), CreatedAt: s.Now(),
	}).Error
}

// UserBySession returns the user of a live session, or unauthorized.
func (s *Store) UserBySession(ctx context.Context, tokenHash string) (domain.User, error) {
	var row userRow
	err := s.reader(ctx).
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ? AND sessions.revoked_at IS NULL AND users.disabled = ?",
			tokenHash, s.Now().UTC(), false).
		Take(&row).Error
	if err != nil {
		if err == gorm.ErrRecordNotFound {
			return domain.User{}, domain.Errorf(domain.EUnauthorized, "the session is invalid or has expired; log in again").WithKey("session_expired")
		}
		return domain.User{}, err
	}
	return row.toDomain(), nil
}

// RevokeSession ends a session.
func (s *Store) RevokeSession(ctx context.Context, tokenHash string) error {
	now := s.Now()
	return s.db.WithContext(ctx).Model(&sessionRow{}).Where("token_hash = ?", tokenHash).Update("revoked_at", &now).Error
}

func (r userRow) toDomain() domain.User {
	return domain.User{
		ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, Role: domain.Role(r.Role),
		UnitID: r.UnitID, Email: r.Email, Disabled: r.Disabled, CreatedAt: r.CreatedAt, UnitRole: domain.UnitRole(r.UnitRole),
		MustChangePassword: r.MustChangePassword,
	}
}

// DisplayNames maps the given user IDs to their display names, so pages
// name people as colleagues know them rather than by login. Unknown IDs
// are left out.
func (s *Store) DisplayNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var rows []userRow
	if err := s.reader(ctx).Select("id", "display_name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.DisplayName != "" {
			names[r.ID] = r.DisplayName
		}
	}
	return names, nil
}
