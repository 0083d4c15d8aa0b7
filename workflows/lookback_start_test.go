package workflows_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/workflows"
)

// TestLookbackStartWorkflow fans out one activity per problem: a failed
// attempt is retried, a dropped problem is counted, and every problem is
// asked exactly once successfully.
func TestLookbackStartWorkflow(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
	var mu sync.Mutex
	attempts := map[int64]int{}
	var done []int64
	env.RegisterActivityWithOptions(func(_ context.Context, in workflows.StartLookbackProblemInput) (workflows.StartLookbackProblemResult, error) {
		mu.Lock()
		defer mu.Unlock()
		attempts[in.ProblemID]++
		if in.LookbackID != 9 || in.Title != "回头看" {
			return workflows.StartLookbackProblemResult{}, errors.New("wrong input")
		}
		if in.ProblemID == 5 && attempts[in.ProblemID] == 1 {
			return workflows.StartLookbackProblemResult{}, errors.New("temporal unavailable")
		}
		done = append(done, in.ProblemID)
		return workflows.StartLookbackProblemResult{Dropped: in.ProblemID == 7}, nil
	}, activity.RegisterOptions{Name: workflows.StartLookbackProblemActivity})

	ids := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	env.ExecuteWorkflow(workflows.LookbackStartWorkflowName, workflows.LookbackStartInput{LookbackID: 9, ProblemIDs: ids, Title: "回头看"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res workflows.LookbackStartResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Started != 10 || res.Dropped != 1 {
		t.Errorf("result = %+v, want 10 started, 1 dropped", res)
	}
	slices.Sort(done)
	if !slices.Equal(done, ids) {
		t.Errorf("problems done %v, want %v", done, ids)
	}
	if attempts[5] != 2 {
		t.Errorf("problem 5 tried %d times, want 2 (one failure retried)", attempts[5])
	}
}
