package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, " 12h ": 12 * time.Hour, "30m": 30 * time.Minute,
		"1d2h": 26 * time.Hour, "2w": 14 * 24 * time.Hour, "1h30m15s": time.Hour + 30*time.Minute + 15*time.Second,
	} {
		if got, err := ParseDuration(in); err != nil || time.Duration(got) != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, time.Duration(got), err, want)
		}
	}
}

// TestDurationErrorsNameTheProblem: each error is one line that says what is wrong
// and, for a unit, which are right, so that a caller can prefix file:line:col.
func TestDurationErrorsNameTheProblem(t *testing.T) {
	for in, want := range map[string]string{
		"3 months": `bad duration "3 months": unknown unit "months": use d, h or m, e.g. "90d"`,
		"90days":   `bad duration "90days": unknown unit "days": use d, h or m, e.g. "90d"`,
		"1d2x":     `bad duration "1d2x": unknown unit "x": use d, h or m, e.g. "90d"`,
		"90D":      `bad duration "90D": unknown unit "D": use d, h or m, e.g. "90d"`,
		"90":       `bad duration "90": 90 has no unit: use d, h or m, e.g. "90d"`,
		"1.5d":     `bad duration "1.5d": unknown unit ".": use d, h or m, e.g. "90d"`,
		"9€":       `bad duration "9€": unknown unit "€": use d, h or m, e.g. "90d"`,
		"90 d":     `bad duration "90 d": no space between a number and its unit, e.g. "90d"`,
		"d":        `bad duration "d" (use whole numbers`,
		"2h1d":     `bad duration "2h1d": write units largest first, each once`,
		"0m":       `duration "0m" must be longer than zero`,
		"":         `empty duration`,
		"999999d":  `duration "999999d" is too large`,
		"3 mo\x1b": `unknown unit "mo": use d, h or m`,
	} {
		_, err := ParseDuration(in)
		if err == nil || !strings.Contains(err.Error(), want) || strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Errorf("ParseDuration(%q): error %v, containing %q on one printable line", in, err, want)
		}
	}
}
