package service

import (
	"context"
	"errors"
	"fmt"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/rectify/rectify/internal/domain"
)

func TestTemporalError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Unavailable", serviceerror.NewUnavailable("connection refused"), domain.EUnavailable},
		{"UnavailableWrapped", fmt.Errorf("update: %w", serviceerror.NewUnavailable("connection refused")), domain.EUnavailable},
		{"DeadlineExceeded", serviceerror.NewDeadlineExceeded("dial timeout"), domain.EUnavailable},
		{"ResourceExhausted", serviceerror.NewResourceExhausted(enumspb.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT, "busy"), domain.EUnavailable},
		{"ContextDeadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), domain.EUnavailable},
		{"NotFound", serviceerror.NewNotFound("workflow not found"), domain.ENotFound},
		{"Refusal", temporal.NewNonRetryableApplicationError("measure 1 is done", domain.EConflict, nil), domain.EConflict},
		{"Other", errors.New("something else"), domain.EInternal},
	}
	s := &Service{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.temporalError(tt.err, 7)
			if got := domain.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q, want %q (%v)", got, tt.want, err)
			}
			if tt.want == domain.EUnavailable && domain.ErrorMessage(err) == tt.err.Error() {
				t.Fatalf("the client would see the raw error %q", tt.err)
			}
		})
	}
}
