package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/api"
	"github.com/rectify/rectify/internal/apitest"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestAccounts covers login lockout, password change, disabling users and
// the audit check through HTTP.
func TestAccounts(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var alice, bob domain.User
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "alice", "password": "alice-pass-1", "role": "leader"}).Decode(t, &alice)
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "bob", "password": "bob-pass-12", "role": "supervisor"}).Decode(t, &bob)

	t.Run("Lockout", func(t *testing.T) {
		wrong := map[string]any{"username": "bob", "password": "guess-guess"}
		for i := 0; i < 4; i++ {
			anon.Must(t, 401, "POST", "/api/v1/auth/login", wrong)
		}
		r := anon.Must(t, 429, "POST", "/api/v1/auth/login", wrong)
		if r.ErrorCode() != domain.ETooMany || !strings.Contains(string(r.Body), `"key":"login_locked"`) || !strings.Contains(string(r.Body), "登录失败次数过多，请于") {
			t.Fatalf("lockout answer: %s", r.Body)
		}
		// Locked: the right password is refused too, other users are not.
		anon.Must(t, 429, "POST", "/api/v1/auth/login", map[string]any{"username": "BOB", "password": "bob-pass-12"})
		anon.Login(t, "alice", "alice-pass-1")
	})

	t.Run("ChangePassword", func(t *testing.T) {
		first := anon.As(anon.Login(t, "alice", "alice-pass-1"))
		second := anon.As(anon.Login(t, "alice", "alice-pass-1"))
		first.Must(t, 403, "POST", "/api/v1/me/password", map[string]any{"current_password": "nope-nope-1", "new_password": "brand-new-pass-1"})
		for _, bad := range []string{"short-1", "alice", "aaaaaaaaaaaa", "alice-pass-1"} {
			first.Must(t, 400, "POST", "/api/v1/me/password", map[string]any{"current_password": "alice-pass-1", "new_password": bad})
		}
		first.Must(t, 400, "POST", "/api/v1/me/password", map[string]any{"current_password": "alice-pass-1", "extra": 1})
		first.Must(t, 204, "POST", "/api/v1/me/password", map[string]any{"current_password": "alice-pass-1", "new_password": "brand-new-pass-1"})
		first.Must(t, 200, "GET", "/api/v1/me", nil)
		second.Must(t, 401, "GET", "/api/v1/me", nil) // other sessions end
		anon.Must(t, 401, "POST", "/api/v1/auth/login", map[string]any{"username": "alice", "password": "alice-pass-1"})
		anon.Login(t, "alice", "brand-new-pass-1")
	})

	t.Run("DisableEnable", func(t *testing.T) {
		a := anon.As(anon.Login(t, "alice", "brand-new-pass-1"))
		a.Must(t, 403, "POST", "/api/v1/users/"+id(alice.ID)+"/disable", nil) // not an admin
		admin.Must(t, 409, "POST", "/api/v1/users/1/disable", nil)            // not oneself
		admin.Must(t, 404, "POST", "/api/v1/users/999/disable", nil)
		admin.Must(t, 400, "POST", "/api/v1/users/x/disable", nil)
		var got domain.User
		admin.Must(t, 200, "POST", "/api/v1/users/"+id(alice.ID)+"/disable", nil).Decode(t, &got)
		if !got.Disabled {
			t.Fatalf("disabled user = %+v", got)
		}
		a.Must(t, 401, "GET", "/api/v1/me", nil) // at once
		anon.Must(t, 401, "POST", "/api/v1/auth/login", map[string]any{"username": "alice", "password": "brand-new-pass-1"})
		admin.Must(t, 200, "POST", "/api/v1/users/"+id(alice.ID)+"/enable", nil).Decode(t, &got)
		if got.Disabled {
			t.Fatalf("enabled user = %+v", got)
		}
		a.Must(t, 401, "GET", "/api/v1/me", nil) // the old session stays ended
		anon.Login(t, "alice", "brand-new-pass-1")
	})

	t.Run("AuditVerify", func(t *testing.T) {
		var c domain.Campaign
		admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "round one"}).Decode(t, &c)
		admin.Must(t, 201, "POST", "/api/v1/campaigns/"+id(c.ID)+"/problems", map[string]any{"title": "a problem"})
		var rep domain.AuditReport
		admin.Must(t, 200, "GET", "/api/v1/admin/audit/verify", nil).Decode(t, &rep)
		if !rep.OK || rep.Events != 1 || rep.Campaigns != 1 {
			t.Fatalf("report = %+v", rep)
		}
		anon.As(anon.Login(t, "alice", "brand-new-pass-1")).Must(t, 403, "GET", "/api/v1/admin/audit/verify", nil)
		anon.Must(t, 401, "GET", "/api/v1/admin/audit/verify", nil)
	})
}

// TestLoginLimitPerAddress: failures from one address lock that address
// out, whatever usernames it tries, and an X-Forwarded-For header from a
// peer that is not a trusted proxy does not change the address counted.
func TestLoginLimitPerAddress(t *testing.T) {
	st := storetest.SQLite(t)
	anon, svc := newServerAndService(t, &activities.Activities{Store: st})
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "carol", "password": "carol-pass-1", "role": "leader"})
	for i := range 20 {
		want := 401
		if i == 19 {
			want = 429 // the address's 20th failure locks it
		}
		anon.Must(t, want, "POST", "/api/v1/auth/login",
			map[string]any{"username": "ghost-" + id(int64(i)), "password": "guess-guess"},
			"X-Forwarded-For", "203.0.113."+id(int64(i)))
	}
	r := anon.Must(t, 429, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "carol-pass-1"},
		"X-Forwarded-For", "198.51.100.7")
	if r.ErrorCode() != domain.ETooMany {
		t.Fatalf("after 20 failures from one address: %s", r.Body)
	}

	// Behind a trusted proxy the forwarded address is the client's: another
	// client through the same proxy is not locked out, the locked one is.
	behind := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := behind.WithTrustedProxies([]string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(behind)
	t.Cleanup(srv.Close)
	proxied := apitest.Client{BaseURL: srv.URL}
	proxied.Must(t, 200, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "carol-pass-1"},
		"X-Forwarded-For", "198.51.100.7")
	proxied.Must(t, 429, "POST", "/api/v1/auth/login", map[string]any{"username": "carol", "password": "carol-pass-1"})
}
