// Package workflows holds the durable problem workflow. It uses only the
// Temporal workflow API and domain types: no I/O, no wall clock, no goroutines.
package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/domain"
)

// TaskQueue is the queue problem workflows and their activities run on.
const TaskQueue = "rectify-problems"

// Names of the workflow, its query and its activity.
const (
	ProblemWorkflowName      = "ProblemWorkflow"
	StateQuery               = "state"
	RecordTransitionActivity = "RecordTransition"
	NotifyActivity           = "Notify"
	DeliverActivity          = "Deliver"
	// MarkDeliveryFailedActivity records a send that gave up.
	MarkDeliveryFailedActivity = "MarkDeliveryFailed"
	// LoadRecordedActivity reads the transitions the store holds beyond the
	// workflow's version (see adopt).
	LoadRecordedActivity = "LoadRecorded"
)

// SeqTakenError is the error type RecordTransition fails with when the
// store already holds another request at the transition's seq.
const SeqTakenError = "seq_taken"

// LoadRecordedInput names a problem and the version the workflow holds.
type LoadRecordedInput struct {
	ProblemID int64 `json:"problem_id"`
	Version   int64 `json:"version"`
}

// Recorded is the problem as the store holds it and its events after the
// version asked about.
type Recorded struct {
	Problem domain.Problem `json:"problem"`
	Events  []domain.Event `json:"events"`
}

// UpdateName returns the Update that performs action, as the action's
// declaration (domain.ActionSpec) names it.
func UpdateName(action domain.Action) (string, bool) {
	spec, ok := domain.Spec(action)
	return spec.Update, ok && spec.Update != ""
}

// ProblemWorkflowID derives the workflow ID from the problem ID.
func ProblemWorkflowID(problemID int64) string { return fmt.Sprintf("problem-%d", problemID) }

// DefaultHistoryLimit is the history length after which the workflow
// continues as new, well below the server's own limits.
const DefaultHistoryLimit = 10000

// recordRetryLimit bounds the retries of a store write: in effect never.
const recordRetryLimit = 100 * 365 * 24 * time.Hour

// ProblemInput starts (or continues) a problem workflow.
type ProblemInput struct {
	Problem domain.Problem `json:"problem"`
	// Requests maps each applied request ID to the version it produced, so a
	// retried click is applied once, also across continue-as-new.
	Requests map[string]int64 `json:"requests,omitempty"`
	// HistoryLimit overrides DefaultHistoryLimit (tests use a small one).
	HistoryLimit int `json:"history_limit,omitempty"`
	// Sent holds the keys of the reminders already delivered.
	Sent map[string]bool `json:"sent,omitempty"`
	// Outbox holds email and webhook sends not yet done.
	Outbox []DeliverInput `json:"outbox,omitempty"`
}

// UpdateResult is what every Update returns: the problem after it.
type UpdateResult struct {
	Problem domain.Problem `json:"problem"`
	// Duplicate is true when the request ID had already been applied.
	Duplicate bool `json:"duplicate,omitempty"`
}

// DeliverInput names one email or webhook send of a notice.
type DeliverInput struct {
	DeliveryID int64         `json:"delivery_id"`
	Notice     domain.Notice `json:"notice"`
	// Error is the last failure, for MarkDeliveryFailed.
	Error string `json:"error,omitempty"`
}

// deliverAttempts bounds the tries of one email or webhook send: a channel
// that is down must not hold the reminders back for ever.
const deliverAttempts = 6

type problemWorkflow struct {
	problem  domain.Problem
	requests map[string]int64
	sent     map[string]bool
	// outbox holds the email and webhook sends the main loop still owes.
	outbox []DeliverInput
	// lock serialises handlers: each waits for the store write of the one
	// before it, so versions are written in order.
	lock workflow.Mutex
}

// ProblemWorkflow runs one problem for its whole life. It never completes at
// closed: a look-back may reopen the problem years later.
func ProblemWorkflow(ctx workflow.Context, in ProblemInput) error {
	w := &problemWorkflow{problem: in.Problem, requests: in.Requests, sent: in.Sent, outbox: in.Outbox, lock: workflow.NewMutex(ctx)}
	if w.requests == nil {
		w.requests = map[string]int64{}
	}
	if w.sent == nil {
		w.sent = map[string]bool{}
	}
	if err := w.setup(ctx); err != nil {
		return err
	}
	// Runs from before search attributes neither set them nor wake when the
	// light changes.
	withAttributes := workflow.GetVersion(ctx, searchAttributesChange, workflow.DefaultVersion, 1) >= 1
	limit := in.HistoryLimit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	longHistory := func() bool {
		info := workflow.GetInfo(ctx)
		return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= limit
	}
	// The reminder loop: send what is due, then sleep on a durable timer
	// until the next reminder or until a decision changes the state (a
	// completed measure, a moved deadline), whichever comes first.
	for !longHistory() {
		if err := w.sendDue(ctx); err != nil {
			return err
		}
		if err := w.deliver(ctx); err != nil {
			return err
		}
		version := w.problem.Version
		changed := func() bool { return w.problem.Version != version || len(w.outbox) > 0 || longHistory() }
		due, next := domain.DueNotices(&w.problem, workflow.Now(ctx), w.wasSent)
		if len(due) > 0 {
			continue // more fell due while the last ones were delivered
		}
		if withAttributes {
			// Every decision and every timer comes back here, so this keeps
			// the attributes current; the light also changes with time alone.
			if err := w.upsertSearchAttributes(ctx); err != nil {
				return err
			}
			if at := w.problem.NextLightChange(workflow.Now(ctx)); !at.IsZero() && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
		var err error
		if next.IsZero() {
			err = workflow.Await(ctx, changed)
		} else {
			_, err = workflow.AwaitWithTimeout(ctx, next.Sub(workflow.Now(ctx)), changed)
		}
		if err != nil {
			return err
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	next := ProblemInput{Problem: w.problem, Requests: w.requests, Sent: w.sent, Outbox: w.outbox, HistoryLimit: in.HistoryLimit}
	// Carried whole, the reminders sent and the requests applied grow with
	// every run toward the server's payload limits.
	if workflow.GetVersion(ctx, boundedStateChange, workflow.DefaultVersion, 1) >= 1 {
		next.Sent = domain.LatestReminders(w.sent)
		next.Requests = recentRequests(w.requests, w.problem.Version)
	}
	return workflow.NewContinueAsNewError(ctx, ProblemWorkflowName, next)
}

// handoffNoticesChange names the change that tells the next person of
// every hand-off (plan submitted, decided, closure requested, ...).
const handoffNoticesChange = "handoff-notices"

// boundedStateChange names the change that prunes the state carried into
// the next run.
const boundedStateChange = "bounded-state"

// RequestWindow is how many of the latest versions' request IDs a run
// carries into the next: a retry comes within minutes of its first try, and
// a problem makes far fewer than this many decisions in that time.
const RequestWindow = 1000

// recentRequests keeps the request IDs that produced one of the last
// RequestWindow versions. Each applied request makes one version.
func recentRequests(requests map[string]int64, version int64) map[string]int64 {
	out := make(map[string]int64, min(len(requests), RequestWindow))
	for id, v := range requests {
		if v > version-RequestWindow {
			out[id] = v
		}
	}
	return out
}

func (w *problemWorkflow) wasSent(key string) bool { return w.sent[key] }

// sendDue delivers every reminder due now, once each.
func (w *problemWorkflow) sendDue(ctx workflow.Context) error {
	due, _ := domain.DueNotices(&w.problem, workflow.Now(ctx), w.wasSent)
	for _, n := range due {
		if err := w.notify(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// deliver runs the owed email and webhook sends side by side. A send that
// still fails after its retries is recorded as failed; the workflow goes on.
func (w *problemWorkflow) deliver(ctx workflow.Context) error {
	jobs := w.outbox
	w.outbox = nil
	// The senders give up after 20 s (SMTP) and 15 s (webhook); an attempt
	// lost with a dead worker is retried after this, and the reminder loop
	// waits for it.
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 25 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    2 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    deliverAttempts,
		},
	})
	futures := make([]workflow.Future, len(jobs))
	for i, job := range jobs {
		futures[i] = workflow.ExecuteActivity(actx, DeliverActivity, job)
	}
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			job := jobs[i]
			job.Error = err.Error()
			if err := workflow.ExecuteLocalActivity(storeWrite(ctx), MarkDeliveryFailedActivity, job).Get(ctx, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// notify writes n to the inbox, queues its email and webhook sends for the
// main loop and remembers it as sent.
func (w *problemWorkflow) notify(ctx workflow.Context, n domain.Notice) error {
	var ids []int64
	if err := workflow.ExecuteLocalActivity(storeWrite(ctx), NotifyActivity, n).Get(ctx, &ids); err != nil {
		return err
	}
	for _, id := range ids {
		w.outbox = append(w.outbox, DeliverInput{DeliveryID: id, Notice: n})
	}
	w.sent[n.Key] = true
	return nil
}

// storeWrite runs store writes as local activities: they are short, and
// running them in the workflow task spares each a round trip through the
// server, which bounds throughput on the embedded server. They retry until
// the store answers, since the store writes each key once.
func storeWrite(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: recordRetryLimit,
		StartToCloseTimeout:    10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    200 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
		},
	})
}

func (w *problemWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, StateQuery, func() (domain.Problem, error) {
		return w.problem, nil
	}); err != nil {
		return err
	}
	for _, spec := range domain.Actions() {
		action := spec.Action
		err := workflow.SetUpdateHandlerWithOptions(ctx, spec.Update,
			func(ctx workflow.Context, cmd domain.Command) (UpdateResult, error) {
				cmd.Action = action
				return w.handle(ctx, cmd)
			},
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, cmd domain.Command) error {
				cmd.Action = action
				return w.validate(ctx, cmd)
			}},
		)
		if err != nil {
			return err
		}
	}
	return nil
}

// validate refuses an invalid decision before it enters history. A request
// already applied is accepted so that its retry gets the result.
func (w *problemWorkflow) validate(ctx workflow.Context, cmd domain.Command) error {
	if cmd.RequestID == "" {
		return toApplicationError(domain.Errorf(domain.EInvalid, "request_id is required").WithKey("request_id_required"))
	}
	if _, seen := w.requests[cmd.RequestID]; seen {
		return nil
	}
	_, err := domain.Apply(w.problem, cmd, workflow.Now(ctx))
	return toApplicationError(err)
}

func (w *problemWorkflow) handle(ctx workflow.Context, cmd domain.Command) (UpdateResult, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return UpdateResult{}, err
	}
	defer w.lock.Unlock()
	if _, seen := w.requests[cmd.RequestID]; seen {
		return UpdateResult{Problem: w.problem, Duplicate: true}, nil
	}
	// The state may have moved while this handler waited for the lock.
	tr, err := domain.Apply(w.problem, cmd, workflow.Now(ctx))
	if err != nil {
		return UpdateResult{}, toApplicationError(err)
	}
	// Write first, then change state: the read model and the event log never
	// miss a transition the workflow has made. The write is retried until the
	// store answers; it is idempotent on (problem, seq). ScheduleToClose must
	// be set: it would default to StartToClose and end the retries after 10s
	// (none at all after a timed-out attempt), leaving in the store an event
	// that a timed-out attempt may have committed but the workflow never
	// applied, and whose seq the next decision would then reuse.
	err = workflow.ExecuteLocalActivity(storeWrite(ctx), RecordTransitionActivity, tr).Get(ctx, nil)
	for isSeqTaken(err) {
		// The store holds a transition this workflow never made: adopt it,
		// then decide this request again on top of it.
		if err := w.adopt(ctx); err != nil {
			return UpdateResult{}, err
		}
		if _, seen := w.requests[cmd.RequestID]; seen {
			return UpdateResult{Problem: w.problem, Duplicate: true}, nil
		}
		if tr, err = domain.Apply(w.problem, cmd, workflow.Now(ctx)); err != nil {
			return UpdateResult{}, toApplicationError(err)
		}
		err = workflow.ExecuteLocalActivity(storeWrite(ctx), RecordTransitionActivity, tr).Get(ctx, nil)
	}
	if err != nil {
		return UpdateResult{}, err
	}
	w.problem = tr.Problem
	w.requests[cmd.RequestID] = tr.Problem.Version
	// Logging sends no command, so replays are unaffected; the SDK's logger
	// is silent while replaying.
	workflow.GetLogger(ctx).Info("decision applied", "request_id", RequestID(ctx),
		"action", string(cmd.Action), "problem_id", w.problem.ID, "version", w.problem.Version)
	// An urge or an extension decision tells people at once; from the
	// hand-off change on, so does every hand-off (issue 15).
	notices := domain.EventNotices(&w.problem, tr.Event)
	if workflow.GetVersion(ctx, handoffNoticesChange, workflow.DefaultVersion, 1) >= 1 {
		notices = append(notices, domain.HandoffNotices(&w.problem, tr.Event)...)
	}
	for _, n := range notices {
		if err := w.notify(ctx, n); err != nil {
			return UpdateResult{}, err
		}
	}
	return UpdateResult{Problem: w.problem}, nil
}

func isSeqTaken(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == SeqTakenError
}

// adopt takes over the transitions the store holds beyond this workflow's
// version. A store write runs as a local activity inside a workflow task: if
// the process dies after the write commits but before the task completes,
// history forgets the decision while the store keeps it. Its client was never
// answered and retries, and must then find it applied, once; the decision
// that next takes the seq must not be lost. The read model is written with
// each event, in one transaction, so it is the state after the last of them.
func (w *problemWorkflow) adopt(ctx workflow.Context) error {
	var rec Recorded
	in := LoadRecordedInput{ProblemID: w.problem.ID, Version: w.problem.Version}
	if err := workflow.ExecuteLocalActivity(storeWrite(ctx), LoadRecordedActivity, in).Get(ctx, &rec); err != nil {
		return err
	}
	if rec.Problem.Version <= w.problem.Version || len(rec.Events) == 0 {
		return fmt.Errorf("problem %d: the store holds no transition after version %d to adopt", w.problem.ID, w.problem.Version)
	}
	workflow.GetLogger(ctx).Warn("adopting transitions recorded by a lost workflow task",
		"problem_id", w.problem.ID, "from", w.problem.Version, "to", rec.Problem.Version)
	w.problem = rec.Problem
	for _, ev := range rec.Events {
		w.requests[ev.RequestID] = ev.Seq
		// Its notices may not have been written: notify writes each key once.
		for _, n := range domain.EventNotices(&w.problem, ev) {
			if err := w.notify(ctx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// toApplicationError carries a domain error across the Temporal boundary:
// the type is the error code, the message is the English text, and a keyed
// error's key, field and params ride as its details (ErrorDetails).
func toApplicationError(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		if de.Key != "" {
			return temporal.NewNonRetryableApplicationError(de.Message, de.Code, nil,
				ErrorDetails{Key: de.Key, Field: de.Field, Params: de.Params})
		}
		return temporal.NewNonRetryableApplicationError(de.Message, de.Code, nil)
	}
	return err
}

// ErrorDetails are a keyed domain error's parts beyond code and message, as
// an update's failure carries them to the client.
type ErrorDetails struct {
	Key    string         `json:"key"`
	Field  string         `json:"field,omitempty"`
	Params map[string]any `json:"params,omitempty"`
}
