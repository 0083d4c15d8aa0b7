package logging

import (
	"context"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/workflows"
)

// requestIDHeaderKey names the Temporal header that carries the request ID
// from the client to workflows and from workflows to activities.
const requestIDHeaderKey = "rectify-request-id"

// Propagator carries the request ID through Temporal headers: from the
// service's calls (Updates, starts) into workflow handlers, and from there
// into activities, so every log line a request causes can be found by its
// ID. Register it in client.Options.ContextPropagators.
type Propagator struct{}

var _ workflow.ContextPropagator = Propagator{}

// Inject writes the request ID of a Go context into the header.
func (Propagator) Inject(ctx context.Context, w workflow.HeaderWriter) error {
	return writeRequestID(w, RequestID(ctx))
}

// Extract reads the request ID into an activity's context.
func (Propagator) Extract(ctx context.Context, r workflow.HeaderReader) (context.Context, error) {
	id, err := readRequestID(r)
	if err != nil || id == "" {
		return ctx, err
	}
	return WithRequestID(ctx, id), nil
}

// InjectFromWorkflow writes the request ID of a workflow context into the
// header of an activity or child workflow it starts.
func (Propagator) InjectFromWorkflow(ctx workflow.Context, w workflow.HeaderWriter) error {
	return writeRequestID(w, workflows.RequestID(ctx))
}

// ExtractToWorkflow reads the request ID into a workflow or update
// handler's context.
func (Propagator) ExtractToWorkflow(ctx workflow.Context, r workflow.HeaderReader) (workflow.Context, error) {
	id, err := readRequestID(r)
	if err != nil || id == "" {
		return ctx, err
	}
	return workflows.WithRequestID(ctx, id), nil
}

func writeRequestID(w workflow.HeaderWriter, id string) error {
	if id == "" {
		return nil
	}
	payload, err := converter.GetDefaultDataConverter().ToPayload(id)
	if err != nil {
		return err
	}
	w.Set(requestIDHeaderKey, payload)
	return nil
}

// readRequestID decodes the header; an ID that is not valid (a header
// written by something else) is dropped rather than logged.
func readRequestID(r workflow.HeaderReader) (string, error) {
	payload, ok := r.Get(requestIDHeaderKey)
	if !ok {
		return "", nil
	}
	var id string
	if err := converter.GetDefaultDataConverter().FromPayload(payload, &id); err != nil {
		return "", err
	}
	if !ValidRequestID(id) {
		return "", nil
	}
	return id, nil
}
