package domain

import (
	"fmt"
	"strings"
	"time"
)

// Cadence is how often a campaign asks for progress reports (定期调度):
// "monthly:25" (the 25th, 09:00 China time), "weekly:1" (Mondays, 09:00),
// "every:720h" (a fixed interval), or "" for none.
type Cadence struct {
	Kind string // "monthly", "weekly", "every" or ""
	// Day is the day of the month (1–28) or of the week (0 Sunday – 6).
	Day   int
	Every time.Duration
}

// ParseCadence reads a cadence.
func ParseCadence(s string) (Cadence, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return Cadence{}, nil
	}
	kind, arg, _ := strings.Cut(s, ":")
	var c Cadence
	switch kind {
	case "monthly", "weekly":
		c.Kind = kind
		if _, err := fmt.Sscan(arg, &c.Day); err != nil || (kind == "monthly" && (c.Day < 1 || c.Day > 28)) || (kind == "weekly" && (c.Day < 0 || c.Day > 6)) {
			return Cadence{}, Errorf(EInvalid, "cadence %q: the day must be 1–28 for monthly or 0–6 (Sunday–Saturday) for weekly", s).WithKey("cadence_day_invalid").WithField("cadence_arg")
		}
	case "every":
		d, err := ParsePolicyDuration("cadence", arg)
		if err != nil || d < 10*time.Second {
			return Cadence{}, Errorf(EInvalid, "cadence %q: every needs a duration of at least 10s, such as every:720h", s).WithKey("cadence_every_invalid").WithField("cadence_arg")
		}
		c.Kind, c.Every = kind, d
	default:
		return Cadence{}, Errorf(EInvalid, "cadence %q must be monthly:DAY, weekly:DAY, every:DURATION or off", s).WithKey("cadence_invalid").WithField("cadence_kind")
	}
	return c, nil
}

// String writes the cadence back in its text form.
func (c Cadence) String() string {
	switch c.Kind {
	case "monthly", "weekly":
		return fmt.Sprintf("%s:%d", c.Kind, c.Day)
	case "every":
		return "every:" + c.Every.String()
	}
	return ""
}
