package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// notificationRead marks one of the user's notifications read, as
// POST /api/v1/notifications/:id/read does; marking twice is harmless, so
// the form's request ID needs no bookkeeping.
func (h *Handler) notificationRead(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	if err := h.svc.MarkNotificationRead(c.Request.Context(), currentUser(c), id); err != nil {
		h.renderError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("back"), "/notifications"))
}
