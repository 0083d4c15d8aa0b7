package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// TestSearchAttributes finds problem workflows through the Temporal
// client's list query by campaign, lead unit, stage and light, as an
// operator would in Temporal's UI.
func TestSearchAttributes(t *testing.T) {
	st := storetest.SQLite(t)
	anon, svc := newServerAndService(t, &activities.Activities{Store: st})
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unitA, unitB domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unitA)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "养老服务处"}).Decode(t, &unitB)
	for _, u := range []map[string]any{
		{"username": "leader1", "password": "password12", "role": "leader"},
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "ua", "password": "password50", "role": "unit", "unit_id": unitA.ID},
		{"username": "ub", "password": "password60", "role": "unit", "unit_id": unitB.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader1 := anon.As(anon.Login(t, "leader1", "password12"))
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	ua := anon.As(anon.Login(t, "ua", "password50"))
	ub := anon.As(anon.Login(t, "ub", "password60"))
	var campaign domain.Campaign
	leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "检索属性", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)

	far := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	near := time.Now().AddDate(0, 0, 1).Format("2006-01-02") // inside the 3-day warning window
	problem := func(title string, unit domain.Unit, deadline string, steps func(pp string)) int64 {
		t.Helper()
		var p domain.Problem
		leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": title}).Decode(t, &p)
		pp := "/api/v1/problems/" + id(p.ID)
		if steps != nil {
			leader1.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
				{"title": "整改" + title, "kind": "deadline", "lead_unit_id": unit.ID, "deadline": deadline},
			}})
			leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
			steps(pp)
		}
		return p.ID
	}
	verifyA := problem("低保动态管理不及时", unitA, far, func(pp string) {
		ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已完成"})
		ua.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
	})
	verifyB := problem("养老机构监管不严", unitB, far, func(pp string) {
		ub.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		ub.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "已完成"})
		ub.Must(t, 200, "POST", pp+"/closure-request", justifiedClosure)
	})
	executeA := problem("救助资金发放滞后", unitA, near, func(pp string) {
		ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
	})
	planned := problem("台账不规范", unitA, "", nil)

	wfIDs := func(ids ...int64) []string {
		out := make([]string, len(ids))
		for i, n := range ids {
			out[i] = workflows.ProblemWorkflowID(n)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"VerifyInUnitA", fmt.Sprintf(`Stage="verify" AND LeadUnitId=%d`, unitA.ID), wfIDs(verifyA)},
		{"Verify", `Stage="verify"`, wfIDs(verifyA, verifyB)},
		{"Yellow", fmt.Sprintf(`Light="yellow" AND CampaignId=%d`, campaign.ID), wfIDs(executeA)},
		{"Plan", fmt.Sprintf(`Stage="plan" AND CampaignId=%d`, campaign.ID), wfIDs(planned)},
		{"Campaign", fmt.Sprintf(`CampaignId=%d`, campaign.ID), wfIDs(verifyA, verifyB, executeA, planned)},
		{"OtherCampaign", fmt.Sprintf(`CampaignId=%d`, campaign.ID+1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			// Visibility follows the workflows with a lag.
			deadline := time.Now().Add(15 * time.Second)
			for {
				resp, err := svc.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: tc.query})
				if err != nil {
					t.Fatal(err)
				}
				got = got[:0]
				for _, e := range resp.GetExecutions() {
					got = append(got, e.GetExecution().GetWorkflowId())
				}
				slices.Sort(got)
				if slices.Equal(got, tc.want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s found %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}
