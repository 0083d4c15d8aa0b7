package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestSharedState: what replicas share lives in the database and behaves
// the same on both.
func TestSharedState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

		t.Run("a key is first once, across concurrent uses", func(t *testing.T) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			firsts := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					first, err := s.FirstUse(ctx, "u1:trigger:1:abc", now)
					if err != nil {
						t.Error(err)
					}
					if first {
						mu.Lock()
						firsts++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if firsts != 1 {
				t.Fatalf("%d first uses, want 1", firsts)
			}
			if err := s.ForgetUse(ctx, "u1:trigger:1:abc"); err != nil {
				t.Fatal(err)
			}
			if first, err := s.FirstUse(ctx, "u1:trigger:1:abc", now); err != nil || !first {
				t.Fatalf("after forgetting: first=%v %v", first, err)
			}
			// A day later the key is swept and may be used again.
			if first, err := s.FirstUse(ctx, "u1:trigger:1:abc", now.Add(store.IdempotencyWindow+time.Minute)); err != nil || !first {
				t.Fatalf("a day later: first=%v %v", first, err)
			}
		})

		t.Run("evidence is recorded once per key, across concurrent uses", func(t *testing.T) {
			ev := domain.Evidence{ProblemID: 1, MeasureID: 1, Title: "制度文件", Note: "已印发", UploadedBy: 7, UploaderName: "fa"}
			var wg sync.WaitGroup
			var mu sync.Mutex
			created, ids := 0, map[int64]bool{}
			for range 8 {
				wg.Go(func() {
					saved, first, err := s.CreateEvidenceOnce(ctx, ev, "api:u7:evidence:1:1:up-1")
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					ids[saved.ID] = true
					if first {
						created++
					}
				})
			}
			wg.Wait()
			if created != 1 || len(ids) != 1 {
				t.Fatalf("%d created, answered ids %v; want 1 created and one id", created, ids)
			}
			rows, err := s.ListEvidence(ctx, 1)
			if err != nil || len(rows) != 1 {
				t.Fatalf("%d evidence rows (%v), want 1", len(rows), err)
			}
			if _, first, err := s.CreateEvidenceOnce(ctx, ev, "api:u7:evidence:1:1:up-2"); err != nil || !first {
				t.Fatalf("another key: first=%v %v", first, err)
			}
		})

		t.Run("a key used by another kind of request is refused for evidence", func(t *testing.T) {
			// Now, not the fixed clock: the evidence use sweeps by the store's clock.
			if _, err := s.FirstUse(ctx, "api:u7:evidence:1:1:other", time.Now()); err != nil {
				t.Fatal(err)
			}
			_, _, err := s.CreateEvidenceOnce(ctx, domain.Evidence{ProblemID: 1, MeasureID: 1, Title: "x", UploadedBy: 7, UploaderName: "fa"}, "api:u7:evidence:1:1:other")
			if domain.ErrorCode(err) != domain.EConflict {
				t.Fatalf("got %v, want a conflict", err)
			}
		})

		t.Run("one secret for every caller", func(t *testing.T) {
			a, err := s.SharedSecret(ctx, "web.csrf_key")
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.SharedSecret(ctx, "web.csrf_key")
			if err != nil || a != b || len(a) != 64 {
				t.Fatalf("secrets %q and %q (%v)", a, b, err)
			}
		})

		t.Run("failed logins lock a key", func(t *testing.T) {
			for i := range 3 {
				until, err := s.LoginFailed(ctx, "user:carol", now.Add(time.Duration(i)*time.Minute), 3, 15*time.Minute, 15*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				if locks := !until.IsZero(); locks != (i == 2) {
					t.Fatalf("failure %d locks=%v", i+1, locks)
				}
			}
			if until, locked, err := s.LoginLockedUntil(ctx, "user:carol", now.Add(5*time.Minute)); err != nil || !locked || !until.Equal(now.Add(17*time.Minute)) {
				t.Fatalf("locked=%v until %v (%v)", locked, until, err)
			}
			if _, locked, _ := s.LoginLockedUntil(ctx, "user:carol", now.Add(18*time.Minute)); locked {
				t.Fatal("still locked after the lockout")
			}
			if _, locked, _ := s.LoginLockedUntil(ctx, "user:dave", now); locked {
				t.Fatal("another key is locked")
			}
			// Failures outside the window do not add up; a success clears them.
			for i := range 2 {
				if until, _ := s.LoginFailed(ctx, "user:erin", now.Add(time.Duration(i)*20*time.Minute), 2, 15*time.Minute, time.Hour); !until.IsZero() {
					t.Fatalf("failures 20 minutes apart lock erin")
				}
			}
			if err := s.LoginSucceeded(ctx, "user:erin"); err != nil {
				t.Fatal(err)
			}
			if until, _ := s.LoginFailed(ctx, "user:erin", now.Add(25*time.Minute), 2, 15*time.Minute, time.Hour); !until.IsZero() {
				t.Fatal("a success did not clear erin's failures")
			}
		})
	})
}
