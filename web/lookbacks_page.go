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
	}
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.UnitList = units
	h.render(c, status, "lookbacks", &page{Title: h.langOf(c).T("lb.title"), Forms: f, Units: names, Data: v})
}
