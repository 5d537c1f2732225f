package ui

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestComposeFrameAsBefore: composeFrame gives exactly what fitHeight, a join and
// indentLines gave, for bodies shorter and longer than the height, empty lines, no
// height at all and any margin.
func TestComposeFrameAsBefore(t *testing.T) {
	parts := []string{"", "a", "› Snowflake", "\x1b[1mbold\x1b[0m", "日本"}
	rng := rand.New(rand.NewPCG(3, 4))
	text := func(lines int) string {
		out := make([]string, lines)
		for i := range out {
			out[i] = parts[rng.IntN(len(parts))]
		}
		return strings.Join(out, "\n")
	}
	for trial := 0; trial < 500; trial++ {
		body, footer := text(rng.IntN(8)), text(1+rng.IntN(3))
		bodyH, margin := rng.IntN(8)-1, rng.IntN(3)
		want := indentLines(fitHeight(body, bodyH)+"\n"+footer, strings.Repeat(" ", margin))
		if got := composeFrame(body, bodyH, footer, margin); got != want {
			t.Fatalf("body %q, height %d, footer %q, margin %d:\ngot  %q\nwant %q", body, bodyH, footer, margin, got, want)
		}
	}
}

// indentLines puts pad in front of every line of s: how View indented the screen
// before composeFrame.
func indentLines(s, pad string) string {
	if pad == "" {
		return s
	}
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
