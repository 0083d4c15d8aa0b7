package domain

import (
	"strings"
	"time"
)

// ChinaTime is the zone in which dates such as deadlines are meant. A fixed
// zone avoids depending on the host's tz database.
var chinaTime = time.FixedZone("CST", 8*3600)

// Date is a calendar date "YYYY-MM-DD". Deadlines (整改时限) are dates.
type Date string

const dateLayout = "2006-01-02"

// ParseDate accepts "YYYY-MM-DD" or an RFC 3339 time (taken as its date in
// China time).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(dateLayout, s, chinaTime); err == nil {
		return Date(t.Format(dateLayout)), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Date(t.In(chinaTime).Format(dateLayout)), nil
	}
	return "", Errorf(EInvalid, "%q is not a date (use YYYY-MM-DD or RFC 3339)", s).WithKey("date_invalid", "value", s)
}

// DateOf returns the date of t in China time.
func DateOf(t time.Time) Date { return Date(t.In(chinaTime).Format(dateLayout)) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == "" }

// Time is the start of d in China time.
func (d Date) Time() time.Time {
	t, err := time.ParseInLocation(dateLayout, string(d), chinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

// DueAt is the instant a deadline on d passes: the end of that day.
func (d Date) DueAt() time.Time { return d.Time().AddDate(0, 0, 1) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }
