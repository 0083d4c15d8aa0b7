package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
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
	if key := strings.TrimSpace(c.GetHeader("Idempotency-Key")); key != "" {
		if len(key) > 128 {
			s.renderError(c, domain.Errorf(domain.EInvalid, "Idempotency-Key is at most 128 characters").WithKey("idempotency_key_too_long"))
			return
		}
		scoped := fmt.Sprintf("api:u%d:trigger:%d:%s", u.ID, id, key)
		first, err := s.svc.FirstUse(ctx, scoped)
		if err != nil {
			s.renderError(c, err)
			return
		}
		if !first {
			c.JSON(http.StatusAccepted, statusBody{Status: "started"})
			return
		}
		if err := s.svc.TriggerReportRound(ctx, u, id); err != nil {
			_ = s.svc.ForgetUse(ctx, scoped)
			s.renderError(c, err)
			return
		}
		c.JSON(http.StatusAccepted, statusBody{Status: "started"})
		return
	}
	if err := s.svc.TriggerReportRound(ctx, u, id); err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, statusBody{Status: "started"})
}
