package domain

import "testing"

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		username, password string
		ok                 bool
	}{
		{"alice", "correct-horse", true},
		{"alice", "整改到位了吗2026", true},
		{"alice", "short1", false},
		{"alice", "abcdefghijkl", false},    // letters only
		{"alice", "12345678901", false},     // digits only
		{"alice", "!!!!!!!!!!!!", false},    // signs only
		{"alice12345", "ALICE12345", false}, // the username
		{"alice", string(make([]byte, 300)) + "a1", false},
	} {
		err := ValidatePassword(tc.username, tc.password)
		if (err == nil) != tc.ok {
			t.Errorf("ValidatePassword(%q, %q) = %v, want ok %v", tc.username, tc.password, err, tc.ok)
		} else if err != nil && !IsCode(err, EInvalid) {
			t.Errorf("code %s", ErrorCode(err))
		}
	}
}
