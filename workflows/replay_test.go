package workflows_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/workflows"
)

// The histories under testdata/histories were recorded on a real server by
// internal/app's TestRecordHistories. Replaying them against the current
// code fails when a change would break the workflows already running: an
// activity, timer or local activity added, removed or moved without
// workflow.GetVersion. Re-record them (see README, "Changing workflows")
// only once the old histories are no longer running anywhere.

// historyFiles lists the recorded histories and checks that every recorded
// flow is there, so that an empty or partial directory cannot pass.
func historyFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		name, _, _ = strings.Cut(name, "-run")
		count[name]++
	}
	for _, want := range []struct {
		name string
		runs int
	}{
		{"problem-lifecycle", 1}, {"problem-continued", 3}, {"report-round", 1}, {"lookback-start", 1},
		// Continued before the bounded-state change: runs still on that path.
		{"problem-continued-v1", 3},
		// Recorded before search attributes and the hand-off notices.
		{"problem-lifecycle-v1", 1}, {"problem-continued-v2", 3}, {"report-round-v1", 1},
		// The office's hand-offs: 分办, handler, endorsement (issue 15).
		{"problem-office", 1},
	} {
		if count[want.name] < want.runs {
			t.Errorf("%d recorded histories of %s, want at least %d", count[want.name], want.name, want.runs)
		}
	}
	return files
}

// replayer registers the given workflows under the production names.
func replayer(problem, round any) worker.WorkflowReplayer {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(problem, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
	r.RegisterWorkflowWithOptions(round, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
	return r
}

// replayLogger logs the replayer's errors; the changed workflows' expected
// failures are reported by the test itself.
func replayLogger(w io.Writer) log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelError})))
}

func TestReplayRecordedHistories(t *testing.T) {
	r := replayer(workflows.ProblemWorkflow, workflows.ReportRoundWorkflow)
	for _, file := range historyFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			if err := r.ReplayWorkflowHistoryFromJSONFile(replayLogger(os.Stderr), file); err != nil {
				t.Errorf("replay: %v", err)
			}
		})
	}
}

// TestReplayDetectsChanges replays the histories against changed workflows:
// each change must fail the replay of the histories it touches.
func TestReplayDetectsChanges(t *testing.T) {
	// extraActivity runs an activity the recorded runs never ran.
	extraActivity := func(ctx workflow.Context, in workflows.ProblemInput) error {
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
		if err := workflow.ExecuteActivity(actx, "Audit", in.Problem.ID).Get(ctx, nil); err != nil {
			return err
		}
		return workflows.ProblemWorkflow(ctx, in)
	}
	// extraTimer waits before anything else.
	extraTimer := func(ctx workflow.Context, in workflows.ProblemInput) error {
		if err := workflow.Sleep(ctx, time.Second); err != nil {
			return err
		}
		return workflows.ProblemWorkflow(ctx, in)
	}
	// noActivity answers a round without asking the problems.
	noActivity := func(ctx workflow.Context, in workflows.ReportRoundInput) (workflows.RequestReportsResult, error) {
		return workflows.RequestReportsResult{}, nil
	}
	// otherActivity asks the problems through an activity of another name.
	otherActivity := func(ctx workflow.Context, in workflows.ReportRoundInput) (workflows.RequestReportsResult, error) {
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
		})
		var res workflows.RequestReportsResult
		err := workflow.ExecuteActivity(actx, "AskForReports", workflows.RequestReportsInput{CampaignID: in.CampaignID}).Get(ctx, &res)
		return res, err
	}
	tests := []struct {
		name    string
		problem func(workflow.Context, workflows.ProblemInput) error
		round   func(workflow.Context, workflows.ReportRoundInput) (workflows.RequestReportsResult, error)
		// prefix selects the histories the change must break.
		prefix string
		// unseenAfter: a history whose first command is this one cannot
		// tell the change (an extra timer matches a recorded first timer:
		// timers match by position, not duration), so it is not asked to.
		unseenAfter string
	}{
		{"ProblemRunsAnExtraActivity", extraActivity, workflows.ReportRoundWorkflow, "problem-", ""},
		{"ProblemStartsAnExtraTimer", extraTimer, workflows.ReportRoundWorkflow, "problem-", "TIMER_STARTED"},
		{"RoundSkipsItsActivity", workflows.ProblemWorkflow, noActivity, "report-round", ""},
		{"RoundRunsAnotherActivity", workflows.ProblemWorkflow, otherActivity, "report-round", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := replayer(tc.problem, tc.round)
			checked := 0
			for _, file := range historyFiles(t) {
				if !strings.HasPrefix(filepath.Base(file), tc.prefix) {
					continue
				}

				checked++
				if err := r.ReplayWorkflowHistoryFromJSONFile(replayLogger(io.Discard), file); err == nil && tc.unseenAfter != "" && firstCommand(t, file) == tc.unseenAfter {
					t.Logf("%s starts with %s: it cannot tell this change", filepath.Base(file), tc.unseenAfter)
				} else if err == nil {
					t.Errorf("%s replays against the changed workflow", filepath.Base(file))
				} else {
					t.Logf("%s: %v", filepath.Base(file), err)
				}
			}
			if checked == 0 {
				t.Fatalf("no history starts with %q", tc.prefix)
			}
		})
	}
}

// firstCommand is the type of the first command a history records, past
// version markers and search-attribute upserts (which replay matches
// leniently), e.g. "TIMER_STARTED".
func firstCommand(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Events []struct {
			EventType string `json:"eventType"`
		} `json:"events"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	completed := false
	for _, e := range h.Events {
		typ := strings.TrimPrefix(e.EventType, "EVENT_TYPE_")
		switch {
		case typ == "WORKFLOW_TASK_COMPLETED":
			completed = true
		case !completed, typ == "MARKER_RECORDED", typ == "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES":
		case strings.HasPrefix(typ, "WORKFLOW_TASK_"), strings.HasPrefix(typ, "WORKFLOW_EXECUTION_UPDATE_"):
		default:
			return typ
		}
	}
	return ""
}
