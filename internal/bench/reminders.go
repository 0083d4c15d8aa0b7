package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
)

// ReminderOptions configure the reminder-lag run.
type ReminderOptions struct {
	Config config.Config
	// Measures is how many acknowledgement windows close at about once.
	Measures int
	// AckWindow is the campaign's acknowledgement window; zero picks one
	// long enough for every plan of a batch to be approved (and, in the
	// restart batch, the process stopped) before the first window closes.
	AckWindow time.Duration
	// Target is the p95 lag the table checks against.
	Target time.Duration
	Out    io.Writer
}

// DefaultReminderTarget is the p95 lag a reminder should stay under.
const DefaultReminderTarget = 2 * time.Second

// defaultAckWindow allows about 30 ms per approval (8 at a time on a
// loaded two-core machine) on top of 10 s.
func defaultAckWindow(n int) time.Duration {
	return 10*time.Second + time.Duration(n)*30*time.Millisecond
}

// reminderWait bounds the wait for a batch of n reminders after its last
// window closed: a reminder later than this counts as missing. It grows
// with n, since a backlog drains at the engine's workflow-task rate
// (1,000 reminders: 2.5 min), so that the lags are not cut short.
func reminderWait(n int) time.Duration {
	return max(time.Minute, time.Duration(n)*150*time.Millisecond)
}

// RunReminders measures how long after an acknowledgement window closes
// the reminder is in the inbox, for Measures problems whose windows close
// together; then it stops the process before another batch's windows close,
// starts it again, and counts that each reminder arrived exactly once.
func RunReminders(ctx context.Context, opts ReminderOptions) error {
	if opts.AckWindow <= 0 {
		opts.AckWindow = defaultAckWindow(opts.Measures)
	}
	if opts.Target <= 0 {
		opts.Target = DefaultReminderTarget
	}
	a, err := startApp(ctx, opts.Config)
	if err != nil {
		return err
	}
	b := &bench{svc: a, out: opts.Out}
	if err := b.prepare(ctx, 0); err != nil {
		a.Close(context.Background())
		return err
	}
	fmt.Fprintf(opts.Out, "reminders: %d problems per batch, acknowledgement window %s\n", opts.Measures, opts.AckWindow)
	live, err := b.closeWindows(ctx, opts.Measures, opts.AckWindow)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	lags, missing, dups, err := b.awaitLags(ctx, live, latest(live).Add(reminderWait(len(live))))
	if err != nil {
		a.Close(context.Background())
		return err
	}
	b.lastLags = lags
	verdict := "met"
	if missing > 0 || percentile(lags, 95) > opts.Target {
		verdict = "MISSED"
	}
	fmt.Fprintf(opts.Out, "\nreminder lag: window closed → inbox row, %d acknowledgement windows closing within %.1fs of each other\n",
		len(live), latest(live).Sub(earliest(live)).Seconds())
	fmt.Fprintf(opts.Out, "%-22s | %9s %9s %9s | %7s %10s | %s\n", "batch", "p50", "p95", "max", "missing", "duplicates", "p95 ≤ "+ms(opts.Target))
	fmt.Fprintf(opts.Out, "%-22s | %9s %9s %9s | %7d %10d | %s\n", "running process",
		ms(percentile(lags, 50)), ms(percentile(lags, 95)), ms(percentile(lags, 100)), missing, dups, verdict)

	if !opts.Config.EmbeddedTemporal() {
		defer a.Close(context.Background())
		return b.bareBaseline(ctx, live, opts)
	}
	restartBatch, err := b.closeWindows(ctx, opts.Measures, opts.AckWindow)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	a.Close(context.Background()) // stopped before these windows close
	if stopped := time.Now(); stopped.After(earliest(restartBatch)) {
		fmt.Fprintf(opts.Out, "warning: the process stopped %s after the first window closed; raise --ack-window\n",
			stopped.Sub(earliest(restartBatch)).Round(time.Millisecond))
	}
	time.Sleep(time.Until(latest(restartBatch).Add(time.Second)))
	restarted := time.Now()
	if a, err = startApp(ctx, opts.Config); err != nil {
		return err
	}
	defer a.Close(context.Background())
	b.svc = a
	lags, missing, dups, err = b.awaitLags(ctx, restartBatch, restarted.Add(reminderWait(len(restartBatch))))
	if err != nil {
		return err
	}
	afterRestart := sub(lags, restarted.Sub(latest(restartBatch)))
	fmt.Fprintf(opts.Out, "%-22s | %9s %9s %9s | %7d %10d | (windows closed while stopped; restarted %s after the last; lag from restart)\n",
		"across a restart", ms(percentile(afterRestart, 50)), ms(percentile(afterRestart, 95)), ms(percentile(afterRestart, 100)),
		missing, dups, restarted.Sub(latest(restartBatch)).Round(time.Millisecond))
	return nil
}

// closeWindows creates n problems in a new campaign with the given
// acknowledgement window, submits their plans, then approves them all as
// fast as the server takes it (the approvals open the windows, so they are
// sent together to make the windows close together); it returns when each
// window closes, by problem ID.
func (b *bench) closeWindows(ctx context.Context, n int, window time.Duration) (map[int64]time.Time, error) {
	svc := b.svc.Service()
	admin := domain.User{ID: 1, Username: "admin", Role: domain.RoleAdmin}
	c, err := svc.CreateCampaign(ctx, admin, domain.Campaign{Title: "reminder lag", Policy: domain.Policy{AckWindow: window}})
	if err != nil {
		return nil, err
	}
	b.campaign = c.ID
	ids := make([]int64, n)
	err = parallel(n, importParallelism, func(i int) error {
		p, err := b.newProblem(ctx, i)
		if err != nil {
			return err
		}
		ids[i] = p.ID
		_, err = svc.Act(ctx, p.ID, domain.Command{Action: domain.ActionSubmitPlan, RequestID: fmt.Sprintf("lag-plan-%d", p.ID), Actor: b.leader.Actor(), Plan: b.plan()})
		return err
	})
	if err != nil {
		return nil, err
	}
	closesAt := make([]time.Time, n)
	err = parallel(n, 8, func(i int) error {
		p, err := svc.Act(ctx, ids[i], domain.Command{Action: domain.ActionApprovePlan, RequestID: fmt.Sprintf("lag-approve-%d", ids[i]), Actor: b.leader2.Actor()})
		closesAt[i] = p.StageSince.Add(window)
		return err
	})
	if err != nil {
		return nil, err
	}
	closes := make(map[int64]time.Time, n)
	for i, id := range ids {
		closes[id] = closesAt[i]
	}
	return closes, nil
}

// awaitLags polls until every problem in closes has its reminder or until
// giveUp, then returns the lags as lags does. A poll is one query, so that
// polling hardly loads the store it waits on.
func (b *bench) awaitLags(ctx context.Context, closes map[int64]time.Time, giveUp time.Time) ([]time.Duration, int, int, error) {
	ids := make([]int64, 0, len(closes))
	for id := range closes {
		ids = append(ids, id)
	}
	time.Sleep(time.Until(latest(closes)))
	for time.Now().Before(giveUp) {
		first, err := b.svc.Store().FirstNoticeTimes(ctx, domain.NoticeAckOverdue, ids)
		if err != nil {
			return nil, 0, 0, err
		}
		if len(first) == len(ids) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, 0, 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return b.lags(ctx, closes)
}

// lags returns, per problem, inbox row time minus window close, and how
// many problems have no reminder or more than one.
func (b *bench) lags(ctx context.Context, closes map[int64]time.Time) (lags []time.Duration, missing, dups int, err error) {
	st := b.svc.Store()
	ids := make([]int64, 0, len(closes))
	for id := range closes {
		ids = append(ids, id)
	}
	first, err := st.FirstNoticeTimes(ctx, domain.NoticeAckOverdue, ids)
	if err != nil {
		return nil, 0, 0, err
	}
	for id, closed := range closes {
		t, ok := first[id]
		if !ok {
			missing++
			continue
		}
		lags = append(lags, t.Sub(closed))
		n, err := st.CountNotifications(ctx, fmt.Sprintf("p%d:m1:ack:red:%s:0", id, closed.UTC().Format(time.RFC3339)))
		if err != nil {
			return nil, 0, 0, err
		}
		if n > 1 {
			dups += int(n) - 1
		}
	}
	return lags, missing, dups, nil
}

func latest(m map[int64]time.Time) (t time.Time) {
	for _, v := range m {
		if v.After(t) {
			t = v
		}
	}
	return t
}

func earliest(m map[int64]time.Time) (t time.Time) {
	for _, v := range m {
		if t.IsZero() || v.Before(t) {
			t = v
		}
	}
	return t
}

func sub(ds []time.Duration, d time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, v := range ds {
		out[i] = v - d
	}
	return out
}

// bareBaseline is the reminder lag's baseline on a cluster, from the same
// run and server: as many bare workflows (a timer, then a local activity;
// their worker in this process) whose instants are spread as the batch's
// windows closed, the first an acknowledgement window from now. On a
// cluster the restart row is left out: its processes are the cluster's.
func (b *bench) bareBaseline(ctx context.Context, live map[int64]time.Time, opts ReminderOptions) error {
	first := earliest(live)
	offsets := make([]time.Duration, 0, len(live))
	for _, t := range live {
		offsets = append(offsets, t.Sub(first))
	}
	lags, missing, err := runBareTimers(ctx, b.svc.Service().Temporal, time.Now().Add(opts.AckWindow), offsets, reminderWait(len(offsets)))
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "%-22s | %9s %9s %9s | %7d %10s | (same instants' spread, same server)\n", "bare engine (baseline)",
		ms(percentile(lags, 50)), ms(percentile(lags, 95)), ms(percentile(lags, 100)), missing, "-")
	if p := percentile(lags, 95); p > 0 {
		fmt.Fprintf(opts.Out, "ratio to the bare engine: p50 %.2f, p95 %.2f\n",
			float64(percentile(b.lastLags, 50))/float64(percentile(lags, 50)), float64(percentile(b.lastLags, 95))/float64(p))
	}
	return nil
}
