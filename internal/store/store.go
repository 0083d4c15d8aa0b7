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
	db *gorm.DB
	// read serves queries outside transactions. On SQLite it is a separate
	// pool, so reads (every request's session check) never queue behind the
	// single writer; on PostgreSQL it is db.
	read     *gorm.DB
	postgres bool
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// Open connects to PostgreSQL when databaseURL is set, else to the SQLite
// file at sqlitePath, and migrates the schema.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*Store, error) {
	s := &Store{postgres: databaseURL != "", Now: time.Now}
	var err error
	if s.postgres {
		if s.db, err = openGorm(postgres.Open(databaseURL), 20); err != nil {
			return nil, err
		}
		s.read = s.db
	} else {
		if sqlitePath == "" {
			return nil, errors.New("store: a SQLite path or a DATABASE_URL is required")
		}
		const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
		// One writer at a time is all SQLite allows; a single connection
		// turns lock contention into a queue instead of busy errors.
		writer := sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: "file:" + sqlitePath + "?" + pragmas + "&_txlock=immediate"})
		if s.db, err = openGorm(writer, 1); err != nil {
			return nil, err
		}
		reader := sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: "file:" + sqlitePath + "?" + pragmas + "&_pragma=query_only(1)"})
		if s.read, err = openGorm(reader, 4); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.chainLegacyEvents(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func openGorm(dialector gorm.Dialector, maxConns int) (*gorm.DB, error) {
	db, err := gorm.Open(unavailableTranslator{dialector}, &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		// Every error passes unavailableTranslator (errors.go).
		TranslateError: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	// Busy connections are replaced now and then too, so that a pool never
	// clings to a server that failed over. Broken ones need no setting:
	// database/sql drops a connection the driver reports bad (pgx checks
	// one idle for over a second before reuse) and dials anew.
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	return db, nil
}

func (s *Store) reader(ctx context.Context) *gorm.DB { return s.read.WithContext(ctx) }

// Close closes the database.
func (s *Store) Close() error {
	dbs := []*gorm.DB{s.db}
	if s.read != nil && s.read != s.db {
		dbs = append(dbs, s.read)
	}
	var errs []error
	for _, db := range dbs {
		if db == nil {
			continue
		}
		sqlDB, err := db.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); isUnavailable(err) {
		return errDatabaseUnavailable(err)
	} else if err != nil {
		return err
	}
	return nil
}

// IsPostgres reports whether the store runs on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.postgres }

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
	err := s.reader(ctx).Where("name = ?", key).Limit(1).Find(&row).Error
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
