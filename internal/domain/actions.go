package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// ActionSpec declares one action on a problem in one place: its name, the
// Temporal Update that performs it, who may act, how its input is checked,
// what it changes and whom it tells. Apply, Command.Validate, EventNotices
// and the workflow's Update handlers all read this table, so adding an
// action is a row here plus its handlers, messages and tests.
type ActionSpec struct {
	Action Action
	// Update is the name of the workflow Update that performs the action.
	Update string
	// Roles, when set, are the only roles that may act; Verb names the
	// action in the refusal. Actions open to a unit's users leave Roles
	// empty and check the unit in Apply (the unit depends on the problem).
	Roles []Role
	Verb  string
	// Validate checks and normalises the command's own input (not the
	// problem's state); nil means the action takes none beyond its IDs.
	Validate func(c *Command, now time.Time) error
	// Apply changes p (a copy) and fills the event's reason and payload.
	Apply func(p *Problem, cmd Command, now time.Time, ev *Event) error
	// Notices are what the action tells people at once; n carries the key,
	// problem, measure and time, title names the problem. Nil: nobody.
	Notices func(p *Problem, ev Event, n Notice, title string) []Notice
}

// MessageKey is the catalogue key that names the action in the event log.
func (s ActionSpec) MessageKey() string { return "action." + string(s.Action) }

// Actions returns every action a person (or the scheduler) takes on a
// problem, in the order of a problem's life.
func Actions() []ActionSpec { return slices.Clone(actionTable) }

// Spec returns the declaration of action a.
func Spec(a Action) (ActionSpec, bool) {
	for _, s := range actionTable {
		if s.Action == a {
			return s, true
		}
	}
	return ActionSpec{}, false
}

// actionTable is read only: Actions hands out copies.
var actionTable = []ActionSpec{
	{
		// Leaders draft, or the unit the problem was assigned to (分办).
		Action: ActionSubmitPlan, Update: "SubmitPlan",
		Validate: func(c *Command, now time.Time) error {
			if c.Plan == nil {
				return Errorf(EInvalid, "plan is required").WithKey("field_required", "field", "plan").WithField("plan")
			}
			return c.Plan.Validate(now)
		},
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			ev.Payload = mustJSON(cmd.Plan)
			return submitPlan(p, cmd, now)
		},
	},
	{
		Action: ActionAssign, Update: "Assign",
		Roles: []Role{RoleAdmin, RoleLeader}, Verb: "assign a problem",
		Validate: func(c *Command, now time.Time) error { return c.Assignment.validate(now) },
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			return assign(p, cmd, ev)
		},
		Notices: assignNotices,
	},
	{
		Action: ActionApprovePlan, Update: "ApprovePlan",
		Roles: []Role{RoleLeader}, Verb: "approve a plan",
		Validate: optionalText("text"),
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return decidePlan(p, cmd, StageAssign, ev)
		},
	},
	{
		Action: ActionRejectPlan, Update: "RejectPlan",
		Roles: []Role{RoleLeader}, Verb: "reject a plan",
		Validate: requiredText("reason"),
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return decidePlan(p, cmd, StagePlan, ev)
		},
	},
	{
		Action: ActionAcknowledge, Update: "Acknowledge",
		Validate: optionalText("text"),
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return acknowledge(p, cmd, now)
		},
	},
	{
		Action: ActionReportProgress, Update: "ReportProgress",
		Validate: func(c *Command, _ time.Time) error {
			if c.Progress == nil {
				return Errorf(EInvalid, "progress is required").WithKey("field_required", "field", "progress_text").WithField("text")
			}
			return c.Progress.Validate()
		},
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			ev.Payload = mustJSON(cmd.Progress)
			return reportProgress(p, cmd, now)
		},
	},
	{
		Action: ActionCompleteMeasure, Update: "CompleteMeasure",
		Validate: requiredText("summary"),
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return completeMeasure(p, cmd, now)
		},
	},
	{
		Action: ActionRequestClosure, Update: "RequestClosure",
		Validate: func(c *Command, _ time.Time) error {
			var err error
			if c.Text, err = OptionalText("summary", c.Text); err != nil {
				return err
			}
			for _, j := range c.Justifications {
				if _, err := OptionalText("justification", j); err != nil {
					return err
				}
			}
			return nil
		},
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			err := requestClosure(p, cmd)
			ev.Reason = cmd.Text
			ev.Payload = closurePayload(p)
			return err
		},
	},
	{
		Action: ActionApproveClosure, Update: "ApproveClosure",
		Roles: []Role{RoleSupervisor}, Verb: "approve closure",
		Validate: optionalText("text"),
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			err := decideClosure(p, cmd, StageClosed, now)
			ev.Reason = cmd.Text
			// The decision names exactly the evidence it was taken on.
			ev.Payload = closurePayload(p)
			return err
		},
	},
	{
		Action: ActionRejectClosure, Update: "RejectClosure",
		Roles: []Role{RoleSupervisor}, Verb: "reject closure",
		Validate: requiredText("reason"),
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			err := decideClosure(p, cmd, StageExecute, now)
			ev.Reason = cmd.Text
			ev.Payload = closurePayload(p)
			return err
		},
	},
	{
		Action: ActionRequestExtension, Update: "RequestExtension",
		Validate: func(c *Command, now time.Time) error {
			var err error
			if c.Text, err = RequireText("reason", c.Text); err != nil {
				return err
			}
			if c.Deadline.IsZero() || c.Deadline.Time().IsZero() {
				return Errorf(EInvalid, "deadline is required (YYYY-MM-DD)").WithKey("date_required", "field", "new_deadline").WithField("deadline")
			}
			if !c.Deadline.DueAt().After(now) {
				return Errorf(EInvalid, "the new deadline %s has passed", c.Deadline).WithKey("deadline_passed", "deadline", string(c.Deadline)).WithField("deadline")
			}
			return nil
		},
		Apply: func(p *Problem, cmd Command, now time.Time, ev *Event) error {
			err := requestExtension(p, cmd, now)
			ev.Reason = cmd.Text
			ev.Payload = mustJSON(map[string]any{"deadline": cmd.Deadline, "extension_id": p.NextExtensionID})
			return err
		},
		Notices: func(p *Problem, ev Event, n Notice, title string) []Notice {
			n.Kind, n.Audience = NoticeExtension, Audience{Roles: []Role{RoleLeader}}
			n.Message = fmt.Sprintf("【延期申请】%s的措施%d申请延期:%s", title, ev.MeasureID, ev.Reason)
			return []Notice{n}
		},
	},
	{
		Action: ActionApproveExtension, Update: "ApproveExtension",
		Roles: []Role{RoleLeader}, Verb: "approve an extension",
		Validate: optionalText("comment"),
		Apply:    applyExtensionDecision,
		Notices:  extensionDecisionNotice("已批准"),
	},
	{
		Action: ActionRejectExtension, Update: "RejectExtension",
		Roles: []Role{RoleLeader}, Verb: "reject an extension",
		Validate: requiredText("reason"),
		Apply:    applyExtensionDecision,
		Notices:  extensionDecisionNotice("未批准"),
	},
	{
		Action: ActionNameHandler, Update: "NameHandler",
		Validate: func(c *Command, _ time.Time) error {
			if c.Handler == nil || c.Handler.UserID <= 0 {
				return Errorf(EInvalid, "user_id is required").WithKey("field_required", "field", "handler").WithField("user_id")
			}
			return nil
		},
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			return nameHandler(p, cmd, ev)
		},
		Notices: handlerNotices,
	},
	{
		Action: ActionEndorseClosure, Update: "EndorseClosure",
		Validate: optionalText("comment"),
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return endorseClosure(p, cmd)
		},
		Notices: endorseNotices,
	},
	{
		Action: ActionReturnClosure, Update: "ReturnClosure",
		Validate: requiredText("reason"),
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return returnClosure(p, cmd)
		},
		Notices: returnNotices,
	},
	{
		Action: ActionRequestReassignment, Update: "RequestReassignment",
		Validate: func(c *Command, now time.Time) error {
			if c.Reassign == nil || c.Reassign.LeadUnitID <= 0 {
				return Errorf(EInvalid, "lead_unit_id is required").WithKey("field_required", "field", "lead_unit_id").WithField("lead_unit_id")
			}
			return requiredText("reason")(c, now)
		},
		Apply:   requestReassignment,
		Notices: reassignNotices,
	},
	{
		Action: ActionApproveReassignment, Update: "ApproveReassignment",
		Roles: []Role{RoleLeader}, Verb: "approve a reassignment",
		Validate: func(c *Command, now time.Time) error {
			if c.Reassign == nil || c.Reassign.ID <= 0 {
				return Errorf(EInvalid, "the reassignment is required").WithKey("field_required", "field", "reassignment").WithField("id")
			}
			return optionalText("comment")(c, now)
		},
		Apply:   decideReassignment,
		Notices: reassignNotices,
	},
	{
		Action: ActionRejectReassignment, Update: "RejectReassignment",
		Roles: []Role{RoleLeader}, Verb: "reject a reassignment",
		Validate: func(c *Command, now time.Time) error {
			if c.Reassign == nil || c.Reassign.ID <= 0 {
				return Errorf(EInvalid, "the reassignment is required").WithKey("field_required", "field", "reassignment").WithField("id")
			}
			return requiredText("reason")(c, now)
		},
		Apply:   decideReassignment,
		Notices: reassignNotices,
	},
	{
		Action: ActionUrge, Update: "Urge",
		Roles: []Role{RoleSupervisor, RoleLeader}, Verb: "urge a unit",
		Validate: requiredText("message"),
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			return urge(p)
		},
		Notices: func(p *Problem, ev Event, n Notice, title string) []Notice {
			n.Kind, n.Audience = NoticeUrge, Audience{UnitID: p.LeadUnitID}
			n.Message = fmt.Sprintf("【催办】%s:%s(%s)", title, ev.Reason, ev.ActorName)
			return []Notice{n}
		},
	},
	{
		Action: ActionRequestReports, Update: "RequestReports",
		Roles: []Role{RoleAdmin, RoleLeader, RoleSupervisor}, Verb: "ask for progress reports",
		Validate: func(c *Command, _ time.Time) error {
			if c.Deadline.IsZero() || c.Deadline.Time().IsZero() {
				return Errorf(EInvalid, "the report due date is required (YYYY-MM-DD)").WithKey("date_required", "field", "report_due").WithField("deadline")
			}
			return nil
		},
		Apply: func(p *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Payload = mustJSON(map[string]any{"due": cmd.Deadline})
			return requestReports(p, cmd)
		},
		Notices: reportRequestNotices,
	},
	{
		Action: ActionStartLookback, Update: "StartLookback",
		Roles: []Role{RoleDiscipline}, Verb: "start a look-back",
		Validate: (*Command).validateLookback,
		Apply:    applyLookback,
	},
	{
		Action: ActionRequestMaterial, Update: "RequestMaterial",
		Roles: []Role{RoleDiscipline}, Verb: "ask for look-back material",
		Validate: (*Command).validateLookback,
		Apply:    applyLookback,
		Notices:  lookbackNotices,
	},
	{
		Action: ActionAnswerMaterial, Update: "AnswerMaterial",
		Validate: (*Command).validateLookback,
		Apply:    applyLookback,
		Notices:  lookbackNotices,
	},
	{
		Action: ActionConcludeLookback, Update: "ConcludeLookback",
		Roles: []Role{RoleDiscipline}, Verb: "conclude a look-back",
		Validate: (*Command).validateLookback,
		Apply:    applyLookback,
		Notices:  lookbackNotices,
	},
	{
		// A red flag is advice: setting one aside changes nothing of the
		// problem but enters its audit trail with the reason.
		Action: ActionDismissFlag, Update: "DismissFlag",
		Roles: []Role{RoleDiscipline, RoleSupervisor}, Verb: "dismiss a red flag",
		Validate: func(c *Command, now time.Time) error {
			if c.Flag == nil || c.Flag.ID <= 0 {
				return Errorf(EInvalid, "the flag is required").WithKey("field_required", "field", "flag").WithField("flag")
			}
			return requiredText("reason")(c, now)
		},
		Apply: func(_ *Problem, cmd Command, _ time.Time, ev *Event) error {
			ev.Reason = cmd.Text
			ev.Payload = mustJSON(cmd.Flag)
			return nil
		},
	},
}

// requiredText validates an action whose text (reason, message, summary)
// must be given.
func requiredText(field string) func(*Command, time.Time) error {
	return func(c *Command, _ time.Time) error {
		var err error
		c.Text, err = RequireText(field, c.Text)
		return err
	}
}

// optionalText validates an action whose text (a comment) may be empty.
func optionalText(field string) func(*Command, time.Time) error {
	return func(c *Command, _ time.Time) error {
		var err error
		c.Text, err = OptionalText(field, c.Text)
		return err
	}
}

func closurePayload(p *Problem) json.RawMessage {
	return mustJSON(map[string]any{"evidence": p.ClosureEvidence, "justifications": p.ClosureJustifications})
}

func applyExtensionDecision(p *Problem, cmd Command, now time.Time, ev *Event) error {
	req, err := decideExtension(p, cmd, now)
	ev.Reason = cmd.Text
	if req != nil {
		ev.MeasureID = req.MeasureID
		ev.Payload = mustJSON(req)
	}
	return err
}

func extensionDecisionNotice(verdict string) func(*Problem, Event, Notice, string) []Notice {
	return func(p *Problem, ev Event, n Notice, title string) []Notice {
		n.Kind, n.Audience = NoticeExtension, Audience{UnitID: p.LeadUnitID}
		n.Message = fmt.Sprintf("【延期申请%s】%s的措施%d。%s", verdict, title, ev.MeasureID, ev.Reason)
		return []Notice{n}
	}
}
