// Package httpx holds what the JSON API and the web pages share about HTTP:
// the one map from error codes to statuses, download names, and serving
// evidence files.
package httpx

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/rectify/rectify/internal/domain"
)

// StatusOf is the one place where error codes become HTTP statuses.
func StatusOf(code string) int {
	switch code {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	case domain.EUnavailable:
		return http.StatusServiceUnavailable
	case domain.ETooMany:
		return http.StatusTooManyRequests
	case domain.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.EUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// Attachment is a Content-Disposition that names a download safely: an
// ASCII fallback for old clients and the real name per RFC 2231/5987, so that
// Chinese names survive every browser.
func Attachment(name string) string {
	return AttachmentNamed(strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == ';' || r == '%' {
			return '_'
		}
		return r
	}, name), name)
}

// AttachmentNamed is Attachment with a chosen ASCII fallback name (which
// must be plain ASCII without quotes).
func AttachmentNamed(ascii, name string) string { return DispositionNamed("attachment", ascii, name) }

// DispositionNamed is a Content-Disposition of the given type ("inline" to
// open in the browser, "attachment" to download) naming the file as
// AttachmentNamed does.
func DispositionNamed(disposition, ascii, name string) string {
	// FormatMediaType writes a non-ASCII name as filename* only; old
	// clients get the fallback before it.
	named := mime.FormatMediaType(disposition, map[string]string{"filename": name})
	if name == ascii || !strings.Contains(named, "filename*=") {
		return named
	}
	return mime.FormatMediaType(disposition, map[string]string{"filename": ascii}) + strings.TrimPrefix(named, disposition)
}

// ServeEvidence sends evidence as an attachment that is never rendered on
// this site, with its hash for checking, and closes f; f is nil for text
// evidence.
func ServeEvidence(w http.ResponseWriter, r *http.Request, ev domain.Evidence, f io.ReadSeekCloser) {
	if f != nil {
		defer f.Close()
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	if f == nil {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Disposition", Attachment(ev.Title+".txt"))
		_, _ = io.WriteString(w, ev.Note)
		return
	}
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Disposition", Attachment(ev.OriginalName))
	h.Set("X-Evidence-SHA256", ev.SHA256)
	http.ServeContent(w, r, "", ev.CreatedAt, f)
}

// RawFileName is an upload's file name as the client sent it: Part.FileName
// would strip a path silently, and a path in a name is refused, not trimmed.
func RawFileName(part *multipart.Part) string {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return part.FileName()
	}
	return params["filename"]
}

// UploadError names a cut-off or oversized upload clearly.
func UploadError(err error) error {
	var tooLarge *http.MaxBytesError
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &tooLarge):
		return domain.Errorf(domain.ETooLarge, "the upload is larger than the limit; nothing was stored").WithKey("upload_too_large")
	case errors.Is(err, multipart.ErrMessageTooLarge), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.EInvalid, "the upload was malformed or cut off; nothing was stored").WithKey("upload_cut_off")
	}
	return err
}
