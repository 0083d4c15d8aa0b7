package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
)

// RSSOptions configure the memory run.
type RSSOptions struct {
	Config config.Config
	// Problems is how many open problems (running workflows) to reach.
	Problems int
	// Batch is how many problems one import brings in.
	Batch int
	// Settle is how long the process idles before each reading.
	Settle time.Duration
	// Target is the RSS the table checks the loaded process against.
	Target uint64
	// HeapProfile, when set, names the file the loaded reading's heap
	// profile is written to (go tool pprof -sample_index=inuse_space).
	HeapProfile string
	Out         io.Writer
}

// DefaultRSSTarget is the resident memory the all-in-one process should
// stay under at 10,000 open problems.
const DefaultRSSTarget = 500 << 20

// rssCampaignTitle names the campaign the run fills, so that a run on a
// kept data directory continues where an interrupted one stopped.
const rssCampaignTitle = "RSS benchmark"

// RunRSS reads this process's resident memory (it is the all-in-one
// process: HTTP, worker and embedded Temporal) right after start, then
// imports ledgers until Problems problems run their workflows (each with a
// submitted plan), and reads it again; each reading after a GC and Settle
// of idling. On a kept data directory (--keep --data-dir) it continues from
// the problems already there.
func RunRSS(ctx context.Context, opts RSSOptions) error {
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if opts.Target == 0 {
		opts.Target = DefaultRSSTarget
	}
	a, err := startApp(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	b := &bench{svc: a, out: opts.Out}
	if err := b.prepareRSS(ctx); err != nil {
		return err
	}
	existing, err := a.Store().CampaignProblemsByNumber(ctx, b.campaign)
	if err != nil {
		return err
	}
	have := len(existing)
	base, err := settledMemory(ctx, opts.Settle)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "baseline with %d problems: RSS %s, peak %s, Go heap %s\n", have, mb(base.rss), mb(base.hwm), mb(base.heap))
	units, err := b.ensureUnits(ctx, 8)
	if err != nil {
		return err
	}
	start := time.Now()
	for have < opts.Problems {
		n := min(opts.Batch, opts.Problems-have)
		if err := b.importLedger(ctx, units, have+1, n); err != nil {
			return fmt.Errorf("import problems %d–%d (run again with --keep --data-dir to continue): %w", have+1, have+n, err)
		}
		have += n
		rss, _ := readStatus("VmRSS")
		rate := float64(have-len(existing)) / time.Since(start).Seconds()
		eta := time.Duration(float64(opts.Problems-have) / rate * float64(time.Second))
		fmt.Fprintf(opts.Out, "  %6d/%d problems, %.1f/s, RSS %s, about %s to go\n", have, opts.Problems, rate, mb(rss), eta.Round(time.Second))
	}
	loaded, err := settledMemory(ctx, opts.Settle)
	if err != nil {
		return err
	}
	if opts.HeapProfile != "" {
		if err := writeHeapProfile(opts.HeapProfile); err != nil {
			return err
		}
	}
	verdict := "met"
	if loaded.rss > opts.Target {
		verdict = "MISSED"
	}
	fmt.Fprintf(opts.Out, "\nRSS of the all-in-one process (after GC and %s idle)\n", opts.Settle)
	fmt.Fprintf(opts.Out, "%-34s | %10s | %10s | %10s | %10s\n", "state", "VmRSS", "VmHWM", "Go heap", "goroutines")
	fmt.Fprintf(opts.Out, "%-34s | %10s | %10s | %10s | %10d\n", fmt.Sprintf("baseline: %d problems, just started", len(existing)), mb(base.rss), mb(base.hwm), mb(base.heap), base.goroutines)
	fmt.Fprintf(opts.Out, "%-34s | %10s | %10s | %10s | %10d\n", fmt.Sprintf("%d open problems", have), mb(loaded.rss), mb(loaded.hwm), mb(loaded.heap), loaded.goroutines)
	fmt.Fprintf(opts.Out, "growth %s (%.1f KB per problem); target RSS ≤ %s: %s; %d problems imported in %s\n",
		mb(loaded.rss-min(base.rss, loaded.rss)), float64(loaded.rss-min(base.rss, loaded.rss))/1024/float64(max(have-len(existing), 1)),
		mb(opts.Target), verdict, have-len(existing), time.Since(start).Round(time.Second))
	return nil
}

// prepareRSS is prepare without a new campaign: it reuses the RSS
// campaign of an earlier run.
func (b *bench) prepareRSS(ctx context.Context) error {
	if err := b.prepareUsers(ctx); err != nil {
		return err
	}
	svc := b.svc.Service()
	campaigns, err := svc.Campaigns(ctx)
	if err != nil {
		return err
	}
	for _, c := range campaigns {
		if c.Title == rssCampaignTitle {
			b.campaign = c.ID
			return nil
		}
	}
	admin := domain.User{ID: 1, Username: "admin", Role: domain.RoleAdmin}
	c, err := svc.CreateCampaign(ctx, admin, domain.Campaign{Title: rssCampaignTitle})
	b.campaign = c.ID
	return err
}

type memory struct {
	rss, hwm, heap uint64
	goroutines     int
}

// settledMemory idles for settle, collects garbage and returns what the
// kernel and the Go runtime say.
func settledMemory(ctx context.Context, settle time.Duration) (memory, error) {
	select {
	case <-ctx.Done():
		return memory{}, ctx.Err()
	case <-time.After(settle):
	}
	runtime.GC()
	debug.FreeOSMemory()
	var m memory
	var err error
	if m.rss, err = readStatus("VmRSS"); err != nil {
		return m, err
	}
	if m.hwm, err = readStatus("VmHWM"); err != nil {
		return m, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.heap, m.goroutines = ms.HeapInuse, runtime.NumGoroutine()
	return m, nil
}

func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readStatus returns a size field of /proc/self/status in bytes.
func readStatus(field string) (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("read memory: %w (Linux only)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/self/status %s: %w", field, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/self/status has no %s", field)
}

func mb(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
