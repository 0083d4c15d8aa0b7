package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type planQueueView struct {
	ToApprove []queueItem
	ToDraft   []queueItem
	// Extensions are pending extension requests (延期审批), oldest first.
	Extensions []extensionItem
	// Overdue are red and yellow problems, to urge (催办).
	Overdue []queueItem
}

// extensionItem is one pending extension request with its problem.
type extensionItem struct {
	queueItem
	E domain.ExtensionRequest
}

// planQueue is the leading group's queue: submitted plans to decide on
// (not one's own) and problems still without a plan.
func (h *Handler) planQueue(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "see the plan queue", domain.RoleLeader, domain.RoleAdmin); err != nil {
		h.renderError(c, err)
		return
	}
	ps, err := h.problemsIn(ctx, u, domain.StagePlan, true)
	if err != nil {
		h.renderError(c, err)
		return
	}
	now := h.svc.Now()
	var v planQueueView
	for _, p := range ps {
		it := queueItem{P: p, Can: capabilities(u, p, now)}
		if p.PlanSubmittedBy != 0 {
			v.ToApprove = append(v.ToApprove, it)
		} else {
			v.ToDraft = append(v.ToDraft, it)
		}
	}
	if v.Extensions, v.Overdue, err = h.runningQueues(ctx, u, now); err != nil {
		h.renderError(c, err)
		return
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "plan_queue", &page{Title: h.langOf(c).T("pq.title"), Units: names, Data: v})
}
