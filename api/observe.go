package api

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// MetricsPath is where the Prometheus metrics are served. It is not a route
// of this router, so routeAccess (access.go) does not list it: internal/app
// mounts it beside the router, and ProtectMetrics is its whole access rule
// (a bearer token, or loopback clients only), since no user session applies.
const MetricsPath = "/metrics"

// ProtectMetrics guards the metrics endpoint: with a token, callers must
// send "Authorization: Bearer <token>" (401 otherwise); without one, only
// clients on the loopback interface are served (403 otherwise), so a
// default install does not publish its internals. Behind a reverse proxy on
// the same host every client looks local: set a token there.
func ProtectMetrics(next http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			sent, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(sent)), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "send Authorization: Bearer <RECTIFY_METRICS_TOKEN>", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if !fromLoopback(r) {
			http.Error(w, "metrics are served to local clients only; set RECTIFY_METRICS_TOKEN to allow others", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// fromLoopback reports whether the connection comes from this host. It
// reads RemoteAddr only: forwarding headers are the client's to forge.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
