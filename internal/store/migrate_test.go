package store_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestMigrations migrates an empty database and one that the AutoMigrate
// code made before migrations were versioned (testdata/legacy-*.sql, with
// rows), on both databases, and compares the schema with the one gorm makes
// from the models.
func TestMigrations(t *testing.T) {
	type target struct{ url, path string }
	backends := []struct {
		name    string
		fixture string
		fresh   func(t *testing.T) target
	}{
		{"sqlite", "testdata/legacy-sqlite.sql", func(t *testing.T) target {
			return target{path: filepath.Join(t.TempDir(), "rectify.db")}
		}},
		{"postgres", "testdata/legacy-postgres.sql", func(t *testing.T) target {
			return target{url: storetest.PostgresDatabase(t)}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			want := b.fresh(t)
			if err := store.AutoMigrateModels(want.url, want.path); err != nil {
				t.Fatal(err)
			}
			wantSchema, err := store.Schema(want.url, want.path)
			if err != nil {
				t.Fatal(err)
			}
			legacy, err := os.ReadFile(b.fixture)
			if err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name   string
				legacy bool
				// older drops a column the legacy schema had: such a
				// database is refused, not guessed at.
				older bool
			}{
				{"Empty", false, false},
				{"LegacySchema", true, false},
				{"OlderThanLegacyRefused", true, true},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					db := b.fresh(t)
					if tc.legacy {
						if err := store.ExecFile(db.url, db.path, string(legacy)); err != nil {
							t.Fatalf("load %s: %v", b.fixture, err)
						}
					}
					if tc.older {
						if err := store.ExecFile(db.url, db.path, "ALTER TABLE problems DROP COLUMN parent_title"); err != nil {
							t.Fatal(err)
						}
						_, err := store.Open(t.Context(), db.url, db.path)
						if err == nil || !strings.Contains(err.Error(), "problems.parent_title") {
							t.Fatalf("open a database without problems.parent_title: %v, want it refused", err)
						}
						return
					}
					// Twice: the second start finds nothing to do.
					for range 2 {
						s, err := store.Open(t.Context(), db.url, db.path)
						if err != nil {
							t.Fatal(err)
						}
						if tc.legacy {
							p, err := s.Problem(t.Context(), 1)
							if err != nil {
								t.Fatalf("the legacy problem: %v", err)
							}
							if p.Title != "制度执行不严" || p.ParentNumber != 2 || p.ParentTitle != "落实主体责任不到位" || len(p.Measures) != 1 {
								t.Errorf("legacy problem after migration: %+v", p)
							}
						}
						if err := s.Close(); err != nil {
							t.Fatal(err)
						}
					}
					got, err := store.Schema(db.url, db.path)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, wantSchema) {
						for _, l := range got {
							if !slices.Contains(wantSchema, l) {
								t.Errorf("migrated schema has %s", l)
							}
						}
						for _, l := range wantSchema {
							if !slices.Contains(got, l) {
								t.Errorf("migrated schema lacks %s", l)
							}
						}
					}
					v, err := store.MigrationVersion(db.url, db.path)
					if err != nil {
						t.Fatal(err)
					}
					if head := store.MigrationCount(t); v != head {
						t.Errorf("at migration %d, want %d", v, head)
					}
				})
			}
		})
	}
}
