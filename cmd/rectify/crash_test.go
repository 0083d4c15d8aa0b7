package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/notify/notifytest"
)

// The crash test: the all-in-one process, under a load of sign-offs, is
// killed with SIGKILL at random moments and started again on the same data
// directory and address. Clients retry what failed with the same
// Idempotency-Key, as a browser does. At the end every acknowledged action
// is in the event log exactly once, no problem is stuck, and every reminder
// that reached an inbox went out once by email and once by webhook.
//
// RECTIFY_CRASH_SEED fixes the seed (it is logged), RECTIFY_CRASH_KILLS the
// number of kills under load (default 5).

const (
	crashAckWindow    = 3 * time.Second
	crashReviewWindow = 3 * time.Second
	// crashRetryBudget bounds how long one request is retried: past it the
	// problem counts as stuck.
	crashRetryBudget = 2 * time.Minute
	// crashSettle bounds the wait for reminders after the last restart. An
	// email or webhook send in flight at a kill is retried only when its
	// activity's start-to-close timeout (1 min) expires.
	crashSettle = 100 * time.Second
	crashSecret = "crash-secret"
)

// crashUser is one account the test acts as.
type crashUser struct {
	name  string
	id    int64
	email string
	c     apitest.Client
}

// crashLedger records every request the load sends and how it ended.
type crashLedger struct {
	mu sync.Mutex
	// sent holds every request ever sent.
	sent map[crashReq]bool
	// acked holds the requests answered 2xx, refused those answered 4xx
	// (with the answer), unresolved those that never got either.
	acked      map[crashReq]bool
	refused    map[crashReq]string
	unresolved map[crashReq]string
	// urges holds the acknowledged urges: each must have sent a reminder.
	urges    map[crashReq]bool
	retried  int // requests that needed more than one attempt
	attempts int
	// unavailable counts the answers 503 with Retry-After; failures the
	// other 5xx answers and transport errors.
	unavailable int
	failures    int
}

// crashReq names one request: request IDs are scoped to a problem.
type crashReq struct {
	problem int64
	id      string
}

func newCrashLedger() *crashLedger {
	return &crashLedger{
		sent: map[crashReq]bool{}, acked: map[crashReq]bool{}, refused: map[crashReq]string{},
		unresolved: map[crashReq]string{}, urges: map[crashReq]bool{},
	}
}

// crashRequestID is the request ID the API derives from an Idempotency-Key
// (api/problem_actions.go): scoped to the user and the action.
func crashRequestID(u crashUser, action domain.Action, key string) string {
	return fmt.Sprintf("u%d:%s:%s", u.id, action, key)
}

// send posts one action with key until it gets a 2xx or a 4xx: network
// errors and 5xx (the process is down or starting) are retried with the
// same key. It reports whether the action was acknowledged.
func (l *crashLedger) send(u crashUser, problemID int64, action domain.Action, path string, body any, key string) (apitest.Response, bool) {
	rid := crashReq{problemID, crashRequestID(u, action, key)}
	l.mu.Lock()
	if l.sent[rid] {
		l.mu.Unlock()
		panic(fmt.Sprintf("crash test reused request %v", rid))
	}
	l.sent[rid] = true
	l.mu.Unlock()
	deadline := time.Now().Add(crashRetryBudget)
	var last string
	for attempt := 1; ; attempt++ {
		r, err := u.c.Try("POST", path, body, "Idempotency-Key", key)
		l.mu.Lock()
		l.attempts++
		switch {
		case err == nil && r.Status/100 == 2:
			l.acked[rid] = true
			if action == domain.ActionUrge {
				l.urges[rid] = true
			}
			if attempt > 1 {
				l.retried++
			}
			l.mu.Unlock()
			return r, true
		case err == nil && r.Status/100 == 4 && r.Status != http.StatusTooManyRequests:
			l.refused[rid] = fmt.Sprintf("POST %s: %d %s", path, r.Status, r.Body)
			l.mu.Unlock()
			return r, false
		case err != nil:
			last = err.Error()
			l.failures++
		default:
			last = fmt.Sprintf("%d %s", r.Status, r.Body)
			if r.Status == http.StatusServiceUnavailable && r.Header.Get("Retry-After") != "" {
				l.unavailable++
			} else {
				l.failures++
			}
		}
		if time.Now().After(deadline) {
			l.unresolved[rid] = fmt.Sprintf("POST %s after %d attempts: %s", path, attempt, last)
			l.mu.Unlock()
			return r, false
		}
		l.mu.Unlock()
		time.Sleep(150 * time.Millisecond)
	}
}

// crashInterval is a span of time the process was down.
type crashInterval struct{ from, to time.Time }

func TestCrashUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills real processes")
	}
	began := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RECTIFY_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("RECTIFY_CRASH_SEED: %v", err)
		}
		seed = v
	}
	kills := 5
	if s := os.Getenv("RECTIFY_CRASH_KILLS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2 {
			t.Fatalf("RECTIFY_CRASH_KILLS=%q: want a number of at least 2", s)
		}
		kills = v
	}
	t.Logf("seed %d (RECTIFY_CRASH_SEED=%d reproduces the kill schedule), %d kills", seed, seed, kills)
	rng := rand.New(rand.NewPCG(seed, 0))

	smtpSrv := notifytest.StartSMTP(t)
	hook := notifytest.StartWebhook(t, crashSecret)
	env := []string{
		"SMTP_HOST=" + smtpSrv.Host, "SMTP_PORT=" + strconv.Itoa(smtpSrv.Port), "SMTP_TLS=none", "SMTP_FROM=rectify@example.test",
		"WEBHOOK_URL=" + hook.URL, "WEBHOOK_SECRET=" + crashSecret,
	}
	dataDir := t.TempDir()
	proc := startServe(t, dataDir, "127.0.0.1:0", env...)
	addr := proc.addr
	crashLoad(t, crashRun{
		began: began, seed: seed, rng: rng, kills: kills, baseURL: "http://" + addr, smtp: smtpSrv, hook: hook,
		disrupt: func(_ int, downAtLeastUntil time.Time) string {
			proc.kill()
			if extra := rng.IntN(400); extra > 0 {
				time.Sleep(time.Duration(extra) * time.Millisecond)
			}
			time.Sleep(time.Until(downAtLeastUntil))
			proc = startServe(t, dataDir, addr, env...)
			return "rectify serve"
		},
		logs: func() []string {
			logs, _ := filepath.Glob(filepath.Join(dataDir, "serve-*.log"))
			return logs
		},
	})
}

// crashRun is one run of the crash test's load against a shape of
// processes.
type crashRun struct {
	began time.Time
	seed  uint64
	rng   *rand.Rand
	kills int
	// baseURL is where clients send requests.
	baseURL string
	smtp    *notifytest.SMTPServer
	hook    *notifytest.WebhookReceiver
	// disrupt SIGKILLs a process (the k-th kill), keeps it down at least
	// until downAtLeastUntil, starts it again and returns once it answers,
	// naming what it killed.
	disrupt func(k int, downAtLeastUntil time.Time) string
	// logs lists the processes' log files.
	logs func() []string
	// during runs beside the load (nil: nothing), with the admin's client;
	// the load stops when it returns and the kills are done.
	during func(admin apitest.Client)
}

// crashLoad runs the load of sign-offs and reminders with run.kills
// disruptions, then checks every acknowledged action exactly once, seqs
// contiguous, every reminder once per channel, the audit chain, and that no
// problem is stuck.
func crashLoad(t *testing.T, run crashRun) crashSummary {
	began, seed, rng, kills, smtpSrv, hook := run.began, run.seed, run.rng, run.kills, run.smtp, run.hook
	// Longer than an action waits for Temporal (30 s) before answering 503.
	httpClient := &http.Client{Timeout: 45 * time.Second}
	base := apitest.Client{BaseURL: run.baseURL, HTTP: httpClient}
	ledger := newCrashLedger()

	// Accounts, campaign and problems.
	admin := crashUser{name: "admin", c: base.As(base.Login(t, "admin", "admin-password"))}
	var me domain.User
	admin.c.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)
	admin.id = me.ID
	var unit domain.Unit
	admin.c.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "崩溃测试处"}).Decode(t, &unit)
	newUser := func(name, role, email string, unitID int64) crashUser {
		body := map[string]any{"username": name, "password": "password-" + name, "role": role}
		if unitID != 0 {
			body["unit_id"] = unitID
		}
		if email != "" {
			body["email"] = email
		}
		var u domain.User
		admin.c.Must(t, 201, "POST", "/api/v1/users", body).Decode(t, &u)
		return crashUser{name: name, id: u.ID, email: email, c: base.As(base.Login(t, name, "password-"+name))}
	}
	leader := newUser("cl-leader", "leader", "", 0)
	super := newUser("cl-super", "supervisor", "super@example.test", 0)
	units := []crashUser{
		newUser("cl-ua1", "unit", "ua1@example.test", unit.ID),
		newUser("cl-ua2", "unit", "ua2@example.test", unit.ID),
		newUser("cl-ua3", "unit", "", unit.ID),
		newUser("cl-ua4", "unit", "", unit.ID),
	}
	var campaign domain.Campaign
	admin.c.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "崩溃测试", "policy": map[string]any{
		"ack_window": crashAckWindow.String(), "review_window": crashReviewWindow.String(), "endorse_closure": false,
	}}).Decode(t, &campaign)

	pp := func(id int64) string { return "/api/v1/problems/" + strconv.FormatInt(id, 10) }
	must := func(u crashUser, id int64, action domain.Action, path string, body any, key string) apitest.Response {
		t.Helper()
		r, ok := ledger.send(u, id, action, path, body, key)
		if !ok {
			t.Fatalf("%s %s: %d %s", u.name, path, r.Status, r.Body)
		}
		return r
	}
	// Execute problems take progress reports and urges; ack problems have
	// their plans approved during the load and one measure never
	// acknowledged, so an acknowledgement window closes; closure problems
	// are completed and sent for review during the load, so a review
	// window closes.
	var execute, ackGroup, closure []int64
	deadline := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	for i := range 12 {
		var p domain.Problem
		admin.c.Must(t, 201, "POST", "/api/v1/campaigns/"+strconv.FormatInt(campaign.ID, 10)+"/problems",
			map[string]any{"title": fmt.Sprintf("崩溃测试问题%d", i+1)}).Decode(t, &p)
		must(admin, p.ID, domain.ActionSubmitPlan, pp(p.ID)+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
			{"title": "措施一", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": deadline},
			{"title": "措施二", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": deadline},
		}}, "setup-plan")
		switch {
		case i < 6:
			execute = append(execute, p.ID)
		case i < 10:
			ackGroup = append(ackGroup, p.ID)
			continue
		default:
			closure = append(closure, p.ID)
		}
		must(leader, p.ID, domain.ActionApprovePlan, pp(p.ID)+"/plan/approve", nil, "setup-approve")
		must(units[0], p.ID, domain.ActionAcknowledge, pp(p.ID)+"/measures/1/acknowledge", nil, "setup-ack-1")
		must(units[0], p.ID, domain.ActionAcknowledge, pp(p.ID)+"/measures/2/acknowledge", nil, "setup-ack-2")
	}
	t.Logf("set up %d problems in %v", len(execute)+len(ackGroup)+len(closure), time.Since(began).Round(time.Millisecond))

	// The load.
	stop := make(chan struct{})
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var wg sync.WaitGroup
	for i, u := range units {
		r := rand.New(rand.NewPCG(seed, uint64(10+i)))
		wg.Go(func() {
			for n := 0; !stopped(); n++ {
				id := execute[r.IntN(len(execute))]
				mid := 1 + r.IntN(2)
				ledger.send(u, id, domain.ActionReportProgress, fmt.Sprintf("%s/measures/%d/progress", pp(id), mid),
					map[string]any{"text": fmt.Sprintf("%s第%d次报送", u.name, n+1), "percent": r.IntN(101)}, fmt.Sprintf("progress-%d", n))
			}
		})
	}
	{
		r := rand.New(rand.NewPCG(seed, 20))
		wg.Go(func() {
			for n := 0; !stopped() && n < 150; n++ {
				time.Sleep(time.Duration(200+r.IntN(600)) * time.Millisecond)
				id := execute[r.IntN(len(execute))]
				ledger.send(super, id, domain.ActionUrge, pp(id)+"/urge", map[string]any{"message": fmt.Sprintf("第%d次催办", n+1)}, fmt.Sprintf("urge-%d", n))
			}
		})
	}
	// The first two ack problems are approved by the kill schedule below
	// (one window closes while the process is down, one while it is up);
	// the others at random moments of the load. Measure 1 is then
	// acknowledged, measure 2 never.
	approved := []chan struct{}{make(chan struct{}), make(chan struct{})}
	for i, id := range ackGroup {
		r := rand.New(rand.NewPCG(seed, uint64(30+i)))
		wg.Go(func() {
			if i < len(approved) {
				<-approved[i]
			} else {
				time.Sleep(time.Duration(500+r.IntN(6000)) * time.Millisecond)
				ledger.send(leader, id, domain.ActionApprovePlan, pp(id)+"/plan/approve", nil, "load-approve")
			}
			time.Sleep(time.Duration(r.IntN(2000)) * time.Millisecond)
			ledger.send(units[2], id, domain.ActionAcknowledge, pp(id)+"/measures/1/acknowledge", nil, "load-ack-1")
		})
	}
	for i, id := range closure {
		r := rand.New(rand.NewPCG(seed, uint64(40+i)))
		wg.Go(func() {
			time.Sleep(time.Duration(500+r.IntN(5000)) * time.Millisecond)
			for mid := 1; mid <= 2; mid++ {
				ledger.send(units[3], id, domain.ActionCompleteMeasure, fmt.Sprintf("%s/measures/%d/complete", pp(id), mid),
					map[string]any{"summary": "已完成"}, fmt.Sprintf("load-complete-%d", mid))
			}
			ledger.send(units[3], id, domain.ActionRequestClosure, pp(id)+"/closure-request",
				map[string]any{"summary": "申请销号", "justifications": map[string]string{"1": "已整改", "2": "已整改"}}, "load-closure")
		})
	}

	// The kills.
	var down []crashInterval
	approveNow := func(i int) time.Time {
		id := ackGroup[i]
		var p domain.Problem
		must(leader, id, domain.ActionApprovePlan, pp(id)+"/plan/approve", nil, "load-approve").Decode(t, &p)
		close(approved[i])
		if p.StageSince.IsZero() {
			t.Fatalf("problem %d: approval answered without stage_since", id)
		}
		return p.StageSince
	}
	killAndRestart := func(downAtLeastUntil time.Time) {
		killed := time.Now()
		what := run.disrupt(len(down), downAtLeastUntil)
		down = append(down, crashInterval{killed, time.Now()})
		t.Logf("kill %d at +%v: %s down for %v", len(down), killed.Sub(began).Round(time.Millisecond), what, time.Since(killed).Round(time.Millisecond))
	}
	var extra sync.WaitGroup
	if run.during != nil {
		extra.Go(func() { run.during(admin.c) })
	}
	loadStart := time.Now()
	for k := range kills {
		load := time.Duration(1000+rng.IntN(2000)) * time.Millisecond
		switch k {
		case 0:
			// Approved just before the kill: the window closes while down.
			time.Sleep(load)
			since := approveNow(0)
			killAndRestart(since.Add(crashAckWindow + 300*time.Millisecond))
		case 1:
			// Approved just after a restart: the window closes while up.
			since := approveNow(1)
			time.Sleep(max(load, time.Until(since.Add(crashAckWindow+700*time.Millisecond))))
			killAndRestart(time.Time{})
		default:
			time.Sleep(load)
			killAndRestart(time.Time{})
		}
	}
	// A little more load on the last process, then the clients finish
	// what they have in flight.
	time.Sleep(time.Duration(1000+rng.IntN(1000)) * time.Millisecond)
	extra.Wait()
	close(stop)
	wg.Wait()
	loadTime := time.Since(loadStart)

	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	for rid, why := range ledger.unresolved {
		t.Errorf("request %v never answered 2xx or 4xx (problem stuck?): %s", rid, why)
	}
	for rid, why := range ledger.refused {
		// The load sends only valid actions: a refusal means a lost one.
		t.Errorf("request %v refused: %s", rid, why)
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d answers 503 with Retry-After, %d other failed attempts (both retried)", ledger.unavailable, ledger.failures)

	// The event logs: every acknowledged action exactly once, nothing that
	// was not sent, seqs 1..version.
	all := slices.Concat(execute, ackGroup, closure)
	problems := map[int64]domain.Problem{}
	events := map[int64][]domain.Event{}
	totalEvents := 0
	for _, id := range all {
		var p domain.Problem
		admin.c.Must(t, 200, "GET", pp(id), nil).Decode(t, &p)
		var body struct {
			Items []domain.Event `json:"items"`
			Total int64          `json:"total"`
		}
		admin.c.Must(t, 200, "GET", pp(id)+"/events", nil).Decode(t, &body)
		problems[id], events[id] = p, body.Items
		totalEvents += len(body.Items)
		if body.Total != int64(len(body.Items)) {
			t.Errorf("problem %d: events total %d, %d items", id, body.Total, len(body.Items))
		}
		if p.Version != int64(len(body.Items)) {
			t.Errorf("problem %d: read model version %d, %d events", id, p.Version, len(body.Items))
		}
		seen := map[string]int64{}
		for i, e := range body.Items {
			if e.Seq != int64(i+1) || e.ProblemID != id {
				t.Errorf("problem %d: event %d has seq %d, problem %d", id, i+1, e.Seq, e.ProblemID)
			}
			if e.Action == domain.ActionCreate {
				continue
			}
			if first, dup := seen[e.RequestID]; dup {
				t.Errorf("problem %d: request %s is in the log twice (seq %d and %d)", id, e.RequestID, first, e.Seq)
			}
			seen[e.RequestID] = e.Seq
			if !ledger.sent[crashReq{id, e.RequestID}] {
				t.Errorf("problem %d: event seq %d %s has request %q, which was never sent for this problem", id, e.Seq, e.Action, e.RequestID)
			}
		}
		for rid := range ledger.acked {
			if _, ok := seen[rid.id]; rid.problem == id && !ok {
				t.Errorf("problem %d: acknowledged request %s is not in the event log", id, rid.id)
			}
		}
	}

	// Reminders: wait for the ones that must exist and for their sends.
	inboxUsers := append([]crashUser{leader, super}, units...)
	required := map[string]crashUser{} // key → a user whose inbox must hold it
	for rid := range ledger.urges {
		id := rid.problem
		i := slices.IndexFunc(events[id], func(e domain.Event) bool { return e.RequestID == rid.id })
		if i >= 0 {
			required[fmt.Sprintf("p%d:event:%d", id, events[id][i].Seq)] = units[0]
		}
	}
	var downCloses, upCloses int
	for _, id := range ackGroup {
		p := problems[id]
		if p.Stage != domain.StageAssign {
			t.Errorf("ack problem %d is in stage %s, want assign", id, p.Stage)
			continue
		}
		due := p.StageSince.Add(crashAckWindow)
		required[fmt.Sprintf("p%d:m2:ack:red:%s:0", id, due.UTC().Format(time.RFC3339))] = units[0]
		if slices.ContainsFunc(down, func(d crashInterval) bool { return due.After(d.from) && due.Before(d.to) }) {
			downCloses++
		} else {
			upCloses++
		}
	}
	for _, id := range closure {
		p := problems[id]
		if p.Stage != domain.StageVerify {
			t.Errorf("closure problem %d is in stage %s, want verify", id, p.Stage)
			continue
		}
		due := p.StageSince.Add(crashReviewWindow)
		required[fmt.Sprintf("p%d:m0:review:red:%s:0", id, due.UTC().Format(time.RFC3339))] = super
		if slices.ContainsFunc(down, func(d crashInterval) bool { return due.After(d.from) && due.Before(d.to) }) {
			downCloses++
		} else {
			upCloses++
		}
	}
	if downCloses == 0 || upCloses == 0 {
		t.Errorf("reminder windows closed %d times while down and %d while up: want both", downCloses, upCloses)
	}

	type inboxEntry struct {
		user crashUser
		n    domain.Notification
	}
	readInboxes := func() map[string][]inboxEntry {
		out := map[string][]inboxEntry{}
		for _, u := range inboxUsers {
			var inbox struct {
				Items []domain.Notification `json:"items"`
				Total int64                 `json:"total"`
			}
			u.c.Must(t, 200, "GET", "/api/v1/notifications?limit=500", nil).Decode(t, &inbox)
			if len(inbox.Items) >= 500 {
				t.Fatalf("%s has %d notifications: too many to check in one page", u.name, len(inbox.Items))
			}
			for _, n := range inbox.Items {
				if n.Kind.SentOut() { // the inbox-only kinds have no sends to check
					out[n.Key] = append(out[n.Key], inboxEntry{u, n})
				}
			}
		}
		return out
	}
	// delivered reports whether every send a key needs has arrived.
	delivered := func(key string, entries []inboxEntry) bool {
		if hook.Count(key) == 0 {
			return false
		}
		for _, e := range entries {
			if e.user.email != "" && crashMails(smtpSrv, key, e.user.email) == 0 {
				return false
			}
		}
		return true
	}
	settleStart := time.Now()
	var inboxes map[string][]inboxEntry
	for {
		inboxes = readInboxes()
		missing := 0
		for key := range required {
			if _, ok := inboxes[key]; !ok {
				missing++
			}
		}
		undelivered := 0
		for key, entries := range inboxes {
			if !delivered(key, entries) {
				undelivered++
			}
		}
		if missing == 0 && undelivered == 0 {
			break
		}
		if time.Since(settleStart) > crashSettle {
			t.Errorf("after %v: %d required reminders not in the inbox, %d reminders not delivered", crashSettle, missing, undelivered)
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	settled := time.Since(settleStart)
	time.Sleep(2 * time.Second) // room for a duplicate to show up
	inboxes = readInboxes()
	for key, u := range required {
		if !slices.ContainsFunc(inboxes[key], func(e inboxEntry) bool { return e.user.id == u.id }) {
			prefix, _, _ := strings.Cut(key, ":")
			var near []string
			for k := range inboxes {
				if strings.HasPrefix(k, prefix+":") {
					near = append(near, k)
				}
			}
			slices.Sort(near)
			t.Errorf("reminder %s is not in %s's inbox; that problem's reminders: %v", key, u.name, near)
		}
	}
	// An email or webhook is sent, then recorded as sent: a kill between
	// the two sends it again when its activity times out (receivers drop
	// the copy by Message-ID or X-Rectify-Key). Only such copies, whose
	// first send came just before a kill, are tolerated, and counted.
	resent := 0
	for key, entries := range inboxes {
		perUser := map[int64]int{}
		wantMails := 0
		for _, e := range entries {
			perUser[e.user.id]++
			if perUser[e.user.id] == 2 {
				t.Errorf("reminder %s is in %s's inbox twice", key, e.user.name)
			}
			if e.user.email == "" || perUser[e.user.id] > 1 {
				continue
			}
			wantMails++
			mails := crashMailTimes(smtpSrv, key, e.user.email)
			switch {
			case len(mails) == 2 && crashResent(mails[0], mails[1], time.Second, down):
				resent++
				wantMails++
				t.Logf("reminder %s: email to %s sent at %v and again at %v, across a kill (at-least-once send)", key, e.user.email, mails[0].Sub(began), mails[1].Sub(began))
			case len(mails) != 1:
				t.Errorf("reminder %s (%s): %d emails to %s, want 1 (sent at %v; down %v)", key, e.n.Kind, len(mails), e.user.email, crashSince(began, mails...), crashDown(began, down))
			}
		}
		if n := smtpSrv.Count(notify.MessageID(key)); n != wantMails {
			t.Errorf("reminder %s (%s): %d emails in all, want %d", key, entries[0].n.Kind, n, wantMails)
		}
		var hooks []time.Time
		for _, h := range hook.Hooks() {
			if h.Key == key {
				ms, _ := strconv.ParseInt(h.Timestamp, 10, 64)
				hooks = append(hooks, time.UnixMilli(ms))
			}
		}
		switch {
		case len(hooks) == 2 && crashResent(hooks[0], hooks[1], 0, down):
			resent++
			t.Logf("reminder %s: webhook sent at %v and again at %v, across a kill (at-least-once send)", key, hooks[0].Sub(began), hooks[1].Sub(began))
		case len(hooks) != 1:
			t.Errorf("reminder %s (%s): %d webhooks, want 1 (sent at %v; down %v)", key, entries[0].n.Kind, len(hooks), crashSince(began, hooks...), crashDown(began, down))
		}
	}
	for _, h := range hook.Hooks() {
		if !h.SignedOK {
			t.Errorf("webhook %s: bad signature", h.Key)
		}
		if _, ok := inboxes[h.Key]; !ok {
			t.Errorf("webhook %s was sent but is in no inbox", h.Key)
		}
	}

	// The audit chain holds exactly the events.
	var audit domain.AuditReport
	admin.c.Must(t, 200, "GET", "/api/v1/admin/audit/verify", nil).Decode(t, &audit)
	if !audit.OK || len(audit.Breaks) != 0 || audit.Events != int64(totalEvents) {
		t.Errorf("audit verify: ok=%v, %d breaks, %d events; want ok, none, %d: %+v", audit.OK, len(audit.Breaks), audit.Events, totalEvents, audit.Breaks)
	}

	// No problem is stuck: each takes one more decision, at once.
	quick := &http.Client{Timeout: 10 * time.Second}
	for _, id := range all {
		p := problems[id]
		var u crashUser
		var path string
		var body any
		switch p.Stage {
		case domain.StageExecute:
			u, path, body = units[0], pp(id)+"/measures/1/progress", map[string]any{"text": "最终报送"}
		case domain.StageAssign:
			u, path = units[0], pp(id)+"/measures/2/acknowledge"
		case domain.StageVerify:
			u, path = super, pp(id)+"/closure/approve"
		default:
			t.Errorf("problem %d: unexpected stage %s", id, p.Stage)
			continue
		}
		c := u.c
		c.HTTP = quick
		start := time.Now()
		r, err := c.Try("POST", path, body, "Idempotency-Key", "final")
		if err != nil || r.Status != 200 {
			t.Errorf("problem %d stuck? POST %s after %v: %v %d %s", id, path, time.Since(start).Round(time.Millisecond), err, r.Status, r.Body)
		}
	}

	// How often a kill fell between a store write and the end of its
	// workflow task, so that the workflow adopted the write (workflows/adopt).
	adopted := 0
	for _, name := range run.logs() {
		out, _ := os.ReadFile(name)
		adopted += strings.Count(string(out), "adopting transitions recorded by a lost workflow task")
	}
	t.Logf("crash summary: seed %d, %d kills (%d windows closed down, %d up), %d actions acknowledged (%d retried, %d attempts, %d lost tasks adopted), %d events, %d reminders delivered (%d emails, %d webhooks, %d resent across a kill), load %v, settle %v, elapsed %v",
		seed, len(down), downCloses, upCloses, len(ledger.acked), ledger.retried, ledger.attempts, adopted, totalEvents,
		len(inboxes), len(smtpSrv.Messages()), len(hook.Hooks()), resent, loadTime.Round(time.Millisecond),
		settled.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	return crashSummary{acked: len(ledger.acked), retried: ledger.retried, unavailable: ledger.unavailable, failures: ledger.failures}
}

// crashSummary is what a run of the load saw.
type crashSummary struct {
	acked, retried int
	// unavailable counts answers 503 with Retry-After, failures other
	// 5xx answers and transport errors (both retried).
	unavailable, failures int
}

// crashResent reports whether a send at first, then again at second, is the
// at-least-once resend of a kill: first came at most 2s (plus the clock's
// resolution) before a kill, second after it.
func crashResent(first, second time.Time, resolution time.Duration, down []crashInterval) bool {
	return slices.ContainsFunc(down, func(d crashInterval) bool {
		return !first.Before(d.from.Add(-2*time.Second-resolution)) && !first.After(d.from.Add(resolution)) && second.After(d.from.Add(-resolution))
	})
}

func crashSince(began time.Time, ts ...time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = t.Sub(began).Round(time.Millisecond)
	}
	return out
}

func crashDown(began time.Time, down []crashInterval) [][2]time.Duration {
	out := make([][2]time.Duration, len(down))
	for i, d := range down {
		out[i] = [2]time.Duration{d.from.Sub(began).Round(time.Millisecond), d.to.Sub(began).Round(time.Millisecond)}
	}
	return out
}

// crashMailTimes returns the Date headers of the emails of a reminder key
// to one address, in the order they arrived.
func crashMailTimes(s *notifytest.SMTPServer, key, to string) []time.Time {
	id := notify.MessageID(key)
	var out []time.Time
	for _, m := range s.Messages() {
		if strings.Contains(m.Data, id) && slices.Contains(m.To, to) {
			var at time.Time
			if msg, err := mail.ReadMessage(strings.NewReader(m.Data)); err == nil {
				at, _ = msg.Header.Date()
			}
			out = append(out, at)
		}
	}
	return out
}

// crashMails counts the emails of a reminder key to one address.
func crashMails(s *notifytest.SMTPServer, key, to string) int {
	id := notify.MessageID(key)
	n := 0
	for _, m := range s.Messages() {
		if strings.Contains(m.Data, id) && slices.Contains(m.To, to) {
			n++
		}
	}
	return n
}
