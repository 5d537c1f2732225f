package main

import (
	"fmt"
	"strconv"
	"strings"
)

// sizes.go reads the sizes of --max-state-size and --max-catalog-size: a number of
// bytes, or of kibibytes, mebibytes or gibibytes with K, M or G after it.

// sizeUnits are the multipliers of a size's unit letter, in binary units as the limits
// are reported ("256.0 MiB").
var sizeUnits = map[byte]int64{'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}

// parseSize reads a size such as 256M, 1G, 512K or 1048576 (bytes). The unit is one
// letter in either case, optionally followed by B or iB (256MB, 256MiB). A size of
// zero or one that does not fit in 63 bits is refused: a limit of nothing would
// refuse every file.
func parseSize(s string) (int64, error) {
	digits, mult := strings.TrimSpace(s), int64(1)
	upper := strings.ToUpper(digits)
	upper = strings.TrimSuffix(strings.TrimSuffix(upper, "IB"), "B")
	if n := len(upper); n > 0 && sizeUnits[upper[n-1]] != 0 {
		mult, upper = sizeUnits[upper[n-1]], upper[:n-1]
	}
	n, err := strconv.ParseInt(upper, 10, 64)
	if err != nil || n <= 0 || upper[0] == '+' {
		return 0, fmt.Errorf("%q is not a size: give a number of bytes, or one with K, M or G after it, e.g. 256M", digits)
	}
	if n > (1<<63-1)/mult {
		return 0, fmt.Errorf("%q is too large a size", digits)
	}
	return n * mult, nil
}

// sizeFlag is the set function of a flag whose value is a size, stored by to.
func sizeFlag(name string, to func(o *options) *int64) func(o *options, v string) error {
	return func(o *options, v string) error {
		n, err := parseSize(v)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*to(o) = n
		return nil
	}
}
