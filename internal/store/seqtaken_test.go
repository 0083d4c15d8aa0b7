package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestRecordTransitionSeqTaken: a seq already holding another transition (a
// write whose workflow task a crash lost) is ErrSeqTaken, not a silent no-op
// that would lose the decision or let the workflow go on from a state the
// store does not hold; Recorded then returns what is to adopt.
func TestRecordTransitionSeqTaken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		p := f.toExecute(t, f.problem(t, f.campaign.ID, "seq taken"), "A")
		lost := f.apply(t, p, f.progress("A", 1, "written, then the process died", nil))
		f.record(t, lost)
		next := f.apply(t, p, f.progress("A", 1, "the next decision", nil)) // the same seq
		if err := s.RecordTransition(t.Context(), next); !errors.Is(err, store.ErrSeqTaken) {
			t.Fatalf("record another request at seq %d: %v, want ErrSeqTaken", next.Event.Seq, err)
		}
		f.record(t, lost) // the same transition again is still a no-op
		later := lost     // the same request decided again after the lost task
		later.Event.At = lost.Event.At.Add(time.Second)
		later.Problem.UpdatedAt = later.Event.At
		if err := s.RecordTransition(t.Context(), later); !errors.Is(err, store.ErrSeqTaken) {
			t.Fatalf("record the same request at another time: %v, want ErrSeqTaken", err)
		}
		got, events, err := s.Recorded(t.Context(), p.ID, p.Version)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != lost.Problem.Version || len(events) != 1 || events[0].RequestID != lost.Event.RequestID {
			t.Fatalf("recorded: version %d, %d events, want version %d and the lost event", got.Version, len(events), lost.Problem.Version)
		}
		sameProblem(t, got, lost.Problem)
	})
}
