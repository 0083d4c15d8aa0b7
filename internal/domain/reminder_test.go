package domain_test

import (
	"maps"
	"testing"

	"github.com/rectify/rectify/internal/domain"
)

func TestLatestReminders(t *testing.T) {
	tests := []struct {
		name string
		sent []string
		want []string
	}{
		{"LatestRepeatPerSeries",
			[]string{"p7:m5:deadline:red:2026-03-31:0", "p7:m5:deadline:red:2026-03-31:11", "p7:m5:deadline:red:2026-03-31:2"},
			[]string{"p7:m5:deadline:red:2026-03-31:11"}},
		{"LevelsAndDuesApart",
			[]string{"p7:m5:deadline:yellow:2026-03-31:0", "p7:m5:deadline:escalation:2026-03-31:0", "p7:m5:deadline:red:2026-04-30:3", "p7:m6:deadline:red:2026-03-31:1"},
			[]string{"p7:m5:deadline:yellow:2026-03-31:0", "p7:m5:deadline:escalation:2026-03-31:0", "p7:m5:deadline:red:2026-04-30:3", "p7:m6:deadline:red:2026-03-31:1"}},
		{"InstantWithColons",
			[]string{"p7:m0:review:red:2026-03-31T16:00:00Z:4", "p7:m0:review:red:2026-03-31T16:00:00Z:10"},
			[]string{"p7:m0:review:red:2026-03-31T16:00:00Z:10"}},
		{"EventNoticesDropped",
			[]string{"p7:event:12", "p7:event:13:u10", "p7:m5:deadline:red:2026-03-31:1"},
			[]string{"p7:m5:deadline:red:2026-03-31:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sent := map[string]bool{}
			for _, k := range tc.sent {
				sent[k] = true
			}
			want := map[string]bool{}
			for _, k := range tc.want {
				want[k] = true
			}
			if got := domain.LatestReminders(sent); !maps.Equal(got, want) {
				t.Errorf("LatestReminders = %v, want %v", got, want)
			}
		})
	}
}
