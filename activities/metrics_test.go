package activities_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/metrics"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/notify/notifytest"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// TestReminderMetrics: Notify counts inbox notices, Deliver counts sends
// that went out (not failed attempts, which are retried), and
// MarkDeliveryFailed counts sends given up, by channel.
func TestReminderMetrics(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := t.Context()
	svc := service.New(st, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	for _, name := range []string{"leader-a", "leader-b"} {
		if _, err := svc.CreateUserUnchecked(ctx, domain.NewUser{Username: name, Password: "password-" + name, Role: domain.RoleLeader}); err != nil {
			t.Fatal(err)
		}
	}
	campaign, err := st.CreateCampaign(ctx, domain.Campaign{Title: "round"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreateProblem(ctx, domain.NewProblem{CampaignID: campaign.ID, Title: "a problem"}, domain.SchedulerActor)
	if err != nil {
		t.Fatal(err)
	}
	hook := notifytest.StartWebhook(t, "secret")
	hook.FailFirst = 1
	m := metrics.New()
	acts := &activities.Activities{Store: st, Webhook: &notify.Webhook{URL: hook.URL, Secret: "secret"}, Metrics: m}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	acts.Register(env)

	notice := func(key string) domain.Notice {
		return domain.Notice{Key: key, Kind: domain.NoticeUrge, ProblemID: p.ID, Message: "催办", At: time.Now(),
			Audience: domain.Audience{Roles: []domain.Role{domain.RoleLeader}}}
	}
	notifyOne := func(n domain.Notice) int64 {
		t.Helper()
		v, err := env.ExecuteActivity(acts.Notify, n)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := v.Get(&ids); err != nil || len(ids) != 1 {
			t.Fatalf("Notify: sends %v, %v; want one webhook send", ids, err)
		}
		return ids[0]
	}
	first, second := notice("k1"), notice("k2")
	firstID, secondID := notifyOne(first), notifyOne(second)
	if _, err := env.ExecuteActivity(acts.Deliver, workflows.DeliverInput{DeliveryID: firstID, Notice: first}); err == nil {
		t.Fatal("the first webhook attempt should fail (FailFirst)")
	}
	if _, err := env.ExecuteActivity(acts.Deliver, workflows.DeliverInput{DeliveryID: firstID, Notice: first}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.ExecuteActivity(acts.MarkDeliveryFailed, workflows.DeliverInput{DeliveryID: secondID, Notice: second, Error: "gave up"}); err != nil {
		t.Fatal(err)
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`rectify_reminders_total{channel="inbox",result="sent"} 4`, // two notices, two leaders
		`rectify_reminders_total{channel="webhook",result="sent"} 1`,
		`rectify_reminders_total{channel="webhook",result="failed"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
