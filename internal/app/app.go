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
	"github.com/rectify/rectify/internal/notify"
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
}

// Start brings every part up, in dependency order. On error, what was
// started is stopped again.
func Start(ctx context.Context, opts Options) (_ *App, err error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	a := &App{opts: opts, logger: opts.Logger}
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
		})
		if err != nil {
			return nil, err
		}
		hostPort = a.temporal.Address()
	}
	if a.store, err = store.Open(ctx, cfg.DatabaseURL, cfg.SQLitePath()); err != nil {
		return nil, err
	}
	if a.client, err = dialTemporal(ctx, hostPort, cfg.TemporalNamespace, a.logger); err != nil {
		return nil, err
	}
	a.service = service.New(a.store, a.client, a.logger, cfg.TokenTTL)
	if a.service.Blobs, err = blobStore(cfg); err != nil {
		return nil, err
	}
	if opts.Mode != ModeAPI {
		a.worker = worker.New(a.client, workflows.TaskQueue, workerOptions())
		a.worker.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
		a.worker.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
		activitiesFor(a.store, cfg, a.service).Register(a.worker)
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
	handler, err := NewHandler(a.service, a.logger, cfg.EvidenceMaxBytes)
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

// NewHandler serves the JSON API (/api/…, /healthz, /readyz) and the web
// pages (everything else) on one server, both over the same service.
func NewHandler(svc *service.Service, logger *slog.Logger, evidenceLimit ...int64) (http.Handler, error) {
	ui, err := web.New(svc, logger)
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(svc, logger)
	for _, n := range evidenceLimit {
		apiHandler.WithEvidenceLimit(n)
		ui.WithEvidenceLimit(n)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.Handle("/healthz", apiHandler)
	mux.Handle("/readyz", apiHandler)
	mux.Handle("/", ui)
	return mux, nil
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
// the store, in that order.
func (a *App) Close(ctx context.Context) {
	if a.http != nil {
		shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_ = a.http.Shutdown(shutdownCtx)
		cancel()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	if a.client != nil {
		a.client.Close()
	}
	if a.temporal != nil {
		if err := a.temporal.Stop(); err != nil {
			a.logger.Warn("stop temporal", slog.Any("error", err))
		}
	}
	if a.store != nil {
		_ = a.store.Close()
	}
}

// bootstrap loads the demo, or makes sure a first admin exists.
func (a *App) bootstrap(ctx context.Context) error {
	cfg := a.opts.Config
	if a.opts.Demo {
		return demo.Load(ctx, a.service, cfg.DemoPassword, a.logger)
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
// (a fresh cluster has only "default").
func dialTemporal(ctx context.Context, hostPort, namespace string, logger *slog.Logger) (client.Client, error) {
	sdkLogger := sdklog.NewStructuredLogger(slog.New(&levelFilter{Handler: logger.Handler(), min: slog.LevelWarn}))
	nsClient, err := client.NewNamespaceClient(client.Options{HostPort: hostPort, Logger: sdkLogger})
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
	c, err := client.DialContext(ctx, client.Options{HostPort: hostPort, Namespace: namespace, Logger: sdkLogger})
	if err != nil {
		return nil, fmt.Errorf("connect to temporal at %s: %w", hostPort, err)
	}
	return c, nil
}

// levelFilter drops records below min: the SDK logs every poll at info.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (h *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

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
