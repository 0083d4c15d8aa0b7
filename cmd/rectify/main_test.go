package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/notify/notifytest"
)

// The test binary doubles as the rectify binary: with this variable set it
// runs main, so tests can start and kill real processes without a build.
const execMainEnv = "RECTIFY_TEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is a running `rectify serve` child.
type process struct {
	cmd    *exec.Cmd
	addr   string
	log    string
	exited <-chan struct{}
}

func startServe(t *testing.T, dataDir, addr string, extraEnv ...string) *process {
	t.Helper()
	logPath := filepath.Join(dataDir, fmt.Sprintf("serve-%d.log", time.Now().UnixNano()))
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(os.Args[0], "serve", "--data-dir", dataDir, "--addr", addr)
	cmd.Env = append(os.Environ(), execMainEnv+"=1", "RECTIFY_ADMIN_PASSWORD=admin-password", "RECTIFY_TEMPORAL_PORT=0")
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: logPath}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.exited = exited
	t.Cleanup(func() { p.kill() })
	// The child logs its address once it listens: reading it back (rather
	// than dialling a port) cannot mistake another process for it.
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := os.ReadFile(logPath)
		if m := listeningRE.FindSubmatch(out); m != nil {
			p.addr = string(m[1])
			return p
		}
		select {
		case <-exited:
			t.Fatalf("rectify serve exited:\n%s", out)
		case <-time.After(100 * time.Millisecond):
		}
	}
	out, _ := os.ReadFile(logPath)
	t.Fatalf("rectify serve did not start listening:\n%s", out)
	return nil
}

var listeningRE = regexp.MustCompile(`msg="rectify listening" addr=(\S+)`)

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// TestRestartMidFlow kills the all-in-one process right after plan approval
// and starts it again on the same data directory: the problem goes on to
// closed, and every action is in the event log exactly once.
func TestRestartMidFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dataDir := t.TempDir()
	proc := startServe(t, dataDir, "127.0.0.1:0")
	addr := proc.addr
	c := apitest.Client{BaseURL: "http://" + addr}.Checked(t)
	admin := c.As(c.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "super", "password": "password30", "role": "supervisor"},
		{"username": "ua", "password": "password40", "role": "unit", "unit_id": unit.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "重启测试", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	var p domain.Problem
	admin.Must(t, 201, "POST", "/api/v1/campaigns/"+strconv.FormatInt(campaign.ID, 10)+"/problems", map[string]any{"title": "采购管控不严格"}).Decode(t, &p)
	pp := "/api/v1/problems/" + strconv.FormatInt(p.ID, 10)
	leader1 := c.As(c.Login(t, "leader1", "password12"))
	leader2 := c.As(c.Login(t, "leader2", "password20"))
	leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "修订采购管理办法", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")},
	}})
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)

	proc.kill()
	started := time.Now()
	startServe(t, dataDir, addr)
	t.Logf("restarted and listening after %v", time.Since(started))

	leader2.Must(t, 200, "GET", "/api/v1/me", nil) // sessions are stored, so they survive
	ua := c.As(c.Login(t, "ua", "password40"))
	super := c.As(c.Login(t, "super", "password30"))
	first := time.Now()
	ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
	t.Logf("first Update after restart took %v", time.Since(first))
	ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已修订"})
	ua.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号", "justifications": map[string]string{"1": "办法已印发"}})
	super.Must(t, 200, "POST", pp+"/closure/approve", nil).Decode(t, &p)
	if p.Stage != domain.StageClosed {
		t.Fatalf("stage = %s, want closed", p.Stage)
	}
	var events struct {
		Items []domain.Event `json:"items"`
	}
	super.Must(t, 200, "GET", pp+"/events", nil).Decode(t, &events)
	want := []domain.Action{domain.ActionCreate, domain.ActionSubmitPlan, domain.ActionApprovePlan, domain.ActionAcknowledge,
		domain.ActionCompleteMeasure, domain.ActionRequestClosure, domain.ActionApproveClosure}
	if len(events.Items) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(events.Items), len(want), events.Items)
	}
	for i, e := range events.Items {
		if e.Action != want[i] || e.Seq != int64(i+1) {
			t.Errorf("event %d = %s seq %d, want %s seq %d", i, e.Action, e.Seq, want[i], i+1)
		}
	}
}

// TestReminderAcrossRestart kills the process right after a plan approval
// whose acknowledgement window (4 s) then passes while nothing runs. After
// the restart the reminder arrives in the inbox, by SMTP and by webhook,
// exactly once each.
func TestReminderAcrossRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	smtpSrv := notifytest.StartSMTP(t)
	hook := notifytest.StartWebhook(t, "restart-secret")
	env := []string{
		"SMTP_HOST=" + smtpSrv.Host, "SMTP_PORT=" + strconv.Itoa(smtpSrv.Port), "SMTP_TLS=none", "SMTP_FROM=rectify@example.test",
		"WEBHOOK_URL=" + hook.URL, "WEBHOOK_SECRET=restart-secret",
	}
	dataDir := t.TempDir()
	proc := startServe(t, dataDir, "127.0.0.1:0", env...)
	addr := proc.addr
	c := apitest.Client{BaseURL: "http://" + addr}.Checked(t)
	admin := c.As(c.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "ua", "password": "password40", "role": "unit", "unit_id": unit.ID, "email": "ua@example.test"},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "重启催办", "policy": map[string]any{"ack_window": "4s", "endorse_closure": false}}).Decode(t, &campaign)
	var p domain.Problem
	admin.Must(t, 201, "POST", "/api/v1/campaigns/"+strconv.FormatInt(campaign.ID, 10)+"/problems", map[string]any{"title": "审计整改有差距"}).Decode(t, &p)
	pp := "/api/v1/problems/" + strconv.FormatInt(p.ID, 10)
	admin.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "建立审计整改台账", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
	}})
	leader2 := c.As(c.Login(t, "leader2", "password20"))
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
	proc.kill()
	time.Sleep(5 * time.Second) // the window closes while the process is down
	startServe(t, dataDir, addr, env...)

	ua := c.As(c.Login(t, "ua", "password40"))
	var key string
	// A notice's delivery in flight when the process died holds the problem's
	// loop until that attempt's start-to-close timeout (25 s) has passed; the
	// reminder follows it.
	deadline := time.Now().Add(60 * time.Second)
	for key == "" && time.Now().Before(deadline) {
		var inbox struct {
			Items []domain.Notification `json:"items"`
		}
		ua.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
		for _, n := range inbox.Items {
			if n.Kind == domain.NoticeAckOverdue {
				key = n.Key
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if key == "" {
		t.Fatal("no ack-overdue reminder after the restart")
	}
	for time.Now().Before(deadline) && (smtpSrv.Count(notify.MessageID(key)) == 0 || hook.Count(key) == 0) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // room for a duplicate to show up
	var inbox struct {
		Items []domain.Notification `json:"items"`
	}
	ua.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
	inboxCount := 0
	for _, n := range inbox.Items {
		if n.Key == key {
			inboxCount++
		}
	}
	if inboxCount != 1 || smtpSrv.Count(notify.MessageID(key)) != 1 || hook.Count(key) != 1 {
		t.Fatalf("reminder %s: %d in the inbox, %d emails, %d webhooks; want 1 each", key, inboxCount, smtpSrv.Count(notify.MessageID(key)), hook.Count(key))
	}
}
