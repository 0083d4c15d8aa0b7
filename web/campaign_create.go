package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// campaignNewPage is the form for a new campaign (admin, leader).
func (h *Handler) campaignNewPage(c *gin.Context) { h.showCampaignNew(c, http.StatusOK, nil) }

func (h *Handler) showCampaignNew(c *gin.Context, status int, f *forms) {
	if err := domain.RequireRole(currentUser(c), "create campaigns", domain.RoleAdmin, domain.RoleLeader); err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "campaign_new", &page{Title: h.langOf(c).T("campaign.title"), Forms: f})
}

// campaignCreate builds the campaign as POST /api/v1/campaigns does and
// goes on to add its first problem.
func (h *Handler) campaignCreate(c *gin.Context) {
	in := domain.Campaign{Title: c.PostForm("title"), InspectedBody: c.PostForm("inspected_body"), InspectionTeam: c.PostForm("inspection_team")}
	// A new campaign's closure requests wait for the unit head unless it
	// says not to, as the API's.
	in.Policy.EndorseClosure = c.PostForm("endorse_closure") != "no"
	err := parseDates(map[string]*domain.Date{
		"inspection_start": &in.InspectionStart, "inspection_end": &in.InspectionEnd, "feedback_date": &in.FeedbackDate,
	}, c.PostForm)
	var created domain.Campaign
	if err == nil {
		created, err = h.svc.CreateCampaign(c.Request.Context(), currentUser(c), in)
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showCampaignNew(c, httpx.StatusOf(domain.ErrorCode(err)), f) }, "campaign")
		return
	}
	c.Redirect(http.StatusSeeOther, "/campaigns/"+itoa(created.ID)+"/problems/new")
}

// parseDates reads optional date fields; an empty field stays unset.
func parseDates(fields map[string]*domain.Date, get func(string) string) error {
	for _, name := range []string{"inspection_start", "inspection_end", "feedback_date"} {
		dst, ok := fields[name]
		if !ok || get(name) == "" {
			continue
		}
		d, err := domain.ParseDate(get(name))
		if err != nil {
			return domain.Errorf(domain.EInvalid, "%s: %s", name, domain.ErrorMessage(err)).WithKey("field_date_invalid", "field", name, "value", get(name)).WithField(name)
		}
		*dst = d
	}
	return nil
}
