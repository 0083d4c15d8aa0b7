// Package searchattrs registers the problem workflows' search attributes
// on a Temporal namespace.
package searchattrs

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/workflows"
)

// Register adds the search attributes the namespace lacks; those present
// are left alone, so it is safe at every start. A workflow that sets an
// unregistered attribute stalls, so a failure here must stop the start.
func Register(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list temporal search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, k := range workflows.SearchAttributeKeys() {
		t, ok := have.GetCustomAttributes()[k.GetName()]
		switch {
		case !ok:
			missing[k.GetName()] = k.GetValueType()
		case t != k.GetValueType():
			return fmt.Errorf("temporal search attribute %s is registered as %s, want %s", k.GetName(), t, k.GetValueType())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		SearchAttributes: missing, Namespace: namespace,
	}); err != nil {
		return fmt.Errorf("register temporal search attributes (see README, \"Temporal search attributes\"): %w", err)
	}
	return awaitUsable(ctx, c, namespace)
}

// awaitUsable waits until the frontend accepts a query on the attributes:
// it learns of new ones when it next refreshes its namespace cache (some
// seconds), and refuses to start a workflow with them before.
func awaitUsable(ctx context.Context, c client.Client, namespace string) error {
	query := ""
	for _, k := range workflows.SearchAttributeKeys() {
		if query != "" {
			query += " AND "
		}
		if k.GetValueType() == enumspb.INDEXED_VALUE_TYPE_INT {
			query += k.GetName() + " = 0"
		} else {
			query += k.GetName() + " = ''"
		}
	}
	ctx, cancel := context.WithTimeout(ctx, usableTimeout)
	defer cancel()
	for {
		_, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal search attributes registered but not yet usable: %w", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// usableTimeout bounds the wait for new attributes, well above the
// server's namespace cache refresh (10 s by default).
const usableTimeout = time.Minute
