// Package domain holds Rectify's types, rules and errors. It imports only the
// standard library so that workflows, the store and the API share one truth.
package domain

import (
	"errors"
	"fmt"
	"maps"
)

// Error codes. The API maps each to one HTTP status in one place.
const (
	EInvalid      = "invalid"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	EUnavailable  = "unavailable"
	EInternal     = "internal"
	// ETooMany refuses a caller who tried too often (failed logins).
	ETooMany = "too_many_requests"
	// ETooLarge refuses a body or a file over its limit.
	ETooLarge = "too_large"
	// EUnsupportedMedia refuses a body of a type the endpoint does not take.
	EUnsupportedMedia = "unsupported_media_type"
)

// Error is a failure a person can read. Key names its message in the
// catalogues (internal/i18n), which the front ends show in the reader's
// language with Params filled in; Field names the input at fault. Message
// is the English detail for logs, tools and errors not yet keyed.
type Error struct {
	Code    string
	Key     string
	Field   string
	Params  map[string]any
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithKey sets the catalogue key and the parameters its message names,
// given as name, value pairs. Keys are string literals so that a test can
// find every one in the code and check both catalogues have it.
func (e *Error) WithKey(key string, kv ...any) *Error {
	e.Key = key
	if p := Params(kv...); p != nil {
		if e.Params == nil {
			e.Params = p
		} else {
			maps.Copy(e.Params, p)
		}
	}
	return e
}

// Params makes a message's parameters from name, value pairs; nil for none.
func Params(kv ...any) map[string]any {
	if len(kv) < 2 {
		return nil
	}
	p := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if name, ok := kv[i].(string); ok {
			p[name] = kv[i+1]
		}
	}
	return p
}

// WithField names the input at fault, as the API's clients send it
// ("finding", "measures[0].deadline").
func (e *Error) WithField(field string) *Error {
	e.Field = field
	return e
}

// ErrorCode returns the code of err, EInternal for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the human message of err; internal errors get a
// generic text so that no internal detail leaks to clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// AsError returns err's *Error, nil for errors that are not ours.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsCode reports whether err carries code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

// IsKnownCode reports whether code is one of the codes above.
func IsKnownCode(code string) bool {
	switch code {
	case EInvalid, EUnauthorized, EForbidden, ENotFound, EConflict, EUnavailable, EInternal, ETooMany, ETooLarge, EUnsupportedMedia:
		return true
	}
	return false
}
