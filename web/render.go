package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// page is what every template gets: the request's language, user and CSRF
// token, the state of a form that failed, and the page's own Data.
type page struct {
	L     *lang
	User  domain.User
	CSRF  string
	Path  string
	Title string
	// Flash is a success note after a redirect (?done=action).
	Flash string
	Forms *forms
	// Units names units by ID.
	Units map[int64]string
	// Unread is the user's unread notification count, for the nav badge.
	Unread int64
	// People names users by ID (display names), for the records a page
	// shows; Person falls back to the name stored with the record.
	People map[int64]string
	Data   any
}

// Person is the display name of user id, or fallback (the login stored
// with an old record) when the user is unknown.
func (p *page) Person(id int64, fallback string) string {
	if name, ok := p.People[id]; ok {
		return name
	}
	return fallback
}

// forms is the input of the one form that failed, so that its page shows
// the message next to it and keeps what was typed.
type forms struct {
	name   string
	values url.Values
	err    string
	// problemID is the problem the refused form acted on (0: not a
	// problem's form). Pages listing several problems (the workbench) hold
	// forms of the same name for each; only that problem's show the refusal.
	problemID int64
	// field is the input the refusal is about ("" for the form as a
	// whole): the page marks it and puts the message beside it.
	field string
	// keepID keeps the failed form's request ID: after "unavailable" the
	// same click may already have been applied, and resubmitting with the
	// same ID applies it at most once.
	keepID bool
}

// Val returns a kept field of form name.
func (f *forms) Val(name, field string) string {
	if f == nil || f.name != name {
		return ""
	}
	return f.values.Get(field)
}

// Has reports whether a kept select of form name had value chosen.
func (f *forms) Has(name, field string, value any) bool {
	if f == nil || f.name != name {
		return false
	}
	return slices.Contains(f.values[field], fmt.Sprint(value))
}

// Err returns the message of form name, "" if it did not fail.
func (f *forms) Err(name string) string {
	if f == nil || f.name != name {
		return ""
	}
	return f.err
}

// For narrows the failed form to problem id's forms: nil (no refusal, a
// new request ID) for another problem's form of the same name.
func (f *forms) For(id int64) *forms {
	if f == nil || (f.problemID != 0 && f.problemID != id) {
		return nil
	}
	return f
}

// Failed is the refusal's message, "" when no form failed: the top of the
// page repeats it, so a refusal is never only far below.
func (f *forms) Failed() string {
	if f == nil {
		return ""
	}
	return f.err
}

// Name is the failed form's name (its data-form), Field the input the
// refusal is about.
func (f *forms) Name() string {
	if f == nil {
		return ""
	}
	return f.name
}

func (f *forms) Field() string {
	if f == nil {
		return ""
	}
	return f.field
}

// Open reports whether one of the forms named prefix-id failed, so that a
// collapsed row or <details> holding it opens with its message.
func (f *forms) Open(id int64, prefixes ...string) bool {
	if f == nil {
		return false
	}
	for _, p := range prefixes {
		if f.name == p+"-"+itoa(id) {
			return true
		}
	}
	return false
}

// RID returns the request ID the form carries: a new one per rendering, so
// a double submit of one rendered form is applied once.
func (f *forms) RID(name string) string {
	if f != nil && f.name == name && f.keepID {
		if id := f.values.Get("request_id"); id != "" {
			return id
		}
	}
	return uuid.NewString()
}

// failed returns the forms state of a refused form.
func (h *Handler) failed(c *gin.Context, name string, err error) *forms {
	_ = c.Request.ParseForm()
	return h.refusedForm(name, c.Request.PostForm, h.langOf(c), err)
}

// refusedForm is the state of form name refused with err, keeping values.
func (h *Handler) refusedForm(name string, values url.Values, l *lang, err error) *forms {
	f := &forms{name: name, values: values, err: h.errorText(l, err), keepID: domain.IsCode(err, domain.EUnavailable)}
	if e := domain.AsError(err); e != nil {
		f.field = e.Field
	}
	return f
}

// errorText is the message shown for err: a keyed refusal in the page's
// language, else what kind of refusal (and, on an English page, the
// domain's own words); internal details never reach the page.
func (h *Handler) errorText(l *lang, err error) string {
	code := domain.ErrorCode(err)
	if code == domain.EInternal {
		return l.T("err.internal")
	}
	if e := domain.AsError(err); e != nil && e.Key != "" {
		if msg, ok := l.cat.Error(l.Code, e.Key, e.Params); ok {
			return msg
		}
	}
	if l.Code != "en" {
		return l.T("err." + code) // the detail of an unkeyed error is English
	}
	return l.T("err."+code) + l.T("punct.colon") + domain.ErrorMessage(err)
}

func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// templateFuncs are pure helpers for templates.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// cur reports whether the page at path belongs to the section at
		// prefix, for the navigation's aria-current.
		"cur": func(uri, prefix string) bool {
			path, _, _ := strings.Cut(uri, "?")
			return path == prefix || strings.HasPrefix(path, prefix+"/")
		},
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(chinaTime()).Format("2006-01-02 15:04")
		},
		"add": func(a, b int) int { return a + b },
		// size names a file size in KB or MB.
		"size": func(n int64) string {
			if n < 1<<20 {
				return strconv.FormatInt((n+1023)>>10, 10) + " KB"
			}
			return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
		},
		"percent": func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p) + "%"
		},
		"has":    func(ids []int64, id int64) bool { return slices.Contains(ids, id) },
		"stages": domain.AllStages,
		"kinds": func() []domain.MeasureKind {
			return []domain.MeasureKind{domain.KindImmediate, domain.KindDeadline, domain.KindLongTerm}
		},
		"roles": func() []domain.Role {
			return []domain.Role{domain.RoleUnit, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline, domain.RoleAdmin}
		},
		// stageState says where s lies relative to the current stage, for the
		// timeline: done, current or todo. Look-back (回头看) comes after
		// closed only for a problem under review: a closed problem has it
		// ahead (todo), and a reopened one works through it again.
		"stageState": func(current, s domain.Stage) string {
			all := domain.AllStages()
			ci, si := slices.Index(all, current), slices.Index(all, s)
			switch {
			case s == domain.StageLookback && current == s:
				return "current"
			case s == domain.StageLookback:
				return "todo"
			case current == domain.StageClosed || current == domain.StageLookback || si < ci:
				return "done"
			case si == ci:
				return "current"
			}
			return "todo"
		},
		"str":  func(v any) string { return fmt.Sprint(v) },
		"list": func(v ...string) []string { return v },
		"lights": func() []domain.Light {
			return []domain.Light{domain.LightRed, domain.LightYellow, domain.LightGreen, domain.LightClosed}
		},
		// dict passes several values to a shared template.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// chinaTime is the zone pages show times in, as domain.DateOf uses.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// render writes page name with status.
func (h *Handler) render(c *gin.Context, status int, name string, p *page) {
	t, ok := h.pages[name]
	if !ok {
		h.logger.ErrorContext(c.Request.Context(), "web: no such page", slog.String("page", name))
		c.String(http.StatusInternalServerError, "internal error")
		c.Abort()
		return
	}
	p.L = h.langOf(c)
	p.User = currentUser(c)
	p.CSRF = h.csrfToken(c)
	p.Path = c.Request.URL.RequestURI()
	p.Unread = h.unreadCount(c, p.User)
	if p.Flash == "" {
		if done := c.Query("done"); done != "" {
			if msg := p.L.Action(domain.Action(done)); !strings.HasPrefix(msg, "action.") {
				p.Flash = p.L.T("common.done") + msg
			}
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		h.logger.ErrorContext(c.Request.Context(), "web: render", slog.String("page", name), slog.Any("error", err))
		c.String(http.StatusInternalServerError, "internal error")
		c.Abort()
		return
	}
	// Pages carry personal data: never cache them.
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// renderError shows err as a page with its status; internal errors are
// logged and shown without detail. An expired session goes to login.
func (h *Handler) renderError(c *gin.Context, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EInternal {
		h.logger.ErrorContext(c.Request.Context(), "web request failed",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("error", err))
	}
	if code == domain.EUnauthorized {
		h.toLogin(c)
		return
	}
	if code == domain.EUnavailable {
		c.Header("Retry-After", "5")
	}
	status := httpx.StatusOf(code)
	l := h.langOf(c)
	title := l.T("err.page.other")
	switch status {
	case http.StatusForbidden:
		title = l.T("err.page.403")
	case http.StatusNotFound:
		title = l.T("err.page.404")
	}
	h.render(c, status, "error", &page{Title: title, Data: errorPage{Status: status, Message: h.errorText(l, err)}})
	c.Abort()
}

type errorPage struct {
	Status  int
	Message string
}

func (h *Handler) notFound(c *gin.Context) {
	h.renderError(c, domain.Errorf(domain.ENotFound, "there is no page at %s", c.Request.URL.Path).WithKey("page_not_found"))
}

// redirect answers a successful POST: back to a page, noting what was done.
func redirectDone(c *gin.Context, to string, action domain.Action) {
	path, fragment, hasFragment := strings.Cut(to, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	to = path + sep + "done=" + url.QueryEscape(string(action))
	if hasFragment {
		to += "#" + fragment // back to the row the form was on
	}
	c.Redirect(http.StatusSeeOther, to)
}

// pathID reads a positive integer path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.ENotFound, "%s %q is not an ID", name, c.Param(name)).WithKey("page_not_found")
	}
	return n, nil
}

// formID reads an optional positive integer form or query value.
func formID(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.EInvalid, "%q is not an ID", v).WithKey("id_invalid", "value", v)
	}
	return n, nil
}

// unitNames maps every unit's ID to its name.
func (h *Handler) unitNames(c *gin.Context) (map[int64]string, []domain.Unit, error) {
	units, err := h.svc.Units(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int64]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	return names, units, nil
}
