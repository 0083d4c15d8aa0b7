package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// payloadLimit is the size the continue-as-new input must stay under: far
// below the server's blob limits (2 MB warning, 4 MB error by default).
const payloadLimit = 64 << 10

// overdueProblem is a problem executing 20 deadline measures, all due
// 2026-01-31 and led by unitLead.
func overdueProblem(t *testing.T) domain.Problem {
	t.Helper()
	in := &domain.PlanInput{LeadUnitID: unitLead}
	for i := 1; i <= 20; i++ {
		in.Measures = append(in.Measures, domain.MeasureInput{
			Title: fmt.Sprintf("整改措施第%d项", i), Kind: domain.KindDeadline, LeadUnitID: unitLead, Deadline: "2026-01-31",
		})
	}
	cmds := []domain.Command{
		command(domain.ActionSubmitPlan, leaderA, withPlan(in)),
		command(domain.ActionApprovePlan, leaderB, text("同意")),
	}
	p := freshProblem()
	for _, c := range cmds {
		tr, err := domain.Apply(p, c, start)
		if err != nil {
			t.Fatalf("fixture %s: %v", c.Action, err)
		}
		p = tr.Problem
	}
	for _, m := range p.Measures {
		tr, err := domain.Apply(p, command(domain.ActionAcknowledge, leadUser, onMeasure(m.ID)), start)
		if err != nil {
			t.Fatalf("fixture acknowledge %d: %v", m.ID, err)
		}
		p = tr.Problem
	}
	if p.Stage != domain.StageExecute || len(p.Measures) != 20 {
		t.Fatalf("fixture: stage %s with %d measures", p.Stage, len(p.Measures))
	}
	return p
}

// TestContinueAsNewStateStaysBounded runs a problem whose 20 measures stay
// overdue for three years, reminded daily, with a progress report a month,
// then continues it as new. The old version carries every reminder key.
func TestContinueAsNewStateStaysBounded(t *testing.T) {
	years := 3 * 365 * 24 * time.Hour
	tests := []struct {
		name    string
		version workflow.Version
		bounded bool
	}{
		{"Pruned", 1, true},
		{"UnprunedBeforeTheChange", workflow.DefaultVersion, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, box := newDeadlineHarness(t)
			h.env.OnGetVersion("bounded-state", workflow.DefaultVersion, 1).Return(tc.version)
			p := overdueProblem(t)
			for at := 30 * 24 * time.Hour; at < years; at += 30 * 24 * time.Hour {
				h.at = at
				h.send(command(domain.ActionReportProgress, leadUser, onMeasure(p.Measures[0].ID), withProgress("按月报送")))
			}
			h.at = years
			last := command(domain.ActionReportProgress, leadUser, onMeasure(p.Measures[1].ID), withProgress("最后一次"))
			lastOut := h.send(last)
			can := h.continueAt(command(domain.ActionUrge, supervisor, text("请加快整改")))
			next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: p, HistoryLimit: canLimit})
			h.wantApplied("last progress", lastOut)
			h.wantApplied("urge", can)

			size := proto.Size(h.canInput)
			t.Logf("%s: %d reminders sent over 3 years; continue-as-new input %d bytes (%d sent keys, %d request IDs carried)",
				tc.name, len(box.delivered), size, len(next.Sent), len(next.Requests))
			if len(box.delivered) < 20*(3*365-30) {
				t.Fatalf("%d reminders sent, want one a day per measure", len(box.delivered))
			}
			if got := size < payloadLimit; got != tc.bounded {
				t.Fatalf("continue-as-new input is %d bytes; under %d: %v, want %v", size, payloadLimit, got, tc.bounded)
			}
			if !tc.bounded {
				return
			}

			// The next run still knows the last request, and sends none of
			// the reminders already sent for the current repeat.
			h2, box2 := nextRun(t, h.runEnd())
			retry := h2.send(command(last.Action, last.Actor, requestID(last.RequestID), onMeasure(last.MeasureID), withProgress("最后一次")))
			h2.runUntilCancelled(next)
			h2.wantApplied("retry", retry)
			if !retry.result.Duplicate || len(h2.rec.transitions()) != 0 {
				t.Errorf("retry of %s: duplicate %v, %d transitions written; want it recognised", last.RequestID, retry.result.Duplicate, len(h2.rec.transitions()))
			}
			noDuplicates(t, box2)
			for _, d := range box2.delivered {
				if _, ok := box.find(d.notice.Key); ok {
					t.Errorf("next run sent %s again", d.notice.Key)
				}
			}
		})
	}
}

// TestContinueAsNewKeepsRecentRequests carries only the request IDs of the
// last workflows.RequestWindow versions: a retry inside the window is
// recognised, one from before it is applied as new.
func TestContinueAsNewKeepsRecentRequests(t *testing.T) {
	p := stateAfter(t, atExecuting)
	p.Version = 1500 // as after 1,500 decisions
	requests := map[string]int64{}
	for v := int64(2); v <= p.Version; v++ {
		requests[fmt.Sprintf("old-%d", v)] = v
	}
	h, _ := newDeadlineHarness(t)
	urge := command(domain.ActionUrge, supervisor, text("请于本周内报送进展"))
	can := h.continueAt(urge)
	next := h.runUntilContinueAsNew(workflows.ProblemInput{Problem: p, Requests: requests, HistoryLimit: canLimit})
	h.wantApplied("urge", can)
	if len(next.Requests) != workflows.RequestWindow {
		t.Errorf("carried %d request IDs, want %d", len(next.Requests), workflows.RequestWindow)
	}
	tests := []struct {
		name      string
		id        string
		duplicate bool
	}{
		{"LastRequest", urge.RequestID, true},
		{"InsideTheWindow", "old-600", true},
		{"BeforeTheWindow", "old-400", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h2, _ := nextRun(t, h.runEnd())
			retry := h2.send(command(domain.ActionUrge, supervisor, requestID(tc.id), text("请于本周内报送进展")))
			h2.runUntilCancelled(next)
			h2.wantApplied("retry", retry)
			written := len(h2.rec.transitions())
			if retry.result.Duplicate != tc.duplicate || (written == 0) != tc.duplicate {
				t.Errorf("retry of %s: duplicate %v, %d transitions written; want duplicate %v", tc.id, retry.result.Duplicate, written, tc.duplicate)
			}
		})
	}
}
