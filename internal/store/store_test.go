package store_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// ---------------------------------------------------------------------------
// Fixture

// start is the fixed clock every test begins at.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// deadline is a deadline still ahead of start.
const deadline domain.Date = "2026-06-30"

type fixture struct {
	s   *store.Store
	now time.Time

	units      map[string]domain.Unit // A, B, C, D
	admin      domain.Actor
	leader1    domain.Actor // submits plans
	leader2    domain.Actor // decides on them
	supervisor domain.Actor
	unitUser   map[string]domain.Actor // a unit user per unit
	campaign   domain.Campaign
	requests   int
}

// newFixture sets a settable clock on s and creates units A-D, a user per
// role (and per unit) and one campaign.
func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	f := &fixture{s: s, now: start, units: map[string]domain.Unit{}, unitUser: map[string]domain.Actor{}}
	s.Now = func() time.Time { return f.now }
	for _, name := range []string{"A", "B", "C", "D"} {
		f.units[name] = mustUnit(t, s, "unit "+name)
	}
	f.admin = f.user(t, "admin", domain.RoleAdmin, "")
	f.leader1 = f.user(t, "leader1", domain.RoleLeader, "")
	f.leader2 = f.user(t, "leader2", domain.RoleLeader, "")
	f.supervisor = f.user(t, "supervisor", domain.RoleSupervisor, "")
	for _, name := range []string{"A", "B", "C", "D"} {
		f.unitUser[name] = f.user(t, "user"+strings.ToLower(name), domain.RoleUnit, name)
	}
	f.campaign = mustCampaign(t, s, "2026 round one")
	return f
}

func (f *fixture) tick() { f.now = f.now.Add(time.Minute) }

func (f *fixture) unit(name string) int64 { return f.units[name].ID }

func (f *fixture) user(t *testing.T, username string, role domain.Role, unit string) domain.Actor {
	t.Helper()
	var unitID int64
	if unit != "" {
		unitID = f.unit(unit)
	}
	u, err := f.s.CreateUser(t.Context(), domain.NewUser{
		Username: username, DisplayName: username, Role: role, UnitID: unitID,
	}, "hash-of-"+username)
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u.Actor()
}

func (f *fixture) problem(t *testing.T, campaignID int64, title string) domain.Problem {
	t.Helper()
	p, err := f.s.CreateProblem(t.Context(), domain.NewProblem{CampaignID: campaignID, Title: title}, f.admin)
	if err != nil {
		t.Fatalf("create problem %q: %v", title, err)
	}
	return p
}

func (f *fixture) load(t *testing.T, id int64) domain.Problem {
	t.Helper()
	p, err := f.s.Problem(t.Context(), id)
	if err != nil {
		t.Fatalf("load problem %d: %v", id, err)
	}
	return p
}

// apply runs cmd on p one minute later than the last step, without
// recording it.
func (f *fixture) apply(t *testing.T, p domain.Problem, cmd domain.Command) domain.Transition {
	t.Helper()
	f.tick()
	f.requests++
	cmd.RequestID = fmt.Sprintf("req-%d", f.requests)
	tr, err := domain.Apply(p, cmd, f.now)
	if err != nil {
		t.Fatalf("apply %s: %v", cmd.Action, err)
	}
	return tr
}

func (f *fixture) record(t *testing.T, tr domain.Transition) {
	t.Helper()
	if err := f.s.RecordTransition(t.Context(), tr); err != nil {
		t.Fatalf("record %s (seq %d): %v", tr.Event.Action, tr.Event.Seq, err)
	}
}

// do applies and records cmd and returns the problem after it.
func (f *fixture) do(t *testing.T, p domain.Problem, cmd domain.Command) domain.Problem {
	t.Helper()
	tr := f.apply(t, p, cmd)
	f.record(t, tr)
	return tr.Problem
}

// Commands.

func (f *fixture) submit(lead string, measures ...domain.MeasureInput) domain.Command {
	return domain.Command{Action: domain.ActionSubmitPlan, Actor: f.leader1,
		Plan: &domain.PlanInput{LeadUnitID: f.unit(lead), Measures: measures}}
}

func (f *fixture) measure(title string, kind domain.MeasureKind, lead string, co ...string) domain.MeasureInput {
	m := domain.MeasureInput{Title: title, Kind: kind, LeadUnitID: f.unit(lead), CoUnitIDs: []int64{},
		ResponsibleLeader: "Director " + lead}
	for _, c := range co {
		m.CoUnitIDs = append(m.CoUnitIDs, f.unit(c))
	}
	if kind != domain.KindLongTerm {
		m.Deadline = deadline
	}
	return m
}

func (f *fixture) approvePlan(text string) domain.Command {
	return domain.Command{Action: domain.ActionApprovePlan, Actor: f.leader2, Text: text}
}

func (f *fixture) ack(unit string, measureID int64) domain.Command {
	return domain.Command{Action: domain.ActionAcknowledge, Actor: f.unitUser[unit], MeasureID: measureID}
}

func (f *fixture) progress(unit string, measureID int64, text string, percent *int) domain.Command {
	return domain.Command{Action: domain.ActionReportProgress, Actor: f.unitUser[unit], MeasureID: measureID,
		Progress: &domain.ProgressInput{Text: text, Percent: percent}}
}

func (f *fixture) complete(unit string, measureID int64, summary string) domain.Command {
	return domain.Command{Action: domain.ActionCompleteMeasure, Actor: f.unitUser[unit], MeasureID: measureID, Text: summary}
}

func (f *fixture) requestClosure(unit string) domain.Command {
	// Evidence on the first measures, as the service reads it from the store.
	var refs []domain.EvidenceRef
	for m := int64(1); m <= 4; m++ {
		refs = append(refs, domain.EvidenceRef{ID: 100 + m, MeasureID: m})
	}
	return domain.Command{Action: domain.ActionRequestClosure, Actor: f.unitUser[unit], Text: "all done", Evidence: refs}
}

func (f *fixture) approveClosure(text string) domain.Command {
	return domain.Command{Action: domain.ActionApproveClosure, Actor: f.supervisor, Text: text}
}

// toExecute takes a fresh problem with a one-measure plan led by unit to
// stage execute.
func (f *fixture) toExecute(t *testing.T, p domain.Problem, lead string, co ...string) domain.Problem {
	t.Helper()
	p = f.do(t, p, f.submit(lead, f.measure("fix it", domain.KindImmediate, lead, co...)))
	p = f.do(t, p, f.approvePlan(""))
	return f.do(t, p, f.ack(lead, 1))
}

// ---------------------------------------------------------------------------
// Helpers

func mustUnit(t *testing.T, s *store.Store, name string) domain.Unit {
	t.Helper()
	u, err := s.CreateUnit(t.Context(), name)
	if err != nil {
		t.Fatalf("create unit %q: %v", name, err)
	}
	return u
}

func mustCampaign(t *testing.T, s *store.Store, title string) domain.Campaign {
	t.Helper()
	c, err := s.CreateCampaign(t.Context(), domain.Campaign{Title: title, InspectedBody: "Bureau", InspectionTeam: "Team 3",
		InspectionStart: "2026-01-05", InspectionEnd: "2026-02-05", FeedbackDate: "2026-02-20"})
	if err != nil {
		t.Fatalf("create campaign %q: %v", title, err)
	}
	return c
}

// wantCode fails unless err is a *domain.Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %s), want code %s", err, got, code)
	}
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// normProblem makes problems comparable across backends: times in UTC at
// PostgreSQL's microsecond precision, empty slices instead of nil.
func normProblem(p domain.Problem) domain.Problem {
	p = p.Clone()
	p.ClosedAt, p.UpdatedAt, p.StageSince = normTime(p.ClosedAt), normTime(p.UpdatedAt), normTime(p.StageSince)
	for i := range p.Extensions {
		p.Extensions[i].RequestedAt, p.Extensions[i].DecidedAt = normTime(p.Extensions[i].RequestedAt), normTime(p.Extensions[i].DecidedAt)
	}
	if p.Measures == nil {
		p.Measures = []domain.Measure{}
	}
	for i := range p.Measures {
		m := &p.Measures[i]
		m.AcknowledgedAt, m.CompletedAt, m.LatestProgressAt = normTime(m.AcknowledgedAt), normTime(m.CompletedAt), normTime(m.LatestProgressAt)
		if m.CoUnitIDs == nil {
			m.CoUnitIDs = []int64{}
		}
	}
	return p
}

func normEvent(e domain.Event) domain.Event {
	e.ID = 0
	e.At = normTime(e.At)
	return e
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameProblem fails unless the read model got equals want.
func sameProblem(t *testing.T, got, want domain.Problem) {
	t.Helper()
	if g, w := normProblem(got), normProblem(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("read model differs from the workflow's state\n got: %s\nwant: %s", mustJSON(t, g), mustJSON(t, w))
	}
}

func intp(v int) *int { return &v }

func eventActions(events []domain.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = fmt.Sprintf("%d:%s", e.Seq, e.Action)
	}
	return out
}

// ---------------------------------------------------------------------------
// Units

func TestUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.Now = func() time.Time { return start }
		first := mustUnit(t, s, "Finance Office")

		t.Run("create", func(t *testing.T) {
			tests := []struct {
				name     string
				in       string
				wantName string
				wantCode string
			}{
				{name: "plain", in: "Audit Office", wantName: "Audit Office"},
				{name: "trimmed", in: "  Legal Office \t", wantName: "Legal Office"},
				{name: "non-ASCII", in: "办公室", wantName: "办公室"},
				{name: "200 runes is the limit", in: strings.Repeat("处", 200), wantName: strings.Repeat("处", 200)},
				{name: "duplicate name", in: "Finance Office", wantCode: domain.EConflict},
				{name: "duplicate after trimming", in: " Finance Office ", wantCode: domain.EConflict},
				{name: "empty name", in: "", wantCode: domain.EInvalid},
				{name: "blank name", in: "   ", wantCode: domain.EInvalid},
				{name: "too long", in: strings.Repeat("处", 201), wantCode: domain.EInvalid},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					u, err := s.CreateUnit(ctx, tc.in)
					wantCode(t, err, tc.wantCode)
					if tc.wantCode != "" {
						return
					}
					if u.ID == 0 || u.Name != tc.wantName || !u.CreatedAt.Equal(start) {
						t.Fatalf("got %+v, want a new unit named %q created at %v", u, tc.wantName, start)
					}
					got, err := s.UnitByName(ctx, tc.wantName)
					wantCode(t, err, "")
					if got.ID != u.ID || got.Name != u.Name || !got.CreatedAt.Equal(start) {
						t.Fatalf("UnitByName = %+v, want %+v", got, u)
					}
				})
			}
		})

		units, err := s.ListUnits(ctx)
		wantCode(t, err, "")

		t.Run("ListUnits by ID", func(t *testing.T) {
			var names []string
			for i, u := range units {
				names = append(names, u.Name)
				if i > 0 && u.ID <= units[i-1].ID {
					t.Fatalf("units out of ID order: %+v", units)
				}
			}
			want := []string{"Finance Office", "Audit Office", "Legal Office", "办公室", strings.Repeat("处", 200)}
			if !slices.Equal(names, want) {
				t.Fatalf("ListUnits names = %q, want %q", names, want)
			}
		})

		t.Run("CheckUnitsExist", func(t *testing.T) {
			missing := units[len(units)-1].ID + 1000
			tests := []struct {
				name     string
				ids      []int64
				wantCode string
				wantMsg  string
			}{
				{name: "none", ids: nil},
				{name: "all exist", ids: []int64{units[0].ID, units[2].ID, units[1].ID}},
				{name: "repeated IDs", ids: []int64{first.ID, first.ID}},
				{name: "one missing", ids: []int64{first.ID, missing}, wantCode: domain.EInvalid, wantMsg: fmt.Sprintf("unit %d does not exist", missing)},
				{name: "zero is no unit", ids: []int64{0}, wantCode: domain.EInvalid, wantMsg: "unit 0 does not exist"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					err := s.CheckUnitsExist(ctx, tc.ids)
					wantCode(t, err, tc.wantCode)
					if tc.wantMsg != "" && domain.ErrorMessage(err) != tc.wantMsg {
						t.Fatalf("message %q, want %q", domain.ErrorMessage(err), tc.wantMsg)
					}
				})
			}
		})

		t.Run("UnitByName", func(t *testing.T) {
			tests := []struct {
				name, in string
				wantID   int64
				wantCode string
			}{
				{name: "found", in: "Finance Office", wantID: first.ID},
				{name: "not found", in: "Nowhere", wantCode: domain.ENotFound},
				{name: "exact match only", in: "finance office", wantCode: domain.ENotFound},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					u, err := s.UnitByName(ctx, tc.in)
					wantCode(t, err, tc.wantCode)
					if err == nil && u.ID != tc.wantID {
						t.Fatalf("got unit %d, want %d", u.ID, tc.wantID)
					}
				})
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Users and sessions

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := start
		s.Now = func() time.Time { return now }
		unit := mustUnit(t, s, "Finance Office")

		t.Run("create", func(t *testing.T) {
			tests := []struct {
				name     string
				in       domain.NewUser
				wantCode string
			}{
				{name: "admin", in: domain.NewUser{Username: "root", DisplayName: "Root", Role: domain.RoleAdmin}},
				{name: "unit user", in: domain.NewUser{Username: "clerk", DisplayName: "Clerk", Role: domain.RoleUnit, UnitID: unit.ID}},
				{name: "duplicate username", in: domain.NewUser{Username: "root", DisplayName: "Other", Role: domain.RoleLeader}, wantCode: domain.EConflict},
				{name: "unknown unit", in: domain.NewUser{Username: "ghost", DisplayName: "Ghost", Role: domain.RoleUnit, UnitID: unit.ID + 100}, wantCode: domain.EInvalid},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					u, err := s.CreateUser(ctx, tc.in, "$2a$10$hash-of-"+tc.in.Username)
					wantCode(t, err, tc.wantCode)
					if err != nil {
						return
					}
					want := domain.User{ID: u.ID, Username: tc.in.Username, DisplayName: tc.in.DisplayName, Role: tc.in.Role,
						UnitID: tc.in.UnitID, CreatedAt: start}
					if u.ID == 0 || !reflect.DeepEqual(u, want) {
						t.Fatalf("got %+v, want %+v", u, want)
					}
				})
			}
			if n, err := s.CountUsers(ctx); err != nil || n != 2 {
				t.Fatalf("CountUsers = %d, %v; want 2 (failed creations write nothing)", n, err)
			}
			users, err := s.ListUsers(ctx)
			wantCode(t, err, "")
			if len(users) != 2 || users[0].Username != "root" || users[1].Username != "clerk" {
				t.Fatalf("ListUsers = %+v, want root then clerk", users)
			}
		})

		t.Run("UserCredentials", func(t *testing.T) {
			tests := []struct {
				name, username, wantHash string
				wantCode                 string
			}{
				{name: "returns the hash", username: "clerk", wantHash: "$2a$10$hash-of-clerk"},
				{name: "unknown user", username: "nobody", wantCode: domain.ENotFound},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					u, hash, err := s.UserCredentials(ctx, tc.username)
					wantCode(t, err, tc.wantCode)
					if err == nil && (hash != tc.wantHash || u.Username != tc.username || u.UnitID != unit.ID || u.Role != domain.RoleUnit) {
						t.Fatalf("got %+v, %q", u, hash)
					}
				})
			}
		})

		root, _, err := s.UserCredentials(ctx, "root")
		wantCode(t, err, "")
		clerk, _, err := s.UserCredentials(ctx, "clerk")
		wantCode(t, err, "")

		t.Run("sessions", func(t *testing.T) {
			east := time.FixedZone("UTC+8", 8*3600)
			tests := []struct {
				name      string
				userID    int64
				expiresAt time.Time
				revoke    bool
				disable   bool
				checkAt   time.Time // s.Now when the session is looked up
				token     string    // looked up instead of the created one
				wantCode  string
			}{
				{name: "live", userID: root.ID, expiresAt: start.Add(time.Hour), checkAt: start.Add(time.Minute)},
				{name: "live until its last instant", userID: clerk.ID, expiresAt: start.Add(time.Hour), checkAt: start.Add(time.Hour - time.Millisecond)},
				{name: "expired", userID: root.ID, expiresAt: start.Add(time.Hour), checkAt: start.Add(2 * time.Hour), wantCode: domain.EUnauthorized},
				{name: "expires at exactly now", userID: root.ID, expiresAt: start.Add(time.Hour), checkAt: start.Add(time.Hour), wantCode: domain.EUnauthorized},
				{name: "expired, expiry in another zone", userID: root.ID, expiresAt: start.Add(-time.Hour).In(east), checkAt: start, wantCode: domain.EUnauthorized},
				{name: "live, expiry in another zone", userID: root.ID, expiresAt: start.Add(time.Hour).In(east), checkAt: start},
				{name: "revoked", userID: root.ID, expiresAt: start.Add(time.Hour), revoke: true, checkAt: start.Add(time.Minute), wantCode: domain.EUnauthorized},
				{name: "unknown token", userID: root.ID, expiresAt: start.Add(time.Hour), checkAt: start, token: "no-such-token", wantCode: domain.EUnauthorized},
			}
			for i, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					now = start
					token := fmt.Sprintf("%064x", i+1)
					if err := s.CreateSession(ctx, token, tc.userID, tc.expiresAt); err != nil {
						t.Fatalf("CreateSession: %v", err)
					}
					if tc.revoke {
						if err := s.RevokeSession(ctx, token); err != nil {
							t.Fatalf("RevokeSession: %v", err)
						}
					}
					if tc.token != "" {
						token = tc.token
					}
					now = tc.checkAt
					u, err := s.UserBySession(ctx, token)
					wantCode(t, err, tc.wantCode)
					if err == nil && u.ID != tc.userID {
						t.Fatalf("session of user %d, want %d", u.ID, tc.userID)
					}
				})
			}
		})

		t.Run("disabled users cannot authenticate", func(t *testing.T) {
			now = start
			token := strings.Repeat("d", 64)
			if err := s.CreateSession(ctx, token, clerk.ID, start.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UserBySession(ctx, token); err != nil {
				t.Fatalf("before disabling: %v", err)
			}
			if err := s.ExecSQL(ctx, "UPDATE users SET disabled = ? WHERE id = ?", true, clerk.ID); err != nil {
				t.Fatal(err)
			}
			_, err := s.UserBySession(ctx, token)
			wantCode(t, err, domain.EUnauthorized)
			u, _, err := s.UserCredentials(ctx, "clerk")
			wantCode(t, err, "")
			if !u.Disabled {
				t.Fatalf("UserCredentials reports %+v, want Disabled so that login refuses it", u)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Campaigns

func TestCampaigns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s) // creates campaign "2026 round one"
		second := mustCampaign(t, s, "2026 round two")
		third := mustCampaign(t, s, "2027 round one")

		t.Run("create keeps every field", func(t *testing.T) {
			want := domain.Campaign{ID: third.ID, Title: "2027 round one", InspectedBody: "Bureau", InspectionTeam: "Team 3",
				InspectionStart: "2026-01-05", InspectionEnd: "2026-02-05", FeedbackDate: "2026-02-20", CreatedAt: start,
				Policy: domain.Policy{}.WithDefaults()}
			got, err := s.Campaign(ctx, third.ID)
			wantCode(t, err, "")
			got.CreatedAt = got.CreatedAt.UTC()
			if !reflect.DeepEqual(got.Campaign, want) || !reflect.DeepEqual(third, want) {
				t.Fatalf("got %+v and %+v, want %+v", third, got.Campaign, want)
			}
		})

		t.Run("list newest first", func(t *testing.T) {
			list, err := s.ListCampaigns(ctx)
			wantCode(t, err, "")
			var ids []int64
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			if want := []int64{third.ID, second.ID, f.campaign.ID}; !slices.Equal(ids, want) {
				t.Fatalf("ListCampaigns IDs = %v, want %v", ids, want)
			}
		})

		// Problems in every stage but verify, in campaign one; one in
		// campaign two, which must not be counted in campaign one.
		c := f.campaign.ID
		f.problem(t, c, "stays in plan")
		submitted := f.do(t, f.problem(t, c, "approved plan"), f.submit("A", f.measure("m", domain.KindImmediate, "A")))
		f.do(t, submitted, f.approvePlan("")) // → assign
		f.toExecute(t, f.problem(t, c, "in execution"), "B")
		closed := f.toExecute(t, f.problem(t, c, "closed"), "C")
		closed = f.do(t, closed, f.complete("C", 1, "done"))
		closed = f.do(t, closed, f.requestClosure("C"))
		f.do(t, closed, f.approveClosure("verified"))
		f.toExecute(t, f.problem(t, second.ID, "elsewhere"), "A")

		t.Run("summary counts per stage", func(t *testing.T) {
			tests := []struct {
				name      string
				id        int64
				wantTotal int
				want      map[domain.Stage]int
				wantCode  string
			}{
				{name: "mixed stages", id: c, wantTotal: 4, want: map[domain.Stage]int{
					domain.StagePlan: 1, domain.StageAssign: 1, domain.StageExecute: 1, domain.StageVerify: 0, domain.StageClosed: 1, domain.StageLookback: 0}},
				{name: "one problem", id: second.ID, wantTotal: 1, want: map[domain.Stage]int{
					domain.StagePlan: 0, domain.StageAssign: 0, domain.StageExecute: 1, domain.StageVerify: 0, domain.StageClosed: 0, domain.StageLookback: 0}},
				{name: "no problems: zero-filled", id: third.ID, wantTotal: 0, want: map[domain.Stage]int{
					domain.StagePlan: 0, domain.StageAssign: 0, domain.StageExecute: 0, domain.StageVerify: 0, domain.StageClosed: 0, domain.StageLookback: 0}},
				{name: "unknown campaign", id: third.ID + 100, wantCode: domain.ENotFound},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					sum, err := s.Campaign(ctx, tc.id)
					wantCode(t, err, tc.wantCode)
					if err != nil {
						return
					}
					if sum.ID != tc.id || sum.ProblemCount != tc.wantTotal || !reflect.DeepEqual(sum.StageCounts, tc.want) {
						t.Fatalf("got campaign %d, %d problems, %v; want %d, %d, %v",
							sum.ID, sum.ProblemCount, sum.StageCounts, tc.id, tc.wantTotal, tc.want)
					}
					for _, st := range domain.AllStages() {
						if _, ok := sum.StageCounts[st]; !ok {
							t.Fatalf("stage %q missing from %v", st, sum.StageCounts)
						}
					}
				})
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Problems

func TestProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		other := mustCampaign(t, s, "other")

		t.Run("create", func(t *testing.T) {
			tests := []struct {
				name       string
				campaignID int64
				number     int
				wantNumber int
				wantCode   string
			}{
				{name: "first is 1", campaignID: f.campaign.ID, wantNumber: 1},
				{name: "then 2", campaignID: f.campaign.ID, wantNumber: 2},
				{name: "then 3", campaignID: f.campaign.ID, wantNumber: 3},
				{name: "explicit number", campaignID: f.campaign.ID, number: 10, wantNumber: 10},
				{name: "auto after explicit", campaignID: f.campaign.ID, wantNumber: 11},
				{name: "explicit gap filled", campaignID: f.campaign.ID, number: 5, wantNumber: 5},
				{name: "explicit duplicate", campaignID: f.campaign.ID, number: 2, wantCode: domain.EConflict},
				{name: "numbers are per campaign", campaignID: other.ID, wantNumber: 1},
				{name: "same explicit number elsewhere", campaignID: other.ID, number: 10, wantNumber: 10},
				{name: "unknown campaign", campaignID: other.ID + 100, wantCode: domain.ENotFound},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					f.tick()
					in := domain.NewProblem{CampaignID: tc.campaignID, Number: tc.number, Section: "Section I",
						Title: "problem " + tc.name, Description: "details"}
					p, err := s.CreateProblem(ctx, in, f.admin)
					wantCode(t, err, tc.wantCode)
					if err != nil {
						return
					}
					want := domain.Problem{ID: p.ID, CampaignID: tc.campaignID, Number: tc.wantNumber, Section: "Section I",
						Title: in.Title, Description: "details", Stage: domain.StagePlan, Version: 1, UpdatedAt: f.now,
						Measures: []domain.Measure{}, Policy: domain.Policy{}.WithDefaults()}
					if p.ID == 0 {
						t.Fatal("no ID")
					}
					sameProblem(t, p, want)
					sameProblem(t, f.load(t, p.ID), want)

					events, err := s.Events(ctx, p.ID)
					wantCode(t, err, "")
					if len(events) != 1 {
						t.Fatalf("got events %v, want the create event only", eventActions(events))
					}
					var payload struct {
						Number int    `json:"number"`
						Title  string `json:"title"`
					}
					if err := json.Unmarshal(events[0].Payload, &payload); err != nil {
						t.Fatalf("create payload %q: %v", events[0].Payload, err)
					}
					wantEv := domain.Event{ProblemID: p.ID, Seq: 1, Action: domain.ActionCreate, ActorID: f.admin.UserID,
						ActorName: "admin", ActorRole: domain.RoleAdmin, ToStage: domain.StagePlan, At: f.now,
						Payload: events[0].Payload}
					if got := normEvent(events[0]); !reflect.DeepEqual(got, normEvent(wantEv)) || events[0].ID == 0 {
						t.Fatalf("create event %+v, want %+v", events[0], wantEv)
					}
					if payload.Number != tc.wantNumber || payload.Title != in.Title {
						t.Fatalf("create payload %+v", payload)
					}
				})
			}
		})

		t.Run("unknown problem", func(t *testing.T) {
			_, err := s.Problem(ctx, 999999)
			wantCode(t, err, domain.ENotFound)
		})

		t.Run("concurrent creations number distinctly", func(t *testing.T) {
			c := mustCampaign(t, s, "busy")
			const n = 8
			var wg sync.WaitGroup
			numbers := make([]int, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					p, err := s.CreateProblem(ctx, domain.NewProblem{CampaignID: c.ID, Title: fmt.Sprint("p", i)}, f.admin)
					numbers[i], errs[i] = p.Number, err
				})
			}
			wg.Wait()
			for _, err := range errs {
				wantCode(t, err, "")
			}
			slices.Sort(numbers)
			if want := []int{1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(numbers, want) {
				t.Fatalf("numbers %v, want %v", numbers, want)
			}
		})

		t.Run("workflow start", func(t *testing.T) {
			all, _, err := s.ListProblems(ctx, domain.ProblemFilter{Limit: 500})
			wantCode(t, err, "")
			pending, err := s.ProblemsWithoutWorkflow(ctx)
			wantCode(t, err, "")
			if len(pending) != len(all) || len(all) == 0 {
				t.Fatalf("%d problems without workflow, want all %d", len(pending), len(all))
			}
			started := map[int64]bool{pending[0].ID: true, pending[2].ID: true}
			for id := range started {
				if err := s.MarkWorkflowStarted(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			// Marking twice is harmless.
			if err := s.MarkWorkflowStarted(ctx, pending[0].ID); err != nil {
				t.Fatal(err)
			}
			rest, err := s.ProblemsWithoutWorkflow(ctx)
			wantCode(t, err, "")
			if len(rest) != len(all)-2 {
				t.Fatalf("%d problems left without workflow, want %d", len(rest), len(all)-2)
			}
			for i, p := range rest {
				if started[p.ID] {
					t.Fatalf("problem %d was marked started but is still listed", p.ID)
				}
				if i > 0 && p.ID <= rest[i-1].ID {
					t.Fatalf("not in ID order: %d after %d", p.ID, rest[i-1].ID)
				}
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Transitions

// TestRecordTransitionLifecycle records a problem's whole life and checks
// after each step that the read model equals the workflow's state.
func TestRecordTransitionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		p := f.problem(t, f.campaign.ID, "Overdue procurement reviews")
		created, err := s.Events(ctx, p.ID)
		wantCode(t, err, "")

		var recorded []domain.Event
		type step struct {
			name  string
			cmd   func() domain.Command
			check func(t *testing.T, p domain.Problem)
		}
		measure := func(t *testing.T, p domain.Problem, id int64) domain.Measure {
			t.Helper()
			m, err := p.Measure(id)
			if err != nil {
				t.Fatal(err)
			}
			return *m
		}
		steps := []step{
			{
				name: "submit plan with co-units",
				cmd: func() domain.Command {
					return f.submit("A",
						f.measure("Review contracts", domain.KindDeadline, "A", "C", "B"),
						f.measure("Train staff every quarter", domain.KindLongTerm, "B"))
				},
				check: func(t *testing.T, p domain.Problem) {
					if p.Stage != domain.StagePlan || p.Version != 2 || p.LeadUnitID != f.unit("A") ||
						p.PlanSubmittedBy != f.leader1.UserID || p.NextMeasureID != 2 || len(p.Measures) != 2 {
						t.Fatalf("after submit: %+v", p)
					}
					m1, m2 := measure(t, p, 1), measure(t, p, 2)
					if want := []int64{f.unit("B"), f.unit("C")}; !slices.Equal(m1.CoUnitIDs, want) {
						t.Fatalf("measure 1 co_unit_ids %v, want %v", m1.CoUnitIDs, want)
					}
					if m1.LeadUnitID != f.unit("A") || m1.Kind != domain.KindDeadline || m1.Deadline != deadline ||
						m1.ResponsibleLeader != "Director A" || m1.Title != "Review contracts" {
						t.Fatalf("measure 1: %+v", m1)
					}
					if m2.LeadUnitID != f.unit("B") || len(m2.CoUnitIDs) != 0 || m2.Kind != domain.KindLongTerm || m2.Deadline != "" {
						t.Fatalf("measure 2: %+v", m2)
					}
				},
			},
			{
				name: "approve plan",
				cmd:  func() domain.Command { return f.approvePlan("fine") },
				check: func(t *testing.T, p domain.Problem) {
					if p.Stage != domain.StageAssign || p.Version != 3 {
						t.Fatalf("after approval: stage %s version %d", p.Stage, p.Version)
					}
				},
			},
			{
				name: "lead unit acknowledges measure 1",
				cmd:  func() domain.Command { return f.ack("A", 1) },
				check: func(t *testing.T, p domain.Problem) {
					if m := measure(t, p, 1); !m.Acknowledged || !m.AcknowledgedAt.Equal(f.now) {
						t.Fatalf("measure 1 not acknowledged: %+v", m)
					}
					if m := measure(t, p, 2); m.Acknowledged {
						t.Fatalf("measure 2 acknowledged too early: %+v", m)
					}
					if p.Stage != domain.StageAssign {
						t.Fatalf("stage %s, want assign until all are acknowledged", p.Stage)
					}
				},
			},
			{
				name: "last acknowledgement moves to execute",
				cmd:  func() domain.Command { return f.ack("B", 2) },
				check: func(t *testing.T, p domain.Problem) {
					if p.Stage != domain.StageExecute || !measure(t, p, 2).Acknowledged {
						t.Fatalf("after acknowledgements: %+v", p)
					}
				},
			},
			{
				name: "co-unit reports progress",
				cmd:  func() domain.Command { return f.progress("C", 1, "half the contracts reviewed", intp(50)) },
				check: func(t *testing.T, p domain.Problem) {
					m := measure(t, p, 1)
					if m.ProgressCount != 1 || m.LatestProgress != "half the contracts reviewed" ||
						m.LatestPercent == nil || *m.LatestPercent != 50 || !m.LatestProgressAt.Equal(f.now) {
						t.Fatalf("latest progress of measure 1: %+v", m)
					}
				},
			},
			{
				name: "long-term progress without percent",
				cmd:  func() domain.Command { return f.progress("B", 2, "first training held", nil) },
				check: func(t *testing.T, p domain.Problem) {
					m := measure(t, p, 2)
					if m.ProgressCount != 1 || m.LatestProgress != "first training held" || m.LatestPercent != nil {
						t.Fatalf("latest progress of measure 2: %+v", m)
					}
				},
			},
			{
				name: "complete measure 1",
				cmd:  func() domain.Command { return f.complete("A", 1, "all contracts reviewed") },
				check: func(t *testing.T, p domain.Problem) {
					m := measure(t, p, 1)
					if !m.Completed || !m.CompletedAt.Equal(f.now) || m.CompletionSummary != "all contracts reviewed" {
						t.Fatalf("measure 1 not completed: %+v", m)
					}
					if m.ProgressCount != 1 || m.LatestPercent == nil || *m.LatestPercent != 50 {
						t.Fatalf("completion lost the progress of measure 1: %+v", m)
					}
					if measure(t, p, 2).Completed {
						t.Fatal("measure 2 completed")
					}
				},
			},
			{
				name: "request closure",
				cmd:  func() domain.Command { return f.requestClosure("A") },
				check: func(t *testing.T, p domain.Problem) {
					if p.Stage != domain.StageVerify || !p.ClosedAt.IsZero() {
						t.Fatalf("after request: stage %s closed at %v", p.Stage, p.ClosedAt)
					}
				},
			},
			{
				name: "approve closure",
				cmd:  func() domain.Command { return f.approveClosure("verified on site") },
				check: func(t *testing.T, p domain.Problem) {
					if p.Stage != domain.StageClosed || p.Version != 10 || !p.ClosedAt.Equal(f.now) || !p.UpdatedAt.Equal(f.now) {
						t.Fatalf("after closure: stage %s version %d closed at %v", p.Stage, p.Version, p.ClosedAt)
					}
				},
			},
		}
		for _, st := range steps {
			ok := t.Run(st.name, func(t *testing.T) {
				tr := f.apply(t, p, st.cmd())
				f.record(t, tr)
				recorded = append(recorded, tr.Event)
				got := f.load(t, p.ID)
				sameProblem(t, got, tr.Problem)
				st.check(t, got)
				p = got
			})
			if !ok {
				t.FailNow()
			}
		}

		t.Run("event log", func(t *testing.T) {
			events, err := s.Events(ctx, p.ID)
			wantCode(t, err, "")
			want := append(slices.Clone(created), recorded...)
			if len(events) != len(want) {
				t.Fatalf("events %v, want %v", eventActions(events), eventActions(want))
			}
			for i := range events {
				if events[i].Seq != int64(i+1) || events[i].ID == 0 {
					t.Fatalf("event %d has seq %d, id %d", i, events[i].Seq, events[i].ID)
				}
				if got, w := normEvent(events[i]), normEvent(want[i]); !reflect.DeepEqual(got, w) {
					t.Fatalf("event %d\n got: %s\nwant: %s", i+1, mustJSON(t, got), mustJSON(t, w))
				}
			}
			// Spot checks of what the log is for: who, in which role, why.
			approve, closure := events[2], events[9]
			if approve.Action != domain.ActionApprovePlan || approve.ActorID != f.leader2.UserID ||
				approve.ActorRole != domain.RoleLeader || approve.Reason != "fine" ||
				approve.FromStage != domain.StagePlan || approve.ToStage != domain.StageAssign {
				t.Fatalf("approve event %+v", approve)
			}
			if closure.Action != domain.ActionApproveClosure || closure.ActorName != "supervisor" ||
				closure.Reason != "verified on site" || closure.ToStage != domain.StageClosed {
				t.Fatalf("closure event %+v", closure)
			}
			var plan domain.PlanInput
			if err := json.Unmarshal(events[1].Payload, &plan); err != nil {
				t.Fatalf("submit payload %q: %v", events[1].Payload, err)
			}
			if plan.LeadUnitID != f.unit("A") || len(plan.Measures) != 2 ||
				!slices.Equal(plan.Measures[0].CoUnitIDs, []int64{f.unit("B"), f.unit("C")}) {
				t.Fatalf("submit payload %+v", plan)
			}
			if ack := events[3]; ack.ActorUnit != f.unit("A") || ack.MeasureID != 1 || ack.RequestID == "" {
				t.Fatalf("acknowledge event %+v", ack)
			}
		})

		t.Run("progress entries", func(t *testing.T) {
			entries, err := s.Progress(ctx, p.ID)
			wantCode(t, err, "")
			if len(entries) != 2 {
				t.Fatalf("%d progress entries, want 2: %+v", len(entries), entries)
			}
			tests := []struct {
				name      string
				got       domain.ProgressEntry
				event     domain.Event
				measureID int64
				unit      string
				text      string
				percent   *int
			}{
				{name: "co-unit with percent", got: entries[0], event: recorded[4], measureID: 1, unit: "C", text: "half the contracts reviewed", percent: intp(50)},
				{name: "lead unit without percent", got: entries[1], event: recorded[5], measureID: 2, unit: "B", text: "first training held"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					e, actor := tc.got, f.unitUser[tc.unit]
					if e.ID == 0 || e.ProblemID != p.ID || e.MeasureID != tc.measureID || e.UserID != actor.UserID ||
						e.Username != actor.Username || e.UnitID != f.unit(tc.unit) || e.Text != tc.text ||
						!reflect.DeepEqual(e.Percent, tc.percent) || !e.CreatedAt.Equal(tc.event.At) {
						t.Fatalf("got %+v", e)
					}
				})
			}
		})
	})
}

// TestRecordTransitionIdempotent records transitions again, as a retried
// activity would, and out of order, as a late retry would.
func TestRecordTransitionIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)

		counts := func(t *testing.T, id int64) (events, progress int) {
			t.Helper()
			ev, err := s.Events(ctx, id)
			wantCode(t, err, "")
			pr, err := s.Progress(ctx, id)
			wantCode(t, err, "")
			return len(ev), len(pr)
		}

		t.Run("same transition twice writes once", func(t *testing.T) {
			p := f.toExecute(t, f.problem(t, f.campaign.ID, "twice"), "A", "B")
			tests := []struct {
				name string
				cmd  domain.Command
			}{
				{name: "progress", cmd: f.progress("B", 1, "started", intp(10))},
				{name: "completion", cmd: f.complete("A", 1, "done")},
				{name: "stage change", cmd: f.requestClosure("A")},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					tr := f.apply(t, p, tc.cmd)
					f.record(t, tr)
					events, progress := counts(t, p.ID)
					after := f.load(t, p.ID)
					f.record(t, tr) // the retry
					events2, progress2 := counts(t, p.ID)
					if events2 != events || progress2 != progress {
						t.Fatalf("retry wrote again: events %d → %d, progress %d → %d", events, events2, progress, progress2)
					}
					sameProblem(t, f.load(t, p.ID), after)
					sameProblem(t, after, tr.Problem)
					p = tr.Problem
				})
			}
			if events, progress := counts(t, p.ID); events != 7 || progress != 1 {
				t.Fatalf("%d events and %d progress entries, want 7 and 1", events, progress)
			}
		})

		t.Run("an older version never overwrites a newer one", func(t *testing.T) {
			p := f.problem(t, f.campaign.ID, "out of order")
			// Build the transitions in order, then record them out of order.
			submit := f.apply(t, p, f.submit("A",
				f.measure("one", domain.KindImmediate, "A", "C"),
				f.measure("two", domain.KindLongTerm, "B")))
			approve := f.apply(t, submit.Problem, f.approvePlan(""))
			ack1 := f.apply(t, approve.Problem, f.ack("A", 1))
			ack2 := f.apply(t, ack1.Problem, f.ack("B", 2))
			prog1 := f.apply(t, ack2.Problem, f.progress("C", 1, "first", intp(30)))
			prog2 := f.apply(t, prog1.Problem, f.progress("A", 1, "second", intp(60)))
			latest := prog2.Problem

			tests := []struct {
				name string
				tr   domain.Transition
			}{
				{name: "submit plan", tr: submit},
				{name: "acknowledge 2 before its predecessors", tr: ack2},
				{name: "late approval", tr: approve},
				{name: "late acknowledgement", tr: ack1},
				{name: "newest progress", tr: prog2},
				{name: "older progress after it", tr: prog1},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					f.record(t, tc.tr)
				})
			}
			t.Run("read model is the newest state", func(t *testing.T) {
				got := f.load(t, p.ID)
				sameProblem(t, got, latest)
				m, _ := got.Measure(1)
				if got.Stage != domain.StageExecute || got.Version != 7 || m.LatestProgress != "second" || m.ProgressCount != 2 {
					t.Fatalf("stage %s version %d measure 1 %+v", got.Stage, got.Version, m)
				}
			})
			t.Run("every event and progress entry is kept, in seq order", func(t *testing.T) {
				events, err := s.Events(ctx, p.ID)
				wantCode(t, err, "")
				want := []string{"1:create", "2:submit_plan", "3:approve_plan", "4:acknowledge", "5:acknowledge",
					"6:report_progress", "7:report_progress"}
				if got := eventActions(events); !slices.Equal(got, want) {
					t.Fatalf("events %v, want %v", got, want)
				}
				entries, err := s.Progress(ctx, p.ID)
				wantCode(t, err, "")
				if len(entries) != 2 || entries[0].Text != "first" || entries[1].Text != "second" {
					t.Fatalf("progress entries %+v", entries)
				}
			})
		})
	})
}

// ---------------------------------------------------------------------------
// Lists

func TestListProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		c1, c2 := f.campaign.ID, mustCampaign(t, s, "second").ID
		label := map[int64]string{}
		add := func(campaign int64, name string) domain.Problem {
			p := f.problem(t, campaign, name)
			label[p.ID] = name
			return p
		}
		// Campaign one: p1 led by A with co-unit B, approved (assign);
		// p2 led by B; p3 led by C with co-unit A; p4 without a plan;
		// p5 led by D as the problem's lead unit, its measure led by C.
		p1 := add(c1, "p1")
		p1 = f.do(t, p1, f.submit("A", f.measure("m", domain.KindImmediate, "A", "B")))
		f.do(t, p1, f.approvePlan(""))
		f.do(t, add(c1, "p2"), f.submit("B", f.measure("m", domain.KindImmediate, "B")))
		f.do(t, add(c1, "p3"), f.submit("C", f.measure("m", domain.KindLongTerm, "C", "A")))
		add(c1, "p4")
		f.do(t, add(c1, "p5"), f.submit("D", f.measure("m", domain.KindImmediate, "C")))
		// Campaign two: q1 led by A.
		f.do(t, add(c2, "q1"), f.submit("A", f.measure("m", domain.KindImmediate, "A")))

		labels := func(ps []domain.Problem) []string {
			out := []string{}
			for _, p := range ps {
				out = append(out, label[p.ID])
			}
			return out
		}

		tests := []struct {
			name      string
			filter    domain.ProblemFilter
			want      []string
			wantTotal int64
		}{
			{name: "all", filter: domain.ProblemFilter{}, want: []string{"p1", "p2", "p3", "p4", "p5", "q1"}, wantTotal: 6},
			{name: "campaign", filter: domain.ProblemFilter{CampaignID: c1}, want: []string{"p1", "p2", "p3", "p4", "p5"}, wantTotal: 5},
			{name: "other campaign", filter: domain.ProblemFilter{CampaignID: c2}, want: []string{"q1"}, wantTotal: 1},
			{name: "unknown campaign", filter: domain.ProblemFilter{CampaignID: c2 + 100}, want: []string{}, wantTotal: 0},
			{name: "stage", filter: domain.ProblemFilter{Stage: domain.StageAssign}, want: []string{"p1"}, wantTotal: 1},
			{name: "stage and campaign", filter: domain.ProblemFilter{CampaignID: c1, Stage: domain.StagePlan}, want: []string{"p2", "p3", "p4", "p5"}, wantTotal: 4},
			{name: "empty stage", filter: domain.ProblemFilter{Stage: domain.StageClosed}, want: []string{}, wantTotal: 0},
			{name: "unit leads or co-leads", filter: domain.ProblemFilter{UnitID: f.unit("A")}, want: []string{"p1", "p3", "q1"}, wantTotal: 3},
			{name: "unit as co-unit", filter: domain.ProblemFilter{UnitID: f.unit("B")}, want: []string{"p1", "p2"}, wantTotal: 2},
			{name: "unit and campaign", filter: domain.ProblemFilter{UnitID: f.unit("A"), CampaignID: c2}, want: []string{"q1"}, wantTotal: 1},
			{name: "visible to a co-unit", filter: domain.ProblemFilter{VisibleToUnit: f.unit("B")}, want: []string{"p1", "p2"}, wantTotal: 2},
			{name: "visible to a measure lead", filter: domain.ProblemFilter{VisibleToUnit: f.unit("C")}, want: []string{"p3", "p5"}, wantTotal: 2},
			{name: "visible to the problem's lead unit", filter: domain.ProblemFilter{VisibleToUnit: f.unit("D")}, want: []string{"p5"}, wantTotal: 1},
			{name: "visible, with stage", filter: domain.ProblemFilter{VisibleToUnit: f.unit("A"), Stage: domain.StagePlan}, want: []string{"p3", "q1"}, wantTotal: 2},
			{name: "visible to a unit in nothing", filter: domain.ProblemFilter{VisibleToUnit: f.unit("D") + 100}, want: []string{}, wantTotal: 0},
			{name: "first page", filter: domain.ProblemFilter{CampaignID: c1, Limit: 2}, want: []string{"p1", "p2"}, wantTotal: 5},
			{name: "second page", filter: domain.ProblemFilter{CampaignID: c1, Offset: 2, Limit: 2}, want: []string{"p3", "p4"}, wantTotal: 5},
			{name: "last page", filter: domain.ProblemFilter{CampaignID: c1, Offset: 4, Limit: 2}, want: []string{"p5"}, wantTotal: 5},
			{name: "past the end", filter: domain.ProblemFilter{CampaignID: c1, Offset: 10, Limit: 2}, want: []string{}, wantTotal: 5},
			{name: "page of a filtered list", filter: domain.ProblemFilter{VisibleToUnit: f.unit("A"), Offset: 1, Limit: 1}, want: []string{"p3"}, wantTotal: 3},
			{name: "limit over 500 is the default", filter: domain.ProblemFilter{Limit: 501}, want: []string{"p1", "p2", "p3", "p4", "p5", "q1"}, wantTotal: 6},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.ListProblems(ctx, tc.filter)
				wantCode(t, err, "")
				if !slices.Equal(labels(got), tc.want) || total != tc.wantTotal {
					t.Fatalf("got %v (total %d), want %v (total %d)", labels(got), total, tc.want, tc.wantTotal)
				}
				// A list carries each problem as Problem would.
				for _, p := range got {
					sameProblem(t, p, f.load(t, p.ID))
				}
			})
		}

		t.Run("list carries measures with co-units", func(t *testing.T) {
			got, _, err := s.ListProblems(ctx, domain.ProblemFilter{CampaignID: c1, Stage: domain.StageAssign})
			wantCode(t, err, "")
			if len(got) != 1 || len(got[0].Measures) != 1 || !slices.Equal(got[0].Measures[0].CoUnitIDs, []int64{f.unit("B")}) {
				t.Fatalf("got %+v", got)
			}
		})

		t.Run("VisibleToUnit agrees with domain.CanSeeProblem", func(t *testing.T) {
			all, _, err := s.ListProblems(ctx, domain.ProblemFilter{Limit: 500})
			wantCode(t, err, "")
			for _, name := range []string{"A", "B", "C", "D"} {
				u := domain.User{ID: f.unitUser[name].UserID, Role: domain.RoleUnit, UnitID: f.unit(name)}
				want := []string{}
				for _, p := range all {
					if domain.CanSeeProblem(u, &p) {
						want = append(want, label[p.ID])
					}
				}
				got, total, err := s.ListProblems(ctx, domain.ProblemFilter{VisibleToUnit: u.UnitID})
				wantCode(t, err, "")
				if !slices.Equal(labels(got), want) || total != int64(len(want)) {
					t.Fatalf("unit %s sees %v (total %d), domain says %v", name, labels(got), total, want)
				}
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Settings

func TestSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		tests := []struct {
			name, key, set, want string
		}{
			{name: "unset is empty", key: "a", want: ""},
			{name: "set", key: "a", set: "1", want: "1"},
			{name: "overwrite", key: "a", set: "2", want: "2"},
			{name: "another key", key: "b", set: "x", want: "x"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.set != "" {
					if err := s.SetSetting(ctx, tc.key, tc.set); err != nil {
						t.Fatal(err)
					}
				}
				got, err := s.Setting(ctx, tc.key)
				if err != nil || got != tc.want {
					t.Fatalf("Setting(%q) = %q, %v; want %q", tc.key, got, err, tc.want)
				}
			})
		}
	})
}
