package logging

import (
	"log/slog"
	"net/http"
	"time"
)

// Access describes one finished request, for metrics.
type Access struct {
	Method   string
	Route    string
	Status   int
	Duration time.Duration
}

// Middleware gives every request an ID: the client's X-Request-ID when it is
// valid, a fresh one otherwise. It echoes the ID in the response, puts it in
// the request's context, logs one access line per request and hands the
// same facts to observe (nil: none).
func Middleware(next http.Handler, logger *slog.Logger, observe func(Access)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !ValidRequestID(id) {
			id = NewRequestID()
		}
		req := &Request{ID: id}
		w.Header().Set(RequestIDHeader, id)
		r = r.WithContext(WithRequest(r.Context(), req))
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		a := Access{Method: r.Method, Route: routeOf(req, r), Status: rec.status(), Duration: time.Since(start)}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("method", a.Method), slog.String("route", a.Route),
			slog.Int("status", a.Status), slog.Duration("duration", a.Duration))
		if observe != nil {
			observe(a)
		}
	})
}

// routeOf is the route template a router recorded, else the pattern of the
// http.ServeMux that dispatched the request (which sets it on this very
// request), else "unmatched". Never the raw path: its IDs would make every
// request a metric series of its own.
func routeOf(req *Request, r *http.Request) string {
	if route := req.Route(); route != "" {
		return route
	}
	if r.Pattern != "" {
		return r.Pattern
	}
	return "unmatched"
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// deadlines for long downloads).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes flushes on when the writer supports them.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK // nothing written: net/http answers 200
	}
	return s.code
}
