package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/logging"
	"github.com/rectify/rectify/internal/metrics"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// TestMetricsEndpoint drives a problem through HTTP over an embedded
// Temporal server whose client reports into the same registry, then reads
// /metrics: the HTTP, workflow-action, evidence, Temporal SDK and Go
// metrics are all there. A remote client without a token is refused.
func TestMetricsEndpoint(t *testing.T) {
	st := storetest.SQLite(t)
	m := metrics.New()
	acts := &activities.Activities{Store: st, Metrics: m}
	ts := temporaltest.NewServer(temporaltest.WithT(t), temporaltest.WithBaseClientOptions(client.Options{
		MetricsHandler: m.Temporal(), ContextPropagators: []workflow.ContextPropagator{logging.Propagator{}},
	}))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	tc := ts.GetDefaultClient()
	ts.NewWorker(workflows.TaskQueue, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
		acts.Register(r)
	})
	var logs bytes.Buffer
	logger := slog.New(logging.NewHandler(slog.NewJSONHandler(&logs, nil)))
	svc := service.New(st, tc, logger, time.Hour)
	svc.Metrics = m
	svc.Blobs = &blob.Local{Dir: t.TempDir()}
	acts.Problems = svc
	if _, err := svc.CreateUserUnchecked(context.Background(), domain.NewUser{Username: "admin", Password: "admin-password", Role: domain.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	h, err := app.NewHandler(svc, logger, app.HandlerOptions{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	anon := apitest.Client{BaseURL: srv.URL}
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password-01", "role": "leader"},
		{"username": "leader2", "password": "password-02", "role": "leader"},
		{"username": "super", "password": "password-03", "role": "supervisor"},
		{"username": "ua", "password": "password-05", "role": "unit", "unit_id": unit.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password-01"))
	leader2 := anon.As(anon.Login(t, "leader2", "password-02"))
	super := anon.As(anon.Login(t, "super", "password-03"))
	ua := anon.As(anon.Login(t, "ua", "password-05"))
	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "指标测试"}).Decode(t, &campaign)
	var p domain.Problem
	leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+strconv.FormatInt(campaign.ID, 10)+"/problems", map[string]any{"title": "采购管控不严格"}).Decode(t, &p)
	pp := "/api/v1/problems/" + strconv.FormatInt(p.ID, 10)
	leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "修订采购管理办法", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")},
	}}, "X-Request-ID", "metrics-plan-1")
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
	super.Must(t, 409, "POST", pp+"/closure/approve", nil) // refused by the workflow: too early
	// An urge notifies the lead unit's users at once, before the answer.
	super.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请尽快签收"})
	uploadEvidence(t, ua, pp+"/measures/1/evidence", "采购管理办法（修订）全文")

	body := scrapeMetrics(t, srv.URL+"/metrics")
	for _, want := range []string{
		`rectify_http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status="2xx"} 5`,
		`rectify_http_request_duration_seconds_count{method="POST",route="/api/v1/problems/:id/closure/approve",status="4xx"} 1`,
		`rectify_workflow_actions_total{kind="submit_plan",result="accepted"} 1`,
		`rectify_workflow_actions_total{kind="approve_plan",result="accepted"} 1`,
		`rectify_workflow_actions_total{kind="approve_closure",result="refused"} 1`,
		`rectify_workflow_actions_total{kind="urge",result="accepted"} 1`,
		// Inbox rows: the plan's submission to both leaders, its approval to
		// the drafter and the unit (hand-offs), the urge to the unit.
		`rectify_reminders_total{channel="inbox",result="sent"} 5`,
		fmt.Sprintf("rectify_evidence_uploaded_bytes_total %d", len("采购管理办法（修订）全文")),
		"temporal_request{",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(logs.String(), `"request_id":"metrics-plan-1"`) {
		t.Errorf("no log line names the plan request's ID:\n%s", logs.String())
	}

	// The same handler refuses a remote client: no token is configured.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "203.0.113.7:40000"
	req.Header.Set("X-Forwarded-For", "127.0.0.1") // forgeable, so not believed
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("remote scrape without a token: status %d, want 403", rec.Code)
	}
}

func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	return string(body)
}

func uploadEvidence(t *testing.T, c apitest.Client, path, content string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("title", "修订后的办法")
	fw, err := w.CreateFormFile("file", "rules.txt")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(fw, content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.BaseURL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
}
