package app_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/notify/notifytest"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// The replay test in workflows/ replays the histories this file records.
// Re-record them after a deliberate, versioned change to a workflow:
//
//	go test -count=1 ./internal/app -run TestRecordHistories -record-histories
var recordHistories = flag.Bool("record-histories", false,
	"run real flows on an embedded Temporal server and write their histories to workflows/testdata/histories")

// historyDir is where the replay test reads the histories.
var historyDir = filepath.Join("..", "..", "workflows", "testdata", "histories")

// chainHistoryLimit is the history length after which the chained problem continues
// as new: a handful of decisions per run.
const chainHistoryLimit = 25

// TestRecordHistories drives a problem through its whole life, a problem
// that continues as new several times, a report round and a look-back's start, all through the
// HTTP API on an embedded Temporal server, and writes every run's history.
func TestRecordHistories(t *testing.T) {
	if !*recordHistories {
		t.Skip("records only with -record-histories")
	}
	e := newRecEnv(t)
	lifecycle, campaign := e.lifecycle(t)
	round := e.reportRound(t, campaign)
	lookback := e.closeLifecycle(t, lifecycle)
	office := e.officeProblem(t)
	chained := e.continuedProblem(t)
	if len(chained.runs) < 3 {
		t.Fatalf("the chained problem ran %d times, want at least 3", len(chained.runs))
	}

	if err := os.MkdirAll(historyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.write(t, "problem-lifecycle", e.runs(t, workflows.ProblemWorkflowID(lifecycle), ""))
	e.write(t, "report-round", e.runs(t, round.ID, round.RunID))
	e.write(t, "lookback-start", e.runs(t, workflows.LookbackStartWorkflowID(lookback), ""))
	e.write(t, "problem-office", e.runs(t, workflows.ProblemWorkflowID(office), ""))
	e.write(t, "problem-continued", e.runs(t, chained.workflowID, chained.runs[0]))
}

// TestContinueAsNewEndToEnd runs a problem with a small history limit
// through the HTTP API: it continues as new several times while decisions
// and an acknowledgement reminder happen, and the event log and the inbox
// hold each exactly once.
func TestContinueAsNewEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an embedded Temporal server")
	}
	e := newRecEnv(t)
	chained := e.continuedProblem(t)
	if len(chained.runs) < 3 {
		t.Fatalf("the problem ran %d times, want at least 3 (continued as new twice)", len(chained.runs))
	}
	t.Logf("%d runs", len(chained.runs))
}

// recEnv is an embedded Temporal server with a worker, a store, the service and
// the HTTP handler over them, and the users of the flows.
type recEnv struct {
	ctx                                      context.Context
	temporal                                 client.Client
	store                                    *store.Store
	svc                                      *service.Service
	hook                                     *notifytest.WebhookReceiver
	admin, leader1, leader2, super, disc, ua apitest.Client
	uaHead                                   apitest.Client
	unit                                     domain.Unit
}

func newRecEnv(t *testing.T) *recEnv {
	t.Helper()
	st := storetest.SQLite(t)
	hook := notifytest.StartWebhook(t, "hook-secret")
	acts := &activities.Activities{Store: st, Webhook: &notify.Webhook{URL: hook.URL, Secret: "hook-secret"}}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	tc := ts.GetDefaultClient()
	ts.NewWorker(workflows.TaskQueue, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
		acts.Register(r)
	})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(st, tc, logger, time.Hour)
	acts.Problems = svc
	svc.Blobs = &blob.Local{Dir: t.TempDir()}
	ctx := context.Background()
	if _, err := svc.CreateUserUnchecked(ctx, domain.NewUser{Username: "admin", Password: "admin-password", Role: domain.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	h, err := app.NewHandler(svc, logger, app.HandlerOptions{EvidenceLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	anon := apitest.Client{BaseURL: srv.URL}
	e := &recEnv{ctx: ctx, temporal: tc, store: st, svc: svc, hook: hook}
	e.admin = anon.As(anon.Login(t, "admin", "admin-password"))
	e.admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &e.unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "recorder-pass-1", "role": "leader"},
		{"username": "leader2", "password": "recorder-pass-2", "role": "leader"},
		{"username": "super", "password": "recorder-pass-3", "role": "supervisor"},
		{"username": "disc", "password": "recorder-pass-4", "role": "discipline"},
		{"username": "ua", "password": "recorder-pass-5", "role": "unit", "unit_id": e.unit.ID},
		{"username": "ua_head", "password": "recorder-pass-6", "role": "unit", "unit_id": e.unit.ID, "unit_role": "head"},
	} {
		e.admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	e.leader1 = anon.As(anon.Login(t, "leader1", "recorder-pass-1"))
	e.leader2 = anon.As(anon.Login(t, "leader2", "recorder-pass-2"))
	e.super = anon.As(anon.Login(t, "super", "recorder-pass-3"))
	e.disc = anon.As(anon.Login(t, "disc", "recorder-pass-4"))
	e.ua = anon.As(anon.Login(t, "ua", "recorder-pass-5"))
	e.uaHead = anon.As(anon.Login(t, "ua_head", "recorder-pass-6"))
	return e
}

func histID(n int64) string { return strconv.FormatInt(n, 10) }

func histDate(months, days int) string {
	return time.Now().AddDate(0, months, days).Format("2006-01-02")
}

// campaign creates a campaign whose acknowledgement window is two seconds.
func (e *recEnv) campaign(t *testing.T, title string) domain.Campaign {
	t.Helper()
	var c domain.Campaign
	e.leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{
		"title": title, "policy": map[string]any{"ack_window": "2s", "repeat_every": "24h", "escalate_after": "7d", "endorse_closure": false},
	}).Decode(t, &c)
	return c
}

func (e *recEnv) plan() map[string]any {
	return map[string]any{"lead_unit_id": e.unit.ID, "measures": []map[string]any{
		{"title": "修订救助办法", "kind": "deadline", "lead_unit_id": e.unit.ID, "deadline": histDate(2, 0)},
	}}
}

// lifecycle walks a problem from plan to closed, with every kind of
// decision, a reminder and an extension, and stops in execute, ready for a
// report round. It returns the problem and campaign IDs.
func (e *recEnv) lifecycle(t *testing.T) (int64, int64) {
	t.Helper()
	c := e.campaign(t, "全流程")
	var p domain.Problem
	e.leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+histID(c.ID)+"/problems", map[string]any{"title": "低保动态管理不及时"}).Decode(t, &p)
	pp := "/api/v1/problems/" + histID(p.ID)
	e.leader1.Must(t, 200, "POST", pp+"/plan", e.plan())
	e.leader2.Must(t, 200, "POST", pp+"/plan/reject", map[string]any{"reason": "措施不具体"})
	e.leader1.Must(t, 200, "POST", pp+"/plan", e.plan())
	e.leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
	mp := pp + "/measures/" + histID(p.Measures[0].ID)
	e.waitNotice(t, domain.NoticeAckOverdue, p.ID)
	e.ua.Must(t, 200, "POST", mp+"/acknowledge", nil)
	e.ua.Must(t, 200, "POST", mp+"/progress", map[string]any{"text": "已起草", "percent": 30})
	var ext struct {
		ID int64 `json:"id"`
	}
	e.ua.Must(t, 201, "POST", mp+"/extension-requests", map[string]any{"deadline": histDate(3, 0), "reason": "需会签"}).Decode(t, &ext)
	e.leader1.Must(t, 200, "POST", mp+"/extension-requests/"+histID(ext.ID)+"/approve", map[string]any{"comment": "同意"})
	e.super.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请本周内报送进展"})
	e.waitNotice(t, domain.NoticeUrge, p.ID)
	return p.ID, c.ID
}

// officeProblem walks the office's hand-offs (issue 15): 分办, the unit's
// plan with a handler, a handler named, a staff closure request returned
// by the head, asked again, endorsed and approved.
func (e *recEnv) officeProblem(t *testing.T) int64 {
	t.Helper()
	var c domain.Campaign
	e.leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "分办", "policy": map[string]any{"ack_window": "2s"}}).Decode(t, &c)
	if !c.Policy.EndorseClosure {
		t.Fatal("a new campaign does not endorse closures")
	}
	var p domain.Problem
	e.leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+histID(c.ID)+"/problems", map[string]any{"title": "救助资金发放不及时"}).Decode(t, &p)
	pp := "/api/v1/problems/" + histID(p.ID)
	e.leader1.Must(t, 200, "POST", pp+"/assignment", map[string]any{"lead_unit_id": e.unit.ID, "plan_due": histDate(0, 10), "responsible_leader": "分管厅领导"})
	var me domain.User
	e.ua.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)
	plan := e.plan()
	plan["measures"].([]map[string]any)[0]["handler_id"] = me.ID
	e.ua.Must(t, 200, "POST", pp+"/plan", plan)
	e.leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
	mp := pp + "/measures/" + histID(p.Measures[0].ID)
	var head domain.User
	e.uaHead.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &head)
	e.uaHead.Must(t, 200, "POST", mp+"/handler", map[string]any{"user_id": head.ID})
	e.ua.Must(t, 200, "POST", mp+"/acknowledge", nil)
	e.ua.Must(t, 200, "POST", mp+"/complete", map[string]any{"summary": "已发放"})
	closure := map[string]any{"summary": "申请销号", "justifications": map[string]string{histID(p.Measures[0].ID): "发放记录已公示"}}
	e.ua.Must(t, 200, "POST", pp+"/closure-request", closure)
	e.uaHead.Must(t, 200, "POST", pp+"/closure/return", map[string]any{"reason": "请补充公示截图"})
	e.ua.Must(t, 200, "POST", pp+"/closure-request", closure)
	e.uaHead.Must(t, 200, "POST", pp+"/closure/endorse", map[string]any{"comment": "情况属实"})
	e.super.Must(t, 200, "POST", pp+"/closure/approve", nil).Decode(t, &p)
	if p.Stage != domain.StageClosed {
		t.Fatalf("office problem ends in %s", p.Stage)
	}
	e.assertEvents(t, p.ID, "create", "assign", "submit_plan", "approve_plan", "name_handler", "acknowledge",
		"complete_measure", "request_closure", "return_closure", "request_closure", "endorse_closure", "approve_closure")
	e.settle(t)
	return p.ID
}

// closeLifecycle takes the lifecycle problem on from execute: closure
// rejected then approved, a look-back that reopens it, closed again.
func (e *recEnv) closeLifecycle(t *testing.T, pid int64) (lookbackID int64) {
	t.Helper()
	pp := "/api/v1/problems/" + histID(pid)
	var p domain.Problem
	e.ua.Must(t, 200, "GET", pp, nil).Decode(t, &p)
	mid := p.Measures[0].ID
	mp := pp + "/measures/" + histID(mid)
	e.ua.Must(t, 200, "POST", mp+"/complete", map[string]any{"summary": "办法已印发"})
	e.uploadEvidence(t, mp+"/evidence", "印发文件")
	e.ua.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"})
	e.super.Must(t, 200, "POST", pp+"/closure/reject", map[string]any{"reason": "佐证材料不全"})
	e.ua.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "再次申请销号"})
	e.super.Must(t, 200, "POST", pp+"/closure/approve", map[string]any{"comment": "同意销号"})

	var lb domain.Lookback
	e.disc.Must(t, 201, "POST", "/api/v1/lookbacks", map[string]any{"title": "回头看", "due_date": histDate(1, 0), "problem_ids": []any{pid}}).Decode(t, &lb)
	// The request answers before the problem is under review.
	if err := e.temporal.GetWorkflow(e.ctx, workflows.LookbackStartWorkflowID(lb.ID), "").Get(e.ctx, nil); err != nil {
		t.Fatalf("look-back start: %v", err)
	}
	lp := "/api/v1/lookbacks/" + histID(lb.ID) + "/problems/" + histID(pid)
	e.disc.Must(t, 201, "POST", lp+"/requests", map[string]any{"text": "请提供台账"})
	e.ua.Must(t, 201, "POST", lp+"/answers", map[string]any{"text": "已报送台账"})
	e.disc.Must(t, 200, "POST", lp+"/conclude", map[string]any{"result": "reopened", "reason": "问题反弹", "deadline": histDate(3, 0)})
	e.ua.Must(t, 200, "POST", mp+"/complete", map[string]any{"summary": "台账已按月更新"})
	e.ua.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号", "justifications": map[string]string{histID(mid): "以印发文件为准"}})
	e.super.Must(t, 200, "POST", pp+"/closure/approve", nil).Decode(t, &p)
	if p.Stage != domain.StageClosed {
		t.Fatalf("lifecycle problem ends in %s", p.Stage)
	}
	e.assertEvents(t, pid, "create", "submit_plan", "reject_plan", "submit_plan", "approve_plan", "acknowledge",
		"report_progress", "request_extension", "approve_extension", "urge", "request_reports",
		"complete_measure", "request_closure", "reject_closure", "request_closure", "approve_closure",
		"start_lookback", "request_material", "answer_material", "conclude_lookback",
		"complete_measure", "request_closure", "approve_closure")
	e.settle(t)
	return lb.ID
}

// reportRound sets a schedule on the campaign, triggers a round and waits
// for it to finish.
func (e *recEnv) reportRound(t *testing.T, campaignID int64) workflow.Execution {
	t.Helper()
	cp := "/api/v1/campaigns/" + histID(campaignID)
	e.leader2.Must(t, 200, "PUT", cp+"/schedule", map[string]any{"cadence": "monthly:25", "due_days": 5})
	e.leader2.Must(t, 202, "POST", cp+"/schedule/trigger", nil)
	handle := e.temporal.ScheduleClient().GetHandle(e.ctx, workflows.ReportScheduleID(campaignID))
	var run workflow.Execution
	histWaitFor(t, 20*time.Second, "the triggered round", func() bool {
		d, err := handle.Describe(e.ctx)
		if err != nil || len(d.Info.RecentActions) == 0 {
			return false
		}
		r := d.Info.RecentActions[0].StartWorkflowResult
		run = workflow.Execution{ID: r.WorkflowID, RunID: r.FirstExecutionRunID}
		return true
	})
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	var res workflows.RequestReportsResult
	if err := e.temporal.GetWorkflow(ctx, run.ID, run.RunID).Get(ctx, &res); err != nil {
		t.Fatalf("report round: %v", err)
	}
	if res.Asked != 1 {
		t.Fatalf("report round asked %d problems, want 1", res.Asked)
	}
	e.admin.Must(t, 200, "PUT", cp+"/schedule", map[string]any{"cadence": "off"})
	return run
}

// runChain is a problem workflow's runs, first to current.
type runChain struct {
	workflowID string
	runs       []string
}

// continuedProblem starts a problem with a small history limit, as the
// service would but with the limit, and takes it to closed through the API
// while it continues as new; the acknowledgement reminder falls due in
// between. It checks that the event log has each decision once and the
// inbox the reminder once.
func (e *recEnv) continuedProblem(t *testing.T) runChain {
	t.Helper()
	c := e.campaign(t, "续跑")
	u, err := e.svc.Authenticate(e.ctx, e.leader1.Token)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.store.CreateProblem(e.ctx, domain.NewProblem{CampaignID: c.ID, Title: "救助资金发放滞后"}, u.Actor())
	if err != nil {
		t.Fatal(err)
	}
	wid := workflows.ProblemWorkflowID(p.ID)
	run, err := e.temporal.ExecuteWorkflow(e.ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
		workflows.ProblemWorkflowName, workflows.ProblemInput{Problem: p, HistoryLimit: chainHistoryLimit})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.MarkWorkflowStarted(e.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	pp := "/api/v1/problems/" + histID(p.ID)
	e.leader1.Must(t, 200, "POST", pp+"/plan", e.plan())
	e.leader2.Must(t, 200, "POST", pp+"/plan/reject", map[string]any{"reason": "措施不具体"})
	e.leader1.Must(t, 200, "POST", pp+"/plan", e.plan())
	e.leader2.Must(t, 200, "POST", pp+"/plan/approve", nil).Decode(t, &p)
	mid := p.Measures[0].ID
	mp := pp + "/measures/" + histID(mid)
	// Decisions that change nothing the reminder depends on, while its
	// two-second window runs out: the history passes the limit meanwhile.
	e.super.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请尽快签收"})
	e.super.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请立即签收"})
	ack := e.waitNotice(t, domain.NoticeAckOverdue, p.ID)
	e.ua.Must(t, 200, "POST", mp+"/acknowledge", nil)
	// The same click twice, the second as after a lost answer.
	e.ua.Must(t, 200, "POST", mp+"/progress", map[string]any{"text": "第一次"}, "Idempotency-Key", "click-1")
	for i := range 4 {
		e.ua.Must(t, 200, "POST", mp+"/progress", map[string]any{"text": fmt.Sprintf("第%d次", i+2)})
	}
	e.ua.Must(t, 200, "POST", mp+"/progress", map[string]any{"text": "第一次"}, "Idempotency-Key", "click-1")
	e.ua.Must(t, 200, "POST", mp+"/complete", map[string]any{"summary": "已完成"})
	e.ua.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号", "justifications": map[string]string{histID(mid): "以印发文件为准"}})
	var closed domain.Problem
	e.super.Must(t, 200, "POST", pp+"/closure/approve", nil).Decode(t, &closed)
	if closed.Stage != domain.StageClosed {
		t.Fatalf("chained problem ends in %s", closed.Stage)
	}
	e.settle(t)

	e.assertEvents(t, p.ID, "create", "submit_plan", "reject_plan", "submit_plan", "approve_plan", "urge", "urge",
		"acknowledge", "report_progress", "report_progress", "report_progress", "report_progress", "report_progress",
		"complete_measure", "request_closure", "approve_closure")
	// Once per user of the unit: its staff and its head.
	if n, err := e.store.CountNotifications(e.ctx, ack.Key); err != nil || n != 2 {
		t.Errorf("%d inbox rows for %s (%v), want 2", n, ack.Key, err)
	}
	if n := e.countNotices(t, domain.NoticeAckOverdue, p.ID); n != 1 {
		t.Errorf("%d acknowledgement reminders for problem %d, want 1", n, p.ID)
	}
	if n := e.countNotices(t, domain.NoticeUrge, p.ID); n != 2 {
		t.Errorf("%d urges for problem %d, want 2", n, p.ID)
	}
	if n := e.hook.Count(ack.Key); n != 1 {
		t.Errorf("%d webhook calls for %s, want 1", n, ack.Key)
	}
	ch := runChain{workflowID: wid, runs: e.runIDs(t, wid, run.GetRunID())}
	v, err := e.temporal.QueryWorkflow(e.ctx, wid, "", workflows.StateQuery)
	if err != nil {
		t.Fatal(err)
	}
	var q domain.Problem
	if err := v.Get(&q); err != nil || q.Version != closed.Version || q.Stage != domain.StageClosed {
		t.Errorf("the last run's state is version %d stage %s (%v), want %d closed", q.Version, q.Stage, err, closed.Version)
	}
	return ch
}

// settle waits until every workflow task has been handled, so that the
// recorded histories end on a completed task.
func (e *recEnv) settle(t *testing.T) {
	t.Helper()
	time.Sleep(2 * time.Second)
}

func (e *recEnv) assertEvents(t *testing.T, pid int64, actions ...string) {
	t.Helper()
	events, err := e.store.Events(e.ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, ev := range events {
		got = append(got, string(ev.Action))
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d has seq %d", i, ev.Seq)
		}
	}
	if !slices.Equal(got, actions) {
		t.Fatalf("events of problem %d = %v\nwant %v", pid, got, actions)
	}
}

// inbox is the unit user's notifications.
func (e *recEnv) inbox(t *testing.T) []domain.Notification {
	t.Helper()
	var in struct {
		Items []domain.Notification `json:"items"`
	}
	e.ua.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &in)
	return in.Items
}

func (e *recEnv) countNotices(t *testing.T, kind domain.NoticeKind, pid int64) int {
	t.Helper()
	n := 0
	for _, x := range e.inbox(t) {
		if x.Kind == kind && x.ProblemID == pid {
			n++
		}
	}
	return n
}

// waitNotice waits for a notice of kind on problem pid in the unit's inbox.
func (e *recEnv) waitNotice(t *testing.T, kind domain.NoticeKind, pid int64) domain.Notification {
	t.Helper()
	var found domain.Notification
	histWaitFor(t, 20*time.Second, fmt.Sprintf("%s notice on problem %d", kind, pid), func() bool {
		for _, x := range e.inbox(t) {
			if x.Kind == kind && x.ProblemID == pid {
				found = x
				return true
			}
		}
		return false
	})
	return found
}

func (e *recEnv) uploadEvidence(t *testing.T, path, title string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("title", title)
	fw, err := w.CreateFormFile("file", "notice.txt")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(fw, "关于印发救助办法的通知")
	w.Close()
	req, _ := http.NewRequest("POST", e.ua.BaseURL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.ua.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload evidence: %d %s", resp.StatusCode, data)
	}
}

func histWaitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// history fetches every page of one run's history.
func (e *recEnv) history(t *testing.T, wid, runID string) *historypb.History {
	t.Helper()
	it := e.temporal.GetWorkflowHistory(e.ctx, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s/%s: %v", wid, runID, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// runIDs follows a runChain of continue-as-new from its first run.
func (e *recEnv) runIDs(t *testing.T, wid, first string) []string {
	t.Helper()
	runs := []string{first}
	for {
		h := e.history(t, wid, runs[len(runs)-1])
		last := h.Events[len(h.Events)-1]
		attrs := last.GetWorkflowExecutionContinuedAsNewEventAttributes()
		if attrs == nil {
			return runs
		}
		runs = append(runs, attrs.NewExecutionRunId)
	}
}

// runs returns the history of every run of a chain, first to last.
func (e *recEnv) runs(t *testing.T, wid, first string) []*historypb.History {
	t.Helper()
	var out []*historypb.History
	if first == "" {
		return append(out, e.history(t, wid, ""))
	}
	for _, run := range e.runIDs(t, wid, first) {
		out = append(out, e.history(t, wid, run))
	}
	return out
}

// write stores each history as JSON, in the format of
// `temporal workflow show --output json` that client.HistoryFromJSON reads.
func (e *recEnv) write(t *testing.T, name string, histories []*historypb.History) {
	t.Helper()
	// Replace this flow's earlier recording; other files (such as renamed
	// recordings of an older workflow version) stay.
	stale, err := filepath.Glob(filepath.Join(historyDir, name+"-run*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(stale, filepath.Join(historyDir, name+".json")) {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	for i, h := range histories {
		file := name + ".json"
		if len(histories) > 1 {
			file = fmt.Sprintf("%s-run%d.json", name, i+1)
		}
		data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"password", "hook-secret", "Bearer"} {
			if strings.Contains(string(data), secret) {
				t.Fatalf("%s contains %q", file, secret)
			}
		}
		if err := os.WriteFile(filepath.Join(historyDir, file), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d events, %d bytes", file, len(h.Events), len(data))
	}
}
