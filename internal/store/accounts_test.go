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
