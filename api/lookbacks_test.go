package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestLookbacks runs look-backs (回头看) on the embedded server: one on a
// single problem that is reopened and closed again, one over a unit's
// closed problems that is confirmed, two samples with the same seed, and
// the refusals on the way.
func TestLookbacks(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unitA, unitB domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unitA)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "养老服务处"}).Decode(t, &unitB)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "super", "password": "password30", "role": "supervisor"},
		{"username": "disc", "password": "password40", "role": "discipline"},
		{"username": "ua", "password": "password50", "role": "unit", "unit_id": unitA.ID},
		{"username": "ub", "password": "password60", "role": "unit", "unit_id": unitB.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	super := anon.As(anon.Login(t, "super", "password30"))
	disc := anon.As(anon.Login(t, "disc", "password40"))
	ua := anon.As(anon.Login(t, "ua", "password50"))
	ub := anon.As(anon.Login(t, "ub", "password60"))
	var me domain.User
	disc.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)

	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "回头看测试", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	cid := id(campaign.ID)
	future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	closeProblem := func(title string, unit domain.Unit, client apitest.Client) int64 {
		t.Helper()
		var p domain.Problem
		leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+cid+"/problems", map[string]any{"title": title}).Decode(t, &p)
		pp := "/api/v1/problems/" + id(p.ID)
		leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
			{"title": "整改" + title, "kind": "deadline", "lead_unit_id": unit.ID, "deadline": future},
		}})
		leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
		client.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		client.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已完成"})
		client.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
		super.Must(t, 200, "POST", pp+"/closure/approve", nil)
		return p.ID
	}
	p1 := closeProblem("低保动态管理不及时", unitA, ua)
	p2 := closeProblem("救助资金发放滞后", unitA, ua)
	p3 := closeProblem("养老机构监管不严", unitB, ub)
	p4 := closeProblem("养老服务补贴审核不严", unitB, ub)
	due := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	single := map[string]any{"title": "低保回头看", "due_date": due, "problem_ids": []any{p1}}

	// Only the discipline group starts a look-back.
	ua.Must(t, 403, "POST", "/api/v1/lookbacks", single)
	super.Must(t, 403, "POST", "/api/v1/lookbacks", single)
	leader1.Must(t, 403, "POST", "/api/v1/lookbacks", single)
	disc.Must(t, 400, "POST", "/api/v1/lookbacks", map[string]any{"title": "x", "due_date": due})
	disc.Must(t, 400, "POST", "/api/v1/lookbacks", map[string]any{"title": "x", "due_date": "2020-01-01", "problem_ids": []any{p1}})
	disc.Must(t, 400, "POST", "/api/v1/lookbacks", map[string]any{"title": "x", "due_date": due, "campaign_id": campaign.ID})
	disc.Must(t, 404, "POST", "/api/v1/lookbacks", map[string]any{"title": "x", "due_date": due, "problem_ids": []any{999}})
	disc.Must(t, 400, "POST", "/api/v1/lookbacks", map[string]any{"title": "x", "due_date": due, "problem_ids": []any{p1}, "reviewer_ids": []any{1}})

	var lb domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", single, "Idempotency-Key", "lb-1").Decode(t, &lb)
	waitStarted(t, disc, lb.ID)
	if lb.Total != 1 || lb.Concluded != 0 || lb.Problems[0].ProblemID != p1 || lb.Problems[0].Status != "pending" || !slices.Equal(lb.ReviewerIDs, []int64{me.ID}) {
		t.Fatalf("look-back = %+v", lb)
	}
	var again domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", single, "Idempotency-Key", "lb-1").Decode(t, &again)
	if again.ID != lb.ID {
		t.Fatalf("a retried start made look-back %d, not %d", again.ID, lb.ID)
	}
	disc.Must(t, 409, "POST", "/api/v1/lookbacks", single) // p1 is under review already
	lp := "/api/v1/lookbacks/" + id(lb.ID) + "/problems/" + id(p1)
	var p domain.Problem
	ua.Must(t, 200, "GET", "/api/v1/problems/"+id(p1), nil).Decode(t, &p)
	if p.Stage != domain.StageLookback || p.LookbackID != lb.ID {
		t.Fatalf("the unit sees stage %s, look-back %d", p.Stage, p.LookbackID)
	}

	// Material: the group asks, only the lead unit answers.
	super.Must(t, 403, "POST", lp+"/requests", map[string]any{"text": "请提供材料"})
	ua.Must(t, 403, "POST", lp+"/requests", map[string]any{"text": "请提供材料"})
	disc.Must(t, 400, "POST", lp+"/requests", map[string]any{"text": " "})
	disc.Must(t, 404, "POST", "/api/v1/lookbacks/"+id(lb.ID)+"/problems/"+id(p2)+"/requests", map[string]any{"text": "x"})
	disc.Must(t, 201, "POST", lp+"/requests", map[string]any{"text": "请提供低保动态管理台账"})
	ub.Must(t, 403, "POST", lp+"/answers", map[string]any{"text": "不是我们的问题"})
	disc.Must(t, 403, "POST", lp+"/answers", map[string]any{"text": "x"})
	ua.Must(t, 201, "POST", lp+"/answers", map[string]any{"text": "已报送2026年台账"})
	var seen domain.Lookback
	ua.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil).Decode(t, &seen)
	if len(seen.Problems) != 1 || len(seen.Problems[0].Material) != 2 {
		t.Fatalf("the unit's view = %+v", seen)
	}
	ub.Must(t, 403, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil)
	waitFor(t, 20*time.Second, "the request for material in the unit's inbox", func() bool {
		return hasNotice(t, ua, domain.NoticeLookback, 1)
	})

	// Reopened: back to execute with a new deadline, through verify to closed.
	reopen := map[string]any{"result": "reopened", "reason": "台账更新不及时,问题反弹", "deadline": time.Now().AddDate(0, 3, 0).Format("2006-01-02")}
	ua.Must(t, 403, "POST", lp+"/conclude", reopen)
	super.Must(t, 403, "POST", lp+"/conclude", reopen)
	disc.Must(t, 400, "POST", lp+"/conclude", map[string]any{"result": "reopened", "deadline": reopen["deadline"]})
	disc.Must(t, 400, "POST", lp+"/conclude", map[string]any{"result": "maybe"})
	disc.Must(t, 200, "POST", lp+"/conclude", reopen).Decode(t, &p)
	if p.Stage != domain.StageExecute || p.Measures[0].Completed || string(p.Measures[0].Deadline) != reopen["deadline"] {
		t.Fatalf("reopened problem = %+v", p)
	}
	disc.Must(t, 409, "POST", lp+"/conclude", reopen)
	waitFor(t, 20*time.Second, "the reopening in the unit's inbox", func() bool {
		return hasNotice(t, ua, domain.NoticeLookback, 2)
	})
	pp := "/api/v1/problems/" + id(p1)
	ua.Must(t, 409, "POST", pp+"/closure-request", nil)
	ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "台账已按月更新"})
	ua.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
	super.Must(t, 200, "POST", pp+"/closure/approve", nil).Decode(t, &p)
	if p.Stage != domain.StageClosed {
		t.Fatalf("not closed again: %s", p.Stage)
	}
	disc.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil).Decode(t, &seen)
	if !seen.Complete || seen.Concluded != 1 || seen.Problems[0].Result != domain.LookbackReopened || seen.Problems[0].Reason != reopen["reason"] {
		t.Fatalf("concluded look-back = %+v", seen)
	}
	assertEvents(t, st, p1, "create", "submit_plan", "approve_plan", "acknowledge", "complete_measure", "request_closure", "approve_closure",
		"start_lookback", "request_material", "answer_material", "conclude_lookback", "complete_measure", "request_closure", "approve_closure")
	var events struct {
		Items []domain.Event `json:"items"`
	}
	ua.Must(t, 200, "GET", pp+"/events", nil).Decode(t, &events)
	if ev := events.Items[10]; ev.ActorRole != domain.RoleDiscipline || ev.FromStage != domain.StageLookback || ev.ToStage != domain.StageExecute {
		t.Fatalf("conclusion event = %+v", ev)
	}

	// Every closed problem of unit B, confirmed one by one.
	var unitLB domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", map[string]any{"title": "养老回头看", "due_date": due, "campaign_id": campaign.ID, "unit_id": unitB.ID}).Decode(t, &unitLB)
	waitStarted(t, disc, unitLB.ID)
	if unitLB.Total != 2 || unitLB.Problems[0].ProblemID != p3 || unitLB.Problems[1].ProblemID != p4 {
		t.Fatalf("unit look-back = %+v", unitLB)
	}
	for i, pid := range []int64{p3, p4} {
		path := "/api/v1/lookbacks/" + id(unitLB.ID) + "/problems/" + id(pid) + "/conclude"
		disc.Must(t, 400, "POST", path, map[string]any{"result": "confirmed"})
		disc.Must(t, 200, "POST", path, map[string]any{"result": "confirmed", "finding": "整改成果巩固"}).Decode(t, &p)
		if p.Stage != domain.StageClosed {
			t.Fatalf("confirmed problem in %s", p.Stage)
		}
		disc.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(unitLB.ID), nil).Decode(t, &seen)
		if seen.Concluded != i+1 || seen.Complete != (i == 1) {
			t.Fatalf("after %d conclusions: %d concluded, complete %v", i+1, seen.Concluded, seen.Complete)
		}
	}
	ua.Must(t, 403, "GET", "/api/v1/lookbacks/"+id(unitLB.ID), nil)

	// Samples: the same seed over the same closed problems picks the same.
	sample := map[string]any{"title": "抽查", "due_date": due, "campaign_id": campaign.ID, "sample": map[string]any{"count": 2, "seed": 7}}
	want := domain.SampleProblems([]int64{p1, p2, p3, p4}, 2, 7)
	var picks [][]int64
	for range 2 {
		var s domain.Lookback
		disc.Must(t, 201, "POST", "/api/v1/lookbacks", sample).Decode(t, &s)
		waitStarted(t, disc, s.ID)
		var got []int64
		for _, sp := range s.Problems {
			got = append(got, sp.ProblemID)
			disc.Must(t, 200, "POST", "/api/v1/lookbacks/"+id(s.ID)+"/problems/"+id(sp.ProblemID)+"/conclude",
				map[string]any{"result": "confirmed", "finding": "抽查无问题"})
		}
		if s.Seed != 7 || s.Scope.Sample == nil || s.Scope.Sample.Count != 2 {
			t.Fatalf("sample look-back = %+v", s)
		}
		picks = append(picks, got)
	}
	if !slices.Equal(picks[0], want) || !slices.Equal(picks[1], want) {
		t.Fatalf("samples picked %v, want %v twice", picks, want)
	}
	var random domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", map[string]any{"title": "随机", "due_date": due, "campaign_id": campaign.ID,
		"sample": map[string]any{"percent": 50}}).Decode(t, &random)
	if random.Seed <= 0 || random.Total != 2 {
		t.Fatalf("a sample without a seed: %+v", random)
	}

	var list struct {
		Items []domain.Lookback `json:"items"`
		Total int64             `json:"total"`
	}
	disc.Must(t, 200, "GET", "/api/v1/lookbacks", nil).Decode(t, &list)
	if list.Total != 5 {
		t.Fatalf("discipline sees %d look-backs", list.Total)
	}
	ub.Must(t, 200, "GET", "/api/v1/lookbacks", nil).Decode(t, &list)
	for _, l := range list.Items {
		for _, lp := range l.Problems {
			if lp.ProblemID != p3 && lp.ProblemID != p4 {
				t.Fatalf("unit B sees problem %d of look-back %d", lp.ProblemID, l.ID)
			}
		}
	}

	var stats struct {
		Items []domain.LookbackStats `json:"items"`
	}
	disc.Must(t, 200, "GET", "/api/v1/lookbacks/stats?campaign_id="+cid, nil).Decode(t, &stats)
	var looked, confirmed, reopened, pending int
	for _, s := range stats.Items {
		looked, confirmed, reopened, pending = looked+s.LookedBack, confirmed+s.Confirmed, reopened+s.Reopened, pending+s.Pending
	}
	if looked != 9 || confirmed != 6 || reopened != 1 || pending != 2 {
		t.Fatalf("stats = %+v", stats.Items)
	}
	disc.Must(t, 400, "GET", "/api/v1/lookbacks/stats?campaign_id=x", nil)
}

// hasNotice reports whether c's inbox holds at least n notices of kind.
func hasNotice(t *testing.T, c apitest.Client, kind domain.NoticeKind, n int) bool {
	t.Helper()
	var inbox struct {
		Items []domain.Notification `json:"items"`
	}
	c.Must(t, 200, "GET", "/api/v1/notifications", nil).Decode(t, &inbox)
	count := 0
	for _, x := range inbox.Items {
		if x.Kind == kind {
			count++
		}
	}
	return count >= n
}

// justifiedClosure requests closure with a written justification in place
// of evidence for measure 1.
var justifiedClosure = map[string]any{"summary": "申请销号", "justifications": map[string]string{"1": "以印发文件为准"}}

// waitStarted waits until the look-back's start has put every problem
// under review: the request answers before it does.
func waitStarted(t *testing.T, c apitest.Client, lookbackID int64) {
	t.Helper()
	waitFor(t, 20*time.Second, "the look-back's problems under review", func() bool {
		var lb domain.Lookback
		c.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lookbackID), nil).Decode(t, &lb)
		return lb.Started == lb.Total
	})
}
