package web

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// problemView is the problem page: the problem, its campaign, its progress
// reports and event log, when it entered each stage, and which forms the
// user gets.
type problemView struct {
	P        domain.Problem
	Campaign domain.Campaign
	Progress []domain.ProgressEntry
	Events   []domain.Event
	// Records is the 办理记录: the workflow's events with the evidence
	// uploads and withdrawals between them, oldest first.
	Records []domain.Event
	// Entered is when the problem first entered each stage it reached.
	Entered map[domain.Stage]time.Time
	// Sent back is the latest return (a plan or closure rejected or
	// returned, material asked for) still waiting for an answer: the
	// banner at the top of the page.
	SentBack *domain.Event
	// Visited are the stages the problem has been in (a look-back that
	// happened stays marked after the problem is closed again).
	Visited map[domain.Stage]bool
	Can     can
	Back    string
	// Evidence is the problem's evidence by measure ID, withdrawn marked.
	Evidence map[int64][]domain.Evidence
	Outcomes []domain.Outcome
	// Lookback is the look-back the problem is under, with its requests
	// for material and answers; nil when it is under none.
	Lookback *lookbackState
	// EvidenceMB is the upload limit, for the form's hint.
	EvidenceMB int64
	// UnitList is every unit, for the 分办 and reassignment forms; Members
	// the units' users, for the handler picker.
	UnitList []domain.Unit
	Members  []domain.User
	// Flags are the problem's red flags (风险线索); DismissFlags: the
	// user may dismiss them.
	Flags        []domain.Flag
	DismissFlags bool
}

// lookbackState is what the problem page shows of a look-back under way.
type lookbackState struct {
	ID  int64
	Due domain.Date
	// Material is the requests and answers since the look-back started.
	Material []domain.Event
	// Requested: the last request has no answer yet.
	Requested bool
}

// can says which forms a user sees on a problem. It only hides what would
// be refused anyway: the workflow decides again on every submit.
type can struct {
	EditPlan       bool
	DecidePlan     bool
	Drafter        bool
	Acknowledge    map[int64]bool
	Progress       map[int64]bool
	Complete       map[int64]bool
	RequestClosure bool
	DecideClosure  bool
	// Urge is a supervisor's or leader's 催办 form.
	Urge bool
	// RequestExtension is keyed by measure ID, DecideExtension by the
	// pending extension request's ID.
	RequestExtension map[int64]bool
	DecideExtension  map[int64]bool
	// Upload is keyed by measure ID: a user of its lead or co-unit while
	// the problem is worked on (or under look-back).
	Upload map[int64]bool
	// Withdraw: evidence may still be withdrawn (by its uploader).
	Withdraw bool
	// Outcome: a user of the lead unit enters outcomes.
	Outcome bool
	// Answer: the lead unit answers the look-back's request for material.
	Answer bool
	// Justify lists the measures a closure request may justify in words.
	Justify []domain.Measure
	// Assign: the office's 分办 form. NameHandler is keyed by measure ID.
	Assign      bool
	NameHandler map[int64]bool
	// Endorse: the unit head's endorsement or return of a closure request.
	Endorse bool
	// Reassign: the request form; DecideReassign the pending request's ID.
	Reassign       bool
	DecideReassign int64
}

// Any reports whether the user has any form on the problem.
func (c can) Any() bool {
	return c.EditPlan || c.DecidePlan || len(c.Acknowledge) > 0 || len(c.Progress) > 0 ||
		len(c.Complete) > 0 || c.RequestClosure || c.DecideClosure || c.Urge ||
		len(c.RequestExtension) > 0 || len(c.DecideExtension) > 0 || c.Assign || len(c.NameHandler) > 0 ||
		c.Endorse || c.Reassign || c.DecideReassign != 0
}

// capabilities dry-runs each decision through domain.Apply, the same rule
// the workflow applies, with placeholder text. Requesting closure is shown
// to the problem's lead unit through all of execute, so that the refusal
// ("measure 2 is not done") explains what is missing.
func capabilities(u domain.User, p domain.Problem, now time.Time) can {
	a := u.Actor()
	try := func(cmd domain.Command) bool {
		cmd.Actor, cmd.RequestID = a, "dry-run"
		_, err := domain.Apply(p, cmd, now)
		return err == nil
	}
	c := can{Acknowledge: map[int64]bool{}, Progress: map[int64]bool{}, Complete: map[int64]bool{},
		RequestExtension: map[int64]bool{}, DecideExtension: map[int64]bool{}}
	tomorrow := domain.DateOf(now).AddDays(1)
	c.EditPlan = p.Stage == domain.StagePlan && (u.Role == domain.RoleLeader || u.Role == domain.RoleAdmin ||
		(u.Role == domain.RoleUnit && p.Assignment != nil && u.UnitID == p.Assignment.LeadUnitID && p.PlanSubmittedBy == 0))
	c.Drafter = p.PlanSubmittedBy != 0 && p.PlanSubmittedBy == u.ID
	c.DecidePlan = try(domain.Command{Action: domain.ActionApprovePlan})
	for _, m := range p.Measures {
		if try(domain.Command{Action: domain.ActionAcknowledge, MeasureID: m.ID}) {
			c.Acknowledge[m.ID] = true
		}
		// A completed measure has nothing left to report on.
		if !m.Completed && try(domain.Command{Action: domain.ActionReportProgress, MeasureID: m.ID, Progress: &domain.ProgressInput{Text: "x"}}) {
			c.Progress[m.ID] = true
		}
		if try(domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: m.ID, Text: "x"}) {
			c.Complete[m.ID] = true
		}
		later := max(tomorrow, m.Deadline.AddDays(1))
		if !m.Deadline.IsZero() && try(domain.Command{Action: domain.ActionRequestExtension, MeasureID: m.ID, Deadline: later, Text: "x"}) {
			c.RequestExtension[m.ID] = true
		}
	}
	for _, e := range p.Extensions {
		if e.Status == domain.ExtensionPending && try(domain.Command{Action: domain.ActionApproveExtension, ExtensionID: e.ID}) {
			c.DecideExtension[e.ID] = true
		}
	}
	c.Urge = try(domain.Command{Action: domain.ActionUrge, Text: "x"})
	// Placeholder units: the rules do not look the unit up, the service does.
	const anyUnit = 1 << 62
	c.Assign = try(domain.Command{Action: domain.ActionAssign, Assignment: &domain.Assignment{LeadUnitID: anyUnit, PlanDue: tomorrow}})
	c.NameHandler = map[int64]bool{}
	for _, m := range p.Measures {
		if try(domain.Command{Action: domain.ActionNameHandler, MeasureID: m.ID, Handler: &domain.HandlerRef{UserID: u.ID, UnitID: m.LeadUnitID}}) {
			c.NameHandler[m.ID] = true
		}
	}
	c.Endorse = try(domain.Command{Action: domain.ActionEndorseClosure})
	c.Reassign = try(domain.Command{Action: domain.ActionRequestReassignment, Text: "x", Reassign: &domain.ReassignInput{LeadUnitID: anyUnit}})
	for _, r := range p.Reassignments {
		if r.Status == domain.ReassignPending && try(domain.Command{Action: domain.ActionApproveReassignment, Reassign: &domain.ReassignInput{ID: r.ID}}) {
			c.DecideReassign = r.ID
		}
	}
	c.RequestClosure = p.Stage == domain.StageExecute && u.Role == domain.RoleUnit && u.UnitID == p.LeadUnitID
	c.DecideClosure = try(domain.Command{Action: domain.ActionApproveClosure})
	c.Upload = map[int64]bool{}
	working := p.Stage == domain.StageAssign || p.Stage == domain.StageExecute
	for _, m := range p.Measures {
		if u.Role == domain.RoleUnit && (working || p.Stage == domain.StageLookback) &&
			(u.UnitID == m.LeadUnitID || slices.Contains(m.CoUnitIDs, u.UnitID)) {
			c.Upload[m.ID] = true
		}
		if m.Kind != domain.KindLongTerm {
			c.Justify = append(c.Justify, m)
		}
	}
	c.Withdraw = working && u.Role == domain.RoleUnit
	c.Outcome = u.Role == domain.RoleUnit && u.UnitID == p.LeadUnitID && p.LeadUnitID != 0 && p.Stage != domain.StagePlan
	c.Answer = p.Stage == domain.StageLookback && u.Role == domain.RoleUnit && u.UnitID == p.LeadUnitID
	return c
}

func (h *Handler) problemDetail(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.showProblem(c, id, http.StatusOK, nil)
}

// showProblem renders the problem page; after a refused form, with that
// form's message and input and the refusal's status.
func (h *Handler) showProblem(c *gin.Context, id int64, status int, f *forms) {
	ctx, u := c.Request.Context(), currentUser(c)
	p, err := h.svc.Problem(ctx, u, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v := problemView{P: p, Back: "/problems/" + itoa(id), Can: capabilities(u, p, h.svc.Now()), EvidenceMB: h.evidenceLimit >> 20}
	if v.Progress, err = h.svc.Progress(ctx, u, id); err != nil {
		h.renderError(c, err)
		return
	}
	if v.Events, err = h.svc.Events(ctx, u, id); err != nil {
		h.renderError(c, err)
		return
	}
	v.Entered = map[domain.Stage]time.Time{}
	for _, ev := range v.Events {
		if _, seen := v.Entered[ev.ToStage]; ev.ToStage != "" && ev.ToStage != ev.FromStage && !seen {
			v.Entered[ev.ToStage] = ev.At // the first entry: a look-back re-enters execute
		}
	}
	v.Visited = map[domain.Stage]bool{}
	for st := range v.Entered {
		v.Visited[st] = true
	}
	v.SentBack = sentBack(v.Events)
	if p.Stage == domain.StageLookback {
		v.Lookback = lookbackOf(p, v.Events)
	}
	evidence, err := h.svc.ListEvidence(ctx, u, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Evidence = map[int64][]domain.Evidence{}
	for _, e := range evidence {
		v.Evidence[e.MeasureID] = append(v.Evidence[e.MeasureID], e)
	}
	if v.Flags, err = h.svc.ProblemFlags(ctx, u, id); err != nil {
		h.renderError(c, err)
		return
	}
	v.DismissFlags = u.Role == domain.RoleDiscipline || u.Role == domain.RoleSupervisor
	v.Records = withEvidence(v.Events, evidence)
	if v.Outcomes, err = h.svc.ListOutcomes(ctx, u, id); err != nil {
		h.renderError(c, err)
		return
	}
	sum, err := h.svc.Campaign(ctx, p.CampaignID)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Campaign = sum.Campaign
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.UnitList = units
	if len(v.Can.NameHandler) > 0 {
		if v.Members, err = h.svc.UnitMembers(ctx); err != nil {
			h.renderError(c, err)
			return
		}
	}
	people, err := h.svc.DisplayNames(ctx, peopleOf(v.Records, v.Progress))
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "problem_detail", &page{Title: p.Title, Forms: f, Units: names, People: people, Data: v})
}

// The 办理记录's entries for evidence, named like the web's own actions
// (their labels are action.add_evidence and action.withdraw_evidence).
const (
	recordAddEvidence      domain.Action = "add_evidence"
	recordWithdrawEvidence domain.Action = "withdraw_evidence"
)

// withEvidence merges evidence uploads and withdrawals into the event log,
// so the 办理记录 shows who added or withdrew which file when. Evidence is
// kept outside the workflow's log (an upload is not a decision), hence the
// merge at display time.
func withEvidence(events []domain.Event, evidence []domain.Evidence) []domain.Event {
	out := make([]domain.Event, 0, len(events)+len(evidence))
	out = append(out, events...)
	for _, e := range evidence {
		what := e.Title
		if e.OriginalName != "" {
			what += "（" + e.OriginalName + "）"
		}
		out = append(out, domain.Event{ProblemID: e.ProblemID, Action: recordAddEvidence, ActorID: e.UploadedBy,
			ActorName: e.UploaderName, ActorRole: domain.RoleUnit, MeasureID: e.MeasureID, Reason: what, At: e.CreatedAt})
		if e.Withdrawn {
			out = append(out, domain.Event{ProblemID: e.ProblemID, Action: recordWithdrawEvidence, ActorID: e.UploadedBy,
				ActorName: e.UploaderName, ActorRole: domain.RoleUnit, MeasureID: e.MeasureID, Reason: what, At: e.WithdrawnAt})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// peopleOf lists the users a problem page names.
func peopleOf(records []domain.Event, progress []domain.ProgressEntry) []int64 {
	ids := make([]int64, 0, len(records)+len(progress))
	for _, ev := range records {
		ids = append(ids, ev.ActorID)
	}
	for _, pr := range progress {
		ids = append(ids, pr.UserID)
	}
	return ids
}

// lookbackOf reads the look-back under way from the event log: the
// requests for material and answers since it started, and whether the last
// request waits for an answer.
func lookbackOf(p domain.Problem, events []domain.Event) *lookbackState {
	st := &lookbackState{ID: p.LookbackID, Due: p.LookbackDue}
	for _, ev := range events {
		switch ev.Action {
		case domain.ActionStartLookback:
			st.Material, st.Requested = nil, false
		case domain.ActionRequestMaterial:
			st.Material, st.Requested = append(st.Material, ev), true
		case domain.ActionAnswerMaterial:
			st.Material, st.Requested = append(st.Material, ev), false
		}
	}
	return st
}

// sentBack is the latest return still unanswered: a rejected or returned
// plan or closure until the next submission, a request for material until
// its answer.
func sentBack(events []domain.Event) *domain.Event {
	var last *domain.Event
	for i := range events {
		switch events[i].Action {
		case domain.ActionRejectPlan, domain.ActionRejectClosure, domain.ActionReturnClosure, domain.ActionRequestMaterial:
			last = &events[i]
		case domain.ActionSubmitPlan, domain.ActionRequestClosure, domain.ActionAnswerMaterial, domain.ActionApproveClosure, domain.ActionConcludeLookback:
			last = nil
		}
	}
	return last
}
