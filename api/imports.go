package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/i18n"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/service"
)

// maxUploadBytes bounds an import request: the file's own limit plus room
// for the multipart envelope.
const maxUploadBytes = importer.MaxFileSize + 64<<10

// importFile imports a ledger (.xlsx, .csv) or a report text (.txt, .md,
// .docx, .html, .htm) into a campaign: POST /campaigns/:id/import as multipart/form-data
// with the file in field "file", or as the raw body with ?filename=. Query:
// dry_run=true writes nothing and answers what was found; create_units=true
// creates units the ledger names that do not exist.
func (s *Server) importFile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	opts := service.ImportOptions{DryRun: queryBool(c, "dry_run"), CreateUnits: queryBool(c, "create_units")}
	u := currentUser(c)
	// Refuse before reading a byte of the upload.
	if err := domain.RequireRole(u, "import problems", domain.RoleAdmin, domain.RoleLeader); err != nil {
		s.renderError(c, err)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUploadBytes)
	plan, err := s.readUpload(c)
	if err != nil {
		s.renderImportError(c, err)
		return
	}
	res, err := s.svc.Import(c.Request.Context(), u, id, plan, opts)
	if err != nil {
		s.renderImportError(c, err)
		return
	}
	status := http.StatusOK
	if len(res.Created) > 0 {
		status = http.StatusCreated
	}
	c.JSON(status, res)
}

// readUpload streams the file part (or the raw body) into the importer,
// which stops reading past its size limit.
func (s *Server) readUpload(c *gin.Context) (*importer.Plan, error) {
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType != "multipart/form-data" {
		name := c.Query("filename")
		if name == "" {
			return nil, domain.Errorf(domain.EInvalid, "send the file as multipart/form-data in field \"file\", or as the body with ?filename=NAME.xlsx").WithKey("import_file_missing").WithField("file")
		}
		return s.svc.ReadImport(c.Request.Context(), name, c.Request.Body)
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "the multipart body cannot be read").WithKey("multipart_malformed")
	}
	for {
		part, err := mr.NextPart()
		var tooLarge *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return nil, domain.Errorf(domain.EInvalid, "the form has no field \"file\"").WithKey("import_file_missing").WithField("file")
		case errors.As(err, &tooLarge):
			return nil, importer.TooLarge()
		case err != nil:
			return nil, domain.Errorf(domain.EInvalid, "the multipart body is malformed").WithKey("multipart_malformed")
		}
		if part.FormName() != "file" {
			_ = part.Close()
			continue
		}
		defer part.Close()
		return s.svc.ReadImport(c.Request.Context(), part.FileName(), part)
	}
}

type importErrorBody struct {
	Error errorDetail `json:"error"`
	Rows  []rowError  `json:"rows,omitempty"`
}

// rowError is a refused row with its reason in the request's language.
type rowError struct {
	importer.RowError
	Message string `json:"message"`
}

// renderImportError adds the rejected rows to the error body, and answers
// 413 for a file over the limit and 415 for a file of a type not taken.
func (s *Server) renderImportError(c *gin.Context, err error) {
	var rejected *importer.Rejected
	switch {
	case errors.As(err, &rejected):
		c.AbortWithStatusJSON(http.StatusBadRequest, importErrorBody{
			Error: s.errorDetail(c, err), Rows: s.rowErrors(c, rejected.Rows),
		})
	case errors.Is(err, importer.ErrUnsupported):
		c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, errorBody{
			Error: s.errorDetail(c, err),
		})
	case errors.Is(err, importer.ErrTooLarge):
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, errorBody{
			Error: s.errorDetail(c, err),
		})
	default:
		s.renderError(c, err)
	}
}

func queryBool(c *gin.Context, name string) bool {
	switch strings.ToLower(c.Query(name)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// rowErrors renders each row's reason in the language of the request; a
// reason without a key keeps its English text.
func (s *Server) rowErrors(c *gin.Context, rows []importer.RowError) []rowError {
	lang := i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
	out := make([]rowError, len(rows))
	for i, r := range rows {
		out[i] = rowError{RowError: r, Message: r.Reason}
		if msg, ok := s.cat.Error(lang, r.Key, r.Params); ok && r.Key != "" {
			out[i].Message = msg
		}
	}
	return out
}
