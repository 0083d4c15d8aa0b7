package faults_test

// Dependency faults, end to end: the database or the Temporal frontend goes
// away under a load of sign-offs and comes back, through a fault proxy, with
// no process restarted. Clients must see 503 with Retry-After while it is
// away (never 500, never a success that was not recorded), /readyz must
// follow the dependency, and every request retried with its Idempotency-Key
// afterwards must be applied exactly once.

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	// The pgx database/sql driver, for CREATE and DROP DATABASE.
	_ "github.com/jackc/pgx/v5/stdlib"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/faultproxy"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// TestPostgresOutage cuts the API's and the worker's PostgreSQL connections
// mid-load and restores them.
func TestPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PostgreSQL and an embedded Temporal server")
	}
	serverURL := faultPostgresServer(t)
	proxy := faultproxy.Start(t, serverURL.Host)
	dsn := faultDatabase(t, serverURL, proxy.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatalf("open the store through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })

	ts := temporaltest.NewServer(temporaltest.WithT(t))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	direct := ts.GetDefaultClient()
	rig := newFaultRig(t, st, direct, direct, direct)

	rig.run(t, proxy, func(t *testing.T) {
		// The session check needs the database: no 401, no 500.
		rig.mustUnavailable(t, rig.unitUser, "GET", "/api/v1/problems", nil)
		anon := rig.unitUser.As("")
		rig.mustUnavailable(t, anon, "POST", "/api/v1/auth/login", map[string]string{"username": "ua", "password": faultPassword})
	})
}

// TestTemporalOutage cuts every connection to the Temporal frontend (the
// API's and the worker's, as when they run apart from a remote cluster)
// mid-load and restores them. The store stays up: reads keep working.
func TestTemporalOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an embedded Temporal server")
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	proxy := faultproxy.Start(t, ts.GetFrontendHostPort())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	proxied, err := client.DialContext(ctx, client.Options{
		HostPort: proxy.Addr(), Namespace: ts.GetDefaultNamespace(), Logger: sdklog.NewStructuredLogger(faultLogger()),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxied.Close)
	rig := newFaultRig(t, storetest.SQLite(t), proxied, proxied, ts.GetDefaultClient())

	rig.run(t, proxy, func(t *testing.T) {
		var list struct {
			Total int64 `json:"total"`
		}
		rig.unitUser.Must(t, http.StatusOK, "GET", "/api/v1/problems", nil).Decode(t, &list)
		if list.Total != int64(len(rig.problems)) {
			t.Errorf("the problem list read from the store has %d problems, want %d", list.Total, len(rig.problems))
		}
		// The problem is created (a retry would make a second one); its
		// workflow cannot start yet.
		rig.leader.Must(t, http.StatusCreated, "POST", fmt.Sprintf("/api/v1/campaigns/%d/problems", rig.campaign),
			map[string]any{"title": createdDuringOutage})
	})

	// That problem works now, without a restart: its workflow starts on
	// the first decision.
	var list struct {
		Items []domain.Problem `json:"items"`
	}
	rig.leader.Must(t, http.StatusOK, "GET", "/api/v1/problems", nil).Decode(t, &list)
	var late int64
	for _, p := range list.Items {
		if p.Title == createdDuringOutage {
			late = p.ID
		}
	}
	if late == 0 {
		t.Fatalf("the problem created during the outage is not listed: %+v", list.Items)
	}
	rig.leader.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/v1/problems/%d/plan", late), rig.plan, "Idempotency-Key", "late-plan")
	rig.leader.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/v1/problems/%d/plan", late), rig.plan, "Idempotency-Key", "late-plan")
	rig.checkConsistent(t, []int64{late}, map[int64][]string{})
}

// createdDuringOutage titles the problem created while Temporal is away.
const createdDuringOutage = "停机时立的问题"

// faultPassword is every test user's password.
const faultPassword = "fault-password-1"

// faultTemporalTimeout bounds an action's wait for Temporal in these tests:
// short, so that requests stuck during an outage answer 503 within it.
const faultTemporalTimeout = 4 * time.Second

// faultRig is the HTTP API over a service, a worker and problems in
// execution whose first measure the unit user reports progress on.
type faultRig struct {
	st       *store.Store
	svc      *service.Service
	base     string
	verify   client.Client // reaches Temporal directly, for the final checks
	admin    apitest.Client
	leader   apitest.Client
	unitUser apitest.Client
	campaign int64
	plan     map[string]any
	problems []int64
}

// newFaultRig starts a worker on workerClient and the HTTP handler over a
// service on apiClient, and brings three problems to execution; the final
// checks query workflows on verifyClient.
func newFaultRig(t *testing.T, st *store.Store, apiClient, workerClient, verifyClient client.Client) *faultRig {
	t.Helper()
	logger := faultLogger()
	svc := service.New(st, apiClient, logger, time.Hour)
	svc.TemporalTimeout = faultTemporalTimeout
	// Registered as app.Start does, with its quick sticky timeout.
	w := worker.New(workerClient, workflows.TaskQueue, worker.Options{StickyScheduleToStartTimeout: time.Second})
	w.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
	(&activities.Activities{Store: st, Problems: svc}).Register(w)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	h, err := app.NewHandler(svc, logger, app.HandlerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	if _, err := svc.CreateUserUnchecked(context.Background(), domain.NewUser{Username: "admin", Password: faultPassword, Role: domain.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	anon := apitest.Client{BaseURL: srv.URL}
	r := &faultRig{st: st, svc: svc, base: srv.URL, verify: verifyClient}
	r.admin = anon.As(anon.Login(t, "admin", faultPassword))
	var unit domain.Unit
	r.admin.Must(t, http.StatusCreated, "POST", "/api/v1/units", map[string]any{"name": "救助科"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": faultPassword, "role": "leader"},
		{"username": "leader2", "password": faultPassword, "role": "leader"},
		{"username": "ua", "password": faultPassword, "role": "unit", "unit_id": unit.ID},
	} {
		r.admin.Must(t, http.StatusCreated, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", faultPassword))
	leader2 := anon.As(anon.Login(t, "leader2", faultPassword))
	r.unitUser = anon.As(anon.Login(t, "ua", faultPassword))
	var c domain.Campaign
	leader1.Must(t, http.StatusCreated, "POST", "/api/v1/campaigns", map[string]any{"title": "故障演练"}).Decode(t, &c)
	plan := map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
		{"title": "逐户复核", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
	}}
	for i := range 3 {
		var p domain.Problem
		leader1.Must(t, http.StatusCreated, "POST", fmt.Sprintf("/api/v1/campaigns/%d/problems", c.ID),
			map[string]any{"title": fmt.Sprintf("问题%d", i+1)}).Decode(t, &p)
		path := fmt.Sprintf("/api/v1/problems/%d", p.ID)
		leader1.Must(t, http.StatusOK, "POST", path+"/plan", plan)
		leader2.Must(t, http.StatusOK, "POST", path+"/plan/approve", map[string]any{"comment": "同意"})
		r.unitUser.Must(t, http.StatusOK, "POST", path+"/measures/1/acknowledge", nil)
		r.problems = append(r.problems, p.ID)
	}
	r.leader, r.campaign, r.plan = leader1, c.ID, plan
	return r
}

// Phases of a fault run, as the load sees them.
const (
	phaseUp int32 = iota
	phaseCut
	phaseRestored
)

// faultCall is one progress report the load sent, and what came back.
type faultCall struct {
	problem int64
	key     string
	// phase when the request was sent and when it was answered.
	sent, answered int32
	status         int // 0: no HTTP answer (the client gave up)
	retryAfter     string
	code, message  string
	transportErr   error
}

// run drives the load, cuts the proxy, checks what clients see while it is
// cut (whileCut adds the dependency's own checks), restores it, retries
// every request that failed and checks that nothing is half-written.
func (r *faultRig) run(t *testing.T, proxy *faultproxy.Proxy, whileCut func(t *testing.T)) {
	var phase atomic.Int32
	var successes, failuresWhileCut atomic.Int64
	stop := make(chan struct{})
	var mu sync.Mutex
	var calls []faultCall
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 30 * time.Second}
	const workersPerProblem = 2
	for i, pid := range r.problems {
		for w := range workersPerProblem {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					c := faultCall{problem: pid, key: fmt.Sprintf("load-p%d-w%d-%d", i, w, n), sent: phase.Load()}
					r.progress(hc, &c)
					c.answered = phase.Load()
					if c.status == http.StatusOK {
						successes.Add(1)
					} else {
						if c.answered == phaseCut {
							failuresWhileCut.Add(1)
						}
						time.Sleep(50 * time.Millisecond)
					}
					mu.Lock()
					calls = append(calls, c)
					mu.Unlock()
				}
			}()
		}
	}
	stopped := false
	stopLoad := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer stopLoad()

	waitFor(t, 30*time.Second, "sign-offs before the cut", func() bool { return successes.Load() >= 10 })
	before := successes.Load()

	// The phase changes first: a request that failed because of the cut
	// must see it.
	phase.Store(phaseCut)
	proxy.Cut()
	cutAt := time.Now()
	waitFor(t, 10*time.Second, "/readyz to answer 503 after the cut", func() bool {
		status, header := r.readyz()
		if status == http.StatusServiceUnavailable && header.Get("Retry-After") == "" {
			t.Errorf("/readyz answered 503 without Retry-After")
		}
		return status == http.StatusServiceUnavailable
	})
	t.Logf("/readyz answered 503 %v after the cut", time.Since(cutAt).Round(time.Millisecond))
	r.mustUnavailable(t, r.unitUser, "POST", fmt.Sprintf("/api/v1/problems/%d/measures/1/progress", r.problems[0]),
		map[string]any{"text": "停机期间"}, "Idempotency-Key", "during-the-cut")
	whileCut(t)
	// Let the load meet the outage: requests that were waiting on the
	// dependency when it went give up after faultTemporalTimeout, the ones
	// after them fail at once.
	loaders := int64(len(r.problems) * workersPerProblem)
	waitFor(t, 3*faultTemporalTimeout, "the load to fail during the outage", func() bool {
		return failuresWhileCut.Load() >= 2*loaders
	})
	// Long enough for a request caught mid-Update to give up with 503: its
	// retry must then apply it once.
	time.Sleep(time.Until(cutAt.Add(faultTemporalTimeout + time.Second)))

	proxy.Restore()
	phase.Store(phaseRestored)
	restoredAt := time.Now()
	waitFor(t, 20*time.Second, "/readyz to answer 200 after the restore", func() bool {
		status, _ := r.readyz()
		return status == http.StatusOK
	})
	t.Logf("/readyz answered 200 %v after the restore, the outage lasted %v",
		time.Since(restoredAt).Round(time.Millisecond), restoredAt.Sub(cutAt).Round(time.Millisecond))
	afterRestore := successes.Load()
	waitFor(t, 30*time.Second, "sign-offs after the restore", func() bool { return successes.Load() >= afterRestore+5 })
	stopLoad()

	// What clients saw.
	var failed []faultCall
	counts := map[string]int{}
	caught := 0 // sent before the cut, failed after it
	for _, c := range calls {
		counts[fmt.Sprintf("%d", c.status)]++
		if c.sent == phaseUp && c.answered != phaseUp && c.status != http.StatusOK {
			caught++
		}
		switch c.status {
		case http.StatusOK:
			continue
		case http.StatusServiceUnavailable:
			if c.retryAfter == "" {
				t.Errorf("%s: 503 without Retry-After", c.key)
			}
			if c.code != domain.EUnavailable || leaksDetail(c.message) {
				t.Errorf("%s: 503 with code %q, message %q", c.key, c.code, c.message)
			}
		case 0:
			// The client timed out: allowed only around the outage.
			if c.sent == phaseUp && c.answered == phaseUp {
				t.Errorf("%s: no answer while every dependency was up: %v", c.key, c.transportErr)
			}
		default:
			t.Errorf("%s: status %d (%s: %s), want 200 or 503", c.key, c.status, c.code, c.message)
		}
		if c.sent == phaseUp && c.answered == phaseUp {
			t.Errorf("%s: status %d while every dependency was up", c.key, c.status)
		}
		failed = append(failed, c)
	}
	t.Logf("%d sign-offs (%d acknowledged before the cut, %d caught by it), by status: %v", len(calls), before, caught, counts)
	if len(failed) == 0 {
		t.Fatalf("no request failed during the outage: the cut did not bite")
	}

	// Every failed request, retried with its key, succeeds.
	deadline := time.Now().Add(60 * time.Second)
	for _, c := range failed {
		retry := faultCall{problem: c.problem, key: c.key}
		for {
			r.progress(hc, &retry)
			if retry.status == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the retry still answers %d (%s) long after the restore", c.key, retry.status, retry.message)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// The request sent by hand during the cut, too.
	r.unitUser.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/v1/problems/%d/measures/1/progress", r.problems[0]),
		map[string]any{"text": "停机期间"}, "Idempotency-Key", "during-the-cut")
	acknowledged := map[int64][]string{r.problems[0]: {"during-the-cut"}}
	for _, c := range calls {
		acknowledged[c.problem] = append(acknowledged[c.problem], c.key)
	}
	r.checkConsistent(t, r.problems, acknowledged)
}

// checkConsistent checks, per problem, that the event log holds exactly one
// progress event per acknowledged key and nothing else, with contiguous
// seqs; that the read model and the workflow agree; and that the audit
// chain verifies.
func (r *faultRig) checkConsistent(t *testing.T, problems []int64, acknowledged map[int64][]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, pid := range problems {
		events, err := r.st.Events(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for i, ev := range events {
			if ev.Seq != int64(i+1) {
				t.Errorf("problem %d: event %d has seq %d: the log has a gap or a duplicate", pid, i+1, ev.Seq)
			}
			if ev.Action == domain.ActionReportProgress {
				_, key, _ := strings.Cut(ev.RequestID, ":"+string(domain.ActionReportProgress)+":")
				seen[key]++
			}
		}
		want := acknowledged[pid]
		for _, key := range want {
			if seen[key] != 1 {
				t.Errorf("problem %d: request %s recorded %d times, want once", pid, key, seen[key])
			}
			delete(seen, key)
		}
		for key, n := range seen {
			t.Errorf("problem %d: %d progress events for %q, which no client was told succeeded", pid, n, key)
		}

		stored, err := r.st.Problem(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		var state domain.Problem
		q, err := r.verify.QueryWorkflow(ctx, workflows.ProblemWorkflowID(pid), "", workflows.StateQuery)
		if err != nil {
			t.Fatalf("query problem %d: %v", pid, err)
		}
		if err := q.Get(&state); err != nil {
			t.Fatal(err)
		}
		if stored.Version != state.Version || stored.Version != int64(len(events)) {
			t.Errorf("problem %d: read model version %d, workflow version %d, %d events", pid, stored.Version, state.Version, len(events))
		}
		if got := stored.Measures[0].ProgressCount; got != len(want) || state.Measures[0].ProgressCount != len(want) {
			t.Errorf("problem %d: progress count %d in the read model, %d in the workflow, want %d",
				pid, got, state.Measures[0].ProgressCount, len(want))
		}
		t.Logf("problem %d: %d events, version %d, %d progress reports", pid, len(events), stored.Version, len(want))
	}
	rep, err := r.st.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Breaks) > 0 {
		t.Errorf("the audit chain does not verify: %+v", rep.Breaks)
	}
}

// progress sends c's progress report as the unit user and records the
// answer in c.
func (r *faultRig) progress(hc *http.Client, c *faultCall) {
	body, _ := json.Marshal(map[string]any{"text": "进展 " + c.key})
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/problems/%d/measures/1/progress", r.base, c.problem), bytes.NewReader(body))
	if err != nil {
		panic(err) // a malformed URL is a bug in this file
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.unitUser.Token)
	req.Header.Set("Idempotency-Key", c.key)
	resp, err := hc.Do(req)
	if err != nil {
		c.status, c.transportErr = 0, err
		return
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	c.status, c.retryAfter, c.transportErr = resp.StatusCode, resp.Header.Get("Retry-After"), nil
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &e)
	c.code, c.message = e.Error.Code, e.Error.Message
}

// mustUnavailable sends a request and fails the test unless it is answered
// 503 with Retry-After and a message that names no internal detail.
func (r *faultRig) mustUnavailable(t *testing.T, c apitest.Client, method, path string, body any, headers ...string) {
	t.Helper()
	c.HTTP = &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	res := c.Do(t, method, path, body, headers...)
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(res.Body, &e)
	switch {
	case res.Status != http.StatusServiceUnavailable:
		t.Errorf("%s %s during the outage: status %d, want 503: %s", method, path, res.Status, res.Body)
	case res.Header.Get("Retry-After") == "":
		t.Errorf("%s %s during the outage: 503 without Retry-After", method, path)
	case res.ErrorCode() != domain.EUnavailable || leaksDetail(e.Error.Message):
		t.Errorf("%s %s during the outage: body %s", method, path, res.Body)
	default:
		t.Logf("%s %s during the outage: 503 in %v: %s", method, path, time.Since(start).Round(time.Millisecond), e.Error.Message)
	}
}

// readyz returns /readyz's status and headers, 0 when it does not answer
// in time: it must answer quickly whatever hangs behind it.
func (r *faultRig) readyz() (int, http.Header) {
	hc := &http.Client{Timeout: 6 * time.Second}
	resp, err := hc.Get(r.base + "/readyz")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

// leaksDetail reports whether a client-facing message carries internal
// detail (addresses, driver or RPC text) instead of a plain sentence.
func leaksDetail(message string) bool {
	if message == "" {
		return true
	}
	for _, detail := range []string{"127.0.0.1", "dial", "pgconn", "rpc error", "EOF", "connection"} {
		if strings.Contains(message, detail) {
			return true
		}
	}
	return false
}

// waitFor polls cond until it holds, or fails the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func faultLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// faultPostgresServer returns the PostgreSQL server the store tests use
// (see storetest), skipping the test when it cannot be reached, or failing
// it when CI=true.
func faultPostgresServer(t *testing.T) *url.URL {
	t.Helper()
	raw := os.Getenv(storetest.EnvPostgresURL)
	if raw == "" {
		raw = storetest.DefaultPostgresURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Skipf("%s is not a postgres:// URL; the outage test needs one to put a proxy in front", storetest.EnvPostgresURL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/postgres"
	}
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = db.PingContext(ctx)
		cancel()
		_ = db.Close()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL not reachable at %s (CI=true requires it): %v", u.Redacted(), err)
		}
		t.Skipf("PostgreSQL not reachable at %s: %v", u.Redacted(), err)
	}
	return u
}

// faultDatabase creates a fresh database on server, dropped when the test
// ends, and returns its DSN through the proxy at proxyAddr.
func faultDatabase(t *testing.T, server *url.URL, proxyAddr string) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "rectify_faults_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", server.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	// Registered before the store's Close, so it runs after it.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	through := *server
	through.Host = proxyAddr
	through.Path = "/" + name
	return through.String()
}
