package auth

import (
	"sync"
	"time"
)

// Limiter counts failed attempts per key (a username, a client address)
// and locks a key out for a while after too many. It lives in memory: one
// process sees its own attempts only, and a restart forgets them, which is
// enough to make guessing slow for the single-process deployment.
type Limiter struct {
	// Max failures within Window lock the key for Lockout.
	Max     int
	Window  time.Duration
	Lockout time.Duration

	mu   sync.Mutex
	keys map[string]*attempts
}

type attempts struct {
	failures    []time.Time // within Window, oldest first
	lockedUntil time.Time
}

// maxKeys bounds the memory an attacker can make the limiter hold by
// trying many names or addresses: stale keys are swept beyond it.
const maxKeys = 100_000

// NewLimiter returns a limiter locking a key for lockout after max
// failures within window.
func NewLimiter(max int, window, lockout time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Lockout: lockout, keys: map[string]*attempts{}}
}

// LockedUntil returns when key's lockout ends, and whether it is locked at now.
func (l *Limiter) LockedUntil(key string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.keys[key]
	if a == nil || !now.Before(a.lockedUntil) {
		return time.Time{}, false
	}
	return a.lockedUntil, true
}

// Fail records a failure of key at now and returns when key's lockout
// ends, zero when this failure does not lock it.
func (l *Limiter) Fail(key string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.keys) >= maxKeys {
		l.sweep(now)
	}
	a := l.keys[key]
	if a == nil {
		a = &attempts{}
		l.keys[key] = a
	}
	a.failures = append(recent(a.failures, now.Add(-l.Window)), now)
	if len(a.failures) >= l.Max {
		a.failures = nil
		a.lockedUntil = now.Add(l.Lockout)
		return a.lockedUntil
	}
	return time.Time{}
}

// Reset forgets key's failures (a successful login).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

// sweep drops keys neither locked nor holding a recent failure.
func (l *Limiter) sweep(now time.Time) {
	for k, a := range l.keys {
		a.failures = recent(a.failures, now.Add(-l.Window))
		if len(a.failures) == 0 && !now.Before(a.lockedUntil) {
			delete(l.keys, k)
		}
	}
}

// recent drops the failures before since.
func recent(failures []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(failures) && failures[i].Before(since) {
		i++
	}
	return failures[i:]
}
