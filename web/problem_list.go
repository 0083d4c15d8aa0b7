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
	// Sort and Desc are the list's order; SortURL sorts by each column.
	Sort    string
	Desc    bool
	SortURL map[string]string
	// ExportURL downloads the list as filtered, every page, as xlsx.
	ExportURL string
}

// problemList filters by campaign, stage, unit and text and sorts by a
// column; a unit user's list holds only its unit's problems (the service
// scopes it).
func (h *Handler) problemList(c *gin.Context) {
	v, q, err := h.listQuery(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Units = units
	if p, err := strconv.Atoi(c.Query("page")); err == nil && p > 1 {
		v.Page = p
	}
	q.Offset, q.Limit = (v.Page-1)*listPageSize, listPageSize
	if v.Problems, v.Total, err = h.svc.SearchProblems(c.Request.Context(), currentUser(c), q); err != nil {
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
	query = c.Request.URL.Query()
	query.Del("page")
	v.SortURL = map[string]string{}
	for _, col := range []string{store.SortNumber, store.SortDeadline, store.SortLead, store.SortUpdated} {
		query.Set("sort", col)
		// A second click on the sorted column reverses it.
		if col == v.Sort && !v.Desc {
			query.Set("dir", "desc")
		} else {
			query.Del("dir")
		}
		v.SortURL[col] = "/problems?" + query.Encode()
	}
	query = c.Request.URL.Query()
	query.Del("page")
	query.Set("campaign_id", strconv.FormatInt(v.Selected, 10))
	v.ExportURL = "/problems/export.xlsx?" + query.Encode()
	h.render(c, http.StatusOK, "problem_list", &page{Title: h.langOf(c).T("list.title"), Units: names, Data: v})
}

// listQuery reads a list's filter and order from the query string, as the
// list and its export share them.
func (h *Handler) listQuery(c *gin.Context) (problemListView, store.ProblemQuery, error) {
	v := problemListView{Stage: domain.Stage(c.Query("stage")), Light: domain.Light(c.Query("light")), Text: strings.TrimSpace(c.Query("q")),
		Sort: c.DefaultQuery("sort", store.SortNumber), Desc: c.Query("dir") == "desc", Page: 1}
	if v.Light != "" && !v.Light.Valid() {
		return v, store.ProblemQuery{}, domain.Errorf(domain.EInvalid, "light must be red, yellow, green or closed").WithKey("light_invalid").WithField("light")
	}
	var err error
	if v.Campaigns, err = h.svc.Campaigns(c.Request.Context()); err != nil {
		return v, store.ProblemQuery{}, err
	}
	if v.Selected, err = h.campaignParam(c, v.Campaigns); err != nil {
		return v, store.ProblemQuery{}, err
	}
	if v.UnitID, err = formID(c.Query("unit_id")); err != nil {
		return v, store.ProblemQuery{}, err
	}
	return v, store.ProblemQuery{Text: v.Text, Sort: v.Sort, Desc: v.Desc, ProblemFilter: domain.ProblemFilter{
		CampaignID: v.Selected, Stage: v.Stage, UnitID: v.UnitID, Light: v.Light,
	}}, nil
}
