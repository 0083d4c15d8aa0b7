package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// unitsPage lists units with a form to add one (admin).
func (h *Handler) unitsPage(c *gin.Context) { h.showUnits(c, http.StatusOK, nil) }

func (h *Handler) showUnits(c *gin.Context, status int, f *forms) {
	if err := domain.RequireRole(currentUser(c), "manage units", domain.RoleAdmin); err != nil {
		h.renderError(c, err)
		return
	}
	_, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, status, "admin_units", &page{Title: h.langOf(c).T("units.title"), Forms: f, Data: units})
}

// unitCreate adds a unit through the service, as POST /api/v1/units does.
func (h *Handler) unitCreate(c *gin.Context) {
	if _, err := h.svc.CreateUnit(c.Request.Context(), currentUser(c), c.PostForm("name")); err != nil {
		h.formFailed(c, err, func(f *forms) { h.showUnits(c, httpx.StatusOf(domain.ErrorCode(err)), f) }, "unit")
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/units")
}

// formFailed re-renders a page with form name's message and input, or
// shows an internal error as an error page.
func (h *Handler) formFailed(c *gin.Context, err error, show func(*forms), name string) {
	if domain.IsCode(err, domain.EInternal) {
		h.renderError(c, err)
		return
	}
	show(h.failed(c, name, err))
}
