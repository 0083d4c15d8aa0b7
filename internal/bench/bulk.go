package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/workflows"
)

// BulkOptions configure the bulk-start run.
type BulkOptions struct {
	Config config.Config
	// Problems is how many problems each side starts.
	Problems int
	Out      io.Writer
}

// importParallelism is how many problems Service.Import finishes at once
// (its own semaphore); the raw baseline starts workflows as many at a time.
const importParallelism = 4

// measuresPerProblem is how many measures a generated ledger gives each
// problem, as many as the read-side seed.
const measuresPerProblem = 4

// rawProblemIDBase keeps the raw baseline's workflow IDs clear of any
// problem the store numbers.
const rawProblemIDBase = int64(1) << 40

// RunBulk compares importing a generated ledger through the import service
// (validate, one transaction, then start each workflow and submit its plan)
// with starting as many ProblemWorkflows directly, with the same inputs and
// no store: what the import adds to the bare starts. Each side runs in two
// halves, in the order raw, import, import, raw, so that a server slowing
// as its history grows weighs on both alike.
func RunBulk(ctx context.Context, opts BulkOptions) error {
	a, err := startApp(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	b := &bench{svc: a, out: opts.Out}
	if err := b.prepare(ctx, 0); err != nil {
		return err
	}
	units, err := b.ensureUnits(ctx, 8)
	if err != nil {
		return err
	}
	half := opts.Problems / 2
	halves := []int{half, opts.Problems - half}
	var rawTime, importTime time.Duration
	var rawN, importN int
	next := 1 // the next problem number in the campaign
	for i, kind := range []string{"raw", "import", "import", "raw"} {
		n := halves[i/2]
		if n == 0 {
			continue
		}
		start := time.Now()
		switch kind {
		case "raw":
			err = b.rawStarts(ctx, next, n)
		case "import":
			err = b.importLedger(ctx, units, next, n)
		}
		if err != nil {
			return fmt.Errorf("bulk %s: %w", kind, err)
		}
		d := time.Since(start)
		next += n
		if kind == "raw" {
			rawTime, rawN = rawTime+d, rawN+n
		} else {
			importTime, importN = importTime+d, importN+n
		}
	}
	rate := func(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
	fmt.Fprintf(opts.Out, "\nbulk start: %d problems each side (ledger with %d measures per problem), %d at a time, halves in order raw, import, import, raw\n",
		opts.Problems, measuresPerProblem, importParallelism)
	fmt.Fprintf(opts.Out, "%-44s | %8s | %10s | %10s\n", "path", "problems", "wall", "problems/s")
	fmt.Fprintf(opts.Out, "%-44s | %8d | %10s | %10.1f\n", "raw ExecuteWorkflow (baseline, no store)", rawN, secs(rawTime), rate(rawN, rawTime))
	fmt.Fprintf(opts.Out, "%-44s | %8d | %10s | %10.1f\n", "import service (store + start + submit plan)", importN, secs(importTime), rate(importN, importTime))
	fmt.Fprintf(opts.Out, "import / raw wall time: %.2f×\n", (importTime.Seconds()/float64(importN))/(rawTime.Seconds()/float64(rawN)))
	return nil
}

// rawStarts starts n ProblemWorkflows with the input an imported problem
// would get, importParallelism at a time, bypassing the store.
func (b *bench) rawStarts(ctx context.Context, firstNumber, n int) error {
	tc := b.svc.Service().Temporal
	policy := domain.Policy{}.WithDefaults()
	return parallel(n, importParallelism, func(i int) error {
		number := firstNumber + i
		p := domain.Problem{
			ID: rawProblemIDBase + int64(number), CampaignID: b.campaign, Number: number, Title: ledgerTitle(number),
			Stage: domain.StagePlan, Version: 1, Policy: policy, Measures: []domain.Measure{}, UpdatedAt: time.Now(),
		}
		_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: workflows.ProblemWorkflowID(p.ID), TaskQueue: workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.ProblemWorkflowName, workflows.ProblemInput{Problem: p})
		return err
	})
}

// importLedger imports a generated ledger of n problems numbered from
// firstNumber into the bench campaign, as the bench leader, through the
// service path POST /campaigns/:id/import and `rectify import` share.
func (b *bench) importLedger(ctx context.Context, units []domain.Unit, firstNumber, n int) error {
	svc := b.svc.Service()
	file := ledgerCSV(units, firstNumber, n, domain.DateOf(svc.Now()))
	plan, err := svc.ReadImport(ctx, "bench.csv", bytes.NewReader(file))
	if err != nil {
		return err
	}
	res, err := svc.Import(ctx, b.leader, b.campaign, plan, service.ImportOptions{})
	if err != nil {
		return err
	}
	if len(res.Created) != n || res.PlansSubmitted != n {
		return fmt.Errorf("import created %d problems and submitted %d plans, want %d", len(res.Created), res.PlansSubmitted, n)
	}
	return nil
}

func ledgerTitle(number int) string {
	return fmt.Sprintf("基准导入问题%d:制度执行不到位", number)
}

// ledgerCSV writes a ledger (the import template's columns) of n problems
// numbered from firstNumber, each with measuresPerProblem measures over
// units, deadlines 30 to 200 days after today.
func ledgerCSV(units []domain.Unit, firstNumber, n int, today domain.Date) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"问题编号", "所属方面", "问题", "问题描述", "整改措施", "类型", "牵头单位", "配合单位", "责任领导", "整改时限"})
	kinds := []string{"限期整改", "立行立改", "限期整改", "长期坚持"}
	for i := range n {
		number := firstNumber + i
		for m := range measuresPerProblem {
			kind := kinds[m%len(kinds)]
			deadline := ""
			if kind != "长期坚持" {
				deadline = string(today.AddDays(30 + (number*7+m*13)%170))
			}
			_ = w.Write([]string{
				strconv.Itoa(number), fmt.Sprintf("方面%d", number%6+1), ledgerTitle(number), "对照反馈意见逐项整改",
				fmt.Sprintf("措施%d:完善制度并督促落实", m+1), kind,
				units[(number+m)%len(units)].Name, units[(number+m+1)%len(units)].Name, "分管领导", deadline,
			})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// ensureUnits returns n bench units, created when missing.
func (b *bench) ensureUnits(ctx context.Context, n int) ([]domain.Unit, error) {
	st := b.svc.Store()
	out := make([]domain.Unit, 0, n)
	for i := range n {
		name := fmt.Sprintf("基准单位%d", i+1)
		u, err := st.UnitByName(ctx, name)
		if domain.IsCode(err, domain.ENotFound) {
			u, err = st.CreateUnit(ctx, name)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// parallel runs fn(0…n-1), at most width at a time, and returns the first
// error.
func parallel(n, width int, fn func(i int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	sem := make(chan struct{}, width)
	for i := range n {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
