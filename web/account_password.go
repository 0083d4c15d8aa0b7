package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// accountPasswordPage lets the signed-in user change the password; after
// an admin's reset it is the only page the user can open.
func (h *Handler) accountPasswordPage(c *gin.Context) {
	h.showAccountPassword(c, http.StatusOK, nil, "")
}

func (h *Handler) showAccountPassword(c *gin.Context, status int, f *forms, flash string) {
	h.render(c, status, "account_password", &page{Title: h.langOf(c).T("account.title"), Forms: f, Flash: flash})
}

// accountPassword changes the password as POST /api/v1/me/password does:
// the other sessions end, this one stays, and a forced change is cleared.
func (h *Handler) accountPassword(c *gin.Context) {
	err := h.svc.ChangePassword(c.Request.Context(), currentUser(c), c.GetString(ctxToken), c.PostForm("current_password"), c.PostForm("new_password"))
	if err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.values.Del("current_password") // never echo a password
			f.values.Del("new_password")
			h.showAccountPassword(c, httpx.StatusOf(domain.ErrorCode(err)), f, "")
		}, "password")
		return
	}
	// Read the user again: the page's header and the flag have changed.
	if u, err := h.svc.Authenticate(c.Request.Context(), c.GetString(ctxToken)); err == nil {
		c.Set(ctxUser, u)
	}
	h.showAccountPassword(c, http.StatusOK, nil, h.langOf(c).T("account.done"))
}
