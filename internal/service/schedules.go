package service

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// SetReportSchedule sets how often a campaign asks for progress reports and
// keeps its Temporal Schedule in step (an empty cadence removes it).
func (s *Service) SetReportSchedule(ctx context.Context, u domain.User, campaignID int64, cadence string, dueDays int) (domain.Campaign, error) {
	if err := domain.RequireRole(u, "schedule report rounds", domain.RoleAdmin, domain.RoleLeader); err != nil {
		return domain.Campaign{}, err
	}
	c, err := domain.ParseCadence(cadence)
	if err != nil {
		return domain.Campaign{}, err
	}
	if dueDays < 0 || dueDays > 90 {
		return domain.Campaign{}, domain.Errorf(domain.EInvalid, "due_days must be between 1 and 90").WithKey("due_days_invalid").WithField("due_days")
	}
	if _, err := s.store.Campaign(ctx, campaignID); err != nil {
		return domain.Campaign{}, err
	}
	id := workflows.ReportScheduleID(campaignID)
	// Replace rather than patch: the spec is small and this keeps one path.
	if err := s.Temporal.ScheduleClient().GetHandle(ctx, id).Delete(ctx); err != nil {
		var notFound *serviceerror.NotFound
		if !errors.As(err, &notFound) {
			return domain.Campaign{}, s.temporalError(err, 0)
		}
	}
	if c.Kind != "" {
		_, err := s.Temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID:   id,
			Spec: scheduleSpec(c),
			Action: &client.ScheduleWorkflowAction{
				ID:        "report-round-" + id,
				Workflow:  workflows.ReportRoundWorkflowName,
				TaskQueue: workflows.TaskQueue,
				Args:      []any{workflows.ReportRoundInput{CampaignID: campaignID, DueDays: dueDays}},
			},
		})
		if err != nil {
			return domain.Campaign{}, s.temporalError(err, 0)
		}
	}
	if err := s.store.SetReportSchedule(ctx, campaignID, c.String(), dueDays); err != nil {
		return domain.Campaign{}, err
	}
	sum, err := s.store.Campaign(ctx, campaignID)
	return sum.Campaign, err
}

// TriggerReportRound runs a campaign's report round now.
func (s *Service) TriggerReportRound(ctx context.Context, u domain.User, campaignID int64) error {
	if err := domain.RequireRole(u, "run a report round", domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor); err != nil {
		return err
	}
	err := s.Temporal.ScheduleClient().GetHandle(ctx, workflows.ReportScheduleID(campaignID)).Trigger(ctx, client.ScheduleTriggerOptions{})
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return domain.Errorf(domain.EConflict, "campaign %d has no report schedule; set one first", campaignID).WithKey("schedule_missing")
	} else if err != nil {
		return s.temporalError(err, 0)
	}
	return nil
}

// scheduleSpec turns a cadence into a Temporal Schedule spec, in China time.
func scheduleSpec(c domain.Cadence) client.ScheduleSpec {
	at9 := []client.ScheduleRange{{Start: 9}}
	switch c.Kind {
	case "monthly":
		return client.ScheduleSpec{TimeZoneName: "Asia/Shanghai", Calendars: []client.ScheduleCalendarSpec{{
			DayOfMonth: []client.ScheduleRange{{Start: c.Day}}, Hour: at9,
		}}}
	case "weekly":
		return client.ScheduleSpec{TimeZoneName: "Asia/Shanghai", Calendars: []client.ScheduleCalendarSpec{{
			DayOfWeek: []client.ScheduleRange{{Start: c.Day}}, Hour: at9,
		}}}
	}
	return client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: max(c.Every, 10*time.Second)}}}
}
