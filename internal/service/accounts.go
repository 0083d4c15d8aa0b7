package service

import (
	"context"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/auth"
	"github.com/rectify/rectify/internal/domain"
)

// LoginLimits holds the failed-login counters: per username (5 failures in
// 15 minutes lock it for 15 minutes) and per client address (a looser 20,
// since one office may sit behind one address). They live in memory: one
// process counts its own attempts; a restart forgets them.
type LoginLimits struct {
	User *auth.Limiter
	IP   *auth.Limiter
}

// DefaultLoginLimits returns the limits described on LoginLimits.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		User: auth.NewLimiter(5, 15*time.Minute, 15*time.Minute),
		IP:   auth.NewLimiter(20, 15*time.Minute, 15*time.Minute),
	}
}

// limited pairs each limiter with its key for one login attempt.
func (l LoginLimits) limited(username, ip string) []limitKey {
	keys := []limitKey{{l.User, strings.ToLower(strings.TrimSpace(username))}}
	if ip != "" {
		keys = append(keys, limitKey{l.IP, ip})
	}
	return keys
}

type limitKey struct {
	limiter *auth.Limiter
	key     string
}

// LoginFrom is Login from the client address ip (empty: unknown). While
// the username or the address is locked out every attempt is refused, the
// right password too, so that guessing cannot continue; a success clears
// the username's failures.
func (s *Service) LoginFrom(ctx context.Context, username, password, ip string) (string, domain.User, error) {
	now := s.Now()
	keys := s.Logins.limited(username, ip)
	for _, k := range keys {
		if until, locked := k.limiter.LockedUntil(k.key, now); locked {
			return "", domain.User{}, domain.TooManyLogins(until)
		}
	}
	token, u, err := s.login(ctx, username, password)
	if domain.IsCode(err, domain.EUnauthorized) {
		var lockedUntil time.Time
		for _, k := range keys {
			if until := k.limiter.Fail(k.key, now); until.After(lockedUntil) {
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
	s.Logins.User.Reset(keys[0].key)
	return token, u, nil
}

// ChangePassword sets the signed-in user's password after checking the
// current one, and ends the user's other sessions (token is the session
// making the change, which stays). A wrong current password counts as a
// failed login, so a stolen session cannot be used to guess it.
func (s *Service) ChangePassword(ctx context.Context, u domain.User, token, current, next string) error {
	now := s.Now()
	key := strings.ToLower(u.Username)
	if until, locked := s.Logins.User.LockedUntil(key, now); locked {
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
		if until := s.Logins.User.Fail(key, now); !until.IsZero() {
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
