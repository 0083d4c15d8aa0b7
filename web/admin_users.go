package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

type usersView struct {
	Users []userRowView
	Units []domain.Unit
	// TemporaryPassword is shown once, right after a reset that made one.
	TemporaryPassword string
}

// userRowView is one user's row with its edit form filled: from what was
// typed when that form failed, else from the user.
type userRowView struct {
	domain.User
	EditForm, ResetForm, StatusForm string
	// Edit holds the edit form's values; EditOpen opens it after a refusal.
	Edit                     domain.User
	EditOpen, ResetOpen, Own bool
}

// usersPage lists users with a form to add one and, per user, forms to
// edit, disable or enable, and reset the password (admin).
func (h *Handler) usersPage(c *gin.Context) { h.showUsers(c, http.StatusOK, nil, "") }

func (h *Handler) showUsers(c *gin.Context, status int, f *forms, flash string) {
	h.showUsersWith(c, status, f, flash, "")
}

func (h *Handler) showUsersWith(c *gin.Context, status int, f *forms, flash, temporaryPassword string) {
	me := currentUser(c)
	if err := domain.RequireRole(me, "list users", domain.RoleAdmin); err != nil {
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
	l := h.langOf(c)
	if flash == "" {
		flash = changedFlash(l, users, c.Query("changed"), c.Query("what"))
	}
	rows := make([]userRowView, len(users))
	for i, u := range users {
		r := userRowView{
			User: u, Edit: u, Own: u.ID == me.ID,
			EditForm:   "user-edit-" + itoa(u.ID),
			ResetForm:  "user-reset-" + itoa(u.ID),
			StatusForm: "user-status-" + itoa(u.ID),
		}
		if f.Err(r.EditForm) != "" {
			r.EditOpen = true
			r.Edit.DisplayName = f.Val(r.EditForm, "display_name")
			r.Edit.Role = domain.Role(f.Val(r.EditForm, "role"))
			r.Edit.UnitID, _ = strconv.ParseInt(f.Val(r.EditForm, "unit_id"), 10, 64)
			r.Edit.UnitRole = domain.UnitRole(f.Val(r.EditForm, "unit_role"))
			r.Edit.Email = f.Val(r.EditForm, "email")
		}
		r.ResetOpen = f.Err(r.ResetForm) != ""
		rows[i] = r
	}
	h.render(c, status, "admin_users", &page{
		Title: l.T("users.title"), Forms: f, Units: names, Flash: flash,
		Data: usersView{Users: rows, Units: units, TemporaryPassword: temporaryPassword},
	})
}

// changedFlash names what the last edit, disable or enable did (the
// redirect after it carries ?changed=<id>&what=...).
func changedFlash(l *lang, users []domain.User, changed, what string) string {
	id, err := strconv.ParseInt(changed, 10, 64)
	if err != nil {
		return ""
	}
	key := map[string]string{"saved": "users.saved", "disabled": "users.disabled_done", "enabled": "users.enabled_done"}[what]
	if key == "" {
		return ""
	}
	for _, u := range users {
		if u.ID == id {
			return l.Tf(key, u.DisplayName)
		}
	}
	return ""
}

// usersChanged answers a successful user action: back to the user's row.
func usersChanged(c *gin.Context, id int64, what string) {
	c.Redirect(http.StatusSeeOther, "/admin/users?changed="+itoa(id)+"&what="+what+"#user-"+itoa(id))
}

// userCreate adds a user through the service, as POST /api/v1/users does.
func (h *Handler) userCreate(c *gin.Context) {
	unitID, err := formID(c.PostForm("unit_id"))
	if err == nil {
		_, err = h.svc.CreateUser(c.Request.Context(), currentUser(c), domain.NewUser{
			Username: c.PostForm("username"), Password: c.PostForm("password"), DisplayName: c.PostForm("display_name"),
			Role: domain.Role(c.PostForm("role")), UnitID: unitID, UnitRole: domain.UnitRole(c.PostForm("unit_role")),
			Email: c.PostForm("email"),
		})
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.values.Del("password") // never echo a password
			h.showUsers(c, httpx.StatusOf(domain.ErrorCode(err)), f, "")
		}, "user")
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users")
}
