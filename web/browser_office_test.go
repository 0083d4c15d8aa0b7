package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestOfficeInBrowser walks the office's hand-offs in Chromium: at each
// step the next person signs in and finds, in the inbox, the notice of the
// step before, naming the problem; the head endorses from the workbench.
func TestOfficeInBrowser(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := newBrowser(t, e.URL)
	ctx := context.Background()
	unit := e.units["社会救助处"]
	head, err := e.svc.CreateUser(ctx, e.users["admin"], domain.NewUser{Username: "ua_head", Password: password, DisplayName: "救助处处长",
		Role: domain.RoleUnit, UnitID: unit.ID, UnitRole: domain.UnitHead})
	must(t, err)
	e.users["ua_head"] = head
	c, err := e.svc.CreateCampaign(ctx, e.users["leader1"], domain.Campaign{Title: "分办流程", Policy: domain.Policy{EndorseClosure: true}})
	must(t, err)
	p, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: c.ID, Title: "临时救助审批时限过长"})
	must(t, err)

	// sees signs user in and waits for a notice naming the problem whose
	// text holds want (notices are written as the workflow runs).
	sees := func(user, want, shot string) {
		t.Helper()
		b.login(user)
		deadline := time.Now().Add(20 * time.Second)
		for {
			got := b.inbox()
			if strings.Contains(got, want) && strings.Contains(got, p.Title) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's inbox lacks %q about %q:\n%s", user, want, p.Title, got)
			}
			time.Sleep(200 * time.Millisecond)
		}
		b.screenshot(shot)
		b.logout()
	}

	e.act(t, p.ID, "leader1", domain.Command{Action: domain.ActionAssign, Assignment: &domain.Assignment{
		LeadUnitID: unit.ID, PlanDue: domain.DateOf(time.Now()).AddDays(10), ResponsibleLeader: "分管厅领导"}})
	sees("ua_head", "分办", "office-1-head-assigned")

	future := domain.DateOf(time.Now().AddDate(0, 2, 0))
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{LeadUnitID: unit.ID, Measures: []domain.MeasureInput{
		{Title: "压缩审批时限", Kind: domain.KindDeadline, LeadUnitID: unit.ID, Deadline: future, HandlerID: e.users["ua"].ID},
	}}})
	sees("leader2", "方案", "office-2-leader-plan-submitted")

	e.act(t, p.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan})
	sees("ua", "方案已批准", "office-3-staff-plan-approved")

	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionAcknowledge, MeasureID: 1})
	// The handler finds the measure under "mine", apart from the unit's.
	b.login("ua")
	b.wantStatus("workbench", b.open("/workbench"), 200)
	if got := b.text(`#wb-progress .wb-row:first-child`); !strings.Contains(got, "压缩审批时限") || !strings.Contains(got, "我经办") {
		t.Fatalf("the handler's own measure is not first, marked 我经办: %q", got)
	}
	if n := b.count(`#wb-progress .tag-mine`); n != 1 {
		t.Fatalf("%d measures marked as the handler's, want 1", n)
	}
	// Closure is not offered while a measure still runs.
	if n := b.count(`#wb-closure .wb-row`); n != 0 {
		t.Fatalf("the workbench offers closure for %d problems whose measures still run", n)
	}
	b.screenshot("office-3b-staff-workbench-mine")
	b.logout()
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: 1, Text: "审批时限压缩至5个工作日"})
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionRequestClosure, Justifications: map[int64]string{1: "新规程已印发"}})
	sees("ua_head", "销号", "office-4-head-closure-requested")

	// The head endorses from the workbench's queue.
	b.login("ua_head")
	b.wantStatus("workbench", b.open("/workbench"), 200)
	if n := b.count(`#wb-endorse form[data-form="endorse_closure"]`); n == 0 {
		t.Fatal("the head's workbench has no endorsement form")
	}
	b.screenshot("office-5-head-workbench")
	b.click(`#wb-endorse details.wb-forms summary`)
	b.wantStatus("endorse", b.submit(`#wb-endorse`, "endorse_closure"), 200)
	b.logout()
	sees("super", "销号", "office-6-supervisor-closure-endorsed")

	got, err := e.svc.Problem(ctx, e.users["super"], p.ID)
	must(t, err)
	if got.Stage != domain.StageVerify {
		t.Fatalf("after the endorsement the problem is in %s, want verify", got.Stage)
	}
}
