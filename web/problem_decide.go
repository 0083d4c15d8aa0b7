package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// closureApprove is a supervisor's approval of a closure request (销号).
func (h *Handler) closureApprove(c *gin.Context) {
	h.act(c, domain.ActionApproveClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("comment")
		return nil
	})
}

// closureReject sends a closure request back (退回) with a required reason.
func (h *Handler) closureReject(c *gin.Context) {
	h.act(c, domain.ActionRejectClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		return nil
	})
}
