package store_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		bot := f.leader1
		live := func(hash string) bool {
			t.Helper()
			u, err := s.UserByAPIToken(ctx, hash)
			if err != nil && !domain.IsCode(err, domain.EUnauthorized) {
				t.Fatal(err)
			}
			if err == nil && u.ID != bot.UserID {
				t.Fatalf("token %s acts as user %d, want %d", hash, u.ID, bot.UserID)
			}
			return err == nil
		}
		issue := func(name, hash string, ttl time.Duration) domain.APIToken {
			t.Helper()
			tok, err := s.CreateAPIToken(ctx, domain.APIToken{Name: name, UserID: bot.UserID, CreatedBy: f.admin.UserID, ExpiresAt: f.now.Add(ttl)}, hash)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		a := issue("sync", "hash-a", 24*time.Hour)
		b := issue("dashboard", "hash-b", 48*time.Hour)
		if a.Name != "sync" || a.Role != domain.RoleLeader || a.Username == "" || !a.ExpiresAt.Equal(f.now.Add(24*time.Hour)) {
			t.Errorf("token = %+v", a)
		}
		if !live("hash-a") || !live("hash-b") || live("hash-unknown") {
			t.Fatal("live tokens not found, or an unknown one found")
		}
		if _, err := s.RevokeAPIToken(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if live("hash-a") || !live("hash-b") {
			t.Error("revoking one token should end it alone")
		}
		f.now = f.now.Add(49 * time.Hour)
		if live("hash-b") {
			t.Error("an expired token still works")
		}
		list, err := s.ListAPITokens(ctx)
		if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].RevokedAt.IsZero() {
			t.Errorf("list = %+v, %v", list, err)
		}
		if _, err := s.CreateAPIToken(ctx, domain.APIToken{Name: "x", UserID: 9999, ExpiresAt: f.now.Add(time.Hour)}, "hash-c"); !domain.IsCode(err, domain.ENotFound) {
			t.Errorf("token for a missing user: %v, want not found", err)
		}
		if _, err := s.RevokeAPIToken(ctx, 9999); !domain.IsCode(err, domain.ENotFound) {
			t.Errorf("revoke a missing token: %v, want not found", err)
		}
	})
}
