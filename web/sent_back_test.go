package web

import (
	"testing"

	"github.com/rectify/rectify/internal/domain"
)

// TestSentBack: the banner shows the latest return until it is answered.
func TestSentBack(t *testing.T) {
	ev := func(a domain.Action) domain.Event { return domain.Event{Action: a, Reason: string(a)} }
	for _, tc := range []struct {
		name   string
		events []domain.Event
		want   domain.Action
	}{
		{"nothing returned", []domain.Event{ev(domain.ActionCreate), ev(domain.ActionSubmitPlan)}, ""},
		{"plan rejected", []domain.Event{ev(domain.ActionSubmitPlan), ev(domain.ActionRejectPlan)}, domain.ActionRejectPlan},
		{"plan resubmitted", []domain.Event{ev(domain.ActionRejectPlan), ev(domain.ActionSubmitPlan)}, ""},
		{"closure returned by the head", []domain.Event{ev(domain.ActionRequestClosure), ev(domain.ActionReturnClosure), ev(domain.ActionReportProgress)}, domain.ActionReturnClosure},
		{"closure rejected, asked again", []domain.Event{ev(domain.ActionRejectClosure), ev(domain.ActionRequestClosure)}, ""},
		{"material asked for", []domain.Event{ev(domain.ActionStartLookback), ev(domain.ActionRequestMaterial)}, domain.ActionRequestMaterial},
		{"material answered", []domain.Event{ev(domain.ActionRequestMaterial), ev(domain.ActionAnswerMaterial)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sentBack(tc.events)
			if (got == nil) != (tc.want == "") || (got != nil && got.Action != tc.want) {
				t.Fatalf("banner %+v, want %q", got, tc.want)
			}
		})
	}
}
