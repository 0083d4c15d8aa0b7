package api

import (
	"fmt"
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
	// A round is not idempotent: a retry with the same Idempotency-Key
	// (from any replica, within a day) starts none.
	ctx, u := c.Request.Context(), currentUser(c)
	key, err := idempotencyKey(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if key != "" {
		key = fmt.Sprintf("api:u%d:trigger:%d:%s", u.ID, id, key)
		if first, err := s.svc.FirstUse(ctx, key); err != nil {
			s.renderError(c, err)
			return
		} else if !first {
			c.JSON(http.StatusAccepted, statusBody{Status: "started"})
			return
		}
	}
	if err := s.svc.TriggerReportRound(ctx, u, id); err != nil {
		if key != "" {
			_ = s.svc.ForgetUse(ctx, key)
		}
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, statusBody{Status: "started"})
}
