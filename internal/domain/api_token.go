package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// APITokenPrefix starts every API token, so a leaked one is recognisable
// (secret scanners, logs) and the service knows which table to ask.
const APITokenPrefix = "rtk_"

// API token lifetimes, in days.
const (
	DefaultAPITokenDays = 365
	MaxAPITokenDays     = 730
)

// APIToken is a long-lived bearer token for an integration (a ledger sync,
// a dashboard). It acts as one user account, so its role and unit are that
// account's: an admin makes an account with the role the integration
// needs and issues the token for it. The token itself is shown once.
type APIToken struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	UserID    int64     `json:"user_id"`
	Username  string    `json:"username"`
	Role      Role      `json:"role"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// NewAPIToken is a request for an API token.
type NewAPIToken struct {
	Name   string `json:"name"`
	UserID int64  `json:"user_id"`
	// ExpiresInDays is the lifetime; 0 means DefaultAPITokenDays.
	ExpiresInDays int `json:"expires_in_days"`
}

// Validate checks the request and fills the default lifetime.
func (n *NewAPIToken) Validate() error {
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case n.Name == "":
		return Errorf(EInvalid, "name is required (what the token is for)").WithKey("field_required", "field", "token_name").WithField("name")
	case utf8.RuneCountInString(n.Name) > MaxNameLen:
		return Errorf(EInvalid, "name is too long").WithKey("field_too_long", "field", "token_name", "max", MaxNameLen).WithField("name")
	case n.UserID <= 0:
		return Errorf(EInvalid, "user_id is required: the account the token acts as").WithKey("field_required", "field", "token_user").WithField("user_id")
	case n.ExpiresInDays < 0 || n.ExpiresInDays > MaxAPITokenDays:
		return Errorf(EInvalid, "expires_in_days must be between 1 and %d", MaxAPITokenDays).WithKey("token_days_invalid", "max", MaxAPITokenDays).WithField("expires_in_days")
	}
	if n.ExpiresInDays == 0 {
		n.ExpiresInDays = DefaultAPITokenDays
	}
	return nil
}
