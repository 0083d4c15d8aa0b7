package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// maxBodyBytes bounds every JSON body.
const maxBodyBytes = 1 << 20

// bindJSON decodes the body strictly: JSON (a body sent as another type is
// refused with 415), at most maxBodyBytes (413), valid UTF-8, one JSON
// object and nothing after it, no unknown fields (400).
func bindJSON(c *gin.Context, dst any) error {
	if err := requireJSON(c.GetHeader("Content-Type")); err != nil {
		return err
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	data, err := io.ReadAll(body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return domain.Errorf(domain.ETooLarge, "the request body is larger than %d bytes", maxBodyBytes).WithKey("body_too_large", "max", maxBodyBytes)
	} else if err != nil {
		return domain.Errorf(domain.EInvalid, "the request body could not be read").WithKey("body_unreadable")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return domain.Errorf(domain.EInvalid, "a JSON body is required").WithKey("body_required")
	}
	// encoding/json would store invalid bytes as U+FFFD, silently changing
	// what was sent.
	if !utf8.Valid(data) {
		return domain.Errorf(domain.EInvalid, "the request body is not valid UTF-8").WithKey("body_not_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return domain.Errorf(domain.EInvalid, "the body must hold one JSON object and nothing after it").WithKey("json_one_object")
	}
	return checkStrings(reflect.ValueOf(dst), "body")
}

// requireJSON accepts a JSON media type, or none (a body is read as JSON).
func requireJSON(contentType string) error {
	if contentType == "" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return domain.Errorf(domain.EUnsupportedMedia, "send the body as application/json (UTF-8), not %q", contentType).WithKey("body_not_json", "type", contentType)
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &syntax):
		return domain.Errorf(domain.EInvalid, "malformed JSON at byte %d", syntax.Offset).WithKey("json_malformed")
	case errors.As(err, &typeErr):
		return domain.Errorf(domain.EInvalid, "field %q must be %s", typeErr.Field, typeErr.Type.String()).WithKey("field_type", "field", typeErr.Field).WithField(typeErr.Field)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.EInvalid, "malformed JSON: unexpected end").WithKey("json_malformed")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return domain.Errorf(domain.EInvalid, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field ")).WithKey("unknown_field", "field", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return domain.Errorf(domain.EInvalid, "malformed JSON").WithKey("json_malformed")
}

// flexID is an ID given as a JSON number or a string of digits.
type flexID int64

func (id *flexID) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*id = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return domain.Errorf(domain.EInvalid, "%s is not a valid ID", string(b)).WithKey("id_invalid", "value", string(b))
	}
	*id = flexID(n)
	return nil
}

func ids(in []flexID) []int64 {
	out := make([]int64, len(in))
	for i, id := range in {
		out[i] = int64(id)
	}
	return out
}

// optionalDate parses a date field that may be empty.
func optionalDate(field, s string) (domain.Date, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "%s: %s", field, domain.ErrorMessage(err)).WithKey("date_invalid", "value", s).WithField(field)
	}
	return d, nil
}

// pathID reads a positive integer path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.EInvalid, "%s must be a positive integer", name).WithKey("id_invalid", "value", name).WithField(name)
	}
	return n, nil
}

// queryID reads an optional positive integer query parameter.
func queryID(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Errorf(domain.EInvalid, "%s must be a positive integer", name).WithKey("id_invalid", "value", name).WithField(name)
	}
	return n, nil
}

func queryInt(c *gin.Context, name string, def, max int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, domain.Errorf(domain.EInvalid, "%s must be an integer between 0 and %d", name, max).WithKey("int_invalid", "name", name, "max", max).WithField(name)
	}
	return n, nil
}

// idempotencyKey reads the Idempotency-Key header ("" when absent): a retry
// with the same key applies once.
func idempotencyKey(c *gin.Context) (string, error) {
	key := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	if len(key) > 128 {
		return "", domain.Errorf(domain.EInvalid, "Idempotency-Key is at most 128 characters").WithKey("idempotency_key_too_long")
	}
	return key, nil
}
