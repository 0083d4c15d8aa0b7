package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
)

// flagsView is the discipline group's 风险线索 page: one campaign's red
// flags, newest first, filtered by kind, each with a dismissal form for the
// discipline group and supervisors.
type flagsView struct {
	Campaigns  []domain.Campaign
	CampaignID int64
	Kinds      []domain.FlagKind
	Kind       domain.FlagKind
	Open       bool
	Items      []domain.Flag
	Total      int64
	CanDismiss bool
	Back       string
}

func (h *Handler) flagsPage(c *gin.Context) { h.showFlags(c, http.StatusOK, nil) }

// showFlags renders the page; after a refused dismissal, with the form's
// message and input.
func (h *Handler) showFlags(c *gin.Context, status int, f *forms) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "see red flags", domain.RoleDiscipline, domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin); err != nil {
		h.renderError(c, err)
		return
	}
	v := flagsView{Kinds: domain.FlagKinds(), Kind: domain.FlagKind(c.Query("kind")), Open: c.Query("open") == "1",
		CanDismiss: u.Role == domain.RoleDiscipline || u.Role == domain.RoleSupervisor, Back: c.Request.URL.RequestURI()}
	if c.Request.Method == http.MethodPost {
		v.Back = localPath(c.PostForm("back"), "/flags")
	}
	var err error
	if v.Campaigns, err = h.svc.Campaigns(ctx); err != nil {
		h.renderError(c, err)
		return
	}
	if v.CampaignID, err = formID(c.Query("campaign_id")); err != nil {
		h.renderError(c, err)
		return
	}
	if v.CampaignID == 0 && len(v.Campaigns) > 0 {
		v.CampaignID = v.Campaigns[0].ID
	}
	if v.CampaignID != 0 {
		v.Items, v.Total, err = h.svc.CampaignFlags(ctx, u, v.CampaignID, service.FlagQuery{Kind: v.Kind, Open: v.Open, Limit: 500})
		if err != nil {
			h.renderError(c, err)
			return
		}
	}
	h.render(c, status, "flags", &page{Title: h.langOf(c).T("flags.title"), Forms: f, Data: v})
}

// Flag is a red flag's explanation in the page's language.
func (l *lang) Flag(f domain.Flag) string {
	if msg, ok := l.cat.Render(l.Code, f.Kind.MessageKey(), f.Params); ok {
		return msg
	}
	return string(f.Kind)
}

// FlagDismissal says who dismissed a flag and why.
func (l *lang) FlagDismissal(f domain.Flag) string {
	msg, _ := l.cat.Render(l.Code, "flags.dismissed_by", map[string]any{"name": f.DismissedByName, "reason": f.DismissedReason})
	return msg
}
