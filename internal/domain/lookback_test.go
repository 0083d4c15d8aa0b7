package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

func lookbackCmd(action domain.Action, actor domain.Actor, edit ...func(*domain.Command)) domain.Command {
	c := cmd(action, actor)
	c.LookbackID = 3
	for _, e := range edit {
		e(&c)
	}
	return c
}

func underReview(t *testing.T) domain.Problem {
	return mustApply(t, closed(t), lookbackCmd(domain.ActionStartLookback, discipline, func(c *domain.Command) { c.Deadline = "2026-02-28" }))
}

func reopen(reason string, deadline domain.Date, measures ...int64) func(*domain.Command) {
	return func(c *domain.Command) {
		c.Result, c.Text, c.Deadline, c.MeasureIDs = domain.LookbackReopened, reason, deadline, measures
	}
}

func confirm(finding string) func(*domain.Command) {
	return func(c *domain.Command) { c.Result, c.Finding = domain.LookbackConfirmed, finding }
}

func withLookbackText(s string) func(*domain.Command) { return func(c *domain.Command) { c.Text = s } }

func TestLookbackTransitions(t *testing.T) {
	runCases(t, []transitionCase{
		{name: "start from closed", p: closed, cmd: lookbackCmd(domain.ActionStartLookback, discipline, func(c *domain.Command) { c.Deadline = "2026-02-28" }),
			check: func(t *testing.T, p domain.Problem, tr domain.Transition) {
				if tr.Problem.Stage != domain.StageLookback || tr.Problem.LookbackID != 3 || tr.Problem.LookbackDue != "2026-02-28" {
					t.Errorf("after start: %+v", tr.Problem)
				}
				if !tr.Problem.ClosedAt.Equal(p.ClosedAt) {
					t.Errorf("closed at moved")
				}
			}},
		{name: "supervisor may not start", p: closed, cmd: lookbackCmd(domain.ActionStartLookback, supervisor), code: domain.EForbidden},
		{name: "unit may not start", p: closed, cmd: lookbackCmd(domain.ActionStartLookback, leadUser), code: domain.EForbidden},
		{name: "start needs closed", p: executing, cmd: lookbackCmd(domain.ActionStartLookback, discipline), code: domain.EConflict},
		{name: "start twice", p: underReview, cmd: lookbackCmd(domain.ActionStartLookback, discipline), code: domain.EConflict},
		{name: "start without lookback id", p: closed, cmd: cmd(domain.ActionStartLookback, discipline), code: domain.EInvalid},
		{name: "request material", p: underReview, cmd: lookbackCmd(domain.ActionRequestMaterial, discipline, withLookbackText("请提供制度文件")),
			check: all(wantStage(domain.StageLookback), wantReason("请提供制度文件"))},
		{name: "request without text", p: underReview, cmd: lookbackCmd(domain.ActionRequestMaterial, discipline), code: domain.EInvalid},
		{name: "unit may not request", p: underReview, cmd: lookbackCmd(domain.ActionRequestMaterial, leadUser, withLookbackText("x")), code: domain.EForbidden},
		{name: "request under another look-back", p: underReview, cmd: lookbackCmd(domain.ActionRequestMaterial, discipline, withLookbackText("x"), func(c *domain.Command) { c.LookbackID = 4 }), code: domain.EConflict},
		{name: "request on a closed problem", p: closed, cmd: lookbackCmd(domain.ActionRequestMaterial, discipline, withLookbackText("x")), code: domain.EConflict},
		{name: "lead unit answers", p: underReview, cmd: lookbackCmd(domain.ActionAnswerMaterial, leadUser, withLookbackText("已报送")),
			check: all(wantStage(domain.StageLookback), wantReason("已报送"))},
		{name: "co-unit may not answer", p: underReview, cmd: lookbackCmd(domain.ActionAnswerMaterial, coUser, withLookbackText("x")), code: domain.EForbidden},
		{name: "discipline may not answer", p: underReview, cmd: lookbackCmd(domain.ActionAnswerMaterial, discipline, withLookbackText("x")), code: domain.EForbidden},
		{name: "confirm", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, confirm("整改成果巩固")),
			check: func(t *testing.T, p domain.Problem, tr domain.Transition) {
				if tr.Problem.Stage != domain.StageClosed || tr.Problem.LookbackID != 0 || tr.Problem.LookbackDue != "" || !tr.Problem.ClosedAt.Equal(p.ClosedAt) {
					t.Errorf("after confirm: %+v", tr.Problem)
				}
				if tr.Event.Reason != "整改成果巩固" {
					t.Errorf("reason = %q", tr.Event.Reason)
				}
			}},
		{name: "confirm without finding", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, confirm(" ")), code: domain.EInvalid},
		{name: "unknown result", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, func(c *domain.Command) { c.Result = "maybe" }), code: domain.EInvalid},
		{name: "supervisor may not conclude", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, supervisor, confirm("x")), code: domain.EForbidden},
		{name: "reopen without reason", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("", "2026-05-31")), code: domain.EInvalid},
		{name: "reopen without deadline", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("反弹", "")), code: domain.EInvalid},
		{name: "reopen with a past deadline", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("反弹", "2026-01-14")), code: domain.EInvalid},
		{name: "reopen a long-term measure", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("反弹", "2026-05-31", 3)), code: domain.EInvalid},
		{name: "reopen an unknown measure", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("反弹", "2026-05-31", 9)), code: domain.ENotFound},
		{name: "reopen every measure", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("问题反弹", "2026-05-31")),
			check: func(t *testing.T, p domain.Problem, tr domain.Transition) {
				next := tr.Problem
				if next.Stage != domain.StageExecute || !next.ClosedAt.IsZero() || next.LookbackID != 0 {
					t.Errorf("after reopen: stage %s closed %v lookback %d", next.Stage, next.ClosedAt, next.LookbackID)
				}
				for _, id := range []int64{1, 2} {
					m := measure(t, next, id)
					if m.Completed || m.Deadline != "2026-05-31" || m.OriginalDeadline != measure(t, p, id).OriginalDeadline || !m.Acknowledged {
						t.Errorf("measure %d after reopen: %+v", id, m)
					}
				}
				if m := measure(t, next, 3); m.Deadline != "" || m.ProgressCount != 1 {
					t.Errorf("long-term measure changed: %+v", m)
				}
				if tr.Event.Reason != "问题反弹" {
					t.Errorf("reason = %q", tr.Event.Reason)
				}
			}},
		{name: "reopen one measure", p: underReview, cmd: lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("问题反弹", "2026-05-31", 2)),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if m := measure(t, tr.Problem, 1); !m.Completed {
					t.Errorf("measure 1 reopened")
				}
				if m := measure(t, tr.Problem, 2); m.Completed || m.Deadline != "2026-05-31" {
					t.Errorf("measure 2 = %+v", m)
				}
			}},
		{name: "no urge under look-back", p: underReview, cmd: withText(cmd(domain.ActionUrge, supervisor), "快"), code: domain.EConflict},
	})
}

// TestReopenedProblemClosesAgain walks a reopened problem through execute
// and verify back to closed.
func TestReopenedProblemClosesAgain(t *testing.T) {
	p := mustApply(t, underReview(t), lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("问题反弹", "2026-05-31")))
	if _, err := domain.Apply(p, cmd(domain.ActionRequestClosure, leadUser), now); !domain.IsCode(err, domain.EConflict) {
		t.Fatalf("closure request with open measures: %v", err)
	}
	light := p.WithLights(now.Add(150 * 24 * time.Hour)).Light
	if light != domain.LightRed {
		t.Errorf("light past the new deadline = %s", light)
	}
	p = mustApply(t, p,
		onMeasure(domain.ActionCompleteMeasure, leadUser, 1, "再次整改"),
		onMeasure(domain.ActionCompleteMeasure, coUser, 2, "再次清理"),
		cmd(domain.ActionRequestClosure, leadUser),
		cmd(domain.ActionApproveClosure, supervisor))
	if p.Stage != domain.StageClosed || p.ClosedAt.IsZero() {
		t.Fatalf("not closed again: %+v", p)
	}
}

func TestLookbackNotices(t *testing.T) {
	p := underReview(t)
	due, next := domain.DueNotices(&p, now, func(string) bool { return false })
	if len(due) != 0 || !next.Equal(domain.Date("2026-02-28").DueAt().Add(-domain.DefaultWarningWindow)) {
		t.Fatalf("before the warning: %v next %v", due, next)
	}
	due, _ = domain.DueNotices(&p, domain.Date("2026-03-02").DueAt(), func(string) bool { return false })
	if len(due) != 1 || due[0].Kind != domain.NoticeLookback || !slices.Equal(due[0].Audience.Roles, []domain.Role{domain.RoleDiscipline}) ||
		due[0].Key != "p7:m0:lookback:red:L3:2026-02-28:2" {
		t.Fatalf("overdue look-back notices = %+v", due)
	}
	tr, err := domain.Apply(p, lookbackCmd(domain.ActionRequestMaterial, discipline, withLookbackText("请提供")), now)
	if err != nil {
		t.Fatal(err)
	}
	ns := domain.EventNotices(&tr.Problem, tr.Event)
	if len(ns) != 1 || ns[0].Audience.UnitID != unitLead || ns[0].Kind != domain.NoticeLookback {
		t.Fatalf("request notices = %+v", ns)
	}
	tr, err = domain.Apply(p, lookbackCmd(domain.ActionConcludeLookback, discipline, confirm("好")), now)
	if err != nil {
		t.Fatal(err)
	}
	if ns := domain.EventNotices(&tr.Problem, tr.Event); len(ns) != 0 {
		t.Fatalf("confirm notices = %+v", ns)
	}
	tr, err = domain.Apply(p, lookbackCmd(domain.ActionConcludeLookback, discipline, reopen("反弹", "2026-05-31")), now)
	if err != nil {
		t.Fatal(err)
	}
	if ns := domain.EventNotices(&tr.Problem, tr.Event); len(ns) != 1 || ns[0].Audience.UnitID != unitLead {
		t.Fatalf("reopen notices = %+v", ns)
	}
	if due, _ := domain.DueNotices(&tr.Problem, domain.Date("2026-03-02").DueAt(), func(string) bool { return false }); len(due) != 0 {
		t.Fatalf("look-back reminders after its end: %+v", due)
	}
}

func TestSampleProblemsIsReproducible(t *testing.T) {
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(100 + i*3)
	}
	a := domain.SampleProblems(ids, 10, 42)
	shuffled := slices.Clone(ids)
	slices.Reverse(shuffled)
	b := domain.SampleProblems(shuffled, 10, 42)
	if !slices.Equal(a, b) || len(a) != 10 || !slices.IsSorted(a) {
		t.Fatalf("same seed, same set: %v vs %v", a, b)
	}
	for _, id := range a {
		if !slices.Contains(ids, id) {
			t.Fatalf("picked %d, not a candidate", id)
		}
	}
	if c := domain.SampleProblems(ids, 10, 43); slices.Equal(a, c) {
		t.Errorf("another seed picked the same problems: %v", c)
	}
	// A pinned result: changing the algorithm would change old look-backs.
	if got := domain.SampleProblems([]int64{1, 2, 3, 4, 5, 6, 7, 8}, 3, 7); !slices.Equal(got, pinnedSample) {
		t.Errorf("sample of 1..8, seed 7 = %v, want %v", got, pinnedSample)
	}
	if got := domain.SampleProblems(ids, 99, 1); len(got) != 50 {
		t.Errorf("oversized sample has %d", len(got))
	}
	if got := ids[0]; got != 100 {
		t.Errorf("input changed")
	}
	for _, tc := range []struct{ n, count, percent, want int }{
		{10, 3, 0, 3}, {10, 30, 0, 10}, {10, 0, 25, 3}, {10, 0, 100, 10}, {3, 0, 1, 1}, {0, 0, 50, 0},
	} {
		if got, err := domain.LookbackSampleSize(tc.n, tc.count, tc.percent); err != nil || got != tc.want {
			t.Errorf("size(%d, %d, %d%%) = %d, %v; want %d", tc.n, tc.count, tc.percent, got, err, tc.want)
		}
	}
	for _, tc := range [][2]int{{0, 0}, {1, 10}, {-1, 0}, {0, 101}} {
		if _, err := domain.LookbackSampleSize(10, tc[0], tc[1]); !domain.IsCode(err, domain.EInvalid) {
			t.Errorf("size(10, %d, %d%%): %v, want invalid", tc[0], tc[1], err)
		}
	}
}

var pinnedSample = []int64{5, 6, 8}
