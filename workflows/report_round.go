package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
)

// Names of the regular report round (定期调度), run by a Temporal Schedule
// per campaign.
const (
	ReportRoundWorkflowName = "ReportRoundWorkflow"
	RequestReportsActivity  = "RequestReports"
)

// ReportScheduleID is the Temporal Schedule of a campaign's report rounds.
func ReportScheduleID(campaignID int64) string { return fmt.Sprintf("campaign-%d-reports", campaignID) }

// ReportRoundInput starts one round.
type ReportRoundInput struct {
	CampaignID int64 `json:"campaign_id"`
	// DueDays is how long units have to report (default 5).
	DueDays int `json:"due_days,omitempty"`
}

// RequestReportsInput is what the activity asks of every open problem.
type RequestReportsInput struct {
	CampaignID int64       `json:"campaign_id"`
	Due        domain.Date `json:"due"`
	// RoundID makes each problem's request idempotent within the round.
	RoundID string `json:"round_id"`
}

// RequestReportsResult counts what a round did.
type RequestReportsResult struct {
	Asked   int `json:"asked"`
	Skipped int `json:"skipped"`
}

// ReportRoundWorkflow asks the lead unit of every open measure of a
// campaign for a progress report due in DueDays. Each problem's workflow
// then turns a missing report into "report late" reminders by itself.
func ReportRoundWorkflow(ctx workflow.Context, in ReportRoundInput) (RequestReportsResult, error) {
	days := in.DueDays
	if days <= 0 {
		days = 5
	}
	due := domain.DateOf(workflow.Now(ctx)).AddDays(days)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute, MaximumAttempts: 20},
	})
	var res RequestReportsResult
	err := workflow.ExecuteActivity(actx, RequestReportsActivity, RequestReportsInput{
		CampaignID: in.CampaignID, Due: due, RoundID: workflow.GetInfo(ctx).WorkflowExecution.ID,
	}).Get(ctx, &res)
	return res, err
}
