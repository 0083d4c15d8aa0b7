package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// reviewQueue (待审核) lists closure requests waiting for a supervisor, the
// longest waiting first, with approve and reject forms; then the problems
// running late, with an urge form each.
func (h *Handler) reviewQueue(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "review closure requests", domain.RoleSupervisor); err != nil {
		h.renderError(c, err)
		return
	}
	// In verify nothing changes a problem but the decision, so its last
	// change is when closure was requested.
	ps, err := h.problemsIn(ctx, u, domain.StageVerify, true)
	if err != nil {
		h.renderError(c, err)
		return
	}
	now := h.svc.Now()
	items := make([]queueItem, len(ps))
	for i, p := range ps {
		items[i] = queueItem{P: p, Can: capabilities(u, p, now)}
	}
	_, overdue, err := h.runningQueues(ctx, u, now)
	if err != nil {
		h.renderError(c, err)
		return
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "review_queue", &page{Title: h.langOf(c).T("rq.title"), Units: names, Data: reviewView{Items: items, Overdue: overdue}})
}

// reviewView is the supervisor's queue: closure requests to decide, and
// the red and yellow problems to urge (催办).
type reviewView struct {
	Items   []queueItem
	Overdue []queueItem
}
