// Package service holds the operations the API and the web UI share: one
// path for every action, whatever the client.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/rectify/rectify/internal/auth"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/metrics"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/workflows"
)

// Service wires the store and Temporal together.
type Service struct {
	store    *store.Store
	Temporal client.Client
	// Blobs keeps evidence files.
	Blobs  blob.Store
	Logger *slog.Logger
	// TokenTTL is how long a login lasts.
	TokenTTL time.Duration
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// Logins limits failed logins per username and per client address
	// (accounts.go).
	Logins LoginLimits
	// TemporalTimeout bounds how long an action waits for Temporal (start,
	// update and its result); zero waits as long as the SDK retries (a
	// minute). When it passes, the client is told to retry (503).
	TemporalTimeout time.Duration
	// Metrics counts decisions and evidence bytes; nil counts nothing.
	Metrics *metrics.Metrics
	// ImportSlots bounds how many import files are read at once (its
	// capacity); nil does not bound them.
	ImportSlots chan struct{}
}

// DefaultTemporalTimeout is TemporalTimeout unless set: long enough for a
// decision queued behind others on a busy problem, short enough that a
// client waiting on an unreachable Temporal is answered well before a proxy
// gives up on it.
const DefaultTemporalTimeout = 30 * time.Second

// New returns a Service with defaults.
func New(st *store.Store, tc client.Client, logger *slog.Logger, tokenTTL time.Duration) *Service {
	if tokenTTL <= 0 {
		tokenTTL = 12 * time.Hour
	}
	return &Service{store: st, Temporal: tc, Logger: logger, TokenTTL: tokenTTL, Now: time.Now, Logins: DefaultLoginLimits(),
		TemporalTimeout: DefaultTemporalTimeout, ImportSlots: make(chan struct{}, DefaultImportConcurrency)}
}

// Login checks a password and opens a session, with the per-user login
// limit only (the web form; the API passes the client's address).
func (s *Service) Login(ctx context.Context, username, password string) (string, domain.User, error) {
	return s.LoginFrom(ctx, username, password, "")
}

// login checks a password and opens a session, without limits.
func (s *Service) login(ctx context.Context, username, password string) (string, domain.User, error) {
	invalid := domain.Errorf(domain.EUnauthorized, "wrong username or password").WithKey("login_failed")
	if username == "" || password == "" || len(password) > 256 {
		return "", domain.User{}, invalid
	}
	u, hash, err := s.store.UserCredentials(ctx, username)
	if domain.IsCode(err, domain.ENotFound) {
		auth.SpendVerifyTime(password)
		return "", domain.User{}, invalid
	} else if err != nil {
		return "", domain.User{}, err
	}
	ok, err := auth.VerifyPassword(hash, password)
	if err != nil {
		return "", domain.User{}, err
	} else if !ok || u.Disabled {
		return "", domain.User{}, invalid
	}
	token, tokenHash, err := auth.NewToken()
	if err != nil {
		return "", domain.User{}, err
	}
	if err := s.store.CreateSession(ctx, tokenHash, u.ID, s.Now().Add(s.TokenTTL)); err != nil {
		return "", domain.User{}, err
	}
	return token, u, nil
}

// Authenticate returns the user of a bearer token.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.User, error) {
	if token == "" || len(token) > 200 {
		return domain.User{}, domain.Errorf(domain.EUnauthorized, "log in first").WithKey("login_required")
	}
	if isAPIToken(token) {
		return s.store.UserByAPIToken(ctx, auth.TokenHash(token))
	}
	return s.store.UserBySession(ctx, auth.TokenHash(token))
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.RevokeSession(ctx, auth.TokenHash(token))
}

// CreateUnit adds a unit (admin).
func (s *Service) CreateUnit(ctx context.Context, u domain.User, name string) (domain.Unit, error) {
	if err := domain.RequireRole(u, "manage units", domain.RoleAdmin); err != nil {
		return domain.Unit{}, err
	}
	return s.store.CreateUnit(ctx, name)
}

// CreateUser adds a user (admin).
func (s *Service) CreateUser(ctx context.Context, u domain.User, in domain.NewUser) (domain.User, error) {
	if err := domain.RequireRole(u, "manage users", domain.RoleAdmin); err != nil {
		return domain.User{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.User{}, err
	}
	return s.createUser(ctx, in)
}

// CreateUserUnchecked adds a user without the password rules, for the demo
// and the first admin, whose passwords come from configuration.
func (s *Service) CreateUserUnchecked(ctx context.Context, in domain.NewUser) (domain.User, error) {
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	return s.createUser(ctx, in)
}

func (s *Service) createUser(ctx context.Context, in domain.NewUser) (domain.User, error) {
	if in.Role == domain.RoleUnit && in.UnitRole == "" {
		in.UnitRole = domain.UnitStaff
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return domain.User{}, err
	}
	return s.store.CreateUser(ctx, in, hash)
}

// CreateCampaign adds a campaign (admin or leader).
func (s *Service) CreateCampaign(ctx context.Context, u domain.User, c domain.Campaign) (domain.Campaign, error) {
	if err := domain.RequireRole(u, "create campaigns", domain.RoleAdmin, domain.RoleLeader); err != nil {
		return domain.Campaign{}, err
	}
	if err := c.Validate(); err != nil {
		return domain.Campaign{}, err
	}
	return s.store.CreateCampaign(ctx, c)
}

// CreateProblem records a problem and starts its workflow (admin or leader).
func (s *Service) CreateProblem(ctx context.Context, u domain.User, in domain.NewProblem) (domain.Problem, error) {
	if err := domain.RequireRole(u, "create problems", domain.RoleAdmin, domain.RoleLeader); err != nil {
		return domain.Problem{}, err
	}
	if err := in.Validate(); err != nil {
		return domain.Problem{}, err
	}
	p, err := s.store.CreateProblem(ctx, in, u.Actor())
	if err != nil {
		return domain.Problem{}, err
	}
	// If this fails the row stays marked unstarted: its first decision or
	// the next start-up starts it. With Temporal away the problem is still
	// created (a retry would create a second one), so say so, not 503.
	if err := s.startWorkflow(ctx, p); domain.IsCode(err, domain.EUnavailable) {
		s.Logger.WarnContext(ctx, "problem recorded; its workflow starts when Temporal answers",
			slog.Int64("problem_id", p.ID), slog.Any("error", err))
	} else if err != nil {
		return domain.Problem{}, err
	}
	return p, nil
}

// StartPendingWorkflows starts the workflow of every problem whose start was
// not confirmed (a crash between insert and start). Starting is idempotent.
func (s *Service) StartPendingWorkflows(ctx context.Context) error {
	problems, err := s.store.ProblemsWithoutWorkflow(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		if err := s.startWorkflow(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) startWorkflow(ctx context.Context, p domain.Problem) error {
	startCtx, cancel := s.temporalContext(ctx)
	defer cancel()
	_, err := s.Temporal.ExecuteWorkflow(startCtx, client.StartWorkflowOptions{
		ID:        workflows.ProblemWorkflowID(p.ID),
		TaskQueue: workflows.TaskQueue,
		// A second start of the same problem is a no-op.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    workflows.SearchAttributes(p, s.Now()),
	}, workflows.ProblemWorkflowName, workflows.ProblemInput{Problem: p})
	if err != nil {
		return s.temporalError(err, p.ID)
	}
	return s.store.MarkWorkflowStarted(ctx, p.ID)
}

// Act sends a human decision to the problem's workflow and returns the
// problem after it. The workflow refuses invalid transitions synchronously.
func (s *Service) Act(ctx context.Context, problemID int64, cmd domain.Command) (_ domain.Problem, err error) {
	name, ok := workflows.UpdateName(cmd.Action)
	if !ok {
		return domain.Problem{}, domain.Errorf(domain.EInvalid, "unknown action %q", cmd.Action).WithKey("unknown_action", "action", string(cmd.Action))
	}
	duplicate := false
	defer func() { s.Metrics.CountAction(string(cmd.Action), actionResult(err, duplicate)) }()
	if cmd.RequestID == "" {
		return domain.Problem{}, domain.Errorf(domain.EInvalid, "a request ID is required").WithKey("request_id_required")
	}
	if err := cmd.Validate(s.Now()); err != nil {
		return domain.Problem{}, err
	}
	if cmd.Plan != nil {
		if err := s.store.CheckUnitsExist(ctx, cmd.Plan.UnitIDs()); err != nil {
			return domain.Problem{}, err
		}
	}
	if cmd.Assignment != nil {
		// The unit an assignment names is the thing acted on: unknown, 404.
		if err := s.store.CheckUnitsExist(ctx, append([]int64{cmd.Assignment.LeadUnitID}, cmd.Assignment.CoUnitIDs...)); domain.IsCode(err, domain.EInvalid) {
			return domain.Problem{}, domain.Errorf(domain.ENotFound, "unit not found").WithKey("unit_not_found").WithField("lead_unit_id")
		} else if err != nil {
			return domain.Problem{}, err
		}
	}
	if cmd.Action == domain.ActionRequestReassignment && cmd.Reassign != nil {
		if err := s.store.CheckUnitsExist(ctx, []int64{cmd.Reassign.LeadUnitID}); domain.IsCode(err, domain.EInvalid) {
			return domain.Problem{}, domain.Errorf(domain.ENotFound, "unit not found").WithKey("unit_not_found").WithField("lead_unit_id")
		} else if err != nil {
			return domain.Problem{}, err
		}
	}
	if err := s.resolveHandlers(ctx, &cmd); err != nil {
		return domain.Problem{}, err
	}
	cmd.Evidence = nil // only the store says what evidence there is
	if cmd.Action == domain.ActionRequestClosure {
		refs, err := s.store.EvidenceRefs(ctx, problemID)
		if err != nil {
			return domain.Problem{}, err
		}
		cmd.Evidence = refs
	}
	updateCtx, cancel := s.temporalContext(ctx)
	defer cancel()
	update := client.UpdateWorkflowOptions{
		WorkflowID:   workflows.ProblemWorkflowID(problemID),
		UpdateName:   name,
		UpdateID:     cmd.RequestID,
		Args:         []any{cmd},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	handle, err := s.Temporal.UpdateWorkflow(updateCtx, update)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) && s.startIfPending(updateCtx, problemID) {
		handle, err = s.Temporal.UpdateWorkflow(updateCtx, update)
	}
	if err != nil {
		return domain.Problem{}, s.temporalError(err, problemID)
	}
	var res workflows.UpdateResult
	if err := handle.Get(updateCtx, &res); err != nil {
		return domain.Problem{}, s.temporalError(err, problemID)
	}
	duplicate = res.Duplicate
	return res.Problem.WithLights(s.Now()), nil
}

// resolveHandlers fills the handlers a command names from the store, never
// from the client: the domain then checks each is of the measure's unit.
func (s *Service) resolveHandlers(ctx context.Context, cmd *domain.Command) error {
	ref := func(id int64) (*domain.HandlerRef, error) {
		u, err := s.store.User(ctx, id)
		if err != nil {
			if domain.IsCode(err, domain.ENotFound) {
				return nil, domain.Errorf(domain.ENotFound, "user %d not found", id).WithKey("user_not_found")
			}
			return nil, err
		}
		unit := u.UnitID
		if u.Role != domain.RoleUnit || u.Disabled {
			unit = 0 // not anyone's handler
		}
		return &domain.HandlerRef{UserID: u.ID, Name: u.DisplayName, UnitID: unit}, nil
	}
	if cmd.Plan != nil {
		for i := range cmd.Plan.Measures {
			m := &cmd.Plan.Measures[i]
			m.Handler = nil
			if m.HandlerID == 0 {
				continue
			}
			h, err := ref(m.HandlerID)
			if err != nil {
				return err
			}
			m.Handler = h
		}
	}
	if cmd.Action == domain.ActionNameHandler && cmd.Handler != nil {
		h, err := ref(cmd.Handler.UserID)
		if err != nil {
			return err
		}
		cmd.Handler = h
	}
	return nil
}

// actionResult classifies a decision's outcome for the metrics: the rules
// refusing it is not a failure of the system.
func actionResult(err error, duplicate bool) string {
	var de *domain.Error
	switch {
	case err == nil && duplicate:
		return metrics.ActionDuplicate
	case err == nil:
		return metrics.ActionAccepted
	case errors.As(err, &de) && de.Code != domain.EUnavailable && de.Code != domain.EInternal:
		return metrics.ActionRefused
	}
	return metrics.ActionFailed
}

// startIfPending starts the workflow of a problem whose start was never
// confirmed (Temporal was away when it was created) and reports whether it
// did, so that such a problem works without waiting for a process restart.
func (s *Service) startIfPending(ctx context.Context, problemID int64) bool {
	pending, err := s.store.ProblemsWithoutWorkflow(ctx)
	if err != nil {
		return false
	}
	for _, p := range pending {
		if p.ID == problemID {
			return s.startWorkflow(ctx, p) == nil
		}
	}
	return false
}

// temporalContext bounds one action's calls to Temporal by TemporalTimeout.
func (s *Service) temporalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.TemporalTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.TemporalTimeout)
}

// temporalError turns a Temporal failure into a domain error: the
// workflow's refusals keep their code and message, the rest is logged.
func (s *Service) temporalError(err error, problemID int64) error {
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr) && domain.IsKnownCode(appErr.Type()):
		de := &domain.Error{Code: appErr.Type(), Message: appErr.Message()}
		var d workflows.ErrorDetails
		if appErr.HasDetails() && appErr.Details(&d) == nil {
			de.Key, de.Field, de.Params = d.Key, d.Field, d.Params
		}
		return de
	case errors.As(err, &notFound):
		return domain.Errorf(domain.ENotFound, "problem %d not found", problemID).WithKey("problem_not_found", "id", problemID)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return domain.Errorf(domain.EUnavailable, "the workflow service did not answer in time; retry with the same Idempotency-Key").WithKey("workflow_timeout")
	}
	// The SDK turns gRPC statuses into these types: Unavailable when the
	// frontend cannot be reached, DeadlineExceeded when a call timed out,
	// ResourceExhausted when the cluster sheds load.
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	var exhausted *serviceerror.ResourceExhausted
	if errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.As(err, &exhausted) {
		return domain.Errorf(domain.EUnavailable, "the workflow service is unavailable; retry with the same Idempotency-Key").WithKey("workflow_unavailable")
	}
	return fmt.Errorf("problem %d: %w", problemID, err)
}

// Problem returns a problem the user may see.
func (s *Service) Problem(ctx context.Context, u domain.User, id int64) (domain.Problem, error) {
	p, err := s.store.Problem(ctx, id)
	if err != nil {
		return domain.Problem{}, err
	}
	if !domain.CanSeeProblem(u, &p) {
		return domain.Problem{}, domain.Errorf(domain.EForbidden, "your unit takes no part in problem %d", id).WithKey("problem_not_your_unit")
	}
	p = p.WithLights(s.Now())
	points, err := s.store.ProgressPoints(ctx, []int64{p.ID})
	if err != nil {
		return domain.Problem{}, err
	}
	for i := range p.Measures {
		m := &p.Measures[i]
		if m.Completed || m.Kind == domain.KindLongTerm {
			continue
		}
		if f, ok := domain.ForecastMeasure(points[p.ID][m.ID], m.Deadline); ok {
			m.Forecast = &f
		}
	}
	return p, nil
}

// ListProblems returns the problems the user may see that match f.
func (s *Service) ListProblems(ctx context.Context, u domain.User, f domain.ProblemFilter) ([]domain.Problem, int64, error) {
	return s.SearchProblems(ctx, u, store.ProblemQuery{ProblemFilter: f})
}

// Events returns the event log of a problem the user may see.
func (s *Service) Events(ctx context.Context, u domain.User, id int64) ([]domain.Event, error) {
	if _, err := s.Problem(ctx, u, id); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, id)
}

// Progress returns the progress reports of a problem the user may see.
func (s *Service) Progress(ctx context.Context, u domain.User, id int64) ([]domain.ProgressEntry, error) {
	if _, err := s.Problem(ctx, u, id); err != nil {
		return nil, err
	}
	return s.store.Progress(ctx, id)
}

// readyCheckTimeout bounds each of Ready's checks, so that /readyz answers
// quickly when a dependency hangs instead of refusing.
const readyCheckTimeout = 2 * time.Second

// Ready checks that the store and Temporal answer.
func (s *Service) Ready(ctx context.Context) error {
	storeCtx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
	defer cancel()
	if err := s.store.Ping(storeCtx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	temporalCtx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
	defer cancel()
	if _, err := s.Temporal.CheckHealth(temporalCtx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	return nil
}

// Units lists every unit, for pickers and the admin pages.
func (s *Service) Units(ctx context.Context) ([]domain.Unit, error) { return s.store.ListUnits(ctx) }

// UnitMembers lists the enabled users of units (name, unit, head or
// staff), for choosing a measure's handler; nothing else of them.
func (s *Service) UnitMembers(ctx context.Context) ([]domain.User, error) {
	all, err := s.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []domain.User
	for _, u := range all {
		if u.Role == domain.RoleUnit && !u.Disabled {
			out = append(out, domain.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, UnitID: u.UnitID, UnitRole: u.UnitRole})
		}
	}
	return out, nil
}

// Users lists every account, for the admin pages.
func (s *Service) Users(ctx context.Context) ([]domain.User, error) { return s.store.ListUsers(ctx) }

// DisplayNames names the people behind user IDs (events, progress reports,
// evidence): a page shows 张三, not the login zhangsan. Duplicates and zero
// IDs are ignored.
func (s *Service) DisplayNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	seen := make(map[int64]bool, len(ids))
	var uniq []int64
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	return s.store.DisplayNames(ctx, uniq)
}

// Campaigns lists every campaign.
func (s *Service) Campaigns(ctx context.Context) ([]domain.Campaign, error) {
	return s.store.ListCampaigns(ctx)
}

// Campaign returns a campaign with its problem counts.
func (s *Service) Campaign(ctx context.Context, id int64) (domain.CampaignSummary, error) {
	return s.store.Campaign(ctx, id)
}

// SharedSecret returns the secret stored under name, made on first use, the
// same for every replica (e.g. the web's CSRF key).
func (s *Service) SharedSecret(ctx context.Context, name string) (string, error) {
	return s.store.SharedSecret(ctx, name)
}

// FirstUse reports whether key (a form's or a request's idempotency key,
// scoped by the caller) is used for the first time within a day, across
// every replica; ForgetUse lets a failed use be retried.
func (s *Service) FirstUse(ctx context.Context, key string) (bool, error) {
	return s.store.FirstUse(ctx, key, s.Now())
}

// ForgetUse drops key (see FirstUse).
func (s *Service) ForgetUse(ctx context.Context, key string) error {
	return s.store.ForgetUse(ctx, key)
}
