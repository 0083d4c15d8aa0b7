package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/rectify/rectify/internal/app"
	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/service"
)

// runImport imports a ledger or a report text into a campaign:
//
//	rectify import --campaign 1 [--create-units] [--as admin] FILE
//	rectify import --dry-run FILE      (reads the file only; opens nothing)
func runImport(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	campaignID := fs.Int64("campaign", 0, "campaign to import into")
	dryRun := fs.Bool("dry-run", false, "write nothing; print the problems found as JSON")
	createUnits := fs.Bool("create-units", false, "create units the ledger names that do not exist")
	as := fs.String("as", "admin", "username of the admin or leader the import is made as (submits the plans)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: rectify import [--dry-run] [--campaign ID] [--create-units] [--as USER] FILE (.xlsx .csv .txt .md .docx)")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import: name one file")
	}
	name := fs.Arg(0)
	start := time.Now()
	plan, err := readImportFile(name)
	if err != nil {
		return commandError(err)
	}
	if *dryRun && *campaignID == 0 {
		// Neither the store nor Temporal: only what the file says.
		fmt.Fprintf(stderr, "found %d problems in %s (%s)\n", len(plan.Problems), name, time.Since(start).Round(time.Millisecond))
		return writeJSON(stdout, plan)
	}
	if *campaignID <= 0 {
		return errors.New("import: --campaign is required (or --dry-run to only read the file)")
	}
	// A one-shot command reports its own outcome; the worker's start and
	// stop lines at info would only bury it.
	cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
	a, err := app.OpenCommand(ctx, *cfg, newLogger(*cfg, stderr), !*dryRun)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	svc := a.Service()
	u, _, err := a.Store().UserCredentials(ctx, *as)
	if err != nil {
		return commandError(err)
	}
	res, err := svc.Import(ctx, u, *campaignID, plan, service.ImportOptions{DryRun: *dryRun, CreateUnits: *createUnits})
	if err != nil {
		return commandError(err)
	}
	fmt.Fprintf(stderr, "%d problems found, %d created, %d already there, %d plans submitted for approval, %d units created (%s)\n",
		len(res.Problems), len(res.Created), len(res.Skipped), res.PlansSubmitted, len(res.CreatedUnits), time.Since(start).Round(time.Millisecond))
	return writeJSON(stdout, res)
}

func readImportFile(name string) (*importer.Plan, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Refuse a huge file before reading any of it.
	if st, err := f.Stat(); err == nil && st.Size() > importer.MaxFileSize {
		return nil, importer.TooLarge()
	}
	return importer.Read(name, f, time.Now())
}

// commandError prints a domain error as its message, and every rejected
// row on its own line.
func commandError(err error) error {
	var rejected *importer.Rejected
	if errors.As(err, &rejected) {
		msg := fmt.Sprintf("import rejected, nothing was written (%d rows):", len(rejected.Rows))
		for _, r := range rejected.Rows {
			msg += "\n  " + r.String()
		}
		return errors.New(msg)
	}
	if code := domain.ErrorCode(err); code != domain.EInternal {
		return errors.New(domain.ErrorMessage(err))
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
