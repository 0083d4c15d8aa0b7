package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// SetPassword replaces a user's password hash and ends every session of the
// user but keepSession (the token hash of the session that changed it), so
// that whoever knew the old password is signed out.
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash, keepSession string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ?", userID).Update("password_hash", passwordHash)
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return domain.Errorf(domain.ENotFound, "user %d not found", userID).WithKey("user_not_found")
		}
		now := s.Now()
		return tx.Model(&sessionRow{}).
			Where("user_id = ? AND token_hash <> ? AND revoked_at IS NULL", userID, keepSession).
			Update("revoked_at", &now).Error
	})
}

// SetUserDisabled disables or enables a user. Disabling also ends the
// user's sessions: UserBySession already refuses a disabled user's token,
// and revoking them keeps it refused after the user is enabled again.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) (domain.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&row, userID).Error; err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if err := tx.Model(&row).Update("disabled", disabled).Error; err != nil {
			return err
		}
		row.Disabled = disabled
		if !disabled {
			return nil
		}
		now := s.Now()
		return tx.Model(&sessionRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", &now).Error
	})
	if err != nil {
		return domain.User{}, err
	}
	return row.toDomain(), nil
}
