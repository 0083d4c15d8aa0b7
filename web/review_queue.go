package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// reviewQueue (待审核) lists closure requests waiting for a supervisor, the
// longest waiting first, with approve and reject forms.
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
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "review_queue", &page{Title: h.langOf(c).T("rq.title"), Units: names, Data: items})
}
