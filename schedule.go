package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// schedule.go holds when sources are due (the interval of each) and how dates and
// times are read and shown.

// staleAfter is how long a rotation may stay in progress before status --check
// reports it.
const staleAfter = 7 * 24 * time.Hour

// schedule knows each key's rotation interval.
type schedule struct {
	cat *catalog.Catalog
	// config and builtin are the rotate_every of config.toml and of the built-in
	// catalog, for sources whose user catalogs set none; zero when unset.
	config, builtin catalog.Duration
}

// interval is the rotation interval of key k of src, as [state.Intervals] resolves
// it: the key's rotate_every first (nil: src's implicit key, which has none).
func (s schedule) interval(k *catalog.Key, src *catalog.Source) catalog.Duration {
	var own time.Duration
	if k != nil {
		own = time.Duration(k.RotateEvery)
	}
	return catalog.Duration(state.Intervals{
		Key:     own,
		Source:  time.Duration(src.RotateEvery),
		Catalog: time.Duration(s.cat.RotateEvery),
		Config:  time.Duration(s.config),
		Builtin: time.Duration(s.builtin),
	}.Interval())
}

// Dates and times: read as ISO dates (local midnight) or RFC 3339, stored in UTC,
// shown in the local time of the clock.

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04"
)

// local is t in the location of the clock (the local time zone, except in tests).
func local(t time.Time) time.Time { return t.In(now().Location()) }

// showTime prints a time as a date when it is local midnight (as dates given with
// --on are), else as date and time.
func showTime(t time.Time) string {
	t = local(t)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(dateLayout)
	}
	return t.Format(dateTimeLayout)
}

// parseDay reads a day given on the command line: "today" or "yesterday" (local
// midnight of now's day, or of the day before), else as parseDate does in now's
// location.
func parseDay(s string, now time.Time) (time.Time, error) {
	y, m, d := now.Date()
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "today":
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), nil
	case "yesterday":
		return time.Date(y, m, d-1, 0, 0, 0, 0, now.Location()), nil
	}
	return parseDate(s, now.Location())
}

// parseDate reads an ISO date (YYYY-MM-DD, midnight in loc) or an RFC 3339 time.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(dateLayout, s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if why := dateProblem(s); why != "" {
		return time.Time{}, fmt.Errorf("%q is not a date: %s", catalog.PrintableLine(s), why)
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD (e.g. 2026-01-02) or an RFC 3339 time (e.g. 2026-01-02T15:04:05Z)", catalog.PrintableLine(s))
}

// dateProblem says what is wrong with a text that starts like a date (YYYY-MM-DD) but
// names a month or day that does not exist ("month 13 does not exist", "February has
// 28 days in 2026"), or "" when it does not start like one or its date exists.
func dateProblem(s string) string {
	if len(s) < len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return ""
	}
	year, okY := digits(s[:4])
	month, okM := digits(s[5:7])
	day, okD := digits(s[8:10])
	switch {
	case !okY || !okM || !okD:
		return ""
	case month < 1 || month > 12:
		return fmt.Sprintf("month %d does not exist", month)
	case day < 1:
		return fmt.Sprintf("day %d does not exist", day)
	}
	// Day 0 of the next month is the last day of this one.
	days := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch {
	case day <= days:
		return ""
	case month == 2:
		return fmt.Sprintf("February has %d days in %d", days, year)
	}
	return fmt.Sprintf("%s has %d days", time.Month(month), days)
}

// digits reads a number written with ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
