package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type scheduleRequest struct {
	// Cadence is monthly:DAY, weekly:DAY, every:DURATION or off.
	Cadence string `json:"cadence"`
	DueDays int    `json:"due_days"`
}

func (s *Server) setSchedule(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req scheduleRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	campaign, err := s.svc.SetReportSchedule(c.Request.Context(), currentUser(c), id, req.Cadence, req.DueDays)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, campaign)
}

func (s *Server) triggerSchedule(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	if err := s.svc.TriggerReportRound(c.Request.Context(), currentUser(c), id); err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, statusBody{Status: "started"})
}
