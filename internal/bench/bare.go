package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// bareTimerWorkflowName is the baseline workflow of the reminder lag: a
// timer to one instant, then one local activity — the engine's part of a
// reminder without Rectify's (no store, no domain, no notification).
const bareTimerWorkflowName = "RectifyBenchBareTimer"

// bareTimers is the bare engine's reminder: workflows sleeping to given
// instants, each then running a local activity that notes when it ran.
type bareTimers struct {
	mu    sync.Mutex
	fired map[string]time.Time
}

func bareTimerWorkflow(ctx workflow.Context, at time.Time) error {
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return err
		}
	}
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	return workflow.ExecuteLocalActivity(ctx, bareTimerActivityName, workflow.GetInfo(ctx).WorkflowExecution.ID).Get(ctx, nil)
}

const bareTimerActivityName = "RectifyBenchBareFired"

// fire notes the first time the local activity of workflow id ran.
func (b *bareTimers) fire(_ context.Context, id string) error {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.fired[id]; !ok {
		b.fired[id] = now
	}
	return nil
}

// runBareTimers starts, on tc's server, one workflow per offset, each
// sleeping to first+offset, runs their worker in this process on a task
// queue of its own, and returns each workflow's lag from its instant to its
// local activity; the ones not fired by first+latest offset+wait count as
// missing.
func runBareTimers(ctx context.Context, tc client.Client, first time.Time, offsets []time.Duration, wait time.Duration) ([]time.Duration, int, error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	run := hex.EncodeToString(suffix)
	queue := "rectify-bench-bare-" + run
	b := &bareTimers{fired: map[string]time.Time{}}
	// The options of the cluster's workers (internal/app workerOptions),
	// with as many workflow-task pollers as its two workers have together.
	w := worker.New(tc, queue, worker.Options{StickyScheduleToStartTimeout: time.Second, MaxConcurrentWorkflowTaskPollers: 4})
	w.RegisterWorkflowWithOptions(bareTimerWorkflow, workflow.RegisterOptions{Name: bareTimerWorkflowName})
	w.RegisterActivityWithOptions(b.fire, activity.RegisterOptions{Name: bareTimerActivityName})
	if err := w.Start(); err != nil {
		return nil, 0, err
	}
	defer w.Stop()
	due := make(map[string]time.Time, len(offsets))
	ids := make([]string, len(offsets))
	var last time.Time
	for i, off := range offsets {
		ids[i] = fmt.Sprintf("bench-bare-%s-%d", run, i)
		due[ids[i]] = first.Add(off)
		if due[ids[i]].After(last) {
			last = due[ids[i]]
		}
	}
	err := parallel(len(offsets), importParallelism, func(i int) error {
		_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: ids[i], TaskQueue: queue}, bareTimerWorkflowName, due[ids[i]])
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if started := time.Now(); started.After(first) {
		return nil, 0, fmt.Errorf("bench: starting %d bare timers took until %s after the first was due; raise --ack-window", len(offsets), started.Sub(first).Round(time.Millisecond))
	}
	giveUp := last.Add(wait)
	for time.Now().Before(giveUp) {
		b.mu.Lock()
		n := len(b.fired)
		b.mu.Unlock()
		if n == len(ids) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var lags []time.Duration
	missing := 0
	for _, id := range ids {
		t, ok := b.fired[id]
		if !ok {
			missing++
			continue
		}
		lags = append(lags, t.Sub(due[id]))
	}
	return lags, missing, nil
}
