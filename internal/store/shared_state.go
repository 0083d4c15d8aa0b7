package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// What replicas of the API and worker must share lives here, never in one
// process's memory.

type idempotencyRow struct {
	Key       string    `gorm:"primaryKey;size:200"`
	CreatedAt time.Time `gorm:"not null;index"`
	// Result names what the first use made (e.g. "evidence:42"), for
	// requests whose retry answers it again; empty for the others.
	Result string `gorm:"size:200;not null;default:''"`
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

type loginFailureRow struct {
	ID  int64     `gorm:"primaryKey"`
	Key string    `gorm:"size:200;not null;index:idx_login_failure_key,priority:1"`
	At  time.Time `gorm:"not null;index:idx_login_failure_key,priority:2"`
}

func (loginFailureRow) TableName() string { return "login_failures" }

type loginLockoutRow struct {
	Key   string    `gorm:"primaryKey;size:200"`
	Until time.Time `gorm:"not null"`
}

func (loginLockoutRow) TableName() string { return "login_lockouts" }

// IdempotencyWindow is how long a key is remembered.
const IdempotencyWindow = 24 * time.Hour

// FirstUse records key and reports whether this is its first use within
// IdempotencyWindow, atomically across replicas: of two concurrent uses
// exactly one is first. Keys older than the window are swept as it goes.
func (s *Store) FirstUse(ctx context.Context, key string, now time.Time) (bool, error) {
	db := s.db.WithContext(ctx)
	if err := sweepIdempotencyKeys(db, now); err != nil {
		return false, err
	}
	return claimIdempotencyKey(db, key, now)
}

func sweepIdempotencyKeys(db *gorm.DB, now time.Time) error {
	return db.Where("created_at < ?", now.Add(-IdempotencyWindow).UTC()).Delete(&idempotencyRow{}).Error
}

// claimIdempotencyKey records key, reporting whether it was new. Of two
// transactions claiming one key on PostgreSQL the second waits for the
// first and is told the key was taken once the first commits.
func claimIdempotencyKey(db *gorm.DB, key string, now time.Time) (bool, error) {
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&idempotencyRow{Key: key, CreatedAt: now.UTC()})
	return res.RowsAffected == 1, res.Error
}

// ForgetUse drops key, so that a use that failed may be retried.
func (s *Store) ForgetUse(ctx context.Context, key string) error {
	return s.db.WithContext(ctx).Where("key = ?", key).Delete(&idempotencyRow{}).Error
}

// SharedSecret returns the secret stored under name, making one (32 random
// bytes, hex) on first use; every replica reads the same one.
func (s *Store) SharedSecret(ctx context.Context, name string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&settingRow{Name: name, Value: hex.EncodeToString(b)}).Error
	if err != nil {
		return "", err
	}
	return s.Setting(ctx, name)
}

// LoginLockedUntil returns when key's lockout ends, and whether it is
// locked at now.
func (s *Store) LoginLockedUntil(ctx context.Context, key string, now time.Time) (time.Time, bool, error) {
	var row loginLockoutRow
	err := s.db.WithContext(ctx).Where("key = ? AND until > ?", key, now.UTC()).Limit(1).Find(&row).Error
	return row.Until, err == nil && row.Key != "", err
}

// LoginFailed records a failure of key at now; with max failures within
// window it locks key until now+lockout and returns that time (zero when
// this failure does not lock it).
func (s *Store) LoginFailed(ctx context.Context, key string, now time.Time, max int, window, lockout time.Duration) (time.Time, error) {
	var until time.Time
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("key = ? AND at <= ?", key, now.Add(-window).UTC()).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&loginFailureRow{Key: key, At: now.UTC()}).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&loginFailureRow{}).Where("key = ?", key).Count(&n).Error; err != nil {
			return err
		}
		if int(n) < max {
			return nil
		}
		until = now.Add(lockout)
		if err := tx.Where("key = ?", key).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&loginLockoutRow{Key: key, Until: until.UTC()}).Error
	})
	return until, err
}

// LoginSucceeded clears key's failures.
func (s *Store) LoginSucceeded(ctx context.Context, key string) error {
	return s.db.WithContext(ctx).Where("key = ?", key).Delete(&loginFailureRow{}).Error
}
