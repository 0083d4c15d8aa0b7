package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// extensionRequest (延期申请) asks, for the measure's lead unit, to move its
// deadline: a new date and a reason, as the API's extension-requests POST.
func (h *Handler) extensionRequest(c *gin.Context) {
	h.act(c, domain.ActionRequestExtension, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		if v := strings.TrimSpace(c.PostForm("deadline")); v != "" {
			d, err := domain.ParseDate(v)
			if err != nil {
				return domain.Errorf(domain.EInvalid, "deadline: %s", domain.ErrorMessage(err)).WithKey("field_date_invalid", "field", "new_deadline", "value", v).WithField("deadline")
			}
			cmd.Deadline = d
		}
		return nil
	})
}
