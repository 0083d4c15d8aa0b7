package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/searchattrs"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/temporalserver"
	"github.com/rectify/rectify/workflows"
)

// OpenCommand opens what a one-shot command (import, report, ledger)
// needs, through the same configuration as serve: the store, and with
// withTemporal a Temporal client and a worker, so the Updates it sends are
// processed even when no serve runs. An embedded server another process
// already runs on the data directory is used rather than started twice.
// Close the returned App when done.
func OpenCommand(ctx context.Context, cfg config.Config, logger *slog.Logger, withTemporal bool) (_ *App, err error) {
	a := &App{opts: Options{Config: cfg, Logger: logger}, logger: logger}
	defer func() {
		if err != nil {
			a.Close(context.Background())
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if a.store, err = store.Open(ctx, cfg.DatabaseURL, cfg.SQLitePath()); err != nil {
		return nil, err
	}
	a.service = service.New(a.store, nil, logger, cfg.TokenTTL)
	if cfg.ImportConcurrency > 0 {
		a.service.ImportSlots = make(chan struct{}, cfg.ImportConcurrency)
	}
	if !withTemporal {
		return a, nil
	}
	hostPort := cfg.TemporalAddress
	if cfg.EmbeddedTemporal() {
		if addr, ok := temporalserver.RunningAddress(cfg.TemporalDir()); ok {
			hostPort = addr
		} else {
			a.temporal, err = temporalserver.Start(temporalserver.Options{
				Dir: cfg.TemporalDir(), Namespace: cfg.TemporalNamespace, FrontendPort: cfg.TemporalPort,
				CacheSize: cfg.WorkflowCacheSize,
			})
			if err != nil {
				return nil, err
			}
			hostPort = a.temporal.Address()
		}
	}
	sec, err := temporalSecurityFrom(cfg)
	if err != nil {
		return nil, err
	}
	if a.client, err = dialTemporal(ctx, hostPort, cfg.TemporalNamespace, sec, logger); err != nil {
		return nil, err
	}
	// A command may be the first to start problems on this namespace.
	if err := searchattrs.Register(ctx, a.client, cfg.TemporalNamespace); err != nil {
		return nil, err
	}
	a.service.Temporal = a.client
	a.worker = worker.New(a.client, workflows.TaskQueue, workerOptions())
	a.worker.RegisterWorkflowWithOptions(workflows.ProblemWorkflow, workflow.RegisterOptions{Name: workflows.ProblemWorkflowName})
	a.worker.RegisterWorkflowWithOptions(workflows.LookbackStartWorkflow, workflow.RegisterOptions{Name: workflows.LookbackStartWorkflowName})
	a.worker.RegisterWorkflowWithOptions(workflows.ReportRoundWorkflow, workflow.RegisterOptions{Name: workflows.ReportRoundWorkflowName})
	activitiesFor(a.store, cfg, a.service).Register(a.worker)
	if err := a.worker.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	return a, nil
}
