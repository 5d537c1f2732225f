package main

import (
	"os"
	"path/filepath"
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
	s.env = append(s.env, "ROTATETUI_TEST_LOCK_TIMEOUT=300ms")
	if err := os.MkdirAll(filepath.Dir(s.statePath()), 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(s.statePath()+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	term := s.start("snowflake")
	term.waitFor("0/8")
	term.keys("Space")
	term.waitFor("1/8", "Not saved") // the save gave up on the lock
	if err := syscall.Kill(term.pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := term.exited(); code != 128+9 {
		t.Errorf("exit status %d, want 137 (SIGKILL)", code)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_UN); err != nil {
		t.Fatal(err)
	}
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
