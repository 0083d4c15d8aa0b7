// Package store keeps Rectify's read model, users, sessions and the event
// log with gorm, on PostgreSQL in production and SQLite embedded. gorm models
// live only here; callers see domain types.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	// modernc's pure-Go SQLite, registered as "sqlite". The embedded
	// Temporal server links the same package, so it is registered once.
	_ "modernc.org/sqlite"

	"github.com/rectify/rectify/internal/domain"
)

// Store is the database behind the read model.
type Store struct {
	db       *gorm.DB
	postgres bool
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// Open connects to PostgreSQL when databaseURL is set, else to the SQLite
// file at sqlitePath, and migrates the schema.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*Store, error) {
	var dialector gorm.Dialector
	isPostgres := databaseURL != ""
	if isPostgres {
		dialector = postgres.Open(databaseURL)
	} else {
		if sqlitePath == "" {
			return nil, errors.New("store: a SQLite path or a DATABASE_URL is required")
		}
		dsn := "file:" + sqlitePath + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
		dialector = sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: dsn})
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		TranslateError:         false,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if isPostgres {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
	} else {
		// One writer at a time is all SQLite allows; a single connection
		// turns lock contention into a queue instead of busy errors.
		sqlDB.SetMaxOpenConns(1)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, postgres: isPostgres, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IsPostgres reports whether the store runs on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.postgres }

func (s *Store) migrate(ctx context.Context) error {
	err := s.db.WithContext(ctx).AutoMigrate(
		&unitRow{}, &userRow{}, &sessionRow{}, &campaignRow{}, &problemRow{},
		&measureRow{}, &measureUnitRow{}, &eventRow{}, &progressRow{}, &settingRow{},
	)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// notFound turns gorm's not-found into a domain error naming what is missing.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Errorf(domain.ENotFound, format, args...)
	}
	return err
}

// Setting returns a stored setting, "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var row settingRow
	err := s.db.WithContext(ctx).Where("name = ?", key).Limit(1).Find(&row).Error
	return row.Value, err
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.db.WithContext(ctx).Save(&settingRow{Name: key, Value: value}).Error
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	ids := []int64{}
	for _, part := range strings.Split(s, ",") {
		var id int64
		if _, err := fmt.Sscan(part, &id); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
