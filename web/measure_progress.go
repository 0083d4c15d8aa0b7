package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// measureProgress is a progress report (进展) by the lead unit or a co-unit.
func (h *Handler) measureProgress(c *gin.Context) {
	h.act(c, domain.ActionReportProgress, func(cmd *domain.Command) error {
		in := domain.ProgressInput{Text: c.PostForm("text")}
		if v := strings.TrimSpace(c.PostForm("percent")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return domain.Errorf(domain.EInvalid, "percent must be a whole number between 0 and 100").WithKey("percent_invalid").WithField("percent")
			}
			in.Percent = &n
		}
		cmd.Progress = &in
		return nil
	})
}
