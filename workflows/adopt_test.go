package workflows_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

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
// SeqTakenError (the same request decided at another time too).
type seqStore struct {
	mu     sync.Mutex
	events map[int64]domain.Transition
	latest domain.Problem
}

func (s *seqStore) record(_ context.Context, tr domain.Transition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if held, ok := s.events[tr.Event.Seq]; ok {
		if held.Event.RequestID != tr.Event.RequestID || !held.Event.At.Equal(tr.Event.At) {
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
// A's retry must find A applied once, as the store holds it (the crash test
// found a retry that came first re-decided at a later time, so reminders
// counted from another instant than the log's).
func TestLostTaskIsAdopted(t *testing.T) {
	for _, tc := range []struct {
		name        string
		retryFirst  bool
		wantVersion [2]int64 // of B's and A's results, after v
	}{
		{"another decision comes first", false, [2]int64{2, 2}},
		{"the retry comes first", true, [2]int64{2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
			lostAt := start.Add(-time.Minute)
			lost, err := domain.Apply(before, a, lostAt)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.record(t.Context(), lost); err != nil {
				t.Fatal(err)
			}
			b := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("重启后第一个决定"))
			var gotA, gotB *outcome
			if tc.retryFirst {
				gotA = h.send(a) // A's client retries with its key
				gotB = h.send(b)
			} else {
				gotB = h.send(b)
				gotA = h.send(a)
			}
			after := h.query()
			h.runUntilCancelled(workflows.ProblemInput{Problem: before})

			h.wantApplied("B", gotB)
			h.wantApplied("A retried", gotA)
			v := before.Version
			if gotB.result.Duplicate || gotB.result.Problem.Version != v+tc.wantVersion[0] {
				t.Errorf("B: duplicate %v version %d, want a new decision at %d", gotB.result.Duplicate, gotB.result.Problem.Version, v+tc.wantVersion[0])
			}
			if !gotA.result.Duplicate || gotA.result.Problem.Version != v+tc.wantVersion[1] {
				t.Errorf("A retried: duplicate %v version %d, want a duplicate at %d", gotA.result.Duplicate, gotA.result.Problem.Version, v+tc.wantVersion[1])
			}
			if len(st.events) != 2 || st.events[v+1].Event.RequestID != a.RequestID || st.events[v+2].Event.RequestID != b.RequestID {
				t.Errorf("store holds %d transitions after version %d, want A then B", len(st.events), v)
			}
			m, _ := after.Measure(4)
			if after.Version != v+2 || m == nil || m.ProgressCount != 2 {
				t.Fatalf("state after: version %d measure %+v, want both reports", after.Version, m)
			}
			if ma, _ := gotA.result.Problem.Measure(4); tc.retryFirst && (ma == nil || !ma.LatestProgressAt.Equal(lostAt)) {
				t.Errorf("A's retry answered %+v: want the stored decision, made at %v", ma, lostAt)
			}
		})
	}
}
