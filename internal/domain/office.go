package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// How real offices divide the work (issue 15): the rectification office
// hands a problem to a lead unit (分办), the unit drafts its plan and names
// a handler (经办人) per measure, and its head (处室负责人) endorses the
// unit's closure request before the supervisor sees it.

// UnitRole is a unit user's place in the unit.
type UnitRole string

// Unit roles: a head answers for the unit, staff do the work.
const (
	UnitHead  UnitRole = "head"
	UnitStaff UnitRole = "staff"
)

// Valid reports whether r is a known unit role.
func (r UnitRole) Valid() bool { return r == UnitHead || r == UnitStaff }

// IsUnitHead reports whether a heads unit.
func (a Actor) IsUnitHead(unit int64) bool {
	return a.Role == RoleUnit && unit != 0 && a.UnitID == unit && a.UnitRole == UnitHead
}

// Assignment is the office's 分办: the lead unit that drafts the plan, by
// when, with whom and under which leader.
type Assignment struct {
	LeadUnitID        int64   `json:"lead_unit_id"`
	CoUnitIDs         []int64 `json:"co_unit_ids,omitempty"`
	ResponsibleLeader string  `json:"responsible_leader,omitempty"`
	PlanDue           Date    `json:"plan_due"`
	AssignedBy        int64   `json:"assigned_by"`
}

// Closure statuses of the last closure request.
const (
	ClosureAwaitingEndorsement = "awaiting_endorsement"
	ClosureAwaitingReview      = "awaiting_review"
	ClosureReturned            = "returned"
	ClosureApproved            = "approved"
	ClosureRejected            = "rejected"
)

// ClosureState is where the last closure request stands and who carried it.
type ClosureState struct {
	Status      string `json:"status,omitempty"`
	RequestedBy int64  `json:"requested_by,omitempty"`
	EndorsedBy  int64  `json:"endorsed_by,omitempty"`
}

// HandlerRef is the user named as a measure's handler, as the service read
// it from the store: the domain checks the unit, the service that it exists.
type HandlerRef struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	UnitID int64  `json:"unit_id"`
}

func (in *Assignment) validate(now time.Time) error {
	if in == nil {
		return Errorf(EInvalid, "assignment is required").WithKey("field_required", "field", "lead_unit_id").WithField("lead_unit_id")
	}
	if in.LeadUnitID <= 0 {
		return Errorf(EInvalid, "lead_unit_id is required").WithKey("field_required", "field", "lead_unit_id").WithField("lead_unit_id")
	}
	if len([]rune(in.ResponsibleLeader)) > MaxNameLen {
		return Errorf(EInvalid, "responsible_leader is too long").WithKey("field_too_long", "field", "responsible_leader", "max", MaxNameLen).WithField("responsible_leader")
	}
	if in.PlanDue.IsZero() || in.PlanDue.Time().IsZero() {
		return Errorf(EInvalid, "plan_due is required (YYYY-MM-DD)").WithKey("date_required", "field", "plan_due").WithField("plan_due")
	}
	if !in.PlanDue.DueAt().After(now) {
		return Errorf(EInvalid, "plan_due %s has passed", in.PlanDue).WithKey("deadline_passed", "deadline", string(in.PlanDue)).WithField("plan_due")
	}
	in.CoUnitIDs = slices.Clone(in.CoUnitIDs)
	slices.Sort(in.CoUnitIDs)
	in.CoUnitIDs = slices.Compact(in.CoUnitIDs)
	if slices.Contains(in.CoUnitIDs, in.LeadUnitID) {
		return Errorf(EInvalid, "the lead unit cannot also be a co-unit").WithKey("lead_is_co_unit").WithField("co_unit_ids")
	}
	return nil
}

func assign(p *Problem, cmd Command, ev *Event) error {
	if err := requireStage(p, StagePlan, "assign a problem"); err != nil {
		return err
	}
	if p.PlanSubmittedBy != 0 {
		return Errorf(EConflict, "a plan awaits approval: decide it before assigning the problem again").WithKey("assign_plan_pending")
	}
	a := *cmd.Assignment
	a.AssignedBy = cmd.Actor.UserID
	p.Assignment = &a
	p.LeadUnitID = a.LeadUnitID
	ev.Payload = mustJSON(a)
	return nil
}

// mayDraftPlan says whether the actor may submit p's plan: a leader or an
// admin, or a user of the unit the problem was assigned to.
func mayDraftPlan(p *Problem, cmd Command) error {
	if cmd.Actor.Role == RoleAdmin || cmd.Actor.Role == RoleLeader {
		return nil
	}
	if cmd.Actor.Role == RoleUnit && p.Assignment != nil && cmd.Actor.UnitID == p.Assignment.LeadUnitID {
		if cmd.Plan.LeadUnitID != p.Assignment.LeadUnitID {
			return Errorf(EInvalid, "the plan's lead unit must be the unit the problem was assigned to").WithKey("plan_lead_unit_assigned").WithField("lead_unit_id")
		}
		return nil
	}
	if cmd.Actor.Role == RoleUnit && p.Assignment != nil {
		return Errorf(EForbidden, "only the assigned lead unit may draft this plan").WithKey("plan_assigned_unit_only")
	}
	return requireRole(cmd.Actor, "submit a plan", RoleAdmin, RoleLeader)
}

// checkHandlers refuses a handler who is not of the measure's lead unit.
func checkHandler(m *Measure, h *HandlerRef, n int) error {
	if h == nil || h.UserID == 0 {
		return nil
	}
	if h.UnitID != m.LeadUnitID {
		return Errorf(EInvalid, "measure %d: the handler must be a user of its lead unit", n).WithKey("handler_not_of_unit", "n", n).WithField("handler_id")
	}
	return nil
}

func nameHandler(p *Problem, cmd Command, ev *Event) error {
	m, err := p.Measure(cmd.MeasureID)
	if err != nil {
		return err
	}
	if cmd.Actor.Role != RoleLeader && !cmd.Actor.IsUnitHead(m.LeadUnitID) {
		return Errorf(EForbidden, "only the head of the measure's lead unit or a leader may name its handler").WithKey("handler_head_only")
	}
	if p.Stage == StageClosed || p.Stage == StageLookback {
		return Errorf(EConflict, "cannot name a handler: problem is in stage %q", p.Stage).WithKey("handler_wrong_stage", "stage", string(p.Stage))
	}
	if err := checkHandler(m, cmd.Handler, int(m.ID)); err != nil {
		return err
	}
	m.HandlerID, m.HandlerName = cmd.Handler.UserID, cmd.Handler.Name
	ev.Payload = mustJSON(cmd.Handler)
	return nil
}

// closureAnswer checks that the actor heads the lead unit and a request
// awaits the head's endorsement.
func closureAnswer(p *Problem, cmd Command, verb string) error {
	if !cmd.Actor.IsUnitHead(p.LeadUnitID) {
		return Errorf(EForbidden, "only the head of the problem's lead unit may %s", verb).WithKey("closure_head_only")
	}
	if p.Closure.Status != ClosureAwaitingEndorsement || p.Stage != StageExecute {
		return Errorf(EConflict, "no closure request awaits endorsement").WithKey("closure_nothing_to_endorse")
	}
	return nil
}

func endorseClosure(p *Problem, cmd Command) error {
	if err := closureAnswer(p, cmd, "endorse a closure request"); err != nil {
		return err
	}
	p.Closure.Status, p.Closure.EndorsedBy = ClosureAwaitingReview, cmd.Actor.UserID
	p.Stage = StageVerify
	return nil
}

func returnClosure(p *Problem, cmd Command) error {
	if err := closureAnswer(p, cmd, "return a closure request"); err != nil {
		return err
	}
	p.Closure.Status = ClosureReturned
	return nil
}

// handoffTitle names a problem in a notice.
func handoffTitle(p *Problem) string { return fmt.Sprintf("问题(%d)“%s”", p.Number, p.Title) }

// notice is one hand-off notice to aud.
func notice(n Notice, kind NoticeKind, aud Audience, msg string) []Notice {
	n.Kind, n.Audience, n.Message = kind, aud, msg
	return []Notice{n}
}

// Hand-off notices: each step tells the next person at once.
func assignNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	return notice(n, NoticeHandoff, Audience{UnitHeadOf: p.LeadUnitID},
		fmt.Sprintf("【分办】%s交由本单位牵头,请于%s前报送整改方案", title, p.Assignment.PlanDue))
}

func handlerNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	m, err := p.Measure(ev.MeasureID)
	if err != nil || m.HandlerID == 0 {
		return nil
	}
	return notice(n, NoticeHandoff, Audience{UserIDs: []int64{m.HandlerID}},
		fmt.Sprintf("【经办】%s的整改措施“%s”由您经办", title, m.Title))
}

func endorseNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	return notice(n, NoticeHandoff, Audience{Roles: []Role{RoleSupervisor}},
		fmt.Sprintf("【销号申请】%s经单位负责人签字背书,请审核", title))
}

func returnNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	return notice(n, NoticeHandoff, Audience{UserIDs: []int64{p.Closure.RequestedBy}, UnitID: p.LeadUnitID},
		fmt.Sprintf("【销号申请退回】%s的销号申请被单位负责人退回:%s", title, ev.Reason))
}

// HandoffNotices are the notices that actions older than the hand-off rules
// send besides their own (Notices): the workflow sends them only from the
// version that introduced them, so running problems replay as recorded.
func HandoffNotices(p *Problem, ev Event) []Notice {
	n := Notice{Key: fmt.Sprintf("p%d:event:%d:handoff", p.ID, ev.Seq), ProblemID: p.ID, MeasureID: ev.MeasureID, At: ev.At}
	title := handoffTitle(p)
	leaders := Audience{Roles: []Role{RoleLeader}}
	switch ev.Action {
	case ActionSubmitPlan:
		return notice(n, NoticeHandoff, leaders, fmt.Sprintf("【方案报审】%s的整改方案已报送,请审批", title))
	case ActionApprovePlan:
		return notice(n, NoticeHandoff, Audience{UserIDs: []int64{planDrafter(ev)}, UnitID: p.LeadUnitID},
			fmt.Sprintf("【方案已批准】%s的整改方案已批准,请签收措施", title))
	case ActionRejectPlan:
		return notice(n, NoticeHandoff, Audience{UserIDs: []int64{planDrafter(ev)}, UnitID: p.LeadUnitID},
			fmt.Sprintf("【方案退回】%s的整改方案未获批准:%s", title, ev.Reason))
	case ActionRequestClosure:
		if p.Closure.Status == ClosureAwaitingEndorsement {
			return notice(n, NoticeHandoff, Audience{UnitHeadOf: p.LeadUnitID},
				fmt.Sprintf("【待背书】%s的销号申请待您签字背书", title))
		}
		return notice(n, NoticeHandoff, Audience{Roles: []Role{RoleSupervisor}},
			fmt.Sprintf("【销号申请】%s申请销号,请审核", title))
	case ActionApproveClosure, ActionRejectClosure:
		verdict := "已销号"
		if ev.Action == ActionRejectClosure {
			verdict = "未通过审核:" + ev.Reason
		}
		return notice(n, NoticeHandoff, Audience{UserIDs: []int64{p.Closure.RequestedBy}, UnitID: p.LeadUnitID},
			fmt.Sprintf("【销号审核】%s%s", title, verdict))
	case ActionStartLookback:
		return notice(n, NoticeLookback, Audience{UnitID: p.LeadUnitID},
			fmt.Sprintf("【回头看】%s已纳入回头看", title))
	case ActionConcludeLookback:
		// A reopening tells the unit already (Notices); a confirmation too.
		if ev.ToStage == StageClosed {
			return notice(n, NoticeLookback, Audience{UnitID: p.LeadUnitID},
				fmt.Sprintf("【回头看结论】%s经回头看确认整改到位", title))
		}
	}
	return nil
}

// planDrafter is who submitted the plan a decision is about; the decision's
// event carries it since a rejection clears it from the problem.
func jsonInto(b []byte, v any) error { return json.Unmarshal(b, v) }

func planDrafter(ev Event) int64 {
	var d struct {
		DraftedBy int64 `json:"drafted_by"`
	}
	_ = json.Unmarshal(ev.Payload, &d)
	return d.DraftedBy
}
