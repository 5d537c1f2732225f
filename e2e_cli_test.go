package main

import (
	"strings"
	"testing"
)

// TestEndToEndCheckAsksBeforeRevoking: in a real terminal, checking a revoke step while
// no new key exists asks y/N; n saves nothing, y checks it. Without a terminal the same
// command is refused and names --yes.
func TestEndToEndCheckAsksBeforeRevoking(t *testing.T) {
	s := newSandbox(t)
	if _, stderr, code := s.run("check", "awin", "2"); code != exitFailed || !strings.Contains(stderr, "add --yes") {
		t.Fatalf("without a terminal: exit %d, %q", code, stderr)
	}

	term := s.start("check", "awin", "1", "2")
	term.waitFor("step 2 of Awin replaces the key in one action", "Check step 2 anyway? [y/N]")
	term.keys("n", "Enter")
	if code := term.exited(); code != exitFailed {
		t.Errorf("answered n: exit %d, want 1", code)
	}
	term.waitFor("nothing was checked.")
	if fileExists(s.statePath()) {
		t.Error("answered n: the state file was written")
	}

	term = s.start("check", "awin", "1", "2")
	term.waitFor("Check step 2 anyway? [y/N]")
	term.keys("y", "Enter")
	if code := term.exited(); code != exitOK {
		t.Fatalf("answered y: exit %d\n%s", code, term.screen())
	}
	term.waitFor("Awin: checked step 2")
	if !s.checked("awin", "revoke-token") {
		t.Error("answered y: step 2 is not checked")
	}
}
