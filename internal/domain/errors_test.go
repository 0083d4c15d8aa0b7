package domain_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/rectify/rectify/internal/domain"
)

// TestRefusalKeys checks that the refusals people meet carry the key, the
// field and the parameters a message needs to name things as people know
// them (措施2“立行立改清理台账”, a role), not only English text.
func TestRefusalKeys(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      func(*testing.T) domain.Problem
		cmd    domain.Command
		code   string
		key    string
		field  string
		params map[string]any
	}{
		{"MeasureNotCompleted", func(t *testing.T) domain.Problem {
			return mustApply(t, executing(t), onMeasure(domain.ActionCompleteMeasure, leadUser, 1, "制度已印发"), progress(longUser, 3, "每月调度", nil))
		}, cmd(domain.ActionRequestClosure, leadUser), domain.EConflict, "measure_not_completed", "",
			map[string]any{"n": 2, "title": "立行立改清理台账"}},
		{"RoleMayNot", executing, cmd(domain.ActionApprovePlan, admin), domain.EForbidden, "role_may_not", "",
			map[string]any{"role": "admin"}},
		{"WrongStage", executing, cmd(domain.ActionApproveClosure, supervisor), domain.EConflict, "wrong_stage", "",
			map[string]any{"stage": "execute", "want": "verify"}},
		{"ReasonRequired", executing, onMeasure(domain.ActionRequestExtension, leadUser, 1, " "), domain.EInvalid, "field_required", "reason",
			map[string]any{"field": "reason"}},
		{"MeasureDeadlinePassed", func(*testing.T) domain.Problem { return fresh() },
			submit(leaderA, planWith(func(p *domain.PlanInput) { p.Measures[1].Deadline = "2025-12-31" })),
			domain.EInvalid, "measure_deadline_passed", "measures[1].deadline", map[string]any{"n": 2, "deadline": "2025-12-31"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cmd
			err := c.Validate(now)
			if err == nil {
				_, err = domain.Apply(tc.p(t), c, now)
			}
			var e *domain.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a domain error", err)
			}
			if e.Code != tc.code || e.Key != tc.key || e.Field != tc.field || !reflect.DeepEqual(e.Params, tc.params) {
				t.Fatalf("got %s key %q field %q params %v; want %s key %q field %q params %v",
					e.Code, e.Key, e.Field, e.Params, tc.code, tc.key, tc.field, tc.params)
			}
		})
	}
}

func TestWithKey(t *testing.T) {
	e := domain.Errorf(domain.EInvalid, "x").WithKey("k", "a", 1, "b", "two").WithField("f")
	if e.Key != "k" || e.Field != "f" || fmt.Sprint(e.Params) != "map[a:1 b:two]" || e.Message != "x" {
		t.Fatalf("got %+v", e)
	}
	if got := domain.Errorf(domain.EInvalid, "x").WithKey("k").Params; got != nil {
		t.Fatalf("params without values = %v, want nil", got)
	}
}
