// Package activities holds the side effects of the problem workflow: writes
// to the store. Activities are methods on a struct that holds their
// dependencies.
package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/logging"
	"github.com/rectify/rectify/internal/metrics"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/workflows"
)

// Activities writes what the workflows decide and delivers notifications.
type Activities struct {
	Store *store.Store
	// Mailer and Webhook are optional channels beyond the inbox.
	Mailer  *notify.Mailer
	Webhook *notify.Webhook
	// Problems sends decisions to problem workflows (the report rounds use
	// it); it is the same service the API calls.
	Problems ProblemActor
	// Metrics counts the notices sent; nil counts nothing.
	Metrics *metrics.Metrics
}

// logger is the activity's logger, naming the request that led to it (the
// context propagator in internal/logging brings its ID along).
func logger(ctx context.Context) log.Logger {
	l := activity.GetLogger(ctx)
	if id := logging.RequestID(ctx); id != "" {
		return log.With(l, "request_id", id)
	}
	return l
}

// ProblemActor sends a decision to a problem's workflow.
type ProblemActor interface {
	Act(ctx context.Context, problemID int64, cmd domain.Command) (domain.Problem, error)
}

// Registry is the part of a Temporal worker that registers activities.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register registers every activity under the name workflows use.
func (a *Activities) Register(r Registry) {
	r.RegisterActivityWithOptions(a.RecordTransition, activity.RegisterOptions{Name: workflows.RecordTransitionActivity})
	r.RegisterActivityWithOptions(a.Notify, activity.RegisterOptions{Name: workflows.NotifyActivity})
	r.RegisterActivityWithOptions(a.Deliver, activity.RegisterOptions{Name: workflows.DeliverActivity})
	r.RegisterActivityWithOptions(a.MarkDeliveryFailed, activity.RegisterOptions{Name: workflows.MarkDeliveryFailedActivity})
	r.RegisterActivityWithOptions(a.RequestReports, activity.RegisterOptions{Name: workflows.RequestReportsActivity})
	r.RegisterActivityWithOptions(a.LoadRecorded, activity.RegisterOptions{Name: workflows.LoadRecordedActivity})
	r.RegisterActivityWithOptions(a.StartLookbackProblem, activity.RegisterOptions{Name: workflows.StartLookbackProblemActivity})
}

// StartLookbackProblem puts one problem under a look-back by its workflow's
// Update. A problem that left closed since the look-back was recorded (a
// concurrent look-back or change) is not under this one: it is dropped.
func (a *Activities) StartLookbackProblem(ctx context.Context, in workflows.StartLookbackProblemInput) (workflows.StartLookbackProblemResult, error) {
	_, err := a.Problems.Act(ctx, in.ProblemID, domain.Command{
		Action: domain.ActionStartLookback, RequestID: domain.LookbackStartRequestID(in.LookbackID, in.ProblemID),
		Actor: in.Actor, LookbackID: in.LookbackID, Deadline: in.DueDate, Text: in.Title,
	})
	if domain.IsCode(err, domain.EConflict) {
		activity.GetLogger(ctx).Warn("problem left out of a look-back", "lookback", in.LookbackID, "problem", in.ProblemID, "error", err)
		if err := a.Store.DropLookbackProblem(ctx, in.LookbackID, in.ProblemID); err != nil {
			return workflows.StartLookbackProblemResult{}, err
		}
		return workflows.StartLookbackProblemResult{Dropped: true}, nil
	}
	return workflows.StartLookbackProblemResult{}, err
}

// RequestReports asks every problem of a campaign in execute for its
// progress reports. Each request has an ID derived from the round, so a
// retried activity asks each problem once.
func (a *Activities) RequestReports(ctx context.Context, in workflows.RequestReportsInput) (workflows.RequestReportsResult, error) {
	var res workflows.RequestReportsResult
	for offset := 0; ; offset += 200 {
		problems, _, err := a.Store.ListProblems(ctx, domain.ProblemFilter{
			CampaignID: in.CampaignID, Stage: domain.StageExecute, Offset: offset, Limit: 200,
		})
		if err != nil {
			return res, err
		}
		for _, p := range problems {
			activity.RecordHeartbeat(ctx, p.ID)
			_, err := a.Problems.Act(ctx, p.ID, domain.Command{
				Action: domain.ActionRequestReports, RequestID: fmt.Sprintf("round:%s:p%d", in.RoundID, p.ID),
				Actor: domain.SchedulerActor, Deadline: in.Due,
			})
			switch {
			case err == nil:
				res.Asked++
			case domain.IsCode(err, domain.EConflict):
				res.Skipped++ // moved on since it was listed, or every measure done
			default:
				return res, err
			}
		}
		if len(problems) < 200 {
			return res, nil
		}
	}
}

// Notify writes a notice into the inbox of everyone its audience names and
// records the email and webhook sends it needs. The store keeps one row per
// (key, user) and per (key, channel, target), so retries and replays send
// nothing twice. It returns the IDs of the sends still to do.
func (a *Activities) Notify(ctx context.Context, n domain.Notice) ([]int64, error) {
	users, err := a.Store.Recipients(ctx, n.Audience)
	if err != nil {
		return nil, err
	}
	created, err := a.Store.CreateNotifications(ctx, n, users)
	if err != nil {
		return nil, err
	}
	channels := map[string][]string{}
	if a.Mailer.Enabled() {
		for _, u := range users {
			if u.Email != "" {
				channels[store.ChannelEmail] = append(channels[store.ChannelEmail], u.Email)
			}
		}
	}
	if a.Webhook.Enabled() {
		channels[store.ChannelWebhook] = []string{"webhook"}
	}
	pending, err := a.Store.CreateDeliveries(ctx, n.Key, channels)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(pending))
	for i, d := range pending {
		ids[i] = d.ID
	}
	a.Metrics.CountReminders(metrics.ChannelInbox, metrics.ReminderSent, created)
	logger(ctx).Info("notice written", "key", n.Key, "kind", n.Kind, "recipients", len(users), "new", created, "sends", len(ids))
	return ids, nil
}

// Deliver sends one email or webhook and records the attempt. A delivery
// already sent is not sent again.
func (a *Activities) Deliver(ctx context.Context, in workflows.DeliverInput) error {
	d, err := a.Store.Delivery(ctx, in.DeliveryID)
	if err != nil {
		return err
	}
	if d.Status != store.DeliveryPending {
		return nil
	}
	switch d.Channel {
	case store.ChannelEmail:
		err = a.Mailer.Send(ctx, d.Target, in.Notice)
	case store.ChannelWebhook:
		err = a.Webhook.Send(ctx, in.Notice)
	default:
		err = fmt.Errorf("unknown channel %q", d.Channel)
	}
	if recErr := a.Store.FinishDelivery(ctx, d.ID, err, false); recErr != nil && err == nil {
		// Sent but not recorded: returning the error would send again.
		logger(ctx).Warn("delivery sent but not recorded", "id", d.ID, "error", recErr)
	}
	if err == nil {
		a.Metrics.CountReminders(d.Channel, metrics.ReminderSent, 1)
	} else {
		logger(ctx).Warn("delivery failed", "id", d.ID, "channel", d.Channel, "attempt", activity.GetInfo(ctx).Attempt, "error", err)
	}
	return err
}

// MarkDeliveryFailed records that a delivery gave up after its retries.
func (a *Activities) MarkDeliveryFailed(ctx context.Context, in workflows.DeliverInput) error {
	if err := a.Store.FinishDelivery(ctx, in.DeliveryID, errors.New(in.Error), true); err != nil {
		return err
	}
	channel := "unknown"
	if d, err := a.Store.Delivery(ctx, in.DeliveryID); err == nil {
		channel = d.Channel
	}
	a.Metrics.CountReminders(channel, metrics.ReminderFailed, 1)
	logger(ctx).Warn("delivery given up", "id", in.DeliveryID, "channel", channel, "error", in.Error)
	return nil
}

// RecordTransition writes an accepted transition to the read model and the
// event log. The store makes it idempotent, so retries write once.
// A seq that holds another request is not retried: the workflow adopts it.
func (a *Activities) RecordTransition(ctx context.Context, tr domain.Transition) error {
	err := a.Store.RecordTransition(ctx, tr)
	if errors.Is(err, store.ErrSeqTaken) {
		return temporal.NewNonRetryableApplicationError(err.Error(), workflows.SeqTakenError, err)
	}
	if err == nil && isFlagInput(tr.Event.Action) {
		// Red flags are advice: computing them never fails the decision.
		if _, ferr := a.Store.RecomputeFlags(ctx, tr.Event.ProblemID); ferr != nil {
			logger(ctx).Warn("red flags not computed", "problem_id", tr.Event.ProblemID, "action", string(tr.Event.Action), "error", ferr)
		}
	}
	if err != nil || tr.Event.Action != domain.ActionReportProgress {
		return err
	}
	return a.noticeForecastLate(ctx, tr)
}

// noticeForecastLate tells a measure's handler (or unit), once per
// deadline, when after a progress report its projected completion first
// passes the deadline, before the yellow light. It is written to the inbox
// here, where the report is persisted, so that workflows need not change;
// the notice's key makes a retry or a later report write it no more.
func (a *Activities) noticeForecastLate(ctx context.Context, tr domain.Transition) error {
	p := tr.Problem
	m, err := p.Measure(tr.Event.MeasureID)
	if err != nil {
		return nil // a report on the problem as a whole has no deadline of its own
	}
	points, err := a.Store.ProgressPoints(ctx, []int64{p.ID})
	if err != nil {
		return err
	}
	f, ok := domain.ForecastMeasure(points[p.ID][m.ID], m.Deadline)
	if !ok {
		return nil
	}
	n, ok := domain.ForecastNotice(p, *m, f, p.Policy, tr.Event.At)
	if !ok {
		return nil
	}
	users, err := a.Store.Recipients(ctx, n.Audience)
	if err != nil {
		return err
	}
	created, err := a.Store.CreateNotifications(ctx, n, users)
	if err == nil && created > 0 {
		logger(ctx).Info("notice written", "key", n.Key, "kind", n.Kind, "recipients", len(users), "new", created)
	}
	return err
}

// isFlagInput reports whether the red-flag rules read what action records:
// a report, a completion, a closure request and its decisions.
func isFlagInput(action domain.Action) bool {
	switch action {
	case domain.ActionReportProgress, domain.ActionCompleteMeasure, domain.ActionRequestClosure,
		domain.ActionEndorseClosure, domain.ActionApproveClosure, domain.ActionRejectClosure:
		return true
	}
	return false
}

// LoadRecorded reads what the store holds of a problem beyond a version.
func (a *Activities) LoadRecorded(ctx context.Context, in workflows.LoadRecordedInput) (workflows.Recorded, error) {
	p, events, err := a.Store.Recorded(ctx, in.ProblemID, in.Version)
	return workflows.Recorded{Problem: p, Events: events}, err
}
