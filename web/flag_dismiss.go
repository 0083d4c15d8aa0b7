package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// flagDismiss sets a red flag aside with a reason, as POST
// /api/v1/flags/:fid/dismiss does, and goes back to the page of the form; a
// refusal re-renders that page with the message and the reason kept.
func (h *Handler) flagDismiss(c *gin.Context) {
	id, err := pathID(c, "fid")
	if err != nil {
		h.renderError(c, err)
		return
	}
	u := currentUser(c)
	back := localPath(c.PostForm("back"), "/flags")
	var cmd domain.Command
	if err = requestID(c, u, domain.ActionDismissFlag, &cmd); err == nil {
		_, err = h.svc.DismissFlag(c.Request.Context(), u, id, c.PostForm("reason"), cmd.RequestID)
	}
	if err == nil {
		redirectDone(c, back, domain.ActionDismissFlag)
		return
	}
	form, status := "dismiss_flag-"+itoa(id), httpx.StatusOf(domain.ErrorCode(err))
	switch {
	case domain.IsCode(err, domain.EInternal) || domain.IsCode(err, domain.ENotFound) || domain.IsCode(err, domain.EForbidden):
		h.renderError(c, err)
	case strings.HasPrefix(back, "/problems/"):
		pid, perr := strconv.ParseInt(strings.SplitN(strings.TrimPrefix(back, "/problems/"), "?", 2)[0], 10, 64)
		if perr != nil {
			h.renderError(c, err)
			return
		}
		h.showProblem(c, pid, status, h.failed(c, form, err))
	default:
		h.showFlags(c, status, h.failed(c, form, err))
	}
}
