package workflows_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

var discipline = domain.Actor{UserID: 5, Username: "discipline", Role: domain.RoleDiscipline}

// monthsLater is when the look-back tests run: the problem was closed at
// start, more than half a year before.
var monthsLater = start.AddDate(0, 7, 0)

// sinceLater is how long after the look-back tests' start t is.
func sinceLater(t time.Time) time.Duration { return t.Sub(monthsLater) }

func lookback(id int64) func(*domain.Command) { return func(c *domain.Command) { c.LookbackID = id } }
func due(d domain.Date) func(*domain.Command) { return func(c *domain.Command) { c.Deadline = d } }

// newLookbackHarness runs a problem closed months before the workflow time.
func newLookbackHarness(t *testing.T) (*harness, *inbox, domain.Problem) {
	h, box := newDeadlineHarness(t)
	h.env.SetStartTime(monthsLater)
	closed := stateAfter(t, len(walk()))
	if closed.Stage != domain.StageClosed || !closed.ClosedAt.Equal(start) {
		t.Fatalf("fixture: %s closed at %v", closed.Stage, closed.ClosedAt)
	}
	return h, box, closed
}

func TestLookbackConfirmed(t *testing.T) {
	h, box, closed := newLookbackHarness(t)
	refusedUnit := h.send(command(domain.ActionStartLookback, leadUser, lookback(1)))
	refusedSup := h.send(command(domain.ActionStartLookback, supervisor, lookback(1)))
	started := h.send(command(domain.ActionStartLookback, discipline, lookback(1), due("2026-09-30")))
	asked := h.send(command(domain.ActionRequestMaterial, discipline, lookback(1), text("请提供制度执行情况")))
	otherAnswer := h.send(command(domain.ActionAnswerMaterial, coUser, lookback(1), text("x")))
	answered := h.send(command(domain.ActionAnswerMaterial, leadUser, lookback(1), text("已报送执行台账")))
	unitConcludes := h.send(command(domain.ActionConcludeLookback, leadUser, lookback(1), func(c *domain.Command) {
		c.Result, c.Finding = domain.LookbackConfirmed, "自己说好"
	}))
	confirmed := h.send(command(domain.ActionConcludeLookback, discipline, lookback(1), func(c *domain.Command) {
		c.Result, c.Finding = domain.LookbackConfirmed, "整改成果巩固"
	}))
	final := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: closed})

	for name, o := range map[string]*outcome{"unit starts": refusedUnit, "supervisor starts": refusedSup, "co-unit answers": otherAnswer, "unit concludes": unitConcludes} {
		if !o.rejected || o.accepted {
			t.Errorf("%s: rejected %v accepted %v", name, o.rejected, o.accepted)
		}
	}
	h.wantApplied("start", started)
	h.wantApplied("request", asked)
	h.wantApplied("answer", answered)
	h.wantApplied("confirm", confirmed)
	if started.result.Problem.Stage != domain.StageLookback || started.result.Problem.LookbackID != 1 {
		t.Errorf("after start: %+v", started.result.Problem)
	}
	if final.Stage != domain.StageClosed || !final.ClosedAt.Equal(closed.ClosedAt) || final.LookbackID != 0 {
		t.Errorf("after confirm: stage %s closed %v lookback %d", final.Stage, final.ClosedAt, final.LookbackID)
	}
	var actions []string
	for _, tr := range h.rec.transitions() {
		actions = append(actions, string(tr.Event.Action))
		if !tr.Event.At.After(monthsLater) {
			t.Errorf("%s at %v", tr.Event.Action, tr.Event.At)
		}
	}
	if got := strings.Join(actions, ","); got != "start_lookback,request_material,answer_material,conclude_lookback" {
		t.Errorf("history = %s", got)
	}
	// The start to the lead unit (a hand-off), the request to the unit, the
	// answer to the group, the confirmation to the unit (a hand-off).
	if keys := box.keys(":event:"); len(keys) != 4 {
		t.Errorf("event notices = %v", keys)
	}
}

func TestLookbackReopenedClosesAgain(t *testing.T) {
	h, box, closed := newLookbackHarness(t)
	newDeadline := domain.Date("2026-10-31")
	steps := []step{
		{command(domain.ActionStartLookback, discipline, lookback(2), due("2026-09-30")), domain.StageLookback},
		{command(domain.ActionConcludeLookback, discipline, lookback(2), due(newDeadline), text("制度执行出现反弹")), domain.StageExecute},
	}
	steps[1].cmd.Result = domain.LookbackReopened
	outcomes := []*outcome{h.send(steps[0].cmd), h.send(steps[1].cmd)}
	early := h.send(command(domain.ActionRequestClosure, leadUser))
	reopened := h.query()
	// The new deadline passes once before the unit completes the measures:
	// the reminder loop arms its timer by itself.
	h.at = sinceLater(newDeadline.DueAt().Add(time.Hour)) - time.Minute
	steps = append(steps,
		step{command(domain.ActionCompleteMeasure, leadUser, onMeasure(4), text("再次整改")), domain.StageExecute},
		step{command(domain.ActionCompleteMeasure, coUser, onMeasure(5), text("再次清理")), domain.StageExecute},
		step{command(domain.ActionRequestClosure, leadUser, text("再次申请销号")), domain.StageVerify},
		step{command(domain.ActionApproveClosure, supervisor, text("同意")), domain.StageClosed},
	)
	for _, s := range steps[2:] {
		outcomes = append(outcomes, h.send(s.cmd))
	}
	final := h.query()
	h.runUntilCancelled(workflows.ProblemInput{Problem: closed})

	for i, o := range outcomes {
		h.wantApplied(string(steps[i].cmd.Action), o)
		if o.result.Problem.Stage != steps[i].stage {
			t.Errorf("step %d %s: stage %s, want %s", i, steps[i].cmd.Action, o.result.Problem.Stage, steps[i].stage)
		}
	}
	if !early.rejected {
		t.Errorf("closure request with reopened measures was not refused")
	}
	if reopened.Stage != domain.StageExecute || !reopened.ClosedAt.IsZero() {
		t.Errorf("reopened: stage %s closed %v", reopened.Stage, reopened.ClosedAt)
	}
	for _, m := range reopened.Measures {
		if m.Kind == domain.KindLongTerm {
			continue
		}
		if m.Completed || m.Deadline != newDeadline || m.OriginalDeadline == newDeadline {
			t.Errorf("reopened measure %d: %+v", m.ID, m)
		}
	}
	if final.Stage != domain.StageClosed || !final.ClosedAt.After(monthsLater) {
		t.Errorf("final: stage %s closed at %v", final.Stage, final.ClosedAt)
	}
	// The lead unit heard of the reopening; both reopened measures went red
	// at the new deadline.
	reopenKey := "p7:event:" + strconv.FormatInt(closed.Version+2, 10)
	if d, ok := box.find(reopenKey); !ok || d.notice.Kind != domain.NoticeLookback || d.notice.Audience.UnitID != unitLead {
		t.Errorf("reopen notice %s: %+v %v (all: %v)", reopenKey, d, ok, box.keys(""))
	}
	for _, m := range []string{"p7:m4:deadline:red:2026-10-31:0", "p7:m5:deadline:red:2026-10-31:0"} {
		if _, ok := box.find(m); !ok {
			t.Errorf("no overdue notice %s (all: %v)", m, box.keys(""))
		}
	}
	noDuplicates(t, box)
}

func TestLookbackDueRemindsReviewers(t *testing.T) {
	h, box, closed := newLookbackHarness(t)
	dueDate := domain.Date("2026-08-20")
	h.send(command(domain.ActionStartLookback, discipline, lookback(3), due(dueDate)))
	h.until(sinceLater(dueDate.DueAt().Add(2*24*time.Hour + time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: closed})
	want := []string{
		"p7:m0:lookback:yellow:L3:2026-08-20:0",
		"p7:m0:lookback:red:L3:2026-08-20:0", "p7:m0:lookback:red:L3:2026-08-20:1", "p7:m0:lookback:red:L3:2026-08-20:2",
	}
	if got := box.keys(":lookback:"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("look-back reminders = %v\nwant %v", got, want)
	}
	d, _ := box.find(want[1])
	if d.notice.Kind != domain.NoticeLookback || len(d.notice.Audience.Roles) != 1 || d.notice.Audience.Roles[0] != domain.RoleDiscipline {
		t.Errorf("reminder = %+v", d.notice)
	}
	if !d.at.Equal(dueDate.DueAt()) {
		t.Errorf("red reminder at %v, want %v", d.at, dueDate.DueAt())
	}
	noDuplicates(t, box)
}
