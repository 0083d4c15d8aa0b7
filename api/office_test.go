package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestOfficePath walks the office's hand-offs through HTTP: 分办 → the unit
// drafts the plan → a leader approves → the head names a handler → staff
// ask for closure → the head endorses → the supervisor approves; each step
// tells the next person, and the refusals leave nothing half-written.
func TestOfficePath(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unitA, unitB domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unitA)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "办公室"}).Decode(t, &unitB)
	users := map[string]domain.User{}
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "super", "password": "password30", "role": "supervisor"},
		{"username": "staff", "password": "password50", "role": "unit", "unit_id": unitA.ID},
		{"username": "staff_head", "password": "password51", "role": "unit", "unit_id": unitA.ID, "unit_role": "head"},
		{"username": "other_head", "password": "password61", "role": "unit", "unit_id": unitB.ID, "unit_role": "head"},
	} {
		var created domain.User
		admin.Must(t, 201, "POST", "/api/v1/users", u).Decode(t, &created)
		users[created.Username] = created
	}
	if users["staff"].UnitRole != domain.UnitStaff || users["staff_head"].UnitRole != domain.UnitHead {
		t.Fatalf("unit roles: %q %q", users["staff"].UnitRole, users["staff_head"].UnitRole)
	}
	admin.Must(t, 400, "POST", "/api/v1/users", map[string]any{"username": "x", "password": "password99", "role": "leader", "unit_role": "head"})
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	super := anon.As(anon.Login(t, "super", "password30"))
	staff := anon.As(anon.Login(t, "staff", "password50"))
	head := anon.As(anon.Login(t, "staff_head", "password51"))
	otherHead := anon.As(anon.Login(t, "other_head", "password61"))

	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "分办"}).Decode(t, &campaign)
	if !campaign.Policy.EndorseClosure {
		t.Fatalf("a new campaign does not endorse closures: %+v", campaign.Policy)
	}
	var p domain.Problem
	leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": "低保动态管理不到位"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	planDue := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")

	kinds := func(who string, pass string) []domain.NoticeKind {
		var list struct {
			Items []domain.Notification `json:"items"`
		}
		anon.As(anon.Login(t, who, pass)).Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &list)
		var out []domain.NoticeKind
		for _, n := range list.Items {
			if n.ProblemID == p.ID {
				out = append(out, n.Kind)
			}
		}
		return out
	}
	awaitNotice := func(who, pass string, n int) {
		t.Helper()
		waitFor(t, 10*time.Second, who+"'s notice", func() bool { return len(kinds(who, pass)) >= n })
	}

	// 分办: staff may not, unknown unit 404, then the leader hands it to unit A.
	staff.Must(t, 403, "POST", pp+"/assignment", map[string]any{"lead_unit_id": unitA.ID, "plan_due": planDue})
	leader1.Must(t, 404, "POST", pp+"/assignment", map[string]any{"lead_unit_id": 999, "plan_due": planDue})
	leader1.Must(t, 200, "POST", pp+"/assignment", map[string]any{"lead_unit_id": unitA.ID, "plan_due": planDue, "responsible_leader": "分管厅领导"}).Decode(t, &p)
	if p.Assignment == nil || p.Assignment.LeadUnitID != unitA.ID || p.Assignment.PlanDue != domain.Date(planDue) {
		t.Fatalf("assignment = %+v", p.Assignment)
	}
	awaitNotice("staff_head", "password51", 1)

	// The unit drafts, naming a handler of its own; one of another unit is 400.
	plan := func(handler int64) map[string]any {
		return map[string]any{"lead_unit_id": unitA.ID, "measures": []map[string]any{
			{"title": "完善动态管理制度", "kind": "deadline", "lead_unit_id": unitA.ID, "deadline": future, "handler_id": handler},
		}}
	}
	staff.Must(t, 400, "POST", pp+"/plan", plan(users["other_head"].ID))
	staff.Must(t, 404, "POST", pp+"/plan", plan(9999))
	otherHead.Must(t, 403, "POST", pp+"/plan", plan(0))
	staff.Must(t, 200, "POST", pp+"/plan", plan(users["staff"].ID)).Decode(t, &p)
	if p.Measures[0].HandlerID != users["staff"].ID || p.Measures[0].HandlerName == "" {
		t.Fatalf("handler = %d %q", p.Measures[0].HandlerID, p.Measures[0].HandlerName)
	}
	awaitNotice("leader2", "password20", 1)
	leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{}).Decode(t, &p)

	// Handlers: the head names one; staff may not; another unit's user is 400.
	mp := pp + "/measures/1"
	staff.Must(t, 403, "POST", mp+"/handler", map[string]any{"user_id": users["staff"].ID})
	otherHead.Must(t, 403, "POST", mp+"/handler", map[string]any{"user_id": users["staff"].ID})
	head.Must(t, 400, "POST", mp+"/handler", map[string]any{"user_id": users["other_head"].ID})
	head.Must(t, 404, "POST", mp+"/handler", map[string]any{"user_id": 9999})
	head.Must(t, 200, "POST", mp+"/handler", map[string]any{"user_id": users["staff_head"].ID}).Decode(t, &p)
	if p.Measures[0].HandlerID != users["staff_head"].ID {
		t.Fatalf("handler after naming = %d", p.Measures[0].HandlerID)
	}

	staff.Must(t, 200, "POST", mp+"/acknowledge", nil)
	staff.Must(t, 200, "POST", mp+"/complete", map[string]any{"summary": "制度已印发"})

	// Staff ask; the request waits for the head; the supervisor may not jump it.
	staff.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号", "justifications": map[string]string{"1": "制度文件已公开"}}).Decode(t, &p)
	if p.Stage != domain.StageExecute || p.Closure.Status != domain.ClosureAwaitingEndorsement || p.Closure.RequestedBy != users["staff"].ID {
		t.Fatalf("after the staff request: %s %+v", p.Stage, p.Closure)
	}
	super.Must(t, 409, "POST", pp+"/closure/approve", map[string]any{})
	staff.Must(t, 403, "POST", pp+"/closure/endorse", map[string]any{})
	otherHead.Must(t, 403, "POST", pp+"/closure/endorse", map[string]any{})
	waitFor(t, 10*time.Second, "the head's endorsement notice", func() bool {
		return slices.Contains(kinds("staff_head", "password51"), domain.NoticeHandoff) && len(kinds("staff_head", "password51")) >= 3
	})

	// The head returns it once, staff ask again, the head endorses.
	head.Must(t, 200, "POST", pp+"/closure/return", map[string]any{"reason": "佐证不足"}).Decode(t, &p)
	if p.Closure.Status != domain.ClosureReturned {
		t.Fatalf("after return: %+v", p.Closure)
	}
	head.Must(t, 409, "POST", pp+"/closure/endorse", map[string]any{})
	staff.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "补充后申请", "justifications": map[string]string{"1": "制度文件已公开"}})
	head.Must(t, 200, "POST", pp+"/closure/endorse", map[string]any{"comment": "情况属实"}).Decode(t, &p)
	if p.Stage != domain.StageVerify || p.Closure.EndorsedBy != users["staff_head"].ID {
		t.Fatalf("after endorsement: %s %+v", p.Stage, p.Closure)
	}
	awaitNotice("super", "password30", 1)
	super.Must(t, 200, "POST", pp+"/closure/approve", map[string]any{}).Decode(t, &p)
	if p.Stage != domain.StageClosed || p.Closure.Status != domain.ClosureApproved {
		t.Fatalf("after approval: %s %+v", p.Stage, p.Closure)
	}
	// The requester hears of the decision.
	waitFor(t, 10*time.Second, "the requester's notice of the decision", func() bool {
		return len(kinds("staff", "password50")) >= 3 // plan approved, closure returned, closure approved
	})
}

// TestReassignment hands a problem that landed on the wrong unit to
// another, with a leader's approval: the new unit leads and sees it, the
// old keeps reading it, the deadlines stay.
func TestReassignment(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unitA, unitB domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unitA)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "养老服务处"}).Decode(t, &unitB)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "a", "password": "password50", "role": "unit", "unit_id": unitA.ID},
		{"username": "a_head", "password": "password51", "role": "unit", "unit_id": unitA.ID, "unit_role": "head"},
		{"username": "b", "password": "password60", "role": "unit", "unit_id": unitB.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	a := anon.As(anon.Login(t, "a", "password50"))
	aHead := anon.As(anon.Login(t, "a_head", "password51"))
	b := anon.As(anon.Login(t, "b", "password60"))

	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "调整"}).Decode(t, &campaign)
	var p domain.Problem
	leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": "养老机构消防隐患"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unitA.ID, "measures": []map[string]any{
		{"title": "排查消防隐患", "kind": "deadline", "lead_unit_id": unitA.ID, "deadline": future},
	}})
	leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{})
	b.Must(t, 403, "GET", pp, nil)

	a.Must(t, 403, "POST", pp+"/reassignments", map[string]any{"lead_unit_id": unitB.ID, "reason": "职责在养老服务处"})
	aHead.Must(t, 400, "POST", pp+"/reassignments", map[string]any{"lead_unit_id": unitA.ID, "reason": "x"})
	aHead.Must(t, 404, "POST", pp+"/reassignments", map[string]any{"lead_unit_id": 999, "reason": "x"})
	aHead.Must(t, 200, "POST", pp+"/reassignments", map[string]any{"lead_unit_id": unitB.ID, "reason": "职责在养老服务处"}).Decode(t, &p)
	if len(p.Reassignments) != 1 || p.Reassignments[0].Status != domain.ReassignPending {
		t.Fatalf("reassignments = %+v", p.Reassignments)
	}
	rp := pp + "/reassignments/" + id(p.Reassignments[0].ID)
	aHead.Must(t, 403, "POST", rp+"/approve", map[string]any{})
	leader1.Must(t, 400, "POST", rp+"/reject", map[string]any{})
	leader1.Must(t, 404, "POST", pp+"/reassignments/99/approve", map[string]any{})
	leader1.Must(t, 200, "POST", rp+"/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
	if p.LeadUnitID != unitB.ID || p.Measures[0].LeadUnitID != unitB.ID || p.Measures[0].Deadline != domain.Date(future) {
		t.Fatalf("after approval: lead %d, measure %+v", p.LeadUnitID, p.Measures[0])
	}
	leader2.Must(t, 409, "POST", rp+"/approve", map[string]any{})
	b.Must(t, 200, "GET", pp, nil)
	a.Must(t, 200, "GET", pp, nil) // the old unit keeps reading it
	for name, c := range map[string]apitest.Client{"new unit": b, "old unit": a} {
		var list struct {
			Total int64 `json:"total"`
		}
		c.Must(t, 200, "GET", "/api/v1/problems", nil).Decode(t, &list)
		if list.Total != 1 {
			t.Errorf("the %s lists %d problems, want 1", name, list.Total)
		}
	}
	a.Must(t, 403, "POST", pp+"/measures/1/acknowledge", nil) // but no longer acts
	b.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
	var events struct {
		Items []domain.Event `json:"items"`
	}
	b.Must(t, 200, "GET", pp+"/events", nil).Decode(t, &events)
	var actions []domain.Action
	for _, e := range events.Items {
		actions = append(actions, e.Action)
	}
	if !slices.Contains(actions, domain.ActionRequestReassignment) || !slices.Contains(actions, domain.ActionApproveReassignment) {
		t.Errorf("event log = %v", actions)
	}
	waitFor(t, 10*time.Second, "unit B's notice", func() bool {
		var list struct {
			Items []domain.Notification `json:"items"`
		}
		b.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &list)
		return len(list.Items) >= 2 // asked and decided
	})
}
