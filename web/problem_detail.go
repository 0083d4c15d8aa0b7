package web

import (
	"net/http"
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
	Entered  map[domain.Stage]time.Time
	Can      can
	Back     string
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
}

// Any reports whether the user has any form on the problem.
func (c can) Any() bool {
	return c.EditPlan || c.DecidePlan || len(c.Acknowledge) > 0 || len(c.Progress) > 0 ||
		len(c.Complete) > 0 || c.RequestClosure || c.DecideClosure || c.Urge ||
		len(c.RequestExtension) > 0 || len(c.DecideExtension) > 0
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
	c.EditPlan = p.Stage == domain.StagePlan && (u.Role == domain.RoleLeader || u.Role == domain.RoleAdmin)
	c.Drafter = p.PlanSubmittedBy != 0 && p.PlanSubmittedBy == u.ID
	c.DecidePlan = try(domain.Command{Action: domain.ActionApprovePlan})
	for _, m := range p.Measures {
		if try(domain.Command{Action: domain.ActionAcknowledge, MeasureID: m.ID}) {
			c.Acknowledge[m.ID] = true
		}
		if try(domain.Command{Action: domain.ActionReportProgress, MeasureID: m.ID, Progress: &domain.ProgressInput{Text: "x"}}) {
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
	c.RequestClosure = p.Stage == domain.StageExecute && u.Role == domain.RoleUnit && u.UnitID == p.LeadUnitID
	c.DecideClosure = try(domain.Command{Action: domain.ActionApproveClosure})
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
	v := problemView{P: p, Back: "/problems/" + itoa(id), Can: capabilities(u, p, h.svc.Now())}
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
		if ev.ToStage != "" && ev.ToStage != ev.FromStage {
			v.Entered[ev.ToStage] = ev.At // the latest entry: a stage may be re-entered
		}
	}
	sum, err := h.svc.Store.Campaign(ctx, p.CampaignID)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Campaign = sum.Campaign
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "problem_detail", &page{Title: p.Title, Forms: f, Units: names, Data: v})
}
