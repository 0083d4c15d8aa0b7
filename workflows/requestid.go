package workflows

import "go.temporal.io/sdk/workflow"

// requestIDKey carries, in a workflow context, the ID of the HTTP request
// that led to this code running (see the context propagator in
// internal/logging), so handlers can name it in their logs.
type requestIDKey struct{}

// WithRequestID returns ctx carrying a request ID.
func WithRequestID(ctx workflow.Context, id string) workflow.Context {
	return workflow.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request ID ctx carries, "" if none.
func RequestID(ctx workflow.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
