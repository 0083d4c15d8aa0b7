package web

import (
	"context"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// problemsIn returns every problem in stage that u may see, in the given
// order, page by page (queues are short; lists page instead).
func (h *Handler) problemsIn(ctx context.Context, u domain.User, stage domain.Stage, oldestFirst bool) ([]domain.Problem, error) {
	const pageSize = 500
	var out []domain.Problem
	for {
		q := store.ProblemQuery{OldestFirst: oldestFirst, ProblemFilter: domain.ProblemFilter{Stage: stage, Offset: len(out), Limit: pageSize}}
		ps, total, err := h.svc.SearchProblems(ctx, u, q)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if len(ps) == 0 || int64(len(out)) >= total {
			return out, nil
		}
	}
}

// queueItem is a problem (and maybe one measure) in a queue, with the
// forms its user gets.
type queueItem struct {
	P   domain.Problem
	M   domain.Measure
	Can can
	// Ready says every measure is done, so closure may be requested.
	Ready bool
}
