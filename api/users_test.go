package api_test

import (
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestUserAdmin covers an admin's edit of a user, the last-admin rule,
// disabling and enabling, and a password reset with its forced change at
// the next sign-in.
func TestUserAdmin(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var unit domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &unit)
	var carol domain.User
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "carol", "password": "carol-pass-1", "role": "unit", "unit_id": unit.ID}).Decode(t, &carol)
	path := "/api/v1/users/" + id(carol.ID)

	t.Run("Edit", func(t *testing.T) {
		var got domain.User
		admin.Must(t, 200, "PATCH", path, map[string]any{"display_name": "王卡罗", "unit_role": "head", "email": "carol@example.org"}).Decode(t, &got)
		if got.DisplayName != "王卡罗" || got.UnitRole != domain.UnitHead || got.Email != "carol@example.org" || got.UnitID != unit.ID || got.Role != domain.RoleUnit {
			t.Fatalf("edited user = %+v", got)
		}
		// To a supervisor: the unit and the unit role go with the unit role.
		got = domain.User{} // decoding leaves the fields the answer omits (unit_id, unit_role)
		admin.Must(t, 200, "PATCH", path, map[string]any{"role": "supervisor"}).Decode(t, &got)
		if got.Role != domain.RoleSupervisor || got.UnitID != 0 || got.UnitRole != "" || got.DisplayName != "王卡罗" {
			t.Fatalf("user made supervisor = %+v", got)
		}
		for _, tc := range []struct {
			name string
			body map[string]any
			key  string
		}{
			{"RoleInvalid", map[string]any{"role": "king"}, "role_invalid"},
			{"UnitWithoutUnitRole", map[string]any{"unit_id": unit.ID}, "user_unit_not_allowed"},
			{"UnitMissing", map[string]any{"role": "unit"}, "user_unit_required"},
			{"UnitUnknown", map[string]any{"role": "unit", "unit_id": 999}, "unit_not_found"},
			{"EmailInvalid", map[string]any{"email": "not-an-address"}, "email_invalid"},
			{"UnitRoleInvalid", map[string]any{"role": "unit", "unit_id": unit.ID, "unit_role": "boss"}, "unit_role_invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := admin.Do(t, "PATCH", path, tc.body)
				if r.Status != 400 || !strings.Contains(string(r.Body), `"key":"`+tc.key+`"`) {
					t.Fatalf("PATCH %v: %d %s, want 400 %s", tc.body, r.Status, r.Body, tc.key)
				}
			})
		}
		admin.Must(t, 400, "PATCH", path, map[string]any{"username": "mallory"}) // not editable
		admin.Must(t, 404, "PATCH", "/api/v1/users/999", map[string]any{"display_name": "x"})
		got = domain.User{}
		admin.Must(t, 200, "PATCH", path, map[string]any{"role": "unit", "unit_id": unit.ID}).Decode(t, &got)
		if got.UnitRole != domain.UnitStaff {
			t.Fatalf("unit user without a unit role = %+v, want staff", got)
		}
		c := anon.As(anon.Login(t, "carol", "carol-pass-1"))
		c.Must(t, 403, "PATCH", path, map[string]any{"role": "admin"})
	})

	t.Run("LastAdmin", func(t *testing.T) {
		r := admin.Do(t, "PATCH", "/api/v1/users/1", map[string]any{"role": "leader"})
		if r.Status != 409 || !strings.Contains(string(r.Body), `"key":"last_admin"`) {
			t.Fatalf("demoting the last admin: %d %s", r.Status, r.Body)
		}
		var second domain.User
		admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "root2", "password": "root2-pass-1", "role": "admin"}).Decode(t, &second)
		admin.Must(t, 200, "POST", "/api/v1/users/"+id(second.ID)+"/disable", nil).Decode(t, &second)
		if !second.Disabled {
			t.Fatalf("second admin = %+v", second)
		}
		// A disabled admin does not count: the first is still the last.
		admin.Must(t, 409, "PATCH", "/api/v1/users/1", map[string]any{"role": "leader"})
		admin.Must(t, 200, "POST", "/api/v1/users/"+id(second.ID)+"/enable", nil)
		var me domain.User
		admin.Must(t, 200, "PATCH", "/api/v1/users/1", map[string]any{"role": "leader"}).Decode(t, &me)
		if me.Role != domain.RoleLeader {
			t.Fatalf("demoted admin = %+v", me)
		}
		admin.Must(t, 403, "GET", "/api/v1/users", nil) // a leader now
		root2 := anon.As(anon.Login(t, "root2", "root2-pass-1"))
		r = root2.Do(t, "POST", "/api/v1/users/"+id(second.ID)+"/disable", nil)
		if r.Status != 409 || !strings.Contains(string(r.Body), `"key":"disable_self"`) {
			t.Fatalf("disabling oneself: %d %s", r.Status, r.Body)
		}
		root2.Must(t, 200, "PATCH", "/api/v1/users/1", map[string]any{"role": "admin"})
	})

	t.Run("DisableEnable", func(t *testing.T) {
		c := anon.As(anon.Login(t, "carol", "carol-pass-1"))
		admin.Must(t, 200, "POST", path+"/disable", nil)
		c.Must(t, 401, "GET", "/api/v1/me", nil)
		anon.Must(t, 401, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "carol-pass-1"})
		admin.Must(t, 200, "POST", path+"/enable", nil)
		anon.As(anon.Login(t, "carol", "carol-pass-1")).Must(t, 200, "GET", "/api/v1/me", nil)
	})

	t.Run("ResetPassword", func(t *testing.T) {
		before := anon.As(anon.Login(t, "carol", "carol-pass-1"))
		// The password rules apply to the admin's choice.
		for _, bad := range []string{"short-1", "carol", "aaaaaaaaaaaa"} {
			admin.Must(t, 400, "POST", path+"/password-reset", map[string]any{"password": bad})
		}
		var res domain.PasswordReset
		admin.Must(t, 200, "POST", path+"/password-reset", map[string]any{"password": "given-pass-12"}).Decode(t, &res)
		if res.TemporaryPassword != "" || !res.User.MustChangePassword {
			t.Fatalf("reset with a given password = %+v", res)
		}
		before.Must(t, 401, "GET", "/api/v1/me", nil) // every session ends
		anon.Must(t, 401, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "carol-pass-1"})

		// Without a password: a temporary one, answered once.
		admin.Must(t, 200, "POST", path+"/password-reset", map[string]any{}).Decode(t, &res)
		if len(res.TemporaryPassword) < domain.MinPasswordLen || domain.ValidatePassword("carol", res.TemporaryPassword) != nil {
			t.Fatalf("temporary password %q", res.TemporaryPassword)
		}
		anon.Must(t, 401, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "given-pass-12"})
		c := anon.As(anon.Login(t, "carol", res.TemporaryPassword))
		var me domain.User
		c.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)
		if !me.MustChangePassword {
			t.Fatalf("me after a reset = %+v", me)
		}
		for _, call := range [][2]string{{"GET", "/api/v1/campaigns"}, {"GET", "/api/v1/notifications"}, {"GET", "/api/v1/problems"}} {
			r := c.Do(t, call[0], call[1], nil)
			if r.Status != 403 || !strings.Contains(string(r.Body), `"key":"password_change_required"`) {
				t.Fatalf("%s %s before the change: %d %s", call[0], call[1], r.Status, r.Body)
			}
		}
		c.Must(t, 204, "POST", "/api/v1/me/password", map[string]any{"current_password": res.TemporaryPassword, "new_password": "carols-own-pass-1"})
		c.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)
		if me.MustChangePassword {
			t.Fatalf("me after the change = %+v", me)
		}
		c.Must(t, 200, "GET", "/api/v1/campaigns", nil)
		anon.Login(t, "carol", "carols-own-pass-1")
		var users struct {
			Items []domain.User `json:"items"`
		}
		admin.Must(t, 200, "GET", "/api/v1/users", nil).Decode(t, &users)
		for _, u := range users.Items {
			if u.ID == carol.ID && u.MustChangePassword {
				t.Fatalf("listed user still must change: %+v", u)
			}
		}
		c.Must(t, 403, "POST", path+"/password-reset", map[string]any{})
		admin.Must(t, 404, "POST", "/api/v1/users/999/password-reset", map[string]any{})
	})
}
