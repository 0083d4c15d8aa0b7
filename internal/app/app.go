// Package app assembles Rectify's parts into a running process: the
// embedded or remote Temporal server, the store, the worker and the HTTP
// server. cmd/rectify and the end-to-end tests both use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/api"
	"github.com/rectify/rectify/internal/auth"
	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/demo"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/logging"
	"github.com/rectify/rectify/internal/metrics"
	"github.com/rectify/rectify/internal/notify"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/temporalserver"
	"github.com/rectify/rectify/web"
	"github.com/rectify/rectify/workflows"
)

// Mode says which parts a process runs.
type Mode int

// Modes of the binary's subcommands.
const (
	ModeAll    Mode = iota // serve: HTTP, worker (and embedded Temporal)
	ModeAPI                // api: HTTP only
	ModeWorker             // worker: worker only
)

// Options configure an App.
type Options struct {
	Config config.Config
	Mode   Mode
	// Demo loads the demo campaign once.
	Demo   bool
	Logger *slog.Logger
	// Out receives the generated first admin password.
	Out io.Writer
}

// App is a running Rectify process.
type App struct {
	opts     Options
	logger   *slog.Logger
	temporal *temporalserver.Server
	store    *store.Store
	client   client.Client
	worker   worker.Worker
	service  *service.Service
	http     *http.Server
	listener net.Listener
	served   chan error
	// metrics is the process's one registry, served on /metrics.
	metrics *metrics.Metrics
}

// Start brings every part up, in dependency order. On error, what was
// started is stopped again.
func Start(ctx context.Context, opts Options) (_ *App, err error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(logging.NewHandler(slog.NewTextHandler(os.Stderr, nil)))
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	a := &App{opts: opts, logger: opts.Logger, metrics: metrics.New()}
	defer func() {
		if err != nil {
			a.Close(context.Background())
		}
	}()
	cfg := opts.Config
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	hostPort := cfg.TemporalAddress
	if cfg.EmbeddedTemporal() {
		if opts.Mode != ModeAll {
			return nil, errors.New("the api and worker commands need TEMPORAL_ADDRESS (a Temporal cluster shared with the other processes)")
		}
		a.temporal, err = temporalserver.Start(temporalserver.Options{
			Dir: cfg.TemporalDir(), Namespace: cfg.TemporalNamespace, FrontendPort: cfg.TemporalPort,
			CacheSize: cfg.WorkflowCacheSize,
		})
		if err != nil {
			return nil, err
		}
		hostPort = a.temporal.Address()
	}
	if a.store, err = store.Open(ctx, cfg.DatabaseURL, cfg.SQLitePath()); err != nil {
		return nil, err
	}
	sec, err := temporalSecurityFrom(cfg)
	if err != nil {
		return nil, err
	}
	if a.client, err = dialTemporalWith(ctx, hostPort, cfg.TemporalNamespace, sec, a.logger, a.metrics); err != nil {
		return nil, err
	}
	if err := searchattrs.Register(ctx, a.client, cfg.TemporalNamespace); err != nil {
		return nil, err
	}
	a.service = service.New(a.store, a.client, a.logger, cfg.TokenTTL)
	a.service.Metrics = a.metrics
	if cfg.ImportConcurrency > 0 {
		a.service.ImportSlots = make(chan struct{}, cfg.ImportConcurrency)
	}
	if a.service.Blobs, err = blobStore(cfg); err != nil {
		return nil, err
	}
	if opts.Mode != ModeAPI {
		a.worker = worker.New(a.client, workflows.TaskQueue, workerOptions())
		a.worker.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		a.worker.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
		a.worker.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
		acts := activitiesFor(a.store, cfg, a.service)
		acts.Metrics = a.metrics
		acts.Register(a.worker)
		if err := a.worker.Start(); err != nil {
			return nil, fmt.Errorf("start worker: %w", err)
		}
	}
	if opts.Mode == ModeWorker {
		return a, nil
	}
	if err := a.service.StartPendingWorkflows(ctx); err != nil {
		return nil, fmt.Errorf("start pending workflows: %w", err)
	}
	if err := a.bootstrap(ctx); err != nil {
		return nil, err
	}
	if a.listener, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	handler, err := NewHandler(a.service, a.logger, HandlerOptions{
		EvidenceLimit: cfg.EvidenceMaxBytes, Metrics: a.metrics, MetricsToken: cfg.MetricsToken,
		TrustedProxies: cfg.TrustedProxies,
	})
	if err != nil {
		return nil, err
	}
	a.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	a.served = make(chan error, 1)
	go func() { a.served <- a.http.Serve(a.listener) }()
	a.logger.Info("rectify listening", slog.String("addr", a.Addr()), slog.String("temporal", hostPort))
	return a, nil
}

// HandlerOptions configure NewHandler; the zero value serves with the
// defaults.
type HandlerOptions struct {
	// EvidenceLimit bounds one evidence file (0: the default).
	EvidenceLimit int64
	// Metrics, when set, is served on /metrics and times every request.
	Metrics *metrics.Metrics
	// MetricsToken is the bearer token /metrics requires; empty: loopback
	// clients only (api.ProtectMetrics).
	MetricsToken string
	// TrustedProxies name the reverse proxies whose X-Forwarded-For is
	// believed (login limits count per client address).
	TrustedProxies []string
}

// NewHandler serves the JSON API (/api/…, /healthz, /readyz) and the web
// pages (everything else) on one server, both over the same service. Every
// request gets an ID (X-Request-ID) and an access log line.
func NewHandler(svc *service.Service, logger *slog.Logger, opts HandlerOptions) (http.Handler, error) {
	ui, err := web.New(svc, logger)
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(svc, logger)
	if opts.EvidenceLimit > 0 {
		apiHandler.WithEvidenceLimit(opts.EvidenceLimit)
		ui.WithEvidenceLimit(opts.EvidenceLimit)
	}
	if err := apiHandler.WithTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	if err := ui.WithTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	if opts.Metrics != nil {
		// Beside the API's router, not in it: its own guard, no user
		// session (api.MetricsPath says why).
		mux.Handle(api.MetricsPath, api.ProtectMetrics(opts.Metrics.Handler(), opts.MetricsToken))
	}
	mux.Handle("/", ui)
	return logging.Middleware(mux, logger, func(a logging.Access) {
		opts.Metrics.ObserveHTTP(a.Method, a.Route, a.Status, a.Duration)
	}), nil
}

// Addr is the HTTP address, once listening.
func (a *App) Addr() string {
	if a.listener == nil {
		return ""
	}
	return a.listener.Addr().String()
}

// Service exposes the service layer (tests and the demo use it).
func (a *App) Service() *service.Service { return a.service }

// Store is the read model, for commands that work on it directly (import
// as a named user, the benchmarks).
func (a *App) Store() *store.Store { return a.store }

// Wait blocks until the HTTP server stops or ctx ends.
func (a *App) Wait(ctx context.Context) error {
	if a.served == nil {
		<-ctx.Done()
		return nil
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// Close drains HTTP, stops the worker, the client, the embedded server and
// the store, in that order: requests in flight finish while everything they
// need still runs. Each step is logged, so a stuck shutdown shows where.
func (a *App) Close(ctx context.Context) {
	if a.http != nil {
		shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := a.http.Shutdown(shutdownCtx); err != nil {
			a.logger.Warn("http drain cut short", slog.Any("error", err))
		}
		cancel()
		a.logger.Info("shutdown: http drained")
	}
	if a.worker != nil {
		a.worker.Stop()
		a.logger.Info("shutdown: worker stopped")
	}
	if a.client != nil {
		a.client.Close()
		a.logger.Info("shutdown: temporal client closed")
	}
	if a.temporal != nil {
		if err := a.temporal.Stop(); err != nil {
			a.logger.Warn("stop temporal", slog.Any("error", err))
		}
		a.logger.Info("shutdown: embedded temporal stopped")
	}
	if a.store != nil {
		_ = a.store.Close()
		a.logger.Info("shutdown: store closed")
	}
}

// bootstrap loads the demo, or makes sure a first admin exists.
func (a *App) bootstrap(ctx context.Context) error {
	cfg := a.opts.Config
	if a.opts.Demo {
		return demo.Load(ctx, a.service, a.store, cfg.DemoPassword, a.logger)
	}
	n, err := a.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := cfg.AdminPassword
	if password == "" {
		if password, err = auth.RandomPassword(); err != nil {
			return err
		}
		fmt.Fprintf(a.opts.Out, "Created the first admin user: username admin, password %s (shown once; change it)\n", password)
	}
	_, err = a.service.CreateUserUnchecked(ctx, domain.NewUser{
		Username: "admin", Password: password, DisplayName: "管理员", Role: domain.RoleAdmin,
	})
	return err
}

// dialTemporal connects to the frontend and makes sure the namespace exists
// (a fresh cluster has only "default"), without metrics.
func dialTemporal(ctx context.Context, hostPort, namespace string, sec temporalSecurity, logger *slog.Logger) (client.Client, error) {
	return dialTemporalWith(ctx, hostPort, namespace, sec, logger, nil)
}

// dialTemporalWith is dialTemporal reporting the SDK's metrics into m (nil:
// none). Either carries the request ID into workflows and activities
// (logging.Propagator).
func dialTemporalWith(ctx context.Context, hostPort, namespace string, sec temporalSecurity, logger *slog.Logger, m *metrics.Metrics) (client.Client, error) {
	sdkLogger := sdklog.NewStructuredLogger(slog.New(&levelFilter{Handler: logger.Handler(), min: slog.LevelWarn}))
	nsClient, err := client.NewNamespaceClient(sec.apply(client.Options{HostPort: hostPort, Logger: sdkLogger}))
	if err != nil {
		return nil, fmt.Errorf("connect to temporal at %s: %w", hostPort, err)
	}
	defer nsClient.Close()
	if _, err := nsClient.Describe(ctx, namespace); err != nil {
		var notFound *serviceerror.NamespaceNotFound
		if !errors.As(err, &notFound) {
			return nil, fmt.Errorf("describe temporal namespace %s: %w", namespace, err)
		}
		err = nsClient.Register(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(30 * 24 * time.Hour),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if err != nil && !errors.As(err, &exists) {
			return nil, fmt.Errorf("register temporal namespace %s: %w", namespace, err)
		}
		// A new namespace takes a moment to reach every service's cache.
		time.Sleep(2 * time.Second)
	}
	c, err := client.DialContext(ctx, sec.apply(client.Options{
		HostPort: hostPort, Namespace: namespace, Logger: sdkLogger,
		MetricsHandler:     m.Temporal(),
		ContextPropagators: []workflow.ContextPropagator{logging.Propagator{}},
	}))
	if err != nil {
		return nil, fmt.Errorf("connect to temporal at %s: %w", hostPort, err)
	}
	return c, nil
}

// levelFilter drops records below min: the SDK logs every poll at info.
// Records that name a request_id pass at any level the handler takes: they
// are workflow and activity code logging on a request's behalf, through the
// SDK's logger (the only replay-safe one in workflows).
type levelFilter struct {
	slog.Handler
	min slog.Level
	// tagged: the logger was derived With a request_id.
	tagged bool
}

func (h *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	// Below min, only Handle can tell (by the record's attributes).
	return h.Handler.Enabled(ctx, l)
}

func (h *levelFilter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= h.min || h.tagged || hasRequestID(r) {
		return h.Handler.Handle(ctx, r)
	}
	return nil
}

func (h *levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	tagged := h.tagged
	for _, a := range attrs {
		tagged = tagged || isRequestID(a)
	}
	return &levelFilter{Handler: h.Handler.WithAttrs(attrs), min: h.min, tagged: tagged}
}

func (h *levelFilter) WithGroup(name string) slog.Handler {
	return &levelFilter{Handler: h.Handler.WithGroup(name), min: h.min, tagged: h.tagged}
}

func hasRequestID(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = isRequestID(a)
		return !found
	})
	return found
}

func isRequestID(a slog.Attr) bool { return a.Key == "request_id" && a.Value.String() != "" }

// activitiesFor builds the activities with the configured channels.
func activitiesFor(st *store.Store, cfg config.Config, problems activities.ProblemActor) *activities.Activities {
	a := &activities.Activities{Store: st, Problems: problems}
	if cfg.SMTPHost != "" {
		a.Mailer = &notify.Mailer{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS}
	}
	if cfg.WebhookURL != "" {
		a.Webhook = &notify.Webhook{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret, Format: cfg.WebhookFormat}
	}
	return a
}

// workerOptions tune the worker for timely reminders after a restart: a
// workflow task waits this long on the dead process's sticky queue before
// any worker may take it (the SDK's default is 5 s).
func workerOptions() worker.Options {
	return worker.Options{StickyScheduleToStartTimeout: time.Second}
}

// blobStore keeps evidence in the data directory, or in an S3-compatible
// bucket when one is configured.
func blobStore(cfg config.Config) (blob.Store, error) {
	if cfg.S3Bucket == "" {
		return &blob.Local{Dir: cfg.EvidenceDir()}, nil
	}
	return blob.NewS3(blob.S3Config{
		Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, Bucket: cfg.S3Bucket, Prefix: cfg.S3Prefix,
		AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
	}, filepath.Join(cfg.DataDir, "tmp"))
}
