package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store/storetest"
)

// persona is one kind of caller of the authorisation matrix.
type persona struct {
	name  string
	role  domain.Role // "" for anonymous
	token string
	// ownUnit: a unit user whose unit leads the test problem.
	ownUnit bool
}

// TestAccessMatrix walks every registered route × {anonymous, admin,
// leader, supervisor, discipline, the problem's unit, another unit} against
// routeAccess: a route without a declaration fails; anonymous callers get
// 401 on every non-public route; roles outside a route's Roles get 403;
// everyone inside passes the gate (no 401/403); unit users reach only their
// unit's problems. Workflow and look-back rules are covered by their own
// end-to-end tests (api_test.go, lookbacks_test.go); here only the gate.
// Runs without Temporal (offlineTemporal): a request past the gate that
// needs a workflow answers 503, which is "passed" here.
func TestAccessMatrix(t *testing.T) {
	st := storetest.SQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(st, offlineTemporal{}, logger, time.Hour)
	svc.Blobs = &blob.Local{Dir: t.TempDir()}
	ctx := t.Context()

	unitA, err := st.CreateUnit(ctx, "unit A")
	must(t, err)
	unitC, err := st.CreateUnit(ctx, "unit C")
	must(t, err)
	users := map[string]domain.User{}
	for _, nu := range []domain.NewUser{
		{Username: "admin", Role: domain.RoleAdmin}, {Username: "leader", Role: domain.RoleLeader},
		{Username: "supervisor", Role: domain.RoleSupervisor}, {Username: "discipline", Role: domain.RoleDiscipline},
		{Username: "unit-own", Role: domain.RoleUnit, UnitID: unitA.ID}, {Username: "unit-other", Role: domain.RoleUnit, UnitID: unitC.ID},
	} {
		nu.Password = "pass-" + nu.Username + "-1"
		u, err := svc.CreateUserUnchecked(ctx, nu)
		must(t, err)
		users[nu.Username] = u
	}
	leader := users["leader"]
	campaign, err := st.CreateCampaign(ctx, domain.Campaign{Title: "round one"})
	must(t, err)
	p, err := st.CreateProblem(ctx, domain.NewProblem{CampaignID: campaign.ID, Title: "a problem"}, leader.Actor())
	must(t, err)
	tr, err := domain.Apply(p, domain.Command{Action: domain.ActionSubmitPlan, Actor: leader.Actor(), RequestID: "plan-1",
		Plan: &domain.PlanInput{LeadUnitID: unitA.ID, Measures: []domain.MeasureInput{{
			Title: "fix it", Kind: domain.KindLongTerm, LeadUnitID: unitA.ID, CoUnitIDs: []int64{}, ResponsibleLeader: "director"}}}},
		time.Now())
	must(t, err)
	must(t, st.RecordTransition(ctx, tr))
	lbID, _, err := st.CreateLookback(ctx, domain.Lookback{
		Title: "回头看", CampaignID: campaign.ID, DueDate: domain.DateOf(time.Now()).AddDays(30),
		ReviewerIDs: []int64{users["discipline"].ID}, CreatedBy: users["discipline"].ID,
		Problems: []domain.LookbackProblem{{ProblemID: p.ID}},
	}, "")
	must(t, err)

	personas := []persona{{name: "anonymous"}}
	for _, name := range []string{"admin", "leader", "supervisor", "discipline", "unit-own", "unit-other"} {
		token, _, err := svc.Login(ctx, name, "pass-"+name+"-1")
		must(t, err)
		personas = append(personas, persona{name: name, role: users[name].Role, token: token, ownUnit: name == "unit-own"})
	}

	srv := New(svc, logger)
	do := func(method, path, token string) (int, []byte) {
		var body io.Reader
		if method == http.MethodPost || method == http.MethodPut {
			body = strings.NewReader(`{}`)
		}
		req := httptest.NewRequest(method, path, body)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	problemID, campaignID := strconv.FormatInt(p.ID, 10), strconv.FormatInt(campaign.ID, 10)
	concrete := func(route string) string {
		path := route
		switch {
		case strings.HasPrefix(route, "/api/v1/problems/:id"):
			path = strings.Replace(path, ":id", problemID, 1)
		case strings.HasPrefix(route, "/api/v1/campaigns/:id"):
			path = strings.Replace(path, ":id", campaignID, 1)
		case strings.HasPrefix(route, "/api/v1/lookbacks/:id"):
			path = strings.Replace(path, ":id", strconv.FormatInt(lbID, 10), 1)
		}
		return strings.NewReplacer(":id", "999", ":mid", "1", ":rid", "1", ":eid", "999", ":pid", problemID).Replace(path)
	}

	// GETs an allowed caller cannot fetch here: the fixture's problem is
	// still in plan and has no evidence (evidence_test.go fetches files).
	// The sample size needs a population or a campaign in its query.
	notFetched := map[string]bool{"GET /api/v1/evidence/:eid": true, "GET /api/v1/lookbacks/sample-size": true}
	registered := map[string]bool{}
	for _, r := range srv.router.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		decl, ok := routeAccess[key]
		if !ok {
			t.Errorf("%s has no declaration in routeAccess (api/access.go)", key)
			continue
		}
		path := concrete(r.Path)
		for _, who := range personas {
			if key == "POST /api/v1/auth/logout" && who.token != "" {
				continue // it would end the session the other routes use
			}
			status, body := do(r.Method, path, who.token)
			gated := status == http.StatusUnauthorized || status == http.StatusForbidden
			var want string
			switch {
			case decl.Public:
				// Login answers 401 to the empty body it is sent: only
				// check that nothing refuses by role.
				if status == http.StatusForbidden {
					want = "no 403 (public)"
				}
			case who.token == "":
				if status != http.StatusUnauthorized {
					want = "401"
				}
			case decl.Roles != nil && !slices.Contains(decl.Roles, who.role):
				if status != http.StatusForbidden {
					want = "403 (role)"
				}
			case decl.Scope == scopeProblem && strings.Contains(r.Path, "/problems/:id") && who.role == domain.RoleUnit && !who.ownUnit:
				if status != http.StatusForbidden {
					want = "403 (another unit's problem)"
				}
			case r.Method == http.MethodGet && decl.Scope == scopeLookback && strings.Contains(r.Path, "/lookbacks/:id") && who.role == domain.RoleUnit && !who.ownUnit:
				if status != http.StatusForbidden && status != http.StatusNotFound {
					want = "403 or 404 (a look-back without the unit's problems)"
				}
			case r.Method == http.MethodGet && !notFetched[key] && (decl.Scope == scopeNone || decl.Scope == scopeProblem || decl.Scope == scopeOwn || decl.Scope == scopeLookback):
				if status != http.StatusOK {
					want = "200"
				}
			case decl.Roles != nil || decl.Scope == scopeNone || decl.Scope == scopeProblem:
				if gated {
					want = "no 401/403"
				}
			}
			if want != "" {
				t.Errorf("%s as %s (%s): status %d, want %s: %s", key, who.name, path, status, want, bytes.TrimSpace(body))
			}
		}
	}
	for key := range routeAccess {
		if !registered[key] {
			t.Errorf("routeAccess declares %s, which is not a route", key)
		}
	}

	// The problem list is scoped, not refused: the other unit sees nothing.
	for _, who := range personas[1:] {
		status, body := do(http.MethodGet, "/api/v1/problems", who.token)
		var got struct{ Total int64 }
		_ = json.Unmarshal(body, &got)
		want := int64(1)
		if who.role == domain.RoleUnit && !who.ownUnit {
			want = 0
		}
		if status != http.StatusOK || got.Total != want {
			t.Errorf("GET /api/v1/problems as %s: %d, total %d, want %d", who.name, status, got.Total, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// offlineTemporal answers every call the service makes as unavailable.
type offlineTemporal struct{ client.Client }

var errOffline = serviceerror.NewUnavailable("offline for the access test")

func (offlineTemporal) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, errOffline
}

func (offlineTemporal) ExecuteWorkflow(context.Context, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	return nil, errOffline
}

func (offlineTemporal) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return nil, errOffline
}

func (offlineTemporal) ScheduleClient() client.ScheduleClient { return offlineSchedules{} }

type offlineSchedules struct{ client.ScheduleClient }

func (offlineSchedules) Create(context.Context, client.ScheduleOptions) (client.ScheduleHandle, error) {
	return nil, errOffline
}

func (offlineSchedules) GetHandle(context.Context, string) client.ScheduleHandle {
	return offlineSchedule{}
}

type offlineSchedule struct{ client.ScheduleHandle }

func (offlineSchedule) Delete(context.Context) error { return errOffline }

func (offlineSchedule) Trigger(context.Context, client.ScheduleTriggerOptions) error {
	return errOffline
}
