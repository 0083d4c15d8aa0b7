// Package domain holds Rectify's types, rules and errors. It imports only the
// standard library so that workflows, the store and the API share one truth.
package domain

import (
	"errors"
	"fmt"
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

// Error is a failure a person can read: Message is safe to show to clients.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
