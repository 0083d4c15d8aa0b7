package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The pgx database/sql driver, registered as "pgx", for CREATE and DROP
	// DATABASE; gorm's postgres driver already depends on it.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
)

// The read-model backends a benchmark can run on. Temporal's own
// persistence is the embedded server's SQLite file either way.
const (
	StoreSQLite   = "sqlite"
	StorePostgres = "postgres"
)

// DefaultPostgresServer is the PostgreSQL server on which a run creates its
// own database when neither --postgres-server nor DATABASE_URL names one.
const DefaultPostgresServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Target is a fresh place for one benchmark: its own data directory and,
// on PostgreSQL, its own database rectify_bench_*, so that no run measures
// (or harms) data another left behind.
type Target struct {
	Store  string
	Config config.Config
	// Database is the PostgreSQL database created for the run.
	Database string
	admin    *sql.DB
	keep     bool
}

// NewTarget makes a target on store ("sqlite" or "postgres") from base:
// a new temporary data directory, and for PostgreSQL a new database on
// server (a URL naming a maintenance database, e.g. DefaultPostgresServer).
// With keep, Close leaves both in place and says where they are. A
// non-empty dir is used (and kept) instead of a temporary directory, with
// the database named in it by an earlier run: a long run continues there.
func NewTarget(ctx context.Context, base config.Config, store, server string, keep bool, dir string) (*Target, error) {
	t := &Target{Store: store, Config: base, keep: keep || dir != ""}
	var err error
	temporary := dir == ""
	if temporary {
		dir, err = os.MkdirTemp("", "rectify-bench-")
	} else {
		err = os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return nil, err
	}
	t.Config.DataDir = dir
	// On failure, remove only a directory made here.
	discard := func() {
		if temporary {
			os.RemoveAll(dir)
		}
	}
	t.Config.DatabaseURL = ""
	switch store {
	case StoreSQLite:
		return t, nil
	case StorePostgres:
	default:
		discard()
		return nil, fmt.Errorf("bench: unknown store %q (sqlite or postgres)", store)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		discard()
		return nil, fmt.Errorf("bench: the PostgreSQL server must be a postgres:// URL")
	}
	if t.admin, err = sql.Open("pgx", server); err != nil {
		discard()
		return nil, err
	}
	t.admin.SetMaxOpenConns(1)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := t.admin.PingContext(pingCtx); err != nil {
		t.admin.Close()
		discard()
		return nil, fmt.Errorf("bench: PostgreSQL at %s: %w", config.MaskURL(server), err)
	}
	nameFile := filepath.Join(dir, "bench-database")
	if name, err := os.ReadFile(nameFile); err == nil && strings.HasPrefix(string(name), "rectify_bench_") {
		t.Database = strings.TrimSpace(string(name))
	} else {
		suffix := make([]byte, 3)
		_, _ = rand.Read(suffix)
		t.Database = "rectify_bench_" + time.Now().UTC().Format("20060102_150405") + "_" + hex.EncodeToString(suffix)
		if _, err := t.admin.ExecContext(ctx, "CREATE DATABASE "+t.Database); err != nil {
			t.admin.Close()
			discard()
			return nil, fmt.Errorf("bench: create database %s: %w", t.Database, err)
		}
		if err := os.WriteFile(nameFile, []byte(t.Database+"\n"), 0o640); err != nil {
			t.admin.Close()
			return nil, err
		}
	}
	u.Path = "/" + t.Database
	t.Config.DatabaseURL = u.String()
	return t, nil
}

// StoreCluster names an external target: a Temporal cluster and its
// Rectify database, run by other processes (deploy/local/up).
const StoreCluster = "cluster"

// NewClusterTarget makes a target on a running cluster: the Temporal
// server at temporalAddress and Rectify's database at databaseURL, which
// the cluster's workers and API replicas share. Only a temporary data
// directory is the run's own; the cluster's data is left as it is (each
// run makes its own campaign, users are found or made once).
func NewClusterTarget(base config.Config, temporalAddress, databaseURL string) (*Target, error) {
	if !strings.HasPrefix(databaseURL, "postgres") {
		return nil, fmt.Errorf("bench: a cluster's database must be a postgres:// URL")
	}
	dir, err := os.MkdirTemp("", "rectify-bench-")
	if err != nil {
		return nil, err
	}
	t := &Target{Store: StoreCluster, Config: base}
	t.Config.DataDir = dir
	t.Config.TemporalAddress = temporalAddress
	t.Config.DatabaseURL = databaseURL
	return t, nil
}

// Describe names where the target keeps its data.
func (t *Target) Describe() string {
	if t.Store == StoreCluster {
		return fmt.Sprintf("cluster: temporal %s, database %s", t.Config.TemporalAddress, config.MaskURL(t.Config.DatabaseURL))
	}
	if t.Database != "" {
		return fmt.Sprintf("store postgres (database %s), data dir %s", t.Database, t.Config.DataDir)
	}
	return fmt.Sprintf("store sqlite, data dir %s", t.Config.DataDir)
}

// Close drops the database and removes the data directory, unless kept.
func (t *Target) Close(out io.Writer) error {
	if t.keep {
		fmt.Fprintf(out, "kept: %s\n", t.Describe())
		if t.admin != nil {
			t.admin.Close()
		}
		return nil
	}
	var err error
	if t.admin != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = t.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+t.Database+" WITH (FORCE)")
		t.admin.Close()
	}
	if rmErr := os.RemoveAll(t.Config.DataDir); err == nil {
		err = rmErr
	}
	return err
}

// PostgresServer is the server a run creates its databases on: the one
// databaseURL names (its maintenance database "postgres"), else the
// default.
func PostgresServer(databaseURL string) string {
	if databaseURL == "" || !strings.HasPrefix(databaseURL, "postgres") {
		return DefaultPostgresServer
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return DefaultPostgresServer
	}
	u.Path = "/postgres"
	return u.String()
}

// startApp runs the all-in-one process (HTTP, worker, embedded Temporal) on
// cfg with the benchmark's admin password, on free ports, quietly. On a
// cluster (cfg names a Temporal address) it runs as an API process only:
// the cluster's workers run the workflows, and the benchmark uses this
// process's service, store and Temporal client to prepare and to send the
// raw baseline.
func startApp(ctx context.Context, cfg config.Config) (*app.App, error) {
	cfg.AdminPassword = password
	cfg.Addr = "127.0.0.1:0"
	cfg.TemporalPort = 0
	mode := app.ModeAll
	if !cfg.EmbeddedTemporal() {
		mode = app.ModeAPI
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return app.Start(ctx, app.Options{Config: cfg, Mode: mode, Logger: logger, Out: io.Discard})
}
