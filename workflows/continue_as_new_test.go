package workflows_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// What a problem owes when it continues as new, and must still do once in
// the next run: reminders not yet due (pending timers), reminders already
// sent (not again) and email or webhook sends not yet made.

const canLimit = 50

// continueAt makes the history reach the limit when the update c is
// accepted, a minute after the previous callback: the run applies c, then
// continues as new.
func (h *harness) continueAt(c domain.Command) *outcome {
	o := &outcome{onAccept: func() { h.env.SetCurrentHistoryLength(canLimit) }}
	h.later(func() { h.update("update-can", c, o) })
	return o
}

// nextRun is a harness for the run after one that ended at h's clock.
func nextRun(t *testing.T, ended time.Time) (*harness, *inbox) {
	h, box := newDeadlineHarness(t)
	h.env.SetStartTime(ended)
	return h, box
}

// runEnd is the workflow time the run of h continued as new.
func (h *harness) runEnd() time.Time { return h.env.Now() }

func TestContinueAsNewKeepsPendingTimers(t *testing.T) {
	h, box := newDeadlineHarness(t)
	before := stateAfter(t, atExecuting)
	can := h.continueAt(command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("x")))
	next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: before, HistoryLimit: canLimit})
	h.wantApplied("progress", can)
	if len(box.delivered) != 0 {
		t.Fatalf("the first run sent %v, nothing was due", box.keys(""))
	}
	ended := h.runEnd()
	if !ended.Before(due5.Add(-3 * 24 * time.Hour)) {
		t.Fatalf("first run ended at %v, after the warning fell due", ended)
	}

	// Measure 5's warning and overdue timers were pending when the run
	// ended: the next run arms them again from the state alone.
	h2, box2 := nextRun(t, ended)
	h2.until(due5.Add(time.Hour).Sub(ended))
	h2.runUntilCancelled(next)
	m5 := "p7:m5:deadline:"
	want := []struct {
		key string
		at  time.Time
	}{
		{m5 + "yellow:2026-03-31:0", due5.Add(-3 * 24 * time.Hour)},
		{m5 + "red:2026-03-31:0", due5},
	}
	var wantKeys []string
	for _, w := range want {
		wantKeys = append(wantKeys, w.key)
	}
	if got := box2.keys(""); !slices.Equal(got, wantKeys) {
		t.Fatalf("next run sent %v, want %v", got, wantKeys)
	}
	for _, w := range want {
		d, _ := box2.find(w.key)
		if lag := d.at.Sub(w.at); lag < 0 || lag > time.Minute {
			t.Errorf("%s sent at %v, due at %v", w.key, d.at, w.at)
		}
	}
}

func TestContinueAsNewKeepsSentReminders(t *testing.T) {
	warning := due5.Add(-3 * 24 * time.Hour)
	yellow := "p7:m5:deadline:yellow:2026-03-31:0"
	red := "p7:m5:deadline:red:2026-03-31:0"
	tests := []struct {
		name string
		// forget drops the sent keys from the next run's input: the check
		// that the test sees a duplicate when there is one.
		forget bool
		want   []string
	}{
		{"NotSentAgain", false, []string{red}},
		{"ForgottenKeysRepeat", true, []string{yellow, red}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, box := newDeadlineHarness(t)
			h.at = sinceTo(warning) // the warning is sent, then the run continues as new
			can := h.continueAt(command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("x")))
			next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: stateAfter(t, atExecuting), HistoryLimit: canLimit})
			h.wantApplied("progress", can)
			if got := box.keys(""); !slices.Equal(got, []string{yellow}) {
				t.Fatalf("first run sent %v, want the warning", got)
			}
			if !next.Sent[yellow] {
				t.Fatalf("next input's sent keys %v lack the warning", next.Sent)
			}
			if tc.forget {
				next.Sent = nil
			}

			// The warning is still in its window when the next run starts.
			ended := h.runEnd()
			h2, box2 := nextRun(t, ended)
			h2.until(due5.Add(time.Hour).Sub(ended))
			h2.runUntilCancelled(next)
			if got := box2.keys(""); !slices.Equal(got, tc.want) {
				t.Errorf("next run sent %v, want %v", got, tc.want)
			}
		})
	}
}

// postbox is a fake Notify that gives each notice two deliveries (email and
// webhook), and a fake Deliver that counts the sends.
type postbox struct {
	mu      sync.Mutex
	nextID  int64
	notices []string
	sends   map[int64]int
}

func (p *postbox) notify(_ context.Context, n domain.Notice) ([]int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notices = append(p.notices, n.Key)
	p.nextID += 2
	return []int64{p.nextID - 1, p.nextID}, nil
}

func (p *postbox) deliver(_ context.Context, in workflows.DeliverInput) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sends == nil {
		p.sends = map[int64]int{}
	}
	p.sends[in.DeliveryID]++
	return nil
}

func (p *postbox) register(h *harness) {
	h.env.RegisterActivityWithOptions(p.notify, activity.RegisterOptions{Name: workflows.NotifyActivity})
	h.env.RegisterActivityWithOptions(p.deliver, activity.RegisterOptions{Name: workflows.DeliverActivity})
}

func TestContinueAsNewKeepsTheOutbox(t *testing.T) {
	tests := []struct {
		name string
		// drop empties the next run's outbox: the check that the test sees
		// a lost send when there is one.
		drop bool
		want map[int64]int
	}{
		{"SentOnceInTheNextRun", false, map[int64]int{1: 1, 2: 1}},
		{"DroppedOutboxLosesSends", true, map[int64]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			box := &postbox{}
			box.register(h)
			// The urge is written to the inbox and queues its two sends; the
			// history reaches the limit before the main loop makes them.
			urge := h.continueAt(command(domain.ActionUrge, supervisor, text("请于本周内报送进展")))
			next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: stateAfter(t, atExecuting), HistoryLimit: canLimit})
			h.wantApplied("urge", urge)
			if len(box.notices) != 1 {
				t.Fatalf("first run wrote notices %v, want the urge", box.notices)
			}
			var carried []int64
			for _, d := range next.Outbox {
				carried = append(carried, d.DeliveryID)
			}
			if len(box.sends) != 0 || !slices.Equal(carried, []int64{1, 2}) {
				t.Fatalf("first run sent %v and carried %v, want nothing sent and both sends carried", box.sends, carried)
			}
			if next.Outbox[0].Notice.Kind != domain.NoticeUrge {
				t.Errorf("carried notice %+v", next.Outbox[0].Notice)
			}
			if tc.drop {
				next.Outbox = nil
			}

			h2 := newHarness(t)
			h2.env.SetStartTime(h.runEnd())
			box2 := &postbox{nextID: 100}
			box2.register(h2)
			h2.runUntilCancelled(next)
			if len(box2.notices) != 0 {
				t.Errorf("next run wrote notices %v again", box2.notices)
			}
			if box2.sends == nil {
				box2.sends = map[int64]int{}
			}
			if !maps.Equal(box2.sends, tc.want) {
				t.Errorf("next run sent %v, want %v", box2.sends, tc.want)
			}
		})
	}
}
