package web

import (
	"bytes"
	"fmt"

	"github.com/gin-gonic/gin"
)

// ledgerDownload answers the campaign's ledger (整改台账) as xlsx, through
// the same service call as GET /api/v1/campaigns/:id/ledger.xlsx.
func (h *Handler) ledgerDownload(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := h.svc.WriteLedger(c.Request.Context(), currentUser(c), id, &buf); err != nil {
		h.renderError(c, err)
		return
	}
	h.download(c, id, h.langOf(c).T("rep.ledger_file"), fmt.Sprintf("ledger-%d", id), ".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes(), false)
}
