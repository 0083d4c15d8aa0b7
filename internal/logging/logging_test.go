package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
)

func TestValidRequestID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"abc-123_X.y", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"with space", false},
		{"new\nline", false},
		{`quote"`, false},
		{"ünïcode", false},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := ValidRequestID(tc.id); got != tc.want {
				t.Errorf("ValidRequestID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}

// logLines decodes JSON log output, one record a line.
func logLines(t *testing.T, out *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestMiddleware: a valid X-Request-ID is echoed and logged, an invalid
// one is replaced by a fresh ID; the handler's own log lines and the access
// line carry it, with the user and the route handlers recorded.
func TestMiddleware(t *testing.T) {
	for _, tc := range []struct {
		name, sent string
		keep       bool
	}{
		{"Given", "req-42.a_b", true},
		{"Missing", "", false},
		{"Invalid", "bad id\nforged=1", false},
		{"TooLong", strings.Repeat("x", 65), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			logger := slog.New(NewHandler(slog.NewJSONHandler(&out, nil)))
			var seen Access
			mux := http.NewServeMux()
			mux.HandleFunc("/things/{id}", func(w http.ResponseWriter, r *http.Request) {
				req := FromContext(r.Context())
				req.SetUser(7)
				logger.InfoContext(r.Context(), "inside")
				w.WriteHeader(http.StatusTeapot)
			})
			h := Middleware(mux, logger, func(a Access) { seen = a })
			r := httptest.NewRequest(http.MethodGet, "/things/12", nil)
			if tc.sent != "" {
				r.Header.Set(RequestIDHeader, tc.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)

			id := rec.Header().Get(RequestIDHeader)
			if tc.keep && id != tc.sent {
				t.Errorf("response ID %q, want the client's %q", id, tc.sent)
			}
			if !tc.keep && (id == tc.sent || !ValidRequestID(id) || len(id) != 32) {
				t.Errorf("response ID %q, want a fresh 32-digit ID", id)
			}
			lines := logLines(t, &out)
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want the handler's and the access line: %s", len(lines), out.String())
			}
			for _, l := range lines {
				if l["request_id"] != id || l["user_id"] != float64(7) {
					t.Errorf("log line %v lacks request_id %q or user_id 7", l, id)
				}
			}
			access := lines[1]
			if access["msg"] != "http request" || access["route"] != "/things/{id}" || access["status"] != float64(418) || access["method"] != "GET" {
				t.Errorf("access line %v", access)
			}
			if seen.Route != "/things/{id}" || seen.Status != 418 {
				t.Errorf("observed %+v", seen)
			}
		})
	}
}

func TestMiddlewareRoute(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.Handler
		want    string
		status  int
	}{
		{"RouterRecorded", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			FromContext(r.Context()).SetRoute("/api/v1/problems/:id")
		}), "/api/v1/problems/:id", 200},
		{"Unmatched", http.NotFoundHandler(), "unmatched", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen Access
			h := Middleware(tc.handler, slog.New(slog.DiscardHandler), func(a Access) { seen = a })
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/api/v1/problems/3", nil))
			if seen.Route != tc.want || seen.Status != tc.status || seen.Method != "POST" {
				t.Errorf("observed %+v, want route %q status %d", seen, tc.want, tc.status)
			}
		})
	}
}

// TestHandlerDerived: loggers derived With attributes or a group still
// stamp the request ID; records without a request stay as they were.
func TestHandlerDerived(t *testing.T) {
	var out bytes.Buffer
	logger := slog.New(NewHandler(slog.NewTextHandler(&out, nil)))
	ctx := WithRequestID(context.Background(), "rid-1")
	logger.With("k", "v").InfoContext(ctx, "one")
	logger.WithGroup("g").InfoContext(ctx, "two")
	logger.Info("three")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("lines: %q", lines)
	}
	if !strings.Contains(lines[0], "request_id=rid-1") || !strings.Contains(lines[0], "k=v") {
		t.Errorf("derived With: %s", lines[0])
	}
	if !strings.Contains(lines[1], "request_id=rid-1") {
		t.Errorf("derived group: %s", lines[1])
	}
	if strings.Contains(lines[2], "request_id") {
		t.Errorf("no request, yet: %s", lines[2])
	}
}

// header is a Temporal header for the propagator to read and write.
type header map[string]*commonpb.Payload

func (h header) Set(k string, v *commonpb.Payload) { h[k] = v }
func (h header) Get(k string) (*commonpb.Payload, bool) {
	v, ok := h[k]
	return v, ok
}
func (h header) ForEachKey(f func(string, *commonpb.Payload) error) error {
	for k, v := range h {
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

func TestPropagator(t *testing.T) {
	p := Propagator{}
	t.Run("RoundTrip", func(t *testing.T) {
		h := header{}
		if err := p.Inject(WithRequestID(context.Background(), "rid-9"), h); err != nil {
			t.Fatal(err)
		}
		ctx, err := p.Extract(context.Background(), h)
		if err != nil || RequestID(ctx) != "rid-9" {
			t.Errorf("extracted %q, %v; want rid-9", RequestID(ctx), err)
		}
	})
	t.Run("NoRequest", func(t *testing.T) {
		h := header{}
		if err := p.Inject(context.Background(), h); err != nil || len(h) != 0 {
			t.Errorf("header %v, %v; want none written", h, err)
		}
		ctx, err := p.Extract(context.Background(), h)
		if err != nil || FromContext(ctx) != nil {
			t.Errorf("extracted %v, %v; want no request", FromContext(ctx), err)
		}
	})
	t.Run("InvalidDropped", func(t *testing.T) {
		h := header{}
		if err := writeRequestID(h, "forged\nline"); err != nil {
			t.Fatal(err)
		}
		ctx, err := p.Extract(context.Background(), h)
		if err != nil || RequestID(ctx) != "" {
			t.Errorf("extracted %q, %v; want nothing", RequestID(ctx), err)
		}
	})
}
