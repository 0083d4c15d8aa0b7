// Package bench measures the sign-off path: raw Temporal Updates against the
// same decision sent through the HTTP API, on the same embedded server in
// one run, so every figure stands beside its baseline.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// Options configure a run.
type Options struct {
	Config config.Config
	// Levels are the numbers of concurrent clients.
	Levels []int
	// Segment is how long each measured segment runs. Each level runs
	// Rounds × (raw, HTTP, HTTP, raw), so that drift in the server (its
	// database grows) and disk noise fall on both sides alike.
	Segment time.Duration
	Rounds  int
	// Problems is how many warm problems the sign-offs spread over.
	Problems int
	// Cold is how many freshly started problems get an immediate Update.
	Cold int
	// API is the base URL the HTTP side is sent to (e.g. a cluster's nginx,
	// http://127.0.0.1:17080); empty for this process's own HTTP server.
	API string
	Out io.Writer
}

// Result is one measured segment.
type Result struct {
	Ops      int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// Throughput is operations per second.
func (r Result) Throughput() float64 { return float64(r.Ops) / r.Elapsed.Seconds() }

const password = "bench-password"

// Run starts the all-in-one process on opts.Config, prepares problems and
// prints the table.
func Run(ctx context.Context, opts Options) error {
	a, err := startApp(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	b := &bench{svc: a, base: "http://" + a.Addr() + "/api/v1", out: opts.Out}
	if opts.API != "" {
		b.base = strings.TrimRight(opts.API, "/") + "/api/v1"
	}
	fmt.Fprintf(b.out, "HTTP side: %s\n", b.base)
	fmt.Fprintf(b.out, "preparing %d problems in execute…\n", opts.Problems)
	if err := b.prepare(ctx, opts.Problems); err != nil {
		return err
	}
	// Let the start-up work settle: the measured Updates go to workflows
	// whose first tasks are long done.
	time.Sleep(2 * time.Second)

	fmt.Fprintf(b.out, "\nsign-off: report progress; per level %d × (raw, HTTP, HTTP, raw) segments of %v\n", max(opts.Rounds, 1), opts.Segment)
	fmt.Fprintf(b.out, "%8s | %10s %9s %9s | %10s %9s %9s | %10s %9s\n",
		"clients", "raw op/s", "raw p50", "raw p99", "http op/s", "http p50", "http p99", "thr ratio", "p99 ratio")
	for _, level := range opts.Levels {
		var raw, web []time.Duration
		var rawRes, webRes Result
		var order []string
		for range max(opts.Rounds, 1) {
			order = append(order, "raw", "http", "http", "raw")
		}
		for _, kind := range order {
			res, lat, err := b.segment(ctx, kind, level, opts.Segment)
			if err != nil {
				return err
			}
			if kind == "raw" {
				raw = append(raw, lat...)
				rawRes = merge(rawRes, res)
			} else {
				web = append(web, lat...)
				webRes = merge(webRes, res)
			}
		}
		rawRes.P50, rawRes.P99 = percentile(raw, 50), percentile(raw, 99)
		webRes.P50, webRes.P99 = percentile(web, 50), percentile(web, 99)
		fmt.Fprintf(b.out, "%8d | %10.1f %9s %9s | %10.1f %9s %9s | %10.2f %9.2f\n", level,
			rawRes.Throughput(), ms(rawRes.P50), ms(rawRes.P99),
			webRes.Throughput(), ms(webRes.P50), ms(webRes.P99),
			webRes.Throughput()/rawRes.Throughput(), float64(webRes.P99)/float64(rawRes.P99))
		if rawRes.Errors+webRes.Errors > 0 {
			fmt.Fprintf(b.out, "         errors: raw %d, http %d\n", rawRes.Errors, webRes.Errors)
		}
	}
	if opts.Cold > 0 {
		return b.cold(ctx, opts.Cold)
	}
	return nil
}

type bench struct {
	svc      *app.App
	base     string
	out      io.Writer
	problems []int64
	unitUser domain.User
	leader   domain.User
	leader2  domain.User
	unitID   int64
	campaign int64
	seq      atomic.Int64
	// lastLags are the reminder lags of the last batch measured.
	lastLags []time.Duration
}

// prepare makes the bench unit and users, a new campaign, and n problems
// in stage execute.
func (b *bench) prepare(ctx context.Context, n int) error {
	if err := b.prepareUsers(ctx); err != nil {
		return err
	}
	svc := b.svc.Service()
	admin, _, err := b.svc.Store().UserCredentials(ctx, "admin")
	if err != nil {
		return err
	}
	c, err := svc.CreateCampaign(ctx, admin, domain.Campaign{Title: "benchmark " + time.Now().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	b.campaign = c.ID
	for i := 0; i < n; i++ {
		p, err := b.newProblem(ctx, i)
		if err != nil {
			return err
		}
		if err := b.toExecute(ctx, p.ID); err != nil {
			return err
		}
		b.problems = append(b.problems, p.ID)
	}
	return nil
}

// prepareUsers makes (or finds) the bench unit, its unit user and two
// leaders: one submits plans, the other approves them.
func (b *bench) prepareUsers(ctx context.Context) error {
	svc := b.svc.Service()
	unit, err := b.svc.Store().UnitByName(ctx, "基准测试处")
	if domain.IsCode(err, domain.ENotFound) {
		unit, err = b.svc.Store().CreateUnit(ctx, "基准测试处")
	}
	if err != nil {
		return err
	}
	b.unitID = unit.ID
	users := map[string]*domain.User{"bench-unit": &b.unitUser, "bench-leader": &b.leader, "bench-leader2": &b.leader2}
	for name, dst := range users {
		u, _, err := b.svc.Store().UserCredentials(ctx, name)
		if domain.IsCode(err, domain.ENotFound) {
			in := domain.NewUser{Username: name, Password: password, Role: domain.RoleLeader}
			if name == "bench-unit" {
				in.Role, in.UnitID = domain.RoleUnit, unit.ID
			}
			u, err = svc.CreateUserUnchecked(ctx, in)
		}
		if err != nil {
			return err
		}
		*dst = u
	}
	return nil
}

func (b *bench) newProblem(ctx context.Context, i int) (domain.Problem, error) {
	admin := domain.User{ID: 1, Username: "admin", Role: domain.RoleAdmin}
	return b.svc.Service().CreateProblem(ctx, admin, domain.NewProblem{CampaignID: b.campaign, Title: fmt.Sprintf("基准问题 %d", i)})
}

func (b *bench) plan() *domain.PlanInput {
	return &domain.PlanInput{LeadUnitID: b.unitID, Measures: []domain.MeasureInput{{
		Title: "措施", Kind: domain.KindDeadline, LeadUnitID: b.unitID, Deadline: domain.DateOf(time.Now()).AddDays(90),
	}}}
}

func (b *bench) toExecute(ctx context.Context, id int64) error {
	svc := b.svc.Service()
	steps := []domain.Command{
		{Action: domain.ActionSubmitPlan, Actor: b.leader.Actor(), Plan: b.plan()},
		{Action: domain.ActionApprovePlan, Actor: b.leader2.Actor()},
		{Action: domain.ActionAcknowledge, Actor: b.unitUser.Actor(), MeasureID: 1},
	}
	for _, cmd := range steps {
		cmd.RequestID = fmt.Sprintf("bench-%d-%s", id, cmd.Action)
		if _, err := svc.Act(ctx, id, cmd); err != nil {
			return fmt.Errorf("prepare problem %d: %w", id, err)
		}
	}
	return nil
}

// segment runs level clients for d, each sending progress reports to its
// own share of the problems, and returns the result and every latency.
func (b *bench) segment(ctx context.Context, kind string, level int, d time.Duration) (Result, []time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var ops, errs atomic.Int64
	var firstErr error
	// Clients log in before the clock starts: the sign-off path is measured,
	// not the password hash.
	senders := make([]func(int64) error, level)
	for w := range senders {
		var err error
		if senders[w], err = b.sender(ctx, kind); err != nil {
			return Result{}, nil, err
		}
	}
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w, send := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for i := w; time.Now().Before(deadline); i += level {
				id := b.problems[i%len(b.problems)]
				t0 := time.Now()
				if err := send(id); err != nil {
					errs.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				lat = append(lat, time.Since(t0))
				ops.Add(1)
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := Result{Ops: int(ops.Load()), Errors: int(errs.Load()), Elapsed: time.Since(start)}
	if res.Ops == 0 && firstErr != nil {
		return res, nil, fmt.Errorf("%s segment: %w", kind, firstErr)
	}
	return res, all, nil
}

// sender returns one client's way of sending a progress report.
func (b *bench) sender(ctx context.Context, kind string) (func(int64) error, error) {
	percent := 50
	if kind == "raw" {
		tc := b.svc.Service().Temporal
		return func(id int64) error {
			cmd := domain.Command{
				Action: domain.ActionReportProgress, RequestID: "raw-" + strconv.FormatInt(b.seq.Add(1), 10),
				Actor: b.unitUser.Actor(), MeasureID: 1,
				Progress: &domain.ProgressInput{Text: "基准进展", Percent: &percent},
			}
			name, _ := workflows.UpdateName(cmd.Action)
			h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: workflows.ProblemWorkflowID(id), UpdateName: name,
				UpdateID: cmd.RequestID, Args: []any{cmd}, WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err != nil {
				return err
			}
			var res workflows.UpdateResult
			return h.Get(ctx, &res)
		}, nil
	}
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	token, err := b.login(ctx, hc, "bench-unit")
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]any{"text": "基准进展", "percent": percent})
	return func(id int64) error {
		req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/problems/%d/measures/1/progress", b.base, id), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, data)
		}
		return nil
	}, nil
}

// login opens a session for username (every bench user has the bench
// password) and returns its bearer token.
func (b *bench) login(ctx context.Context, hc *http.Client, username string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", b.base+"/auth/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login: status %d", resp.StatusCode)
	}
	return out.Token, nil
}

// cold compares the first Update to a workflow started a moment before with
// the same Update to a workflow started long before.
func (b *bench) cold(ctx context.Context, n int) error {
	svc := b.svc.Service()
	var coldLat, warmLat []time.Duration
	warm := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		p, err := b.newProblem(ctx, 100000+i)
		if err != nil {
			return err
		}
		warm = append(warm, p.ID)
	}
	time.Sleep(2 * time.Second)
	submit := func(id int64) (time.Duration, error) {
		t0 := time.Now()
		_, err := svc.Act(ctx, id, domain.Command{
			Action: domain.ActionSubmitPlan, RequestID: fmt.Sprintf("cold-%d", id), Actor: b.leader.Actor(), Plan: b.plan(),
		})
		return time.Since(t0), err
	}
	for i := 0; i < n; i++ {
		d, err := submit(warm[i])
		if err != nil {
			return err
		}
		warmLat = append(warmLat, d)
		p, err := b.newProblem(ctx, 200000+i)
		if err != nil {
			return err
		}
		if d, err = submit(p.ID); err != nil {
			return err
		}
		coldLat = append(coldLat, d)
	}
	fmt.Fprintf(b.out, "\nfirst Update (submit plan), one client, %d problems each:\n", n)
	fmt.Fprintf(b.out, "  started 2 s before:  p50 %s  p99 %s\n", ms(percentile(warmLat, 50)), ms(percentile(warmLat, 99)))
	fmt.Fprintf(b.out, "  started just before: p50 %s  p99 %s  (%.1f× the p50)\n", ms(percentile(coldLat, 50)), ms(percentile(coldLat, 99)),
		float64(percentile(coldLat, 50))/float64(percentile(warmLat, 50)))
	return nil
}

func merge(a, b Result) Result {
	return Result{Ops: a.Ops + b.Ops, Errors: a.Errors + b.Errors, Elapsed: a.Elapsed + b.Elapsed}
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
