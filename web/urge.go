package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// urge (催办) sends the lead unit a message from a supervisor or leader,
// as POST /api/v1/problems/:id/urge does; the message is required.
func (h *Handler) urge(c *gin.Context) {
	h.act(c, domain.ActionUrge, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("message")
		return nil
	})
}
