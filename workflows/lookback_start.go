package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
)

// Names of the look-back start: it puts every problem of a look-back under
// review after the request that recorded the look-back is answered.
const (
	LookbackStartWorkflowName    = "LookbackStartWorkflow"
	StartLookbackProblemActivity = "StartLookbackProblem"
)

// LookbackStartWorkflowID derives the start's workflow ID from the
// look-back's: a retried request finds the same start.
func LookbackStartWorkflowID(lookbackID int64) string {
	return fmt.Sprintf("lookback-%d-start", lookbackID)
}

// LookbackStartInput names the look-back and the problems to put under it.
type LookbackStartInput struct {
	LookbackID int64        `json:"lookback_id"`
	ProblemIDs []int64      `json:"problem_ids"`
	Actor      domain.Actor `json:"actor"`
	Title      string       `json:"title"`
	DueDate    domain.Date  `json:"due_date"`
}

// StartLookbackProblemInput puts one problem under a look-back.
type StartLookbackProblemInput struct {
	LookbackID int64        `json:"lookback_id"`
	ProblemID  int64        `json:"problem_id"`
	Actor      domain.Actor `json:"actor"`
	Title      string       `json:"title"`
	DueDate    domain.Date  `json:"due_date"`
}

// StartLookbackProblemResult says whether the problem is under review or
// was left out (it left closed meanwhile).
type StartLookbackProblemResult struct {
	Dropped bool `json:"dropped,omitempty"`
}

// LookbackStartResult counts what the start did.
type LookbackStartResult struct {
	Started int `json:"started"`
	Dropped int `json:"dropped"`
}

// lookbackStartWidth bounds the Updates in flight at once, so that a large
// look-back does not crowd out people's own decisions.
const lookbackStartWidth = 8

// LookbackStartWorkflow sends each problem its StartLookback Update through
// an activity. Each Update's request ID derives from the look-back and the
// problem, so an activity retried, or a start resumed after a restart,
// applies each once.
func LookbackStartWorkflow(ctx workflow.Context, in LookbackStartInput) (LookbackStartResult, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	var res LookbackStartResult
	for from := 0; from < len(in.ProblemIDs); from += lookbackStartWidth {
		batch := in.ProblemIDs[from:min(from+lookbackStartWidth, len(in.ProblemIDs))]
		futures := make([]workflow.Future, len(batch))
		for i, id := range batch {
			futures[i] = workflow.ExecuteActivity(actx, StartLookbackProblemActivity, StartLookbackProblemInput{
				LookbackID: in.LookbackID, ProblemID: id, Actor: in.Actor, Title: in.Title, DueDate: in.DueDate,
			})
		}
		for _, f := range futures {
			var r StartLookbackProblemResult
			if err := f.Get(ctx, &r); err != nil {
				return res, err
			}
			if r.Dropped {
				res.Dropped++
			} else {
				res.Started++
			}
		}
	}
	return res, nil
}
