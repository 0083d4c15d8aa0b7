package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Password rules for a password a user chooses (POST /me/password). They
// are deliberately few: length matters most, and rules beyond these push
// people to write passwords down.
const (
	MinPasswordLen = 10  // characters
	MaxPasswordLen = 256 // bytes; argon2 hashes any length, this bounds the work
)

// ValidatePassword checks a new password of username: at least
// MinPasswordLen characters, not the username, and not made of one class
// of characters only (only letters, only digits, or only other signs).
func ValidatePassword(username, password string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return Errorf(EInvalid, "the password must be at least %d characters", MinPasswordLen).WithKey("password_too_short", "min", MinPasswordLen).WithField("password")
	case len(password) > MaxPasswordLen:
		return Errorf(EInvalid, "the password must be at most %d bytes", MaxPasswordLen).WithKey("password_too_long", "max", MaxPasswordLen).WithField("password")
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(username)):
		return Errorf(EInvalid, "the password must not be the username").WithKey("password_is_username").WithField("password")
	}
	var letters, digits, others bool
	for _, r := range password {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case unicode.IsDigit(r):
			digits = true
		default:
			others = true
		}
	}
	if n := btoi(letters) + btoi(digits) + btoi(others); n < 2 {
		return Errorf(EInvalid, "the password must mix at least two of letters, digits and other signs").WithKey("password_weak").WithField("password")
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TooManyLogins is the refusal of a login attempt while locked out.
func TooManyLogins(until time.Time) error {
	return Errorf(ETooMany, "too many failed logins, try again after %s", until.In(chinaTime).Format("15:04")).WithKey("login_locked", "until", until.In(chinaTime).Format("15:04"))
}
