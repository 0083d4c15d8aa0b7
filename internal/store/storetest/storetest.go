// Package storetest opens throw-away stores for tests, on SQLite and on
// PostgreSQL, so that every package's tests can run the same cases on both
// backends.
//
// PostgreSQL is found at postgres://postgres@127.0.0.1:5432/postgres (trust
// auth) unless RECTIFY_TEST_POSTGRES_URL names another server; that URL (or
// key=value DSN) names the maintenance database in which the test databases
// are created, "postgres" when it names none. When the server cannot be
// reached, Postgres skips the test, or fails it when CI=true, so that CI never
// passes on SQLite alone by accident.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	// The pgx database/sql driver, registered as "pgx", for CREATE and
	// DROP DATABASE; gorm's postgres driver already depends on it.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/rectify/rectify/internal/store"
)

// EnvPostgresURL overrides the PostgreSQL server the tests use.
const EnvPostgresURL = "RECTIFY_TEST_POSTGRES_URL"

// DefaultPostgresURL is the server used when EnvPostgresURL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// connectTimeout bounds every attempt to reach PostgreSQL.
const connectTimeout = 2 * time.Second

// SQLite returns a fresh store on a SQLite file under tb.TempDir(), closed
// when the test ends.
func SQLite(tb testing.TB) *store.Store {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "rectify.db")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, "", path)
	if err != nil {
		tb.Fatalf("storetest: open SQLite store at %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("storetest: close SQLite store: %v", err)
		}
	})
	return s
}

// Postgres returns a store on a new, randomly named PostgreSQL database,
// dropped when the test ends. It skips the test when PostgreSQL cannot be
// reached, unless CI=true, in which case it fails it.
func Postgres(tb testing.TB) *store.Store {
	tb.Helper()
	dbDSN := PostgresDatabase(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, dbDSN, "")
	if err != nil {
		tb.Fatalf("storetest: open PostgreSQL store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("storetest: close PostgreSQL store: %v", err)
		}
	})
	return s
}

// PostgresDatabase creates a new, randomly named, empty PostgreSQL database,
// dropped when the test ends, and returns its DSN. It skips or fails the
// test as Postgres does when the server cannot be reached.
func PostgresDatabase(tb testing.TB) string {
	tb.Helper()
	serverURL := os.Getenv(EnvPostgresURL)
	if serverURL == "" {
		serverURL = DefaultPostgresURL
	}
	adminDSN := withConnectTimeout(serverURL)
	admin, err := reach(adminDSN)
	if err != nil {
		where := redact(serverURL)
		if os.Getenv("CI") == "true" {
			tb.Fatalf("storetest: PostgreSQL not reachable at %s (CI=true requires it; set %s to point at a server): %v",
				where, EnvPostgresURL, err)
		}
		tb.Skipf("PostgreSQL not reachable at %s: tests run on SQLite only (%v)", where, err)
	}
	name := "rectify_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("storetest: create database %s: %v", name, err)
	}
	// Registered before any store's Close, so it runs after it.
	tb.Cleanup(func() { dropDatabase(tb, admin, name) })
	dbDSN, err := withDatabase(adminDSN, name)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return dbDSN
}

// Each runs fn as the subtests "sqlite" and "postgres", each on a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// admins caches one maintenance connection pool per server DSN for the
// whole test binary, and the error if the server could not be reached, so
// that an absent server costs one connect timeout, not one per test.
var (
	adminsMu sync.Mutex
	admins   = map[string]*adminConn{}
)

type adminConn struct {
	db  *sql.DB
	err error
}

func reach(dsn string) (*sql.DB, error) {
	adminsMu.Lock()
	defer adminsMu.Unlock()
	if a, ok := admins[dsn]; ok {
		return a.db, a.err
	}
	a := &adminConn{}
	a.db, a.err = openAdmin(dsn)
	admins[dsn] = a
	return a.db, a.err
}

func openAdmin(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func dropDatabase(tb testing.TB, admin *sql.DB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// FORCE (PostgreSQL 13+) ends connections a test may have leaked.
	_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	if err != nil && strings.Contains(err.Error(), "syntax error") {
		_, err = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
	}
	if err != nil {
		tb.Errorf("storetest: drop database %s: %v", name, err)
	}
}

// withConnectTimeout adds a connect timeout to dsn unless it sets one.
func withConnectTimeout(dsn string) string {
	secs := fmt.Sprint(int(connectTimeout / time.Second))
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn // pgx reports the parse error when connecting
		}
		q := u.Query()
		if q.Get("connect_timeout") == "" {
			q.Set("connect_timeout", secs)
		}
		u.RawQuery = q.Encode()
		if u.Path == "" || u.Path == "/" {
			u.Path = "/postgres"
		}
		return u.String()
	}
	if !strings.Contains(dsn, "connect_timeout=") {
		dsn += " connect_timeout=" + secs
	}
	if !strings.Contains(dsn, "dbname=") {
		dsn += " dbname=postgres"
	}
	return dsn
}

// withDatabase returns dsn naming database name instead.
func withDatabase(dsn, name string) (string, error) {
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvPostgresURL, err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// In a key=value DSN the last setting of a key wins.
	return dsn + " dbname=" + name, nil
}

func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redact hides a password in dsn for messages.
func redact(dsn string) string {
	if isURL(dsn) {
		if u, err := url.Parse(dsn); err == nil {
			return u.Redacted()
		}
		return "(unparsable URL)"
	}
	fields := strings.Fields(dsn)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=xxxxx"
		}
	}
	return strings.Join(fields, " ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
