package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// lookbacksView is the discipline console (回头看): the look-backs with
// their progress, and for the discipline group the form to start one over
// chosen closed problems, a unit of a campaign, or a sample.
type lookbacksView struct {
	Lookbacks []domain.Lookback
	// CanStart: the user is of the discipline group.
	CanStart  bool
	Closed    []domain.Problem
	Campaigns []domain.Campaign
	UnitList  []domain.Unit
	// DefaultDue is the due date the form suggests.
	DefaultDue domain.Date
	// SampleSizes say, per campaign with closed problems, how many a
	// sample must check for a 10% and a 5% bound.
	SampleSizes []campaignSampleSize
}

// campaignSampleSize is the sample-size helper's answer for one campaign.
type campaignSampleSize struct {
	Title          string
	Closed         int
	For10, ForFive int
}

func (h *Handler) lookbacksPage(c *gin.Context) { h.showLookbacks(c, http.StatusOK, nil) }

// showLookbacks renders the console; after a refused start, with the
// form's message and input.
func (h *Handler) showLookbacks(c *gin.Context, status int, f *forms) {
	ctx, u := c.Request.Context(), currentUser(c)
	if u.Role == domain.RoleUnit {
		h.renderError(c, domain.Errorf(domain.EForbidden, "the look-back console is for the discipline group and the leaders; a unit answers on its problem's page").WithKey("lookback_console_forbidden"))
		return
	}
	v := lookbacksView{CanStart: u.Role == domain.RoleDiscipline, DefaultDue: domain.DateOf(h.svc.Now()).AddDays(30)}
	var err error
	if v.Lookbacks, err = h.svc.ListLookbacks(ctx, u); err != nil {
		h.renderError(c, err)
		return
	}
	if v.CanStart {
		if v.Closed, err = h.problemsIn(ctx, u, domain.StageClosed, false); err != nil {
			h.renderError(c, err)
			return
		}
		if v.Campaigns, err = h.svc.Campaigns(ctx); err != nil {
			h.renderError(c, err)
			return
		}
		if v.SampleSizes, err = h.sampleSizes(c, v.Campaigns, v.Closed); err != nil {
			h.renderError(c, err)
			return
		}
	}
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.UnitList = units
	h.render(c, status, "lookbacks", &page{Title: h.langOf(c).T("lb.title"), Forms: f, Units: names, Data: v})
}

// sampleSizes answers the sample-size helper for each campaign's closed
// problems.
func (h *Handler) sampleSizes(c *gin.Context, campaigns []domain.Campaign, closed []domain.Problem) ([]campaignSampleSize, error) {
	counts := map[int64]int{}
	for _, p := range closed {
		counts[p.CampaignID]++
	}
	var out []campaignSampleSize
	for _, cp := range campaigns {
		n := counts[cp.ID]
		if n == 0 {
			continue
		}
		row := campaignSampleSize{Title: cp.Title, Closed: n}
		for _, b := range []struct {
			bound float64
			into  *int
		}{{0.10, &row.For10}, {0.05, &row.ForFive}} {
			size, err := h.svc.LookbackSampleSize(c.Request.Context(), currentUser(c), 0, n, b.bound)
			if err != nil {
				return nil, err
			}
			*b.into = size.SampleSize
		}
		out = append(out, row)
	}
	return out, nil
}
