package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) changePassword(c *gin.Context) {
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	if err := s.svc.ChangePassword(c.Request.Context(), currentUser(c), c.GetString("token"), req.CurrentPassword, req.NewPassword); err != nil {
		s.renderError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) disableUser(c *gin.Context) { s.setUserDisabled(c, true) }

func (s *Server) enableUser(c *gin.Context) { s.setUserDisabled(c, false) }

func (s *Server) setUserDisabled(c *gin.Context, disabled bool) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	u, err := s.svc.SetUserDisabled(c.Request.Context(), currentUser(c), id, disabled)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}
