package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// userEdit changes a user's name, role, unit, unit role and email, as
// PATCH /api/v1/users/:id does.
func (h *Handler) userEdit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	unitID, err := formID(c.PostForm("unit_id"))
	if err == nil {
		name, email := c.PostForm("display_name"), c.PostForm("email")
		role, unitRole := domain.Role(c.PostForm("role")), domain.UnitRole(c.PostForm("unit_role"))
		_, err = h.svc.UpdateUser(c.Request.Context(), currentUser(c), id, domain.UserEdit{
			DisplayName: &name, Role: &role, UnitID: &unitID, UnitRole: &unitRole, Email: &email,
		})
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showUsers(c, httpx.StatusOf(domain.ErrorCode(err)), f, "") }, "user-edit-"+itoa(id))
		return
	}
	usersChanged(c, id, "saved")
}
