package store_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		u := f.unitUser["A"]
		live := func(tokenHash string) bool {
			t.Helper()
			_, err := s.UserBySession(ctx, tokenHash)
			if err != nil && !domain.IsCode(err, domain.EUnauthorized) {
				t.Fatal(err)
			}
			return err == nil
		}
		for _, h := range []string{"one", "two", "three"} {
			if err := s.CreateSession(ctx, h, u.UserID, f.now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("Expired", func(t *testing.T) {
			f.now = start.Add(time.Hour - time.Second)
			if !live("one") {
				t.Fatal("a live token is refused")
			}
			f.now = start.Add(time.Hour)
			if live("one") {
				t.Fatal("an expired token is accepted")
			}
			f.now = start
		})

		t.Run("PasswordChangeEndsOtherSessions", func(t *testing.T) {
			if err := s.SetPassword(ctx, u.UserID, "new-hash", "one"); err != nil {
				t.Fatal(err)
			}
			if !live("one") || live("two") || live("three") {
				t.Fatal("sessions after a password change: want only the changing one")
			}
			if _, hash, err := s.UserCredentials(ctx, u.Username); err != nil || hash != "new-hash" {
				t.Fatalf("hash %q, %v", hash, err)
			}
			if err := s.SetPassword(ctx, 9999, "x", ""); !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("unknown user: %v", err)
			}
		})

		t.Run("DisableEndsSessions", func(t *testing.T) {
			got, err := s.SetUserDisabled(ctx, u.UserID, true)
			if err != nil || !got.Disabled {
				t.Fatalf("disable: %+v, %v", got, err)
			}
			if live("one") {
				t.Fatal("a disabled user's session lives")
			}
			if got, err = s.SetUserDisabled(ctx, u.UserID, false); err != nil || got.Disabled {
				t.Fatalf("enable: %+v, %v", got, err)
			}
			if live("one") {
				t.Fatal("enabling revived a session")
			}
			if _, err := s.SetUserDisabled(ctx, 9999, true); !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("unknown user: %v", err)
			}
		})
	})
}

func TestUserEditAndReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		u := f.unitUser["A"]
		str := func(v string) *string { return &v }

		t.Run("Edit", func(t *testing.T) {
			head := domain.UnitHead
			unitB := f.unit("B")
			got, err := s.UpdateUser(ctx, u.UserID, domain.UserEdit{DisplayName: str(" 张三 "), UnitID: &unitB, UnitRole: &head, Email: str("z@example.org")})
			if err != nil || got.DisplayName != "张三" || got.UnitID != unitB || got.UnitRole != domain.UnitHead || got.Email != "z@example.org" {
				t.Fatalf("edit: %+v, %v", got, err)
			}
			if stored, err := s.User(ctx, u.UserID); err != nil || stored.DisplayName != got.DisplayName || stored.UnitID != unitB || stored.UnitRole != domain.UnitHead || stored.Email != got.Email {
				t.Fatalf("stored %+v, %v; want %+v", stored, err, got)
			}
			missing := int64(9999)
			if _, err := s.UpdateUser(ctx, u.UserID, domain.UserEdit{UnitID: &missing}); !domain.IsCode(err, domain.EInvalid) {
				t.Fatalf("unknown unit: %v", err)
			}
			if _, err := s.UpdateUser(ctx, 9999, domain.UserEdit{}); !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("unknown user: %v", err)
			}
		})

		t.Run("LastAdmin", func(t *testing.T) {
			leader := domain.RoleLeader
			_, err := s.UpdateUser(ctx, f.admin.UserID, domain.UserEdit{Role: &leader})
			if e := domain.AsError(err); e == nil || e.Key != "last_admin" {
				t.Fatalf("demoting the last admin: %v", err)
			}
			if _, err := s.SetUserDisabled(ctx, f.admin.UserID, true); domain.AsError(err) == nil || domain.AsError(err).Key != "last_admin" {
				t.Fatalf("disabling the last admin: %v", err)
			}
		})

		t.Run("ResetForcesChange", func(t *testing.T) {
			for _, h := range []string{"r1", "r2"} {
				if err := s.CreateSession(ctx, h, u.UserID, f.now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.ResetPassword(ctx, u.UserID, "reset-hash")
			if err != nil || !got.MustChangePassword {
				t.Fatalf("reset: %+v, %v", got, err)
			}
			if _, err := s.UserBySession(ctx, "r1"); !domain.IsCode(err, domain.EUnauthorized) {
				t.Fatalf("a session outlived the reset: %v", err)
			}
			if err := s.CreateSession(ctx, "r3", u.UserID, f.now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if me, err := s.UserBySession(ctx, "r3"); err != nil || !me.MustChangePassword {
				t.Fatalf("signed in after the reset: %+v, %v", me, err)
			}
			if err := s.SetPassword(ctx, u.UserID, "own-hash", "r3"); err != nil {
				t.Fatal(err)
			}
			if me, err := s.UserBySession(ctx, "r3"); err != nil || me.MustChangePassword {
				t.Fatalf("after the change: %+v, %v", me, err)
			}
			if _, err := s.ResetPassword(ctx, 9999, "x"); !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("unknown user: %v", err)
			}
		})
	})
}
