package api_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestRecordsChecks runs the checks on the records on the embedded server: the
// report checked against the records before publishing, the sample size
// for a bound, a look-back sample weighted by risk with its assurance, and
// a stalled measure forecast late with its one notice.
func TestRecordsChecks(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "super", "password": "password30", "role": "supervisor"},
		{"username": "disc", "password": "password40", "role": "discipline"},
		{"username": "ua", "password": "password50", "role": "unit", "unit_id": unit.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	super := anon.As(anon.Login(t, "super", "password30"))
	disc := anon.As(anon.Login(t, "disc", "password40"))
	ua := anon.As(anon.Login(t, "ua", "password50"))

	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "核对测试", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	cid := id(campaign.ID)
	future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	planned := func(title string) string {
		t.Helper()
		var p domain.Problem
		leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+cid+"/problems", map[string]any{"title": title}).Decode(t, &p)
		pp := "/api/v1/problems/" + id(p.ID)
		leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
			{"title": "整改" + title, "kind": "deadline", "lead_unit_id": unit.ID, "deadline": future},
		}})
		leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
		ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		return pp
	}
	for _, title := range []string{"甲", "乙", "丙"} {
		pp := planned(title)
		ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已完成"})
		ua.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
		super.Must(t, 200, "POST", pp+"/closure/approve", nil)
	}
	open := planned("丁")

	t.Run("report check", func(t *testing.T) {
		type check struct {
			OK       bool      `json:"ok"`
			Findings []finding `json:"findings"`
		}
		ua.Must(t, 403, "GET", "/api/v1/campaigns/"+cid+"/report/check", nil)
		leader1.Must(t, 400, "GET", "/api/v1/campaigns/"+cid+"/report/check?date=2026-13-01", nil)
		var c check
		leader1.Must(t, 200, "GET", "/api/v1/campaigns/"+cid+"/report/check", nil).Decode(t, &c)
		if !c.OK || len(c.Findings) != 0 {
			t.Fatalf("the report as built: %+v", c)
		}
		leader1.Must(t, 200, "PUT", "/api/v1/campaigns/"+cid+"/narrative", map[string]any{"organization": "共反馈问题4个，已完成整改3个，修订完善制度规范27项。"})
		leader1.Must(t, 200, "GET", "/api/v1/campaigns/"+cid+"/report/check", nil).Decode(t, &c)
		if c.OK || len(c.Findings) != 1 || c.Findings[0].Kind != "outcome_mismatch" || c.Findings[0].Message == "" {
			t.Fatalf("27 regulations with none recorded: %+v", c)
		}
		// Closed today: a report dated yesterday says completed too early.
		yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
		leader1.Must(t, 200, "GET", "/api/v1/campaigns/"+cid+"/report/check?date="+yesterday, nil).Decode(t, &c)
		n := 0
		for _, f := range c.Findings {
			if f.Kind == "closed_after_date" {
				n++
			}
		}
		if n != 3 {
			t.Fatalf("dated yesterday: %d closed after the date, want 3: %+v", n, c)
		}
	})

	t.Run("sample size", func(t *testing.T) {
		var s struct {
			Population int `json:"population"`
			SampleSize int `json:"sample_size"`
		}
		disc.Must(t, 200, "GET", "/api/v1/lookbacks/sample-size?population=1000000&bound=0.05", nil).Decode(t, &s)
		if s.SampleSize != 59 {
			t.Fatalf("sample size = %+v, want 59", s)
		}
		disc.Must(t, 200, "GET", "/api/v1/lookbacks/sample-size?campaign_id="+cid+"&bound=0.1", nil).Decode(t, &s)
		if s.Population != 3 || s.SampleSize != 3 {
			t.Fatalf("campaign sample size = %+v, want 3 of 3", s)
		}
		disc.Must(t, 400, "GET", "/api/v1/lookbacks/sample-size?population=100&bound=1.5", nil)
		ua.Must(t, 403, "GET", "/api/v1/lookbacks/sample-size?population=100&bound=0.05", nil)
	})

	t.Run("weighted sample with assurance", func(t *testing.T) {
		var lb domain.Lookback
		disc.Must(t, 201, "POST", "/api/v1/lookbacks", map[string]any{"title": "加权抽查", "due_date": future, "campaign_id": campaign.ID,
			"sample": map[string]any{"count": 2, "seed": 11, "weighted": true}}).Decode(t, &lb)
		waitStarted(t, disc, lb.ID)
		disc.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil).Decode(t, &lb)
		a := lb.Assurance
		if !lb.Scope.Sample.Weighted || a.Population != 3 || a.Sampled != 2 || a.Checked != 0 || !a.Weighted || a.UpperBound95 != 1 {
			t.Fatalf("assurance before any conclusion = %+v (scope %+v)", a, lb.Scope.Sample)
		}
		p := lb.Problems[0].ProblemID
		disc.Must(t, 200, "POST", "/api/v1/lookbacks/"+id(lb.ID)+"/problems/"+id(p)+"/conclude", map[string]any{"result": "confirmed", "finding": "整改到位"})
		disc.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil).Decode(t, &lb)
		// One of three checked, none reopened: at most 2 of 3 unsound.
		if a := lb.Assurance; a.Checked != 1 || a.Reopened != 0 || a.UpperBound95 <= 0 || a.UpperBound95 >= 1 {
			t.Fatalf("assurance after one = %+v", a)
		}
	})

	t.Run("forecast late", func(t *testing.T) {
		for _, pct := range []int{20, 20} {
			ua.Must(t, 200, "POST", open+"/measures/1/progress", map[string]any{"text": "推进中", "percent": pct})
			time.Sleep(10 * time.Millisecond)
		}
		var p domain.Problem
		ua.Must(t, 200, "GET", open, nil).Decode(t, &p)
		f := p.Measures[0].Forecast
		if f == nil || !f.Late || !f.Stalled {
			t.Fatalf("forecast of a stalled measure = %+v", f)
		}
		waitFor(t, 20*time.Second, "the forecast_late notice", func() bool { return hasNotice(t, ua, domain.NoticeForecastLate, 1) })
		ua.Must(t, 200, "POST", open+"/measures/1/progress", map[string]any{"text": "仍在推进", "percent": 20})
		if hasNotice(t, ua, domain.NoticeForecastLate, 2) {
			t.Fatal("a later report sent the forecast notice again")
		}
	})
}

type finding struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}
