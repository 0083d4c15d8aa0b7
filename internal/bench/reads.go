package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/config"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// ReadOptions configure the read-side run.
type ReadOptions struct {
	Config config.Config
	// Problems is how many open problems are seeded (4 measures each).
	Problems int
	// Iterations is how many times each query runs on each path.
	Iterations int
	// Target is the p95 the table checks each query against.
	Target time.Duration
	Out    io.Writer
}

// DefaultReadTarget is the p95 a list or the dashboard should stay under.
const DefaultReadTarget = 50 * time.Millisecond

// readCase is one query measured three ways: through HTTP (routing, auth,
// service, store, JSON), through the store call the handler makes, and as
// the bare SQL that fetches the same rows (the floor under both).
type readCase struct {
	name  string
	path  string // HTTP path and query, under /api/v1
	store func(ctx context.Context) (int64, error)
	bare  string
	args  func() []any
	// page says the bare query fetches the page the store returns, so its
	// row count must be min(total, 50): the check that the baseline reads
	// the same rows.
	page bool
}

// RunReads seeds Problems open problems straight into the store (through
// seedProblems: their workflows are not what is measured here), then runs
// the problem list (first page with its total, and a filtered one) and the
// dashboard stats Iterations times on each path, interleaved, and prints
// p50/p95 beside the bare SELECT's.
func RunReads(ctx context.Context, opts ReadOptions) error {
	if opts.Target <= 0 {
		opts.Target = DefaultReadTarget
	}
	a, err := startApp(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	b := &bench{svc: a, base: "http://" + a.Addr() + "/api/v1", out: opts.Out}
	if err := b.prepare(ctx, 0); err != nil {
		return err
	}
	units, err := b.ensureUnits(ctx, 20)
	if err != nil {
		return err
	}
	unitIDs := make([]int64, len(units))
	for i, u := range units {
		unitIDs[i] = u.ID
	}
	st := a.Store()
	now := time.Now()
	seedStart := time.Now()
	err = seedProblems(ctx, st, seedSpec{
		CampaignID: b.campaign, Problems: opts.Problems, FirstNumber: 1, MeasuresPerProblem: measuresPerProblem,
		UnitIDs: unitIDs, Actor: b.leader.Actor(), Now: now,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Out, "seeded %d problems, %d measures in %s\n", opts.Problems, opts.Problems*measuresPerProblem, secs(time.Since(seedStart)))
	db, err := openBare(opts.Config)
	if err != nil {
		return err
	}
	defer db.Close()
	if st.IsPostgres() {
		// Fresh bulk-loaded tables have neither planner statistics nor a
		// visibility map (index-only scans) until autovacuum comes by, which
		// it does on a running system.
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return err
		}
	}
	hc := &http.Client{Timeout: time.Minute}
	token, err := b.login(ctx, hc, "admin")
	if err != nil {
		return err
	}
	unit := unitIDs[3]
	cases := []readCase{
		{
			name: "list: page 1 + total", path: fmt.Sprintf("/problems?campaign_id=%d", b.campaign),
			store: func(ctx context.Context) (int64, error) {
				_, total, err := st.SearchProblems(ctx, store.ProblemQuery{ProblemFilter: domain.ProblemFilter{CampaignID: b.campaign, Now: time.Now()}})
				return total, err
			},
			bare: "SELECT * FROM problems WHERE campaign_id = ? ORDER BY campaign_id, number LIMIT 50",
			args: func() []any { return []any{b.campaign} }, page: true,
		},
		{
			name: "list: execute, red, one unit", path: fmt.Sprintf("/problems?campaign_id=%d&stage=execute&light=red&unit_id=%d", b.campaign, unit),
			store: func(ctx context.Context) (int64, error) {
				_, total, err := st.SearchProblems(ctx, store.ProblemQuery{ProblemFilter: domain.ProblemFilter{
					CampaignID: b.campaign, Stage: domain.StageExecute, Light: domain.LightRed, UnitID: unit, Now: time.Now()}})
				return total, err
			},
			bare: "SELECT * FROM problems WHERE campaign_id = ? AND stage = ? AND red_at <= ? " +
				"AND id IN (SELECT problem_id FROM problem_units WHERE unit_id = ?) ORDER BY campaign_id, number LIMIT 50",
			args: func() []any { return []any{b.campaign, string(domain.StageExecute), time.Now().UTC(), unit} }, page: true,
		},
		{
			name: "dashboard stats", path: fmt.Sprintf("/campaigns/%d/stats", b.campaign),
			store: func(ctx context.Context) (int64, error) {
				s, err := st.CampaignStats(ctx, b.campaign, time.Now())
				return int64(s.Problems), err
			},
			bare: "SELECT stage, count(*) FROM problems WHERE campaign_id = ? GROUP BY stage",
			args: func() []any { return []any{b.campaign} },
		},
	}
	storeName := StoreSQLite
	if st.IsPostgres() {
		storeName = StorePostgres
	}
	fmt.Fprintf(opts.Out, "\nread side on %s: %d open problems, %d measures; %d iterations per path, interleaved (HTTP, store, bare)\n",
		storeName, opts.Problems, opts.Problems*measuresPerProblem, opts.Iterations)
	fmt.Fprintf(opts.Out, "%-30s | %7s | %9s %9s | %9s %9s | %9s %9s | %9s | %s\n",
		"query", "rows", "http p50", "http p95", "store p50", "store p95", "bare p50", "bare p95", "http/bare", "p95 ≤ "+ms(opts.Target))
	for _, c := range cases {
		bare := rebind(c.bare, st.IsPostgres())
		var web, direct, raw []time.Duration
		var rows int64
		for i := -warmupIterations; i < opts.Iterations; i++ {
			t0 := time.Now()
			if _, err := b.getJSON(ctx, hc, token, c.path); err != nil {
				return fmt.Errorf("%s over HTTP: %w", c.name, err)
			}
			t1 := time.Now()
			n, err := c.store(ctx)
			if err != nil {
				return fmt.Errorf("%s in the store: %w", c.name, err)
			}
			t2 := time.Now()
			got, err := bareQuery(ctx, db, bare, c.args()...)
			if err != nil {
				return fmt.Errorf("%s as bare SQL: %w", c.name, err)
			}
			t3 := time.Now()
			if c.page && int64(got) != min(n, 50) {
				return fmt.Errorf("%s: the bare query read %d rows, the store's page has %d", c.name, got, min(n, 50))
			}
			if i >= 0 {
				web, direct, raw = append(web, t1.Sub(t0)), append(direct, t2.Sub(t1)), append(raw, t3.Sub(t2))
			}
			rows = n
		}
		verdict := "met"
		if percentile(web, 95) > opts.Target {
			verdict = "MISSED"
		}
		fmt.Fprintf(opts.Out, "%-30s | %7d | %9s %9s | %9s %9s | %9s %9s | %8.1f× | %s\n", c.name, rows,
			ms(percentile(web, 50)), ms(percentile(web, 95)), ms(percentile(direct, 50)), ms(percentile(direct, 95)),
			ms(percentile(raw, 50)), ms(percentile(raw, 95)), float64(percentile(web, 95))/float64(percentile(raw, 95)), verdict)
	}
	fmt.Fprintln(opts.Out, "rows: the total the list reports, or the problems the stats count")
	return nil
}

// warmupIterations run before the measured ones: the first queries fill
// connection pools and caches.
const warmupIterations = 5

// getJSON GETs path under the API with the bearer token and checks 200.
func (b *bench) getJSON(ctx context.Context, hc *http.Client, token, path string) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, data)
	}
	return data, nil
}

// bareQuery runs query and reads every column of every row, as the store
// would, without mapping them to anything; it returns the row count.
func bareQuery(ctx context.Context, db *sql.DB, query string, args ...any) (int, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, ….
func rebind(query string, postgres bool) string {
	if !postgres {
		return query
	}
	var sb strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// openBare opens the read model's database beside the store, for the
// bare-SQL baseline: the same database through database/sql, pooled as the
// store pools its reads.
func openBare(cfg config.Config) (*sql.DB, error) {
	if cfg.DatabaseURL != "" {
		db, err := sql.Open("pgx", cfg.DatabaseURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		return db, nil
	}
	db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	return db, nil
}
