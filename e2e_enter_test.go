package main

import (
	"strings"
	"testing"
	"time"
)

// TestEndToEndEnterNeverUnticks: in a real terminal, enter on a step already checked
// moves to the next open step and leaves the check on disk (issue 15, item 1).
func TestEndToEndEnterNeverUnticks(t *testing.T) {
	s := newSandbox(t)
	term := s.start("wix")
	term.waitFor("Wix Commerce", "0/3", "› 1. [ ] Open the API keys")

	term.keys("Enter")
	term.waitFor("1. [x] Open the API keys", "1/3", "› 2. [ ]")
	s.waitChecked("wix-commerce", "api-keys-page")

	term.keys("k")
	term.waitFor("› 1. [x]")
	term.keys("Enter")
	screen := term.waitFor("› 2. [ ]")
	if !strings.Contains(screen, "1. [x] Open the API keys") || !strings.Contains(screen, "1/3") {
		t.Errorf("enter on the checked step 1 changed it:\n%s", screen)
	}
	// Give a wrong save the time to land before reading the file.
	time.Sleep(300 * time.Millisecond)
	if !s.checked("wix-commerce", "api-keys-page") {
		t.Errorf("enter on the checked step 1 unchecked it in the state file")
	}
	term.keys("q")
	if code := term.exited(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	if !s.checked("wix-commerce", "api-keys-page") {
		t.Errorf("step 1 is not checked after quitting")
	}
}
