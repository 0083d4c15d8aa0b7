package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// start is the test clock: 2026-01-15 10:00 China time. Every deadline below
// lies after it.
var start = time.Date(2026, 1, 15, 2, 0, 0, 0, time.UTC)

const (
	unitLead  int64 = 10 // leads the problem and measure 1
	unitCo    int64 = 11 // co-unit of measure 1, leads measure 2
	unitLong  int64 = 12 // leads the long-term measure 3
	unitOther int64 = 13 // takes no part
)

var (
	admin      = domain.Actor{UserID: 1, Username: "admin", Role: domain.RoleAdmin}
	leaderA    = domain.Actor{UserID: 2, Username: "leader-a", Role: domain.RoleLeader}
	leaderB    = domain.Actor{UserID: 3, Username: "leader-b", Role: domain.RoleLeader}
	supervisor = domain.Actor{UserID: 4, Username: "supervisor", Role: domain.RoleSupervisor}
	leadUser   = domain.Actor{UserID: 10, Username: "u-lead", Role: domain.RoleUnit, UnitID: unitLead}
	coUser     = domain.Actor{UserID: 11, Username: "u-co", Role: domain.RoleUnit, UnitID: unitCo}
	longUser   = domain.Actor{UserID: 12, Username: "u-long", Role: domain.RoleUnit, UnitID: unitLong}
	otherUser  = domain.Actor{UserID: 13, Username: "u-other", Role: domain.RoleUnit, UnitID: unitOther}
)

func plan() *domain.PlanInput {
	return &domain.PlanInput{
		LeadUnitID: unitLead,
		Measures: []domain.MeasureInput{
			{Title: "修订完善制度规范", Kind: domain.KindDeadline, LeadUnitID: unitLead, CoUnitIDs: []int64{unitCo}, Deadline: "2026-06-30"},
			{Title: "立行立改清理台账", Kind: domain.KindImmediate, LeadUnitID: unitCo, Deadline: "2026-03-31"},
			{Title: "长期坚持定期调度", Kind: domain.KindLongTerm, LeadUnitID: unitLong},
		},
	}
}

var requestSeq int

// command builds a command with a fresh request ID.
func command(action domain.Action, actor domain.Actor, edit ...func(*domain.Command)) domain.Command {
	requestSeq++
	c := domain.Command{Action: action, RequestID: fmt.Sprintf("req-%d", requestSeq), Actor: actor}
	if action == domain.ActionRequestClosure {
		// As the service attaches it from the store: evidence on every measure.
		for m := int64(1); m <= 6; m++ {
			c.Evidence = append(c.Evidence, domain.EvidenceRef{ID: 100 + m, MeasureID: m, SHA256: fmt.Sprintf("%064d", m)})
		}
	}
	for _, e := range edit {
		e(&c)
	}
	return c
}

func onMeasure(id int64) func(*domain.Command) { return func(c *domain.Command) { c.MeasureID = id } }
func text(s string) func(*domain.Command)      { return func(c *domain.Command) { c.Text = s } }
func withPlan(p *domain.PlanInput) func(*domain.Command) {
	return func(c *domain.Command) { c.Plan = p }
}
func withProgress(s string) func(*domain.Command) {
	return func(c *domain.Command) { c.Progress = &domain.ProgressInput{Text: s} }
}
func requestID(id string) func(*domain.Command) { return func(c *domain.Command) { c.RequestID = id } }

// step is one decision of the walk from plan to closed.
type step struct {
	cmd   domain.Command
	stage domain.Stage
}

func walk() []step {
	return []step{
		{command(domain.ActionSubmitPlan, leaderA, withPlan(plan())), domain.StagePlan},
		{command(domain.ActionRejectPlan, leaderB, text("措施不具体")), domain.StagePlan},
		{command(domain.ActionSubmitPlan, admin, withPlan(plan())), domain.StagePlan},
		{command(domain.ActionApprovePlan, leaderA, text("同意")), domain.StageAssign},
		{command(domain.ActionAcknowledge, leadUser, onMeasure(4)), domain.StageAssign},
		{command(domain.ActionAcknowledge, coUser, onMeasure(5)), domain.StageAssign},
		{command(domain.ActionAcknowledge, longUser, onMeasure(6)), domain.StageExecute},
		{command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("配合调研")), domain.StageExecute},
		{command(domain.ActionCompleteMeasure, leadUser, onMeasure(4), text("制度已印发")), domain.StageExecute},
		{command(domain.ActionCompleteMeasure, coUser, onMeasure(5), text("台账已清理")), domain.StageExecute},
		{command(domain.ActionReportProgress, longUser, onMeasure(6), withProgress("一月调度")), domain.StageExecute},
		{command(domain.ActionRequestClosure, leadUser, text("申请销号")), domain.StageVerify},
		{command(domain.ActionRejectClosure, supervisor, text("佐证不足")), domain.StageExecute},
		{command(domain.ActionRequestClosure, leadUser), domain.StageVerify},
		{command(domain.ActionApproveClosure, supervisor, text("同意销号")), domain.StageClosed},
	}
}

func freshProblem() domain.Problem {
	return domain.Problem{ID: 7, CampaignID: 1, Number: 3, Title: "制度执行不严", Stage: domain.StagePlan, Version: 1}
}

// stateAfter builds a starting state by applying the first n steps of the walk.
func stateAfter(t *testing.T, n int) domain.Problem {
	t.Helper()
	p := freshProblem()
	for _, s := range walk()[:n] {
		tr, err := domain.Apply(p, s.cmd, start)
		if err != nil {
			t.Fatalf("fixture %s: %v", s.cmd.Action, err)
		}
		p = tr.Problem
	}
	return p
}

// Points of the walk, as a number of steps applied.
const (
	atSubmitted = 1
	atAssigned  = 4
	atExecuting = 7
	atVerifying = 12
)

// recorder is the fake RecordTransition activity: it keeps every transition
// it is asked to write and can fail the first calls.
type recorder struct {
	mu        sync.Mutex
	failFirst int
	attempts  []domain.Transition
	written   []domain.Transition
}

func (r *recorder) record(_ context.Context, tr domain.Transition) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, tr)
	if len(r.attempts) <= r.failFirst {
		return errors.New("store unavailable")
	}
	r.written = append(r.written, tr)
	return nil
}

func (r *recorder) transitions() []domain.Transition {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.Transition(nil), r.written...)
}

// outcome is what the callbacks of one Update saw.
type outcome struct {
	accepted, rejected, completed bool
	rejectErr, err                error
	result                        workflows.UpdateResult
	// onAccept, if set, runs inside the workflow when the update is accepted.
	onAccept func()
}

type harness struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	rec    *recorder
	at     time.Duration
	nextID int
	// canInput is the input of the next run, as sent to the server.
	canInput *commonpb.Payloads
}

func newHarness(t *testing.T) *harness {
	var suite testsuite.WorkflowTestSuite
	// Only warnings and errors: the test environment logs every timer at debug.
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
	rec := &recorder{}
	env.RegisterActivityWithOptions(rec.record, activity.RegisterOptions{Name: workflows.RecordTransitionActivity})
	return &harness{t: t, env: env, rec: rec}
}

func updateName(t *testing.T, a domain.Action) string {
	t.Helper()
	name, ok := workflows.UpdateName(a)
	if !ok {
		t.Fatalf("no update for action %q", a)
	}
	return name
}

// later runs fn in a delayed callback one minute after the previous one.
func (h *harness) later(fn func()) {
	h.at += time.Minute
	h.env.RegisterDelayedCallback(fn, h.at)
}

// send delivers c as an Update with a fresh update ID one minute after the
// previous callback.
func (h *harness) send(c domain.Command) *outcome {
	h.nextID++
	return h.sendAs(fmt.Sprintf("update-%d", h.nextID), c)
}

func (h *harness) sendAs(updateID string, c domain.Command) *outcome {
	o := &outcome{}
	h.later(func() { h.update(updateID, c, o) })
	return o
}

func (h *harness) update(updateID string, c domain.Command, o *outcome) {
	h.env.UpdateWorkflow(updateName(h.t, c.Action), updateID, &testsuite.TestUpdateCallback{
		OnAccept: func() {
			o.accepted = true
			if o.onAccept != nil {
				o.onAccept()
			}
		},
		OnReject: func(err error) { o.rejected, o.rejectErr = true, err },
		OnComplete: func(v any, err error) {
			o.completed, o.err = true, err
			if err == nil {
				b, merr := json.Marshal(v)
				if merr == nil {
					merr = json.Unmarshal(b, &o.result)
				}
				if merr != nil {
					h.t.Errorf("update result %v: %v", v, merr)
				}
			}
		},
	}, c)
}

// query reads the state in a callback one minute after the previous one.
func (h *harness) query() *domain.Problem {
	p := &domain.Problem{}
	h.later(func() {
		v, err := h.env.QueryWorkflow(workflows.StateQuery)
		if err != nil {
			h.t.Errorf("query: %v", err)
			return
		}
		if err := v.Get(p); err != nil {
			h.t.Errorf("query result: %v", err)
		}
	})
	return p
}

// runUntilCancelled starts the workflow and cancels it after every callback.
func (h *harness) runUntilCancelled(in workflows.ProblemInput) {
	h.t.Helper()
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, h.at+time.Hour)
	h.env.ExecuteWorkflow(workflows.ProblemWorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not end")
	}
	var canceled *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &canceled) {
		h.t.Fatalf("workflow error = %v, want cancellation", err)
	}
}

// run starts the workflow and returns the input of the next run, expecting
// the workflow to continue as new.
func (h *harness) runUntilContinueAsNew(in workflows.ProblemInput) workflows.ProblemInput {
	h.t.Helper()
	h.env.ExecuteWorkflow(workflows.ProblemWorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not end")
	}
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		h.t.Fatalf("workflow error = %v, want continue-as-new", err)
	}
	h.canInput = can.Input
	if can.WorkflowType == nil || can.WorkflowType.Name != workflows.ProblemWorkflowName {
		h.t.Errorf("continues as %+v, want %s", can.WorkflowType, workflows.ProblemWorkflowName)
	}
	var next workflows.ProblemInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		h.t.Fatalf("decode continue-as-new input: %v", err)
	}
	return next
}

func (h *harness) wantApplied(name string, o *outcome) {
	h.t.Helper()
	if !o.accepted || !o.completed || o.rejected || o.err != nil {
		h.t.Errorf("%s: accepted %v completed %v rejected %v (%v) err %v; want applied",
			name, o.accepted, o.completed, o.rejected, o.rejectErr, o.err)
	}
}

func TestWalkPlanToClosed(t *testing.T) {
	h, box := newDeadlineHarness(t)
	steps := walk()
	outcomes := make([]*outcome, len(steps))
	for i, s := range steps {
		outcomes[i] = h.send(s.cmd)
	}
	final := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: freshProblem()})

	for i, s := range steps {
		o := outcomes[i]
		h.wantApplied(fmt.Sprintf("step %d %s", i, s.cmd.Action), o)
		if v := o.result.Problem.Version; v != int64(i+2) || o.result.Duplicate || o.result.Problem.Stage != s.stage {
			t.Errorf("step %d result: version %d stage %q duplicate %v, want %d %q", i, v, o.result.Problem.Stage, o.result.Duplicate, i+2, s.stage)
		}
	}
	// Each hand-off tells the next person: the plan's submission and its
	// decision, each closure request and each decision on it.
	var handoffs []string
	for _, s := range steps {
		switch s.cmd.Action {
		case domain.ActionSubmitPlan, domain.ActionApprovePlan, domain.ActionRejectPlan, domain.ActionRequestClosure,
			domain.ActionApproveClosure, domain.ActionRejectClosure:
			handoffs = append(handoffs, string(s.cmd.Action))
		}
	}
	if keys := box.keys(":handoff"); len(keys) != len(handoffs) {
		t.Errorf("hand-off notices = %v, want one for each of %v", keys, handoffs)
	}
	trs := h.rec.transitions()
	if len(trs) != len(steps) {
		t.Fatalf("recorded %d transitions, want %d", len(trs), len(steps))
	}
	prev := domain.StagePlan
	for i, tr := range trs {
		s := steps[i]
		ev := tr.Event
		if ev.Seq != int64(i+2) || tr.Problem.Version != int64(i+2) {
			t.Errorf("transition %d: seq %d version %d, want %d", i, ev.Seq, tr.Problem.Version, i+2)
		}
		if ev.Action != s.cmd.Action || ev.RequestID != s.cmd.RequestID || ev.ActorID != s.cmd.Actor.UserID || ev.ProblemID != 7 {
			t.Errorf("transition %d: %s %s by %d on %d, want %s %s by %d", i, ev.Action, ev.RequestID, ev.ActorID, ev.ProblemID,
				s.cmd.Action, s.cmd.RequestID, s.cmd.Actor.UserID)
		}
		if ev.FromStage != prev || ev.ToStage != s.stage || tr.Problem.Stage != s.stage {
			t.Errorf("transition %d (%s): %s → %s, want %s → %s", i, ev.Action, ev.FromStage, ev.ToStage, prev, s.stage)
		}
		if ev.At.Before(start) || !ev.At.Equal(tr.Problem.UpdatedAt) {
			t.Errorf("transition %d at %v, updated %v", i, ev.At, tr.Problem.UpdatedAt)
		}
		prev = s.stage
	}
	if final.Stage != domain.StageClosed || final.Version != int64(len(steps)+1) || final.ClosedAt.IsZero() {
		t.Errorf("final state: stage %q version %d closed at %v", final.Stage, final.Version, final.ClosedAt)
	}
	if last := trs[len(trs)-1].Problem; last.Version != final.Version || !last.ClosedAt.Equal(final.ClosedAt) {
		t.Errorf("last recorded state %+v differs from the queried %+v", last, *final)
	}
}

func TestRefusalsAreRejectedByTheValidator(t *testing.T) {
	cases := []struct {
		name  string
		state int // steps of the walk applied before
		cmd   domain.Command
		code  string
	}{
		{"unit submits a plan", 0, command(domain.ActionSubmitPlan, leadUser, withPlan(plan())), domain.EForbidden},
		{"supervisor submits a plan", 0, command(domain.ActionSubmitPlan, supervisor, withPlan(plan())), domain.EForbidden},
		{"plan with a past deadline", 0, command(domain.ActionSubmitPlan, admin, withPlan(func() *domain.PlanInput {
			p := plan()
			p.Measures[0].Deadline = "2026-01-14"
			return p
		}())), domain.EInvalid},
		{"approve without a plan", 0, command(domain.ActionApprovePlan, leaderB), domain.EConflict},
		{"drafter approves own plan", atSubmitted, command(domain.ActionApprovePlan, leaderA), domain.EForbidden},
		{"unit approves a plan", atSubmitted, command(domain.ActionApprovePlan, leadUser), domain.EForbidden},
		{"reject plan without reason", atSubmitted, command(domain.ActionRejectPlan, leaderB), domain.EInvalid},
		{"submit a plan in stage assign", atAssigned, command(domain.ActionSubmitPlan, admin, withPlan(plan())), domain.EConflict},
		{"co-unit acknowledges", atAssigned, command(domain.ActionAcknowledge, coUser, onMeasure(4)), domain.EForbidden},
		{"acknowledge in stage execute", atExecuting, command(domain.ActionAcknowledge, leadUser, onMeasure(4)), domain.EConflict},
		{"acknowledge an unknown measure", atAssigned, command(domain.ActionAcknowledge, leadUser, onMeasure(99)), domain.ENotFound},
		{"other unit reports progress", atExecuting, command(domain.ActionReportProgress, otherUser, onMeasure(4), withProgress("x")), domain.EForbidden},
		{"complete a long-term measure", atExecuting, command(domain.ActionCompleteMeasure, longUser, onMeasure(6), text("x")), domain.EConflict},
		{"request closure with work left", atExecuting, command(domain.ActionRequestClosure, leadUser), domain.EConflict},
		{"request closure in stage assign", atAssigned, command(domain.ActionRequestClosure, leadUser), domain.EConflict},
		{"unit approves its own closure", atVerifying, command(domain.ActionApproveClosure, leadUser), domain.EForbidden},
		{"leader approves closure", atVerifying, command(domain.ActionApproveClosure, leaderA), domain.EForbidden},
		{"reject closure without reason", atVerifying, command(domain.ActionRejectClosure, supervisor), domain.EInvalid},
		{"no request ID", atVerifying, command(domain.ActionApproveClosure, supervisor, requestID("")), domain.EInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			before := stateAfter(t, tc.state)
			o := h.send(tc.cmd)
			after := h.query()
			h.runUntilCancelled(workflows.ProblemInput{Problem: before})

			if !o.rejected || o.accepted || o.completed {
				t.Fatalf("rejected %v accepted %v completed %v (err %v); want rejected by the validator", o.rejected, o.accepted, o.completed, o.err)
			}
			var appErr *temporal.ApplicationError
			if !errors.As(o.rejectErr, &appErr) {
				t.Fatalf("rejection %v (%T) is not an application error", o.rejectErr, o.rejectErr)
			}
			if appErr.Type() != tc.code || !appErr.NonRetryable() || appErr.Message() == "" {
				t.Errorf("rejection type %q non-retryable %v message %q, want type %q", appErr.Type(), appErr.NonRetryable(), appErr.Message(), tc.code)
			}
			if n := len(h.rec.attempts); n != 0 {
				t.Errorf("a refused decision reached the store %d times", n)
			}
			if after.Version != before.Version || after.Stage != before.Stage {
				t.Errorf("state moved to version %d stage %q", after.Version, after.Stage)
			}
		})
	}
}

func TestRetriedRequestAppliesOnce(t *testing.T) {
	h := newHarness(t)
	before := stateAfter(t, atExecuting)
	c := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("配合调研"))
	first := h.send(c)
	// The client retries with the same request ID: a new update ID, as after
	// a lost answer or a continue-as-new.
	retry := h.send(c)
	// The same update ID again is answered by Temporal itself.
	sameUpdate := h.sendAs("update-1", c)
	after := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: before})

	h.wantApplied("first", first)
	h.wantApplied("retry", retry)
	h.wantApplied("same update id", sameUpdate)
	if trs := h.rec.transitions(); len(trs) != 1 || trs[0].Event.RequestID != c.RequestID {
		t.Fatalf("recorded %d transitions, want 1", len(trs))
	}
	want := before.Version + 1
	if first.result.Duplicate || first.result.Problem.Version != want {
		t.Errorf("first: duplicate %v version %d, want false %d", first.result.Duplicate, first.result.Problem.Version, want)
	}
	if !retry.result.Duplicate || retry.result.Problem.Version != want {
		t.Errorf("retry: duplicate %v version %d, want true %d", retry.result.Duplicate, retry.result.Problem.Version, want)
	}
	if sameUpdate.result.Problem.Version != want {
		t.Errorf("same update id: version %d, want %d", sameUpdate.result.Problem.Version, want)
	}
	if m, _ := after.Measure(4); after.Version != want || m == nil || m.ProgressCount != 1 {
		t.Errorf("state after: version %d measure %+v, want one progress report", after.Version, m)
	}
}

// TestConcurrentDecisions sends decisions in the same instant: the second
// passes the validator while the first waits for the store, and the handler
// re-applies it to the state the first one left.
func TestConcurrentDecisions(t *testing.T) {
	h := newHarness(t)
	before := stateAfter(t, atAssigned)
	ack := command(domain.ActionAcknowledge, leadUser, onMeasure(4))
	ackAgain := command(domain.ActionAcknowledge, leadUser, onMeasure(4)) // another request ID
	var first, retry, second, other outcome
	h.later(func() {
		h.update("u-first", ack, &first)
		h.update("u-retry", ack, &retry)
		h.update("u-second", ackAgain, &second)
		h.update("u-other", command(domain.ActionAcknowledge, coUser, onMeasure(5)), &other)
	})
	after := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: before})

	h.wantApplied("first", &first)
	h.wantApplied("retry", &retry)
	h.wantApplied("other", &other)
	// A duplicate answers with the state now, which may already include
	// decisions that came after the original request.
	if !retry.result.Duplicate || retry.result.Problem.Version < before.Version+1 {
		t.Errorf("retry in flight: duplicate %v version %d", retry.result.Duplicate, retry.result.Problem.Version)
	}
	// The second acknowledgement was valid when it arrived but not when its
	// turn came: it fails in the handler with the domain code.
	if !second.accepted || !second.completed || second.err == nil {
		t.Fatalf("second: accepted %v completed %v err %v; want accepted then failed", second.accepted, second.completed, second.err)
	}
	var appErr *temporal.ApplicationError
	if !errors.As(second.err, &appErr) || appErr.Type() != domain.EConflict {
		t.Errorf("second failed with %v, want a conflict application error", second.err)
	}
	trs := h.rec.transitions()
	if len(trs) != 2 {
		t.Fatalf("recorded %d transitions, want 2", len(trs))
	}
	for i, tr := range trs {
		if tr.Event.Seq != before.Version+int64(i)+1 {
			t.Errorf("transition %d has seq %d: versions are not written in order", i, tr.Event.Seq)
		}
	}
	if after.Version != before.Version+2 || after.Stage != domain.StageAssign {
		t.Errorf("state after: version %d stage %q", after.Version, after.Stage)
	}
}

func TestRecordTransitionIsRetried(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failFirst int
	}{
		{"fails twice", 2},
		// The backoffs (0.2s, 0.4s, … capped at 10s) add up to far more than
		// one attempt's 10s StartToClose: the retries must not stop there.
		{"fails for more than a minute", 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.rec.failFirst = tc.failFirst
			before := stateAfter(t, atExecuting)
			c := command(domain.ActionReportProgress, leadUser, onMeasure(4), withProgress("已起草"))
			o := h.send(c)
			next := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("配合"))
			o2 := h.send(next)
			after := h.query()
			h.runUntilCancelled(workflows.ProblemInput{Problem: before})

			h.wantApplied("progress", o)
			h.wantApplied("next progress", o2)
			if n := len(h.rec.attempts); n != tc.failFirst+2 {
				t.Errorf("activity ran %d times, want %d (%d failures, then one success each)", n, tc.failFirst+2, tc.failFirst)
			}
			for i, tr := range h.rec.attempts[:tc.failFirst+1] {
				if tr.Event.Seq != before.Version+1 || tr.Event.RequestID != c.RequestID {
					t.Errorf("attempt %d wrote seq %d request %q: every retry must write the same transition", i, tr.Event.Seq, tr.Event.RequestID)
				}
			}
			trs := h.rec.transitions()
			if len(trs) != 2 || trs[0].Event.Seq != before.Version+1 || trs[1].Event.Seq != before.Version+2 {
				t.Errorf("written %d transitions, want seq %d and %d", len(trs), before.Version+1, before.Version+2)
			}
			if o.result.Problem.Version != before.Version+1 || after.Version != before.Version+2 {
				t.Errorf("version: result %d, state %d, want %d then %d", o.result.Problem.Version, after.Version, before.Version+1, before.Version+2)
			}
		})
	}
}

func TestContinueAsNewKeepsStateAndRequests(t *testing.T) {
	const limit = 50
	h := newHarness(t)
	before := stateAfter(t, atExecuting)
	c1 := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("第一次"))
	c2 := command(domain.ActionCompleteMeasure, coUser, onMeasure(5), text("台账已清理"))
	o1 := h.send(c1)
	// The next decision's own events take the history to the limit: the
	// workflow finishes applying it, then continues as new.
	o2 := &outcome{onAccept: func() { h.env.SetCurrentHistoryLength(limit) }}
	h.later(func() { h.update("update-c2", c2, o2) })
	next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: before, HistoryLimit: limit})

	h.wantApplied("c1", o1)
	h.wantApplied("c2", o2)
	if n := len(h.rec.transitions()); n != 2 {
		t.Errorf("first run recorded %d transitions, want 2", n)
	}
	if next.HistoryLimit != limit {
		t.Errorf("history limit %d, want %d", next.HistoryLimit, limit)
	}
	if next.Problem.Version != before.Version+2 || next.Problem.Stage != domain.StageExecute {
		t.Errorf("next run starts at version %d stage %q", next.Problem.Version, next.Problem.Stage)
	}
	if m, _ := next.Problem.Measure(5); m == nil || !m.Completed {
		t.Errorf("measure 5 = %+v, want completed", m)
	}
	if next.Requests[c1.RequestID] != before.Version+1 || next.Requests[c2.RequestID] != before.Version+2 {
		t.Errorf("requests = %v", next.Requests)
	}

	// The next run: a retry of a request from before continue-as-new is a
	// no-op, a new request applies on top of the kept state.
	h2 := newHarness(t)
	retry := h2.send(c1)
	retry2 := h2.send(c2)
	c3 := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("第二次"))
	o3 := h2.send(c3)
	after := h2.query()
	h2.runUntilCancelled(next)

	h2.wantApplied("retry c1", retry)
	h2.wantApplied("retry c2", retry2)
	h2.wantApplied("c3", o3)
	if !retry.result.Duplicate || !retry2.result.Duplicate || retry2.result.Problem.Version != next.Problem.Version {
		t.Errorf("retries after continue-as-new: duplicate %v/%v version %d, want no-ops at %d",
			retry.result.Duplicate, retry2.result.Duplicate, retry2.result.Problem.Version, next.Problem.Version)
	}
	trs := h2.rec.transitions()
	if len(trs) != 1 || trs[0].Event.RequestID != c3.RequestID || trs[0].Event.Seq != next.Problem.Version+1 {
		t.Fatalf("next run recorded %+v, want only c3 at version %d", trs, next.Problem.Version+1)
	}
	if m, _ := after.Measure(4); after.Version != next.Problem.Version+1 || m == nil || m.ProgressCount != 2 {
		t.Errorf("state after: version %d measure 4 %+v, want two progress reports", after.Version, m)
	}
}

func TestContinueAsNewWhenSuggested(t *testing.T) {
	h := newHarness(t)
	before := stateAfter(t, atExecuting)
	c := command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("x"))
	o := &outcome{onAccept: func() { h.env.SetContinueAsNewSuggested(true) }}
	h.later(func() { h.update("update-1", c, o) })
	next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: before})
	h.wantApplied("progress", o)
	if next.HistoryLimit != 0 || next.Problem.Version != before.Version+1 || next.Requests[c.RequestID] != before.Version+1 {
		t.Errorf("next input: limit %d version %d requests %v", next.HistoryLimit, next.Problem.Version, next.Requests)
	}
}

func TestUpdateNames(t *testing.T) {
	actions := []domain.Action{
		domain.ActionSubmitPlan, domain.ActionApprovePlan, domain.ActionRejectPlan, domain.ActionAcknowledge,
		domain.ActionReportProgress, domain.ActionCompleteMeasure, domain.ActionRequestClosure,
		domain.ActionApproveClosure, domain.ActionRejectClosure,
	}
	seen := map[string]bool{}
	for _, a := range actions {
		name, ok := workflows.UpdateName(a)
		if !ok || name == "" || seen[name] {
			t.Errorf("UpdateName(%q) = %q, %v", a, name, ok)
		}
		seen[name] = true
	}
	if _, ok := workflows.UpdateName(domain.ActionCreate); ok {
		t.Errorf("create has an update")
	}
	if got := workflows.ProblemWorkflowID(42); got != "problem-42" {
		t.Errorf("ProblemWorkflowID(42) = %q", got)
	}
}
