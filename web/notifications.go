package web

import (
	"log/slog"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// inboxSize is how many notifications the inbox page shows (unread first).
const inboxSize = 200

type inboxView struct {
	Items  []domain.Notification
	Unread int64
	// Kinds are the kinds the inbox holds, for its filter; Kind the one
	// shown ("" for all).
	Kinds []domain.NoticeKind
	Kind  domain.NoticeKind
}

// notifications is the inbox (通知): the user's own notifications, unread
// first, each with a link to its problem and a mark-read form; ?kind=
// shows one kind.
func (h *Handler) notifications(c *gin.Context) {
	items, unread, err := h.svc.Notifications(c.Request.Context(), currentUser(c), inboxSize)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v := inboxView{Unread: unread, Kind: domain.NoticeKind(c.Query("kind"))}
	for _, n := range items {
		if !slices.Contains(v.Kinds, n.Kind) {
			v.Kinds = append(v.Kinds, n.Kind)
		}
		if v.Kind == "" || n.Kind == v.Kind {
			v.Items = append(v.Items, n)
		}
	}
	slices.Sort(v.Kinds)
	h.render(c, http.StatusOK, "notifications", &page{Title: h.langOf(c).T("inbox.title"), Data: v})
}

// unreadCount is the nav badge: one count query per page (the service
// answers the count with the first row). A failure only hides the badge.
func (h *Handler) unreadCount(c *gin.Context, u domain.User) int64 {
	if u.ID == 0 {
		return 0
	}
	_, unread, err := h.svc.Notifications(c.Request.Context(), u, 1)
	if err != nil {
		h.logger.WarnContext(c.Request.Context(), "web: unread count", slog.Any("error", err))
		return 0
	}
	return unread
}
