package auth

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := NewLimiter(3, 15*time.Minute, 15*time.Minute)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if !l.Fail("u", now).IsZero() || !l.Fail("u", now.Add(10*time.Minute)).IsZero() {
		t.Fatal("locked before the third failure")
	}
	// The first failure falls out of the window: still two.
	if !l.Fail("u", now.Add(16*time.Minute)).IsZero() {
		t.Fatal("an old failure counted")
	}
	until := l.Fail("u", now.Add(17*time.Minute))
	if want := now.Add(32 * time.Minute); !until.Equal(want) {
		t.Fatalf("locked until %v, want %v", until, want)
	}
	if got, locked := l.LockedUntil("u", now.Add(31*time.Minute)); !locked || !got.Equal(until) {
		t.Fatal("not locked during the lockout")
	}
	if _, locked := l.LockedUntil("other", now.Add(31*time.Minute)); locked {
		t.Fatal("another key is locked")
	}
	if _, locked := l.LockedUntil("u", until); locked {
		t.Fatal("still locked when the lockout ends")
	}
	l.Fail("v", now)
	l.Reset("v")
	l.Fail("v", now)
	if !l.Fail("v", now).IsZero() {
		t.Fatal("Reset kept failures")
	}
}
