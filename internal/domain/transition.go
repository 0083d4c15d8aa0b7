package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The transitions of a problem. Each is a pure function of the current state,
// the actor, the input and the time: it returns the next state and the event,
// or an error and changes nothing. The workflow runs the same function in an
// Update's validator (to refuse synchronously) and in its handler (to apply).

// PlanInput is a submitted plan: the problem's lead unit and its measures.
type PlanInput struct {
	LeadUnitID int64          `json:"lead_unit_id"`
	Measures   []MeasureInput `json:"measures"`
}

// MeasureInput is one planned measure.
type MeasureInput struct {
	Title             string      `json:"title"`
	Kind              MeasureKind `json:"kind"`
	LeadUnitID        int64       `json:"lead_unit_id"`
	CoUnitIDs         []int64     `json:"co_unit_ids"`
	ResponsibleLeader string      `json:"responsible_leader"`
	Deadline          Date        `json:"deadline"`
	// HandlerID names the measure's handler; the service fills Handler
	// from the store (never the client) so the domain can check its unit.
	HandlerID int64       `json:"handler_id,omitempty"`
	Handler   *HandlerRef `json:"handler,omitempty"`
}

// MaxMeasures bounds a plan.
const MaxMeasures = 100

// Validate checks a plan's own fields against now; whether units exist is
// checked by the caller against the store.
func (in *PlanInput) Validate(now time.Time) error {
	if in.LeadUnitID <= 0 {
		return Errorf(EInvalid, "lead_unit_id is required").WithKey("field_required", "field", "lead_unit_id").WithField("lead_unit_id")
	}
	if len(in.Measures) == 0 {
		return Errorf(EInvalid, "a plan needs at least one measure").WithKey("plan_no_measures").WithField("measures")
	} else if len(in.Measures) > MaxMeasures {
		return Errorf(EInvalid, "a plan has at most %d measures", MaxMeasures).WithKey("too_many_measures", "max", MaxMeasures).WithField("measures")
	}
	for i := range in.Measures {
		m := &in.Measures[i]
		m.Title = strings.TrimSpace(m.Title)
		m.ResponsibleLeader = strings.TrimSpace(m.ResponsibleLeader)
		n := i + 1
		switch {
		case m.Title == "":
			return Errorf(EInvalid, "measure %d: title is required", n).WithKey("measure_field_required", "n", n, "field", "measure_title").WithField(fmt.Sprintf("measures[%d].title", i))
		case len([]rune(m.Title)) > MaxTextLen:
			return Errorf(EInvalid, "measure %d: title is too long", n).WithKey("measure_field_too_long", "n", n, "field", "measure_title", "max", MaxTextLen).WithField(fmt.Sprintf("measures[%d].title", i))
		case !m.Kind.Valid():
			return Errorf(EInvalid, "measure %d: kind must be immediate, deadline or long_term", n).WithKey("measure_kind_invalid", "n", n).WithField(fmt.Sprintf("measures[%d].kind", i))
		case m.LeadUnitID <= 0:
			return Errorf(EInvalid, "measure %d: lead_unit_id is required", n).WithKey("measure_field_required", "n", n, "field", "lead_unit_id").WithField(fmt.Sprintf("measures[%d].lead_unit_id", i))
		case len([]rune(m.ResponsibleLeader)) > MaxNameLen:
			return Errorf(EInvalid, "measure %d: responsible_leader is too long", n).WithKey("measure_field_too_long", "n", n, "field", "responsible_leader", "max", MaxNameLen).WithField(fmt.Sprintf("measures[%d].responsible_leader", i))
		case len(m.CoUnitIDs) > 50:
			return Errorf(EInvalid, "measure %d: too many co-units", n).WithKey("measure_too_many_co_units", "n", n).WithField(fmt.Sprintf("measures[%d].co_unit_ids", i))
		}
		if !m.Deadline.IsZero() && m.Deadline.Time().IsZero() {
			return Errorf(EInvalid, "measure %d: deadline %q is not a date (use YYYY-MM-DD)", n, m.Deadline).WithKey("measure_deadline_not_date", "n", n, "value", string(m.Deadline)).WithField(fmt.Sprintf("measures[%d].deadline", i))
		}
		if m.Kind != KindLongTerm {
			if m.Deadline.IsZero() {
				return Errorf(EInvalid, "measure %d: deadline is required unless the measure is long_term", n).WithKey("measure_deadline_required", "n", n).WithField(fmt.Sprintf("measures[%d].deadline", i))
			}
			if !m.Deadline.DueAt().After(now) {
				return Errorf(EInvalid, "measure %d: deadline %s has passed", n, m.Deadline).WithKey("measure_deadline_passed", "n", n, "deadline", string(m.Deadline)).WithField(fmt.Sprintf("measures[%d].deadline", i))
			}
		}
		if slices.Contains(m.CoUnitIDs, m.LeadUnitID) {
			return Errorf(EInvalid, "measure %d: the lead unit cannot also be a co-unit", n).WithKey("measure_lead_is_co_unit", "n", n).WithField(fmt.Sprintf("measures[%d].co_unit_ids", i))
		}
		slices.Sort(m.CoUnitIDs)
		m.CoUnitIDs = slices.Compact(m.CoUnitIDs)
		if len(m.CoUnitIDs) > 0 && m.CoUnitIDs[0] <= 0 {
			return Errorf(EInvalid, "measure %d: co_unit_ids must be positive", n).WithKey("measure_co_units_invalid", "n", n).WithField(fmt.Sprintf("measures[%d].co_unit_ids", i))
		}
	}
	return nil
}

// clone returns a deep copy of in, so that validating it (which trims and
// sorts in place) never changes the caller's plan.
func (in *PlanInput) clone() *PlanInput {
	if in == nil {
		return nil
	}
	out := *in
	out.Measures = slices.Clone(in.Measures)
	for i := range out.Measures {
		out.Measures[i].CoUnitIDs = slices.Clone(out.Measures[i].CoUnitIDs)
		if h := out.Measures[i].Handler; h != nil {
			v := *h
			out.Measures[i].Handler = &v
		}
	}
	return &out
}

// UnitIDs returns every unit the plan names.
func (in *PlanInput) UnitIDs() []int64 {
	ids := []int64{in.LeadUnitID}
	for _, m := range in.Measures {
		ids = append(ids, m.LeadUnitID)
		ids = append(ids, m.CoUnitIDs...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// ProgressInput is a progress report.
type ProgressInput struct {
	Text    string `json:"text"`
	Percent *int   `json:"percent,omitempty"`
}

// clone returns a deep copy of in.
func (in *ProgressInput) clone() *ProgressInput {
	if in == nil {
		return nil
	}
	out := *in
	if in.Percent != nil {
		v := *in.Percent
		out.Percent = &v
	}
	return &out
}

// Validate checks a progress report.
func (in *ProgressInput) Validate() error {
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case in.Text == "":
		return Errorf(EInvalid, "text is required").WithKey("field_required", "field", "progress_text").WithField("text")
	case len([]rune(in.Text)) > MaxTextLen:
		return Errorf(EInvalid, "text is too long (at most %d characters)", MaxTextLen).WithKey("field_too_long", "field", "progress_text", "max", MaxTextLen).WithField("text")
	case in.Percent != nil && (*in.Percent < 0 || *in.Percent > 100):
		return Errorf(EInvalid, "percent must be between 0 and 100").WithKey("percent_invalid").WithField("percent")
	}
	return nil
}

// RequireText trims s and checks it is present and bounded.
func RequireText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Errorf(EInvalid, "%s is required", field).WithKey("field_required", "field", field).WithField(field)
	} else if len([]rune(s)) > MaxTextLen {
		return "", Errorf(EInvalid, "%s is too long (at most %d characters)", field, MaxTextLen).WithKey("field_too_long", "field", field, "max", MaxTextLen).WithField(field)
	}
	return s, nil
}

// OptionalText trims s and checks it is bounded.
func OptionalText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len([]rune(s)) > MaxTextLen {
		return "", Errorf(EInvalid, "%s is too long (at most %d characters)", field, MaxTextLen).WithKey("field_too_long", "field", field, "max", MaxTextLen).WithField(field)
	}
	return s, nil
}

// Command is one human decision on a problem, as sent to its workflow.
type Command struct {
	Action    Action         `json:"action"`
	RequestID string         `json:"request_id"`
	Actor     Actor          `json:"actor"`
	MeasureID int64          `json:"measure_id,omitempty"`
	Plan      *PlanInput     `json:"plan,omitempty"`
	Progress  *ProgressInput `json:"progress,omitempty"`
	// Text is the comment, summary, reason or message, depending on the action.
	Text string `json:"text,omitempty"`
	// ExtensionID names the request an extension decision is about.
	ExtensionID int64 `json:"extension_id,omitempty"`
	// Deadline is the new deadline an extension asks for (a look-back's
	// due date when it starts, the reopened measures' deadline when it ends).
	Deadline Date `json:"deadline,omitempty"`
	// Evidence is the live evidence of the problem when a closure is
	// requested; the service reads it from the store, never the client.
	Evidence []EvidenceRef `json:"evidence,omitempty"`
	// Justifications explain, per measure ID, why a measure has no evidence.
	Justifications map[int64]string `json:"justifications,omitempty"`
	// LookbackID names the look-back a look-back action belongs to.
	LookbackID int64 `json:"lookback_id,omitempty"`
	// Result, Finding and MeasureIDs conclude a look-back: MeasureIDs are
	// the measures a reopening sends back (none: every non-long-term one).
	Result     LookbackResult `json:"result,omitempty"`
	Finding    string         `json:"finding,omitempty"`
	MeasureIDs []int64        `json:"measure_ids,omitempty"`
	// Assignment is the 分办 of an assign action.
	Assignment *Assignment `json:"assignment,omitempty"`
	// Handler is the user a handler action names, read from the store.
	Handler *HandlerRef `json:"handler,omitempty"`
	// Reassign names the new lead unit, or the request decided on.
	Reassign *ReassignInput `json:"reassign,omitempty"`
	// Flag names the red flag a dismissal sets aside, read from the store.
	Flag *FlagRef `json:"flag,omitempty"`
}

// Validate checks the command's own input (not the problem's state).
func (c *Command) Validate(now time.Time) error {
	spec, ok := Spec(c.Action)
	if !ok {
		return Errorf(EInvalid, "unknown action %q", c.Action).WithKey("unknown_action", "action", string(c.Action)).WithField("action")
	}
	if spec.Validate == nil {
		return nil
	}
	return spec.Validate(c, now)
}

// Apply runs cmd against p at now. It returns the next state and its event,
// or an error (forbidden, conflict, not_found, invalid) and leaves p as is.
func Apply(p Problem, cmd Command, now time.Time) (Transition, error) {
	// Validate normalises the plan and progress in place: work on copies so
	// that neither the caller's command changes nor the next state shares
	// memory with it.
	cmd.Plan, cmd.Progress = cmd.Plan.clone(), cmd.Progress.clone()
	if err := cmd.Validate(now); err != nil {
		return Transition{}, err
	}
	spec, _ := Spec(cmd.Action)
	if len(spec.Roles) > 0 {
		if err := requireRole(cmd.Actor, spec.Verb, spec.Roles...); err != nil {
			return Transition{}, err
		}
	}
	next := p.Clone()
	ev := Event{
		ProblemID: p.ID,
		Seq:       p.Version + 1,
		RequestID: cmd.RequestID,
		Action:    cmd.Action,
		ActorID:   cmd.Actor.UserID,
		ActorName: cmd.Actor.Username,
		ActorRole: cmd.Actor.Role,
		ActorUnit: cmd.Actor.UnitID,
		FromStage: p.Stage,
		MeasureID: cmd.MeasureID,
		At:        now,
	}
	if err := spec.Apply(&next, cmd, now, &ev); err != nil {
		return Transition{}, err
	}
	next.Version = ev.Seq
	next.UpdatedAt = now
	if next.Stage != p.Stage {
		next.StageSince = now
	}
	ev.ToStage = next.Stage
	return Transition{Problem: next, Event: ev}, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs are encoded here
	}
	return b
}

func requireStage(p *Problem, want Stage, action string) error {
	if p.Stage != want {
		return Errorf(EConflict, "cannot %s: problem is in stage %q, not %q", action, p.Stage, want).WithKey("wrong_stage", "stage", string(p.Stage), "want", string(want))
	}
	return nil
}

func requireRole(a Actor, action string, roles ...Role) error {
	if !slices.Contains(roles, a.Role) {
		return Errorf(EForbidden, "role %q may not %s", a.Role, action).WithKey("role_may_not", "role", string(a.Role))
	}
	return nil
}

func submitPlan(p *Problem, cmd Command, now time.Time) error {
	if err := mayDraftPlan(p, cmd); err != nil {
		return err
	}
	if err := requireStage(p, StagePlan, "submit a plan"); err != nil {
		return err
	}
	p.LeadUnitID = cmd.Plan.LeadUnitID
	p.Measures = p.Measures[:0]
	for i, in := range cmd.Plan.Measures {
		var hid int64
		var hname string
		if in.HandlerID != 0 {
			if in.Handler == nil || in.Handler.UserID != in.HandlerID {
				return Errorf(ENotFound, "measure %d: handler %d not found", i+1, in.HandlerID).WithKey("user_not_found")
			}
			if err := checkHandler(&Measure{LeadUnitID: in.LeadUnitID}, in.Handler, i+1); err != nil {
				return err
			}
			hid, hname = in.Handler.UserID, in.Handler.Name
		}
		p.NextMeasureID++
		p.Measures = append(p.Measures, Measure{
			HandlerID: hid, HandlerName: hname,
			ID:                p.NextMeasureID,
			Title:             in.Title,
			Kind:              in.Kind,
			LeadUnitID:        in.LeadUnitID,
			CoUnitIDs:         append([]int64{}, in.CoUnitIDs...),
			ResponsibleLeader: in.ResponsibleLeader,
			Deadline:          in.Deadline,
			OriginalDeadline:  in.Deadline,
		})
	}
	p.PlanSubmittedBy = cmd.Actor.UserID
	// The plan waits for a leader's decision; the stage stays plan until then.
	return nil
}

func decidePlan(p *Problem, cmd Command, to Stage, ev *Event) error {
	verb := "approve a plan"
	if to == StagePlan {
		verb = "reject a plan"
	}
	if err := requireStage(p, StagePlan, verb); err != nil {
		return err
	}
	if p.PlanSubmittedBy == 0 {
		return Errorf(EConflict, "cannot %s: no plan has been submitted", verb).WithKey("plan_not_submitted")
	}
	if p.PlanSubmittedBy == cmd.Actor.UserID {
		return Errorf(EForbidden, "the leader who submitted a plan may not decide on it").WithKey("plan_own_decision")
	}
	ev.Payload = mustJSON(map[string]any{"drafted_by": p.PlanSubmittedBy})
	if to == StagePlan {
		p.PlanSubmittedBy = 0 // a new plan must be submitted
	}
	p.Stage = to
	return nil
}

func unitMeasure(p *Problem, cmd Command, verb string, allowCo bool) (*Measure, error) {
	m, err := p.Measure(cmd.MeasureID)
	if err != nil {
		return nil, err
	}
	if cmd.Actor.Role != RoleUnit {
		return nil, Errorf(EForbidden, "only a user of the measure's lead unit may %s", verb).WithKey("measure_lead_unit_only")
	}
	if cmd.Actor.UnitID == m.LeadUnitID || (allowCo && slices.Contains(m.CoUnitIDs, cmd.Actor.UnitID)) {
		return m, nil
	}
	if allowCo {
		return nil, Errorf(EForbidden, "only users of the measure's lead unit or co-units may %s", verb).WithKey("measure_units_only")
	}
	return nil, Errorf(EForbidden, "only a user of the measure's lead unit may %s", verb).WithKey("measure_lead_unit_only")
}

func acknowledge(p *Problem, cmd Command, now time.Time) error {
	m, err := unitMeasure(p, cmd, "acknowledge it", false)
	if err != nil {
		return err
	}
	if err := requireStage(p, StageAssign, "acknowledge a measure"); err != nil {
		return err
	}
	if m.Acknowledged {
		return Errorf(EConflict, "measure %d is already acknowledged", m.ID).WithKey("measure_already_acknowledged", p.measureRef(m)...)
	}
	m.Acknowledged, m.AcknowledgedAt = true, now
	for _, other := range p.Measures {
		if !other.Acknowledged {
			return nil
		}
	}
	p.Stage = StageExecute
	return nil
}

func reportProgress(p *Problem, cmd Command, now time.Time) error {
	m, err := unitMeasure(p, cmd, "report progress on it", true)
	if err != nil {
		return err
	}
	if err := requireStage(p, StageExecute, "report progress"); err != nil {
		return err
	}
	m.ProgressCount++
	m.ReportDue = ""
	m.LatestProgress = cmd.Progress.Text
	m.LatestPercent = cmd.Progress.Percent
	m.LatestProgressAt = now
	return nil
}

func completeMeasure(p *Problem, cmd Command, now time.Time) error {
	m, err := unitMeasure(p, cmd, "complete it", false)
	if err != nil {
		return err
	}
	if err := requireStage(p, StageExecute, "complete a measure"); err != nil {
		return err
	}
	switch {
	case m.Kind == KindLongTerm:
		return Errorf(EConflict, "measure %d is long-term: it is reviewed by progress reports, never completed", m.ID).WithKey("measure_long_term_not_completable", p.measureRef(m)...)
	case m.Completed:
		return Errorf(EConflict, "measure %d is already completed", m.ID).WithKey("measure_already_completed", p.measureRef(m)...)
	}
	m.Completed, m.CompletedAt, m.CompletionSummary = true, now, cmd.Text
	return nil
}

func requestClosure(p *Problem, cmd Command) error {
	if cmd.Actor.Role != RoleUnit || cmd.Actor.UnitID != p.LeadUnitID {
		return Errorf(EForbidden, "only a user of the problem's lead unit may request closure").WithKey("closure_lead_unit_only")
	}
	if err := requireStage(p, StageExecute, "request closure"); err != nil {
		return err
	}
	if p.Closure.Status == ClosureAwaitingEndorsement {
		return Errorf(EConflict, "a closure request already awaits the unit head's endorsement").WithKey("closure_awaiting_endorsement")
	}
	has := map[int64]bool{}
	for _, e := range cmd.Evidence {
		has[e.MeasureID] = true
	}
	justified := map[int64]string{}
	for _, m := range p.Measures {
		if m.Kind == KindLongTerm && m.ProgressCount == 0 {
			return Errorf(EConflict, "long-term measure %d needs at least one progress report before closure", m.ID).WithKey("measure_long_term_no_progress", p.measureRef(&m)...)
		}
		if m.Kind == KindLongTerm {
			continue
		}
		if !m.Completed {
			return Errorf(EConflict, "measure %d is not completed", m.ID).WithKey("measure_not_completed", p.measureRef(&m)...)
		}
		if j := strings.TrimSpace(cmd.Justifications[m.ID]); j != "" {
			justified[m.ID] = j
		} else if !has[m.ID] {
			return Errorf(EConflict, "measure %d has no evidence: upload 佐证材料 or give a written justification", m.ID).WithKey("measure_no_evidence", p.measureRef(&m)...).WithField(fmt.Sprintf("justifications.%d", m.ID))
		}
	}
	// The snapshot the supervisor decides on: evidence added later does not
	// change what was requested or approved.
	p.ClosureEvidence = slices.Clone(cmd.Evidence)
	p.ClosureJustifications = nil
	if len(justified) > 0 {
		p.ClosureJustifications = justified
	}
	p.Closure = ClosureState{Status: ClosureAwaitingReview, RequestedBy: cmd.Actor.UserID}
	switch {
	case cmd.Actor.UnitRole == UnitHead:
		// A head's own request counts as endorsed.
		p.Closure.EndorsedBy = cmd.Actor.UserID
	case p.Policy.EndorseClosure:
		p.Closure.Status = ClosureAwaitingEndorsement
		return nil
	}
	p.Stage = StageVerify
	return nil
}

func decideClosure(p *Problem, cmd Command, to Stage, now time.Time) error {
	verb := "approve closure"
	if to == StageExecute {
		verb = "reject closure"
	}
	if cmd.Actor.UnitID != 0 && cmd.Actor.UnitID == p.LeadUnitID {
		return Errorf(EForbidden, "nobody from the problem's lead unit may decide on its closure").WithKey("closure_own_unit")
	}
	if p.Closure.Status == ClosureAwaitingEndorsement {
		return Errorf(EConflict, "cannot %s: the request awaits the unit head's endorsement", verb).WithKey("closure_not_endorsed")
	}
	if err := requireStage(p, StageVerify, verb); err != nil {
		return err
	}
	p.Closure.Status = ClosureApproved
	if to != StageClosed {
		p.Closure.Status = ClosureRejected
	}
	p.Stage = to
	if to == StageClosed {
		p.ClosedAt = now
	}
	return nil
}

func requestExtension(p *Problem, cmd Command, now time.Time) error {
	m, err := unitMeasure(p, cmd, "ask for its extension", false)
	if err != nil {
		return err
	}
	if p.Stage != StageAssign && p.Stage != StageExecute {
		return Errorf(EConflict, "cannot ask for an extension: problem is in stage %q", p.Stage).WithKey("extension_wrong_stage", "stage", string(p.Stage))
	}
	switch {
	case m.Kind == KindLongTerm || m.Deadline.IsZero():
		return Errorf(EConflict, "measure %d has no deadline to extend", m.ID).WithKey("measure_no_deadline", p.measureRef(m)...)
	case m.Completed:
		return Errorf(EConflict, "measure %d is already completed", m.ID).WithKey("measure_already_completed", p.measureRef(m)...)
	case cmd.Deadline <= m.Deadline:
		return Errorf(EInvalid, "the new deadline must be later than the current one (%s)", m.Deadline).WithKey("extension_not_later", "deadline", string(m.Deadline)).WithField("deadline")
	}
	for _, e := range p.Extensions {
		if e.MeasureID == m.ID && e.Status == ExtensionPending {
			return Errorf(EConflict, "measure %d already has a pending extension request (%d)", m.ID, e.ID).WithKey("extension_pending", p.measureRef(m)...)
		}
	}
	p.NextExtensionID++
	p.Extensions = append(p.Extensions, ExtensionRequest{
		ID: p.NextExtensionID, MeasureID: m.ID, Deadline: cmd.Deadline, Previous: m.Deadline, Reason: cmd.Text,
		Status: ExtensionPending, RequestedBy: cmd.Actor.UserID, RequestedAt: now,
	})
	return nil
}

func decideExtension(p *Problem, cmd Command, now time.Time) (*ExtensionRequest, error) {
	var req *ExtensionRequest
	for i := range p.Extensions {
		if p.Extensions[i].ID == cmd.ExtensionID {
			req = &p.Extensions[i]
		}
	}
	switch {
	case req == nil:
		return nil, Errorf(ENotFound, "extension request %d not found in problem %d", cmd.ExtensionID, p.ID).WithKey("extension_not_found", "id", cmd.ExtensionID)
	case req.Status != ExtensionPending:
		return nil, Errorf(EConflict, "extension request %d is already %s", req.ID, req.Status).WithKey("extension_decided", "status", string(req.Status))
	case req.RequestedBy == cmd.Actor.UserID:
		return nil, Errorf(EForbidden, "the requester may not decide on their own extension").WithKey("extension_own")
	}
	req.DecidedBy, req.DecidedAt, req.Comment = cmd.Actor.UserID, now, cmd.Text
	if cmd.Action == ActionRejectExtension {
		req.Status = ExtensionRejected
		return req, nil
	}
	m, err := p.Measure(req.MeasureID)
	if err != nil {
		return nil, err
	}
	if m.Completed || (p.Stage != StageAssign && p.Stage != StageExecute) {
		return nil, Errorf(EConflict, "measure %d no longer runs against a deadline", m.ID).WithKey("measure_no_deadline_now", p.measureRef(m)...)
	}
	req.Status = ExtensionApproved
	m.Deadline = req.Deadline
	m.ExtensionCount++
	return req, nil
}

func urge(p *Problem) error {
	if p.Stage == StagePlan || p.Stage == StageClosed || p.Stage == StageLookback || p.LeadUnitID == 0 {
		return Errorf(EConflict, "nothing to urge: problem is in stage %q", p.Stage).WithKey("urge_wrong_stage", "stage", string(p.Stage))
	}
	return nil
}

// SchedulerActor is who sends the regular report requests.
var SchedulerActor = Actor{Username: "scheduler", Role: RoleAdmin}

func requestReports(p *Problem, cmd Command) error {
	if p.Stage != StageExecute {
		return Errorf(EConflict, "no reports to ask for: problem is in stage %q", p.Stage).WithKey("reports_wrong_stage", "stage", string(p.Stage))
	}
	asked := 0
	for i := range p.Measures {
		m := &p.Measures[i]
		if m.Completed && m.Kind != KindLongTerm {
			continue
		}
		m.ReportDue = cmd.Deadline
		asked++
	}
	if asked == 0 {
		return Errorf(EConflict, "every measure of problem %d is complete", p.ID).WithKey("reports_all_complete")
	}
	return nil
}
