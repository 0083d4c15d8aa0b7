package bench

import (
	"bytes"
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/config"
)

// The benchmarks at tiny sizes, each on its own fresh target, so that CI
// proves `rectify-bench` runs and prints its tables: the figures are not
// checked, what the tables say happened is.

func smokeConfig() config.Config {
	return config.Config{TemporalNamespace: "rectify", TokenTTL: time.Hour, EvidenceMaxBytes: 1 << 20}
}

// onTarget runs fn on a fresh target of store and returns what it printed.
func onTarget(t *testing.T, store string, fn func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	target, err := NewTarget(ctx, smokeConfig(), store, DefaultPostgresServer, false, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = fn(ctx, target.Config, &out)
	if closeErr := target.Close(&out); closeErr != nil {
		t.Errorf("close target: %v", closeErr)
	}
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	t.Logf("output:\n%s", out.String())
	return out.String()
}

// mustMatch returns the submatches of pattern in out, failing without.
func mustMatch(t *testing.T, out, pattern string) []string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output has no match for %s:\n%s", pattern, out)
	}
	return m
}

func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded Temporal server several times")
	}
	t.Run("signoff", func(t *testing.T) {
		out := onTarget(t, StoreSQLite, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
			return Run(ctx, Options{Config: cfg, Levels: []int{1, 2}, Segment: 300 * time.Millisecond, Rounds: 1, Problems: 4, Out: out})
		})
		for _, level := range []string{"1", "2"} {
			// Both sides completed sign-offs at this level: op/s above zero.
			mustMatch(t, out, `(?m)^\s+`+level+` \|\s+[1-9][0-9.]* .*\|\s+[1-9][0-9.]* `)
		}
		if strings.Contains(out, "errors:") {
			t.Errorf("sign-offs failed:\n%s", out)
		}
	})
	t.Run("bulk", func(t *testing.T) {
		out := onTarget(t, StoreSQLite, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
			return RunBulk(ctx, BulkOptions{Config: cfg, Problems: 20, Out: out})
		})
		mustMatch(t, out, `raw ExecuteWorkflow .*\|\s+20 \|`)
		mustMatch(t, out, `import service .*\|\s+20 \|`)
		mustMatch(t, out, `import / raw wall time: [0-9.]+×`)
	})
	t.Run("reads", func(t *testing.T) {
		stores := []string{StoreSQLite}
		if postgresReachable() {
			stores = append(stores, StorePostgres)
		} else {
			t.Log("PostgreSQL not reachable: read side on SQLite only")
		}
		for _, store := range stores {
			out := onTarget(t, store, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
				return RunReads(ctx, ReadOptions{Config: cfg, Problems: 20, Iterations: 5, Out: out})
			})
			mustMatch(t, out, `read side on `+store+`: 20 open problems, 80 measures`)
			// The unfiltered list reports every seeded problem as its total;
			// the stats count them all.
			mustMatch(t, out, `list: page 1 \+ total\s+\|\s+20 \|`)
			mustMatch(t, out, `dashboard stats\s+\|\s+20 \|`)
			filtered := mustMatch(t, out, `list: execute, red, one unit\s+\|\s+(\d+) \|`)
			if filtered[1] == "20" {
				t.Errorf("the filtered list matched every problem:\n%s", out)
			}
		}
	})
	t.Run("reminders", func(t *testing.T) {
		out := onTarget(t, StoreSQLite, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
			return RunReminders(ctx, ReminderOptions{Config: cfg, Measures: 10, AckWindow: 4 * time.Second, Out: out})
		})
		mustMatch(t, out, `10 acknowledgement windows closing`)
		// Every reminder arrived, once, in the running process and across
		// the restart.
		mustMatch(t, out, `running process\s+\|[^|]+\|\s+0\s+0 \|`)
		mustMatch(t, out, `across a restart\s+\|[^|]+\|\s+0\s+0 \|`)
		if strings.Contains(out, "warning:") {
			t.Errorf("the restart batch's windows closed before the stop:\n%s", out)
		}
	})
	t.Run("bare timers", func(t *testing.T) {
		// The cluster's reminder baseline, here on the embedded server: every
		// timer fires its local activity once, none before its instant.
		onTarget(t, StoreSQLite, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
			a, err := startApp(ctx, cfg)
			if err != nil {
				return err
			}
			defer a.Close(context.Background())
			offsets := []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond, time.Second}
			lags, missing, err := runBareTimers(ctx, a.Service().Temporal, time.Now().Add(3*time.Second), offsets, 30*time.Second)
			if err != nil {
				return err
			}
			if missing != 0 || len(lags) != len(offsets) {
				t.Errorf("fired %d of %d (missing %d)", len(lags), len(offsets), missing)
			}
			for _, lag := range lags {
				if lag < 0 {
					t.Errorf("a timer fired %s before its instant", -lag)
				}
			}
			return nil
		})
	})
	t.Run("rss", func(t *testing.T) {
		out := onTarget(t, StoreSQLite, func(ctx context.Context, cfg config.Config, out *bytes.Buffer) error {
			return RunRSS(ctx, RSSOptions{Config: cfg, Problems: 20, Batch: 10, Settle: 100 * time.Millisecond, Out: out})
		})
		mustMatch(t, out, `baseline: 0 problems, just started\s+\|\s+[1-9][0-9.]* MB`)
		mustMatch(t, out, `20 open problems\s+\|\s+[1-9][0-9.]* MB`)
		mustMatch(t, out, `20 problems imported in`)
	})
}

func TestRebind(t *testing.T) {
	got := rebind("a = ? AND b IN (SELECT c FROM d WHERE e = ?)", true)
	if want := "a = $1 AND b IN (SELECT c FROM d WHERE e = $2)"; got != want {
		t.Errorf("rebind = %q, want %q", got, want)
	}
	if got := rebind("a = ?", false); got != "a = ?" {
		t.Errorf("rebind for SQLite changed the query: %q", got)
	}
}

func TestPercentile(t *testing.T) {
	lat := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for p, want := range map[int]time.Duration{50: 5, 95: 10, 100: 10, 10: 1} {
		if got := percentile(lat, p); got != want {
			t.Errorf("percentile(%d) = %d, want %d", p, got, want)
		}
	}
}

func postgresReachable() bool {
	db, err := sql.Open("pgx", DefaultPostgresServer)
	if err != nil {
		return false
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx) == nil
}
