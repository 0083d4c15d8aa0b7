package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

var cst = time.FixedZone("CST", 8*3600)

// now is the fixed clock of every transition test: 2026-01-15 10:00 China time.
var now = time.Date(2026, 1, 15, 10, 0, 0, 0, cst)

// Units: 10 leads the problem and measure 1 (co-unit 11); 11 leads measure 2;
// 12 leads the long-term measure 3; 13 takes no part.
const (
	unitLead  int64 = 10
	unitCo    int64 = 11
	unitLong  int64 = 12
	unitOther int64 = 13
)

var (
	admin      = domain.Actor{UserID: 1, Username: "admin", Role: domain.RoleAdmin}
	leaderA    = domain.Actor{UserID: 2, Username: "leader-a", Role: domain.RoleLeader}
	leaderB    = domain.Actor{UserID: 3, Username: "leader-b", Role: domain.RoleLeader}
	supervisor = domain.Actor{UserID: 4, Username: "supervisor", Role: domain.RoleSupervisor}
	discipline = domain.Actor{UserID: 5, Username: "discipline", Role: domain.RoleDiscipline}
	leadUser   = domain.Actor{UserID: 10, Username: "u-lead", Role: domain.RoleUnit, UnitID: unitLead}
	coUser     = domain.Actor{UserID: 11, Username: "u-co", Role: domain.RoleUnit, UnitID: unitCo}
	longUser   = domain.Actor{UserID: 12, Username: "u-long", Role: domain.RoleUnit, UnitID: unitLong}
	otherUser  = domain.Actor{UserID: 13, Username: "u-other", Role: domain.RoleUnit, UnitID: unitOther}
)

func plan() *domain.PlanInput {
	return &domain.PlanInput{
		LeadUnitID: unitLead,
		Measures: []domain.MeasureInput{
			{Title: "修订完善制度规范", Kind: domain.KindDeadline, LeadUnitID: unitLead, CoUnitIDs: []int64{unitCo},
				ResponsibleLeader: "张三", Deadline: "2026-06-30"},
			{Title: "立行立改清理台账", Kind: domain.KindImmediate, LeadUnitID: unitCo, Deadline: "2026-03-31"},
			{Title: "长期坚持定期调度", Kind: domain.KindLongTerm, LeadUnitID: unitLong},
		},
	}
}

func planWith(edit func(*domain.PlanInput)) *domain.PlanInput {
	p := plan()
	edit(p)
	return p
}

func pct(n int) *int { return &n }

func cmd(action domain.Action, actor domain.Actor) domain.Command {
	c := domain.Command{Action: action, RequestID: "req-" + string(action), Actor: actor}
	if action == domain.ActionRequestClosure {
		c.Evidence = evidenceFor(1, 2, 3, 4, 5, 6) // as the service attaches it from the store
	}
	return c
}

// evidenceFor is one piece of evidence on each of the measures.
func evidenceFor(measures ...int64) []domain.EvidenceRef {
	var refs []domain.EvidenceRef
	for _, m := range measures {
		refs = append(refs, domain.EvidenceRef{ID: 100 + m, MeasureID: m, SHA256: fmt.Sprintf("%064d", m)})
	}
	return refs
}

func submit(actor domain.Actor, p *domain.PlanInput) domain.Command {
	c := cmd(domain.ActionSubmitPlan, actor)
	c.Plan = p
	return c
}

func onMeasure(action domain.Action, actor domain.Actor, measure int64, text string) domain.Command {
	c := cmd(action, actor)
	c.MeasureID = measure
	c.Text = text
	return c
}

func progress(actor domain.Actor, measure int64, text string, percent *int) domain.Command {
	c := cmd(domain.ActionReportProgress, actor)
	c.MeasureID = measure
	c.Progress = &domain.ProgressInput{Text: text, Percent: percent}
	return c
}

func withText(c domain.Command, text string) domain.Command {
	c.Text = text
	return c
}

func mustApply(t *testing.T, p domain.Problem, cmds ...domain.Command) domain.Problem {
	t.Helper()
	for _, c := range cmds {
		tr, err := domain.Apply(p, c, now)
		if err != nil {
			t.Fatalf("fixture: %s by %s: %v", c.Action, c.Actor.Username, err)
		}
		p = tr.Problem
	}
	return p
}

// Fixtures, one per point of the walk.

func fresh() domain.Problem {
	return domain.Problem{ID: 7, CampaignID: 1, Number: 3, Section: "党的建设", Title: "制度执行不严", Stage: domain.StagePlan, Version: 1}
}

func submitted(t *testing.T) domain.Problem { return mustApply(t, fresh(), submit(leaderA, plan())) }

func assigned(t *testing.T) domain.Problem {
	return mustApply(t, submitted(t), cmd(domain.ActionApprovePlan, leaderB))
}

func executing(t *testing.T) domain.Problem {
	return mustApply(t, assigned(t),
		onMeasure(domain.ActionAcknowledge, leadUser, 1, ""),
		onMeasure(domain.ActionAcknowledge, coUser, 2, ""),
		onMeasure(domain.ActionAcknowledge, longUser, 3, ""))
}

func ready(t *testing.T) domain.Problem {
	return mustApply(t, executing(t),
		onMeasure(domain.ActionCompleteMeasure, leadUser, 1, "制度已印发"),
		onMeasure(domain.ActionCompleteMeasure, coUser, 2, "台账已清理"),
		progress(longUser, 3, "每月调度一次", nil))
}

func verifying(t *testing.T) domain.Problem {
	return mustApply(t, ready(t), cmd(domain.ActionRequestClosure, leadUser))
}

func closed(t *testing.T) domain.Problem {
	return mustApply(t, verifying(t), cmd(domain.ActionApproveClosure, supervisor))
}

type transitionCase struct {
	name string
	p    func(t *testing.T) domain.Problem
	cmd  domain.Command
	at   time.Time // zero: now
	code string    // "" when the command must succeed
	// check inspects a successful transition (p is the state before).
	check func(t *testing.T, p domain.Problem, tr domain.Transition)
}

func fixed(p domain.Problem) func(*testing.T) domain.Problem {
	return func(*testing.T) domain.Problem { return p }
}

func wantStage(s domain.Stage) func(*testing.T, domain.Problem, domain.Transition) {
	return func(t *testing.T, _ domain.Problem, tr domain.Transition) {
		t.Helper()
		if tr.Problem.Stage != s {
			t.Errorf("stage = %q, want %q", tr.Problem.Stage, s)
		}
	}
}

func runCases(t *testing.T, cases []transitionCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p(t)
			at := tc.at
			if at.IsZero() {
				at = now
			}
			pBefore, cmdBefore := snapshot(t, p), snapshot(t, tc.cmd)
			pClone := p.Clone()
			tr, err := domain.Apply(p, tc.cmd, at)
			if got := snapshot(t, p); got != pBefore || !reflect.DeepEqual(p, pClone) {
				t.Errorf("Apply changed its input problem:\nbefore %s\nafter  %s", pBefore, got)
			}
			if got := snapshot(t, tc.cmd); got != cmdBefore {
				t.Errorf("Apply changed its input command:\nbefore %s\nafter  %s", cmdBefore, got)
			}
			if tc.code != "" {
				var de *domain.Error
				if !errors.As(err, &de) {
					t.Fatalf("err = %v (%T), want a *domain.Error with code %q", err, err, tc.code)
				}
				if de.Code != tc.code {
					t.Fatalf("code = %q (%v), want %q", de.Code, err, tc.code)
				}
				if de.Message == "" {
					t.Errorf("error has no message")
				}
				if !reflect.DeepEqual(tr, domain.Transition{}) {
					t.Errorf("a refused command returned a transition: %+v", tr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			checkEvent(t, p, tc.cmd, at, tr)
			if tc.check != nil {
				tc.check(t, p, tr)
			}
		})
	}
}

// checkEvent asserts what every accepted transition carries.
func checkEvent(t *testing.T, p domain.Problem, c domain.Command, at time.Time, tr domain.Transition) {
	t.Helper()
	ev, next := tr.Event, tr.Problem
	if next.Version != p.Version+1 || ev.Seq != next.Version {
		t.Errorf("version %d → %d, event seq %d; want +1 and seq = new version", p.Version, next.Version, ev.Seq)
	}
	if ev.ProblemID != p.ID || next.ID != p.ID {
		t.Errorf("problem id: event %d, state %d, want %d", ev.ProblemID, next.ID, p.ID)
	}
	if ev.Action != c.Action || ev.RequestID != c.RequestID || ev.MeasureID != c.MeasureID {
		t.Errorf("event action/request/measure = %q/%q/%d, want %q/%q/%d",
			ev.Action, ev.RequestID, ev.MeasureID, c.Action, c.RequestID, c.MeasureID)
	}
	a := c.Actor
	if ev.ActorID != a.UserID || ev.ActorName != a.Username || ev.ActorRole != a.Role || ev.ActorUnit != a.UnitID {
		t.Errorf("event actor = %d/%q/%q/%d, want %+v", ev.ActorID, ev.ActorName, ev.ActorRole, ev.ActorUnit, a)
	}
	if ev.FromStage != p.Stage || ev.ToStage != next.Stage {
		t.Errorf("event stages %q → %q, want %q → %q", ev.FromStage, ev.ToStage, p.Stage, next.Stage)
	}
	if !ev.At.Equal(at) || !next.UpdatedAt.Equal(at) {
		t.Errorf("event at %v, updated at %v, want %v", ev.At, next.UpdatedAt, at)
	}
}

func snapshot(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantReason(reason string) func(*testing.T, domain.Problem, domain.Transition) {
	return func(t *testing.T, _ domain.Problem, tr domain.Transition) {
		t.Helper()
		if tr.Event.Reason != reason {
			t.Errorf("event reason = %q, want %q", tr.Event.Reason, reason)
		}
	}
}

func all(checks ...func(*testing.T, domain.Problem, domain.Transition)) func(*testing.T, domain.Problem, domain.Transition) {
	return func(t *testing.T, p domain.Problem, tr domain.Transition) {
		t.Helper()
		for _, c := range checks {
			c(t, p, tr)
		}
	}
}

func measure(t *testing.T, p domain.Problem, id int64) domain.Measure {
	t.Helper()
	m, err := p.Measure(id)
	if err != nil {
		t.Fatal(err)
	}
	return *m
}

func TestSubmitPlan(t *testing.T) {
	okPlan := func(by domain.Actor) func(*testing.T, domain.Problem, domain.Transition) {
		return func(t *testing.T, _ domain.Problem, tr domain.Transition) {
			p := tr.Problem
			if p.Stage != domain.StagePlan {
				t.Errorf("stage = %q, want plan until a leader decides", p.Stage)
			}
			if p.PlanSubmittedBy != by.UserID || p.LeadUnitID != unitLead || p.NextMeasureID != 3 {
				t.Errorf("submitted by %d, lead unit %d, next measure %d", p.PlanSubmittedBy, p.LeadUnitID, p.NextMeasureID)
			}
			if len(p.Measures) != 3 {
				t.Fatalf("measures = %+v", p.Measures)
			}
			in := plan()
			for i, m := range p.Measures {
				want := in.Measures[i]
				if m.ID != int64(i+1) || m.Title != want.Title || m.Kind != want.Kind || m.LeadUnitID != want.LeadUnitID ||
					m.Deadline != want.Deadline || m.ResponsibleLeader != want.ResponsibleLeader ||
					!slices.Equal(m.CoUnitIDs, want.CoUnitIDs) || m.Acknowledged || m.Completed || m.ProgressCount != 0 {
					t.Errorf("measure %d = %+v, want from %+v", i+1, m, want)
				}
			}
			var payload domain.PlanInput
			if err := json.Unmarshal(tr.Event.Payload, &payload); err != nil {
				t.Fatalf("payload %s: %v", tr.Event.Payload, err)
			}
			if !reflect.DeepEqual(&payload, in) {
				t.Errorf("payload = %+v, want the plan %+v", payload, in)
			}
		}
	}
	runCases(t, []transitionCase{
		{name: "admin ok", p: fixed(fresh()), cmd: submit(admin, plan()), check: okPlan(admin)},
		{name: "leader ok", p: fixed(fresh()), cmd: submit(leaderA, plan()), check: okPlan(leaderA)},
		{name: "unit forbidden", p: fixed(fresh()), cmd: submit(leadUser, plan()), code: domain.EForbidden},
		{name: "supervisor forbidden", p: fixed(fresh()), cmd: submit(supervisor, plan()), code: domain.EForbidden},
		{name: "discipline forbidden", p: fixed(fresh()), cmd: submit(discipline, plan()), code: domain.EForbidden},
		{name: "stage assign conflict", p: assigned, cmd: submit(leaderA, plan()), code: domain.EConflict},
		{name: "stage execute conflict", p: executing, cmd: submit(admin, plan()), code: domain.EConflict},
		{name: "stage closed conflict", p: closed, cmd: submit(admin, plan()), code: domain.EConflict},
		{name: "nil plan invalid", p: fixed(fresh()), cmd: submit(admin, nil), code: domain.EInvalid},
		{name: "past deadline invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Deadline = "2026-01-14" }))},
		{name: "deadline today ok", p: fixed(fresh()),
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Deadline = "2026-01-15" }))},
		{name: "deadline passed at midnight china time invalid", p: fixed(fresh()), code: domain.EInvalid,
			at:  time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC), // 2026-01-16 00:00 +08:00
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Deadline = "2026-01-15" }))},
		{name: "deadline not a date invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Deadline = "2030/06/30" }))},
		{name: "long_term deadline not a date invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[2].Deadline = "someday" }))},
		{name: "deadline kind without deadline invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Deadline = "" }))},
		{name: "immediate kind without deadline invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[1].Deadline = "" }))},
		{name: "long_term without deadline ok", p: fixed(fresh()),
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures = p.Measures[2:] })),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if m := measure(t, tr.Problem, 1); m.Kind != domain.KindLongTerm || !m.Deadline.IsZero() {
					t.Errorf("measure = %+v", m)
				}
			}},
		{name: "long_term with a future deadline ok", p: fixed(fresh()),
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[2].Deadline = "2026-12-31" }))},
		{name: "missing lead unit invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.LeadUnitID = 0 }))},
		{name: "missing measure lead unit invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[1].LeadUnitID = 0 }))},
		{name: "bad kind invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Kind = "someday" }))},
		{name: "empty kind invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].Kind = "" }))},
		{name: "co-unit equal to lead invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].CoUnitIDs = []int64{unitCo, unitLead} }))},
		{name: "non-positive co-unit invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[0].CoUnitIDs = []int64{unitCo, -1} }))},
		{name: "no measures invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures = nil }))},
		{name: "too many measures invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) {
				for len(p.Measures) <= domain.MaxMeasures {
					p.Measures = append(p.Measures, p.Measures[2])
				}
			}))},
		{name: "blank title invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures[1].Title = " \t " }))},
		{name: "too long title invalid", p: fixed(fresh()), code: domain.EInvalid,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) {
				p.Measures[1].Title = strings.Repeat("题", domain.MaxTextLen+1)
			}))},
		{name: "input is normalised in the state", p: fixed(fresh()),
			cmd: submit(admin, planWith(func(p *domain.PlanInput) {
				p.Measures[0].Title = "  修订完善制度规范 "
				p.Measures[0].ResponsibleLeader = " 张三 "
				p.Measures[2].CoUnitIDs = []int64{unitOther, unitCo, unitOther}
			})),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				m1, m3 := measure(t, tr.Problem, 1), measure(t, tr.Problem, 3)
				if m1.Title != "修订完善制度规范" || m1.ResponsibleLeader != "张三" {
					t.Errorf("measure 1 not trimmed: %q / %q", m1.Title, m1.ResponsibleLeader)
				}
				if !slices.Equal(m3.CoUnitIDs, []int64{unitCo, unitOther}) {
					t.Errorf("measure 3 co-units = %v, want sorted and unique", m3.CoUnitIDs)
				}
			}},
		{name: "resubmission replaces the pending plan", p: submitted,
			cmd: submit(admin, planWith(func(p *domain.PlanInput) { p.Measures = p.Measures[:1] })),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				p := tr.Problem
				if p.PlanSubmittedBy != admin.UserID || len(p.Measures) != 1 || p.Measures[0].ID != 4 || p.NextMeasureID != 4 {
					t.Errorf("after resubmission: submitted by %d, measures %+v, next id %d", p.PlanSubmittedBy, p.Measures, p.NextMeasureID)
				}
			}},
	})
}

func TestDecidePlan(t *testing.T) {
	rejected := func(t *testing.T) domain.Problem {
		return mustApply(t, submitted(t), withText(cmd(domain.ActionRejectPlan, leaderB), "措施不具体"))
	}
	runCases(t, []transitionCase{
		{name: "approve by the leader who submitted forbidden", p: submitted, cmd: cmd(domain.ActionApprovePlan, leaderA), code: domain.EForbidden},
		{name: "approve by another leader moves to assign", p: submitted, cmd: withText(cmd(domain.ActionApprovePlan, leaderB), "同意"),
			check: all(wantStage(domain.StageAssign), wantReason("同意"))},
		{name: "approve of an admin's plan by a leader ok", p: func(t *testing.T) domain.Problem { return mustApply(t, fresh(), submit(admin, plan())) },
			cmd: cmd(domain.ActionApprovePlan, leaderA), check: wantStage(domain.StageAssign)},
		{name: "approve by admin forbidden", p: submitted, cmd: cmd(domain.ActionApprovePlan, admin), code: domain.EForbidden},
		{name: "approve by unit forbidden", p: submitted, cmd: cmd(domain.ActionApprovePlan, leadUser), code: domain.EForbidden},
		{name: "approve by supervisor forbidden", p: submitted, cmd: cmd(domain.ActionApprovePlan, supervisor), code: domain.EForbidden},
		{name: "approve by discipline forbidden", p: submitted, cmd: cmd(domain.ActionApprovePlan, discipline), code: domain.EForbidden},
		{name: "approve without a submitted plan conflict", p: fixed(fresh()), cmd: cmd(domain.ActionApprovePlan, leaderB), code: domain.EConflict},
		{name: "approve in stage assign conflict", p: assigned, cmd: cmd(domain.ActionApprovePlan, leaderB), code: domain.EConflict},
		{name: "approve in stage execute conflict", p: executing, cmd: cmd(domain.ActionApprovePlan, leaderB), code: domain.EConflict},
		{name: "reject without reason invalid", p: submitted, cmd: cmd(domain.ActionRejectPlan, leaderB), code: domain.EInvalid},
		{name: "reject with blank reason invalid", p: submitted, cmd: withText(cmd(domain.ActionRejectPlan, leaderB), "  \n"), code: domain.EInvalid},
		{name: "reject returns to plan and clears the submitter", p: submitted,
			cmd: withText(cmd(domain.ActionRejectPlan, leaderB), "  措施不具体 "),
			check: all(wantStage(domain.StagePlan), wantReason("措施不具体"), func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if tr.Problem.PlanSubmittedBy != 0 {
					t.Errorf("plan_submitted_by = %d, want 0 after rejection", tr.Problem.PlanSubmittedBy)
				}
			})},
		{name: "reject by the leader who submitted forbidden", p: submitted, cmd: withText(cmd(domain.ActionRejectPlan, leaderA), "no"), code: domain.EForbidden},
		{name: "reject by supervisor forbidden", p: submitted, cmd: withText(cmd(domain.ActionRejectPlan, supervisor), "no"), code: domain.EForbidden},
		{name: "reject by unit forbidden", p: submitted, cmd: withText(cmd(domain.ActionRejectPlan, leadUser), "no"), code: domain.EForbidden},
		{name: "reject in stage assign conflict", p: assigned, cmd: withText(cmd(domain.ActionRejectPlan, leaderB), "no"), code: domain.EConflict},
		{name: "approve after rejection needs a new plan", p: rejected, cmd: cmd(domain.ActionApprovePlan, leaderB), code: domain.EConflict},
		{name: "reject after rejection needs a new plan", p: rejected, cmd: withText(cmd(domain.ActionRejectPlan, leaderB), "no"), code: domain.EConflict},
		{name: "resubmitted plan can be approved", p: func(t *testing.T) domain.Problem { return mustApply(t, rejected(t), submit(leaderB, plan())) },
			cmd: cmd(domain.ActionApprovePlan, leaderA), check: wantStage(domain.StageAssign)},
		{name: "resubmitted plan by the rejecting leader is not theirs to approve", p: func(t *testing.T) domain.Problem {
			return mustApply(t, rejected(t), submit(leaderB, plan()))
		}, cmd: cmd(domain.ActionApprovePlan, leaderB), code: domain.EForbidden},
	})
}

func TestAcknowledge(t *testing.T) {
	ack := func(a domain.Actor, m int64) domain.Command { return onMeasure(domain.ActionAcknowledge, a, m, "") }
	oneAcked := func(t *testing.T) domain.Problem { return mustApply(t, assigned(t), ack(leadUser, 1)) }
	twoAcked := func(t *testing.T) domain.Problem { return mustApply(t, oneAcked(t), ack(coUser, 2)) }
	runCases(t, []transitionCase{
		{name: "lead unit ok, stays in assign", p: assigned, cmd: ack(leadUser, 1),
			check: all(wantStage(domain.StageAssign), func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				m := measure(t, tr.Problem, 1)
				if !m.Acknowledged || !m.AcknowledgedAt.Equal(now) {
					t.Errorf("measure 1 = %+v, want acknowledged at now", m)
				}
				if measure(t, tr.Problem, 2).Acknowledged {
					t.Errorf("measure 2 acknowledged too")
				}
			})},
		{name: "comment is recorded as reason", p: assigned, cmd: onMeasure(domain.ActionAcknowledge, leadUser, 1, " 已签收 "),
			check: wantReason("已签收")},
		{name: "co-unit forbidden", p: assigned, cmd: ack(coUser, 1), code: domain.EForbidden},
		{name: "other unit forbidden", p: assigned, cmd: ack(otherUser, 1), code: domain.EForbidden},
		{name: "problem lead unit on another unit's measure forbidden", p: assigned, cmd: ack(leadUser, 2), code: domain.EForbidden},
		{name: "leader forbidden", p: assigned, cmd: ack(leaderB, 1), code: domain.EForbidden},
		{name: "supervisor forbidden", p: assigned, cmd: ack(supervisor, 1), code: domain.EForbidden},
		{name: "admin forbidden", p: assigned, cmd: ack(admin, 1), code: domain.EForbidden},
		{name: "twice conflict", p: oneAcked, cmd: ack(leadUser, 1), code: domain.EConflict},
		{name: "last one moves to execute", p: twoAcked, cmd: ack(longUser, 3), check: wantStage(domain.StageExecute)},
		{name: "after the last one conflict", p: executing, cmd: ack(leadUser, 1), code: domain.EConflict},
		{name: "in stage plan conflict", p: submitted, cmd: ack(leadUser, 1), code: domain.EConflict},
		{name: "unknown measure not_found", p: assigned, cmd: ack(leadUser, 99), code: domain.ENotFound},
		{name: "no measure not_found", p: assigned, cmd: ack(leadUser, 0), code: domain.ENotFound},
		{name: "too long comment invalid", p: assigned, cmd: onMeasure(domain.ActionAcknowledge, leadUser, 1, strings.Repeat("x", domain.MaxTextLen+1)), code: domain.EInvalid},
	})
}

func TestReportProgress(t *testing.T) {
	wantProgress := func(id int64, count int, text string, percent *int) func(*testing.T, domain.Problem, domain.Transition) {
		return func(t *testing.T, _ domain.Problem, tr domain.Transition) {
			m := measure(t, tr.Problem, id)
			if m.ProgressCount != count || m.LatestProgress != text || !m.LatestProgressAt.Equal(now) ||
				!reflect.DeepEqual(m.LatestPercent, percent) {
				t.Errorf("measure %d = %+v, want progress %d %q %v", id, m, count, text, percent)
			}
			var payload domain.ProgressInput
			if err := json.Unmarshal(tr.Event.Payload, &payload); err != nil {
				t.Fatalf("payload %s: %v", tr.Event.Payload, err)
			}
			if payload.Text != text || !reflect.DeepEqual(payload.Percent, percent) {
				t.Errorf("payload = %s", tr.Event.Payload)
			}
		}
	}
	runCases(t, []transitionCase{
		{name: "lead unit ok", p: executing, cmd: progress(leadUser, 1, " 已起草 ", pct(40)),
			check: all(wantStage(domain.StageExecute), wantProgress(1, 1, "已起草", pct(40)))},
		{name: "co-unit ok", p: executing, cmd: progress(coUser, 1, "配合调研", nil), check: wantProgress(1, 1, "配合调研", nil)},
		{name: "other unit forbidden", p: executing, cmd: progress(otherUser, 1, "x", nil), code: domain.EForbidden},
		{name: "co-unit of another measure forbidden", p: executing, cmd: progress(coUser, 3, "x", nil), code: domain.EForbidden},
		{name: "supervisor forbidden", p: executing, cmd: progress(supervisor, 1, "x", nil), code: domain.EForbidden},
		{name: "leader forbidden", p: executing, cmd: progress(leaderA, 1, "x", nil), code: domain.EForbidden},
		{name: "discipline forbidden", p: executing, cmd: progress(discipline, 1, "x", nil), code: domain.EForbidden},
		{name: "percent 0 ok", p: executing, cmd: progress(leadUser, 1, "开始", pct(0)), check: wantProgress(1, 1, "开始", pct(0))},
		{name: "percent 100 ok", p: executing, cmd: progress(leadUser, 1, "完成", pct(100)), check: wantProgress(1, 1, "完成", pct(100))},
		{name: "percent -1 invalid", p: executing, cmd: progress(leadUser, 1, "x", pct(-1)), code: domain.EInvalid},
		{name: "percent 101 invalid", p: executing, cmd: progress(leadUser, 1, "x", pct(101)), code: domain.EInvalid},
		{name: "blank text invalid", p: executing, cmd: progress(leadUser, 1, "  ", nil), code: domain.EInvalid},
		{name: "nil progress invalid", p: executing, cmd: onMeasure(domain.ActionReportProgress, leadUser, 1, "x"), code: domain.EInvalid},
		{name: "long-term measure progress counts", p: executing, cmd: progress(longUser, 3, "一月调度", pct(10)),
			check: wantProgress(3, 1, "一月调度", pct(10))},
		{name: "second report counts and replaces the latest", p: ready, cmd: progress(longUser, 3, "二月调度", nil),
			check: wantProgress(3, 2, "二月调度", nil)},
		{name: "on a completed measure ok", p: ready, cmd: progress(leadUser, 1, "巩固", nil), check: wantProgress(1, 1, "巩固", nil)},
		{name: "in stage assign conflict", p: assigned, cmd: progress(leadUser, 1, "x", nil), code: domain.EConflict},
		{name: "in stage verify conflict", p: verifying, cmd: progress(leadUser, 1, "x", nil), code: domain.EConflict},
		{name: "in stage closed conflict", p: closed, cmd: progress(leadUser, 1, "x", nil), code: domain.EConflict},
		{name: "unknown measure not_found", p: executing, cmd: progress(leadUser, 42, "x", nil), code: domain.ENotFound},
	})
}

func TestCompleteMeasure(t *testing.T) {
	complete := func(a domain.Actor, m int64, summary string) domain.Command {
		return onMeasure(domain.ActionCompleteMeasure, a, m, summary)
	}
	runCases(t, []transitionCase{
		{name: "lead unit ok", p: executing, cmd: complete(leadUser, 1, " 制度已印发 "),
			check: all(wantStage(domain.StageExecute), wantReason("制度已印发"), func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				m := measure(t, tr.Problem, 1)
				if !m.Completed || !m.CompletedAt.Equal(now) || m.CompletionSummary != "制度已印发" {
					t.Errorf("measure 1 = %+v", m)
				}
			})},
		{name: "co-unit forbidden", p: executing, cmd: complete(coUser, 1, "x"), code: domain.EForbidden},
		{name: "other unit forbidden", p: executing, cmd: complete(otherUser, 1, "x"), code: domain.EForbidden},
		{name: "supervisor forbidden", p: executing, cmd: complete(supervisor, 1, "x"), code: domain.EForbidden},
		{name: "long_term conflict", p: executing, cmd: complete(longUser, 3, "x"), code: domain.EConflict},
		{name: "twice conflict", p: ready, cmd: complete(leadUser, 1, "x"), code: domain.EConflict},
		{name: "missing summary invalid", p: executing, cmd: complete(leadUser, 1, ""), code: domain.EInvalid},
		{name: "in stage assign conflict", p: assigned, cmd: complete(leadUser, 1, "x"), code: domain.EConflict},
		{name: "in stage verify conflict", p: verifying, cmd: complete(leadUser, 1, "x"), code: domain.EConflict},
		{name: "unknown measure not_found", p: executing, cmd: complete(leadUser, 9, "x"), code: domain.ENotFound},
	})
}

func TestRequestClosure(t *testing.T) {
	req := func(a domain.Actor) domain.Command { return cmd(domain.ActionRequestClosure, a) }
	oneIncomplete := func(t *testing.T) domain.Problem {
		return mustApply(t, executing(t),
			onMeasure(domain.ActionCompleteMeasure, leadUser, 1, "done"),
			progress(longUser, 3, "调度", nil))
	}
	longTermSilent := func(t *testing.T) domain.Problem {
		return mustApply(t, executing(t),
			onMeasure(domain.ActionCompleteMeasure, leadUser, 1, "done"),
			onMeasure(domain.ActionCompleteMeasure, coUser, 2, "done"))
	}
	runCases(t, []transitionCase{
		{name: "problem lead unit ok", p: ready, cmd: withText(req(leadUser), "申请销号"),
			check: all(wantStage(domain.StageVerify), wantReason("申请销号"))},
		{name: "lead unit of a measure but not of the problem forbidden", p: ready, cmd: req(coUser), code: domain.EForbidden},
		{name: "other unit forbidden", p: ready, cmd: req(otherUser), code: domain.EForbidden},
		{name: "supervisor forbidden", p: ready, cmd: req(supervisor), code: domain.EForbidden},
		{name: "leader forbidden", p: ready, cmd: req(leaderA), code: domain.EForbidden},
		{name: "admin forbidden", p: ready, cmd: req(admin), code: domain.EForbidden},
		{name: "incomplete measure conflict", p: oneIncomplete, cmd: req(leadUser), code: domain.EConflict},
		{name: "nothing done conflict", p: executing, cmd: req(leadUser), code: domain.EConflict},
		{name: "long-term measure without progress conflict", p: longTermSilent, cmd: req(leadUser), code: domain.EConflict},
		{name: "in stage assign conflict", p: assigned, cmd: req(leadUser), code: domain.EConflict},
		{name: "in stage verify conflict", p: verifying, cmd: req(leadUser), code: domain.EConflict},
		{name: "in stage closed conflict", p: closed, cmd: req(leadUser), code: domain.EConflict},
	})
}

func TestDecideClosure(t *testing.T) {
	approve := func(a domain.Actor) domain.Command { return cmd(domain.ActionApproveClosure, a) }
	reject := func(a domain.Actor, reason string) domain.Command {
		return withText(cmd(domain.ActionRejectClosure, a), reason)
	}
	rejected := func(t *testing.T) domain.Problem {
		return mustApply(t, verifying(t), reject(supervisor, "佐证不足"))
	}
	supervisorOfLeadUnit := domain.Actor{UserID: 40, Username: "sup-lead", Role: domain.RoleSupervisor, UnitID: unitLead}
	runCases(t, []transitionCase{
		{name: "approve by supervisor closes", p: verifying, cmd: withText(approve(supervisor), "同意销号"),
			check: all(wantStage(domain.StageClosed), wantReason("同意销号"), func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if !tr.Problem.ClosedAt.Equal(now) {
					t.Errorf("closed_at = %v, want %v", tr.Problem.ClosedAt, now)
				}
			})},
		{name: "approve by leader forbidden", p: verifying, cmd: approve(leaderA), code: domain.EForbidden},
		{name: "approve by admin forbidden", p: verifying, cmd: approve(admin), code: domain.EForbidden},
		{name: "approve by discipline forbidden", p: verifying, cmd: approve(discipline), code: domain.EForbidden},
		{name: "approve by own unit forbidden", p: verifying, cmd: approve(leadUser), code: domain.EForbidden},
		{name: "approve by another unit forbidden", p: verifying, cmd: approve(otherUser), code: domain.EForbidden},
		{name: "approve by a supervisor of the lead unit forbidden", p: verifying, cmd: approve(supervisorOfLeadUnit), code: domain.EForbidden},
		{name: "approve in stage execute conflict", p: ready, cmd: approve(supervisor), code: domain.EConflict},
		{name: "approve in stage closed conflict", p: closed, cmd: approve(supervisor), code: domain.EConflict},
		{name: "reject without reason invalid", p: verifying, cmd: reject(supervisor, ""), code: domain.EInvalid},
		{name: "reject returns to execute", p: verifying, cmd: reject(supervisor, "佐证不足"),
			check: all(wantStage(domain.StageExecute), wantReason("佐证不足"), func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if !tr.Problem.ClosedAt.IsZero() {
					t.Errorf("closed_at = %v after rejection", tr.Problem.ClosedAt)
				}
			})},
		{name: "reject by own unit forbidden", p: verifying, cmd: reject(leadUser, "x"), code: domain.EForbidden},
		{name: "reject by leader forbidden", p: verifying, cmd: reject(leaderB, "x"), code: domain.EForbidden},
		{name: "reject by admin forbidden", p: verifying, cmd: reject(admin, "x"), code: domain.EForbidden},
		{name: "reject in stage closed conflict", p: closed, cmd: reject(supervisor, "x"), code: domain.EConflict},
		{name: "closure can be requested again after rejection", p: rejected, cmd: cmd(domain.ActionRequestClosure, leadUser),
			check: wantStage(domain.StageVerify)},
	})
}

func TestUnknownAction(t *testing.T) {
	runCases(t, []transitionCase{
		{name: "unknown action invalid", p: executing, cmd: cmd("delete", admin), code: domain.EInvalid},
		{name: "create is not a command", p: fixed(fresh()), cmd: cmd(domain.ActionCreate, admin), code: domain.EInvalid},
	})
}

// TestWalk walks one problem from plan to closed and checks the versions and
// stages of every event.
func TestWalk(t *testing.T) {
	steps := []struct {
		cmd   domain.Command
		stage domain.Stage
	}{
		{submit(admin, plan()), domain.StagePlan},
		{withText(cmd(domain.ActionRejectPlan, leaderA), "补充措施"), domain.StagePlan},
		{submit(leaderA, plan()), domain.StagePlan},
		{cmd(domain.ActionApprovePlan, leaderB), domain.StageAssign},
		{onMeasure(domain.ActionAcknowledge, leadUser, 4, ""), domain.StageAssign},
		{onMeasure(domain.ActionAcknowledge, coUser, 5, ""), domain.StageAssign},
		{onMeasure(domain.ActionAcknowledge, longUser, 6, ""), domain.StageExecute},
		{progress(coUser, 4, "配合", pct(50)), domain.StageExecute},
		{onMeasure(domain.ActionCompleteMeasure, leadUser, 4, "done"), domain.StageExecute},
		{onMeasure(domain.ActionCompleteMeasure, coUser, 5, "done"), domain.StageExecute},
		{progress(longUser, 6, "调度", nil), domain.StageExecute},
		{cmd(domain.ActionRequestClosure, leadUser), domain.StageVerify},
		{withText(cmd(domain.ActionRejectClosure, supervisor), "补充佐证"), domain.StageExecute},
		{cmd(domain.ActionRequestClosure, leadUser), domain.StageVerify},
		{cmd(domain.ActionApproveClosure, supervisor), domain.StageClosed},
	}
	p := fresh()
	for i, s := range steps {
		before := p.Stage
		tr, err := domain.Apply(p, s.cmd, now.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatalf("step %d %s: %v", i, s.cmd.Action, err)
		}
		if tr.Problem.Version != int64(i+2) || tr.Event.Seq != int64(i+2) {
			t.Errorf("step %d: version %d seq %d, want %d", i, tr.Problem.Version, tr.Event.Seq, i+2)
		}
		if tr.Event.FromStage != before || tr.Event.ToStage != s.stage || tr.Problem.Stage != s.stage {
			t.Errorf("step %d %s: %s → %s, want %s → %s", i, s.cmd.Action, tr.Event.FromStage, tr.Event.ToStage, before, s.stage)
		}
		p = tr.Problem
	}
	if want := now.Add(time.Duration(len(steps)-1) * time.Hour); !p.ClosedAt.Equal(want) {
		t.Errorf("closed_at = %v, want %v", p.ClosedAt, want)
	}
}

// TestApplyDoesNotAlias checks that the next state shares no memory with the
// state before it or with the command.
func TestApplyDoesNotAlias(t *testing.T) {
	p := executing(t)
	before := snapshot(t, p)
	c := progress(coUser, 1, "配合", pct(30))
	tr, err := domain.Apply(p, c, now)
	if err != nil {
		t.Fatal(err)
	}
	*c.Progress.Percent = 99
	tr.Problem.Measures[0].CoUnitIDs[0] = 999
	tr.Problem.Measures[0].Title = "changed"
	if got := snapshot(t, p); got != before {
		t.Errorf("changing the next state changed the state before:\n%s\n%s", before, got)
	}
	if got := *measure(t, tr.Problem, 1).LatestPercent; got != 30 {
		t.Errorf("latest percent = %d after the caller changed its command, want 30", got)
	}

	in := plan()
	tr, err = domain.Apply(fresh(), submit(admin, in), now)
	if err != nil {
		t.Fatal(err)
	}
	in.Measures[0].CoUnitIDs[0] = 999
	if got := measure(t, tr.Problem, 1).CoUnitIDs; !slices.Equal(got, []int64{unitCo}) {
		t.Errorf("co-units = %v after the caller changed its plan", got)
	}

	// Clone itself is deep.
	q := mustApply(t, executing(t), progress(leadUser, 1, "x", pct(5)))
	r := q.Clone()
	*r.Measures[0].LatestPercent = 1
	r.Measures[0].CoUnitIDs[0] = 1
	if *q.Measures[0].LatestPercent == 1 || q.Measures[0].CoUnitIDs[0] == 1 {
		t.Errorf("Clone shares memory")
	}
}

func TestParseDate(t *testing.T) {
	ok := []struct{ in, want string }{
		{"2026-01-15", "2026-01-15"},
		{"  2026-01-15\n", "2026-01-15"},
		{"2024-02-29", "2024-02-29"},
		{"2026-01-15T16:30:00Z", "2026-01-16"},      // 00:30 next day in China
		{"2026-01-15T15:59:59Z", "2026-01-15"},      // 23:59:59 in China
		{"2026-01-15T23:59:00+08:00", "2026-01-15"}, // already China time
		{"2026-01-15T10:00:00-05:00", "2026-01-15"}, // 23:00 in China
		{"2026-01-15T11:00:00-05:00", "2026-01-16"}, // 00:00 next day in China
		{"2026-01-15T08:00:00.123+08:00", "2026-01-15"},
	}
	for _, c := range ok {
		t.Run("ok "+c.in, func(t *testing.T) {
			d, err := domain.ParseDate(c.in)
			if err != nil || string(d) != c.want {
				t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, d, err, c.want)
			}
		})
	}
	bad := []string{"", "  ", "tomorrow", "2026/01/15", "15-01-2026", "2026-1-5", "2026-02-30", "2025-02-29",
		"2026-13-01", "2026-01-15T25:00:00Z", "2026-01-15 10:00:00", "20260115"}
	for _, in := range bad {
		t.Run("garbage "+in, func(t *testing.T) {
			d, err := domain.ParseDate(in)
			if !domain.IsCode(err, domain.EInvalid) || d != "" {
				t.Errorf("ParseDate(%q) = %q, %v; want invalid", in, d, err)
			}
		})
	}
}

func TestDateTimes(t *testing.T) {
	d := domain.Date("2026-01-15")
	if got, want := d.Time(), time.Date(2026, 1, 15, 0, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("Time = %v, want %v", got, want)
	}
	due := d.DueAt()
	if want := time.Date(2026, 1, 16, 0, 0, 0, 0, cst); !due.Equal(want) {
		t.Errorf("DueAt = %v, want the end of that day %v", due, want)
	}
	if _, off := due.Zone(); off != 8*3600 {
		t.Errorf("DueAt offset = %d, want +08:00", off)
	}
	if want := time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Errorf("DueAt = %v, want %v", due, want)
	}
	// Just before the end of the day the deadline has not passed; at the end it has.
	if !due.After(time.Date(2026, 1, 15, 23, 59, 59, 0, cst)) || due.After(time.Date(2026, 1, 16, 0, 0, 0, 0, cst)) {
		t.Errorf("DueAt %v is not the end of 2026-01-15 in China", due)
	}
	if got := domain.Date("2024-02-28").DueAt(); !got.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, cst)) {
		t.Errorf("DueAt(2024-02-28) = %v", got)
	}
	if got := domain.Date("2026-12-31").DueAt(); !got.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, cst)) {
		t.Errorf("DueAt(2026-12-31) = %v", got)
	}

	if got := domain.DateOf(time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC)); got != "2026-01-16" {
		t.Errorf("DateOf = %q, want 2026-01-16 (China time)", got)
	}
	if got := domain.DateOf(time.Date(2026, 1, 15, 15, 59, 0, 0, time.UTC)); got != "2026-01-15" {
		t.Errorf("DateOf = %q, want 2026-01-15", got)
	}
	if got := d.AddDays(17); got != "2026-02-01" {
		t.Errorf("AddDays(17) = %q", got)
	}
	if got := d.AddDays(-15); got != "2025-12-31" {
		t.Errorf("AddDays(-15) = %q", got)
	}
	if !domain.Date("").IsZero() || d.IsZero() {
		t.Errorf("IsZero is wrong")
	}
	if !domain.Date("garbage").Time().IsZero() {
		t.Errorf("Time of garbage is not zero")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := domain.Errorf(domain.EConflict, "measure %d is done", 3)
	if err.Error() != "conflict: measure 3 is done" || domain.ErrorCode(err) != domain.EConflict ||
		domain.ErrorMessage(err) != "measure 3 is done" || !domain.IsCode(err, domain.EConflict) {
		t.Errorf("error helpers on %v", err)
	}
	other := errors.New("db down")
	if domain.ErrorCode(other) != domain.EInternal || domain.ErrorMessage(other) != "internal error" {
		t.Errorf("foreign errors must be internal and say nothing")
	}
	if domain.ErrorCode(nil) != "" {
		t.Errorf("ErrorCode(nil) = %q", domain.ErrorCode(nil))
	}
	for _, code := range []string{domain.EInvalid, domain.EForbidden, domain.EConflict, domain.ENotFound} {
		if !domain.IsKnownCode(code) {
			t.Errorf("%q not known", code)
		}
	}
	if domain.IsKnownCode("teapot") {
		t.Errorf("teapot is known")
	}
}

// TestClosureNeedsEvidence: every non-long-term measure needs evidence or a
// written justification, and the request keeps a snapshot of what it had.
func TestClosureNeedsEvidence(t *testing.T) {
	base := ready(t)
	var ids []int64
	for _, m := range base.Measures {
		if m.Kind != domain.KindLongTerm {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) < 2 {
		t.Fatalf("fixture has %d non-long-term measures, want 2", len(ids))
	}
	tests := []struct {
		name     string
		evidence []domain.EvidenceRef
		justify  map[int64]string
		want     string
	}{
		{"NoEvidence", nil, nil, domain.EConflict},
		{"OneMeasureMissing", evidenceFor(ids[0]), nil, domain.EConflict},
		{"BlankJustification", evidenceFor(ids[0]), map[int64]string{ids[1]: "  "}, domain.EConflict},
		{"Justified", evidenceFor(ids[0]), map[int64]string{ids[1]: "该措施为制度性要求,以印发文件为准"}, ""},
		{"AllEvidence", evidenceFor(ids...), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := domain.Command{Action: domain.ActionRequestClosure, RequestID: "r", Actor: leadUser, Evidence: tc.evidence, Justifications: tc.justify}
			tr, err := domain.Apply(base, c, now)
			if domain.ErrorCode(err) != tc.want && !(tc.want == "" && err == nil) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if err != nil {
				return
			}
			if len(tr.Problem.ClosureEvidence) != len(tc.evidence) || !strings.Contains(string(tr.Event.Payload), "evidence") {
				t.Errorf("snapshot %+v, payload %s", tr.Problem.ClosureEvidence, tr.Event.Payload)
			}
			// The decision records the same snapshot, whatever came later.
			approved, err := domain.Apply(tr.Problem, cmd(domain.ActionApproveClosure, supervisor), now)
			if err != nil {
				t.Fatal(err)
			}
			var payload struct {
				Evidence []domain.EvidenceRef `json:"evidence"`
			}
			if err := json.Unmarshal(approved.Event.Payload, &payload); err != nil || len(payload.Evidence) != len(tc.evidence) {
				t.Errorf("approval payload %s (%v)", approved.Event.Payload, err)
			}
		})
	}
}
