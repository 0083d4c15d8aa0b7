package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

type loginData struct{ Next string }

func (h *Handler) loginPage(c *gin.Context) {
	next := localPath(c.Query("next"), "/dashboard")
	if currentUser(c).ID != 0 {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	h.render(c, http.StatusOK, "login", &page{Title: h.langOf(c).T("login.title"), Data: loginData{Next: next}})
}

// login opens a service session and keeps its token in the session cookie;
// a refusal re-renders the form with the username kept.
func (h *Handler) login(c *gin.Context) {
	next := localPath(c.PostForm("next"), "/dashboard")
	token, _, err := h.svc.LoginFrom(c.Request.Context(), c.PostForm("username"), c.PostForm("password"), c.ClientIP())
	if err != nil {
		l := h.langOf(c)
		f := h.failed(c, "login", err)
		if domain.IsCode(err, domain.EUnauthorized) {
			f.err = l.T("err.login")
		}
		f.values.Del("password")
		h.render(c, httpx.StatusOf(domain.ErrorCode(err)), "login", &page{Title: l.T("login.title"), Forms: f, Data: loginData{Next: next}})
		return
	}
	setCookie(c, sessionCookie, token, 0)
	setCookie(c, preSessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, next)
}

// logout ends the service session and clears the cookie.
func (h *Handler) logout(c *gin.Context) {
	if err := h.svc.Logout(c.Request.Context(), c.GetString(ctxToken)); err != nil {
		h.renderError(c, err)
		return
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

// home sends everyone to the dashboard (requireUser sent strangers to login).
func (h *Handler) home(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/dashboard")
}
