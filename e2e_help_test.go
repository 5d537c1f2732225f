package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEndToEndHelpLineKeepsTheWayOut: in a real terminal of 80 and 60 columns, the
// short help of the list (a first run) and of a checklist step with the most hints (a
// command to copy, a link and an undo) still ends with "? help" and "q quit".
func TestEndToEndHelpLineKeepsTheWayOut(t *testing.T) {
	for _, width := range []int{80, 60} {
		t.Run(strconv.Itoa(width), func(t *testing.T) {
			s := newSandbox(t)
			term := s.start()
			term.waitFor("First run: press r")
			term.tmux("resize-window", "-t", term.name, "-x", strconv.Itoa(width), "-y", "30")
			term.waitLine(0, "the list's header spanning the window", func(line string) bool {
				return len([]rune(line)) == width-1 // the margin, then its counts at the edge
			})
			term.waitHelpLine(width, "list")

			term.keys("/smarp", "Enter")
			term.waitFor("Smarp", "https://{subdomain}.smarpshare.com")
			term.keys("Space")
			term.waitFor("[x]")
			term.waitHelpLine(width, "checklist")
			term.keys("q")
			term.exited()
		})
	}
}

// waitHelpLine waits until the last line of the screen is a help line that fits the
// width and ends with "? help • q quit", failing with the screen.
func (term *terminal) waitHelpLine(width int, what string) {
	term.t.Helper()
	term.waitLine(-1, what+"'s help line with ? help and q quit in "+strconv.Itoa(width)+" columns", func(line string) bool {
		line = strings.TrimSpace(line)
		return strings.HasSuffix(line, "? help • q quit") && len([]rune(line)) <= width-2
	})
}

// waitLine waits until line n of the screen (-1: its last line that is not blank)
// satisfies ok, failing with the screen and what was awaited.
func (term *terminal) waitLine(n int, what string, ok func(string) bool) {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := term.screen()
		lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
		i := n
		if i < 0 {
			i = len(lines) - 1
		}
		if i < len(lines) && ok(lines[i]) {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("screen never showed %s:\n%s", what, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
