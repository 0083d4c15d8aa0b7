package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/httpx"
)

// evidenceDownload streams a piece of evidence (a text one as a .txt) to
// anyone who may see its problem, with the API's headers: an attachment,
// never rendered on this site, its hash for checking.
func (h *Handler) evidenceDownload(c *gin.Context) {
	id, err := pathID(c, "eid")
	if err != nil {
		h.renderError(c, err)
		return
	}
	ev, f, err := h.svc.OpenEvidence(c.Request.Context(), currentUser(c), id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	httpx.ServeEvidence(c.Writer, c.Request, ev, f)
}
