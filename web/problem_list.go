package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// listPageSize is how many problems a list page shows.
const listPageSize = 50

type problemListView struct {
	Campaigns  []domain.Campaign
	Units      []domain.Unit
	Selected   int64
	Stage      domain.Stage
	Light      domain.Light
	UnitID     int64
	Text       string
	Problems   []domain.Problem
	Total      int64
	Page, Last int
	// PrevURL and NextURL keep the filters across pages.
	PrevURL, NextURL string
}

// problemList filters by campaign, stage, unit and text; a unit user's list
// holds only its unit's problems (the service scopes it).
func (h *Handler) problemList(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	v := problemListView{Stage: domain.Stage(c.Query("stage")), Light: domain.Light(c.Query("light")), Text: strings.TrimSpace(c.Query("q")), Page: 1}
	if v.Light != "" && !v.Light.Valid() {
		h.renderError(c, domain.Errorf(domain.EInvalid, "light must be red, yellow, green or closed").WithKey("light_invalid").WithField("light"))
		return
	}
	var err error
	if v.Campaigns, err = h.svc.Campaigns(ctx); err != nil {
		h.renderError(c, err)
		return
	}
	if v.Selected, err = h.campaignParam(c, v.Campaigns); err != nil {
		h.renderError(c, err)
		return
	}
	if v.UnitID, err = formID(c.Query("unit_id")); err != nil {
		h.renderError(c, err)
		return
	}
	if p, err := strconv.Atoi(c.Query("page")); err == nil && p > 1 {
		v.Page = p
	}
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Units = units
	q := store.ProblemQuery{Text: v.Text, ProblemFilter: domain.ProblemFilter{
		CampaignID: v.Selected, Stage: v.Stage, UnitID: v.UnitID, Light: v.Light, Offset: (v.Page - 1) * listPageSize, Limit: listPageSize,
	}}
	if v.Problems, v.Total, err = h.svc.SearchProblems(c.Request.Context(), u, q); err != nil {
		h.renderError(c, err)
		return
	}
	v.Last = max(1, int((v.Total+listPageSize-1)/listPageSize))
	query := c.Request.URL.Query()
	if v.Page > 1 {
		query.Set("page", strconv.Itoa(v.Page-1))
		v.PrevURL = "/problems?" + query.Encode()
	}
	if v.Page < v.Last {
		query.Set("page", strconv.Itoa(v.Page+1))
		v.NextURL = "/problems?" + query.Encode()
	}
	h.render(c, http.StatusOK, "problem_list", &page{Title: h.langOf(c).T("list.title"), Units: names, Data: v})
}
