package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// userPasswordReset sets a user's password, the one typed or a generated
// temporary one, as POST /api/v1/users/:id/password-reset does. The page
// answers directly (no redirect) so that a temporary password is shown
// this once and never travels in a URL.
func (h *Handler) userPasswordReset(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	res, err := h.svc.ResetPassword(c.Request.Context(), currentUser(c), id, c.PostForm("password"))
	if err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.values.Del("password") // never echo a password
			h.showUsers(c, httpx.StatusOf(domain.ErrorCode(err)), f, "")
		}, "user-reset-"+itoa(id))
		return
	}
	flash := h.langOf(c).Tf("users.reset_done", res.User.DisplayName)
	h.showUsersWith(c, http.StatusOK, nil, flash, res.TemporaryPassword)
}
