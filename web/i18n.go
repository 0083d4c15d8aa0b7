package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/i18n"
	"github.com/rectify/rectify/internal/importer"
)

// catalogue is the messages of both languages, read from the files of
// internal/i18n. Chinese is the default; a key missing in a language falls
// back to Chinese, then to the key.
type catalogue struct{ *i18n.Catalogue }

func newCatalogue() catalogue { return catalogue{i18n.MustLoad()} }

// lang is the catalogue of one request's language, as templates see it.
type lang struct {
	Code  string
	cat   *i18n.Catalogue
	Other string // the language a switch link offers
}

// T returns the message for key.
func (l *lang) T(key string) string {
	if m, ok := l.cat.Message(l.Code, key); ok {
		return m
	}
	return key
}

// Tf formats the message for key with args.
func (l *lang) Tf(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// Stage, Kind, Role and Action name domain values in the page's language.
func (l *lang) Stage(s domain.Stage) string      { return l.T("stage." + string(s)) }
func (l *lang) Kind(k domain.MeasureKind) string { return l.T("kind." + string(k)) }
func (l *lang) Role(r domain.Role) string        { return l.T("role." + string(r)) }
func (l *lang) Action(a domain.Action) string    { return l.T("action." + string(a)) }

// RowReason is an import row's refusal in the page's language; a reason
// without a key keeps its own text.
func (l *lang) RowReason(r importer.RowError) string {
	if msg, ok := l.cat.Error(l.Code, r.Key, r.Params); ok && r.Key != "" {
		return msg
	}
	return r.Reason
}

// Notice names a notification kind; a kind newer than the catalogue shows
// as itself.
func (l *lang) Notice(k domain.NoticeKind) string {
	if m := l.T("notice." + string(k)); m != "notice."+string(k) {
		return m
	}
	return string(k)
}

func (cat catalogue) lang(code string) *lang {
	other := "en"
	if code == "en" {
		other = "zh"
	} else {
		code = "zh"
	}
	return &lang{Code: code, cat: cat.Catalogue, Other: other}
}

// language picks the page language: the lang cookie set by the switch
// link, else the first of zh/en in Accept-Language, else Chinese.
func (h *Handler) language(c *gin.Context) {
	code := ""
	if ck, err := c.Request.Cookie(langCookie); err == nil {
		code = ck.Value
	}
	if code != "zh" && code != "en" {
		code = fromAcceptLanguage(c.GetHeader("Accept-Language"))
	}
	c.Set("web.lang", h.cat.lang(code))
	c.Next()
}

func (h *Handler) langOf(c *gin.Context) *lang {
	if l, ok := c.Get("web.lang"); ok {
		return l.(*lang)
	}
	return h.cat.lang("zh")
}

// fromAcceptLanguage returns "en" or "zh", whichever the header prefers.
func fromAcceptLanguage(header string) string { return i18n.FromAcceptLanguage(header) }

// switchLanguage remembers the chosen language for a year and goes back to
// the page the link was on.
func (h *Handler) switchLanguage(c *gin.Context) {
	code := c.Param("code")
	if code != "zh" && code != "en" {
		h.notFound(c)
		return
	}
	setCookie(c, langCookie, code, 365*24*3600)
	back := "/"
	if ref, err := url.Parse(c.Request.Referer()); err == nil && ref.Host == c.Request.Host {
		back = ref.RequestURI()
	}
	c.Redirect(http.StatusSeeOther, localPath(back, "/"))
}
