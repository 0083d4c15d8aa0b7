package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// scheduleSet sets how often the campaign asks for progress reports and
// how many days a unit has to report, as PUT /api/v1/campaigns/:id/schedule
// does; "off" removes the schedule. Setting it is a replace.
func (h *Handler) scheduleSet(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	err = formRequestID(c)
	if err == nil {
		var days int
		if days, err = strconv.Atoi(strings.TrimSpace(c.PostForm("due_days"))); err != nil {
			err = domain.Errorf(domain.EInvalid, "due_days must be a whole number of days").WithKey("due_days_invalid").WithField("due_days")
		} else {
			_, err = h.svc.SetReportSchedule(c.Request.Context(), currentUser(c), id, cadenceOf(c), days)
		}
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, httpx.StatusOf(domain.ErrorCode(err)), f, nil) }, "schedule")
		return
	}
	reportsDone(c, id, "set_schedule")
}

// cadenceOf joins the form's select and text into a cadence ("monthly:25").
func cadenceOf(c *gin.Context) string {
	kind, arg := strings.TrimSpace(c.PostForm("cadence_kind")), strings.TrimSpace(c.PostForm("cadence_arg"))
	if kind == "" || kind == "off" {
		return ""
	}
	return kind + ":" + arg
}
