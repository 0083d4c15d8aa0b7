package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// reviewQueue (待审核) lists closure requests waiting for a supervisor, the
// longest waiting first, each with its evidence checklist from
// service.ClosureReviews (every measure's live evidence, the measures
// without any flagged) and approve and reject forms; then the problems
// running late, with an urge form each.
func (h *Handler) reviewQueue(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "review closure requests", domain.RoleSupervisor); err != nil {
		h.renderError(c, err)
		return
	}
	reviews, err := h.svc.ClosureReviews(ctx, u, 0)
	if err != nil {
		h.renderError(c, err)
		return
	}
	now := h.svc.Now()
	items := make([]reviewItem, len(reviews))
	for i, r := range reviews {
		it := reviewItem{queueItem: queueItem{P: r.Problem, Can: capabilities(u, r.Problem, now)}, Since: r.Since,
			Evidence: map[int64][]domain.Evidence{}, Missing: map[int64]bool{}, Justifications: r.Problem.ClosureJustifications}
		for _, e := range r.Evidence {
			it.Evidence[e.MeasureID] = append(it.Evidence[e.MeasureID], e)
		}
		for _, id := range r.Missing {
			it.Missing[id] = true
		}
		if len(it.Justifications) == 0 && len(r.Missing) > 0 {
			if it.Justifications, err = h.closureJustifications(ctx, u, r.Problem.ID); err != nil {
				h.renderError(c, err)
				return
			}
		}
		if it.Flags, err = h.svc.ProblemFlags(ctx, u, r.Problem.ID); err != nil {
			h.renderError(c, err)
			return
		}
		items[i] = it
	}
	_, overdue, err := h.runningQueues(ctx, u, now)
	if err != nil {
		h.renderError(c, err)
		return
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	var ids []int64
	for _, r := range reviews {
		for _, e := range r.Evidence {
			ids = append(ids, e.UploadedBy)
		}
	}
	people, err := h.svc.DisplayNames(ctx, ids)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "review_queue", &page{Title: h.langOf(c).T("rq.title"), Units: names, People: people, Data: reviewView{Items: items, Overdue: overdue}})
}

// reviewView is the supervisor's queue: closure requests to decide, and
// the red and yellow problems to urge (催办).
type reviewView struct {
	Items   []reviewItem
	Overdue []queueItem
}

// reviewItem is a pending closure request with its evidence by measure,
// the measures without evidence, and the unit's written justifications.
type reviewItem struct {
	queueItem
	Since          time.Time
	Evidence       map[int64][]domain.Evidence
	Missing        map[int64]bool
	Justifications map[int64]string
	// Flags are the problem's red flags (风险线索), to weigh before deciding.
	Flags []domain.Flag
}

// closureJustifications reads the written justifications of the latest
// closure request from the event log, for a problem whose record does not
// carry them.
func (h *Handler) closureJustifications(ctx context.Context, u domain.User, problemID int64) (map[int64]string, error) {
	events, err := h.svc.Events(ctx, u, problemID)
	if err != nil {
		return nil, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action != domain.ActionRequestClosure {
			continue
		}
		var payload struct {
			Justifications map[int64]string `json:"justifications"`
		}
		if len(events[i].Payload) > 0 && json.Unmarshal(events[i].Payload, &payload) != nil {
			return nil, nil // an older event without them
		}
		return payload.Justifications, nil
	}
	return nil, nil
}
