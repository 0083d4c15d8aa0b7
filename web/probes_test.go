package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/store/storetest"
	"github.com/rectify/rectify/web"
)

// TestProbes holds what probing the pages as an attacker would found: each
// case failed before its fix.
func TestProbes(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))

	t.Run("next cannot leave the site after the browser drops tabs", func(t *testing.T) {
		c := browserClient(t)
		login(t, e, c, "ub")
		for _, next := range []string{"/%09/evil.invalid/pwned", "/%0a/evil.invalid", "%5C%5Cevil.invalid", "/%5Cevil.invalid"} {
			resp, _ := get(t, c, e.URL+"/login?next="+next)
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/dashboard" {
				t.Errorf("next=%s: %d to %q, want 303 to /dashboard", next, resp.StatusCode, loc)
			}
		}
	})

	t.Run("X-Forwarded-Proto believed only from trusted proxies", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			proxies []string
			secure  bool
		}{
			{"no proxy trusted", nil, false},
			{"another proxy trusted", []string{"10.1.2.3", "192.168.0.0/16"}, false},
			{"this client is the trusted proxy", []string{"127.0.0.1"}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				h, err := web.New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
				must(t, err)
				must(t, h.WithTrustedProxies(tc.proxies))
				srv := httptest.NewServer(h)
				defer srv.Close()
				resp, _ := get(t, browserClient(t), srv.URL+"/login", "X-Forwarded-Proto", "https")
				cookies := resp.Cookies()
				if len(cookies) == 0 {
					t.Fatal("the login page set no cookie")
				}
				for _, ck := range cookies {
					if ck.Secure != tc.secure {
						t.Errorf("cookie %s Secure=%v, want %v", ck.Name, ck.Secure, tc.secure)
					}
				}
			})
		}
	})

	t.Run("an unknown username costs as long as a wrong password", func(t *testing.T) {
		ctx := context.Background()
		// The fastest of four (five failures would lock the account): what a
		// try costs at least, which a busy machine (another package's tests
		// beside this one) cannot inflate.
		fastest := func(try func(i int)) time.Duration {
			var d []time.Duration
			for i := range 4 {
				start := time.Now()
				try(i)
				d = append(d, time.Since(start))
			}
			return slices.Min(d)
		}
		wrong := fastest(func(int) { _, _, _ = e.svc.Login(ctx, "admin", "not-the-password") })
		unknown := fastest(func(i int) { _, _, _ = e.svc.Login(ctx, "nobody-"+strings.Repeat("x", i+1), "not-the-password") })
		// A password hash takes tens of milliseconds; a lookup alone, about one.
		if unknown < wrong/3 {
			t.Fatalf("unknown username %v, wrong password %v: names can be told apart by timing", unknown, wrong)
		}
	})
}

// TestReplicasShareForms: two web replicas over one database accept each
// other's forms (the CSRF key is shared, not per process).
func TestReplicasShareForms(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	replica := func() string {
		h, err := web.New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
		must(t, err)
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	a, b := replica(), replica()
	c := browserClient(t)
	_, page := get(t, c, a+"/login")
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on replica A's login page")
	}
	resp, _ := post(t, c, b+"/login", url.Values{"csrf_token": {m[1]}, "username": {"ub"}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replica B refused replica A's login form: %d", resp.StatusCode)
	}
}
