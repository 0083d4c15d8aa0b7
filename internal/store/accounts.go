package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// SetPassword replaces a user's password hash, clears a forced change, and
// ends every session of the user but keepSession (the token hash of the
// session that changed it), so that whoever knew the old password is
// signed out.
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash, keepSession string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": passwordHash, "must_change_password": false})
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
		if disabled && !row.Disabled && row.Role == string(domain.RoleAdmin) {
			if err := requireAnotherAdmin(tx, row.ID); err != nil {
				return err
			}
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

// ResetPassword sets a password an admin chose or generated, makes the
// user change it at the next sign-in, and ends all of the user's sessions.
func (s *Store) ResetPassword(ctx context.Context, userID int64, passwordHash string) (domain.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&row, userID).Error; err != nil {
			return notFound(err, "user %d not found", userID)
		}
		if err := tx.Model(&row).Updates(map[string]any{"password_hash": passwordHash, "must_change_password": true}).Error; err != nil {
			return err
		}
		row.MustChangePassword = true
		now := s.Now()
		return tx.Model(&sessionRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", &now).Error
	})
	if err != nil {
		return domain.User{}, err
	}
	return row.toDomain(), nil
}

// UpdateUser applies an admin's edit to a user's profile. The last enabled
// admin keeps the admin role, so that someone can still manage users.
func (s *Store) UpdateUser(ctx context.Context, userID int64, edit domain.UserEdit) (domain.User, error) {
	var row userRow
	var updated domain.User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&row, userID).Error; err != nil {
			return notFound(err, "user %d not found", userID)
		}
		var err error
		if updated, err = edit.Apply(row.toDomain()); err != nil {
			return err
		}
		if updated.UnitID != 0 && updated.UnitID != row.UnitID {
			var n int64
			if err := tx.Model(&unitRow{}).Where("id = ?", updated.UnitID).Count(&n).Error; err != nil {
				return err
			} else if n == 0 {
				return domain.Errorf(domain.EInvalid, "unit %d does not exist", updated.UnitID).WithKey("unit_not_found").WithField("unit_id")
			}
		}
		if row.Role == string(domain.RoleAdmin) && updated.Role != domain.RoleAdmin && !row.Disabled {
			if err := requireAnotherAdmin(tx, row.ID); err != nil {
				return err
			}
		}
		return tx.Model(&row).Updates(map[string]any{
			"display_name": updated.DisplayName, "role": string(updated.Role), "unit_id": updated.UnitID,
			"unit_role": string(updated.UnitRole), "email": updated.Email,
		}).Error
	})
	if err != nil {
		return domain.User{}, err
	}
	return updated, nil
}

// requireAnotherAdmin refuses a change that would leave no enabled admin
// besides userID.
func requireAnotherAdmin(tx *gorm.DB, userID int64) error {
	var n int64
	if err := tx.Model(&userRow{}).Where("role = ? AND disabled = ? AND id <> ?", string(domain.RoleAdmin), false, userID).Count(&n).Error; err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.EConflict, "this is the last enabled admin; make another admin first").WithKey("last_admin")
	}
	return nil
}
