// Package activities holds the side effects of the problem workflow: writes
// to the store. Activities are methods on a struct that holds their
// dependencies.
package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/workflows"
)

// Activities writes what the workflows decide.
type Activities struct {
	Store *store.Store
}

// Registry is the part of a Temporal worker that registers activities.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register registers every activity under the name workflows use.
func (a *Activities) Register(r Registry) {
	r.RegisterActivityWithOptions(a.RecordTransition, activity.RegisterOptions{Name: workflows.RecordTransitionActivity})
}

// RecordTransition writes an accepted transition to the read model and the
// event log. The store makes it idempotent, so retries write once.
func (a *Activities) RecordTransition(ctx context.Context, tr domain.Transition) error {
	return a.Store.RecordTransition(ctx, tr)
}
