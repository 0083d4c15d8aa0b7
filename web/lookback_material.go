package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// lookbackRequestMaterial (要求补充材料): the discipline group asks the
// problem's lead unit for material.
func (h *Handler) lookbackRequestMaterial(c *gin.Context) {
	h.lookbackAct(c, domain.ActionRequestMaterial, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("text")
		return nil
	})
}
