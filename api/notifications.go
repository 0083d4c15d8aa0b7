package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) listNotifications(c *gin.Context) {
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		s.renderError(c, err)
		return
	}
	items, unread, err := s.svc.Notifications(c.Request.Context(), currentUser(c), limit)
	if err != nil {
		s.renderError(c, err)
		return
	}
	body := list(items, int64(len(items)))
	c.JSON(http.StatusOK, notificationsBody{Items: body.Items, Total: body.Total, Unread: unread})
}

func (s *Server) readNotification(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	if err := s.svc.MarkNotificationRead(c.Request.Context(), currentUser(c), id); err != nil {
		s.renderError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) campaignStats(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	stats, err := s.svc.CampaignStats(c.Request.Context(), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, stats)
}
