package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// extensionApprove is a leader's approval of an extension request, with an
// optional comment; the measure's deadline moves.
func (h *Handler) extensionApprove(c *gin.Context) {
	h.act(c, domain.ActionApproveExtension, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("comment")
		return extensionID(c, cmd)
	})
}

// extensionReject refuses an extension request with a required reason.
func (h *Handler) extensionReject(c *gin.Context) {
	h.act(c, domain.ActionRejectExtension, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		return extensionID(c, cmd)
	})
}

func extensionID(c *gin.Context, cmd *domain.Command) error {
	var err error
	cmd.ExtensionID, err = pathID(c, "rid")
	return err
}
