package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestAPITokens: an admin issues a token for an integration account; it is
// shown once, acts with the account's role only, and stops working when
// revoked, expired or when the account is disabled.
func TestAPITokens(t *testing.T) {
	st := storetest.SQLite(t)
	anon, _ := newServerAndService(t, &activities.Activities{Store: st})
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var bot, alice domain.User
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "ledger-bot", "password": "bot-password-1", "role": "leader"}).Decode(t, &bot)
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "alice", "password": "alice-pass-1", "role": "supervisor"}).Decode(t, &alice)

	issue := func(t *testing.T, body map[string]any) (string, domain.APIToken) {
		t.Helper()
		var got struct {
			domain.APIToken
			Token string `json:"token"`
		}
		admin.Must(t, 201, "POST", "/api/v1/api-tokens", body).Decode(t, &got)
		if !strings.HasPrefix(got.Token, domain.APITokenPrefix) || len(got.Token) < 40 {
			t.Fatalf("token %q", got.Token)
		}
		return got.Token, got.APIToken
	}

	t.Run("ActsAsItsAccount", func(t *testing.T) {
		token, info := issue(t, map[string]any{"name": "台账同步", "user_id": bot.ID})
		if info.Role != domain.RoleLeader || info.Username != "ledger-bot" {
			t.Errorf("token info = %+v", info)
		}
		if days := time.Until(info.ExpiresAt).Hours() / 24; days < 364 || days > 366 {
			t.Errorf("expires in %.1f days, want the default 365", days)
		}
		c := anon.As(token)
		var me domain.User
		c.Must(t, 200, "GET", "/api/v1/me", nil).Decode(t, &me)
		if me.ID != bot.ID {
			t.Errorf("/me = %+v, want ledger-bot", me)
		}
		c.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "同步的整改批次"}) // a leader may
		c.Must(t, 403, "GET", "/api/v1/users", nil)                                     // not an admin
		c.Must(t, 403, "POST", "/api/v1/api-tokens", map[string]any{"name": "x", "user_id": bot.ID})
		// The list never shows a token again.
		r := admin.Must(t, 200, "GET", "/api/v1/api-tokens", nil)
		if strings.Contains(string(r.Body), token) || !strings.Contains(string(r.Body), "台账同步") {
			t.Errorf("list: %s", r.Body)
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		token, info := issue(t, map[string]any{"name": "dashboard", "user_id": bot.ID, "expires_in_days": 30})
		c := anon.As(token)
		c.Must(t, 200, "GET", "/api/v1/me", nil)
		var got domain.APIToken
		admin.Must(t, 200, "POST", "/api/v1/api-tokens/"+id(info.ID)+"/revoke", nil).Decode(t, &got)
		if got.RevokedAt.IsZero() {
			t.Errorf("revoked token = %+v", got)
		}
		c.Must(t, 401, "GET", "/api/v1/me", nil)
		admin.Must(t, 404, "POST", "/api/v1/api-tokens/999/revoke", nil)
	})

	t.Run("Expiry", func(t *testing.T) {
		token, _ := issue(t, map[string]any{"name": "short", "user_id": bot.ID, "expires_in_days": 1})
		c := anon.As(token)
		c.Must(t, 200, "GET", "/api/v1/me", nil)
		st.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		defer func() { st.Now = time.Now }()
		c.Must(t, 401, "GET", "/api/v1/me", nil)
	})

	t.Run("DisabledAccount", func(t *testing.T) {
		token, _ := issue(t, map[string]any{"name": "alice's", "user_id": alice.ID})
		c := anon.As(token)
		c.Must(t, 200, "GET", "/api/v1/me", nil)
		admin.Must(t, 200, "POST", "/api/v1/users/"+id(alice.ID)+"/disable", nil)
		c.Must(t, 401, "GET", "/api/v1/me", nil)
		admin.Must(t, 409, "POST", "/api/v1/api-tokens", map[string]any{"name": "again", "user_id": alice.ID})
	})

	t.Run("Invalid", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"NoName":       {"user_id": bot.ID},
			"NoUser":       {"name": "x"},
			"TooLong":      {"name": "x", "user_id": bot.ID, "expires_in_days": 731},
			"Negative":     {"name": "x", "user_id": bot.ID, "expires_in_days": -1},
			"UnknownField": {"name": "x", "user_id": bot.ID, "scope": "all"},
		} {
			t.Run(name, func(t *testing.T) { admin.Must(t, 400, "POST", "/api/v1/api-tokens", body) })
		}
		admin.Must(t, 404, "POST", "/api/v1/api-tokens", map[string]any{"name": "x", "user_id": 999})
		anon.As(domain.APITokenPrefix+"made-up").Must(t, 401, "GET", "/api/v1/me", nil)
	})
}
