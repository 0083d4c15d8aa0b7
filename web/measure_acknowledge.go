package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// measureAcknowledge is the lead unit's sign-for (签收) of a measure.
func (h *Handler) measureAcknowledge(c *gin.Context) {
	h.act(c, domain.ActionAcknowledge, nil)
}
