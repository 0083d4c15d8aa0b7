package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/i18n"
	"github.com/rectify/rectify/internal/service"
)

// Red flags (风险线索): read per problem or per campaign, dismissed with a
// reason by the discipline group or a supervisor.

// flagItem is one flag as the API shows it: its explanation rendered in
// the caller's language.
type flagItem struct {
	ID              int64           `json:"id"`
	Kind            domain.FlagKind `json:"kind"`
	ProblemID       int64           `json:"problem_id"`
	Message         string          `json:"message"`
	Refs            domain.FlagRefs `json:"refs"`
	CreatedAt       string          `json:"created_at"`
	Dismissed       bool            `json:"dismissed"`
	DismissedReason string          `json:"dismissed_reason,omitempty"`
	DismissedBy     string          `json:"dismissed_by,omitempty"`
	DismissedAt     string          `json:"dismissed_at,omitempty"`
}

type flagsBody struct {
	Items []flagItem `json:"items"`
	Total int64      `json:"total"`
}

func (s *Server) flagItem(lang string, f domain.Flag) flagItem {
	msg, _ := s.cat.Render(lang, f.Kind.MessageKey(), f.Params)
	it := flagItem{ID: f.ID, Kind: f.Kind, ProblemID: f.ProblemID, Message: msg, Refs: f.Refs, CreatedAt: f.CreatedAt.UTC().Format(timeFormat),
		Dismissed: f.Dismissed, DismissedReason: f.DismissedReason, DismissedBy: f.DismissedByName}
	if !f.DismissedAt.IsZero() {
		it.DismissedAt = f.DismissedAt.UTC().Format(timeFormat)
	}
	return it
}

func (s *Server) flagsBody(c *gin.Context, flags []domain.Flag, total int64) flagsBody {
	lang := i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
	body := flagsBody{Items: make([]flagItem, len(flags)), Total: total}
	for i, f := range flags {
		body.Items[i] = s.flagItem(lang, f)
	}
	return body
}

// timeFormat writes times as RFC 3339 with the precision kept.
const timeFormat = "2006-01-02T15:04:05.999999Z07:00"

func (s *Server) problemFlags(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	flags, err := s.svc.ProblemFlags(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.flagsBody(c, flags, int64(len(flags))))
}

func (s *Server) campaignFlags(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	q := service.FlagQuery{Kind: domain.FlagKind(c.Query("kind")), Open: c.Query("open") == "true"}
	if q.Offset, err = queryInt(c, "offset", 0, 1<<30); err != nil {
		s.renderError(c, err)
		return
	}
	if q.Limit, err = queryInt(c, "limit", 100, 500); err != nil {
		s.renderError(c, err)
		return
	}
	flags, total, err := s.svc.CampaignFlags(c.Request.Context(), currentUser(c), id, q)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.flagsBody(c, flags, total))
}

type dismissFlagRequest struct {
	Reason string `json:"reason"`
}

// dismissFlag sets a flag aside; an Idempotency-Key makes a retry apply
// once.
func (s *Server) dismissFlag(c *gin.Context) {
	id, err := pathID(c, "fid")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req dismissFlagRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	u := currentUser(c)
	requestID, err := requestID(c, u, domain.ActionDismissFlag, 0)
	if err != nil {
		s.renderError(c, err)
		return
	}
	f, err := s.svc.DismissFlag(c.Request.Context(), u, id, req.Reason, requestID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.flagItem(i18n.FromAcceptLanguage(c.GetHeader("Accept-Language")), f))
}
