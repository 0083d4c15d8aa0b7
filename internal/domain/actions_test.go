package domain_test

import (
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// Every action is declared once, whole: a name, its own Update, an apply
// step; and Apply refuses what the table does not declare.
func TestActionTable(t *testing.T) {
	seen, updates := map[domain.Action]bool{}, map[string]bool{}
	for _, s := range domain.Actions() {
		t.Run(string(s.Action), func(t *testing.T) {
			switch {
			case s.Action == "" || seen[s.Action]:
				t.Errorf("action %q declared twice or unnamed", s.Action)
			case s.Update == "" || updates[s.Update]:
				t.Errorf("update %q missing or shared", s.Update)
			case s.Apply == nil:
				t.Error("no apply step")
			case len(s.Roles) > 0 && s.Verb == "":
				t.Error("roles without a verb for the refusal")
			case s.MessageKey() != "action."+string(s.Action):
				t.Errorf("message key %q", s.MessageKey())
			}
			seen[s.Action], updates[s.Update] = true, true
			got, ok := domain.Spec(s.Action)
			if !ok || got.Update != s.Update {
				t.Errorf("Spec(%q) = %q, %v", s.Action, got.Update, ok)
			}
		})
	}
	t.Run("Unknown", func(t *testing.T) {
		_, err := domain.Apply(domain.Problem{}, domain.Command{Action: "dance", Actor: domain.Actor{Role: domain.RoleAdmin}}, time.Now())
		if domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("err = %v, want invalid", err)
		}
	})
	t.Run("RolesDeclared", func(t *testing.T) {
		// An urge by a unit user is refused by the table's roles, before
		// the problem's stage is looked at.
		_, err := domain.Apply(domain.Problem{Stage: domain.StagePlan}, domain.Command{Action: domain.ActionUrge, Text: "x", Actor: domain.Actor{Role: domain.RoleUnit}}, time.Now())
		if domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("err = %v, want forbidden", err)
		}
	})
}
