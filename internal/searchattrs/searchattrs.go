// Package searchattrs registers the problem workflows' search attributes
// on a Temporal namespace.
package searchattrs

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
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
	return nil
}
