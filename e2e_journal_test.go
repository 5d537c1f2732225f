package main

import (
	"strings"
	"syscall"
	"testing"
)

// TestEndToEndKillWhileTheLockIsBusyLosesNothing: another process holds the lock, so
// the check on screen cannot be saved, and the save gives up; the screen still shows
// it. A kill -9 then must not lose it: the journal keeps it, and once the lock is free
// the next rotatetui shows it, and the next one that writes saves it, saying so.
func TestEndToEndKillWhileTheLockIsBusyLosesNothing(t *testing.T) {
	s := newSandbox(t)
	release := s.holdLock()

	term := s.checkUnsaved()
	if code := term.signal(syscall.SIGKILL); code != 128+9 {
		t.Errorf("exit status %d, want 137 (SIGKILL)", code)
	}
	release()
	out, errOut, code := s.run("status", "snowflake")
	if code != 0 || !strings.Contains(out, "1/8") {
		t.Errorf("status after the kill: exit %d, want the check (1/8)\n%s%s", code, out, errOut)
	}
	out, errOut, code = s.run("restore")
	if code != 0 || !strings.Contains(errOut, "saved the changes a rotatetui that was killed had not saved") {
		t.Errorf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if !s.checked("snowflake", "login") {
		t.Error("the check made before the kill is not in the state file")
	}
}
