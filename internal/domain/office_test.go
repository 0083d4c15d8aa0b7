package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

var (
	leadHead  = domain.Actor{UserID: 20, Username: "u-lead_head", Role: domain.RoleUnit, UnitID: unitLead, UnitRole: domain.UnitHead}
	otherHead = domain.Actor{UserID: 23, Username: "u-other_head", Role: domain.RoleUnit, UnitID: unitOther, UnitRole: domain.UnitHead}
)

func assignTo(actor domain.Actor, unit int64, due domain.Date) domain.Command {
	c := cmd(domain.ActionAssign, actor)
	c.Assignment = &domain.Assignment{LeadUnitID: unit, CoUnitIDs: []int64{unitCo}, ResponsibleLeader: "张三", PlanDue: due}
	return c
}

// handedOut is a problem the office assigned to unitLead (分办).
func handedOut(t *testing.T) domain.Problem {
	return mustApply(t, fresh(), assignTo(leaderA, unitLead, "2026-02-01"))
}

func nameHandler(actor domain.Actor, measure int64, h domain.HandlerRef) domain.Command {
	c := cmd(domain.ActionNameHandler, actor)
	c.MeasureID, c.Handler = measure, &h
	return c
}

// endorsing is a problem under endorse_closure whose staff asked for closure.
func endorsing(t *testing.T) domain.Problem {
	p := ready(t)
	p.Policy.EndorseClosure = true
	return mustApply(t, p, cmd(domain.ActionRequestClosure, leadUser))
}

func wantClosure(status string) func(*testing.T, domain.Problem, domain.Transition) {
	return func(t *testing.T, _ domain.Problem, tr domain.Transition) {
		t.Helper()
		if tr.Problem.Closure.Status != status {
			t.Errorf("closure = %+v, want status %q", tr.Problem.Closure, status)
		}
	}
}

func TestAssign(t *testing.T) {
	runCases(t, []transitionCase{
		{name: "leader ok", p: fixed(fresh()), cmd: assignTo(leaderA, unitLead, "2026-02-01"),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if a := tr.Problem.Assignment; a == nil || a.LeadUnitID != unitLead || a.PlanDue != "2026-02-01" || a.AssignedBy != leaderA.UserID {
					t.Errorf("assignment = %+v", tr.Problem.Assignment)
				}
				if tr.Problem.LeadUnitID != unitLead || tr.Problem.Stage != domain.StagePlan {
					t.Errorf("lead unit %d stage %q", tr.Problem.LeadUnitID, tr.Problem.Stage)
				}
				ns := domain.EventNotices(&tr.Problem, tr.Event)
				if len(ns) != 1 || ns[0].Audience.UnitHeadOf != unitLead {
					t.Errorf("notices = %+v, want one to the lead unit's head", ns)
				}
			}},
		{name: "admin ok", p: fixed(fresh()), cmd: assignTo(admin, unitLead, "2026-02-01")},
		{name: "supervisor forbidden", p: fixed(fresh()), cmd: assignTo(supervisor, unitLead, "2026-02-01"), code: domain.EForbidden},
		{name: "unit forbidden", p: fixed(fresh()), cmd: assignTo(leadHead, unitLead, "2026-02-01"), code: domain.EForbidden},
		{name: "plan_due passed invalid", p: fixed(fresh()), cmd: assignTo(leaderA, unitLead, "2026-01-01"), code: domain.EInvalid},
		{name: "no unit invalid", p: fixed(fresh()), cmd: assignTo(leaderA, 0, "2026-02-01"), code: domain.EInvalid},
		{name: "lead is co-unit invalid", p: fixed(fresh()), cmd: assignTo(leaderA, unitCo, "2026-02-01"), code: domain.EInvalid},
		{name: "plan awaiting approval conflict", p: submitted, cmd: assignTo(leaderA, unitLead, "2026-02-01"), code: domain.EConflict},
		{name: "after approval conflict", p: assigned, cmd: assignTo(leaderA, unitLead, "2026-02-01"), code: domain.EConflict},
	})
}

func TestUnitDraftsPlan(t *testing.T) {
	withHandler := func(h *domain.HandlerRef) *domain.PlanInput {
		return planWith(func(p *domain.PlanInput) { p.Measures[0].HandlerID, p.Measures[0].Handler = h.UserID, h })
	}
	runCases(t, []transitionCase{
		{name: "assigned unit staff ok", p: handedOut, cmd: submit(leadUser, plan()), check: wantStage(domain.StagePlan)},
		{name: "assigned unit with a handler ok", p: handedOut,
			cmd: submit(leadUser, withHandler(&domain.HandlerRef{UserID: leadUser.UserID, Name: "经办人", UnitID: unitLead})),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if m := measure(t, tr.Problem, 1); m.HandlerID != leadUser.UserID || m.HandlerName != "经办人" {
					t.Errorf("handler = %d %q", m.HandlerID, m.HandlerName)
				}
			}},
		{name: "handler of another unit invalid", p: handedOut,
			cmd: submit(leadUser, withHandler(&domain.HandlerRef{UserID: coUser.UserID, Name: "x", UnitID: unitCo})), code: domain.EInvalid},
		{name: "handler unknown not found", p: handedOut,
			cmd: submit(leadUser, planWith(func(p *domain.PlanInput) { p.Measures[0].HandlerID = 99 })), code: domain.ENotFound},
		{name: "other unit forbidden", p: handedOut, cmd: submit(otherUser, plan()), code: domain.EForbidden},
		{name: "unassigned problem unit forbidden", p: fixed(fresh()), cmd: submit(leadUser, plan()), code: domain.EForbidden},
		{name: "another lead unit invalid", p: handedOut,
			cmd: submit(leadUser, planWith(func(p *domain.PlanInput) { p.LeadUnitID = unitCo })), code: domain.EInvalid},
		{name: "leader still drafts", p: handedOut, cmd: submit(leaderA, plan())},
	})
	t.Run("leader approves the unit's plan", func(t *testing.T) {
		p := mustApply(t, handedOut(t), submit(leadUser, plan()), cmd(domain.ActionApprovePlan, leaderA))
		if p.Stage != domain.StageAssign {
			t.Errorf("stage = %q", p.Stage)
		}
	})
}

func TestNameHandler(t *testing.T) {
	mine := domain.HandlerRef{UserID: leadUser.UserID, Name: "经办人", UnitID: unitLead}
	runCases(t, []transitionCase{
		{name: "head ok", p: assigned, cmd: nameHandler(leadHead, 1, mine),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if m := measure(t, tr.Problem, 1); m.HandlerID != mine.UserID {
					t.Errorf("handler = %d", m.HandlerID)
				}
				ns := domain.EventNotices(&tr.Problem, tr.Event)
				if len(ns) != 1 || !slices.Equal(ns[0].Audience.UserIDs, []int64{mine.UserID}) {
					t.Errorf("notices = %+v, want one to the handler", ns)
				}
			}},
		{name: "leader ok", p: assigned, cmd: nameHandler(leaderA, 1, mine)},
		{name: "staff forbidden", p: assigned, cmd: nameHandler(leadUser, 1, mine), code: domain.EForbidden},
		{name: "another unit's head forbidden", p: assigned, cmd: nameHandler(otherHead, 1, mine), code: domain.EForbidden},
		{name: "handler of another unit invalid", p: assigned,
			cmd: nameHandler(leadHead, 1, domain.HandlerRef{UserID: 11, UnitID: unitCo}), code: domain.EInvalid},
		{name: "no user invalid", p: assigned, cmd: nameHandler(leadHead, 1, domain.HandlerRef{}), code: domain.EInvalid},
		{name: "unknown measure not found", p: assigned, cmd: nameHandler(leaderA, 9, mine), code: domain.ENotFound},
		{name: "closed conflict", p: closed, cmd: nameHandler(leaderA, 1, mine), code: domain.EConflict},
	})
}

func TestEndorseClosure(t *testing.T) {
	endorse := func(a domain.Actor) domain.Command { return cmd(domain.ActionEndorseClosure, a) }
	ret := func(a domain.Actor, reason string) domain.Command {
		return withText(cmd(domain.ActionReturnClosure, a), reason)
	}
	headAsks := func(t *testing.T) domain.Problem {
		p := ready(t)
		p.Policy.EndorseClosure = true
		return p
	}
	runCases(t, []transitionCase{
		{name: "staff request awaits the head", p: headAsks, cmd: cmd(domain.ActionRequestClosure, leadUser),
			check: all(wantStage(domain.StageExecute), wantClosure(domain.ClosureAwaitingEndorsement),
				func(t *testing.T, _ domain.Problem, tr domain.Transition) {
					hs := domain.HandoffNotices(&tr.Problem, tr.Event)
					if len(hs) != 1 || hs[0].Audience.UnitHeadOf != unitLead {
						t.Errorf("hand-off = %+v, want the lead unit's head", hs)
					}
				})},
		{name: "head's own request counts as endorsed", p: headAsks, cmd: cmd(domain.ActionRequestClosure, leadHead),
			check: all(wantStage(domain.StageVerify), wantClosure(domain.ClosureAwaitingReview))},
		{name: "without the policy staff go straight to review", p: ready, cmd: cmd(domain.ActionRequestClosure, leadUser),
			check: all(wantStage(domain.StageVerify), wantClosure(domain.ClosureAwaitingReview))},
		{name: "head endorses", p: endorsing, cmd: endorse(leadHead),
			check: all(wantStage(domain.StageVerify), wantClosure(domain.ClosureAwaitingReview),
				func(t *testing.T, _ domain.Problem, tr domain.Transition) {
					if c := tr.Problem.Closure; c.EndorsedBy != leadHead.UserID || c.RequestedBy != leadUser.UserID {
						t.Errorf("closure = %+v", c)
					}
				})},
		{name: "head returns", p: endorsing, cmd: ret(leadHead, "佐证不足"),
			check: all(wantStage(domain.StageExecute), wantClosure(domain.ClosureReturned), wantReason("佐证不足"))},
		{name: "return needs a reason", p: endorsing, cmd: ret(leadHead, ""), code: domain.EInvalid},
		{name: "staff endorse forbidden", p: endorsing, cmd: endorse(leadUser), code: domain.EForbidden},
		{name: "another unit's head forbidden", p: endorsing, cmd: endorse(otherHead), code: domain.EForbidden},
		{name: "another unit's head return forbidden", p: endorsing, cmd: ret(otherHead, "x"), code: domain.EForbidden},
		{name: "nothing awaiting conflict", p: ready, cmd: endorse(leadHead), code: domain.EConflict},
		{name: "already endorsed conflict", p: verifying, cmd: endorse(leadHead), code: domain.EConflict},
		{name: "supervisor before endorsement conflict", p: endorsing, cmd: cmd(domain.ActionApproveClosure, supervisor), code: domain.EConflict},
		{name: "second request while awaiting conflict", p: endorsing, cmd: cmd(domain.ActionRequestClosure, leadUser), code: domain.EConflict},
	})
	t.Run("endorsed then approved", func(t *testing.T) {
		p := mustApply(t, endorsing(t), endorse(leadHead), cmd(domain.ActionApproveClosure, supervisor))
		if p.Stage != domain.StageClosed || p.Closure.Status != domain.ClosureApproved {
			t.Errorf("stage %q closure %+v", p.Stage, p.Closure)
		}
	})
}

func TestOfficeReminders(t *testing.T) {
	never := func(string) bool { return false }
	t.Run("plan_late", func(t *testing.T) {
		p := handedOut(t)
		due, _ := domain.DueNotices(&p, time.Date(2026, 2, 2, 9, 0, 0, 0, cst), never)
		var kinds []domain.NoticeKind
		for _, n := range due {
			kinds = append(kinds, n.Kind)
		}
		if !slices.Contains(kinds, domain.NoticePlanLate) {
			t.Errorf("kinds = %v, want plan_late", kinds)
		}
		p = mustApply(t, p, submit(leadUser, plan()))
		if due, _ := domain.DueNotices(&p, time.Date(2026, 2, 2, 9, 0, 0, 0, cst), never); len(due) != 0 {
			t.Errorf("after the plan: %+v", due)
		}
	})
	t.Run("handler then head then leaders", func(t *testing.T) {
		p := mustApply(t, executing(t), nameHandler(leaderA, 2, domain.HandlerRef{UserID: coUser.UserID, Name: "经办人", UnitID: unitCo}))
		dueAt := measure(t, p, 2).Deadline.DueAt()
		at := func(d time.Duration) []domain.Notice {
			due, _ := domain.DueNotices(&p, dueAt.Add(d), never)
			var out []domain.Notice
			for _, n := range due {
				if n.MeasureID == 2 {
					out = append(out, n)
				}
			}
			return out
		}
		first := at(time.Minute)
		if len(first) != 1 || !slices.Equal(first[0].Audience.UserIDs, []int64{coUser.UserID}) {
			t.Fatalf("at the deadline: %+v, want the handler only", first)
		}
		var head, leaders bool
		for _, n := range at(domain.DefaultRepeatEvery + time.Minute) {
			head = head || n.Audience.UnitHeadOf == unitCo
			leaders = leaders || slices.Contains(n.Audience.Roles, domain.RoleLeader)
		}
		if !head || leaders {
			t.Errorf("after a repeat: head %v leaders %v, want the head only", head, leaders)
		}
		leaders = false
		for _, n := range at(domain.DefaultEscalateAfter + time.Minute) {
			leaders = leaders || slices.Contains(n.Audience.Roles, domain.RoleLeader)
		}
		if !leaders {
			t.Error("after escalate_after the leaders are not told")
		}
	})
}

func TestReassignment(t *testing.T) {
	ask := func(a domain.Actor, unit, measure int64) domain.Command {
		c := withText(cmd(domain.ActionRequestReassignment, a), "职责不在本处")
		c.Reassign, c.MeasureID = &domain.ReassignInput{LeadUnitID: unit}, measure
		return c
	}
	decide := func(action domain.Action, a domain.Actor, id int64, text string) domain.Command {
		c := withText(cmd(action, a), text)
		c.Reassign = &domain.ReassignInput{ID: id}
		return c
	}
	asked := func(t *testing.T) domain.Problem { return mustApply(t, assigned(t), ask(leadHead, unitOther, 0)) }
	runCases(t, []transitionCase{
		{name: "head asks", p: assigned, cmd: ask(leadHead, unitOther, 0),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				r := tr.Problem.Reassignments
				if len(r) != 1 || r[0].Status != domain.ReassignPending || r[0].FromUnitID != unitLead || r[0].ToUnitID != unitOther {
					t.Errorf("reassignments = %+v", r)
				}
				if ns := domain.EventNotices(&tr.Problem, tr.Event); len(ns) != 3 {
					t.Errorf("notices = %+v, want the leaders and both units", ns)
				}
			}},
		{name: "leader asks for a measure", p: assigned, cmd: ask(leaderA, unitOther, 2)},
		{name: "staff forbidden", p: assigned, cmd: ask(leadUser, unitOther, 0), code: domain.EForbidden},
		{name: "another unit's head forbidden", p: assigned, cmd: ask(otherHead, unitCo, 0), code: domain.EForbidden},
		{name: "to the current unit invalid", p: assigned, cmd: ask(leadHead, unitLead, 0), code: domain.EInvalid},
		{name: "no reason invalid", p: assigned, cmd: withText(ask(leadHead, unitOther, 0), ""), code: domain.EInvalid},
		{name: "second pending conflict", p: asked, cmd: ask(leaderA, unitCo, 0), code: domain.EConflict},
		{name: "closed conflict", p: closed, cmd: ask(leaderA, unitOther, 0), code: domain.EConflict},
		{name: "leader approves", p: asked, cmd: decide(domain.ActionApproveReassignment, leaderA, 1, ""),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				p := tr.Problem
				if p.LeadUnitID != unitOther || measure(t, p, 1).LeadUnitID != unitOther || measure(t, p, 2).LeadUnitID != unitCo {
					t.Errorf("lead units after approval: problem %d, measures %d %d", p.LeadUnitID, measure(t, p, 1).LeadUnitID, measure(t, p, 2).LeadUnitID)
				}
				if !p.Involves(unitLead) {
					t.Error("the former lead unit lost read access")
				}
			}},
		{name: "leader rejects", p: asked, cmd: decide(domain.ActionRejectReassignment, leaderA, 1, "不同意"),
			check: func(t *testing.T, _ domain.Problem, tr domain.Transition) {
				if tr.Problem.LeadUnitID != unitLead || tr.Problem.Reassignments[0].Status != domain.ReassignRejected {
					t.Errorf("after rejection: %d %+v", tr.Problem.LeadUnitID, tr.Problem.Reassignments)
				}
			}},
		{name: "reject needs a reason", p: asked, cmd: decide(domain.ActionRejectReassignment, leaderA, 1, ""), code: domain.EInvalid},
		{name: "unit head may not decide", p: asked, cmd: decide(domain.ActionApproveReassignment, leadHead, 1, ""), code: domain.EForbidden},
		{name: "unknown request not found", p: asked, cmd: decide(domain.ActionApproveReassignment, leaderA, 9, ""), code: domain.ENotFound},
	})
	t.Run("the asking leader may not decide", func(t *testing.T) {
		p := mustApply(t, assigned(t), ask(leaderA, unitOther, 0))
		if _, err := domain.Apply(p, decide(domain.ActionApproveReassignment, leaderA, 1, ""), now); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("err = %v", err)
		}
	})
}
