package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// closureRequest is the lead unit's application for closure (申请销号).
func (h *Handler) closureRequest(c *gin.Context) {
	h.act(c, domain.ActionRequestClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("summary")
		return nil
	})
}
