package api

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// securityHeaders marks every API answer: no content sniffing (a JSON body
// or an evidence file is never run as a page), no Referer leaking IDs in
// URLs, no framing, and no cache keeping case data or tokens.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// checkStrings bounds every string a request decoded into v, whatever its
// field: at most domain.MaxTextLen characters and no NUL (PostgreSQL text
// cannot hold one, so it would fail as an internal error). Domain
// validation gives most fields tighter bounds; this is the floor for all.
func checkStrings(v reflect.Value, field string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem(), field)
		}
	case reflect.String:
		s := v.String()
		if utf8.RuneCountInString(s) > domain.MaxTextLen {
			return domain.Errorf(domain.EInvalid, "%s is too long (at most %d characters)", field, domain.MaxTextLen).WithKey("input_too_long", "max", domain.MaxTextLen).WithField(field)
		} else if strings.ContainsRune(s, 0) {
			return domain.Errorf(domain.EInvalid, "%s must not contain NUL characters", field).WithKey("input_nul").WithField(field)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			if err := checkStrings(v.Field(i), name); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes, bounded by the body limit
		}
		for i := range v.Len() {
			if err := checkStrings(v.Index(i), field); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkStrings(it.Key(), field); err != nil {
				return err
			}
			if err := checkStrings(it.Value(), field); err != nil {
				return err
			}
		}
	}
	return nil
}
