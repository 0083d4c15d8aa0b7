package store_test

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// auditFixture writes two campaigns' worth of events: campaign one has two
// problems walked to execute (8 events), campaign two one new problem. It
// returns campaign one's events in chain order (the order they were
// written, so by ID): chain[i] is at position i+1.
func auditFixture(t *testing.T, s *store.Store) (*fixture, []domain.Event) {
	t.Helper()
	f := newFixture(t, s)
	p1 := f.problem(t, f.campaign.ID, "first")
	p2 := f.problem(t, f.campaign.ID, "second")
	f.toExecute(t, p1, "A")
	f.toExecute(t, p2, "B")
	other := mustCampaign(t, s, "2026 round two")
	f.problem(t, other.ID, "elsewhere")
	var chain []domain.Event
	for _, id := range []int64{p1.ID, p2.ID} {
		evs, err := s.Events(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, evs...)
	}
	slices.SortFunc(chain, func(a, b domain.Event) int { return cmp.Compare(a.ID, b.ID) })
	return f, chain
}

func mustVerify(t *testing.T, s *store.Store) domain.AuditReport {
	t.Helper()
	rep, err := s.VerifyAudit(t.Context())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, events := auditFixture(t, s)
		ctx := t.Context()

		t.Run("OK", func(t *testing.T) {
			rep := mustVerify(t, s)
			if !rep.OK || rep.Campaigns != 2 || rep.Events != 9 || len(rep.Breaks) != 0 {
				t.Fatalf("untouched chain: %+v", rep)
			}
		})

		t.Run("RetryIsNoOp", func(t *testing.T) {
			p := f.load(t, events[0].ProblemID)
			tr := f.apply(t, p, f.progress("A", 1, "half", nil))
			f.record(t, tr)
			f.record(t, tr) // an activity retried after a lost reply
			if rep := mustVerify(t, s); !rep.OK || rep.Events != 10 {
				t.Fatalf("after a retried write: %+v", rep)
			}
		})

		// Each tampering is undone (or made on a copy of the state) before
		// the next, so each case sees exactly one break.
		cases := []struct {
			name    string
			tamper  []string
			undo    []string
			args    func() [][]any
			undoArg func() [][]any
			pos     int64
			eventID func() int64
			reason  string
		}{
			{
				name: "EditedReason", pos: 3, reason: "edited",
				tamper: []string{"UPDATE events SET reason = ? WHERE id = ?"},
				args:   func() [][]any { return [][]any{{"nobody approved this", events[2].ID}} },
				undo:   []string{"UPDATE events SET reason = ? WHERE id = ?"},
				undoArg: func() [][]any {
					return [][]any{{events[2].Reason, events[2].ID}}
				},
				eventID: func() int64 { return events[2].ID },
			},
			{
				name: "Reordered", pos: 2, reason: "link",
				tamper: []string{
					"UPDATE events SET chain_pos = -1 WHERE id = ?",
					"UPDATE events SET chain_pos = 2 WHERE id = ?",
					"UPDATE events SET chain_pos = 3 WHERE id = ?",
				},
				args: func() [][]any { return [][]any{{events[1].ID}, {events[2].ID}, {events[1].ID}} },
				undo: []string{
					"UPDATE events SET chain_pos = -1 WHERE id = ?",
					"UPDATE events SET chain_pos = 2 WHERE id = ?",
					"UPDATE events SET chain_pos = 3 WHERE id = ?",
				},
				undoArg: func() [][]any { return [][]any{{events[1].ID}, {events[1].ID}, {events[2].ID}} },
				eventID: func() int64 { return events[2].ID },
			},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				exec := func(stmts []string, args [][]any) {
					t.Helper()
					for i, q := range stmts {
						if err := s.ExecSQL(ctx, q, args[i]...); err != nil {
							t.Fatalf("%s: %v", q, err)
						}
					}
				}
				exec(tc.tamper, tc.args())
				assertBreak(t, mustVerify(t, s), f.campaign.ID, tc.pos, tc.eventID(), tc.reason)
				exec(tc.undo, tc.undoArg())
				if rep := mustVerify(t, s); !rep.OK {
					t.Fatalf("after undoing: %+v", rep)
				}
			})
		}

		// The destructive cases run last, each on what the one before left:
		// they cannot be undone by SQL without rewriting the chain.
		t.Run("InsertedRow", func(t *testing.T) {
			// A forged sign-off with a plausible position and no hash.
			last := events[len(events)-1]
			if err := s.ExecSQL(ctx, "INSERT INTO events (problem_id, seq, request_id, action, actor_id, actor_name, actor_role, actor_unit, from_stage, to_stage, measure_id, reason, payload, at, chain_pos, prev_hash, hash) "+
				"VALUES (?, 99, 'forged', 'approve_closure', 1, 'supervisor', 'supervisor', 0, 'verify', 'closed', 0, 'ok', '', ?, 0, '', '')",
				last.ProblemID, last.At); err != nil {
				t.Fatal(err)
			}
			rep := mustVerify(t, s)
			if rep.OK || len(rep.Breaks) != 1 || rep.Breaks[0].CampaignID != f.campaign.ID ||
				rep.Breaks[0].Seq != 99 || !strings.Contains(rep.Breaks[0].Reason, "not in the chain") {
				t.Fatalf("inserted row not caught: %+v", rep)
			}
			// The same forged row given the next position but no true hash.
			if err := s.ExecSQL(ctx, "UPDATE events SET chain_pos = 10, prev_hash = 'x', hash = 'y' WHERE seq = 99"); err != nil {
				t.Fatal(err)
			}
			rep = mustVerify(t, s)
			if rep.OK || rep.Breaks[0].Position != 10 || rep.Breaks[0].Seq != 99 {
				t.Fatalf("appended row not caught: %+v", rep)
			}
			if err := s.ExecSQL(ctx, "DELETE FROM events WHERE seq = 99"); err != nil {
				t.Fatal(err)
			}
			if rep := mustVerify(t, s); !rep.OK {
				t.Fatalf("after removing the forged row: %+v", rep)
			}
		})
		t.Run("DeletedRow", func(t *testing.T) {
			if err := s.ExecSQL(ctx, "DELETE FROM events WHERE id = ?", events[4].ID); err != nil {
				t.Fatal(err)
			}
			assertBreak(t, mustVerify(t, s), f.campaign.ID, 5, events[5].ID, "missing")
		})
	})
}

// TestAuditChainTail checks that deleting the newest row, which leaves no
// gap, is caught by the head.
func TestAuditChainTail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, events := auditFixture(t, s)
		last := events[len(events)-1]
		if err := s.ExecSQL(t.Context(), "DELETE FROM events WHERE id = ?", last.ID); err != nil {
			t.Fatal(err)
		}
		rep := mustVerify(t, s)
		if rep.OK || len(rep.Breaks) != 1 || rep.Breaks[0].CampaignID != f.campaign.ID || rep.Breaks[0].Position != 8 ||
			!strings.Contains(rep.Breaks[0].Reason, "deleted") {
			t.Fatalf("deleted tail not caught: %+v", rep)
		}
	})
}

// TestAuditChainLegacy checks that rows from before the chain are chained
// once when the store opens.
func TestAuditChainLegacy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rectify.db")
	open := func() *store.Store {
		s, err := store.Open(t.Context(), "", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	s := open()
	_, chain := auditFixture(t, s)
	for _, q := range []string{
		"UPDATE events SET chain_pos = 0, prev_hash = '', hash = ''",
		"DELETE FROM audit_heads",
		"DELETE FROM settings WHERE name = 'audit_chain'",
	} {
		if err := s.ExecSQL(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if rep := mustVerify(t, s); rep.OK {
		t.Fatalf("unchained rows verify: %+v", rep)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	rep := mustVerify(t, s)
	if !rep.OK || rep.Campaigns != 2 || rep.Events != int64(len(chain))+1 {
		t.Fatalf("after chaining at start-up: %+v", rep)
	}
	// Chaining happens once: a row later written without a hash stays a break.
	if err := s.ExecSQL(t.Context(), "UPDATE events SET hash = '' WHERE id = ?", chain[3].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, open()); rep.OK {
		t.Fatalf("a row stripped of its hash was chained again: %+v", rep)
	}
}

func assertBreak(t *testing.T, rep domain.AuditReport, campaignID, pos, eventID int64, reason string) {
	t.Helper()
	if rep.OK || len(rep.Breaks) != 1 {
		t.Fatalf("want one break, got %+v", rep)
	}
	b := rep.Breaks[0]
	if b.CampaignID != campaignID || b.Position != pos || b.EventID != eventID || !strings.Contains(b.Reason, reason) {
		t.Fatalf("break = %+v, want campaign %d position %d event %d (%s)", b, campaignID, pos, eventID, reason)
	}
}
