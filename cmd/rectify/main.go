// Command rectify runs the Rectify inspection-rectification service.
//
//	rectify serve [--demo] [--addr A] [--data-dir D]   everything in one process
//	rectify api                                          HTTP only (needs TEMPORAL_ADDRESS)
//	rectify worker                                       workflow worker only (needs TEMPORAL_ADDRESS)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	// Schedules name "Asia/Shanghai"; a minimal image may lack a tz database.
	_ "time/tzdata"

	"go.temporal.io/sdk/worker"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	status := exitStatus(err)
	if status != 0 {
		fmt.Fprintln(os.Stderr, "rectify:", err)
	}
	os.Exit(status)
}

const usage = `usage: rectify <command> [flags]

commands:
  serve    run the HTTP API and the worker (and, without TEMPORAL_ADDRESS, an embedded Temporal server)
  api      run only the HTTP API (needs TEMPORAL_ADDRESS)
  worker   run only the workflow worker (needs TEMPORAL_ADDRESS)
  import   import a ledger (.xlsx, .csv) or a report text (.txt, .md, .docx) into a campaign (--dry-run: print what it finds)
  report   write a campaign's progress report (通报) as md, html or docx
  ledger   write a campaign's ledger (整改台账) as xlsx
  audit    audit verify: check the event log's hash chains (exits 1 when broken)
  version  print the version, commit, and the Go and Temporal versions

Run "rectify <command> --help" for its flags. Settings come from the environment (see README.md).
Exit status: 0 done, 1 failed, 2 the command line was wrong.
`

// run parses the command line once and runs one command until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErrorf("no command given")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		printVersion(stdout)
		return nil
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	command, args := args[0], args[1:]
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "HTTP listen address (RECTIFY_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (RECTIFY_DATA_DIR)")
	var mode app.Mode
	var demo bool
	switch command {
	case "serve":
		mode = app.ModeAll
		fs.BoolVar(&demo, "demo", false, "load the demo campaign from the seed report (once)")
	case "api":
		mode = app.ModeAPI
	case "worker":
		mode = app.ModeWorker
	case "import":
		return runImport(ctx, &cfg, fs, args, stdout, stderr)
	case "report":
		return runReport(ctx, &cfg, fs, args, stdout, stderr)
	case "ledger":
		return runLedger(ctx, &cfg, fs, args, stdout, stderr)
	case "audit":
		return runAudit(ctx, &cfg, fs, args, stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return usageErrorf("unknown command %q", command)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("%s: unexpected argument %q", command, fs.Arg(0))
	}
	logger := newLogger(cfg, stderr)
	logger.Info("starting", slog.String("command", command), slog.Any("config", cfg))
	// The SDK keeps one workflow cache per process, sized before the
	// first worker starts.
	worker.SetStickyWorkflowCacheSize(cfg.WorkflowCacheSize)
	a, err := app.Start(ctx, app.Options{Config: cfg, Mode: mode, Demo: demo, Logger: logger, Out: stdout})
	if err != nil {
		return err
	}
	err = a.Wait(ctx)
	logger.Info("shutting down")
	a.Close(context.Background())
	return err
}

// newLogger writes text or JSON; either way every record logged with a
// request's context names its request_id (and user_id once signed in).
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(logging.NewHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(logging.NewHandler(slog.NewTextHandler(w, opts)))
}
