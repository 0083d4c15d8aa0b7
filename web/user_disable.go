package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// userDisable and userEnable stop and restore a user's access, as
// POST /api/v1/users/:id/disable and /enable do; disabling ends the
// user's sessions.
func (h *Handler) userDisable(c *gin.Context) { h.setUserDisabled(c, true) }

func (h *Handler) userEnable(c *gin.Context) { h.setUserDisabled(c, false) }

func (h *Handler) setUserDisabled(c *gin.Context, disabled bool) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	if _, err := h.svc.SetUserDisabled(c.Request.Context(), currentUser(c), id, disabled); err != nil {
		h.formFailed(c, err, func(f *forms) { h.showUsers(c, httpx.StatusOf(domain.ErrorCode(err)), f, "") }, "user-status-"+itoa(id))
		return
	}
	what := "enabled"
	if disabled {
		what = "disabled"
	}
	usersChanged(c, id, what)
}
