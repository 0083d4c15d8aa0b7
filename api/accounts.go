package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
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

// userEditRequest changes what it names and leaves the rest.
type userEditRequest struct {
	DisplayName *string `json:"display_name,omitempty"`
	Role        *string `json:"role,omitempty"`
	UnitID      *flexID `json:"unit_id,omitempty"`
	// UnitRole is head or staff for a unit user.
	UnitRole *string `json:"unit_role,omitempty"`
	Email    *string `json:"email,omitempty"`
}

func (s *Server) updateUser(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req userEditRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	edit := domain.UserEdit{DisplayName: req.DisplayName, Email: req.Email}
	if req.Role != nil {
		r := domain.Role(*req.Role)
		edit.Role = &r
	}
	if req.UnitID != nil {
		n := int64(*req.UnitID)
		edit.UnitID = &n
	}
	if req.UnitRole != nil {
		r := domain.UnitRole(*req.UnitRole)
		edit.UnitRole = &r
	}
	u, err := s.svc.UpdateUser(c.Request.Context(), currentUser(c), id, edit)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

// passwordResetRequest gives the new password, or none for a generated
// temporary one.
type passwordResetRequest struct {
	Password string `json:"password,omitempty"`
}

func (s *Server) resetPassword(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req passwordResetRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	res, err := s.svc.ResetPassword(c.Request.Context(), currentUser(c), id, req.Password)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
