// Command rectify-bench runs the benchmarks BENCHMARKS.md describes, each
// figure beside its baseline. It is built apart from rectify so that no
// benchmark code ships in the service's binary.
//
//	go run ./cmd/rectify-bench [--all] [--signoff] [--bulk N] [--reads N] [--reminders N] [--rss N]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	// Schedules name "Asia/Shanghai"; a minimal image may lack a tz database.
	_ "time/tzdata"

	"github.com/rectify/rectify/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.As(err, new(commandLineError)):
		fmt.Fprintln(os.Stderr, "rectify-bench:", err)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "rectify-bench:", err)
	os.Exit(1)
}

// commandLineError is a command line that cannot run (exit 2).
type commandLineError struct{ error }

func (e commandLineError) Unwrap() error { return e.error }

func run(ctx context.Context, args []string) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("rectify-bench", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "HTTP listen address (RECTIFY_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (RECTIFY_DATA_DIR)")
	return runBench(ctx, &cfg, fs, args, os.Stdout)
}
