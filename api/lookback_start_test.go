package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// heldStarts holds the look-back start's Updates until released, so the
// test sees the request answered while the fan-out has not run.
type heldStarts struct {
	activities.ProblemActor
	release chan struct{}
}

func (h heldStarts) Act(ctx context.Context, problemID int64, cmd domain.Command) (domain.Problem, error) {
	if cmd.Action == domain.ActionStartLookback {
		select {
		case <-h.release:
		case <-ctx.Done():
			return domain.Problem{}, ctx.Err()
		}
	}
	return h.ProblemActor.Act(ctx, problemID, cmd)
}

// TestLookbackStartAnswersAtOnce starts a look-back over three problems
// while its workflow's Updates are held: the request answers 201 with the
// look-back's ID and none started; released, every problem ends up under
// review, and a retry with the same Idempotency-Key finds the same one.
func TestLookbackStartAnswersAtOnce(t *testing.T) {
	st := storetest.SQLite(t)
	acts := &activities.Activities{Store: st}
	anon, svc := newServerAndService(t, acts)
	held := heldStarts{ProblemActor: svc, release: make(chan struct{})}
	acts.Problems = held
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
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "回头看发起", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	var ids []int64
	for _, title := range []string{"低保动态管理不及时", "救助资金发放滞后", "台账不规范"} {
		var p domain.Problem
		leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": title}).Decode(t, &p)
		pp := "/api/v1/problems/" + id(p.ID)
		leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
			{"title": "整改" + title, "kind": "deadline", "lead_unit_id": unit.ID, "deadline": future},
		}})
		leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
		ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已完成"})
		ua.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
		super.Must(t, 200, "POST", pp+"/closure/approve", nil)
		ids = append(ids, p.ID)
	}
	body := map[string]any{"title": "全面回头看", "due_date": time.Now().AddDate(0, 1, 0).Format("2006-01-02"), "campaign_id": campaign.ID, "unit_id": unit.ID}

	var lb domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", body, "Idempotency-Key", "start-1").Decode(t, &lb)
	if lb.ID == 0 || lb.Total != 3 || lb.Started != 0 {
		t.Fatalf("answered look-back = %+v, want 3 problems none started", lb)
	}
	disc.Must(t, 200, "GET", "/api/v1/lookbacks/"+id(lb.ID), nil).Decode(t, &lb)
	if lb.Started != 0 {
		t.Fatalf("%d started while the start is held", lb.Started)
	}
	var again domain.Lookback
	disc.Must(t, 201, "POST", "/api/v1/lookbacks", body, "Idempotency-Key", "start-1").Decode(t, &again)
	if again.ID != lb.ID {
		t.Fatalf("a retried start made look-back %d, not %d", again.ID, lb.ID)
	}

	close(held.release)
	waitStarted(t, disc, lb.ID)
	for _, pid := range ids {
		var p domain.Problem
		disc.Must(t, 200, "GET", "/api/v1/problems/"+id(pid), nil).Decode(t, &p)
		if p.Stage != domain.StageLookback || p.LookbackID != lb.ID {
			t.Errorf("problem %d: stage %s, look-back %d", pid, p.Stage, p.LookbackID)
		}
		events, err := st.Events(context.Background(), pid)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == domain.ActionStartLookback {
				n++
			}
		}
		if n != 1 {
			t.Errorf("problem %d: %d start_lookback events, want 1", pid, n)
		}
	}
}
