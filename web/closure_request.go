package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// closureRequest is the lead unit's application for closure (申请销号),
// with an optional written justification per measure (justification_<ID>)
// for a measure that has no evidence.
func (h *Handler) closureRequest(c *gin.Context) {
	h.act(c, domain.ActionRequestClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("summary")
		for key, vs := range c.Request.PostForm {
			rest, ok := strings.CutPrefix(key, "justification_")
			if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
				continue
			}
			id, err := formID(rest)
			if err != nil || id == 0 {
				return domain.Errorf(domain.EInvalid, "%q is not a measure's justification", key).WithKey("justifications_invalid").WithField("justifications")
			}
			if cmd.Justifications == nil {
				cmd.Justifications = map[int64]string{}
			}
			cmd.Justifications[id] = vs[0]
		}
		return nil
	})
}
