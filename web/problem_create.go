package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// problemNewPage is the form for a new problem in a campaign (admin, leader).
func (h *Handler) problemNewPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.showProblemNew(c, id, http.StatusOK, nil)
}

func (h *Handler) showProblemNew(c *gin.Context, campaignID int64, status int, f *forms) {
	if err := domain.RequireRole(currentUser(c), "create problems", domain.RoleAdmin, domain.RoleLeader); err != nil {
		h.renderError(c, err)
		return
	}
	sum, err := h.svc.Campaign(c.Request.Context(), campaignID)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "problem_new", &page{Title: h.langOf(c).T("pnew.title"), Forms: f, Data: sum})
}

// problemCreate records the problem and starts its workflow, as POST
// /api/v1/campaigns/:id/problems does, then opens it.
func (h *Handler) problemCreate(c *gin.Context) {
	campaignID, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	in := domain.NewProblem{CampaignID: campaignID, Title: c.PostForm("title"), Section: c.PostForm("section"), Description: c.PostForm("description")}
	if v := strings.TrimSpace(c.PostForm("number")); v != "" {
		if in.Number, err = strconv.Atoi(v); err != nil {
			err = domain.Errorf(domain.EInvalid, "number must be a whole number").WithKey("number_invalid").WithField("number")
		}
	}
	var p domain.Problem
	if err == nil {
		p, err = h.svc.CreateProblem(c.Request.Context(), currentUser(c), in)
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showProblemNew(c, campaignID, httpx.StatusOf(domain.ErrorCode(err)), f) }, "problem")
		return
	}
	c.Redirect(http.StatusSeeOther, "/problems/"+itoa(p.ID))
}
