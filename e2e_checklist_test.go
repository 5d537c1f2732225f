package main

import (
	"strings"
	"testing"
	"time"
)

// TestEndToEndStepActions drives the checklist's legwork in a real terminal: copying a
// SQL statement (OSC 52, which tmux stores in its paste buffer), filling a placeholder,
// writing a note and undoing it.
func TestEndToEndStepActions(t *testing.T) {
	s := newSandbox(t)
	term := s.start("snowflake")
	term.tmux("set-option", "-g", "set-clipboard", "on")
	term.waitFor("Snowflake · Data warehouse", "0/8")

	// Copy the first SQL statement.
	term.keys("j", "j", "c")
	term.waitFor("Copied 1 SQL statement.")
	want := `ALTER SECURITY INTEGRATION "Supermetrics App" REFRESH OAUTH_CLIENT_SECRET_2;`
	if got := strings.TrimSpace(term.tmux("show-buffer")); got != want {
		t.Errorf("tmux paste buffer = %q, want %q", got, want)
	}

	// A note, saved, shown, then undone.
	term.keys("n")
	term.waitFor("Note on step 3")
	term.keys("ticket OPS-2379", "Enter")
	term.waitFor("Note added.", "✎ ticket OPS-2379")
	// The screen shows the note at once; the save lands a moment later.
	deadline := time.Now().Add(5 * time.Second)
	for !fileExists(s.statePath()) || s.readState().Sources["snowflake"].Current == nil {
		if time.Now().After(deadline) {
			t.Fatal("the note did not reach the state file")
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.keys("u")
	term.waitFor("Undid the note on step 3.")
	if screen := term.screen(); strings.Contains(screen, "✎ ticket OPS-2379") {
		t.Errorf("undone note still shown:\n%s", screen)
	}
	term.keys("q")
	term.exited()

	// A placeholder is asked for once, then filled in everywhere.
	term = s.start("smarp")
	term.tmux("set-option", "-g", "set-clipboard", "on")
	term.waitFor("Smarp", "https://{subdomain}.smarpshare.com")
	term.keys("c")
	term.waitFor("Value of {subdomain} for Smarp")
	term.keys("acme", "Enter")
	term.waitFor("Copied the URL.", "https://acme.smarpshare.com/#/profile/settings")
	if got := strings.TrimSpace(term.tmux("show-buffer")); got != "https://acme.smarpshare.com/#/profile/settings" {
		t.Errorf("paste buffer = %q", got)
	}
	term.keys("q")
	term.exited()

	// Remembered next time.
	term = s.start("smarp")
	term.waitFor("https://acme.smarpshare.com/#/profile/settings")
	term.keys("q")
	term.exited()
}
