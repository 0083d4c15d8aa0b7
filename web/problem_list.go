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
		h.renderError(c, domain.Errorf(domain.EInvalid, "light must be red, yellow or green"))
		return
	}
	var err error
	if v.Campaigns, err = h.svc.Store.ListCampaigns(ctx); err != nil {
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
		CampaignID: v.Selected, Stage: v.Stage, UnitID: v.UnitID, Offset: (v.Page - 1) * listPageSize, Limit: listPageSize,
	}}
	if v.Problems, v.Total, err = h.searchWithLights(c, u, q, v.Light); err != nil {
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

// searchWithLights is SearchProblems with each problem's light, filtered by
// light if one is chosen. The text search has no light filter in SQL, so
// a light filter reads every match and pages here: a campaign has tens of
// problems, at most a few hundred.
func (h *Handler) searchWithLights(c *gin.Context, u domain.User, q store.ProblemQuery, light domain.Light) ([]domain.Problem, int64, error) {
	ctx, now := c.Request.Context(), h.svc.Now()
	if light == "" {
		ps, total, err := h.svc.SearchProblems(ctx, u, q)
		for i := range ps {
			ps[i] = ps[i].WithLights(now)
		}
		return ps, total, err
	}
	offset, limit := q.Offset, q.Limit
	var all []domain.Problem
	for scanned := 0; ; {
		q.Offset, q.Limit = scanned, 500
		ps, total, err := h.svc.SearchProblems(ctx, u, q)
		if err != nil {
			return nil, 0, err
		}
		scanned += len(ps)
		for _, p := range ps {
			if p = p.WithLights(now); p.Light == light {
				all = append(all, p)
			}
		}
		if len(ps) == 0 || int64(scanned) >= total {
			break
		}
	}
	total := int64(len(all))
	if offset >= len(all) {
		return nil, total, nil
	}
	return all[offset:min(len(all), offset+limit)], total, nil
}
