package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// Cookie names. The session cookie holds the same bearer token the JSON API
// hands out, so a browser session is a service session like any other.
const (
	sessionCookie = "rectify_session"
	// preSessionCookie carries a random value that the login form's CSRF
	// token is bound to, before there is a session.
	preSessionCookie = "rectify_pre"
	langCookie       = "lang"
	csrfField        = "csrf_token"
)

// Keys of the gin context.
const (
	ctxUser  = "web.user"
	ctxToken = "web.token"
	// ctxSecure: the browser reached us over HTTPS (markSecure).
	ctxSecure = "web.secure"
)

// markSecure records whether the browser reached us over TLS, directly or
// through one of the trusted proxies saying so; anyone else's
// X-Forwarded-Proto is ignored.
func (h *Handler) markSecure(c *gin.Context) {
	secure := c.Request.TLS != nil
	if !secure && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https") {
		if addr, err := netip.ParseAddr(c.RemoteIP()); err == nil {
			addr = addr.Unmap()
			for _, p := range h.trustedProxies {
				if p.Contains(addr) {
					secure = true
					break
				}
			}
		}
	}
	c.Set(ctxSecure, secure)
	c.Next()
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.GetBool(ctxSecure),
	})
}

// optionalUser resolves the session if there is one (login and 404 pages
// show the user's menu when signed in).
func (h *Handler) optionalUser(c *gin.Context) {
	if ck, err := c.Request.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if u, err := h.svc.Authenticate(c.Request.Context(), ck.Value); err == nil {
			c.Set(ctxUser, u)
			c.Set(ctxToken, ck.Value)
		}
	}
	c.Next()
}

// requireUser resolves the session or sends the browser to the login page,
// coming back here afterwards.
func (h *Handler) requireUser(c *gin.Context) {
	ck, err := c.Request.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		h.toLogin(c)
		return
	}
	u, err := h.svc.Authenticate(c.Request.Context(), ck.Value)
	if domain.IsCode(err, domain.EUnauthorized) {
		setCookie(c, sessionCookie, "", -1) // expired or revoked
		h.toLogin(c)
		return
	} else if err != nil {
		h.renderError(c, err)
		return
	}
	c.Set(ctxUser, u)
	c.Set(ctxToken, ck.Value)
	if err := httpx.Gate(routeAccess, c.Request.Method, c.FullPath(), u); err != nil {
		h.renderError(c, err)
		return
	}
	// After an admin's reset, the new password comes first.
	if u.MustChangePassword && !passwordChangeRoutes[c.Request.Method+" "+c.FullPath()] {
		c.Redirect(http.StatusSeeOther, "/account/password")
		c.Abort()
		return
	}
	c.Next()
}

// passwordChangeRoutes are the pages a user whose password an admin reset
// may still use.
var passwordChangeRoutes = map[string]bool{
	"GET /account/password": true, "POST /account/password": true, "POST /logout": true,
}

func (h *Handler) toLogin(c *gin.Context) {
	target := "/login"
	if c.Request.Method == http.MethodGet && c.Request.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
	}
	c.Redirect(http.StatusSeeOther, target)
	c.Abort()
}

// currentUser is the signed-in user, zero when there is none.
func currentUser(c *gin.Context) domain.User {
	u, _ := c.Get(ctxUser)
	user, _ := u.(domain.User)
	return user
}

// csrfToken is the token every form of this browser carries: an HMAC of the
// session token, or before login of the pre-session cookie (set here when
// missing). It needs no storage and dies with the session.
func (h *Handler) csrfToken(c *gin.Context) string {
	if tok := c.GetString(ctxToken); tok != "" {
		return h.sign("session:" + tok)
	}
	pre := ""
	if ck, err := c.Request.Cookie(preSessionCookie); err == nil && len(ck.Value) >= 16 {
		pre = ck.Value
	} else if v, ok := c.Get(preSessionCookie); ok {
		pre = v.(string)
	} else {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		pre = base64.RawURLEncoding.EncodeToString(b)
		setCookie(c, preSessionCookie, pre, 0)
		c.Set(preSessionCookie, pre)
	}
	return h.sign("pre:" + pre)
}

func (h *Handler) sign(s string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses a POST whose form does not carry this browser's token.
func (h *Handler) checkCSRF(c *gin.Context) {
	got := c.PostForm(csrfField)
	var want string
	if tok := c.GetString(ctxToken); tok != "" {
		want = h.sign("session:" + tok)
	} else if ck, err := c.Request.Cookie(preSessionCookie); err == nil && ck.Value != "" {
		want = h.sign("pre:" + ck.Value)
	}
	if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		h.renderError(c, domain.Errorf(domain.EForbidden, "the form has expired or did not come from this site; reload the page and try again").WithKey("form_expired"))
		return
	}
	c.Next()
}

// localPath returns p if it is a path on this site, else def, so that
// redirects never leave the site.
func localPath(p, def string) string {
	// Judge the path as the browser would read it: its URL parser drops tabs
	// and line breaks anywhere ("/\t/evil" is "//evil") and reads \ as /.
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return def
	}
	p = strings.ReplaceAll(p, "\\", "/")
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return def
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" {
		return def
	}
	return p
}
