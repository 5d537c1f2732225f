package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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
// refused: a schedule or a wait of nothing is always a mistake in a catalog.
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration (use e.g. \"90d\", \"12h\" or \"30m\")")
	}
	var total time.Duration
	lastUnit := -1
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("bad duration %q (use whole numbers with w, d, h, m or s, e.g. \"90d\" or \"1h30m\")", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("duration %q is too large", s)
		}
		unit := -1
		for u, du := range durationUnits {
			if rest[i] == du.suffix {
				unit = u
			}
		}
		if unit < 0 {
			return 0, fmt.Errorf("bad duration %q: unknown unit %q (use w, d, h, m or s)", s, rest[i:i+1])
		}
		if unit <= lastUnit {
			return 0, fmt.Errorf("bad duration %q: write units largest first, each once", s)
		}
		lastUnit = unit
		total += time.Duration(n) * durationUnits[unit].size
		if total > maxDuration {
			return 0, fmt.Errorf("duration %q is too large (at most %d days)", s, maxDuration/(24*time.Hour))
		}
		rest = rest[i+1:]
	}
	if total <= 0 {
		return 0, fmt.Errorf("duration %q must be longer than zero", s)
	}
	return Duration(total), nil
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
