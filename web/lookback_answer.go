package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// lookbackAnswer (报送补充材料): the lead unit answers a request for
// material, on its problem's page; files go up as evidence beside it.
func (h *Handler) lookbackAnswer(c *gin.Context) {
	h.lookbackAct(c, domain.ActionAnswerMaterial, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("text")
		return nil
	})
}
