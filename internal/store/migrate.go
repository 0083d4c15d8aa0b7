package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"gorm.io/gorm"
)

// Migrations are SQL files per database, numbered, applied in order by goose
// and recorded in its version table (goose_db_version). See README,
// "Changing the schema".
//
//go:embed migrations
var migrationFiles embed.FS

// migrationLockID names Rectify's schema migration lock in PostgreSQL.
const migrationLockID = 0x5265637469 // "Recti"

// models are the gorm models the migrations must match (migrate_test.go).
func models() []any {
	return append(legacyModels(), &idempotencyRow{}, &loginFailureRow{}, &loginLockoutRow{},
		&flagRow{}, &flagTextRow{}, &flagTextBandRow{})
}

// legacyModels are the tables of migration 1, the schema a database made
// before migrations were versioned has.
func legacyModels() []any {
	return []any{
		&unitRow{}, &userRow{}, &sessionRow{}, &campaignRow{}, &problemRow{},
		&measureRow{}, &measureUnitRow{}, &eventRow{}, &progressRow{}, &settingRow{}, &narrativeRow{}, &notificationRow{}, &deliveryRow{}, &evidenceRow{}, &outcomeRow{},
		&lookbackRow{}, &lookbackProblemRow{}, &auditHeadRow{}, &apiTokenRow{},
	}
}

// migrate brings the schema to the last migration.
func (s *Store) migrate(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if s.postgres {
		// API and worker processes start together: a transaction-scoped
		// advisory lock lets one migrate while the others wait. The lock is
		// held by this transaction's connection; goose runs on the others.
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockID).Error; err != nil {
				return err
			}
			return s.migrateLocked(ctx, sqlDB)
		})
	} else {
		err = s.migrateLocked(ctx, sqlDB)
	}
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

func (s *Store) migrateLocked(ctx context.Context, db *sql.DB) error {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if s.postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	if err := s.adoptLegacy(ctx, db, dialect); err != nil {
		return err
	}
	fsys, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// addedAfterLegacy reports whether a later migration adds column (as
// "table.column"), so a legacy database need not have it.
func addedAfterLegacy(column string) bool {
	switch column {
	case "users.unit_role", "campaigns.endorse_closure", "problems.assignment", "measures.handler_id", "measures.handler_name",
		"problems.reassignments", "problems.next_reassignment_id", // 00003
		"campaigns.flag_policy": // 00004
		return true
	case "lookbacks.population", "lookbacks.weights": // 00005
		return true
	case "users.must_change_password": // 00006
		return true
	}
	return false
}

// adoptLegacy records migration 1 as applied on a database that gorm's
// AutoMigrate made before migrations were versioned: migration 1 is that
// schema. A database older than it is refused rather than guessed at.
func (s *Store) adoptLegacy(ctx context.Context, db *sql.DB, dialect goose.Dialect) error {
	m := s.db.WithContext(ctx).Migrator()
	if !m.HasTable(&problemRow{}) || m.HasTable(goose.DefaultTablename) {
		return nil
	}
	var missing []string
	for _, model := range legacyModels() {
		stmt := &gorm.Statement{DB: s.db}
		if err := stmt.Parse(model); err != nil {
			return err
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !addedAfterLegacy(stmt.Schema.Table+"."+f.DBName) && !m.HasColumn(model, f.DBName) {
				missing = append(missing, stmt.Schema.Table+"."+f.DBName)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the database predates versioned migrations and lacks %s: start the release before them once to bring it up to date",
			strings.Join(missing, ", "))
	}
	versions, err := database.NewStore(database.Dialect(dialect), goose.DefaultTablename)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := versions.CreateVersionTable(ctx, tx); err != nil {
		return err
	}
	for _, v := range []int64{0, 1} {
		if err := versions.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return err
		}
	}
	return tx.Commit()
}
