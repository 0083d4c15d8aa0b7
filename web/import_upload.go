package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/service"
)

// maxUploadBytes bounds an import form: the file's own limit plus room for
// the multipart envelope and the other fields.
const maxUploadBytes = importer.MaxFileSize + 64<<10

// importUpload imports a ledger (.xlsx, .csv), a report (.txt, .md, .docx,
// .html, .htm) or pasted report text into the campaign, as POST /api/v1/campaigns/:id/import does:
// "preview" is a dry run that writes nothing; "import" writes it all or
// nothing. A rerun skips the problems the campaign already has, so a
// double submit imports once.
func (h *Handler) importUpload(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	u := currentUser(c)
	opts := service.ImportOptions{DryRun: c.PostForm("mode") != "import", CreateUnits: c.PostForm("create_units") != ""}
	imp := &importView{}
	err = domain.RequireRole(u, "import problems", domain.RoleAdmin, domain.RoleLeader)
	if err == nil {
		err = formRequestID(c)
	}
	if err == nil {
		err = h.readAndImport(c, u, id, opts, imp)
	}
	if err != nil {
		var rejected *importer.Rejected
		if errors.As(err, &rejected) {
			imp.Rows = rejected.Rows
		} else {
			imp = nil
		}
		status := httpx.StatusOf(domain.ErrorCode(err))
		if errors.Is(err, importer.ErrUnsupported) {
			status = http.StatusUnsupportedMediaType
		}
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, status, f, imp) }, "import")
		return
	}
	h.showReports(c, id, http.StatusOK, &forms{name: "import", values: c.Request.PostForm}, imp)
}

func (h *Handler) readAndImport(c *gin.Context, u domain.User, id int64, opts service.ImportOptions, imp *importView) error {
	ctx := c.Request.Context()
	var plan *importer.Plan
	fh, err := c.FormFile("file")
	switch {
	case err == nil && fh.Size > 0:
		imp.File = fh.Filename
		f, err := fh.Open()
		if err != nil {
			return domain.Errorf(domain.EInvalid, "the file could not be read").WithKey("file_unreadable").WithField("file")
		}
		defer f.Close()
		if plan, err = h.svc.ReadImport(ctx, fh.Filename, f); err != nil {
			return err
		}
	case strings.TrimSpace(c.PostForm("text")) != "":
		// Text pasted from a web page or a document reads as a .txt file.
		imp.File = h.langOf(c).T("imp.pasted")
		if plan, err = h.svc.ReadImport(ctx, "pasted.txt", strings.NewReader(c.PostForm("text"))); err != nil {
			return err
		}
	default:
		return domain.Errorf(domain.EInvalid, "choose a file to import, or paste the report's text").WithKey("import_input_missing").WithField("file")
	}
	imp.Result, err = h.svc.Import(ctx, u, id, plan, opts)
	return err
}

// limitBody refuses a request body over n bytes before anything reads it.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.Header("Connection", "close")
			c.String(http.StatusRequestEntityTooLarge, "the file is larger than %d MB", importer.MaxFileSize>>20)
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
