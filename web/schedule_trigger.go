package web

import (
	"fmt"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// scheduleTrigger runs the campaign's report round now, as POST
// /api/v1/campaigns/:id/schedule/trigger does. A round is not idempotent,
// so the form's request ID is remembered for a while and a double submit
// starts one round.
func (h *Handler) scheduleTrigger(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	if err = formRequestID(c); err == nil {
		key := fmt.Sprintf("u%d:trigger:%d:%s", currentUser(c).ID, id, c.PostForm("request_id"))
		if h.seen.first(key, time.Now()) {
			if err = h.svc.TriggerReportRound(c.Request.Context(), currentUser(c), id); err != nil {
				h.seen.forget(key)
			}
		}
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, httpx.StatusOf(domain.ErrorCode(err)), f, nil) }, "trigger")
		return
	}
	reportsDone(c, id, "trigger_report")
}

// seenIDs remembers request IDs of forms whose service call is not
// idempotent, for a day, in this process.
type seenIDs struct {
	mu  sync.Mutex
	ids map[string]time.Time
}

const seenFor = 24 * time.Hour

// first reports whether key is new, and remembers it.
func (s *seenIDs) first(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[string]time.Time{}
	}
	for k, at := range s.ids {
		if now.Sub(at) > seenFor {
			delete(s.ids, k)
		}
	}
	if _, ok := s.ids[key]; ok {
		return false
	}
	s.ids[key] = now
	return true
}

func (s *seenIDs) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, key)
}
