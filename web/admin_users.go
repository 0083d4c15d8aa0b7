package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

type usersView struct {
	Users []domain.User
	Units []domain.Unit
}

// usersPage lists users with a form to add one (admin).
func (h *Handler) usersPage(c *gin.Context) { h.showUsers(c, http.StatusOK, nil) }

func (h *Handler) showUsers(c *gin.Context, status int, f *forms) {
	if err := domain.RequireRole(currentUser(c), "list users", domain.RoleAdmin); err != nil {
		h.renderError(c, err)
		return
	}
	users, err := h.svc.Users(c.Request.Context())
	if err != nil {
		h.renderError(c, err)
		return
	}
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "admin_users", &page{Title: h.langOf(c).T("users.title"), Forms: f, Units: names, Data: usersView{Users: users, Units: units}})
}

// userCreate adds a user through the service, as POST /api/v1/users does.
func (h *Handler) userCreate(c *gin.Context) {
	unitID, err := formID(c.PostForm("unit_id"))
	if err == nil {
		_, err = h.svc.CreateUser(c.Request.Context(), currentUser(c), domain.NewUser{
			Username: c.PostForm("username"), Password: c.PostForm("password"), DisplayName: c.PostForm("display_name"),
			Role: domain.Role(c.PostForm("role")), UnitID: unitID, UnitRole: domain.UnitRole(c.PostForm("unit_role")),
		})
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.values.Del("password") // never echo a password
			h.showUsers(c, httpx.StatusOf(domain.ErrorCode(err)), f)
		}, "user")
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users")
}
