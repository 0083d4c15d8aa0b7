package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// scheduleTrigger runs the campaign's report round now, as POST
// /api/v1/campaigns/:id/schedule/trigger does. A round is not idempotent,
// so the form's request ID is remembered for a day in the database every
// replica shares, and a double submit starts one round.
func (h *Handler) scheduleTrigger(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	if err = formRequestID(c); err == nil {
		key := fmt.Sprintf("u%d:trigger:%d:%s", currentUser(c).ID, id, c.PostForm("request_id"))
		var first bool
		if first, err = h.svc.FirstUse(c.Request.Context(), key); err == nil && first {
			if err = h.svc.TriggerReportRound(c.Request.Context(), currentUser(c), id); err != nil {
				_ = h.svc.ForgetUse(c.Request.Context(), key)
			}
		}
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, httpx.StatusOf(domain.ErrorCode(err)), f, nil) }, "trigger")
		return
	}
	reportsDone(c, id, "trigger_report")
}
