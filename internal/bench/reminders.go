package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
)

// ReminderOptions configure the reminder-lag run.
type ReminderOptions struct {
	Config config.Config
	// Measures is how many acknowledgement windows close at about once.
	Measures int
	Out      io.Writer
}

const ackWindow = 10 * time.Second

// RunReminders measures how long after an acknowledgement window closes
// the reminder is in the inbox, for Measures problems whose windows close
// together; then it stops the process before another batch's windows close,
// starts it again, and counts that each reminder arrived exactly once.
func RunReminders(ctx context.Context, opts ReminderOptions) error {
	cfg := opts.Config
	cfg.AdminPassword = password
	cfg.Addr = "127.0.0.1:0"
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() (*app.App, error) {
		return app.Start(ctx, app.Options{Config: cfg, Mode: app.ModeAll, Logger: logger, Out: io.Discard})
	}
	a, err := start()
	if err != nil {
		return err
	}
	b := &bench{svc: a, out: opts.Out}
	if err := b.prepare(ctx, 0); err != nil {
		a.Close(context.Background())
		return err
	}
	live, err := b.closeWindows(ctx, opts.Measures)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	time.Sleep(time.Until(latest(live).Add(5 * time.Second)))
	lags, missing, dups, err := b.lags(ctx, live)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	fmt.Fprintf(opts.Out, "\nreminder lag, %d acknowledgement windows closing within %.1fs of each other:\n",
		len(live), latest(live).Sub(earliest(live)).Seconds())
	fmt.Fprintf(opts.Out, "  window closed → inbox row: p50 %s  p95 %s  max %s  (missing %d, duplicates %d)\n",
		ms(percentile(lags, 50)), ms(percentile(lags, 95)), ms(percentile(lags, 100)), missing, dups)

	restartBatch, err := b.closeWindows(ctx, opts.Measures)
	if err != nil {
		a.Close(context.Background())
		return err
	}
	a.Close(context.Background()) // stopped before these windows close
	time.Sleep(time.Until(latest(restartBatch).Add(time.Second)))
	restarted := time.Now()
	if a, err = start(); err != nil {
		return err
	}
	defer a.Close(context.Background())
	b.svc = a
	time.Sleep(10 * time.Second)
	lags, missing, dups, err = b.lags(ctx, restartBatch)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "across a restart (windows closed while stopped; restarted %s later):\n",
		restarted.Sub(latest(restartBatch)).Round(time.Millisecond))
	fmt.Fprintf(opts.Out, "  restart → inbox row: p50 %s  max %s  (missing %d, duplicates %d)\n",
		ms(percentile(sub(lags, restarted.Sub(latest(restartBatch))), 50)),
		ms(percentile(sub(lags, restarted.Sub(latest(restartBatch))), 100)), missing, dups)
	return nil
}

// closeWindows creates n problems in a campaign with a 10 s
// acknowledgement window and approves their plans; it returns when each
// window closes, by problem ID.
func (b *bench) closeWindows(ctx context.Context, n int) (map[int64]time.Time, error) {
	svc := b.svc.Service()
	admin := domain.User{ID: 1, Username: "admin", Role: domain.RoleAdmin}
	c, err := svc.CreateCampaign(ctx, admin, domain.Campaign{Title: "reminder lag", Policy: domain.Policy{AckWindow: ackWindow}})
	if err != nil {
		return nil, err
	}
	b.campaign = c.ID
	closes := map[int64]time.Time{}
	ids := make([]int64, n)
	for i := range ids {
		p, err := b.newProblem(ctx, i)
		if err != nil {
			return nil, err
		}
		ids[i] = p.ID
		if _, err := svc.Act(ctx, p.ID, domain.Command{Action: domain.ActionSubmitPlan, RequestID: fmt.Sprintf("lag-plan-%d", p.ID), Actor: b.leader.Actor(), Plan: b.plan()}); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		p, err := svc.Act(ctx, id, domain.Command{Action: domain.ActionApprovePlan, RequestID: fmt.Sprintf("lag-approve-%d", id), Actor: b.leader2.Actor()})
		if err != nil {
			return nil, err
		}
		closes[id] = p.StageSince.Add(ackWindow)
	}
	return closes, nil
}

// lags returns, per problem, inbox row time minus window close, and how
// many problems have no reminder or more than one.
func (b *bench) lags(ctx context.Context, closes map[int64]time.Time) (lags []time.Duration, missing, dups int, err error) {
	st := b.svc.Service().Store
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
