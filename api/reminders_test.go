package api_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/notify/notifytest"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestReminderArrivesOnceEverywhere lets a unit miss a two-second
// acknowledgement window on the real embedded server: the reminder lands in
// the inbox, by SMTP and by webhook, exactly once each; a manual urge follows
// the same path; lights, stats and extensions show through the API.
func TestReminderArrivesOnceEverywhere(t *testing.T) {
	st := storetest.SQLite(t)
	smtpSrv := notifytest.StartSMTP(t)
	hook := notifytest.StartWebhook(t, "hook-secret")
	hook.FailFirst = 1 // the first POST fails and is retried
	anon := newServerWith(t, &activities.Activities{
		Store:   st,
		Mailer:  &notify.Mailer{Host: smtpSrv.Host, Port: smtpSrv.Port, From: "rectify@example.test", TLS: "none"},
		Webhook: &notify.Webhook{URL: hook.URL, Secret: "hook-secret"},
	})
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader", "display_name": "分管厅领导"},
		{"username": "super", "password": "password30", "role": "supervisor"},
		{"username": "ua", "password": "password40", "role": "unit", "unit_id": unit.ID, "email": "ua@example.test"},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	super := anon.As(anon.Login(t, "super", "password30"))
	ua := anon.As(anon.Login(t, "ua", "password40"))

	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{
		"title": "催办测试", "policy": map[string]string{"ack_window": "2s", "repeat_every": "24h", "escalate_after": "7d"},
	}).Decode(t, &campaign)
	leader1.Must(t, 400, "POST", "/api/v1/campaigns", map[string]any{"title": "x", "policy": map[string]string{"ack_window": "soon"}})
	var p domain.Problem
	leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": "采购管控不严格"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	soon := time.Now().AddDate(0, 0, 2).Format("2006-01-02") // inside the 3-day warning window
	leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "修订采购办法", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": soon, "responsible_leader": "分管厅领导"},
	}})
	approvedAt := time.Now()
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)

	// The acknowledgement window passes with nobody acting.
	ackKey := ""
	waitFor(t, 20*time.Second, "the ack-overdue notice in the inbox", func() bool {
		var inbox struct {
			Items  []domain.Notification `json:"items"`
			Unread int64                 `json:"unread"`
		}
		ua.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
		for _, n := range inbox.Items {
			if n.Kind == domain.NoticeAckOverdue {
				ackKey = n.Key
				t.Logf("reminder lag: %v after the window closed", time.Since(approvedAt.Add(2*time.Second)).Round(time.Millisecond))
				return true
			}
		}
		return false
	})
	waitFor(t, 20*time.Second, "email and webhook", func() bool {
		return smtpSrv.Count(notify.MessageID(ackKey)) > 0 && hook.Count(ackKey) > 0
	})
	time.Sleep(2 * time.Second) // room for any duplicate to show up
	if n, _ := st.CountNotifications(context.Background(), ackKey); n != 1 {
		t.Errorf("%d inbox rows for %s, want 1 (one unit user)", n, ackKey)
	}
	if n := smtpSrv.Count(notify.MessageID(ackKey)); n != 1 {
		t.Errorf("%d emails for %s, want 1", n, ackKey)
	}
	if n := hook.Count(ackKey); n != 1 {
		t.Errorf("%d webhook calls for %s, want 1", n, ackKey)
	}
	for _, h := range hook.Hooks() {
		if !h.SignedOK {
			t.Errorf("webhook %s has a bad signature", h.Key)
		}
	}
	if n, _ := st.CountDeliveries(context.Background(), ackKey, store.DeliverySent); n != 2 {
		t.Errorf("%d sent deliveries for %s, want 2 (email and webhook)", n, ackKey)
	}

	// Acknowledging makes the measure's deadline light count: yellow.
	ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil).Decode(t, &p)
	if p.Light != domain.LightYellow || p.Measures[0].Light != domain.LightYellow {
		t.Errorf("light %s / %s, want yellow (deadline %s)", p.Light, p.Measures[0].Light, soon)
	}
	var yellow struct {
		Total int64 `json:"total"`
	}
	super.Must(t, 200, "GET", "/api/v1/problems?light=yellow&campaign_id="+id(campaign.ID), nil).Decode(t, &yellow)
	if yellow.Total != 1 {
		t.Errorf("?light=yellow lists %d problems", yellow.Total)
	}
	super.Must(t, 400, "GET", "/api/v1/problems?light=purple", nil)

	// A manual urge reaches the unit at once.
	ua.Must(t, 403, "POST", pp+"/urge", map[string]any{"message": "x"})
	super.Must(t, 400, "POST", pp+"/urge", map[string]any{"message": " "})
	super.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请本周内报送进展"})
	var inbox struct {
		Items []domain.Notification `json:"items"`
	}
	ua.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
	if len(inbox.Items) == 0 || inbox.Items[0].Kind != domain.NoticeUrge && inbox.Items[1].Kind != domain.NoticeUrge {
		t.Errorf("inbox after urge: %+v", inbox.Items)
	}
	for _, n := range inbox.Items {
		if n.Kind == domain.NoticeUrge && !strings.Contains(n.Message, "请本周内报送进展") {
			t.Errorf("urge message %q", n.Message)
		}
	}
	ua.Must(t, 204, "POST", "/api/v1/notifications/"+strconv.FormatInt(inbox.Items[0].ID, 10)+"/read", nil)
	super.Must(t, 404, "POST", "/api/v1/notifications/"+strconv.FormatInt(inbox.Items[0].ID, 10)+"/read", nil)

	// An extension moves the deadline out of the warning window: green.
	later := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	ua.Must(t, 400, "POST", pp+"/measures/1/extension-requests", map[string]any{"deadline": later})
	ua.Must(t, 400, "POST", pp+"/measures/1/extension-requests", map[string]any{"deadline": "2020-01-01", "reason": "x"})
	var ext struct {
		ID      int64          `json:"id"`
		Status  string         `json:"status"`
		Problem domain.Problem `json:"problem"`
	}
	ua.Must(t, 201, "POST", pp+"/measures/1/extension-requests", map[string]any{"deadline": later, "reason": "需省财政厅会签"}).Decode(t, &ext)
	if ext.ID != 1 || ext.Status != "pending" {
		t.Fatalf("extension request = %+v", ext)
	}
	ua.Must(t, 409, "POST", pp+"/measures/1/extension-requests", map[string]any{"deadline": later, "reason": "again"})
	ua.Must(t, 403, "POST", pp+"/measures/1/extension-requests/1/approve", nil)
	leader1.Must(t, 200, "POST", pp+"/measures/1/extension-requests/1/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
	m := p.Measures[0]
	if m.Deadline != domain.Date(later) || m.OriginalDeadline != domain.Date(soon) || m.ExtensionCount != 1 || m.Light != domain.LightGreen {
		t.Errorf("after extension: deadline %s original %s count %d light %s", m.Deadline, m.OriginalDeadline, m.ExtensionCount, m.Light)
	}
	leader2.Must(t, 409, "POST", pp+"/measures/1/extension-requests/1/reject", map[string]any{"reason": "x"})

	var stats domain.CampaignStats
	super.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/stats", nil).Decode(t, &stats)
	if stats.Problems != 1 || stats.ExtensionsGranted != 1 || stats.ByLight[domain.LightGreen] != 1 || stats.MeasuresByStage[domain.StageExecute] != 1 {
		t.Errorf("stats = %+v", stats)
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReportRoundBySchedule sets a campaign's cadence (a real Temporal
// Schedule), triggers a round, and sees the report request reach the unit;
// the unit's progress report answers it.
func TestReportRoundBySchedule(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServerWith(t, &activities.Activities{Store: st})
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "养老服务处"}).Decode(t, &unit)
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "leader2", "password": "password20", "role": "leader"})
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "ub", "password": "password50", "role": "unit", "unit_id": unit.ID})
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	ub := anon.As(anon.Login(t, "ub", "password50"))
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "定期调度"}).Decode(t, &campaign)
	cp := "/api/v1/campaigns/" + id(campaign.ID)
	var p domain.Problem
	admin.Must(t, 201, "POST", cp+"/problems", map[string]any{"title": "养老服务机构存在安全隐患"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	admin.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "开展安全隐患排查", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 3, 0).Format("2006-01-02")},
		{"title": "常态化安全检查", "kind": "long_term", "lead_unit_id": unit.ID},
	}})
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
	ub.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
	ub.Must(t, 200, "POST", pp+"/measures/2/acknowledge", nil)

	admin.Must(t, 409, "POST", cp+"/schedule/trigger", nil) // no schedule yet
	ub.Must(t, 403, "PUT", cp+"/schedule", map[string]any{"cadence": "monthly:25"})
	admin.Must(t, 400, "PUT", cp+"/schedule", map[string]any{"cadence": "monthly:31"})
	admin.Must(t, 400, "PUT", cp+"/schedule", map[string]any{"cadence": "daily"})
	var got domain.Campaign
	leader2.Must(t, 200, "PUT", cp+"/schedule", map[string]any{"cadence": "monthly:25", "due_days": 5}).Decode(t, &got)
	if got.ReportCadence != "monthly:25" || got.ReportDueDays != 5 {
		t.Fatalf("campaign schedule = %q / %d", got.ReportCadence, got.ReportDueDays)
	}
	leader2.Must(t, 202, "POST", cp+"/schedule/trigger", nil)

	due := domain.DateOf(time.Now()).AddDays(5)
	waitFor(t, 20*time.Second, "the report request", func() bool {
		var detail domain.Problem
		ub.Must(t, 200, "GET", pp, nil).Decode(t, &detail)
		return len(detail.Measures) == 2 && detail.Measures[0].ReportDue == due && detail.Measures[1].ReportDue == due
	})
	// The notice is written just after the report request is recorded.
	var inbox struct {
		Items []domain.Notification `json:"items"`
	}
	waitFor(t, 10*time.Second, "the report request in the inbox", func() bool {
		ub.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
		// The plan's approval told the unit too (a hand-off): leave it out.
		inbox.Items = slices.DeleteFunc(inbox.Items, func(n domain.Notification) bool { return n.Kind == domain.NoticeHandoff })
		return len(inbox.Items) > 0
	})
	if len(inbox.Items) != 1 || inbox.Items[0].Kind != domain.NoticeReportDue || !strings.Contains(inbox.Items[0].Message, string(due)) {
		t.Fatalf("inbox after the round: %+v", inbox.Items)
	}
	ub.Must(t, 200, "POST", pp+"/measures/2/progress", map[string]any{"text": "本月开展检查3次"}).Decode(t, &p)
	if p.Measures[1].ReportDue != "" || p.Measures[0].ReportDue != due {
		t.Errorf("after reporting on measure 2: report due %q / %q", p.Measures[0].ReportDue, p.Measures[1].ReportDue)
	}
	admin.Must(t, 200, "PUT", cp+"/schedule", map[string]any{"cadence": "off"})
	admin.Must(t, 409, "POST", cp+"/schedule/trigger", nil)
}
