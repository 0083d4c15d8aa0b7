package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// lookbackView is one look-back: its problems, how each ended, the
// requests for material and the answers, and the discipline group's forms
// on the problems still under it.
type lookbackView struct {
	LB    domain.Lookback
	Items []lookbackItem
	Back  string
}

type lookbackItem struct {
	LP domain.LookbackProblem
	P  domain.Problem
	// Active: the problem is under this look-back now and the user may act.
	Active bool
}

func (h *Handler) lookbackPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.showLookback(c, id, http.StatusOK, nil)
}

// showLookback renders a look-back; after a refused form, with the form's
// message and input.
func (h *Handler) showLookback(c *gin.Context, id int64, status int, f *forms) {
	ctx, u := c.Request.Context(), currentUser(c)
	lb, err := h.svc.Lookback(ctx, u, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v := lookbackView{LB: lb, Back: "/lookbacks/" + itoa(id)}
	for _, lp := range lb.Problems {
		p, err := h.svc.Problem(ctx, u, lp.ProblemID)
		if err != nil {
			h.renderError(c, err)
			return
		}
		v.Items = append(v.Items, lookbackItem{LP: lp, P: p,
			Active: u.Role == domain.RoleDiscipline && p.Stage == domain.StageLookback && p.LookbackID == id})
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	var ids []int64
	for _, it := range v.Items {
		for _, ev := range it.LP.Material {
			ids = append(ids, ev.ActorID)
		}
	}
	people, err := h.svc.DisplayNames(ctx, ids)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "lookback", &page{Title: lb.Title, Forms: f, Units: names, People: people, Data: v})
}

// lookbackAct sends a look-back action on the problem in the path through
// service.LookbackAction, as the API's look-back routes do, and goes back
// to the form's page; a refusal re-renders it with the form's message.
// The unit's answer lives on the problem page, the rest on the look-back's.
func (h *Handler) lookbackAct(c *gin.Context, action domain.Action, fill func(*domain.Command) error) {
	lookbackID, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	problemID, err := pathID(c, "pid")
	if err != nil {
		h.renderError(c, err)
		return
	}
	u := currentUser(c)
	cmd := domain.Command{Action: action}
	form := string(action) + "-" + itoa(problemID)
	err = requestID(c, u, action, &cmd)
	if err == nil {
		err = fill(&cmd)
	}
	if err == nil {
		_, err = h.svc.LookbackAction(c.Request.Context(), u, lookbackID, problemID, cmd)
	}
	onProblem := action == domain.ActionAnswerMaterial
	def := "/lookbacks/" + itoa(lookbackID)
	if onProblem {
		def = "/problems/" + itoa(problemID)
	}
	switch {
	case domain.IsCode(err, domain.EInternal):
		h.renderError(c, err)
	case err != nil && onProblem:
		h.showProblem(c, problemID, httpx.StatusOf(domain.ErrorCode(err)), h.failed(c, form, err))
	case err != nil:
		h.showLookback(c, lookbackID, httpx.StatusOf(domain.ErrorCode(err)), h.failed(c, form, err))
	default:
		redirectDone(c, localPath(c.PostForm("back"), def), action)
	}
}
