package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// planApprove is a leader's approval of a submitted plan (not the drafter).
func (h *Handler) planApprove(c *gin.Context) {
	h.act(c, domain.ActionApprovePlan, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("comment")
		return nil
	})
}

// planReject sends a plan back; the reason is required.
func (h *Handler) planReject(c *gin.Context) {
	h.act(c, domain.ActionRejectPlan, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		return nil
	})
}
