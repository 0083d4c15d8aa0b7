package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

var flagBenchProblems = flag.Int("flag-bench-problems", 10000, "problems seeded by BenchmarkFlags (4 files and 2 progress reports each)")

// BenchmarkFlags measures the red flags at volume on PostgreSQL (skipped
// without it): a campaign of -flag-bench-problems problems with 4 files and
// 2 progress reports each (10,000 problems: 40,000 files, 20,000 texts),
// one problem in ten reusing a file of the one before it and one in twenty
// copying a report. Sub-benchmarks: recomputing one problem's flags after
// an upload, and the campaign flag list (its p50 and p95 as metrics).
//
//	go test -run '^$' -bench BenchmarkFlags -benchtime 200x ./internal/store
func BenchmarkFlags(b *testing.B) {
	s := storetest.Postgres(b)
	ctx := context.Background()
	n := *flagBenchProblems
	camp, err := s.CreateCampaign(ctx, domain.Campaign{Title: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	flagged := seedFlagBench(b, s, camp.ID, n)
	seeded := time.Since(started)
	started = time.Now()
	for _, id := range flagged {
		if _, err := s.RecomputeFlags(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d problems in %s; computed the flags of %d of them in %s", n, seeded.Round(time.Millisecond), len(flagged), time.Since(started).Round(time.Millisecond))
	_, total, err := s.CampaignFlags(ctx, store.FlagFilter{CampaignID: camp.ID, Limit: 1})
	if err != nil || total == 0 {
		b.Fatalf("no flags after seeding: %v", err)
	}
	b.Logf("%d flags in the campaign", total)
	rng := rand.New(rand.NewPCG(1, 2))

	b.Run("RecomputeAfterUpload", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			pid := firstProblemID(b, s, camp.ID) + int64(rng.IntN(n))
			sha := hexSHA(fmt.Sprintf("upload-%d", i))
			if i%2 == 0 {
				sha = hexSHA(fmt.Sprintf("p%de1", rng.IntN(n)+1)) // a file already given elsewhere
			}
			if _, err := s.CreateEvidence(ctx, domain.Evidence{ProblemID: pid, MeasureID: 1, Title: "bench", SHA256: sha, UploadedBy: 1, UploaderName: "u", UnitID: 1}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.RecomputeFlags(ctx, pid); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, kind := range []domain.FlagKind{"", domain.FlagEvidenceReused} {
		name := "CampaignList"
		if kind != "" {
			name += "/" + string(kind)
		}
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, _, err := s.CampaignFlags(ctx, store.FlagFilter{CampaignID: camp.ID, Kind: kind, Limit: 100}); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

func firstProblemID(b *testing.B, s *store.Store, campaignID int64) int64 {
	b.Helper()
	ps, _, err := s.ListProblems(context.Background(), domain.ProblemFilter{CampaignID: campaignID, Limit: 1})
	if err != nil || len(ps) == 0 {
		b.Fatalf("no problems: %v", err)
	}
	return ps[0].ID
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// seedFlagBench bulk-inserts the campaign's records with generate_series
// and multi-row inserts, and returns the problems whose records show a
// flag (a reused file or a copied report).
func seedFlagBench(b *testing.B, s *store.Store, campaignID int64, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		b.Helper()
		if err := s.ExecSQL(ctx, sql, args...); err != nil {
			b.Fatalf("%.120s: %v", sql, err)
		}
	}
	exec(`INSERT INTO problems (campaign_id, number, title, stage, lead_unit_id, version, measure_count, created_at, updated_at)
		SELECT ?, g, '问题' || g, 'execute', 1 + g % 20, 5, 2, now(), now() FROM generate_series(1, ?) g`, campaignID, n)
	exec(`INSERT INTO measures (problem_id, measure_id, title, kind, lead_unit_id, deadline, acknowledged, acknowledged_at)
		SELECT p.id, m, '措施' || m, 'deadline', p.lead_unit_id, '2027-06-30', true, now() - interval '90 days'
		FROM problems p CROSS JOIN generate_series(1, 2) m WHERE p.campaign_id = ?`, campaignID)
	// Four files per problem; the first file of every tenth problem is the
	// first file of the problem before it.
	exec(`INSERT INTO evidence (problem_id, measure_id, title, sha256, original_name, size, content_type, uploaded_by, uploader_name, unit_id, created_at)
		SELECT p.id, 1 + (k - 1) / 2, '材料' || k,
			encode(sha256(convert_to('p' || (CASE WHEN k = 1 AND p.number % 10 = 0 THEN p.number - 1 ELSE p.number END) || 'e' || k, 'UTF8')), 'hex'),
			'f.pdf', 1000, 'application/pdf', 1, 'u', p.lead_unit_id, now() - (k || ' days')::interval
		FROM problems p CROSS JOIN generate_series(1, 4) k WHERE p.campaign_id = ? ORDER BY p.id, k`, campaignID)
	exec(`INSERT INTO events (problem_id, seq, request_id, action, actor_id, actor_name, actor_role, from_stage, to_stage, at)
		SELECT p.id, e, 'seed-' || p.id || '-' || e, (ARRAY['submit_plan','approve_plan','acknowledge','report_progress','report_progress'])[e],
			1, 'seed', 'leader', 'plan', 'execute', now() - ((100 - e) || ' days')::interval
		FROM problems p CROSS JOIN generate_series(1, 5) e WHERE p.campaign_id = ?`, campaignID)
	var first int64
	var flagged []int64
	firstID := func() int64 {
		if first == 0 {
			first = firstProblemID(b, s, campaignID)
		}
		return first
	}
	rng := rand.New(rand.NewPCG(7, 11))
	randomText := func() string {
		r := make([]rune, 60)
		for i := range r {
			r[i] = rune(0x4E00 + rng.IntN(3000))
		}
		return string(r)
	}
	// Two reports per problem (seq 4 and 5); one problem in twenty copies
	// the report of the problem before it, with one character changed.
	var progress, texts, bands []string
	textID := 0
	var last string
	for i := range n {
		pid := firstID() + int64(i)
		if (i+1)%10 == 0 {
			flagged = append(flagged, pid)
		}
		for seq := 4; seq <= 5; seq++ {
			text := randomText()
			if seq == 4 && (i+1)%20 == 5 && last != "" {
				r := []rune(last)
				r[30] = '改'
				text = string(r)
				flagged = append(flagged, pid)
			}
			if seq == 4 {
				last = text
			}
			progress = append(progress, fmt.Sprintf("(%d, %d, 1, 1, 'u', 1, '%s', %d, now() - interval '%d days')", pid, seq, text, 20*(seq-3), 100-seq))
			textID++
			texts = append(texts, fmt.Sprintf("(%d, %d, 'progress:%d', '%s')", textID, pid, seq, text))
			for _, band := range domain.TextBands(domain.Shingles(text)) {
				bands = append(bands, fmt.Sprintf("(%d, %d)", band, textID))
			}
		}
	}
	insertRows := func(head string, rows []string) {
		for len(rows) > 0 {
			k := min(len(rows), 2000)
			exec(head + strings.Join(rows[:k], ","))
			rows = rows[k:]
		}
	}
	insertRows(`INSERT INTO progress_entries (problem_id, seq, measure_id, user_id, username, unit_id, text, percent, created_at) VALUES `, progress)
	insertRows(`INSERT INTO flag_texts (id, problem_id, source, text) VALUES `, texts)
	insertRows(`INSERT INTO flag_text_bands (band, text_id) VALUES `, bands)
	exec(`SELECT setval('flag_texts_id_seq', ?)`, textID)
	exec(`ANALYZE`)
	return flagged
}
