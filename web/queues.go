package web

import (
	"context"
	"slices"
	"time"

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

// runningQueues returns, among the problems in assign and execute, the
// pending extension requests u may decide (oldest first) and the red and
// yellow problems u may urge (red first).
func (h *Handler) runningQueues(ctx context.Context, u domain.User, now time.Time) ([]extensionItem, []queueItem, error) {
	var exts []extensionItem
	var overdue []queueItem
	for _, stage := range []domain.Stage{domain.StageAssign, domain.StageExecute} {
		ps, err := h.problemsIn(ctx, u, stage, true)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ps {
			can := capabilities(u, p, now)
			for _, e := range p.Extensions {
				if can.DecideExtension[e.ID] {
					exts = append(exts, extensionItem{queueItem: queueItem{P: p, Can: can}, E: e})
				}
			}
			if can.Urge && (p.Light == domain.LightRed || p.Light == domain.LightYellow) {
				overdue = append(overdue, queueItem{P: p, Can: can})
			}
		}
	}
	slices.SortStableFunc(exts, func(a, b extensionItem) int { return a.E.RequestedAt.Compare(b.E.RequestedAt) })
	slices.SortStableFunc(overdue, func(a, b queueItem) int {
		return boolInt(b.P.Light == domain.LightRed) - boolInt(a.P.Light == domain.LightRed)
	})
	return exts, overdue, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
