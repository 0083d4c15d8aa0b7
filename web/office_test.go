package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestWebOffice: the office's hand-offs on the pages, head vs staff. The
// leader assigns (分办) through the form; the unit opens the plan editor
// with its handler picker; a staff closure request waits in the head's
// endorsement queue, which staff do not get; staff may not endorse, the
// head does, and the request reaches the supervisor.
func TestWebOffice(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	unit := e.units["社会救助处"]
	head, err := e.svc.CreateUser(ctx, e.users["admin"], domain.NewUser{Username: "ua_head", Password: password, DisplayName: "救助处处长",
		Role: domain.RoleUnit, UnitID: unit.ID, UnitRole: domain.UnitHead})
	must(t, err)
	e.users["ua_head"] = head
	c, err := e.svc.CreateCampaign(ctx, e.users["leader1"], domain.Campaign{Title: "分办", Policy: domain.Policy{EndorseClosure: true}})
	must(t, err)
	p, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: c.ID, Title: "救助资金发放不及时"})
	must(t, err)
	pp := e.URL + "/problems/" + strconv.FormatInt(p.ID, 10)

	leader, staff, headC := browserClient(t), browserClient(t), browserClient(t)
	_, leaderCSRF := login(t, e, leader, "leader1")
	_, staffCSRF := login(t, e, staff, "ua")
	_, headCSRF := login(t, e, headC, "ua_head")

	if resp, _ := get(t, staff, pp+"/plan"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("plan editor before 分办 as staff: %d, want 403", resp.StatusCode)
	}
	_, body := get(t, leader, pp)
	if !strings.Contains(body, `action="/problems/`+strconv.FormatInt(p.ID, 10)+`/assignment"`) {
		t.Fatal("the leader has no 分办 form")
	}
	due := domain.DateOf(time.Now()).AddDays(10)
	resp, body := post(t, leader, pp+"/assignment", url.Values{"csrf_token": {leaderCSRF}, "request_id": {"assign-1"}, "lead_unit_id": {strconv.FormatInt(unit.ID, 10)}, "plan_due": {string(due)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("分办: %d %s", resp.StatusCode, body[strings.Index(body, "<main"):])
	}
	_, body = get(t, staff, e.URL+"/workbench")
	if !strings.Contains(body, `id="wb-to-plan"`) {
		t.Error("the assigned unit's workbench does not list the problem to plan")
	}
	resp, body = get(t, staff, pp+"/plan")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `class="handler-picker"`) || !strings.Contains(body, "救助处处长") {
		t.Fatalf("plan editor as the assigned unit: %d, handler picker missing", resp.StatusCode)
	}

	future := domain.DateOf(time.Now().AddDate(0, 2, 0))
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{LeadUnitID: unit.ID, Measures: []domain.MeasureInput{
		{Title: "按月发放", Kind: domain.KindDeadline, LeadUnitID: unit.ID, Deadline: future, HandlerID: e.users["ua"].ID},
	}}})
	e.act(t, p.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan})
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionAcknowledge, MeasureID: 1})
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: 1, Text: "已发放"})
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionRequestClosure, Justifications: map[int64]string{1: "发放记录已公示"}})

	t.Run("HeadQueue", func(t *testing.T) {
		_, body := get(t, headC, e.URL+"/workbench")
		if !strings.Contains(body, `id="wb-endorse"`) || !strings.Contains(body, "/closure/endorse") {
			t.Error("the head's workbench has no endorsement queue")
		}
	})
	t.Run("StaffNoQueue", func(t *testing.T) {
		_, body := get(t, staff, e.URL+"/workbench")
		if strings.Contains(body, `id="wb-endorse"`) {
			t.Error("staff see the endorsement queue")
		}
	})
	t.Run("StaffMayNotEndorse", func(t *testing.T) {
		resp, _ := post(t, staff, pp+"/closure/endorse", url.Values{"csrf_token": {staffCSRF}, "request_id": {"endorse-staff"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff endorse: %d, want 403", resp.StatusCode)
		}
	})
	t.Run("HeadEndorses", func(t *testing.T) {
		resp, body := post(t, headC, pp+"/closure/endorse", url.Values{"csrf_token": {headCSRF}, "request_id": {"endorse-head"}, "comment": {"情况属实"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("head endorse: %d %.300s", resp.StatusCode, body)
		}
		got, err := e.svc.Problem(ctx, e.users["super"], p.ID)
		must(t, err)
		if got.Stage != domain.StageVerify || got.Closure.EndorsedBy != head.ID {
			t.Errorf("after endorsement: %s %+v", got.Stage, got.Closure)
		}
	})
}
