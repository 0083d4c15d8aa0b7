package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/bench"
	"github.com/rectify/rectify/internal/config"
)

// runBench measures raw Updates against the HTTP sign-off path on a fresh
// embedded server (or the configured one) in one run.
func runBench(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	levels := fs.String("levels", "1,4,16", "concurrent clients, comma-separated")
	segment := fs.Duration("segment", 4*time.Second, "length of each measured segment")
	rounds := fs.Int("rounds", 2, "rounds of (raw, HTTP, HTTP, raw) segments per level")
	problems := fs.Int("problems", 64, "warm problems the sign-offs spread over")
	cold := fs.Int("cold", 20, "problems for the fresh-workflow comparison (0 to skip)")
	keep := fs.Bool("keep", false, "keep the data directory (default: a fresh temporary one)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	reminders := fs.Int("reminders", 0, "instead: measure reminder lag over this many simultaneous deadlines, and across a restart")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lv []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("bench: bad level %q", s)
		}
		lv = append(lv, n)
	}
	if !*keep && cfg.EmbeddedTemporal() {
		dir, err := os.MkdirTemp("", "rectify-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	cfg.TemporalPort = 0
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
	fmt.Fprintf(stdout, "rectify bench: data dir %s, store %s, temporal %s\n", cfg.DataDir, config.MaskURL(cfg.DatabaseURL), orEmbedded(cfg.TemporalAddress))
	if *reminders > 0 {
		return bench.RunReminders(ctx, bench.ReminderOptions{Config: *cfg, Measures: *reminders, Out: stdout})
	}
	return bench.Run(ctx, bench.Options{Config: *cfg, Levels: lv, Segment: *segment, Rounds: *rounds, Problems: *problems, Cold: *cold, Out: stdout})
}

func orEmbedded(s string) string {
	if s == "" {
		return "embedded (SQLite file)"
	}
	return s
}
