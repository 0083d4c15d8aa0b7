package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// measureComplete marks a measure done, with a required summary.
func (h *Handler) measureComplete(c *gin.Context) {
	h.act(c, domain.ActionCompleteMeasure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("summary")
		return nil
	})
}
