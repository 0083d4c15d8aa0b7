package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/report"
)

// reportDownload answers the campaign's report (通报) as md, html or docx,
// through the same service call as GET /api/v1/campaigns/:id/report.
func (h *Handler) reportDownload(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	format := c.DefaultQuery("format", report.FormatMarkdown)
	contentType, ext, ok := report.ContentType(format)
	if !ok {
		h.renderError(c, domain.Errorf(domain.EInvalid, "format must be md, html or docx").WithKey("report_format_invalid").WithField("format"))
		return
	}
	// Built whole first, so that a refusal is an error page and not a
	// truncated file.
	var buf bytes.Buffer
	if err := h.svc.WriteReport(c.Request.Context(), currentUser(c), id, format, &buf); err != nil {
		h.renderError(c, err)
		return
	}
	// The HTML 通报 opens in the browser, to read or print; the others download.
	h.download(c, id, h.langOf(c).T("rep.report_file"), fmt.Sprintf("report-%d", id), ext, contentType, buf.Bytes(), format == report.FormatHTML)
}

// download sends a file as an attachment named "<campaign title>-<what>"
// (RFC 5987 filename*, with an ASCII fallback for old clients).
func (h *Handler) download(c *gin.Context, campaignID int64, what, ascii, ext, contentType string, body []byte, inline bool) {
	name := what + ext
	if sum, err := h.svc.Campaign(c.Request.Context(), campaignID); err == nil {
		name = sum.Title + "-" + what + "-" + string(h.svc.Today()) + ext
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	c.Header("Content-Disposition", httpx.DispositionNamed(disposition, ascii+ext, name))
	c.Header("Cache-Control", "no-store")
	// A report opened from here runs nothing.
	c.Header("Content-Security-Policy", report.SecurityPolicy)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, contentType, body)
}
