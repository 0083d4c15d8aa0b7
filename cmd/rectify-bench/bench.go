package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/rectify/rectify/internal/bench"
	"github.com/rectify/rectify/internal/config"
)

// runBench runs the benchmarks BENCHMARKS.md describes, each on a fresh
// data directory (and, on PostgreSQL, a fresh database), each figure
// beside its baseline from the same run:
//
//	rectify-bench                       sign-off path (raw Update vs HTTP)
//	rectify-bench --bulk 1000           bulk start: import vs raw workflow starts
//	rectify-bench --reads 10000         list and dashboard queries vs bare SELECT
//	rectify-bench --reminders 1000      reminder lag at simultaneous deadlines
//	rectify-bench --rss 10000           RSS at open problems vs just started
//	rectify-bench --all                 all of them with the sizes above
func runBench(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	all := fs.Bool("all", false, "run every benchmark in sequence (sizes from the flags below, defaults when unset)")
	signoff := fs.Bool("signoff", false, "run the sign-off benchmark (the default when no other is named)")
	levels := fs.String("levels", "1,16,64", "sign-off: concurrent clients, comma-separated")
	segment := fs.Duration("segment", 4*time.Second, "sign-off: length of each measured segment")
	rounds := fs.Int("rounds", 2, "sign-off: rounds of (raw, HTTP, HTTP, raw) segments per level")
	problems := fs.Int("problems", 64, "sign-off: warm problems the sign-offs spread over")
	cold := fs.Int("cold", 20, "sign-off: problems for the fresh-workflow comparison (0 to skip)")
	bulk := fs.Int("bulk", 0, "bulk start: problems imported, and as many raw workflow starts (--all: 1000)")
	reads := fs.Int("reads", 0, "read side: open problems seeded, 4 measures each (--all: 10000)")
	iterations := fs.Int("iterations", 200, "read side: runs of each query on each path")
	reminders := fs.Int("reminders", 0, "reminder lag: simultaneous acknowledgement deadlines, then again across a restart (--all: 1000)")
	ackWindow := fs.Duration("ack-window", 0, "reminder lag: acknowledgement window (default 10s + 30ms per problem)")
	rss := fs.Int("rss", 0, "RSS: open problems (real workflows, imported in batches) (--all: 10000)")
	rssBatch := fs.Int("rss-batch", 1000, "RSS: problems per import")
	settle := fs.Duration("settle", 10*time.Second, "RSS: idle time before each reading")
	rssDir := fs.String("rss-dir", "", "RSS: data directory to run in and keep (with its database on postgres); a rerun continues the import there")
	stores := fs.String("store", "", "read-model stores to run on, comma-separated: sqlite, postgres (default: sqlite,postgres for --reads and --all, else postgres when DATABASE_URL is set, else sqlite)")
	pgServer := fs.String("postgres-server", "", "PostgreSQL server on which each run creates (and drops) a database rectify_bench_* (default: DATABASE_URL's server, else "+bench.DefaultPostgresServer+")")
	keep := fs.Bool("keep", false, "keep each run's data directory and database, and print where they are")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	workflowCache := fs.Int("workflow-cache", 0, "open workflows kept in memory by the worker and the embedded server (default RECTIFY_WORKFLOW_CACHE, 1000), to measure memory against replays")
	temporalAddr := fs.String("temporal", "", "run on a cluster (deploy/local/up): its Temporal frontend HOST:PORT; the raw baselines go to it, the cluster's workers run the workflows (sign-off and reminders only)")
	apiURL := fs.String("api", "", "with --temporal: the cluster's HTTP front (e.g. http://127.0.0.1:17080, nginx) for the sign-off's HTTP side")
	clusterDB := fs.String("cluster-database", "", "with --temporal: the cluster's Rectify database (default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/rectify_local)")
	memProfile := fs.String("memprofile", "", "RSS: write a heap profile of the loaded process to this file (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: rectify-bench [--all] [--signoff] [--bulk N] [--reads N] [--reminders N] [--rss N] [flags]  (see BENCHMARKS.md)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return commandLineError{err}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return commandLineError{fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))}
	}
	var lv []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("bench: bad level %q", s)
		}
		lv = append(lv, n)
	}
	if *all {
		*signoff = true
		*bulk = orDefault(*bulk, 1000)
		*reads = orDefault(*reads, 10000)
		*reminders = orDefault(*reminders, 1000)
		*rss = orDefault(*rss, 10000)
	}
	if !*signoff && *bulk == 0 && *reads == 0 && *reminders == 0 && *rss == 0 {
		*signoff = true
	}
	if cfg.TemporalAddress != "" && *temporalAddr == "" {
		return errors.New("bench: the benchmarks run the all-in-one process with its embedded Temporal server; unset TEMPORAL_ADDRESS (or name a cluster with --temporal)")
	}
	cluster := *temporalAddr != ""
	if cluster {
		if *apiURL == "" {
			return commandLineError{errors.New("bench: --temporal needs --api, the cluster's HTTP front")}
		}
		if *bulk > 0 || *reads > 0 || *rss > 0 {
			return commandLineError{errors.New("bench: on a cluster only the sign-off and --reminders run")}
		}
		if *clusterDB == "" {
			*clusterDB = cfg.DatabaseURL
		}
		if *clusterDB == "" {
			*clusterDB = "postgres://postgres@127.0.0.1:5432/rectify_local?sslmode=disable"
		}
		*stores = bench.StoreCluster
	}
	storeList := *stores
	if storeList == "" {
		switch {
		case *all || (*reads > 0 && !*signoff && *bulk == 0 && *reminders == 0 && *rss == 0):
			storeList = bench.StoreSQLite + "," + bench.StorePostgres
		case cfg.DatabaseURL != "":
			storeList = bench.StorePostgres
		default:
			storeList = bench.StoreSQLite
		}
	}
	if *workflowCache > 0 {
		cfg.WorkflowCacheSize = *workflowCache
	}
	// The SDK reads it once, when the first worker starts.
	worker.SetStickyWorkflowCacheSize(cfg.WorkflowCacheSize)
	fmt.Fprintf(stdout, "workflow cache (worker and embedded server): %d\n", cfg.WorkflowCacheSize)
	server := *pgServer
	if server == "" {
		server = bench.PostgresServer(cfg.DatabaseURL)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	type benchmark struct {
		name string
		dir  string // a data directory to reuse; "" for a fresh one
		run  func(cfg config.Config) error
	}
	var runs []benchmark
	if *signoff {
		runs = append(runs, benchmark{"sign-off", "", func(c config.Config) error {
			return bench.Run(ctx, bench.Options{Config: c, Levels: lv, Segment: *segment, Rounds: *rounds, Problems: *problems, Cold: *cold, API: *apiURL, Out: stdout})
		}})
	}
	if *bulk > 0 {
		runs = append(runs, benchmark{"bulk start", "", func(c config.Config) error {
			return bench.RunBulk(ctx, bench.BulkOptions{Config: c, Problems: *bulk, Out: stdout})
		}})
	}
	if *reads > 0 {
		runs = append(runs, benchmark{"read side", "", func(c config.Config) error {
			return bench.RunReads(ctx, bench.ReadOptions{Config: c, Problems: *reads, Iterations: *iterations, Out: stdout})
		}})
	}
	if *reminders > 0 {
		runs = append(runs, benchmark{"reminder lag", "", func(c config.Config) error {
			return bench.RunReminders(ctx, bench.ReminderOptions{Config: c, Measures: *reminders, AckWindow: *ackWindow, Out: stdout})
		}})
	}
	if *rss > 0 {
		runs = append(runs, benchmark{"RSS", *rssDir, func(c config.Config) error {
			return bench.RunRSS(ctx, bench.RSSOptions{Config: c, Problems: *rss, Batch: *rssBatch, Settle: *settle, HeapProfile: *memProfile, Out: stdout})
		}})
	}
	for _, r := range runs {
		for _, store := range strings.Split(storeList, ",") {
			dir := r.dir
			if dir != "" {
				dir = filepath.Join(dir, strings.TrimSpace(store))
			}
			var err error
			if cluster {
				err = runOnCluster(ctx, *cfg, *temporalAddr, *clusterDB, r.name, r.run, stdout)
			} else {
				err = runOn(ctx, *cfg, strings.TrimSpace(store), server, *keep, dir, r.name, r.run, stdout)
			}
			if err != nil {
				return fmt.Errorf("bench %s on %s: %w", r.name, store, err)
			}
		}
	}
	return nil
}

// runOn runs one benchmark on a fresh target and removes it afterwards.
func runOn(ctx context.Context, cfg config.Config, store, server string, keep bool, dir string, name string, run func(config.Config) error, stdout io.Writer) error {
	t, err := bench.NewTarget(ctx, cfg, store, server, keep, dir)
	if err != nil {
		return err
	}
	started := time.Now()
	fmt.Fprintf(stdout, "\n=== %s — %s, temporal embedded (SQLite file), %s\n", name, t.Describe(), started.UTC().Format(time.RFC3339))
	err = run(t.Config)
	fmt.Fprintf(stdout, "=== %s on %s took %s\n", name, store, time.Since(started).Round(time.Second))
	if closeErr := t.Close(stdout); err == nil {
		err = closeErr
	}
	return err
}

// runOnCluster runs one benchmark against a running cluster.
func runOnCluster(ctx context.Context, cfg config.Config, temporalAddr, databaseURL, name string, run func(config.Config) error, stdout io.Writer) error {
	t, err := bench.NewClusterTarget(cfg, temporalAddr, databaseURL)
	if err != nil {
		return err
	}
	started := time.Now()
	fmt.Fprintf(stdout, "\n=== %s — %s, %s\n", name, t.Describe(), started.UTC().Format(time.RFC3339))
	err = run(t.Config)
	fmt.Fprintf(stdout, "=== %s on the cluster took %s\n", name, time.Since(started).Round(time.Second))
	if closeErr := t.Close(stdout); err == nil {
		err = closeErr
	}
	return err
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}
