package workflows_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// seqStore is a fake store that, like the real one, keeps one request per
// (problem, seq) and answers another request at a taken seq with
// SeqTakenError.
type seqStore struct {
	mu     sync.Mutex
	events map[int64]domain.Transition
	latest domain.Problem
}

func (s *seqStore) record(_ context.Context, tr domain.Transition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if held, ok := s.events[tr.Event.Seq]; ok {
		if held.Event.RequestID != tr.Event.RequestID {
			return temporal.NewNonRetryableApplicationError("seq taken", workflows.SeqTakenError, nil)
		}
		return nil
	}
	s.events[tr.Event.Seq] = tr
	if tr.Problem.Version > s.latest.Version {
		s.latest = tr.Problem
	}
	return nil
}

func (s *seqStore) load(_ context.Context, in workflows.LoadRecordedInput) (workflows.Recorded, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := workflows.Recorded{Problem: s.latest}
	for seq, tr := range s.events {
		if seq > in.Version {
			rec.Events = append(rec.Events, tr.Event)
		}
	}
	slices.SortFunc(rec.Events, func(a, b domain.Event) int { return int(a.Seq - b.Seq) })
	return rec, nil
}

// TestLostTaskIsAdopted: the process died after a decision's store write but
// before its workflow task completed, so the store holds seq v+1 for request
// A while history is at v. The next decision B must not be lost behind A's
// seq (the crash test found it answered 200 and missing from the log), and
// A's retry must find A applied once.
func TestLostTaskIsAdopted(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
	st := &seqStore{events: map[int64]domain.Transition{}}
	env.RegisterActivityWithOptions(st.record, activity.RegisterOptions{Name: workflows.RecordTransitionActivity})
	env.RegisterActivityWithOptions(st.load, activity.RegisterOptions{Name: workflows.LoadRecordedActivity})
	h := &harness{t: t, env: env}

	before := stateAfter(t, atExecuting)
	st.latest = before
	a := command(domain.ActionReportProgress, leadUser, onMeasure(4), withProgress("写入后进程被杀"))
	lost, err := domain.Apply(before, a, start)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.record(t.Context(), lost); err != nil {
		t.Fatal(err)
	}
	b := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("重启后第一个决定"))
	gotB := h.send(b)
	gotA := h.send(a) // A's client retries with its key
	after := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: before})

	h.wantApplied("B", gotB)
	h.wantApplied("A retried", gotA)
	v := before.Version
	if gotB.result.Duplicate || gotB.result.Problem.Version != v+2 {
		t.Errorf("B: duplicate %v version %d, want a new decision at %d", gotB.result.Duplicate, gotB.result.Problem.Version, v+2)
	}
	if !gotA.result.Duplicate {
		t.Errorf("A retried: not a duplicate, version %d", gotA.result.Problem.Version)
	}
	if len(st.events) != 2 || st.events[v+1].Event.RequestID != a.RequestID || st.events[v+2].Event.RequestID != b.RequestID {
		t.Errorf("store holds %d transitions after version %d, want A then B", len(st.events), v)
	}
	if m, _ := after.Measure(4); after.Version != v+2 || m == nil || m.ProgressCount != 2 {
		t.Errorf("state after: version %d measure %+v, want both reports", after.Version, m)
	}
}
