package domain

import (
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// Roles, as in DOMAIN.md.
const (
	RoleAdmin      Role = "admin"
	RoleLeader     Role = "leader"
	RoleSupervisor Role = "supervisor"
	RoleDiscipline Role = "discipline"
	RoleUnit       Role = "unit"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleLeader, RoleSupervisor, RoleDiscipline, RoleUnit:
		return true
	}
	return false
}

// Unit is an organisational unit (单位/处室) that leads or co-leads measures.
type Unit struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a person who signs in. A unit user belongs to exactly one unit.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	UnitID      int64  `json:"unit_id,omitempty"`
	// UnitRole is a unit user's place in the unit: head or staff.
	UnitRole UnitRole `json:"unit_role,omitempty"`
	Email    string   `json:"email,omitempty"`
	Disabled bool     `json:"disabled"`
	// MustChangePassword is set when an admin resets the password: until
	// the user chooses a new one, only the change-password page and API
	// answer.
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
}

// Actor is who performs an action, as carried into workflows.
type Actor struct {
	UserID   int64    `json:"user_id"`
	Username string   `json:"username"`
	Role     Role     `json:"role"`
	UnitID   int64    `json:"unit_id,omitempty"`
	UnitRole UnitRole `json:"unit_role,omitempty"`
}

// Actor returns the acting identity of u.
func (u *User) Actor() Actor {
	return Actor{UserID: u.ID, Username: u.Username, Role: u.Role, UnitID: u.UnitID, UnitRole: u.UnitRole}
}

// NewUser is the input to create a user.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Role        Role
	UnitID      int64
	// UnitRole is head or staff for a unit user (default staff).
	UnitRole UnitRole
	// Email receives reminders when SMTP is configured; optional.
	Email string
}

// Limits on free text, so that no field grows without bound.
const (
	MaxNameLen  = 200
	MaxTitleLen = 500
	MaxTextLen  = 20000
)

// Validate checks a new user's fields (unit existence is the store's job).
func (n *NewUser) Validate() error {
	n.Username = strings.TrimSpace(n.Username)
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	switch {
	case n.Username == "":
		return Errorf(EInvalid, "username is required").WithKey("field_required", "field", "username").WithField("username")
	case len(n.Username) > 64 || strings.ContainsAny(n.Username, " \t\r\n/\\"):
		return Errorf(EInvalid, "username must be at most 64 characters without spaces or slashes").WithKey("username_invalid").WithField("username")
	case n.Password == "":
		return Errorf(EInvalid, "password is required").WithKey("field_required", "field", "password").WithField("password")
	}
	if err := validateProfile(n.Role, n.UnitID, n.UnitRole, n.DisplayName, n.Email); err != nil {
		return err
	}
	if err := ValidatePassword(n.Username, n.Password); err != nil {
		return err
	}
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if n.Role == RoleUnit && n.UnitRole == "" {
		n.UnitRole = UnitStaff
	}
	return nil
}

// validateProfile checks what an admin sets on a user besides the username
// and the password, the same at creation and on an edit.
func validateProfile(role Role, unitID int64, unitRole UnitRole, displayName, email string) error {
	switch {
	case !role.Valid():
		return Errorf(EInvalid, "role must be one of admin, leader, supervisor, discipline, unit").WithKey("role_invalid").WithField("role")
	case role == RoleUnit && unitID == 0:
		return Errorf(EInvalid, "a unit user needs unit_id").WithKey("user_unit_required").WithField("unit_id")
	case role != RoleUnit && unitID != 0:
		return Errorf(EInvalid, "only unit users belong to a unit").WithKey("user_unit_not_allowed").WithField("unit_id")
	case role == RoleUnit && unitRole != "" && !unitRole.Valid(), role != RoleUnit && unitRole != "":
		return Errorf(EInvalid, "unit_role must be head or staff, for unit users only").WithKey("unit_role_invalid").WithField("unit_role")
	case len([]rune(displayName)) > MaxNameLen:
		return Errorf(EInvalid, "display_name is too long").WithKey("field_too_long", "field", "display_name", "max", MaxNameLen).WithField("display_name")
	case email != "" && (len(email) > 320 || !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\r\n<>,;")):
		return Errorf(EInvalid, "email %q is not an address", email).WithKey("email_invalid", "value", email).WithField("email")
	}
	return nil
}

// UserEdit is an admin's change to a user's profile: nil fields stay as
// they are. The username and the password are not edited here.
type UserEdit struct {
	DisplayName *string
	Role        *Role
	UnitID      *int64
	UnitRole    *UnitRole
	Email       *string
}

// Apply returns u with the edit applied and checked as creation checks
// the same fields. A user moved out of the unit role leaves its unit; a
// unit user without a unit role becomes staff.
func (e UserEdit) Apply(u User) (User, error) {
	if e.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*e.DisplayName)
		if u.DisplayName == "" {
			u.DisplayName = u.Username
		}
	}
	if e.Role != nil {
		u.Role = *e.Role
	}
	if e.UnitID != nil {
		u.UnitID = *e.UnitID
	}
	if e.UnitRole != nil {
		u.UnitRole = *e.UnitRole
	}
	if e.Email != nil {
		u.Email = strings.TrimSpace(*e.Email)
	}
	if u.Role != RoleUnit && e.UnitID == nil {
		u.UnitID = 0
	}
	if u.Role != RoleUnit && e.UnitRole == nil {
		u.UnitRole = ""
	}
	if err := validateProfile(u.Role, u.UnitID, u.UnitRole, u.DisplayName, u.Email); err != nil {
		return User{}, err
	}
	if u.Role == RoleUnit && u.UnitRole == "" {
		u.UnitRole = UnitStaff
	}
	return u, nil
}

// ValidateUnitName checks a unit name and returns it trimmed.
func ValidateUnitName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Errorf(EInvalid, "name is required").WithKey("field_required", "field", "name").WithField("name")
	} else if len([]rune(name)) > MaxNameLen {
		return "", Errorf(EInvalid, "name is too long (at most %d characters)", MaxNameLen).WithKey("field_too_long", "field", "name", "max", MaxNameLen).WithField("name")
	}
	return name, nil
}

// PasswordReset is what an admin's password reset answers: the user, and
// the temporary password when the system made one (shown this once).
type PasswordReset struct {
	User              User   `json:"user"`
	TemporaryPassword string `json:"temporary_password,omitempty"`
}
