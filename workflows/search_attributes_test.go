package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// TestSearchAttributesFollowTheLight checks that the workflow sets its
// search attributes and upserts Light when time alone turns it yellow and
// red, at the times the domain's light rule says.
func TestSearchAttributesFollowTheLight(t *testing.T) {
	h, _ := newDeadlineHarness(t)
	p := stateAfter(t, atExecuting)
	yellowAt, redAt := p.LightTimes(p.Policy.WithDefaults().WarningWindow)
	if !start.Before(yellowAt) {
		t.Fatalf("the problem is not green at the start (yellow at %v)", yellowAt)
	}
	type change struct {
		light string
		at    time.Time
	}
	var lights []change
	attrs := map[string]any{}
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		for k, v := range sa.GetUntypedValues() {
			attrs[k.GetName()] = v
		}
		if v, ok := sa.GetKeyword(workflows.LightAttribute); ok && (len(lights) == 0 || lights[len(lights)-1].light != v) {
			lights = append(lights, change{v, h.env.Now()})
		}
	}).Return(nil)
	h.until(sinceTo(redAt.Add(time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: p})

	for _, tc := range []struct {
		name string
		key  string
		want any
	}{
		{"CampaignId", "CampaignId", p.CampaignID},
		{"LeadUnitId", "LeadUnitId", p.LeadUnitID},
		{"Stage", "Stage", string(domain.StageExecute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if attrs[tc.key] != tc.want {
				t.Errorf("%s = %v, want %v", tc.key, attrs[tc.key], tc.want)
			}
		})
	}
	want := []change{{"green", start}, {"yellow", yellowAt}, {"red", redAt}}
	if len(lights) != len(want) {
		t.Fatalf("light changes %v, want %v", lights, want)
	}
	for i, w := range want {
		if lights[i].light != w.light || lights[i].at.Sub(w.at) < 0 || lights[i].at.Sub(w.at) > time.Minute {
			t.Errorf("change %d: %s at %v, want %s at %v", i, lights[i].light, lights[i].at, w.light, w.at)
		}
	}
}
