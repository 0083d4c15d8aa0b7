package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/api"
	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/workflows"
)

// newServer runs the API over a real embedded Temporal server and st, with
// a first admin "admin" / "admin-password".
func newServer(t *testing.T, st *store.Store) apitest.Client {
	t.Helper()
	return newServerWith(t, &activities.Activities{Store: st})
}

// newServerWith is newServer with the given activities (and their store).
func newServerWith(t *testing.T, acts *activities.Activities) apitest.Client {
	t.Helper()
	c, _ := newServerAndService(t, acts)
	return c
}

// newServerAndService is newServerWith that also returns the service (the
// demo loader needs it).
func newServerAndService(t *testing.T, acts *activities.Activities) (apitest.Client, *service.Service) {
	t.Helper()
	st := acts.Store
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	if err := searchattrs.Register(context.Background(), ts.GetDefaultClient(), ts.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	tc := ts.GetDefaultClient()
	ts.NewWorker(workflows.TaskQueue, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
		r.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
		acts.Register(r)
	})
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc := service.New(st, tc, logger, time.Hour)
	acts.Problems = svc
	svc.Blobs = &blob.Local{Dir: t.TempDir()}
	if _, err := svc.CreateUserUnchecked(context.Background(), domain.NewUser{
		Username: "admin", Password: "admin-password", Role: domain.RoleAdmin,
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(svc, logger).WithEvidenceLimit(evidenceTestLimit))
	t.Cleanup(srv.Close)
	return apitest.Client{BaseURL: srv.URL}.Checked(t), svc
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestProblemLifecycle walks one problem from creation to closed through
// HTTP, with every kind of refusal on the way, on SQLite and PostgreSQL.
func TestProblemLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		anon := newServer(t, st)
		admin := anon.As(anon.Login(t, "admin", "admin-password"))

		var unitA, unitB, unitC domain.Unit
		admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unitA)
		admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "办公室"}).Decode(t, &unitB)
		admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "养老服务处"}).Decode(t, &unitC)
		for _, u := range []map[string]any{
			{"username": "leader1", "password": "password12", "role": "leader"},
			{"username": "leader2", "password": "password20", "role": "leader"},
			{"username": "super", "password": "password30", "role": "supervisor"},
			{"username": "disc", "password": "password40", "role": "discipline"},
			{"username": "ua", "password": "password50", "role": "unit", "unit_id": unitA.ID},
			{"username": "ub", "password": "password60", "role": "unit", "unit_id": "2"}, // IDs may be strings
			{"username": "uc", "password": "password70", "role": "unit", "unit_id": unitC.ID},
		} {
			admin.Must(t, 201, "POST", "/api/v1/users", u)
		}
		leader1 := anon.As(anon.Login(t, "leader1", "password12"))
		leader2 := anon.As(anon.Login(t, "leader2", "password20"))
		super := anon.As(anon.Login(t, "super", "password30"))
		disc := anon.As(anon.Login(t, "disc", "password40"))
		ua := anon.As(anon.Login(t, "ua", "password50"))
		ub := anon.As(anon.Login(t, "ub", "password60"))
		uc := anon.As(anon.Login(t, "uc", "password70"))

		var campaign domain.Campaign
		leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{
			"title": "省委第四巡视组反馈意见整改", "inspected_body": "省民政厅党组", "inspection_team": "省委第四巡视组",
			"inspection_start": "2023-11-13", "inspection_end": "2023-12-29", "feedback_date": "2024-02-26T10:00:00+08:00",
			"policy": map[string]any{"endorse_closure": false}, // the office path has its own test
		}).Decode(t, &campaign)
		var p domain.Problem
		leader1.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{
			"number": 2, "title": "低保救助‘提标扩围’力度不大", "description": "…", "section": "民生保障",
		}).Decode(t, &p)
		if p.Stage != domain.StagePlan || p.Number != 2 {
			t.Fatalf("new problem = %+v", p)
		}
		pp := "/api/v1/problems/" + id(p.ID)
		future := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
		plan := map[string]any{"lead_unit_id": unitA.ID, "measures": []map[string]any{
			{"title": "提高低保标准", "kind": "deadline", "lead_unit_id": unitA.ID, "co_unit_ids": []any{unitB.ID}, "responsible_leader": "分管厅领导", "deadline": future},
			{"title": "建立动态调整机制", "kind": "long_term", "lead_unit_id": id(unitA.ID), "responsible_leader": "分管厅领导"},
		}}

		refusals := []struct {
			name   string
			client apitest.Client
			method string
			path   string
			body   any
			status int
		}{
			{"NoToken", anon, "GET", "/api/v1/problems", nil, 401},
			{"BadToken", anon.As("nonsense"), "GET", "/api/v1/me", nil, 401},
			{"UnitCreatesUnit", ua, "POST", "/api/v1/units", map[string]any{"name": "x"}, 403},
			{"UnitCreatesProblem", ua, "POST", "/api/v1/campaigns/" + id(campaign.ID) + "/problems", map[string]any{"title": "x"}, 403},
			{"UnknownProblem", leader1, "GET", "/api/v1/problems/999", nil, 404},
			{"UnknownCampaign", leader1, "POST", "/api/v1/campaigns/999/problems", map[string]any{"title": "x"}, 404},
			{"BadID", leader1, "GET", "/api/v1/problems/abc", nil, 400},
			{"EmptyTitle", leader1, "POST", "/api/v1/campaigns/" + id(campaign.ID) + "/problems", map[string]any{"title": "  "}, 400},
			{"MalformedJSON", leader1, "POST", pp + "/plan", `{"lead_unit_id":`, 400},
			{"WrongType", leader1, "POST", pp + "/plan", map[string]any{"lead_unit_id": true}, 400},
			{"UnknownField", leader1, "POST", pp + "/plan", map[string]any{"lead": 1}, 400},
			{"Oversized", leader1, "POST", pp + "/plan", `{"lead_unit_id":1,"measures":[{"title":"` + strings.Repeat("x", 2<<20) + `"}]}`, 413},
			{"PastDeadline", leader1, "POST", pp + "/plan", map[string]any{"lead_unit_id": unitA.ID, "measures": []map[string]any{{"title": "t", "kind": "deadline", "lead_unit_id": unitA.ID, "deadline": "2020-01-01"}}}, 400},
			{"UnknownLeadUnit", leader1, "POST", pp + "/plan", map[string]any{"lead_unit_id": unitA.ID, "measures": []map[string]any{{"title": "t", "kind": "deadline", "lead_unit_id": 999, "deadline": future}}}, 400},
			{"ApproveWithoutPlan", leader2, "POST", pp + "/plan/approve", map[string]any{}, 409},
			{"UnitSubmitsPlan", ua, "POST", pp + "/plan", plan, 403},
			{"AcknowledgeInPlan", ua, "POST", pp + "/measures/1/acknowledge", nil, 404},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.client.Do(t, tc.method, tc.path, tc.body)
				if r.Status != tc.status || r.ErrorCode() == "" {
					t.Fatalf("status %d (%s), want %d with an error code", r.Status, r.Body, tc.status)
				}
			})
		}
		assertEvents(t, st, p.ID, "create") // refusals wrote nothing

		leader1.Must(t, 200, "POST", pp+"/plan", plan).Decode(t, &p)
		if len(p.Measures) != 2 || p.LeadUnitID != unitA.ID || p.Measures[0].CoUnitIDs[0] != unitB.ID {
			t.Fatalf("plan not applied: %+v", p)
		}
		leader1.Must(t, 403, "POST", pp+"/plan/approve", nil) // the drafter may not approve
		leader2.Must(t, 400, "POST", pp+"/plan/reject", map[string]any{"reason": " "})
		leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
		if p.Stage != domain.StageAssign {
			t.Fatalf("stage after approval = %s", p.Stage)
		}
		ub.Must(t, 403, "POST", pp+"/measures/1/acknowledge", nil) // co-unit does not acknowledge
		ua.Must(t, 404, "POST", pp+"/measures/9/acknowledge", nil)
		ua.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)
		ua.Must(t, 409, "POST", pp+"/measures/1/acknowledge", nil)
		ua.Must(t, 200, "POST", pp+"/measures/2/acknowledge", nil).Decode(t, &p)
		if p.Stage != domain.StageExecute {
			t.Fatalf("stage after acknowledgements = %s", p.Stage)
		}

		ub.Must(t, 200, "POST", pp+"/measures/1/progress", map[string]any{"text": "配合完成数据比对", "percent": 40})
		uc.Must(t, 403, "POST", pp+"/measures/1/progress", map[string]any{"text": "不相干"})
		ua.Must(t, 400, "POST", pp+"/measures/2/progress", map[string]any{"text": "x", "percent": 101})
		// The same click twice is applied once and answers the same.
		first := ua.Must(t, 200, "POST", pp+"/measures/2/progress", map[string]any{"text": "机制已建立"}, "Idempotency-Key", "click-1")
		again := ua.Must(t, 200, "POST", pp+"/measures/2/progress", map[string]any{"text": "机制已建立"}, "Idempotency-Key", "click-1")
		var p1, p2 domain.Problem
		first.Decode(t, &p1)
		again.Decode(t, &p2)
		if p1.Version != p2.Version || p2.Measures[1].ProgressCount != 1 {
			t.Fatalf("retry applied twice: versions %d/%d, progress count %d", p1.Version, p2.Version, p2.Measures[1].ProgressCount)
		}

		ua.Must(t, 409, "POST", pp+"/closure-request", map[string]any{"summary": "完成"}) // measure 1 open
		ub.Must(t, 403, "POST", pp+"/measures/1/complete", map[string]any{"summary": "完成"})
		ua.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "低保标准已提高"})
		ub.Must(t, 403, "POST", pp+"/closure-request", map[string]any{"summary": "完成"})
		ua.Must(t, 409, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"}) // no evidence on measure 1
		ua.Must(t, 400, "POST", pp+"/closure-request", map[string]any{"justifications": map[string]string{"one": "x"}})
		justified := map[string]any{"summary": "申请销号", "justifications": map[string]string{"1": "标准调整以省政府文件为准,已另行报送"}}
		ua.Must(t, 200, "POST", pp+"/closure-request", justified)
		ua.Must(t, 403, "POST", pp+"/closure/approve", nil) // a unit never approves its own closure
		leader1.Must(t, 403, "POST", pp+"/closure/approve", nil)
		super.Must(t, 400, "POST", pp+"/closure/reject", map[string]any{})
		super.Must(t, 200, "POST", pp+"/closure/reject", map[string]any{"reason": "佐证材料不全"}).Decode(t, &p)
		if p.Stage != domain.StageExecute {
			t.Fatalf("stage after rejection = %s", p.Stage)
		}
		ua.Must(t, 200, "POST", pp+"/closure-request", justified)
		super.Must(t, 200, "POST", pp+"/closure/approve", map[string]any{"comment": "同意销号"}).Decode(t, &p)
		if p.Stage != domain.StageClosed || p.ClosedAt.IsZero() {
			t.Fatalf("not closed: %+v", p)
		}
		super.Must(t, 409, "POST", pp+"/closure/approve", nil)

		// The read model agrees with the workflow.
		var detail struct {
			domain.Problem
			Progress []domain.ProgressEntry `json:"progress"`
		}
		disc.Must(t, 200, "GET", pp, nil).Decode(t, &detail)
		if detail.Stage != domain.StageClosed || len(detail.Progress) != 2 || detail.Version != p.Version {
			t.Fatalf("read model: stage %s, %d progress entries, version %d (want %d)", detail.Stage, len(detail.Progress), detail.Version, p.Version)
		}
		ub.Must(t, 200, "GET", pp, nil) // a co-unit sees the problem
		uc.Must(t, 403, "GET", pp, nil) // another unit does not
		var ucList struct {
			Total int64 `json:"total"`
		}
		uc.Must(t, 200, "GET", "/api/v1/problems", nil).Decode(t, &ucList)
		if ucList.Total != 0 {
			t.Fatalf("unit C sees %d problems", ucList.Total)
		}
		var summary domain.CampaignSummary
		disc.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID), nil).Decode(t, &summary)
		if summary.StageCounts[domain.StageClosed] != 1 || summary.ProblemCount != 1 {
			t.Fatalf("campaign counts = %+v", summary.StageCounts)
		}
		assertEvents(t, st, p.ID, "create", "submit_plan", "approve_plan", "acknowledge", "acknowledge",
			"report_progress", "report_progress", "complete_measure", "request_closure", "reject_closure",
			"request_closure", "approve_closure")
		var events struct {
			Items []domain.Event `json:"items"`
		}
		super.Must(t, 200, "GET", pp+"/events", nil).Decode(t, &events)
		last := events.Items[len(events.Items)-1]
		if last.ActorName != "super" || last.ActorRole != domain.RoleSupervisor || last.Reason != "同意销号" {
			t.Fatalf("last event = %+v", last)
		}
		uc.Must(t, 403, "GET", pp+"/events", nil)
		admin.Must(t, 204, "POST", "/api/v1/auth/logout", nil)
		admin.Must(t, 401, "GET", "/api/v1/me", nil)
	})
}

func assertEvents(t *testing.T, st *store.Store, problemID int64, actions ...string) {
	t.Helper()
	events, err := st.Events(context.Background(), problemID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, e := range events {
		got = append(got, string(e.Action))
		if e.Seq != int64(i+1) {
			t.Errorf("event %d has seq %d", i, e.Seq)
		}
	}
	if strings.Join(got, ",") != strings.Join(actions, ",") {
		t.Fatalf("events = %v\nwant     %v", got, actions)
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
