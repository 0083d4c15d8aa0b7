package domain

import (
	"encoding/json"
	"time"
)

// Action names what happened to a problem. They name event-log rows.
type Action string

// Actions on a problem.
const (
	ActionCreate           Action = "create"
	ActionSubmitPlan       Action = "submit_plan"
	ActionApprovePlan      Action = "approve_plan"
	ActionRejectPlan       Action = "reject_plan"
	ActionAcknowledge      Action = "acknowledge"
	ActionReportProgress   Action = "report_progress"
	ActionCompleteMeasure  Action = "complete_measure"
	ActionRequestClosure   Action = "request_closure"
	ActionApproveClosure   Action = "approve_closure"
	ActionRejectClosure    Action = "reject_closure"
	ActionRequestExtension Action = "request_extension"
	ActionApproveExtension Action = "approve_extension"
	ActionRejectExtension  Action = "reject_extension"
	ActionUrge             Action = "urge"
	// ActionRequestReports asks every open measure for a progress report
	// (定期调度); the scheduler sends it.
	ActionRequestReports Action = "request_reports"
	// Look-back actions (回头看) of the discipline group; see lookback.go.
	ActionStartLookback    Action = "start_lookback"
	ActionRequestMaterial  Action = "request_material"
	ActionAnswerMaterial   Action = "answer_material"
	ActionConcludeLookback Action = "conclude_lookback"
	// Office actions (分办, 经办人, 背书); see office.go.
	ActionAssign         Action = "assign"
	ActionNameHandler    Action = "name_handler"
	ActionEndorseClosure Action = "endorse_closure"
	ActionReturnClosure  Action = "return_closure"
	// Reassignment (调整牵头单位); see reassign.go.
	ActionRequestReassignment Action = "request_reassignment"
	ActionApproveReassignment Action = "approve_reassignment"
	ActionRejectReassignment  Action = "reject_reassignment"
	// ActionDismissFlag sets a red flag aside with a reason; see flags.go.
	ActionDismissFlag Action = "dismiss_flag"
)

// Event is one row of a problem's append-only event log: who, in which
// role, when, did what, and why.
type Event struct {
	ID        int64           `json:"id,omitempty"`
	ProblemID int64           `json:"problem_id"`
	Seq       int64           `json:"seq"`
	RequestID string          `json:"request_id,omitempty"`
	Action    Action          `json:"action"`
	ActorID   int64           `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	ActorRole Role            `json:"actor_role"`
	ActorUnit int64           `json:"actor_unit_id,omitempty"`
	FromStage Stage           `json:"from_stage,omitempty"`
	ToStage   Stage           `json:"to_stage,omitempty"`
	MeasureID int64           `json:"measure_id,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	At        time.Time       `json:"at"`
}

// Transition is an accepted change: the problem after it and the event that
// records it. The store writes both at once.
type Transition struct {
	Problem Problem `json:"problem"`
	Event   Event   `json:"event"`
}
