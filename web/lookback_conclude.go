package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// lookbackConclude (回头看结论) confirms the closure with a finding, or
// reopens the problem with a reason and a new deadline for the chosen
// measures (none chosen: every non-long-term one).
func (h *Handler) lookbackConclude(c *gin.Context) {
	h.lookbackAct(c, domain.ActionConcludeLookback, func(cmd *domain.Command) error {
		cmd.Result = domain.LookbackResult(c.PostForm("result"))
		cmd.Finding, cmd.Text = c.PostForm("finding"), c.PostForm("reason")
		if cmd.Result == domain.LookbackReopened {
			if v := strings.TrimSpace(c.PostForm("deadline")); v != "" {
				d, err := domain.ParseDate(v)
				if err != nil {
					return domain.Errorf(domain.EInvalid, "deadline: %s", domain.ErrorMessage(err)).WithKey("field_date_invalid", "field", "lookback_new_deadline", "value", v).WithField("deadline")
				}
				cmd.Deadline = d
			}
			for _, v := range c.PostFormArray("measure_id") {
				id, err := formID(v)
				if err != nil {
					return err
				}
				if id != 0 {
					cmd.MeasureIDs = append(cmd.MeasureIDs, id)
				}
			}
		}
		return nil
	})
}
