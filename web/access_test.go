package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/web"
)

// webPersona is one kind of caller of the web authorisation matrix.
type webPersona struct {
	name   string
	role   domain.Role // "" for anonymous
	client *http.Client
	csrf   string
	// otherUnit: a unit user whose unit has no part in the test problem.
	otherUnit bool
}

// TestWebAccessMatrix walks every registered page and action × {anonymous,
// admin, leader, supervisor, discipline, the problem's unit, another unit}
// against routeAccess (web/access.go): a route without a declaration
// fails; anonymous callers are sent to the login page; roles outside a
// route's Roles get 403; another unit gets 403 on the problem's pages;
// everyone allowed gets the page (200) on every GET whose scope is not a
// look-back's (those pages have their own tests). POSTs carry a valid
// CSRF token and an empty form, so allowed callers get past the gate to a
// validation or workflow answer, never 403 or the login page.
func TestWebAccessMatrix(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	// p2 is led by 办公室 (ub) with 养老服务处 as co-unit; ua's unit has
	// no part in it.
	problem := e.p2
	ev, err := e.svc.AddEvidence(ctx, e.users["ub"], service.EvidenceUpload{
		ProblemID: problem.ID, MeasureID: 1, Title: "核查报告", FileName: "report.txt", Body: strings.NewReader("核查完成\n"),
	}, 1<<20)
	must(t, err)
	lbID, _, err := e.st.CreateLookback(ctx, domain.Lookback{
		Title: "回头看", CampaignID: e.campaign.ID, DueDate: domain.DateOf(e.svc.Now()).AddDays(30),
		ReviewerIDs: []int64{e.users["disc"].ID}, CreatedBy: e.users["disc"].ID,
		Problems: []domain.LookbackProblem{{ProblemID: problem.ID}},
	}, "")
	must(t, err)

	h, err := web.New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	local := &env{URL: srv.URL}

	anon := browserClient(t)
	_, loginPage := get(t, anon, srv.URL+"/login")
	m := csrfRE.FindStringSubmatch(loginPage)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	personas := []webPersona{{name: "anonymous", client: anon, csrf: m[1]}}
	for _, name := range []string{"admin", "leader1", "super", "disc", "ub", "ua"} {
		c := browserClient(t)
		_, token := login(t, local, c, name)
		personas = append(personas, webPersona{name: name, role: e.users[name].Role, client: c, csrf: token, otherUnit: name == "ua"})
	}

	concrete := func(route string) string {
		problemID := problem.ID
		if route == "/problems/:id/plan" {
			problemID = e.p3.ID // the plan editor is for a problem still in plan
		}
		path := route
		switch {
		case strings.HasPrefix(route, "/problems/:id"):
			path = strings.Replace(path, ":id", strconv.FormatInt(problemID, 10), 1)
		case strings.HasPrefix(route, "/campaigns/:id"):
			path = strings.Replace(path, ":id", strconv.FormatInt(e.campaign.ID, 10), 1)
		case strings.HasPrefix(route, "/lookbacks/:id"):
			path = strings.Replace(path, ":id", strconv.FormatInt(lbID, 10), 1)
		}
		return strings.NewReplacer(":id", "999999", ":mid", "1", ":rid", "1", ":eid", strconv.FormatInt(ev.ID, 10),
			":pid", strconv.FormatInt(problem.ID, 10), ":code", "en", "*filepath", "app.css").Replace(path)
	}
	// Routes whose page is a redirect for everyone allowed.
	redirects := map[string]bool{"GET /": true, "GET /lang/:code": true, "GET /reports": true}

	registered := map[string]bool{}
	for key := range h.RegisteredRoutes() {
		method, route, _ := strings.Cut(key, " ")
		registered[key] = true
		decl, ok := web.RouteAccess[key]
		if !ok {
			t.Errorf("%s has no declaration in routeAccess (web/access.go)", key)
			continue
		}
		path := concrete(route)
		for _, who := range personas {
			if key == "POST /logout" && who.role != "" {
				continue // it would end the session the other routes use
			}
			t.Run(key+"/"+who.name, func(t *testing.T) {
				var resp *http.Response
				var body string
				if method == http.MethodGet {
					resp, body = get(t, who.client, srv.URL+path)
				} else {
					resp, body = post(t, who.client, srv.URL+path, url.Values{web.CSRFField: {who.csrf}})
				}
				status := resp.StatusCode
				toLogin := status == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
				var want string
				switch {
				case decl.Public:
					if status == http.StatusForbidden {
						want = "no 403 (public)"
					}
				case who.role == "":
					if !toLogin {
						want = "303 to /login"
					}
				case !decl.Allows(who.role):
					if status != http.StatusForbidden {
						want = "403 (role)"
					}
				case decl.Scope == httpx.ScopeProblem && who.otherUnit && (strings.HasPrefix(route, "/problems/:id") || strings.Contains(route, ":eid")):
					if status != http.StatusForbidden {
						want = "403 (another unit's problem)"
					}
				case method == http.MethodGet && redirects[key]:
					if status != http.StatusSeeOther || toLogin {
						want = "303 (not to /login)"
					}
				case method == http.MethodGet && (decl.Scope == httpx.ScopeNone || decl.Scope == httpx.ScopeProblem || decl.Scope == httpx.ScopeOwn):
					if status != http.StatusOK {
						want = "200"
					}
				default:
					// Past the gate the workflow, the look-back rules or
					// the form decide; the gate itself must not refuse.
					if toLogin || (decl.Roles != nil && status == http.StatusForbidden && decl.Scope == httpx.ScopeNone) {
						want = "past the gate"
					}
				}
				if want != "" {
					t.Errorf("%s as %s (%s): status %d (Location %q), want %s: %.300s", key, who.name, path, status,
						resp.Header.Get("Location"), want, body)
				}
			})
		}
	}
	for key := range web.RouteAccess {
		if !registered[key] {
			t.Errorf("routeAccess declares %s, which is not a route", key)
		}
	}
}
