package store

import (
	"context"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// ExecSQL runs a raw statement on the store's database, for tests that need
// a state no store method produces (such as a disabled user).
func (s *Store) ExecSQL(ctx context.Context, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// AutoMigrateModels makes on an empty database, with gorm's AutoMigrate,
// the schema the models expect: what the migrations must produce.
func AutoMigrateModels(databaseURL, sqlitePath string) error {
	db, err := openRaw(databaseURL, sqlitePath)
	if err != nil {
		return err
	}
	defer closeRaw(db)
	return db.AutoMigrate(models()...)
}

// ExecFile runs a SQL script on a database, as a fixture.
func ExecFile(databaseURL, sqlitePath, script string) error {
	db, err := openRaw(databaseURL, sqlitePath)
	if err != nil {
		return err
	}
	defer closeRaw(db)
	return db.Exec(script).Error
}

// Schema describes a database's tables, columns and indexes, one per line,
// sorted, leaving out goose's version table.
func Schema(databaseURL, sqlitePath string) ([]string, error) {
	db, err := openRaw(databaseURL, sqlitePath)
	if err != nil {
		return nil, err
	}
	defer closeRaw(db)
	var lines []string
	if databaseURL == "" {
		err = db.Raw(`SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master
			WHERE name NOT IN ('sqlite_sequence', 'goose_db_version') AND tbl_name <> 'goose_db_version' ORDER BY 1`).Scan(&lines).Error
		// SQLite keeps a table's SQL as written: a column added by ALTER
		// TABLE follows ", " where gorm writes ",".
		for i, l := range lines {
			lines[i] = strings.ReplaceAll(l, ", `", ",`")
		}
		return lines, err
	}
	err = db.Raw(`SELECT line FROM (
		SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || COALESCE('(' || character_maximum_length || ')', '') ||
			' null=' || is_nullable || ' default=' || COALESCE(column_default, '-') AS line
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'
	) s ORDER BY line`).Scan(&lines).Error
	return lines, err
}

// MigrationVersion is the last migration goose recorded as applied.
func MigrationVersion(databaseURL, sqlitePath string) (int64, error) {
	db, err := openRaw(databaseURL, sqlitePath)
	if err != nil {
		return 0, err
	}
	defer closeRaw(db)
	var v int64
	err = db.Raw(`SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v).Error
	return v, err
}

// MigrationCount is the version of the last migration the binary embeds
// (the same for both databases): numbers may skip one that another branch
// holds, so it is the highest number, not how many files there are.
func MigrationCount(t *testing.T) int64 {
	t.Helper()
	var head [2]int64
	for i, dir := range []string{"postgres", "sqlite"} {
		files, err := fs.Glob(migrationFiles, "migrations/"+dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			n, err := strconv.ParseInt(strings.SplitN(path.Base(f), "_", 2)[0], 10, 64)
			if err != nil {
				t.Fatalf("migration %s: the name does not start with its number", f)
			}
			head[i] = max(head[i], n)
		}
	}
	if head[0] != head[1] {
		t.Fatalf("the last PostgreSQL migration is %d, the last SQLite one %d: each change needs both", head[0], head[1])
	}
	return head[0]
}

func openRaw(databaseURL, sqlitePath string) (*gorm.DB, error) {
	if databaseURL != "" {
		return openGorm(postgres.Open(databaseURL), 2)
	}
	return openGorm(sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: "file:" + sqlitePath}), 1)
}

func closeRaw(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}
