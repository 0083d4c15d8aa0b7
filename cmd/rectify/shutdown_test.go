package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/logging"
)

// TestGracefulShutdown sends SIGTERM to a serving process while a request
// is still arriving: the request completes, the process logs each shutdown
// step in order and exits 0, and a new process on the same data directory
// has the data and the workflows. On the way it checks the observability
// of the real binary: request IDs in the logs (also from inside the
// workflow) and /metrics for a local client.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	dataDir := t.TempDir()
	proc := startServe(t, dataDir, "127.0.0.1:0")
	c := apitest.Client{BaseURL: "http://" + proc.addr}
	admin := c.As(c.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "leader1", "password": "password12", "role": "leader"})
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "leader2", "password": "password20", "role": "leader"})
	leader1 := c.As(c.Login(t, "leader1", "password12"))
	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "停机测试", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	var p domain.Problem
	leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+strconv.FormatInt(campaign.ID, 10)+"/problems", map[string]any{"title": "采购管控不严格"}).Decode(t, &p)
	pp := "/api/v1/problems/" + strconv.FormatInt(p.ID, 10)
	res := leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "修订采购管理办法", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")},
	}}, "X-Request-ID", "shutdown-plan-1")
	if got := res.Header.Get("X-Request-ID"); got != "shutdown-plan-1" {
		t.Errorf("X-Request-ID echoed as %q", got)
	}

	metricsBody := get(t, c.BaseURL+"/metrics")
	for _, want := range []string{`rectify_workflow_actions_total{kind="submit_plan",result="accepted"} 1`, "temporal_request{", "go_goroutines "} {
		if !strings.Contains(metricsBody, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// A login whose body is still arriving when SIGTERM comes: the server
	// has read its headers, so the drain must wait for it.
	bodyR, bodyW := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, c.BaseURL+"/api/v1/auth/login", bodyR)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "in-flight-1")
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	if _, err := io.WriteString(bodyW, `{"username": "admin", `); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the headers and half the body are in
	if err := proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitForLog(t, proc, `msg="shutting down"`, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // the drain has begun and is waiting
	if _, err := io.WriteString(bodyW, `"password": "admin-password"}`); err != nil {
		t.Fatal(err)
	}
	bodyW.Close()
	select {
	case r := <-done:
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("in-flight login: status %d, error %v; want 200", r.status, r.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the in-flight request got no answer")
	}
	select {
	case <-proc.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("no exit within 60 s of SIGTERM")
	}
	if code := proc.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}

	out, _ := os.ReadFile(proc.log)
	log := string(out)
	// The steps, in order: the in-flight request is answered before the
	// drain ends, and the store closes last.
	steps := []string{
		`msg="shutting down"`,
		`msg="http request" method=POST route=/api/v1/auth/login status=200`,
		`msg="shutdown: http drained"`,
		`msg="shutdown: worker stopped"`,
		`msg="shutdown: temporal client closed"`,
		`msg="shutdown: embedded temporal stopped"`,
		`msg="shutdown: store closed"`,
	}
	at := 0
	for _, step := range steps {
		i := strings.Index(log[at:], step)
		if i < 0 {
			t.Fatalf("the log lacks %q after offset %d:\n%s", step, at, log)
		}
		at += i + len(step)
	}
	for _, re := range []string{
		// The access line and the workflow's own line name the request.
		`msg="http request" method=POST route=/api/v1/problems/:id/plan status=200 duration=\S+ request_id=shutdown-plan-1 user_id=\d+`,
		`msg="decision applied".*request_id=shutdown-plan-1`,
		`route=/api/v1/auth/login status=200 duration=\S+ request_id=in-flight-1`,
	} {
		if !regexp.MustCompile(re).MatchString(log) {
			t.Errorf("the log has no line matching %s", re)
		}
	}

	// Everything is still there after a restart, workflows included.
	proc = startServe(t, dataDir, "127.0.0.1:0")
	c = apitest.Client{BaseURL: "http://" + proc.addr}
	leader2 := c.As(c.Login(t, "leader2", "password20"))
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil).Decode(t, &p)
	if p.Stage != domain.StageAssign {
		t.Errorf("after restart and approval the problem is at stage %s, want assign", p.Stage)
	}
	// The request ID reaches the activities too: an urge's notice is
	// written by a (local) activity that names it.
	leader1 = c.As(c.Login(t, "leader1", "password12"))
	leader1.Must(t, 200, "POST", pp+"/urge", map[string]any{"message": "请尽快签收"}, "X-Request-ID", "restart-urge-1")
	out, _ = os.ReadFile(proc.log)
	if !regexp.MustCompile(`msg="notice written".*request_id=restart-urge-1`).Match(out) {
		t.Errorf("no activity log line names the urge's request ID:\n%s", out)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return string(body)
}

// waitForLog waits until the process's log holds s.
func waitForLog(t *testing.T, p *process, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		out, _ := os.ReadFile(p.log)
		if strings.Contains(string(out), s) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, _ := os.ReadFile(p.log)
	t.Fatalf("the log lacks %q after %v:\n%s", s, within, out)
}

// TestNewLoggerStampsRequestID: both log formats name the request of the
// context a line is logged with.
func TestNewLoggerStampsRequestID(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"text", "request_id=req-7"},
		{"json", `"request_id":"req-7"`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var out strings.Builder
			newLogger(config.Config{LogFormat: tc.format}, &out).InfoContext(logging.WithRequestID(t.Context(), "req-7"), "hello")
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("%s log %q lacks %s", tc.format, out.String(), tc.want)
			}
		})
	}
}
