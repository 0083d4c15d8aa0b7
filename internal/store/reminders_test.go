package store_test

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// Tests of what the reminder machinery reads and writes: recipients, inbox
// notifications, email and webhook deliveries, the light filter, campaign
// statistics and report schedules.

// ---------------------------------------------------------------------------
// Helpers

// asOf is the instant at which lights and statistics are read below: a
// month after start, 17:00 on 2026-04-01 in China time.
var asOf = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// addUser creates a user with a display name and an email of its own.
func (f *fixture) addUser(t *testing.T, username, displayName string, role domain.Role, unit, email string) domain.User {
	t.Helper()
	var unitID int64
	if unit != "" {
		unitID = f.unit(unit)
	}
	u, err := f.s.CreateUser(t.Context(), domain.NewUser{
		Username: username, DisplayName: displayName, Role: role, UnitID: unitID, Email: email,
	}, "hash-of-"+username)
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// disable disables a user the only way the store allows for now.
func disable(t *testing.T, s *store.Store, userID int64) {
	t.Helper()
	if err := s.ExecSQL(t.Context(), "UPDATE users SET disabled = ? WHERE id = ?", true, userID); err != nil {
		t.Fatalf("disable user %d: %v", userID, err)
	}
}

// measureDue is a measure led by lead with the given deadline.
func (f *fixture) measureDue(title string, kind domain.MeasureKind, lead string, due domain.Date) domain.MeasureInput {
	m := f.measure(title, kind, lead)
	m.Deadline = due
	return m
}

// planned takes a fresh problem through plan → approve → acknowledge of
// every measure (stage execute), each measure acknowledged by its lead unit.
func (f *fixture) planned(t *testing.T, campaignID int64, title, lead string, measures ...domain.MeasureInput) domain.Problem {
	t.Helper()
	p := f.do(t, f.problem(t, campaignID, title), f.submit(lead, measures...))
	p = f.do(t, p, f.approvePlan(""))
	for _, m := range p.Measures {
		p = f.do(t, p, f.ack(f.unitName(m.LeadUnitID), m.ID))
	}
	if p.Stage != domain.StageExecute {
		t.Fatalf("problem %q is in stage %s after acknowledgement, want execute", title, p.Stage)
	}
	return p
}

func (f *fixture) unitName(id int64) string {
	for name, u := range f.units {
		if u.ID == id {
			return name
		}
	}
	panic(fmt.Sprintf("no unit %d", id))
}

// extend asks, as the measure's lead unit, to move its deadline, and has
// leader decide; it returns the problem after both.
func (f *fixture) extend(t *testing.T, p domain.Problem, measureID int64, to domain.Date, leader domain.Actor, approve bool) domain.Problem {
	t.Helper()
	m, err := p.Measure(measureID)
	if err != nil {
		t.Fatal(err)
	}
	p = f.do(t, p, domain.Command{Action: domain.ActionRequestExtension, Actor: f.unitUser[f.unitName(m.LeadUnitID)],
		MeasureID: measureID, Deadline: to, Text: "needs more time"})
	decision := domain.Command{Action: domain.ActionApproveExtension, Actor: leader, ExtensionID: p.NextExtensionID}
	if !approve {
		decision.Action, decision.Text = domain.ActionRejectExtension, "no"
	}
	return f.do(t, p, decision)
}

func usernames(users []domain.User) []string {
	out := []string{}
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out
}

// ---------------------------------------------------------------------------
// Recipients

func TestRecipients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s) // admin, leader1, leader2, supervisor, usera..userd
		mustUnit(t, s, "unit E (nobody)")
		f.addUser(t, "usera2", "Clerk A", domain.RoleUnit, "A", "clerk.a@example.org")
		f.addUser(t, "director", "Director A", domain.RoleLeader, "", "director@example.org")
		disable(t, s, f.addUser(t, "gone-a", "Gone A", domain.RoleUnit, "A", "").ID)
		disable(t, s, f.addUser(t, "gone-leader", "Director A", domain.RoleLeader, "", "").ID)
		disable(t, s, f.addUser(t, "gone-supervisor", "Gone", domain.RoleSupervisor, "", "").ID)
		unitE, err := s.UnitByName(ctx, "unit E (nobody)")
		wantCode(t, err, "")

		tests := []struct {
			name string
			aud  domain.Audience
			want []string // by user ID
		}{
			{name: "empty audience: nobody", aud: domain.Audience{}, want: []string{}},
			{name: "empty roles slice: nobody", aud: domain.Audience{Roles: []domain.Role{}}, want: []string{}},
			{name: "unit: only its enabled users", aud: domain.Audience{UnitID: f.unit("A")}, want: []string{"usera", "usera2"}},
			{name: "another unit", aud: domain.Audience{UnitID: f.unit("B")}, want: []string{"userb"}},
			{name: "unit without users", aud: domain.Audience{UnitID: unitE.ID}, want: []string{}},
			{name: "unknown unit", aud: domain.Audience{UnitID: unitE.ID + 100}, want: []string{}},
			{name: "one role", aud: domain.Audience{Roles: []domain.Role{domain.RoleLeader}}, want: []string{"leader1", "leader2", "director"}},
			{name: "several roles", aud: domain.Audience{Roles: []domain.Role{domain.RoleSupervisor, domain.RoleAdmin}}, want: []string{"admin", "supervisor"}},
			{name: "role nobody has", aud: domain.Audience{Roles: []domain.Role{domain.RoleDiscipline}}, want: []string{}},
			{name: "unit role: every unit user", aud: domain.Audience{Roles: []domain.Role{domain.RoleUnit}}, want: []string{"usera", "userb", "userc", "userd", "usera2"}},
			{name: "display name: the enabled namesake only", aud: domain.Audience{DisplayName: "Director A"}, want: []string{"director"}},
			{name: "display name is exact", aud: domain.Audience{DisplayName: "director a"}, want: []string{}},
			{name: "unknown display name", aud: domain.Audience{DisplayName: "Nobody"}, want: []string{}},
			{name: "display name of a disabled user only", aud: domain.Audience{DisplayName: "Gone A"}, want: []string{}},
			{name: "unit and display name", aud: domain.Audience{UnitID: f.unit("B"), DisplayName: "Clerk A"}, want: []string{"userb", "usera2"}},
			{name: "combined, overlapping: a union without duplicates",
				aud:  domain.Audience{UnitID: f.unit("A"), Roles: []domain.Role{domain.RoleLeader}, DisplayName: "Director A"},
				want: []string{"leader1", "leader2", "usera", "usera2", "director"}},
			{name: "combined: unit user named and in the unit",
				aud:  domain.Audience{UnitID: f.unit("A"), Roles: []domain.Role{domain.RoleUnit}, DisplayName: "usera"},
				want: []string{"usera", "userb", "userc", "userd", "usera2"}},
			{name: "escalation audience", aud: domain.Audience{Roles: []domain.Role{domain.RoleLeader}, DisplayName: "Clerk A"},
				want: []string{"leader1", "leader2", "usera2", "director"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Recipients(ctx, tc.aud)
				wantCode(t, err, "")
				if names := usernames(got); !slices.Equal(names, tc.want) {
					t.Fatalf("Recipients(%+v) = %v, want %v", tc.aud, names, tc.want)
				}
				for i, u := range got {
					if u.Disabled {
						t.Fatalf("disabled user %s is a recipient", u.Username)
					}
					if i > 0 && got[i-1].ID >= u.ID {
						t.Fatalf("recipients not in strictly increasing ID order: %v", got)
					}
				}
			})
		}

		t.Run("recipients carry their email and unit", func(t *testing.T) {
			got, err := s.Recipients(ctx, domain.Audience{DisplayName: "Clerk A"})
			wantCode(t, err, "")
			if len(got) != 1 || got[0].Email != "clerk.a@example.org" || got[0].UnitID != f.unit("A") ||
				got[0].Role != domain.RoleUnit || got[0].DisplayName != "Clerk A" || got[0].ID == 0 {
				t.Fatalf("got %+v", got)
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Notifications

func TestCreateNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		a := domain.User{ID: f.unitUser["A"].UserID}
		b := domain.User{ID: f.unitUser["B"].UserID}
		c := domain.User{ID: f.unitUser["C"].UserID}
		leader := domain.User{ID: f.leader1.UserID}
		notice := func(key string) domain.Notice {
			return domain.Notice{Key: key, Kind: domain.NoticeOverdue, ProblemID: 7, MeasureID: 2,
				Message: "【逾期】" + key, At: start}
		}
		const k1, k2, k3, k4 = "p7:m2:deadline:red:2026-03-20:0", "p7:m2:deadline:red:2026-03-20:1", "p7:event:5", "p8:m1:ack:red:x:0"

		tests := []struct {
			name       string
			key        string
			recipients []domain.User
			want       int64 // new rows
			wantCount  int64 // rows with key afterwards
		}{
			{name: "one row per user", key: k1, recipients: []domain.User{a, b, leader}, want: 3, wantCount: 3},
			{name: "the same key again writes nothing", key: k1, recipients: []domain.User{a, b, leader}, want: 0, wantCount: 3},
			{name: "again in another order writes nothing", key: k1, recipients: []domain.User{leader, b, a}, want: 0, wantCount: 3},
			{name: "again with one more user writes only that one", key: k1, recipients: []domain.User{a, b, c, leader}, want: 1, wantCount: 4},
			{name: "a subset writes nothing", key: k1, recipients: []domain.User{c}, want: 0, wantCount: 4},
			{name: "the next repeat is a new key", key: k2, recipients: []domain.User{a, b}, want: 2, wantCount: 2},
			{name: "a user twice in one call is written once", key: k3, recipients: []domain.User{a, a, b, a}, want: 2, wantCount: 2},
			{name: "no recipients", key: k4, recipients: nil, want: 0, wantCount: 0},
			{name: "empty recipients", key: k4, recipients: []domain.User{}, want: 0, wantCount: 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f.tick()
				n, err := s.CreateNotifications(ctx, notice(tc.key), tc.recipients)
				wantCode(t, err, "")
				if n != tc.want {
					t.Fatalf("CreateNotifications wrote %d rows, want %d", n, tc.want)
				}
				count, err := s.CountNotifications(ctx, tc.key)
				wantCode(t, err, "")
				if count != tc.wantCount {
					t.Fatalf("CountNotifications(%q) = %d, want %d", tc.key, count, tc.wantCount)
				}
			})
		}

		t.Run("count of an unknown key", func(t *testing.T) {
			n, err := s.CountNotifications(ctx, "never")
			if err != nil || n != 0 {
				t.Fatalf("CountNotifications(never) = %d, %v", n, err)
			}
		})

		t.Run("each inbox holds a key once, with the notice's fields", func(t *testing.T) {
			wantKeys := map[int64][]string{
				a.ID: {k1, k2, k3}, b.ID: {k1, k2, k3}, c.ID: {k1}, leader.ID: {k1}, f.unitUser["D"].UserID: {},
			}
			for userID, want := range wantKeys {
				inbox, unread, err := s.Notifications(ctx, userID, 0)
				wantCode(t, err, "")
				keys := []string{}
				for _, n := range inbox {
					keys = append(keys, n.Key)
					if n.UserID != userID || n.Kind != domain.NoticeOverdue || n.ProblemID != 7 || n.MeasureID != 2 ||
						n.Message != "【逾期】"+n.Key || n.Read || n.ID == 0 || n.CreatedAt.IsZero() {
						t.Fatalf("user %d: notification %+v", userID, n)
					}
				}
				slices.Sort(keys)
				slices.Sort(want)
				if !slices.Equal(keys, want) || unread != int64(len(want)) {
					t.Fatalf("user %d: keys %v (unread %d), want %v", userID, keys, unread, want)
				}
			}
		})

		t.Run("the first write's time is kept", func(t *testing.T) {
			inbox, _, err := s.Notifications(ctx, a.ID, 0)
			wantCode(t, err, "")
			for _, n := range inbox {
				if n.Key == k1 && !n.CreatedAt.Equal(start.Add(time.Minute)) {
					t.Fatalf("notification %s created at %v, want %v", n.Key, n.CreatedAt, start.Add(time.Minute))
				}
			}
		})
	})
}

func TestNotificationsInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		user, other := domain.User{ID: f.unitUser["A"].UserID}, domain.User{ID: f.unitUser["B"].UserID}
		ids := map[string]int64{}
		// n1..n5 an hour apart; n5b at the same instant as n5, written after it.
		for i, key := range []string{"n1", "n2", "n3", "n4", "n5", "n5b"} {
			if key != "n5b" {
				f.now = start.Add(time.Duration(i) * time.Hour)
			}
			if _, err := s.CreateNotifications(ctx, domain.Notice{Key: key, Kind: domain.NoticeWarning, ProblemID: 1, Message: key},
				[]domain.User{user}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateNotifications(ctx, domain.Notice{Key: "theirs", Kind: domain.NoticeUrge, ProblemID: 1, Message: "x"},
			[]domain.User{other}); err != nil {
			t.Fatal(err)
		}
		inbox, _, err := s.Notifications(ctx, user.ID, 0)
		wantCode(t, err, "")
		for _, n := range inbox {
			ids[n.Key] = n.ID
		}
		theirs, _, err := s.Notifications(ctx, other.ID, 0)
		wantCode(t, err, "")
		if len(theirs) != 1 {
			t.Fatalf("other inbox: %+v", theirs)
		}
		ids["theirs"] = theirs[0].ID

		keys := func(ns []domain.Notification) []string {
			out := []string{}
			for _, n := range ns {
				out = append(out, n.Key)
			}
			return out
		}
		check := func(t *testing.T, limit int, want []string, wantUnread int64, wantRead map[string]bool) {
			t.Helper()
			got, unread, err := s.Notifications(ctx, user.ID, limit)
			wantCode(t, err, "")
			if !slices.Equal(keys(got), want) || unread != wantUnread {
				t.Fatalf("inbox = %v (unread %d), want %v (unread %d)", keys(got), unread, want, wantUnread)
			}
			for _, n := range got {
				if n.Read != wantRead[n.Key] {
					t.Fatalf("%s: read = %v, want %v", n.Key, n.Read, wantRead[n.Key])
				}
			}
		}

		t.Run("all unread: newest first, ties by newest ID", func(t *testing.T) {
			check(t, 0, []string{"n5b", "n5", "n4", "n3", "n2", "n1"}, 6, nil)
		})

		f.now = start.Add(10 * time.Hour)
		marks := []struct {
			name     string
			user     int64
			key      string
			id       int64 // when key is ""
			wantCode string
		}{
			{name: "mark an unread one", user: user.ID, key: "n2"},
			{name: "mark it again: no error", user: user.ID, key: "n2"},
			{name: "mark the newest", user: user.ID, key: "n5b"},
			{name: "another user's notification is not found", user: user.ID, key: "theirs", wantCode: domain.ENotFound},
			{name: "nor is mine to them", user: other.ID, key: "n3", wantCode: domain.ENotFound},
			{name: "unknown ID", user: user.ID, id: 1 << 40, wantCode: domain.ENotFound},
		}
		for _, tc := range marks {
			t.Run(tc.name, func(t *testing.T) {
				id := tc.id
				if tc.key != "" {
					id = ids[tc.key]
				}
				wantCode(t, s.MarkNotificationRead(ctx, tc.user, id), tc.wantCode)
			})
		}

		read := map[string]bool{"n2": true, "n5b": true}
		tests := []struct {
			name       string
			limit      int
			want       []string
			wantUnread int64
		}{
			{name: "unread first, then read, each newest first", limit: 0, want: []string{"n5", "n4", "n3", "n1", "n5b", "n2"}, wantUnread: 4},
			{name: "a limit keeps the order and the full unread count", limit: 3, want: []string{"n5", "n4", "n3"}, wantUnread: 4},
			{name: "a limit reaching into the read ones", limit: 5, want: []string{"n5", "n4", "n3", "n1", "n5b"}, wantUnread: 4},
			{name: "a negative limit is the default", limit: -1, want: []string{"n5", "n4", "n3", "n1", "n5b", "n2"}, wantUnread: 4},
			{name: "a limit over 500 is the default", limit: 501, want: []string{"n5", "n4", "n3", "n1", "n5b", "n2"}, wantUnread: 4},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { check(t, tc.limit, tc.want, tc.wantUnread, read) })
		}

		t.Run("the other inbox is untouched", func(t *testing.T) {
			got, unread, err := s.Notifications(ctx, other.ID, 0)
			wantCode(t, err, "")
			if len(got) != 1 || got[0].Key != "theirs" || got[0].Read || unread != 1 {
				t.Fatalf("got %+v (unread %d)", got, unread)
			}
		})

		t.Run("an empty inbox", func(t *testing.T) {
			got, unread, err := s.Notifications(ctx, f.unitUser["D"].UserID, 0)
			if err != nil || len(got) != 0 || unread != 0 {
				t.Fatalf("got %+v (unread %d), %v", got, unread, err)
			}
		})

		t.Run("a repeated create does not mark read ones unread", func(t *testing.T) {
			n, err := s.CreateNotifications(ctx, domain.Notice{Key: "n2", Kind: domain.NoticeWarning, ProblemID: 1, Message: "n2"}, []domain.User{user})
			if err != nil || n != 0 {
				t.Fatalf("CreateNotifications = %d, %v", n, err)
			}
			check(t, 0, []string{"n5", "n4", "n3", "n1", "n5b", "n2"}, 4, read)
		})
	})
}

// ---------------------------------------------------------------------------
// Deliveries

func TestDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.Now = func() time.Time { return start }
		const key = "p3:m1:deadline:red:2026-03-20:0"
		channels := map[string][]string{
			store.ChannelEmail:   {"a@example.org", "b@example.org"},
			store.ChannelWebhook: {"https://hooks.example.invalid/rectify"},
		}
		type target struct{ channel, target string }
		targets := func(ds []store.Delivery) []target {
			out := []target{}
			for _, d := range ds {
				out = append(out, target{d.Channel, d.Target})
			}
			slices.SortFunc(out, func(x, y target) int { return strings.Compare(x.channel+" "+x.target, y.channel+" "+y.target) })
			return out
		}
		id := map[target]int64{}
		emailA, emailB := target{"email", "a@example.org"}, target{"email", "b@example.org"}
		hook, emailC := target{"webhook", "https://hooks.example.invalid/rectify"}, target{"email", "c@example.org"}

		create := func(t *testing.T, key string, ch map[string][]string, want []target) []store.Delivery {
			t.Helper()
			got, err := s.CreateDeliveries(ctx, key, ch)
			wantCode(t, err, "")
			if tg := targets(got); !slices.Equal(tg, want) {
				t.Fatalf("CreateDeliveries returned %v, want %v", tg, want)
			}
			for i, d := range got {
				if d.Key != key || d.Status != store.DeliveryPending || d.ID == 0 {
					t.Fatalf("delivery %+v", d)
				}
				if i > 0 && got[i-1].ID >= d.ID {
					t.Fatalf("deliveries not in ID order: %+v", got)
				}
				tg := target{d.Channel, d.Target}
				if prev, ok := id[tg]; ok && prev != d.ID {
					t.Fatalf("%v has ID %d, was %d: a duplicate", tg, d.ID, prev)
				}
				id[tg] = d.ID
			}
			return got
		}
		counts := func(t *testing.T, key string, want map[string]int64) {
			t.Helper()
			for status, n := range want {
				got, err := s.CountDeliveries(ctx, key, status)
				wantCode(t, err, "")
				if got != n {
					t.Fatalf("CountDeliveries(%q, %q) = %d, want %d", key, status, got, n)
				}
			}
		}
		delivery := func(t *testing.T, tg target, status string, attempts int) {
			t.Helper()
			d, err := s.Delivery(ctx, id[tg])
			wantCode(t, err, "")
			if d.Status != status || d.Attempts != attempts || d.Channel != tg.channel || d.Target != tg.target || d.Key != key {
				t.Fatalf("delivery %v = %+v, want status %s after %d attempts", tg, d, status, attempts)
			}
		}

		t.Run("first call: every target pending", func(t *testing.T) {
			got := create(t, key, channels, []target{emailA, emailB, hook})
			for _, d := range got {
				if d.Attempts != 0 {
					t.Fatalf("new delivery %+v has attempts", d)
				}
			}
			counts(t, key, map[string]int64{"": 3, store.DeliveryPending: 3, store.DeliverySent: 0, store.DeliveryFailed: 0})
		})
		t.Run("the same call again: no duplicates", func(t *testing.T) {
			create(t, key, channels, []target{emailA, emailB, hook})
			counts(t, key, map[string]int64{"": 3, store.DeliveryPending: 3})
		})
		t.Run("a new target is added once", func(t *testing.T) {
			more := map[string][]string{store.ChannelEmail: {"a@example.org", "c@example.org", "c@example.org"}}
			create(t, key, more, []target{emailA, emailB, emailC, hook})
			counts(t, key, map[string]int64{"": 4, store.DeliveryPending: 4})
		})
		t.Run("the same target on another channel is another delivery", func(t *testing.T) {
			other := "p3:event:9"
			create(t, other, map[string][]string{store.ChannelEmail: {"x"}, store.ChannelWebhook: {"x"}},
				[]target{{"email", "x"}, {"webhook", "x"}})
			counts(t, other, map[string]int64{"": 2})
			counts(t, key, map[string]int64{"": 4}) // keys do not mix
		})

		steps := []struct {
			name       string
			tg         target
			sendErr    error
			final      bool
			wantStatus string
			wantTries  int
			pending    []target // what CreateDeliveries returns after the step
			counts     map[string]int64
		}{
			{name: "sent", tg: emailA, wantStatus: store.DeliverySent, wantTries: 1,
				pending: []target{emailB, emailC, hook},
				counts:  map[string]int64{"": 4, store.DeliveryPending: 3, store.DeliverySent: 1, store.DeliveryFailed: 0}},
			{name: "a sent one is never sent again", tg: emailA, wantStatus: store.DeliverySent, wantTries: 1,
				pending: []target{emailB, emailC, hook},
				counts:  map[string]int64{store.DeliveryPending: 3, store.DeliverySent: 1}},
			{name: "a sent one does not fail later", tg: emailA, sendErr: errors.New("late"), final: true,
				wantStatus: store.DeliverySent, wantTries: 1, pending: []target{emailB, emailC, hook},
				counts: map[string]int64{store.DeliveryPending: 3, store.DeliverySent: 1, store.DeliveryFailed: 0}},
			{name: "an error stays pending for a retry", tg: hook, sendErr: errors.New("503 Service Unavailable"),
				wantStatus: store.DeliveryPending, wantTries: 1, pending: []target{emailB, emailC, hook},
				counts: map[string]int64{store.DeliveryPending: 3, store.DeliverySent: 1}},
			{name: "another error counts another attempt", tg: hook, sendErr: errors.New("timeout"),
				wantStatus: store.DeliveryPending, wantTries: 2, pending: []target{emailB, emailC, hook},
				counts: map[string]int64{store.DeliveryPending: 3}},
			{name: "a final error fails it", tg: hook, sendErr: errors.New("gave up"), final: true,
				wantStatus: store.DeliveryFailed, wantTries: 3, pending: []target{emailB, emailC},
				counts: map[string]int64{"": 4, store.DeliveryPending: 2, store.DeliverySent: 1, store.DeliveryFailed: 1}},
			{name: "a failed one is not sent later", tg: hook, wantStatus: store.DeliveryFailed, wantTries: 3,
				pending: []target{emailB, emailC}, counts: map[string]int64{store.DeliveryFailed: 1, store.DeliverySent: 1}},
			{name: "a long error in Chinese is kept", tg: emailB, sendErr: errors.New(strings.Repeat("邮件服务器拒绝", 100)),
				wantStatus: store.DeliveryPending, wantTries: 1, pending: []target{emailB, emailC},
				counts: map[string]int64{store.DeliveryPending: 2}},
			{name: "a long final error in Chinese", tg: emailB, sendErr: errors.New("x" + strings.Repeat("收件人不存在", 200)), final: true,
				wantStatus: store.DeliveryFailed, wantTries: 2, pending: []target{emailC},
				counts: map[string]int64{store.DeliveryPending: 1, store.DeliveryFailed: 2}},
			{name: "an error that is not UTF-8", tg: emailC, sendErr: errors.New("550 \xd3\xca\xcf\xe4\xb2\xbb\xb4\xe6\xd4\xda\xff"),
				wantStatus: store.DeliveryPending, wantTries: 1, pending: []target{emailC}, counts: map[string]int64{store.DeliveryPending: 1}},
			{name: "an error with a NUL byte", tg: emailC, sendErr: errors.New("bad reply: a\x00b"),
				wantStatus: store.DeliveryPending, wantTries: 2, pending: []target{emailC}, counts: map[string]int64{store.DeliveryPending: 1}},
			{name: "final without an error is sent", tg: emailC, final: true, wantStatus: store.DeliverySent, wantTries: 3,
				pending: []target{}, counts: map[string]int64{"": 4, store.DeliveryPending: 0, store.DeliverySent: 2, store.DeliveryFailed: 2}},
		}
		for _, tc := range steps {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, s.FinishDelivery(ctx, id[tc.tg], tc.sendErr, tc.final), "")
				delivery(t, tc.tg, tc.wantStatus, tc.wantTries)
				create(t, key, channels, tc.pending)
				counts(t, key, tc.counts)
			})
		}

		t.Run("creating again after all are done adds nothing", func(t *testing.T) {
			create(t, key, channels, []target{})
			create(t, key, nil, []target{})
			counts(t, key, map[string]int64{"": 4})
		})
		t.Run("an unknown delivery", func(t *testing.T) {
			_, err := s.Delivery(ctx, 1<<40)
			wantCode(t, err, domain.ENotFound)
			wantCode(t, s.FinishDelivery(ctx, 1<<40, nil, false), "") // nothing to update
		})
		t.Run("an unknown key", func(t *testing.T) {
			create(t, "never", nil, []target{})
			counts(t, "never", map[string]int64{"": 0, store.DeliveryPending: 0})
		})
	})
}

// ---------------------------------------------------------------------------
// Light filter

func TestListProblemsByLight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		c1 := f.campaign // default policy: yellow 3 days before a deadline
		wide := domain.Policy{WarningWindow: 10 * day}
		c2, err := s.CreateCampaign(ctx, domain.Campaign{Title: "wide warnings", Policy: wide})
		wantCode(t, err, "")
		if want := wide.WithDefaults(); c2.Policy != want {
			t.Fatalf("campaign policy %+v, want %+v", c2.Policy, want)
		}

		label := map[int64]string{}
		ids := map[string]int64{}
		keep := func(p domain.Problem, name string) domain.Problem {
			label[p.ID], ids[name] = name, p.ID
			return p
		}
		m := func(kind domain.MeasureKind, lead string, due domain.Date) domain.MeasureInput {
			return f.measureDue("m", kind, lead, due)
		}
		// Deadlines relative to asOf (2026-04-01 17:00 China time). A
		// deadline passes at the end of its day in China time.
		keep(f.planned(t, c1.ID, "red", "A", m(domain.KindImmediate, "A", "2026-03-20")), "red")
		keep(f.planned(t, c1.ID, "yellow", "B", m(domain.KindDeadline, "B", "2026-04-02")), "yellow")
		keep(f.planned(t, c1.ID, "green", "C", m(domain.KindDeadline, "C", "2026-06-30")), "green")
		late := keep(f.planned(t, c1.ID, "completed late", "A", m(domain.KindImmediate, "A", "2026-03-20")), "completed late")
		keep(f.planned(t, c1.ID, "long-term", "D", m(domain.KindLongTerm, "D", "")), "long-term")
		keep(f.do(t, f.problem(t, c1.ID, "in plan"), f.submit("B", m(domain.KindImmediate, "B", "2026-03-20"))), "in plan")
		keep(f.problem(t, c1.ID, "no plan"), "no plan")
		keep(f.planned(t, c1.ID, "mixed", "C",
			m(domain.KindDeadline, "C", "2026-06-30"), m(domain.KindImmediate, "D", "2026-03-25"), m(domain.KindLongTerm, "C", "")), "mixed")
		assigned := f.do(t, f.problem(t, c1.ID, "assigned, late"), f.submit("D", m(domain.KindImmediate, "D", "2026-03-31")))
		keep(f.do(t, assigned, f.approvePlan("")), "assigned, late") // not acknowledged: still runs late
		// Campaign two warns 10 days ahead: 7 days is yellow there, 12 green.
		keep(f.planned(t, c2.ID, "due in 7 days", "A", m(domain.KindDeadline, "A", "2026-04-07")), "due in 7 days")
		keep(f.planned(t, c2.ID, "due in 12 days", "A", m(domain.KindDeadline, "A", "2026-04-12")), "due in 12 days")
		// The late measure is completed after its deadline passed.
		f.now = time.Date(2026, 3, 25, 2, 0, 0, 0, time.UTC)
		f.do(t, late, f.complete("A", 1, "done, late"))

		labels := func(ps []domain.Problem) []string {
			out := []string{}
			for _, p := range ps {
				out = append(out, label[p.ID])
			}
			return out
		}
		// 2026-03-20 ends at 16:00 UTC.
		redEdge := time.Date(2026, 3, 20, 16, 0, 0, 0, time.UTC)
		tests := []struct {
			name   string
			filter domain.ProblemFilter
			want   []string
		}{
			{name: "red", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightRed, Now: asOf},
				want: []string{"red", "mixed", "assigned, late"}},
			{name: "yellow", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightYellow, Now: asOf},
				want: []string{"yellow"}},
			{name: "green", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightGreen, Now: asOf},
				want: []string{"green", "completed late", "long-term"}},
			{name: "now in another zone", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightYellow, Now: asOf.In(time.FixedZone("X", -11*3600))},
				want: []string{"yellow"}},
			{name: "red in every campaign", filter: domain.ProblemFilter{Light: domain.LightRed, Now: asOf},
				want: []string{"red", "mixed", "assigned, late"}},
			{name: "yellow in every campaign", filter: domain.ProblemFilter{Light: domain.LightYellow, Now: asOf},
				want: []string{"yellow", "due in 7 days"}},
			{name: "green in every campaign", filter: domain.ProblemFilter{Light: domain.LightGreen, Now: asOf},
				want: []string{"green", "completed late", "long-term", "due in 12 days"}},
			{name: "custom warning window: 7 days is yellow", filter: domain.ProblemFilter{CampaignID: c2.ID, Light: domain.LightYellow, Now: asOf},
				want: []string{"due in 7 days"}},
			{name: "custom warning window: 12 days is green", filter: domain.ProblemFilter{CampaignID: c2.ID, Light: domain.LightGreen, Now: asOf},
				want: []string{"due in 12 days"}},
			{name: "custom warning window: none red", filter: domain.ProblemFilter{CampaignID: c2.ID, Light: domain.LightRed, Now: asOf},
				want: []string{}},
			{name: "light and stage", filter: domain.ProblemFilter{Light: domain.LightRed, Stage: domain.StageExecute, Now: asOf},
				want: []string{"red", "mixed"}},
			{name: "light and unit", filter: domain.ProblemFilter{Light: domain.LightRed, UnitID: f.unit("D"), Now: asOf},
				want: []string{"mixed", "assigned, late"}},
			{name: "light and visibility", filter: domain.ProblemFilter{Light: domain.LightGreen, VisibleToUnit: f.unit("A"), Now: asOf},
				want: []string{"completed late", "due in 12 days"}},
			{name: "a second before the first deadline passes: none red", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightRed, Now: redEdge.Add(-time.Second)},
				want: []string{}},
			{name: "the instant it passes it is red", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightRed, Now: redEdge},
				want: []string{"red"}},
			{name: "three days before, to the second, it is yellow", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightYellow, Now: redEdge.Add(-3 * day)},
				want: []string{"red"}},
			{name: "a second earlier it is green", filter: domain.ProblemFilter{CampaignID: c1.ID, Light: domain.LightYellow, Now: redEdge.Add(-3*day - time.Second)},
				want: []string{}},
			{name: "at the start everything is green", filter: domain.ProblemFilter{Light: domain.LightGreen, Now: start},
				want: []string{"red", "yellow", "green", "completed late", "long-term", "mixed", "assigned, late", "due in 7 days", "due in 12 days"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.ListProblems(ctx, tc.filter)
				wantCode(t, err, "")
				if !slices.Equal(labels(got), tc.want) || total != int64(len(tc.want)) {
					t.Fatalf("got %v (total %d), want %v", labels(got), total, tc.want)
				}
				for _, p := range got {
					sameProblem(t, p, f.load(t, p.ID))
				}
			})
		}

		t.Run("the lights partition the problems as domain.ProblemLight says", func(t *testing.T) {
			all, _, err := s.ListProblems(ctx, domain.ProblemFilter{Limit: 500})
			wantCode(t, err, "")
			// Every instant a light turns, a second either side, and more.
			instants := []time.Time{start, asOf, asOf.Add(30 * day)}
			for _, p := range all {
				for _, ms := range p.Measures {
					if ms.Deadline == "" {
						continue
					}
					due := ms.Deadline.DueAt()
					for _, at := range []time.Time{due, due.Add(-p.Policy.WarningWindow)} {
						instants = append(instants, at, at.Add(-time.Second), at.Add(time.Second))
					}
				}
			}
			for _, now := range instants {
				want := map[domain.Light][]string{domain.LightRed: {}, domain.LightYellow: {}, domain.LightGreen: {}, domain.LightClosed: {}}
				for _, p := range all {
					l := domain.ProblemLight(p, p.Policy.WithDefaults().WarningWindow, now)
					if l == "" {
						continue // no light: in plan, no filter lists it
					}
					want[l] = append(want[l], label[p.ID])
				}
				for light, names := range want {
					got, _, err := s.ListProblems(ctx, domain.ProblemFilter{Light: light, Now: now, Limit: 500})
					wantCode(t, err, "")
					if !slices.Equal(labels(got), names) {
						t.Fatalf("at %v: %s lists %v, domain says %v", now, light, labels(got), names)
					}
				}
			}
		})

		t.Run("a problem keeps its campaign's policy with defaults", func(t *testing.T) {
			tests := []struct {
				name     string
				problem  string
				campaign int64
				want     domain.Policy
			}{
				{name: "custom warning window", problem: "due in 7 days", campaign: c2.ID, want: wide.WithDefaults()},
				{name: "default policy", problem: "red", campaign: c1.ID, want: domain.Policy{}.WithDefaults()},
				{name: "a problem that never left plan", problem: "no plan", campaign: c1.ID, want: domain.Policy{}.WithDefaults()},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					p := f.load(t, ids[tc.problem])
					sum, err := s.Campaign(ctx, tc.campaign)
					wantCode(t, err, "")
					if p.Policy != tc.want || sum.Policy != tc.want {
						t.Fatalf("problem policy %+v, campaign policy %+v, want %+v", p.Policy, sum.Policy, tc.want)
					}
					if p.Policy.WarningWindow == 0 || p.Policy.EscalateAfter == 0 {
						t.Fatalf("policy %+v lacks defaults", p.Policy)
					}
				})
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Campaign statistics

func TestCampaignStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		c := f.campaign.ID
		other := mustCampaign(t, s, "other").ID
		empty := mustCampaign(t, s, "empty").ID
		m := func(kind domain.MeasureKind, lead string, due domain.Date) domain.MeasureInput {
			return f.measureDue("m", kind, lead, due)
		}

		// Campaign one, read at asOf (today 2026-04-01):
		// P1 no plan, P2 a submitted plan (2 measures, dates passed: not
		// overdue in plan), P3 assign (A and B overdue), P4 execute (B twice
		// and C overdue, a long-term and a far one, extended once), P5
		// execute (A's first completed late, its second overdue), P6 closed,
		// P7 execute (D extended once to tomorrow, once refused: yellow), P8
		// execute (C due today: yellow, not overdue), P9 verify.
		f.problem(t, c, "P1")
		f.do(t, f.problem(t, c, "P2"), f.submit("A", m(domain.KindImmediate, "A", "2026-03-20"), m(domain.KindImmediate, "B", "2026-03-20")))
		p3 := f.do(t, f.problem(t, c, "P3"), f.submit("A", m(domain.KindImmediate, "A", "2026-03-20"), m(domain.KindDeadline, "B", "2026-03-20")))
		f.do(t, p3, f.approvePlan(""))
		p4 := f.planned(t, c, "P4", "B", m(domain.KindImmediate, "B", "2026-03-20"), m(domain.KindDeadline, "B", "2026-03-25"),
			m(domain.KindDeadline, "C", "2026-03-20"), m(domain.KindLongTerm, "A", ""), m(domain.KindDeadline, "A", "2026-06-30"))
		f.extend(t, p4, 5, "2026-07-31", f.leader2, true)
		p5 := f.planned(t, c, "P5", "A", m(domain.KindImmediate, "A", "2026-03-20"), m(domain.KindDeadline, "A", "2026-03-28"))
		p6 := f.planned(t, c, "P6", "C", m(domain.KindImmediate, "C", "2026-03-20"))
		p6 = f.do(t, p6, f.complete("C", 1, "done"))
		p6 = f.do(t, p6, f.requestClosure("C"))
		f.do(t, p6, f.approveClosure("verified"))
		p7 := f.planned(t, c, "P7", "D", m(domain.KindImmediate, "D", "2026-03-20"))
		p7 = f.extend(t, p7, 1, "2026-04-02", f.leader1, true)
		f.extend(t, p7, 1, "2026-05-31", f.leader1, false)
		f.planned(t, c, "P8", "C", m(domain.KindDeadline, "C", "2026-04-01"))
		p9 := f.planned(t, c, "P9", "D", m(domain.KindImmediate, "D", "2026-03-20"))
		p9 = f.do(t, p9, f.complete("D", 1, "done"))
		f.do(t, p9, f.requestClosure("D"))
		// Campaign two: D and A overdue once each (a tie), D extended once
		// but still late.
		q := f.planned(t, other, "Q1", "D", m(domain.KindImmediate, "D", "2026-03-20"), m(domain.KindImmediate, "A", "2026-03-20"))
		f.extend(t, q, 1, "2026-03-25", f.leader2, true)
		// P5's first measure is completed after its deadline.
		f.now = time.Date(2026, 3, 26, 1, 0, 0, 0, time.UTC)
		f.do(t, p5, f.complete("A", 1, "late"))

		stages := func(plan, assign, execute, verify, closed int) map[domain.Stage]int {
			return map[domain.Stage]int{domain.StagePlan: plan, domain.StageAssign: assign, domain.StageExecute: execute,
				domain.StageVerify: verify, domain.StageClosed: closed, domain.StageLookback: 0}
		}
		// Problems in plan have no light and the closed one is closed, not green.
		lights := func(red, yellow, green, closed int) map[domain.Light]int {
			return map[domain.Light]int{domain.LightRed: red, domain.LightYellow: yellow, domain.LightGreen: green, domain.LightClosed: closed}
		}
		overdue := func(pairs ...any) []domain.UnitOverdue {
			out := []domain.UnitOverdue{}
			for i := 0; i < len(pairs); i += 2 {
				name := pairs[i].(string)
				out = append(out, domain.UnitOverdue{UnitID: f.unit(name), UnitName: "unit " + name, Overdue: pairs[i+1].(int)})
			}
			return out
		}

		tests := []struct {
			name     string
			campaign int64
			now      time.Time
			want     domain.CampaignStats
			wantCode string
		}{
			{name: "mixed campaign", campaign: c, now: asOf, want: domain.CampaignStats{
				CampaignID: c, Problems: 9, Measures: 15,
				ProblemsByStage: stages(2, 1, 4, 1, 1), MeasuresByStage: stages(2, 2, 9, 1, 1),
				ByLight: lights(3, 2, 1, 1), CompletionRate: 0.111, CompletionPercent: 11.1,
				OverduePerUnit:    overdue("B", 3, "A", 2, "C", 1),
				ExtensionsGranted: 2,
			}},
			{name: "before any deadline", campaign: c, now: start, want: domain.CampaignStats{
				CampaignID: c, Problems: 9, Measures: 15,
				ProblemsByStage: stages(2, 1, 4, 1, 1), MeasuresByStage: stages(2, 2, 9, 1, 1),
				ByLight: lights(0, 0, 6, 1), CompletionRate: 0.111, CompletionPercent: 11.1, OverduePerUnit: overdue(), ExtensionsGranted: 2,
			}},
			{name: "on the last day of a deadline it is not overdue", campaign: c,
				now: time.Date(2026, 3, 20, 15, 59, 59, 0, time.UTC), want: domain.CampaignStats{
					CampaignID: c, Problems: 9, Measures: 15,
					ProblemsByStage: stages(2, 1, 4, 1, 1), MeasuresByStage: stages(2, 2, 9, 1, 1),
					ByLight: lights(0, 2, 4, 1), CompletionRate: 0.111, CompletionPercent: 11.1, OverduePerUnit: overdue(), ExtensionsGranted: 2,
				}},
			{name: "a tie is ranked by unit", campaign: other, now: asOf, want: domain.CampaignStats{
				CampaignID: other, Problems: 1, Measures: 2,
				ProblemsByStage: stages(0, 0, 1, 0, 0), MeasuresByStage: stages(0, 0, 2, 0, 0),
				ByLight: lights(1, 0, 0, 0), CompletionRate: 0,
				OverduePerUnit:    overdue("A", 1, "D", 1),
				ExtensionsGranted: 1,
			}},
			{name: "no problems", campaign: empty, now: asOf, want: domain.CampaignStats{
				CampaignID: empty, ProblemsByStage: stages(0, 0, 0, 0, 0), MeasuresByStage: stages(0, 0, 0, 0, 0),
				ByLight: lights(0, 0, 0, 0), OverduePerUnit: overdue(),
			}},
			{name: "unknown campaign", campaign: empty + 100, now: asOf, wantCode: domain.ENotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.CampaignStats(ctx, tc.campaign, tc.now)
				wantCode(t, err, tc.wantCode)
				if err != nil {
					return
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("CampaignStats\n got: %s\nwant: %s", mustJSON(t, got), mustJSON(t, tc.want))
				}
				if got.OverduePerUnit == nil {
					t.Fatal("OverduePerUnit is nil, want an empty list")
				}
			})
		}

		t.Run("agrees with the domain's lights and the problems' measures", func(t *testing.T) {
			for _, now := range []time.Time{start, asOf, time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC), asOf.Add(120 * day)} {
				for _, campaign := range []int64{c, other} {
					got, err := s.CampaignStats(ctx, campaign, now)
					wantCode(t, err, "")
					all, _, err := s.ListProblems(ctx, domain.ProblemFilter{CampaignID: campaign, Limit: 500})
					wantCode(t, err, "")
					byLight := lights(0, 0, 0, 0)
					late := map[int64]int{}
					extended := 0
					for _, p := range all {
						w := p.Policy.WithDefaults().WarningWindow
						if l := domain.ProblemLight(p, w, now); l != "" {
							byLight[l]++
						}
						for _, ms := range p.Measures {
							if domain.MeasureLight(ms, p.Stage, w, now) == domain.LightRed {
								late[ms.LeadUnitID]++
							}
							extended += ms.ExtensionCount
						}
					}
					gotLate := map[int64]int{}
					for _, u := range got.OverduePerUnit {
						gotLate[u.UnitID] = u.Overdue
					}
					if !maps.Equal(got.ByLight, byLight) || !maps.Equal(gotLate, late) || got.ExtensionsGranted != extended {
						t.Fatalf("campaign %d at %v: stats %v, %v, %d; domain %v, %v, %d", campaign, now,
							got.ByLight, gotLate, got.ExtensionsGranted, byLight, late, extended)
					}
					if !slices.IsSortedFunc(got.OverduePerUnit, func(a, b domain.UnitOverdue) int { return b.Overdue - a.Overdue }) {
						t.Fatalf("ranking not by count: %+v", got.OverduePerUnit)
					}
				}
			}
		})
	})
}

// ---------------------------------------------------------------------------
// Report schedules

func TestSetReportSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newFixture(t, s)
		c, other := f.campaign.ID, mustCampaign(t, s, "other").ID

		tests := []struct {
			name        string
			campaign    int64
			cadence     string
			dueDays     int
			wantCode    string
			wantCadence string
			wantDueDays int
		}{
			{name: "monthly", campaign: c, cadence: "monthly:25", dueDays: 5, wantCadence: "monthly:25", wantDueDays: 5},
			{name: "the same again is no error", campaign: c, cadence: "monthly:25", dueDays: 5, wantCadence: "monthly:25", wantDueDays: 5},
			{name: "weekly", campaign: c, cadence: "weekly:1", dueDays: 3, wantCadence: "weekly:1", wantDueDays: 3},
			{name: "only the due days change", campaign: c, cadence: "weekly:1", dueDays: 2, wantCadence: "weekly:1", wantDueDays: 2},
			{name: "an interval", campaign: c, cadence: "every:720h", dueDays: 7, wantCadence: "every:720h", wantDueDays: 7},
			{name: "off clears both", campaign: c, cadence: "", dueDays: 0, wantCadence: "", wantDueDays: 0},
			{name: "cleared again", campaign: c, cadence: "", dueDays: 0, wantCadence: "", wantDueDays: 0},
			{name: "unknown campaign", campaign: other + 100, cadence: "weekly:1", dueDays: 3, wantCode: domain.ENotFound},
			{name: "campaign zero", campaign: 0, cadence: "weekly:1", dueDays: 3, wantCode: domain.ENotFound},
			{name: "the last one set stays", campaign: c, cadence: "monthly:1", dueDays: 10, wantCadence: "monthly:1", wantDueDays: 10},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, s.SetReportSchedule(ctx, tc.campaign, tc.cadence, tc.dueDays), tc.wantCode)
				if tc.wantCode != "" {
					return
				}
				sum, err := s.Campaign(ctx, tc.campaign)
				wantCode(t, err, "")
				if sum.ReportCadence != tc.wantCadence || sum.ReportDueDays != tc.wantDueDays {
					t.Fatalf("campaign has cadence %q, %d due days; want %q, %d", sum.ReportCadence, sum.ReportDueDays, tc.wantCadence, tc.wantDueDays)
				}
				if sum.Title != "2026 round one" || sum.Policy != (domain.Policy{}.WithDefaults()) {
					t.Fatalf("other fields changed: %+v", sum.Campaign)
				}
			})
		}

		t.Run("other campaigns are untouched", func(t *testing.T) {
			sum, err := s.Campaign(ctx, other)
			wantCode(t, err, "")
			if sum.ReportCadence != "" || sum.ReportDueDays != 0 {
				t.Fatalf("other campaign has cadence %q, %d", sum.ReportCadence, sum.ReportDueDays)
			}
		})
		t.Run("the list carries the schedule", func(t *testing.T) {
			list, err := s.ListCampaigns(ctx)
			wantCode(t, err, "")
			for _, cm := range list {
				if cm.ID == c && (cm.ReportCadence != "monthly:1" || cm.ReportDueDays != 10) {
					t.Fatalf("listed %+v", cm)
				}
			}
		})
	})
}
