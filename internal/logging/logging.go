// Package logging carries a request's ID (and, once known, its user) in the
// context, stamps them on every log record written with that context, and
// logs one access line per HTTP request.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
)

// RequestIDHeader is the header that carries a request's ID in and out.
const RequestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds a client's ID: it ends up in every log line.
const maxRequestIDLen = 64

// Request is what the logs know about the request being served. The
// middleware creates it; handlers further in fill in what only they learn
// (the user, the route template), so the access line can report them.
type Request struct {
	ID     string
	userID atomic.Int64
	route  atomic.Pointer[string]
}

// SetUser records the signed-in user.
func (r *Request) SetUser(id int64) {
	if r != nil {
		r.userID.Store(id)
	}
}

// UserID is the signed-in user, 0 before authentication.
func (r *Request) UserID() int64 {
	if r == nil {
		return 0
	}
	return r.userID.Load()
}

// SetRoute records the route template that matched (gin's FullPath).
func (r *Request) SetRoute(route string) {
	if r != nil {
		r.route.Store(&route)
	}
}

// Route is the recorded route template, "" when no router recorded one.
func (r *Request) Route() string {
	if r == nil {
		return ""
	}
	if p := r.route.Load(); p != nil {
		return *p
	}
	return ""
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// WithRequestID returns ctx carrying a request with the given ID (a worker
// continuing a request that an API process received, for example).
func WithRequestID(ctx context.Context, id string) context.Context {
	return WithRequest(ctx, &Request{ID: id})
}

// FromContext is the request ctx carries, or nil.
func FromContext(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// RequestID is the ID of the request ctx carries, "" if none.
func RequestID(ctx context.Context) string {
	if r := FromContext(ctx); r != nil {
		return r.ID
	}
	return ""
}

// ValidRequestID reports whether a client's ID may be used as is: at most 64
// characters of letters, digits, '.', '_' and '-', so it cannot forge log
// fields or fill the logs.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// NewRequestID returns a fresh random ID (32 hex digits).
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// Handler adds request_id and user_id from the record's context to every
// record, whatever the format of the handler it wraps.
type Handler struct {
	inner slog.Handler
}

// NewHandler wraps inner.
func NewHandler(inner slog.Handler) *Handler { return &Handler{inner: inner} }

// Enabled defers to the wrapped handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle stamps the request's fields and passes the record on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if req := FromContext(ctx); req != nil {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", req.ID))
		if uid := req.UserID(); uid != 0 {
			r.AddAttrs(slog.Int64("user_id", uid))
		}
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{inner: h.inner.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name)}
}
