package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProtectMetrics(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("metrics")) })
	for _, tc := range []struct {
		name, token, remote, auth string
		want                      int
	}{
		{"LoopbackV4", "", "127.0.0.1:5000", "", http.StatusOK},
		{"LoopbackV6", "", "[::1]:5000", "", http.StatusOK},
		{"RemoteNoToken", "", "192.0.2.10:5000", "", http.StatusForbidden},
		{"RemoteBearerButNoTokenConfigured", "", "192.0.2.10:5000", "Bearer x", http.StatusForbidden},
		{"TokenRight", "s3cret", "192.0.2.10:5000", "Bearer s3cret", http.StatusOK},
		{"TokenWrong", "s3cret", "192.0.2.10:5000", "Bearer nope", http.StatusUnauthorized},
		{"TokenMissing", "s3cret", "192.0.2.10:5000", "", http.StatusUnauthorized},
		{"TokenMissingFromLoopback", "s3cret", "127.0.0.1:5000", "", http.StatusUnauthorized},
		{"TokenNotBearer", "s3cret", "192.0.2.10:5000", "Basic s3cret", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = tc.remote
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			ProtectMetrics(ok, tc.token).ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
			if (rec.Code == http.StatusOK) != (rec.Body.String() == "metrics") {
				t.Errorf("body %q with status %d", rec.Body.String(), rec.Code)
			}
		})
	}
}
