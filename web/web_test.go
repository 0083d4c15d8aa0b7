package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// env is the whole app in-process: a real Temporal test server and worker,
// a SQLite store, the service, and the API and pages on one HTTP server, as
// internal/app wires them, with a small campaign walked through the same
// service calls a person would make.
type env struct {
	URL   string
	svc   *service.Service
	st    *store.Store
	users map[string]domain.User
	units map[string]domain.Unit
	// p1 (lead 社会救助处) and p2 (lead 办公室) are in execute; p3 in plan.
	p1, p2, p3 domain.Problem
	campaign   domain.Campaign
}

const password = "password12"

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Store: st}
	ts.NewWorker(workflows.TaskQueue, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
		acts.Register(r)
	})
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc := service.New(st, ts.GetDefaultClient(), logger, time.Hour)
	acts.Problems = svc // the look-back start acts on problems
	svc.Blobs = &blob.Local{Dir: t.TempDir()}
	handler, err := app.NewHandler(svc, logger, app.HandlerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	e := &env{URL: srv.URL, svc: svc, st: st, users: map[string]domain.User{}, units: map[string]domain.Unit{}}
	e.seed(t)
	return e
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (e *env) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	admin, err := e.svc.CreateUserUnchecked(ctx, domain.NewUser{Username: "admin", Password: password, DisplayName: "管理员", Role: domain.RoleAdmin})
	must(t, err)
	e.users["admin"] = admin
	for _, name := range []string{"社会救助处", "办公室", "养老服务处"} {
		u, err := e.svc.CreateUnit(ctx, admin, name)
		must(t, err)
		e.units[name] = u
	}
	for _, nu := range []domain.NewUser{
		{Username: "leader1", DisplayName: "王组长", Role: domain.RoleLeader},
		{Username: "leader2", DisplayName: "李副组长", Role: domain.RoleLeader},
		{Username: "super", DisplayName: "赵督办", Role: domain.RoleSupervisor},
		{Username: "disc", DisplayName: "纪检组钱五", Role: domain.RoleDiscipline},
		{Username: "ua", DisplayName: "救助处张三", Role: domain.RoleUnit, UnitID: e.units["社会救助处"].ID},
		{Username: "ub", DisplayName: "办公室李四", Role: domain.RoleUnit, UnitID: e.units["办公室"].ID},
	} {
		nu.Password = password
		u, err := e.svc.CreateUser(ctx, admin, nu)
		must(t, err)
		e.users[nu.Username] = u
	}
	c, err := e.svc.CreateCampaign(ctx, e.users["leader1"], domain.Campaign{
		Title: "省委第四巡视组反馈意见整改", InspectedBody: "省民政厅党组", InspectionTeam: "省委第四巡视组",
	})
	must(t, err)
	e.campaign = c
	future := domain.DateOf(time.Now().AddDate(0, 2, 0))
	walk := func(title string, lead, co domain.Unit, unitUser string) domain.Problem {
		p, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: c.ID, Title: title, Section: "民生保障"})
		must(t, err)
		e.act(t, p.ID, "leader1", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{
			LeadUnitID: lead.ID, Measures: []domain.MeasureInput{{
				Title: "开展专项核查", Kind: domain.KindDeadline, LeadUnitID: lead.ID, CoUnitIDs: []int64{co.ID},
				ResponsibleLeader: "分管厅领导", Deadline: future,
			}},
		}})
		e.act(t, p.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan, Text: "同意"})
		return e.act(t, p.ID, unitUser, domain.Command{Action: domain.ActionAcknowledge, MeasureID: 1})
	}
	e.p1 = walk("低保动态管理不及时", e.units["社会救助处"], e.units["办公室"], "ua")
	e.p2 = walk("机关信息系统建设滞后", e.units["办公室"], e.units["养老服务处"], "ub")
	e.p3, err = e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: c.ID, Title: "养老机构安全隐患排查不彻底", Section: "民生保障"})
	must(t, err)
	if e.p1.Stage != domain.StageExecute || e.p2.Stage != domain.StageExecute {
		t.Fatalf("seed: stages %s, %s; want execute", e.p1.Stage, e.p2.Stage)
	}
}

func (e *env) act(t *testing.T, problemID int64, user string, cmd domain.Command) domain.Problem {
	t.Helper()
	u := e.users[user]
	cmd.Actor, cmd.RequestID = u.Actor(), uuid.NewString()
	p, err := e.svc.Act(context.Background(), problemID, cmd)
	must(t, err)
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// browserClient is a plain HTTP client with a cookie jar that does not
// follow redirects, to look at what the server answers.
func browserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	must(t, err)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	must(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// login signs c in through the login form (header goes with the POST) and
// returns the response and a CSRF token of the session, read from the
// dashboard.
func login(t *testing.T, e *env, c *http.Client, user string, header ...string) (*http.Response, string) {
	t.Helper()
	_, body := get(t, c, e.URL+"/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", body)
	}
	resp, _ := post(t, c, e.URL+"/login", url.Values{"csrf_token": {m[1]}, "username": {user}, "password": {password}}, header...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", user, resp.StatusCode)
	}
	_, body = get(t, c, e.URL+"/dashboard")
	m = csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the dashboard:\n%s", body)
	}
	return resp, m[1]
}

func TestWeb(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	// The browser first: the HTTP checks add a newer campaign, which would
	// become the dashboards' default.
	t.Run("Browser", func(t *testing.T) { testBrowser(t, e) })
	t.Run("HTTP", func(t *testing.T) { testHTTP(t, e) })
}

// testHTTP checks what a browser cannot easily show: headers, cookies,
// CSRF and the status of refusals.
func testHTTP(t *testing.T, e *env) {
	t.Run("RedirectsToLogin", func(t *testing.T) {
		c := browserClient(t)
		resp, _ := get(t, c, e.URL+"/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("GET / = %d %s, want 303 /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = get(t, c, e.URL+"/problems/1")
		if loc := resp.Header.Get("Location"); loc != "/login?next=%2Fproblems%2F1" {
			t.Fatalf("GET /problems/1 redirects to %q", loc)
		}
	})
	t.Run("SecurityHeaders", func(t *testing.T) {
		resp, body := get(t, browserClient(t), e.URL+"/login")
		for name, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := resp.Header.Get(name); !strings.HasPrefix(got, want) {
				t.Errorf("%s = %q, want %q…", name, got, want)
			}
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
			t.Errorf("the login page has inline script or style")
		}
		if !strings.Contains(body, "登录") {
			t.Errorf("the login page is not in Chinese by default")
		}
	})
	t.Run("SessionCookie", func(t *testing.T) {
		resp, _ := login(t, e, browserClient(t), "ua")
		ck := findCookie(resp, "rectify_session")
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
			t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", ck)
		}
		// No proxy is trusted here, so a client's own X-Forwarded-Proto is
		// ignored (TestProbes covers a trusted proxy).
		resp, _ = login(t, e, browserClient(t), "ua", "X-Forwarded-Proto", "https")
		if ck := findCookie(resp, "rectify_session"); ck == nil || ck.Secure {
			t.Fatalf("session cookie with an untrusted X-Forwarded-Proto = %+v, want not Secure", ck)
		}
	})
	t.Run("WrongPasswordKeepsUsername", func(t *testing.T) {
		c := browserClient(t)
		_, body := get(t, c, e.URL+"/login")
		tok := csrfRE.FindStringSubmatch(body)[1]
		resp, body := post(t, c, e.URL+"/login", url.Values{"csrf_token": {tok}, "username": {"ua"}, "password": {"nope-nope"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") || !strings.Contains(body, `value="ua"`) {
			t.Fatalf("wrong password: %d, message or username missing", resp.StatusCode)
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		c := browserClient(t)
		_, tok := login(t, e, c, "ua")
		path := fmt.Sprintf("%s/problems/%d/measures/1/progress", e.URL, e.p1.ID)
		for name, form := range map[string]url.Values{
			"Missing": {"text": {"x"}, "request_id": {"r1"}},
			"Wrong":   {"text": {"x"}, "request_id": {"r1"}, "csrf_token": {tok + "x"}},
		} {
			resp, body := post(t, c, path, form)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "无权访问") {
				t.Errorf("%s token: status %d, want the 403 page", name, resp.StatusCode)
			}
		}
		// Another session's token is refused too.
		_, other := login(t, e, browserClient(t), "ua")
		if resp, _ := post(t, c, path, url.Values{"text": {"x"}, "request_id": {"r1"}, "csrf_token": {other}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("another session's token: status %d, want 403", resp.StatusCode)
		}
		if resp, _ := post(t, browserClient(t), e.URL+"/login", url.Values{"username": {"ua"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("login without a token: status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("ForbiddenAndNotFound", func(t *testing.T) {
		c := browserClient(t)
		login(t, e, c, "ua")
		resp, body := get(t, c, fmt.Sprintf("%s/problems/%d", e.URL, e.p2.ID))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "无权访问") || strings.Contains(body, e.p2.Title) {
			t.Errorf("another unit's problem: status %d, want a 403 page without its title", resp.StatusCode)
		}
		if resp, _ := get(t, c, e.URL+"/problems/99999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown problem: status %d", resp.StatusCode)
		}
		if resp, body := get(t, c, e.URL+"/no/such/page"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "页面不存在") {
			t.Errorf("unknown page: status %d", resp.StatusCode)
		}
		if resp, _ := get(t, c, e.URL+"/admin/users"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("unit user on admin page: status %d", resp.StatusCode)
		}
		_, body = get(t, c, fmt.Sprintf("%s/problems?campaign_id=%d", e.URL, e.campaign.ID))
		if strings.Contains(body, e.p2.Title) || !strings.Contains(body, e.p1.Title) {
			t.Errorf("a unit user's list shows other units' problems or misses its own")
		}
	})
	t.Run("DoubleSubmitAppliesOnce", func(t *testing.T) {
		c := browserClient(t)
		_, tok := login(t, e, c, "ub")
		path := fmt.Sprintf("%s/problems/%d/measures/1/progress", e.URL, e.p2.ID)
		form := url.Values{"csrf_token": {tok}, "request_id": {uuid.NewString()}, "text": {"第一次调度"}, "percent": {"10"}}
		for range 2 {
			if resp, _ := post(t, c, path, form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("progress: status %d", resp.StatusCode)
			}
		}
		p, err := e.svc.Problem(context.Background(), e.users["ub"], e.p2.ID)
		must(t, err)
		if p.Measures[0].ProgressCount != 1 {
			t.Fatalf("progress count = %d after a double submit, want 1", p.Measures[0].ProgressCount)
		}
	})
	t.Run("English", func(t *testing.T) {
		c := browserClient(t)
		_, body := get(t, c, e.URL+"/login", "Accept-Language", "en-US,en;q=0.9,zh;q=0.5")
		if !strings.Contains(body, "Log in") {
			t.Errorf("Accept-Language en did not give English")
		}
		resp, _ := get(t, c, e.URL+"/lang/en", "Referer", e.URL+"/login")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("/lang/en = %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = get(t, c, e.URL+"/login", "Accept-Language", "zh-CN")
		if !strings.Contains(body, "Log in") {
			t.Errorf("the lang cookie did not win over Accept-Language")
		}
	})
	t.Run("AdminForms", func(t *testing.T) {
		c := browserClient(t)
		_, tok := login(t, e, c, "admin")
		resp, body := post(t, c, e.URL+"/admin/units", url.Values{"csrf_token": {tok}, "name": {"办公室"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `value="办公室"`) || !strings.Contains(body, "单位“办公室”已存在") {
			t.Fatalf("duplicate unit: status %d, want 409 with the name kept", resp.StatusCode)
		}
		resp, body = post(t, c, e.URL+"/admin/users", url.Values{"csrf_token": {tok}, "username": {"uc"}, "display_name": {"新用户"},
			"password": {"short"}, "role": {"unit"}, "unit_id": {fmt.Sprint(e.units["养老服务处"].ID)}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="新用户"`) || strings.Contains(body, `value="short"`) ||
			!strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, e.units["养老服务处"].ID)) {
			t.Fatalf("short password: status %d, want 400 with the input (but not the password) kept", resp.StatusCode)
		}
		resp, _ = post(t, c, e.URL+"/campaigns", url.Values{"csrf_token": {tok}, "title": {"第二轮巡视整改"}, "feedback_date": {"2026-01-15"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/problems/new") {
			t.Fatalf("new campaign: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		newProblem := resp.Header.Get("Location")
		resp, body = post(t, c, e.URL+strings.TrimSuffix(newProblem, "/new"), url.Values{"csrf_token": {tok}, "title": {" "}, "section": {"党的建设"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="党的建设"`) {
			t.Fatalf("empty problem title: status %d, want 400 with the section kept", resp.StatusCode)
		}
		resp, _ = post(t, c, e.URL+strings.TrimSuffix(newProblem, "/new"), url.Values{"csrf_token": {tok}, "title": {"意识形态工作责任制落实不到位"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/problems/") {
			t.Fatalf("new problem: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, body := get(t, c, e.URL+resp.Header.Get("Location")); resp.StatusCode != http.StatusOK || !strings.Contains(body, "意识形态工作责任制落实不到位") {
			t.Fatalf("the new problem's page: %d", resp.StatusCode)
		}
	})
	t.Run("Downloads", func(t *testing.T) {
		c := browserClient(t)
		login(t, e, c, "leader1")
		base := fmt.Sprintf("%s/campaigns/%d", e.URL, e.campaign.ID)
		resp, body := get(t, c, base+"/report?format=html")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("html report: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		cd := resp.Header.Get("Content-Disposition")
		want := "filename*=utf-8''" + url.PathEscape(e.campaign.Title)
		if !strings.HasPrefix(cd, `inline; filename=report-`) || !strings.Contains(cd, want) || !strings.HasSuffix(cd, ".html") {
			t.Errorf("Content-Disposition = %q, want inline (it opens to read and print) with %s…", cd, want)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") {
			t.Errorf("html report CSP %q, want a sandbox", csp)
		}
		if !strings.Contains(body, e.p1.Title) || !strings.Contains(body, "领导小组") {
			t.Errorf("the html report lacks the problems or the narrative")
		}
		for path, ct := range map[string]string{
			"/report?format=md":   "text/markdown",
			"/report?format=docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"/ledger.xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		} {
			resp, body := get(t, c, base+path)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) || len(body) == 0 {
				t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		if resp, _ := get(t, c, base+"/report?format=pdf"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("pdf report: %d, want 400", resp.StatusCode)
		}
		// The check before publishing sits above the downloads: the report
		// as built agrees with the records.
		if _, body := get(t, c, base+"/reports"); !strings.Contains(body, `id="report-check"`) ||
			strings.Index(body, `id="report-check"`) > strings.Index(body, `id="dl-html"`) ||
			!strings.Contains(body, `id="report-check-ok"`) {
			t.Errorf("the reports page does not show the report's check before the downloads")
		}
		unit := browserClient(t)
		login(t, e, unit, "ua")
		for _, path := range []string{"/report?format=html", "/ledger.xlsx", "/reports"} {
			if resp, _ := get(t, unit, base+path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("unit user GET %s: %d, want 403", path, resp.StatusCode)
			}
		}
	})
	t.Run("ImportPreview", func(t *testing.T) {
		c := browserClient(t)
		_, tok := login(t, e, c, "leader1")
		_, body := get(t, c, fmt.Sprintf("%s/campaigns/%d/reports", e.URL, e.campaign.ID))
		rid := regexp.MustCompile(`data-form="import">\s*<input type="hidden" name="csrf_token" value="[^"]*">\s*<input type="hidden" name="request_id" value="([^"]+)"`).FindStringSubmatch(body)
		if rid == nil {
			t.Fatal("the import form has no request ID")
		}
		csv := "问题编号,所属方面,问题,问题描述,整改措施,类型,牵头单位,配合单位,责任领导,整改时限\n" +
			"9,综合管理,公文处理流程不规范,,修订公文处理办法,限期整改,办公室,,分管厅领导," + string(domain.DateOf(time.Now().AddDate(0, 1, 0))) + "\n"
		upload := func(mode string) (*http.Response, string) {
			var buf strings.Builder
			w := multipart.NewWriter(&buf)
			must(t, w.WriteField("csrf_token", tok))
			must(t, w.WriteField("request_id", rid[1]))
			must(t, w.WriteField("mode", mode))
			fw, err := w.CreateFormFile("file", "台账.csv")
			must(t, err)
			_, _ = fw.Write([]byte(csv))
			must(t, w.Close())
			req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/campaigns/%d/import", e.URL, e.campaign.ID), strings.NewReader(buf.String()))
			must(t, err)
			req.Header.Set("Content-Type", w.FormDataContentType())
			resp, err := c.Do(req)
			must(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		resp, body := upload("preview")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "公文处理流程不规范") || !strings.Contains(body, "预览") {
			t.Fatalf("preview: %d\n%s", resp.StatusCode, body)
		}
		if _, total, _ := e.svc.SearchProblems(context.Background(), e.users["leader1"], store.ProblemQuery{Text: "公文处理", ProblemFilter: domain.ProblemFilter{CampaignID: e.campaign.ID}}); total != 0 {
			t.Fatalf("the preview wrote %d problems", total)
		}
		resp, body = upload("import")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "新增 1 个问题") {
			t.Fatalf("import: %d\n%s", resp.StatusCode, body)
		}
		if resp, body = upload("import"); !strings.Contains(body, "跳过已有 1 个") {
			t.Fatalf("the second import did not skip: %d", resp.StatusCode)
		}
		// A refused row says why in Chinese, in the ledger's own words.
		csv = "问题编号,所属方面,问题,问题描述,整改措施,类型,牵头单位,配合单位,责任领导,整改时限\n" +
			"10,综合管理,会议纪要不全,,完善会议制度,马上办,办公室,,,2020-01-01\n"
		resp, body = upload("preview")
		for _, want := range []string{"类型“马上办”不是立行立改、限期整改或长期坚持", "整改时限2020-01-01已过", "导入未通过，未写入任何内容：2处有误"} {
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), want) {
				t.Fatalf("refused ledger: %d, want %q in\n%s", resp.StatusCode, want, body)
			}
		}
	})
	t.Run("Evidence", func(t *testing.T) { testEvidenceHTTP(t, e) })
	t.Run("Refusals", func(t *testing.T) { testRefusals(t, e) })
	t.Run("APIStillServed", func(t *testing.T) {
		resp, body := get(t, browserClient(t), e.URL+"/healthz")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "ok") {
			t.Errorf("/healthz = %d %s", resp.StatusCode, body)
		}
		if resp, _ := get(t, browserClient(t), e.URL+"/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("/api/v1/me without token = %d", resp.StatusCode)
		}
	})
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// artifactsDir is where screenshots go: $RECTIFY_ARTIFACTS_DIR, else a new
// temporary directory that outlives the test (its log names it).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("RECTIFY_ARTIFACTS_DIR")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "rectify-web-"+strings.ReplaceAll(t.Name(), "/", "-")+"-")
		must(t, err)
		dir = tmp
	}
	must(t, os.MkdirAll(dir, 0o755))
	abs, err := filepath.Abs(dir)
	must(t, err)
	return abs
}

// TestDashboardReads checks the dashboard's and lists' queries on both
// backends (the browser test runs on SQLite only).
func TestDashboardReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		e.act(t, e.p1.ID, "ua", domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: 1, Text: "完成"})
		e.act(t, e.p1.ID, "ua", domain.Command{Action: domain.ActionRequestClosure, Justifications: map[int64]string{1: "核查结果已在厅务会通报"}})
		e.act(t, e.p1.ID, "super", domain.Command{Action: domain.ActionApproveClosure})

		d, err := e.svc.Dashboard(ctx, e.users["leader1"], e.campaign.ID)
		must(t, err)
		if d.Total != 3 || d.Closed != 1 || d.CompletionText() != "33.3" || d.StageCounts[domain.StagePlan] != 1 || d.StageCounts[domain.StageExecute] != 1 {
			t.Errorf("leader's dashboard: total %d closed %d stages %v", d.Total, d.Closed, d.StageCounts)
		}
		if len(d.Closures) != 1 || d.Closures[0].N != 1 || d.Closures[0].Day != e.svc.Today() {
			t.Errorf("closures = %+v, want one today", d.Closures)
		}
		// p1: 社会救助处 leads, 办公室 co-leads, closed; p2: 办公室 leads,
		// 养老服务处 co-leads; p3 has no lead unit yet.
		wantUnits := []store.UnitRow{
			{UnitID: e.units["社会救助处"].ID, Name: "社会救助处", Led: 1, Rectified: 1, Measures: 1, Done: 1},
			{UnitID: e.units["办公室"].ID, Name: "办公室", Led: 1, CoLed: 1, Measures: 1},
			{UnitID: e.units["养老服务处"].ID, Name: "养老服务处", CoLed: 1},
		}
		if !reflect.DeepEqual(d.Units, wantUnits) {
			t.Errorf("units = %+v\nwant %+v", d.Units, wantUnits)
		}
		if d.Units[0].CompletionText() != "100" || d.Units[1].CompletionText() != "0" {
			t.Errorf("unit completion %s, %s", d.Units[0].CompletionText(), d.Units[1].CompletionText())
		}
		// The trend replays the event log: its last point is now.
		if n := len(d.Trend); n != service.TrendWeeks || d.Trend[n-1].Problems != 3 || d.Trend[n-1].Rectified != 1 || d.Trend[n-1].Red != 0 || d.Trend[0].Problems != 0 {
			t.Errorf("trend = %+v", d.Trend)
		}
		if len(d.Deadlines) != 1 || d.Deadlines[0].ProblemID != e.p2.ID {
			t.Errorf("deadlines = %+v, want p2's open measure only", d.Deadlines)
		}

		d, err = e.svc.Dashboard(ctx, e.users["ua"], e.campaign.ID)
		must(t, err)
		if d.Total != 1 || d.Closed != 1 || len(d.Units) != 1 || d.Units[0] != wantUnits[0] || len(d.Deadlines) != 0 || len(d.Closures) != 1 {
			t.Errorf("unit user's dashboard is not scoped: %+v", d)
		}
		d, err = e.svc.Dashboard(ctx, e.users["ub"], e.campaign.ID)
		must(t, err)
		if d.Total != 2 || d.Closed != 1 || len(d.Units) != 1 || d.Units[0] != wantUnits[1] {
			t.Errorf("co-unit's dashboard: %+v", d)
		}

		search := func(user, text string, stage domain.Stage) []domain.Problem {
			ps, total, err := e.svc.SearchProblems(ctx, e.users[user], store.ProblemQuery{Text: text, ProblemFilter: domain.ProblemFilter{CampaignID: e.campaign.ID, Stage: stage}})
			must(t, err)
			if int(total) != len(ps) {
				t.Errorf("total %d, %d problems", total, len(ps))
			}
			return ps
		}
		if ps := search("leader1", "低保", ""); len(ps) != 1 || ps[0].ID != e.p1.ID || len(ps[0].Measures) != 1 {
			t.Errorf("search 低保 = %+v", ps)
		}
		if ps := search("leader1", "民生", ""); len(ps) != 3 {
			t.Errorf("search by section found %d, want 3", len(ps))
		}
		if ps := search("ua", "", ""); len(ps) != 1 {
			t.Errorf("unit user sees %d problems, want 1", len(ps))
		}
		if ps := search("ua", "信息系统", ""); len(ps) != 0 {
			t.Errorf("unit user found another unit's problem by text")
		}
		if ps := search("leader1", "100%_", ""); len(ps) != 0 {
			t.Errorf("LIKE wildcards are not escaped")
		}
		if ps := search("leader1", "", domain.StageClosed); len(ps) != 1 {
			t.Errorf("closed: %d", len(ps))
		}
	})
}

// testEvidenceHTTP posts the evidence and outcome forms as a browser
// without script does: text evidence, a file, a double submit, a refused
// file that keeps the input, the download's headers, withdrawing, outcomes.
func testEvidenceHTTP(t *testing.T, e *env) {
	c := browserClient(t)
	_, tok := login(t, e, c, "ub")
	page := fmt.Sprintf("%s/problems/%d", e.URL, e.p2.ID)
	upload := func(fields [][2]string, fileName string, content []byte) (*http.Response, string) {
		t.Helper()
		var buf strings.Builder
		w := multipart.NewWriter(&buf)
		for _, f := range fields {
			must(t, w.WriteField(f[0], f[1]))
		}
		fw, err := w.CreateFormFile("file", fileName)
		must(t, err)
		_, _ = fw.Write(content)
		must(t, w.Close())
		req, err := http.NewRequest(http.MethodPost, page+"/measures/1/evidence", strings.NewReader(buf.String()))
		must(t, err)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := c.Do(req)
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	_, body := get(t, c, page)
	if !strings.Contains(body, `data-form="evidence-1"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatal("no upload form for the lead unit")
	}
	form := func(rid, title, note string) [][2]string {
		return [][2]string{{"csrf_token", tok}, {"request_id", rid}, {"back", "/problems/" + itoa(e.p2.ID)}, {"title", title}, {"note", note}}
	}
	// Text evidence (no file chosen), twice with one request ID: stored once.
	for range 2 {
		resp, _ := upload(form("ev-text-1", "会议纪要", "厅党组会议研究部署信息化建设"), "", nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=add_evidence") {
			t.Fatalf("text evidence: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	list, err := e.svc.ListEvidence(context.Background(), e.users["ub"], e.p2.ID)
	must(t, err)
	if len(list) != 1 || !list[0].IsText() {
		t.Fatalf("after a double submit %d evidence: %+v", len(list), list)
	}
	textID := list[0].ID
	// No CSRF token: refused before the file is read.
	if resp, _ := upload([][2]string{{"request_id", "x"}, {"title", "t"}}, "a.pdf", []byte("%PDF-1.4")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("upload without a token: %d", resp.StatusCode)
	}
	// A program renamed .pdf: refused, the title stays.
	resp, body := upload(form("ev-bad", "系统建设方案", ""), "方案.pdf", []byte("MZ\x90\x00 not a pdf"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "方案.pdf") || !strings.Contains(body, `value="系统建设方案"`) {
		t.Fatalf("a fake pdf: %d", resp.StatusCode)
	}
	// Refusals of a file name its type or content in Chinese.
	for _, tc := range []struct{ file, want string }{
		{"方案.pdf", "文件“方案.pdf”的内容不是 pdf 格式"},
		{"setup.exe", "不接受“.exe”类型的文件：仅支持 pdf、doc/docx、xls/xlsx、ppt/pptx、jpg、png、txt、zip"},
	} {
		resp, body := upload(form("ev-bad-"+tc.file, "系统建设方案", ""), tc.file, []byte("MZ\x90\x00 not a pdf"))
		if m := formError.FindStringSubmatch(body); resp.StatusCode != http.StatusBadRequest || m == nil || html.UnescapeString(m[1]) != tc.want {
			t.Fatalf("%s: status %d, refusal %v, want %q", tc.file, resp.StatusCode, m, tc.want)
		}
	}
	resp, _ = upload(form("ev-pdf", "系统建设方案", ""), "建设方案.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pdf upload: %d", resp.StatusCode)
	}
	list, err = e.svc.ListEvidence(context.Background(), e.users["ub"], e.p2.ID)
	must(t, err)
	pdf := list[len(list)-1]
	resp, body = get(t, c, fmt.Sprintf("%s/evidence/%d", e.URL, pdf.ID))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") ||
		resp.Header.Get("X-Evidence-SHA256") != pdf.SHA256 || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=utf-8''%E5%BB%BA") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get(t, c, fmt.Sprintf("%s/evidence/%d", e.URL, textID))
	if resp.StatusCode != http.StatusOK || body != "厅党组会议研究部署信息化建设" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("text download: %d %q", resp.StatusCode, body)
	}
	// Another unit's user may not download it.
	other := browserClient(t)
	login(t, e, other, "ua")
	if resp, _ := get(t, other, fmt.Sprintf("%s/evidence/%d", e.URL, pdf.ID)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another unit's download: %d", resp.StatusCode)
	}
	// Withdraw: the evidence stays, marked.
	resp, _ = post(t, c, fmt.Sprintf("%s/evidence/%d/withdraw", page, textID), url.Values{"csrf_token": {tok}, "request_id": {"w1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	_, body = get(t, c, page)
	if !strings.Contains(body, `class="evidence withdrawn" id="evidence-`+itoa(textID)+`"`) || !strings.Contains(body, "已撤回") {
		t.Fatal("the withdrawn evidence is not marked")
	}
	if resp, _ = post(t, c, fmt.Sprintf("%s/evidence/%d/withdraw", page, textID), url.Values{"csrf_token": {tok}, "request_id": {"w2"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("withdrawing twice: %d", resp.StatusCode)
	}
	// Outcomes: a refusal keeps the input; then one is recorded.
	resp, body = post(t, c, page+"/outcomes", url.Values{"csrf_token": {tok}, "request_id": {"o1"}, "kind": {"people"}, "name": {"诫勉谈话"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="诫勉谈话"`) {
		t.Fatalf("people without a count: %d", resp.StatusCode)
	}
	for range 2 {
		resp, _ = post(t, c, page+"/outcomes", url.Values{"csrf_token": {tok}, "request_id": {"o2"}, "kind": {"money"}, "amount": {"125000"}, "measure_id": {"1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("outcome: %d", resp.StatusCode)
		}
	}
	outs, err := e.svc.ListOutcomes(context.Background(), e.users["ub"], e.p2.ID)
	must(t, err)
	if len(outs) != 1 || outs[0].Amount != 125000 {
		t.Fatalf("outcomes %+v", outs)
	}

	// Without live evidence a closure request needs a written
	// justification (justification_<measure>); the supervisor's checklist
	// flags the measure and shows the justification.
	resp, _ = post(t, c, fmt.Sprintf("%s/evidence/%d/withdraw", page, pdf.ID), url.Values{"csrf_token": {tok}, "request_id": {"w3"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw the pdf: %d", resp.StatusCode)
	}
	e.act(t, e.p2.ID, "ub", domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: 1, Text: "系统已上线"})
	_, body = get(t, c, page)
	if !strings.Contains(body, `name="justification_1"`) {
		t.Fatal("the closure form has no justification for measure 1")
	}
	closure := url.Values{"csrf_token": {tok}, "request_id": {"c1"}, "summary": {"申请销号"}}
	if resp, body = post(t, c, page+"/closure-request", closure); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "申请销号</textarea>") {
		t.Fatalf("closure without evidence or justification: %d", resp.StatusCode)
	}
	closure.Set("request_id", "c2")
	closure.Set("justification_1", "系统上线文件涉密，已线下报送")
	if resp, _ = post(t, c, page+"/closure-request", closure); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("closure with a justification: %d", resp.StatusCode)
	}
	sc := browserClient(t)
	login(t, e, sc, "super")
	_, body = get(t, sc, e.URL+"/review")
	item := body[strings.Index(body, fmt.Sprintf(`id="review-%d"`, e.p2.ID)):]
	if !strings.Contains(item, "tag-missing") || !strings.Contains(item, "系统上线文件涉密，已线下报送") || strings.Contains(item[:strings.Index(item, "</article>")], "/evidence/") {
		t.Fatalf("the checklist does not flag the measure or show the justification:\n%s", item)
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }
