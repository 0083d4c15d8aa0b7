package web

import (
	"crypto/hmac"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/service"
)

// WithEvidenceLimit sets the largest evidence file the upload form takes,
// as the API's limit is set from the configuration.
func (h *Handler) WithEvidenceLimit(n int64) *Handler {
	if n > 0 {
		h.evidenceLimit = n
	}
	return h
}

// evidenceUpload (上传佐证材料) takes the form's fields csrf_token,
// request_id, back, title and note, then the file, and streams the file
// into the store through service.AddEvidence as the API's upload does: the
// body is never held whole, the CSRF token is checked before the file is
// read. Without a file it records text evidence. A request ID already seen
// is not stored twice. The page's script sends the same form by
// XMLHttpRequest to show progress; the answers are the same.
func (h *Handler) evidenceUpload(c *gin.Context) {
	problemID, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	measureID, err := pathID(c, "mid")
	if err != nil {
		h.renderError(c, err)
		return
	}
	name := "evidence-" + itoa(measureID)
	values := url.Values{}
	fail := func(err error) {
		if domain.IsCode(err, domain.EInternal) {
			h.renderError(c, err)
			return
		}
		f := h.refusedForm(name, values, h.langOf(c), err)
		f.problemID = problemID
		h.showRefused(c, problemID, values.Get("back"), httpx.StatusOf(domain.ErrorCode(err)), f)
	}
	if c.Request.ContentLength > h.evidenceLimit+1<<20 {
		c.Header("Connection", "close")
		fail(domain.Errorf(domain.EInvalid, "the file is larger than the limit of %d MB; nothing was stored", h.evidenceLimit>>20).WithKey("file_too_large", "max_mb", h.evidenceLimit>>20).WithField("file"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.evidenceLimit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(domain.Errorf(domain.EInvalid, "the form was not sent as a file upload; reload the page").WithKey("form_stale"))
		return
	}
	u := currentUser(c)
	in := service.EvidenceUpload{ProblemID: problemID, MeasureID: measureID}
	var file *multipart.Part
	for file == nil {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fail(httpx.UploadError(err))
			return
		}
		switch part.FormName() {
		case csrfField, "request_id", "back", "title", "note":
			v, err := io.ReadAll(io.LimitReader(part, domain.MaxTextLen*4+1))
			if err != nil {
				fail(httpx.UploadError(err))
				return
			}
			values.Set(part.FormName(), string(v))
		case "file":
			if httpx.RawFileName(part) != "" {
				file = part
			}
		default:
			fail(domain.Errorf(domain.EInvalid, "unknown form field %q", part.FormName()).WithKey("unknown_field", "field", part.FormName()))
			return
		}
	}
	// The CSRF check, as checkCSRF does for the other forms, before the
	// file is read.
	if want := h.sign("session:" + c.GetString(ctxToken)); !hmac.Equal([]byte(values.Get(csrfField)), []byte(want)) {
		h.renderError(c, domain.Errorf(domain.EForbidden, "the form has expired or did not come from this site; reload the page and try again").WithKey("form_expired"))
		return
	}
	rid := values.Get("request_id")
	if rid == "" || len(rid) > 64 {
		fail(domain.Errorf(domain.EInvalid, "the form has no valid request ID; reload the page").WithKey("form_stale"))
		return
	}
	in.Title, in.Note = values.Get("title"), values.Get("note")
	if file != nil {
		in.FileName, in.Body = httpx.RawFileName(file), file
	}
	back := localPath(values.Get("back"), "/problems/"+itoa(problemID))
	key := "u" + itoa(u.ID) + ":evidence:" + rid
	if first, err := h.svc.FirstUse(c.Request.Context(), key); err != nil {
		fail(err)
		return
	} else if !first {
		redirectDone(c, back, recordAddEvidence) // a double submit: stored once
		return
	}
	if _, err := h.svc.AddEvidence(c.Request.Context(), u, in, h.evidenceLimit); err != nil {
		_ = h.svc.ForgetUse(c.Request.Context(), key)
		fail(httpx.UploadError(err))
		return
	}
	redirectDone(c, back, recordAddEvidence)
}
