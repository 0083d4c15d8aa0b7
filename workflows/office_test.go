package workflows_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// An assigned plan not submitted by plan_due: the lead unit hears of it,
// daily, its head after the first day, the leaders after escalate_after;
// the plan's submission stops the series.
func TestPlanLate(t *testing.T) {
	h, box := newDeadlineHarness(t)
	planDue := domain.Date("2026-01-20")
	dueAt := planDue.DueAt()
	h.send(command(domain.ActionAssign, leaderA, func(c *domain.Command) {
		c.Assignment = &domain.Assignment{LeadUnitID: unitLead, PlanDue: planDue, ResponsibleLeader: "分管厅领导"}
	}))
	// The unit drafts 8 days late (the leaders have heard by then).
	submitted := sinceTo(dueAt.Add(8*24*time.Hour + time.Hour))
	h.env.RegisterDelayedCallback(func() {
		h.update("late-plan", command(domain.ActionSubmitPlan, leadUser, withPlan(plan())), &outcome{})
	}, submitted)
	h.until(submitted + 3*24*time.Hour)
	h.runUntilCancelled(workflows.ProblemInput{Problem: freshProblem()})

	series := "p7:m0:plan:"
	want := []string{series + "red:2026-01-20:0", series + "red:2026-01-20:1", series + "head:2026-01-20:0"}
	for k := 2; k <= 8; k++ {
		want = append(want, series+"red:2026-01-20:"+strconv.Itoa(k))
		if k == 7 {
			want = append(want, series+"escalation:2026-01-20:0")
		}
	}
	if got := box.keys(series); !slices.Equal(got, want) {
		t.Fatalf("plan_late notices:\n got %v\nwant %v", got, want)
	}
	checks := []struct {
		name string
		key  string
		ok   func(domain.Notice) bool
	}{
		{"UnitAtPlanDue", series + "red:2026-01-20:0", func(n domain.Notice) bool {
			return n.Kind == domain.NoticePlanLate && n.Audience.UnitID == unitLead
		}},
		{"HeadAfterADay", series + "head:2026-01-20:0", func(n domain.Notice) bool { return n.Audience.UnitHeadOf == unitLead }},
		{"LeadersAfterEscalateAfter", series + "escalation:2026-01-20:0", func(n domain.Notice) bool {
			return slices.Contains(n.Audience.Roles, domain.RoleLeader) && n.Audience.DisplayName == "分管厅领导"
		}},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := box.find(tc.key)
			if !ok || !tc.ok(d.notice) {
				t.Errorf("%s: %+v (delivered %v)", tc.key, d.notice, ok)
			}
		})
	}
	t.Run("HandOffToTheHead", func(t *testing.T) {
		if d, ok := box.find("p7:event:2"); !ok || d.notice.Audience.UnitHeadOf != unitLead {
			t.Errorf("分办 notice: %+v (delivered %v)", d.notice, ok)
		}
	})
	noDuplicates(t, box)
}

// A measure with a handler: the overdue reminder goes to the handler, the
// unit head hears after a day, the leaders after escalate_after.
func TestHandlerHeadLeaderEscalation(t *testing.T) {
	h, box := newDeadlineHarness(t)
	h.send(command(domain.ActionNameHandler, leaderA, onMeasure(5), func(c *domain.Command) {
		c.Handler = &domain.HandlerRef{UserID: coUser.UserID, Name: "经办人", UnitID: unitCo}
	}))
	h.until(sinceTo(due5.Add(8*24*time.Hour + time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})

	m5 := "p7:m5:deadline:"
	red0, ok := box.find(m5 + "red:2026-03-31:0")
	if !ok || !slices.Equal(red0.notice.Audience.UserIDs, []int64{coUser.UserID}) || red0.notice.Audience.UnitID != 0 {
		t.Fatalf("overdue notice: %+v (delivered %v), want the handler only", red0.notice, ok)
	}
	head, ok := box.find(m5 + "head:2026-03-31:0")
	if !ok || head.notice.Audience.UnitHeadOf != unitCo {
		t.Fatalf("head notice: %+v (delivered %v)", head.notice, ok)
	}
	if lag := head.at.Sub(due5.Add(24 * time.Hour)); lag < 0 || lag > time.Minute {
		t.Errorf("head told at %v, want a day after the deadline", head.at)
	}
	esc, ok := box.find(m5 + "escalation:2026-03-31:0")
	if !ok || !slices.Contains(esc.notice.Audience.Roles, domain.RoleLeader) || !esc.at.After(head.at) {
		t.Errorf("leaders' escalation: %+v at %v (delivered %v)", esc.notice, esc.at, ok)
	}
	noDuplicates(t, box)
}
