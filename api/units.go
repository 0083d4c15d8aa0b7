package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type unitRequest struct {
	Name string `json:"name"`
}

func (s *Server) createUnit(c *gin.Context) {
	var req unitRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	unit, err := s.svc.CreateUnit(c.Request.Context(), currentUser(c), req.Name)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, unit)
}

// listUnits is open to every signed-in user: plans and pages name units.
func (s *Server) listUnits(c *gin.Context) {
	units, err := s.svc.Units(c.Request.Context())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(units, int64(len(units))))
}

type userRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	UnitID      flexID `json:"unit_id"`
	Email       string `json:"email"`
	// UnitRole is head or staff (default) for a unit user.
	UnitRole string `json:"unit_role"`
}

func (s *Server) createUser(c *gin.Context) {
	var req userRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	u, err := s.svc.CreateUser(c.Request.Context(), currentUser(c), domain.NewUser{
		Username: req.Username, Password: req.Password, DisplayName: req.DisplayName,
		Role: domain.Role(req.Role), UnitID: int64(req.UnitID), Email: req.Email, UnitRole: domain.UnitRole(req.UnitRole),
	})
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) listUsers(c *gin.Context) {
	if err := domain.RequireRole(currentUser(c), "list users", domain.RoleAdmin); err != nil {
		s.renderError(c, err)
		return
	}
	users, err := s.svc.Users(c.Request.Context())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(users, int64(len(users))))
}
