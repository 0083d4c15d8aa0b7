package web

import (
	"bytes"
	"fmt"

	"github.com/gin-gonic/gin"
)

// problemExport downloads the problem list as filtered and sorted, every
// page, as a 台账 workbook: GET /problems/export.xlsx?<the list's query>.
func (h *Handler) problemExport(c *gin.Context) {
	v, q, err := h.listQuery(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	// Built whole first, so that a refusal is an error page and not a
	// truncated file.
	var buf bytes.Buffer
	if err := h.svc.WriteProblemList(c.Request.Context(), currentUser(c), q, &buf); err != nil {
		h.renderError(c, err)
		return
	}
	h.download(c, v.Selected, h.langOf(c).T("list.export_file"), fmt.Sprintf("problems-%d", v.Selected), ".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes(), false)
}
