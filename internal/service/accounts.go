package service

import (
	"context"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/auth"
	"github.com/rectify/rectify/internal/domain"
)

// LoginLimit is one failed-login rule: Max failures within Window lock a
// key for Lockout. The counters live in the database, so that every API
// replica counts the same attempts and a restart forgets none.
type LoginLimit struct {
	// Prefix keeps one rule's keys apart from another's.
	Prefix          string
	Max             int
	Window, Lockout time.Duration
}

// LoginLimits are the rules per username (5 failures in 15 minutes lock it
// for 15 minutes) and per client address (a looser 20, since one office may
// sit behind one address).
type LoginLimits struct {
	User, IP LoginLimit
}

// DefaultLoginLimits returns the limits described on LoginLimits.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		User: LoginLimit{Prefix: "user:", Max: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute},
		IP:   LoginLimit{Prefix: "ip:", Max: 20, Window: 15 * time.Minute, Lockout: 15 * time.Minute},
	}
}

// limited pairs each rule with its key for one login attempt.
func (l LoginLimits) limited(username, ip string) []limitKey {
	keys := []limitKey{{l.User, strings.ToLower(strings.TrimSpace(username))}}
	if ip != "" {
		keys = append(keys, limitKey{l.IP, ip})
	}
	return keys
}

type limitKey struct {
	limit LoginLimit
	key   string
}

func (s *Service) lockedUntil(ctx context.Context, k limitKey, now time.Time) (time.Time, bool, error) {
	return s.store.LoginLockedUntil(ctx, k.limit.Prefix+k.key, now)
}

func (s *Service) loginFailed(ctx context.Context, k limitKey, now time.Time) (time.Time, error) {
	return s.store.LoginFailed(ctx, k.limit.Prefix+k.key, now, k.limit.Max, k.limit.Window, k.limit.Lockout)
}

// LoginFrom is Login from the client address ip (empty: unknown). While
// the username or the address is locked out every attempt is refused, the
// right password too, so that guessing cannot continue; a success clears
// the username's failures.
func (s *Service) LoginFrom(ctx context.Context, username, password, ip string) (string, domain.User, error) {
	now := s.Now()
	keys := s.Logins.limited(username, ip)
	for _, k := range keys {
		if until, locked, err := s.lockedUntil(ctx, k, now); err != nil {
			return "", domain.User{}, err
		} else if locked {
			return "", domain.User{}, domain.TooManyLogins(until)
		}
	}
	token, u, err := s.login(ctx, username, password)
	if domain.IsCode(err, domain.EUnauthorized) {
		var lockedUntil time.Time
		for _, k := range keys {
			until, ferr := s.loginFailed(ctx, k, now)
			if ferr != nil {
				return "", domain.User{}, ferr
			}
			if until.After(lockedUntil) {
				lockedUntil = until
			}
		}
		if !lockedUntil.IsZero() {
			return "", domain.User{}, domain.TooManyLogins(lockedUntil)
		}
		return "", domain.User{}, err
	} else if err != nil {
		return "", domain.User{}, err
	}
	if err := s.store.LoginSucceeded(ctx, s.Logins.User.Prefix+keys[0].key); err != nil {
		return "", domain.User{}, err
	}
	return token, u, nil
}

// ChangePassword sets the signed-in user's password after checking the
// current one, and ends the user's other sessions (token is the session
// making the change, which stays). A wrong current password counts as a
// failed login, so a stolen session cannot be used to guess it.
func (s *Service) ChangePassword(ctx context.Context, u domain.User, token, current, next string) error {
	now := s.Now()
	key := limitKey{s.Logins.User, strings.ToLower(u.Username)}
	if until, locked, err := s.lockedUntil(ctx, key, now); err != nil {
		return err
	} else if locked {
		return domain.TooManyLogins(until)
	}
	_, hash, err := s.store.UserCredentials(ctx, u.Username)
	if err != nil {
		return err
	}
	ok := false
	if current != "" && len(current) <= domain.MaxPasswordLen {
		if ok, err = auth.VerifyPassword(hash, current); err != nil {
			return err
		}
	}
	if !ok {
		if until, err := s.loginFailed(ctx, key, now); err != nil {
			return err
		} else if !until.IsZero() {
			return domain.TooManyLogins(until)
		}
		return domain.Errorf(domain.EForbidden, "the current password is wrong").WithKey("password_wrong").WithField("current_password")
	}
	if err := domain.ValidatePassword(u.Username, next); err != nil {
		return err
	} else if next == current {
		return domain.Errorf(domain.EInvalid, "the new password must differ from the current one").WithKey("password_same").WithField("new_password")
	}
	newHash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, u.ID, newHash, auth.TokenHash(token))
}

// SetUserDisabled disables or enables a user (admin). Disabling ends the
// user's sessions at once. An admin cannot disable themself, so that the
// last admin cannot lock everyone out by a slip.
func (s *Service) SetUserDisabled(ctx context.Context, u domain.User, userID int64, disabled bool) (domain.User, error) {
	if err := domain.RequireRole(u, "disable or enable users", domain.RoleAdmin); err != nil {
		return domain.User{}, err
	}
	if disabled && userID == u.ID {
		return domain.User{}, domain.Errorf(domain.EConflict, "you cannot disable your own account").WithKey("disable_self")
	}
	return s.store.SetUserDisabled(ctx, userID, disabled)
}

// UpdateUser changes a user's display name, role, unit, unit role or email
// (admin), checked as creation checks them. The last enabled admin cannot
// be moved out of the admin role.
func (s *Service) UpdateUser(ctx context.Context, u domain.User, userID int64, edit domain.UserEdit) (domain.User, error) {
	if err := domain.RequireRole(u, "manage users", domain.RoleAdmin); err != nil {
		return domain.User{}, err
	}
	return s.store.UpdateUser(ctx, userID, edit)
}

// ResetPassword sets a user's password (admin): the one given, checked by
// the password rules, or with none a generated temporary one answered this
// once. The user must choose a new password at the next sign-in, and every
// session of the user ends.
func (s *Service) ResetPassword(ctx context.Context, u domain.User, userID int64, password string) (domain.PasswordReset, error) {
	if err := domain.RequireRole(u, "reset passwords", domain.RoleAdmin); err != nil {
		return domain.PasswordReset{}, err
	}
	target, err := s.store.User(ctx, userID)
	if err != nil {
		return domain.PasswordReset{}, err
	}
	var generated string
	if password == "" {
		if generated, err = temporaryPassword(target.Username); err != nil {
			return domain.PasswordReset{}, err
		}
		password = generated
	} else if err := domain.ValidatePassword(target.Username, password); err != nil {
		return domain.PasswordReset{}, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return domain.PasswordReset{}, err
	}
	target, err = s.store.ResetPassword(ctx, userID, hash)
	if err != nil {
		return domain.PasswordReset{}, err
	}
	return domain.PasswordReset{User: target, TemporaryPassword: generated}, nil
}

// temporaryPassword draws random passwords until one meets the password
// rules (a draw of letters only is rare but possible).
func temporaryPassword(username string) (string, error) {
	for {
		p, err := auth.RandomPassword()
		if err != nil {
			return "", err
		}
		if domain.ValidatePassword(username, p) == nil {
			return p, nil
		}
	}
}

// PasswordChangeRequired refuses every request of a user who must change
// the password first, except those allowed (the change itself, who am I,
// signing out).
func PasswordChangeRequired(u domain.User) error {
	if !u.MustChangePassword {
		return nil
	}
	return domain.Errorf(domain.EForbidden, "choose a new password first (an admin reset it)").WithKey("password_change_required")
}
