package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
)

// errAuditBroken makes the process exit non-zero when the chain is broken.
var errAuditBroken = errors.New("audit: the event log's hash chain is broken")

// runAudit checks the event log's hash chains; it needs the store only:
//
//	rectify audit verify [--data-dir DIR]   (or DATABASE_URL)
func runAudit(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: rectify audit verify [--data-dir DIR]")
		fs.PrintDefaults()
	}
	// Flags may come before or after "verify".
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || fs.Arg(0) != "verify" {
		fs.Usage()
		return usageErrorf("audit: the only subcommand is verify")
	}
	if err := parseFlags(fs, fs.Args()[1:]); err != nil {
		return err
	} else if fs.NArg() != 0 {
		fs.Usage()
		return usageErrorf("audit verify: unexpected argument %q", fs.Arg(0))
	}
	cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
	a, err := app.OpenCommand(ctx, *cfg, newLogger(*cfg, stderr), false)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	rep, err := a.Service().VerifyAudit(ctx, cliUser)
	if err != nil {
		return commandError(err)
	}
	printAudit(stdout, rep)
	if !rep.OK {
		return errAuditBroken
	}
	return nil
}

// printAudit prints the verdict, each break, then each campaign's head: a
// copy of the heads kept elsewhere shows later whether a chain was rewritten.
func printAudit(w io.Writer, rep domain.AuditReport) {
	if rep.OK {
		fmt.Fprintf(w, "audit chain intact: %d events in %d campaigns\n", rep.Events, rep.Campaigns)
	} else {
		fmt.Fprintf(w, "audit chain BROKEN in %d of %d campaigns (%d events):\n", len(rep.Breaks), rep.Campaigns, rep.Events)
	}
	for _, b := range rep.Breaks {
		fmt.Fprintf(w, "  campaign %d, position %d, event %d (problem %d, seq %d): %s\n",
			b.CampaignID, b.Position, b.EventID, b.ProblemID, b.Seq, b.Reason)
	}
	for _, h := range rep.Heads {
		fmt.Fprintf(w, "head: campaign %d, position %d, sha256 %s\n", h.CampaignID, h.Position, h.Hash)
	}
}
