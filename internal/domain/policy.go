package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Policy is a campaign's deadline rules: when warnings, reminders and
// escalations fire. Durations keep tests free to use seconds.
type Policy struct {
	// WarningWindow turns a light yellow this long before a deadline.
	WarningWindow time.Duration `json:"warning_window,omitempty"`
	// AckWindow is how long a unit has to acknowledge (签收) a measure.
	AckWindow time.Duration `json:"ack_window,omitempty"`
	// ReviewWindow is how long a supervisor has to decide a closure request.
	ReviewWindow time.Duration `json:"review_window,omitempty"`
	// RepeatEvery repeats an overdue reminder until someone acts.
	RepeatEvery time.Duration `json:"repeat_every,omitempty"`
	// EscalateAfter escalates to the leaders once something is this late.
	EscalateAfter time.Duration `json:"escalate_after,omitempty"`
	// EndorseClosure makes a staff member's closure request wait for the
	// unit head's endorsement (签字背书) before the supervisor sees it.
	EndorseClosure bool `json:"endorse_closure,omitempty"`
	// Flags are the red-flag thresholds (flags.go); zero: the defaults.
	Flags FlagPolicy `json:"flags,omitzero"`
}

// Default policy values, as the 督办 practice of the seed report's office.
const (
	DefaultWarningWindow = 3 * 24 * time.Hour
	DefaultAckWindow     = 2 * 24 * time.Hour
	DefaultReviewWindow  = 5 * 24 * time.Hour
	DefaultRepeatEvery   = 24 * time.Hour
	DefaultEscalateAfter = 7 * 24 * time.Hour
)

// WithDefaults fills unset durations.
func (p Policy) WithDefaults() Policy {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&p.WarningWindow, DefaultWarningWindow)
	set(&p.AckWindow, DefaultAckWindow)
	set(&p.ReviewWindow, DefaultReviewWindow)
	set(&p.RepeatEvery, DefaultRepeatEvery)
	set(&p.EscalateAfter, DefaultEscalateAfter)
	return p
}

// Validate checks that every set duration is sensible.
func (p Policy) Validate() error {
	for _, f := range []struct {
		name string
		d    time.Duration
	}{
		{"warning_window", p.WarningWindow}, {"ack_window", p.AckWindow}, {"review_window", p.ReviewWindow},
		{"repeat_every", p.RepeatEvery}, {"escalate_after", p.EscalateAfter},
	} {
		if f.d < 0 || f.d > 365*24*time.Hour {
			return Errorf(EInvalid, "%s must be between 0 and 8760h", f.name).WithKey("policy_range", "field", f.name).WithField(f.name)
		}
		if f.d != 0 && f.d < time.Second {
			return Errorf(EInvalid, "%s must be at least 1s", f.name).WithKey("policy_min", "field", f.name).WithField(f.name)
		}
	}
	return p.Flags.Validate()
}

// ParsePolicyDuration reads "72h", "3d" or "90s".
func ParsePolicyDuration(field, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscan(days, &n); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, Errorf(EInvalid, "%s: %q is not a duration such as 72h or 3d", field, s).WithKey("policy_duration", "field", field, "value", s).WithField(field)
	}
	return d, nil
}

type policyJSON struct {
	WarningWindow string `json:"warning_window,omitempty"`
	AckWindow     string `json:"ack_window,omitempty"`
	ReviewWindow  string `json:"review_window,omitempty"`
	RepeatEvery   string `json:"repeat_every,omitempty"`
	EscalateAfter string `json:"escalate_after,omitempty"`
	// EndorseClosure is left out when false, so payloads recorded before
	// it read the same.
	EndorseClosure bool `json:"endorse_closure,omitempty"`
	// Flags is left out when unset, for the same reason.
	Flags *FlagPolicy `json:"flags,omitempty"`
}

// MarshalJSON writes durations as text ("72h0m0s"), for people and payloads.
func (p Policy) MarshalJSON() ([]byte, error) {
	str := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	var flags *FlagPolicy
	if !p.Flags.IsZero() {
		flags = &p.Flags
	}
	return json.Marshal(policyJSON{str(p.WarningWindow), str(p.AckWindow), str(p.ReviewWindow), str(p.RepeatEvery), str(p.EscalateAfter), p.EndorseClosure, flags})
}

// UnmarshalJSON reads durations as "72h", "3d" or "90s".
func (p *Policy) UnmarshalJSON(b []byte) error {
	var in policyJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return Errorf(EInvalid, "policy must be an object of durations such as {\"warning_window\":\"3d\"}").WithKey("policy_invalid").WithField("policy")
	}
	out := Policy{EndorseClosure: in.EndorseClosure}
	if in.Flags != nil {
		out.Flags = *in.Flags
	}
	for _, f := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{
		{"warning_window", in.WarningWindow, &out.WarningWindow}, {"ack_window", in.AckWindow, &out.AckWindow},
		{"review_window", in.ReviewWindow, &out.ReviewWindow}, {"repeat_every", in.RepeatEvery, &out.RepeatEvery},
		{"escalate_after", in.EscalateAfter, &out.EscalateAfter},
	} {
		d, err := ParsePolicyDuration(f.name, f.s)
		if err != nil {
			return err
		}
		*f.dst = d
	}
	*p = out
	return nil
}
