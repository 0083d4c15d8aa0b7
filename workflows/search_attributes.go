package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
)

// Search attributes of every problem workflow, so that operators find
// problems in Temporal's own UI and CLI by campaign, unit, stage and light.
// A cluster must have them registered (see README).
var (
	CampaignIDAttribute = temporal.NewSearchAttributeKeyInt64("CampaignId")
	LeadUnitIDAttribute = temporal.NewSearchAttributeKeyInt64("LeadUnitId")
	StageAttribute      = temporal.NewSearchAttributeKeyKeyword("Stage")
	LightAttribute      = temporal.NewSearchAttributeKeyKeyword("Light")
)

// SearchAttributeKeys lists the keys above, for registering them.
func SearchAttributeKeys() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{CampaignIDAttribute, LeadUnitIDAttribute, StageAttribute, LightAttribute}
}

// SearchAttributes are p's search attributes at now.
func SearchAttributes(p domain.Problem, now time.Time) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		CampaignIDAttribute.ValueSet(p.CampaignID),
		LeadUnitIDAttribute.ValueSet(p.LeadUnitID),
		StageAttribute.ValueSet(string(p.Stage)),
		LightAttribute.ValueSet(string(p.LightAt(now))),
	)
}

// searchAttributesChange names the change that keeps the search attributes
// up to date.
const searchAttributesChange = "search-attributes"

// upsertSearchAttributes sets those of the problem's attributes that differ
// from what the workflow carries: a no-op sends no command.
func (w *problemWorkflow) upsertSearchAttributes(ctx workflow.Context) error {
	want := SearchAttributes(w.problem, workflow.Now(ctx))
	have := workflow.GetTypedSearchAttributes(ctx)
	var updates []temporal.SearchAttributeUpdate
	if v, ok := have.GetInt64(CampaignIDAttribute); !ok || v != w.problem.CampaignID {
		updates = append(updates, CampaignIDAttribute.ValueSet(w.problem.CampaignID))
	}
	if v, ok := have.GetInt64(LeadUnitIDAttribute); !ok || v != w.problem.LeadUnitID {
		updates = append(updates, LeadUnitIDAttribute.ValueSet(w.problem.LeadUnitID))
	}
	for _, k := range []temporal.SearchAttributeKeyKeyword{StageAttribute, LightAttribute} {
		value, _ := want.GetKeyword(k)
		if v, ok := have.GetKeyword(k); !ok || v != value {
			updates = append(updates, k.ValueSet(value))
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}
