package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
)

// cliUser is who a report or ledger is read as on the command line: the
// operator of the machine, who may read every campaign anyway.
var cliUser = domain.User{Username: "cli", Role: domain.RoleAdmin}

// runReport writes a campaign's progress report (通报):
//
//	rectify report --campaign 1 [--format md|html|docx] [-o FILE]
func runReport(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	campaignID := fs.Int64("campaign", 0, "campaign to report on")
	format := fs.String("format", "md", "md, html or docx")
	out := fs.String("o", "", "output file (default: standard output; docx needs a file)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *campaignID <= 0 {
		fs.Usage()
		return usageErrorf("report: --campaign is required")
	}
	if *format == "docx" && *out == "" {
		fs.Usage()
		return usageErrorf("report: a docx report needs -o FILE")
	}
	return writeFromStore(ctx, *cfg, stderr, *out, stdout, func(a *app.App, w io.Writer) error {
		return a.Service().WriteReport(ctx, cliUser, *campaignID, *format, w)
	})
}

// runLedger writes a campaign's ledger (整改台账) as xlsx:
//
//	rectify ledger --campaign 1 [-o ledger-1.xlsx]
func runLedger(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	campaignID := fs.Int64("campaign", 0, "campaign whose ledger to write")
	out := fs.String("o", "", "output file (default ledger-<campaign>.xlsx)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *campaignID <= 0 {
		fs.Usage()
		return usageErrorf("ledger: --campaign is required")
	}
	if *out == "" {
		*out = fmt.Sprintf("ledger-%d.xlsx", *campaignID)
	}
	return writeFromStore(ctx, *cfg, stderr, *out, stdout, func(a *app.App, w io.Writer) error {
		return a.Service().WriteLedger(ctx, cliUser, *campaignID, w)
	})
}

// writeFromStore opens the store only, builds the output in memory (so a
// failure leaves no half-written file) and writes it to out or stdout.
func writeFromStore(ctx context.Context, cfg config.Config, stderr io.Writer, out string, stdout io.Writer, write func(*app.App, io.Writer) error) error {
	cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
	a, err := app.OpenCommand(ctx, cfg, newLogger(cfg, stderr), false)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	start := time.Now()
	var buf bytes.Buffer
	if err := write(a, &buf); err != nil {
		return commandError(err)
	}
	took := time.Since(start).Round(time.Microsecond)
	if out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o640); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (%d bytes) in %s\n", out, buf.Len(), took)
	return nil
}
