package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/ledger"
	"github.com/rectify/rectify/internal/report"
	"github.com/rectify/rectify/internal/reporttext"
	"github.com/rectify/rectify/internal/store"
)

// ImportOptions say how an import runs.
type ImportOptions struct {
	// DryRun checks everything and writes nothing.
	DryRun bool
	// CreateUnits creates units the file names that do not exist yet,
	// instead of refusing their rows.
	CreateUnits bool
}

// ImportResult says what an import found and did.
type ImportResult struct {
	DryRun   bool               `json:"dry_run"`
	Problems []importer.Problem `json:"problems"`
	// Groups, Summary and Warnings are a report text's: the problems made
	// of sub-problems (headings, not problems), what its headline states,
	// and what looks wrong, in plain sentences.
	Groups   []importer.Group   `json:"groups"`
	Summary  reporttext.Summary `json:"summary"`
	Warnings []string           `json:"warnings"`
	// Created are the problems this run created; Skipped those whose
	// number the campaign already had (a rerun).
	Created      []ImportedProblem `json:"created"`
	Skipped      []ImportedProblem `json:"skipped"`
	CreatedUnits []string          `json:"created_units"`
	// PlansSubmitted counts plans submitted for approval by this run.
	PlansSubmitted int `json:"plans_submitted"`
}

// ImportedProblem names a problem an import created or skipped.
type ImportedProblem struct {
	Number int    `json:"number"`
	ID     int64  `json:"id,omitempty"`
	Title  string `json:"title"`
}

// ImportPlanRequestID is the request ID of the plan an import submits for
// a problem: fixed, so a rerun sends the same Update and the workflow
// applies it once.
func ImportPlanRequestID(problemID int64) string { return fmt.Sprintf("import:%d:plan", problemID) }

// Import checks a plan read from a file against the campaign and the units,
// then, unless it is a dry run, writes it all or nothing: the problems (and
// units, with CreateUnits) in one transaction; after commit, it starts each
// problem's workflow and submits its plan (a ledger's measures) as u, to
// wait for another leader's approval like any plan. Problems whose number
// the campaign already has are skipped, so a rerun duplicates nothing and
// finishes what an interrupted run left.
func (s *Service) Import(ctx context.Context, u domain.User, campaignID int64, plan *importer.Plan, opts ImportOptions) (ImportResult, error) {
	if err := domain.RequireRole(u, "import problems", domain.RoleAdmin, domain.RoleLeader); err != nil {
		return ImportResult{}, err
	}
	if _, err := s.store.Campaign(ctx, campaignID); err != nil {
		return ImportResult{}, err
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	existing, err := s.store.CampaignProblemsByNumber(ctx, campaignID)
	if err != nil {
		return ImportResult{}, err
	}
	c := newImportCheck(units, opts.CreateUnits)
	res := ImportResult{
		DryRun: opts.DryRun, Problems: plan.Problems, Groups: plan.Groups, Summary: plan.Summary, Warnings: plan.Warnings,
		Created: []ImportedProblem{}, Skipped: []ImportedProblem{}, CreatedUnits: []string{},
	}
	if res.Groups == nil {
		res.Groups = []importer.Group{}
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	// Only a ledger's measures make a plan (with units and deadlines); a
	// text's measures are narrative and go into the description.
	withPlans := plan.Format == importer.FormatLedger
	var fresh, resumed []importer.Problem
	for _, p := range plan.Problems {
		if old, ok := existing[p.Number]; ok {
			if old.Title != p.Title {
				c.rej = append(c.rej, importer.RowError{Row: p.Row, Reason: fmt.Sprintf(
					"problem number %d is already used in this campaign by %q", p.Number, old.Title)})
				continue
			}
			res.Skipped = append(res.Skipped, ImportedProblem{Number: p.Number, ID: old.ID, Title: old.Title})
			// An import that stopped between commit and plan submission
			// left its problem without a plan: this run submits it.
			if withPlans && old.Imported && old.Stage == domain.StagePlan && old.PlanSubmittedBy == 0 && len(p.Measures) > 0 {
				c.checkPlan(p, s.Now())
				resumed = append(resumed, p)
			}
			continue
		}
		if withPlans {
			c.checkPlan(p, s.Now())
		}
		fresh = append(fresh, p)
	}
	if len(c.rej) > 0 {
		return ImportResult{}, &importer.Rejected{Rows: c.rej}
	}
	res.CreatedUnits = append(res.CreatedUnits, c.newUnits...)
	if opts.DryRun {
		return res, nil
	}

	batch := store.ImportBatch{CampaignID: campaignID, NewUnits: c.newUnits, Actor: u.Actor()}
	for _, p := range fresh {
		np := domain.NewProblem{
			CampaignID: campaignID, Number: p.Number, Section: p.Section, Title: p.Title, Description: p.Description,
		}
		if p.Parent != nil {
			np.ParentNumber, np.ParentTitle = p.Parent.Number, p.Parent.Title
		}
		batch.Problems = append(batch.Problems, np)
	}
	out, err := s.store.ImportProblems(ctx, batch)
	if err != nil {
		return ImportResult{}, err
	}
	for name, id := range out.Units {
		c.unitIDs[name] = id
	}
	type job struct {
		p    domain.Problem
		plan importer.Problem
	}
	jobs := make([]job, 0, len(fresh)+len(resumed))
	for i, p := range out.Problems {
		res.Created = append(res.Created, ImportedProblem{Number: p.Number, ID: p.ID, Title: p.Title})
		jobs = append(jobs, job{p, fresh[i]})
	}
	for _, p := range resumed {
		jobs = append(jobs, job{existing[p.Number].Problem, p})
	}
	// Committed: from here on a failure leaves problems whose workflow or
	// plan is missing, and running the import again completes them.
	var mu sync.Mutex
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, 4) // each problem is its own workflow
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var plan *domain.PlanInput
			if withPlans {
				plan = c.planInput(j.plan)
			}
			submitted, err := s.startImported(ctx, u, j.p, plan)
			errs[i] = err
			if submitted {
				mu.Lock()
				res.PlansSubmitted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			s.Logger.ErrorContext(ctx, "import: finishing an imported problem failed", slog.Int64("problem_id", jobs[i].p.ID), slog.Any("error", err))
			return res, domain.Errorf(domain.EUnavailable,
				"the problems were written, but starting the workflow or submitting the plan of problem %d failed: run the same import again to finish (it skips what is done)", jobs[i].p.Number).WithKey("import_unfinished", "n", jobs[i].p.Number)
		}
	}
	return res, nil
}

// startImported starts an imported problem's workflow (idempotent) and
// submits its plan, if it has one, with a fixed request ID.
func (s *Service) startImported(ctx context.Context, u domain.User, p domain.Problem, plan *domain.PlanInput) (bool, error) {
	if err := s.startWorkflow(ctx, p); err != nil {
		return false, err
	}
	if plan == nil {
		return false, nil
	}
	_, err := s.Act(ctx, p.ID, domain.Command{
		Action: domain.ActionSubmitPlan, RequestID: ImportPlanRequestID(p.ID), Actor: u.Actor(), Plan: plan,
	})
	return err == nil, err
}

// importCheck resolves unit names and validates plans before anything is
// written, collecting every rejected row.
type importCheck struct {
	unitIDs     map[string]int64
	createUnits bool
	newUnits    []string
	rej         []importer.RowError
}

// placeholderID stands for a unit the import will create, while plans are
// validated before it exists.
const placeholderID = int64(1) << 50

func newImportCheck(units []domain.Unit, createUnits bool) *importCheck {
	c := &importCheck{unitIDs: map[string]int64{}, createUnits: createUnits}
	for _, u := range units {
		c.unitIDs[u.Name] = u.ID
	}
	return c
}

func (c *importCheck) unit(row int, name string) int64 {
	if id, ok := c.unitIDs[name]; ok {
		return id
	}
	if !c.createUnits {
		re := importer.RowError{Row: row, Reason: fmt.Sprintf(
			"unit %q does not exist (create it first, or import with create units)", name)}
		c.rej = append(c.rej, *re.WithKey("import_unit_missing", "unit", name))
		return 0
	}
	if _, err := domain.ValidateUnitName(name); err != nil {
		re := importer.RowError{Row: row, Reason: fmt.Sprintf("unit %q: %s", name, domain.ErrorMessage(err))}
		c.rej = append(c.rej, *re.WithKey("import_unit_name_invalid", "unit", name))
		return 0
	}
	id := placeholderID + int64(len(c.newUnits))
	c.unitIDs[name] = id
	c.newUnits = append(c.newUnits, name)
	return id
}

// checkPlan resolves a problem's units and runs its plan through the same
// validation the workflow runs, so that no plan fails after commit.
func (c *importCheck) checkPlan(p importer.Problem, now time.Time) {
	if len(p.Measures) == 0 {
		return
	}
	before := len(c.rej)
	for _, m := range p.Measures {
		c.unit(m.Row, m.LeadUnit)
		for _, name := range m.CoUnits {
			c.unit(m.Row, name)
		}
	}
	if len(c.rej) > before {
		return
	}
	plan := c.planInput(p)
	if err := plan.Validate(now); err != nil {
		// A measure's refusal names the measure (n): it is that row's.
		re := importer.RowError{Row: p.Row}
		msg := domain.ErrorMessage(err)
		if de := domain.AsError(err); de != nil {
			re.Key, re.Params = de.Key, de.Params
			if n, ok := de.Params["n"].(int); ok && n >= 1 && n <= len(p.Measures) {
				re.Row = p.Measures[n-1].Row
				msg = strings.TrimPrefix(msg, fmt.Sprintf("measure %d: ", n))
			}
		}
		re.Reason = fmt.Sprintf("problem %d: %s", p.Number, msg)
		c.rej = append(c.rej, re)
	}
}

// planInput is a problem's plan with units by ID; the problem's lead unit
// is its first measure's. Nil when the problem has no measures.
func (c *importCheck) planInput(p importer.Problem) *domain.PlanInput {
	if len(p.Measures) == 0 {
		return nil
	}
	plan := &domain.PlanInput{LeadUnitID: c.unitIDs[p.Measures[0].LeadUnit]}
	for _, m := range p.Measures {
		in := domain.MeasureInput{
			Title: m.Title, Kind: m.Kind, LeadUnitID: c.unitIDs[m.LeadUnit],
			ResponsibleLeader: m.Leader, Deadline: m.Deadline, CoUnitIDs: []int64{},
		}
		for _, name := range m.CoUnits {
			in.CoUnitIDs = append(in.CoUnitIDs, c.unitIDs[name])
		}
		plan.Measures = append(plan.Measures, in)
	}
	return plan
}

// ReadImport reads an uploaded or named file into a plan, with the
// service's clock for deadlines. At most ImportSlots files are read at
// once, so that concurrent uploads cannot add up past the memory one
// import is bounded to; others wait their turn while ctx allows.
func (s *Service) ReadImport(ctx context.Context, name string, r io.Reader) (*importer.Plan, error) {
	if s.ImportSlots != nil {
		select {
		case s.ImportSlots <- struct{}{}:
			defer func() { <-s.ImportSlots }()
		case <-ctx.Done():
			return nil, domain.Errorf(domain.EUnavailable, "other imports are being read; try again in a moment").WithKey("import_busy")
		}
	}
	return importer.Read(name, r, s.Now())
}

// DefaultImportConcurrency is how many imports are read at once unless
// configured (RECTIFY_IMPORT_CONCURRENCY).
const DefaultImportConcurrency = 2

// Narrative returns a campaign's report narrative.
func (s *Service) Narrative(ctx context.Context, u domain.User, campaignID int64) (domain.Narrative, error) {
	if err := canReadCampaign(u); err != nil {
		return domain.Narrative{}, err
	}
	return s.store.Narrative(ctx, campaignID)
}

// SetNarrative replaces a campaign's report narrative (the leading group;
// admin too, who manages campaigns).
func (s *Service) SetNarrative(ctx context.Context, u domain.User, n domain.Narrative) (domain.Narrative, error) {
	if err := domain.RequireRole(u, "edit the report narrative", domain.RoleLeader, domain.RoleAdmin); err != nil {
		return domain.Narrative{}, err
	}
	if err := n.Validate(); err != nil {
		return domain.Narrative{}, err
	}
	return s.store.SetNarrative(ctx, n, u.ID)
}

// canReadCampaign allows the roles that see every problem: a report or a
// ledger covers the whole campaign, so a unit user gets neither.
func canReadCampaign(u domain.User) error {
	return domain.RequireRole(u, "read a whole campaign's report or ledger",
		domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline)
}

// WriteReport writes a campaign's progress report (通报) in format.
func (s *Service) WriteReport(ctx context.Context, u domain.User, campaignID int64, format string, w io.Writer) error {
	if err := canReadCampaign(u); err != nil {
		return err
	}
	if _, _, ok := report.ContentType(format); !ok {
		return domain.Errorf(domain.EInvalid, "format must be md, html or docx").WithKey("report_format_invalid").WithField("format")
	}
	in, err := s.reportInput(ctx, campaignID)
	if err != nil {
		return err
	}
	return report.Write(w, format, in)
}

// CheckReport checks the report of a campaign, dated date (today when
// empty), against its records before it is published: the findings are the
// places where its text and the records disagree.
func (s *Service) CheckReport(ctx context.Context, u domain.User, campaignID int64, date domain.Date) (domain.Date, []report.Finding, error) {
	if err := canReadCampaign(u); err != nil {
		return "", nil, err
	}
	if !date.IsZero() && date.Time().IsZero() {
		return "", nil, domain.Errorf(domain.EInvalid, "date %q is not a date (use YYYY-MM-DD)", date).WithKey("date_invalid", "value", string(date)).WithField("date")
	}
	in, err := s.reportInput(ctx, campaignID)
	if err != nil {
		return "", nil, err
	}
	if !date.IsZero() {
		in.Date = date
	}
	findings := report.Check(in)
	if findings == nil {
		findings = []report.Finding{}
	}
	return in.Date, findings, nil
}

func (s *Service) reportInput(ctx context.Context, campaignID int64) (report.Input, error) {
	sum, err := s.store.Campaign(ctx, campaignID)
	if err != nil {
		return report.Input{}, err
	}
	narrative, err := s.store.Narrative(ctx, campaignID)
	if err != nil {
		return report.Input{}, err
	}
	problems, err := s.store.CampaignProblems(ctx, campaignID)
	if err != nil {
		return report.Input{}, err
	}
	outcomes, err := s.store.OutcomeTotals(ctx, campaignID)
	if err != nil {
		return report.Input{}, err
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return report.Input{}, err
	}
	names := make(map[int64]string, len(units))
	for _, un := range units {
		names[un.ID] = un.Name
	}
	return report.Input{Campaign: sum.Campaign, Narrative: narrative, Problems: problems, Date: domain.DateOf(s.Now()), Outcomes: outcomes, Units: names}, nil
}

// WriteLedger writes a campaign's ledger (整改台账) as xlsx.
func (s *Service) WriteLedger(ctx context.Context, u domain.User, campaignID int64, w io.Writer) error {
	if err := canReadCampaign(u); err != nil {
		return err
	}
	sum, err := s.store.Campaign(ctx, campaignID)
	if err != nil {
		return err
	}
	problems, err := s.store.CampaignProblems(ctx, campaignID)
	if err != nil {
		return err
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(units))
	for _, un := range units {
		names[un.ID] = un.Name
	}
	evidence, err := s.store.EvidenceCounts(ctx, campaignID)
	if err != nil {
		return err
	}
	return ledger.Write(w, ledger.Input{Campaign: sum.Campaign, Problems: problems, Units: names, Now: s.Now(), Evidence: evidence})
}
