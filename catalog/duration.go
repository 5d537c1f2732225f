package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Duration is a span written the way people talk about rotation schedules: whole
// numbers with the units w (weeks), d (days), h, m and s, largest first, e.g. "90d",
// "12h", "30m" or "1d12h". Days are 24 hours; calendar months are deliberately absent
// because their length varies.
type Duration time.Duration

// maxDuration bounds what a catalog may ask for, far beyond any sensible interval but
// well inside time.Duration, so adding units can never overflow.
const maxDuration = 100 * 365 * 24 * time.Hour

var durationUnits = []struct {
	suffix byte
	size   time.Duration
}{
	{'w', 7 * 24 * time.Hour},
	{'d', 24 * time.Hour},
	{'h', time.Hour},
	{'m', time.Minute},
	{'s', time.Second},
}

// ParseDuration reads a Duration such as "90d" or "1h30m". Zero and negative spans are
// refused: a schedule or a wait of nothing is always a mistake in a catalog. Errors are
// one line that starts with what was wrong with s, so that callers can put the file,
// line and column in front of it.
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration (use e.g. \"90d\", \"12h\" or \"30m\")")
	}
	var total time.Duration
	lastUnit := -1
	rest := in
	for rest != "" {
		n, unit, next, err := nextTerm(s, rest)
		if err != nil {
			return 0, err
		}
		if unit <= lastUnit {
			return 0, fmt.Errorf("bad duration %q: write units largest first, each once", s)
		}
		lastUnit = unit
		total += time.Duration(n) * durationUnits[unit].size
		if total > maxDuration {
			return 0, fmt.Errorf("duration %q is too large (at most %d days)", s, maxDuration/(24*time.Hour))
		}
		rest = next
	}
	if total <= 0 {
		return 0, fmt.Errorf("duration %q must be longer than zero", s)
	}
	return Duration(total), nil
}

// useUnits is the advice of every error about a unit.
const useUnits = `use d, h or m, e.g. "90d"`

// nextTerm reads one number and its unit ("90d") from the start of rest, a part of s,
// and returns the number, the unit's index in durationUnits and what follows.
func nextTerm(s, rest string) (n int64, unit int, next string, err error) {
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, 0, "", fmt.Errorf("bad duration %q (use whole numbers with w, d, h, m or s, e.g. \"90d\" or \"1h30m\")", s)
	}
	n, err = strconv.ParseInt(rest[:i], 10, 64)
	if err != nil || n > 100000 {
		return 0, 0, "", fmt.Errorf("duration %q is too large", s)
	}
	// The unit as written: the letters after the number, even after a space ("3
	// months"), so that the message names the word and not the space.
	word := strings.TrimLeft(rest[i:], " ")
	spaced := len(word) < len(rest[i:])
	end := strings.IndexFunc(word, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(word)
	}
	word, next = word[:end], word[end:]
	unit = unitIndex(word)
	switch {
	case word == "" && next == "":
		return 0, 0, "", fmt.Errorf("bad duration %q: %s has no unit: %s", s, rest[:i], useUnits)
	case word == "":
		r, _ := utf8.DecodeRuneInString(next)
		return 0, 0, "", fmt.Errorf("bad duration %q: unknown unit %q: %s", s, string(r), useUnits)
	case unit < 0:
		return 0, 0, "", fmt.Errorf("bad duration %q: unknown unit %q: %s", s, word, useUnits)
	case spaced:
		return 0, 0, "", fmt.Errorf("bad duration %q: no space between a number and its unit, e.g. \"90d\"", s)
	}
	return n, unit, next, nil
}

// unitIndex is the index in durationUnits of a unit written as its letter, or -1.
func unitIndex(word string) int {
	for u, du := range durationUnits {
		if word == string(du.suffix) {
			return u
		}
	}
	return -1
}

// String prints the duration in the form ParseDuration reads, without weeks (people
// think of rotation intervals in days): "90d", "1d12h", "30m". Zero prints as "".
func (d Duration) String() string {
	if d <= 0 {
		return ""
	}
	var b strings.Builder
	rest := time.Duration(d)
	for _, u := range durationUnits[1:] {
		if n := rest / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10))
			b.WriteByte(u.suffix)
			rest -= n * u.size
		}
	}
	return b.String()
}
