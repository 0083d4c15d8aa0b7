package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/service"
)

// maxUploadBytes bounds an import form: the file's own limit plus room for
// the multipart envelope and the other fields.
const maxUploadBytes = importer.MaxFileSize + 64<<10

// importUpload imports a ledger (.xlsx, .csv) or report text (.txt, .md,
// .docx) into the campaign, as POST /api/v1/campaigns/:id/import does:
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
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, httpx.StatusOf(domain.ErrorCode(err)), f, imp) }, "import")
		return
	}
	h.showReports(c, id, http.StatusOK, &forms{name: "import", values: c.Request.PostForm}, imp)
}

func (h *Handler) readAndImport(c *gin.Context, u domain.User, id int64, opts service.ImportOptions, imp *importView) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return domain.Errorf(domain.EInvalid, "choose a file to import")
	}
	imp.File = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return domain.Errorf(domain.EInvalid, "the file could not be read")
	}
	defer f.Close()
	plan, err := h.svc.ReadImport(fh.Filename, f)
	if err != nil {
		return err
	}
	imp.Result, err = h.svc.Import(c.Request.Context(), u, id, plan, opts)
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
