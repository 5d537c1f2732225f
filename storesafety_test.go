//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state"
)

// Tests of the state store's safety as the command line wires it: the journal, the
// rescue files it ignores, the size limit.

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "1048576": 1 << 20, "512K": 512 << 10, "512k": 512 << 10, "256M": 256 << 20,
		"256MB": 256 << 20, "256MiB": 256 << 20, "2G": 2 << 30, " 3g ": 3 << 30,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "0M", "-1M", "+1M", "M", "1T", "1.5G", "12X", "9999999999G", "1 M"} {
		if got, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, got)
		}
	}
}

// A state file over the limit is refused with a message that names the flag that
// raises it, and is left as it is; the flag lets it be read.
func TestMaxStateSizeFlag(t *testing.T) {
	c := newCLI(t)
	c.mustRun("check", "snowflake", "1")
	before := c.stateHash()
	_, errOut, code := c.run("status", "--max-state-size", "16")
	if code != exitFailed || !strings.Contains(errOut, "--max-state-size") || !strings.Contains(errOut, c.statePath()) {
		t.Errorf("exit %d, want 1 and a message naming the file and --max-state-size:\n%s", code, errOut)
	}
	if c.stateHash() != before {
		t.Error("a refused state file was changed")
	}
	if _, errOut, code := c.run("status", "--max-state-size=1M"); code != exitOK {
		t.Errorf("a limit above the file's size: exit %d\n%s", code, errOut)
	}
	if _, errOut, code := c.run("status", "--max-state-size", "lots"); code != exitUsage || !strings.Contains(errOut, "--max-state-size: \"lots\" is not a size") {
		t.Errorf("a bad size: exit %d\n%s", code, errOut)
	}
}

// journalFiles lists the journal of the state file at path.
func journalFiles(t *testing.T, path string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".journal", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

// shortLockWait makes every store of the test give up on a busy lock at once.
func shortLockWait(t *testing.T) {
	prev := storeOptions
	storeOptions = append(storeOptions[:len(storeOptions):len(storeOptions)], state.WithLockTimeout(50*time.Millisecond))
	t.Cleanup(func() { storeOptions = prev })
}

// holdStateLock holds the lock of the state file at path until the test ends.
func holdStateLock(t *testing.T, path string) {
	t.Helper()
	lockStateFile(t, path)
}

// lockStateFile takes the lock of the state file at path (making its directory), as
// another rotatetui would, until the returned func or the end of the test releases it.
func lockStateFile(t *testing.T, path string) (unlock func() error) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	unlock, err := state.OSFS{}.Lock(path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unlock() }) // a second unlock does nothing
	return unlock
}

// The UI's store keeps the journal entry of a save that failed (the screen still shows
// the change, and a kill -9 must not lose it) until the change is in a rescue file.
func TestUIStoreKeepsTheJournalUntilRescued(t *testing.T) {
	c := newCLI(t)
	t.Setenv("TMPDIR", c.home)
	shortLockWait(t)
	holdStateLock(t, c.statePath())
	e := &env{opts: options{}, cmd: findCommand(""), stderr: &bytes.Buffer{}}
	store := state.NewStore(c.statePath(), e.storeOptions()...)
	change := state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snowflakeSteps(t), At: testClock}
	if _, err := store.Apply(change); err == nil {
		t.Fatal("saved while the lock was held")
	}
	if n := journalFiles(t, c.statePath()); len(n) != 1 {
		t.Fatalf("journal after a failed save of the UI's store: %q, want one entry", n)
	}
	var stderr bytes.Buffer
	if saveUnsaved(store, storeRestoreCommand(store), []state.Change{change}, &stderr) {
		t.Fatal("saved while the lock was held")
	}
	if !strings.Contains(stderr.String(), "they are kept in ") {
		t.Fatalf("no rescue file: %s", stderr.String())
	}
	if n := journalFiles(t, c.statePath()); len(n) != 0 {
		t.Errorf("journal once the change is in a rescue file: %q, want none (restore would make it twice)", n)
	}
	// The commands' stores keep nothing: they say a failed save saved nothing.
	e.cmd = findCommand("check")
	if _, err := state.NewStore(c.statePath(), e.storeOptions()...).Apply(change); err == nil || len(journalFiles(t, c.statePath())) != 0 {
		t.Errorf("a command's failed save left a journal entry (%v)", err)
	}
}

// plantOrphan writes a journal entry for the state file at path as a rotatetui killed
// before it could save leaves it: ours, 0600, locked by nobody.
func plantOrphan(t *testing.T, path string, changes ...state.Change) {
	t.Helper()
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, filepath.Base(path))
	journal := filepath.Join(dir, "."+filepath.Base(path)+".journal")
	if err := os.Mkdir(journal, 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(state.Rescue{StateFile: real, WrittenAt: testClock, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(journal, "00000000000000000001-0123abcd.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A command that writes first saves what a killed rotatetui journaled, and says so; one
// that only reads shows it without writing.
func TestWritingCommandsRecoverTheJournal(t *testing.T) {
	c := newCLI(t)
	if err := os.MkdirAll(filepath.Dir(c.statePath()), 0o700); err != nil {
		t.Fatal(err)
	}
	plantOrphan(t, c.statePath(), state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snowflakeSteps(t), At: testClock, By: "killed@test"})
	rows, _ := c.statusRows("snowflake")
	if rows["snowflake"].Done != 1 {
		t.Errorf("status does not show the journaled check: %+v", rows["snowflake"])
	}
	if _, err := os.Stat(c.statePath()); err == nil {
		t.Error("status, which only reads, wrote the state file")
	}
	// restore with no rescue file saves nothing of its own: only the journal's.
	out, errOut, code := c.run("restore")
	if code != exitOK || !strings.Contains(errOut, "rotatetui: saved the changes a rotatetui that was killed had not saved (1 entry of its journal)\n") {
		t.Errorf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if !c.load().Key("snowflake").Current.Checked("login") {
		t.Error("the journaled check is not in the state file")
	}
	if n := journalFiles(t, c.statePath()); len(n) != 0 {
		t.Errorf("journal after recovery: %q", n)
	}
	if _, errOut, _ := c.run("restore"); strings.Contains(errOut, "killed") {
		t.Errorf("recovered twice: %s", errOut)
	}
}

// A rescue file another user could have written is never restored, and restore and
// the commands that remind of rescue files name it as a warning, made inert.
func TestIgnoredRescueFilesAreWarnedOf(t *testing.T) {
	c := newCLI(t)
	t.Setenv("TMPDIR", c.home)
	statePath := filepath.Join(c.home, "st", "prog\x1b]0;x\a.json")
	c.mustRun("--state", statePath, "check", "snowflake", "1")
	path, err := state.WriteRescue(statePath, []state.Change{{Kind: state.Check, Key: "snowflake", Step: "role", Steps: snowflakeSteps(t), At: testClock}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"restore"}, {"check", "snowflake", "3"}} {
		out, errOut, code := c.run(append([]string{"--state", statePath}, args...)...)
		if code != exitOK || !strings.Contains(errOut, "rotatetui: warning: ") || !strings.Contains(errOut, "has mode 0644") {
			t.Errorf("%v: exit %d, want 0 and a warning of the 0644 rescue file\n%s%s", args, code, out, errOut)
		}
		if strings.ContainsAny(errOut+out, "\x1b\a") {
			t.Errorf("%v: raw control bytes on the terminal: %q", args, errOut)
		}
	}
	st, err := state.NewStore(statePath).Load()
	if err != nil || st.Key("snowflake").Current.Checked("role") {
		t.Errorf("the rescue file another user could have written was restored (%v)", err)
	}
	if !fileExists(path) {
		t.Error("the ignored rescue file was removed")
	}
	if got := screenReminder(state.NewStore(statePath), "rotatetui restore"); !strings.Contains(got, "Ignored: 1 rescue file another user could have written") {
		t.Errorf("screen reminder %q", got)
	}
}

// export -o never replaces an entry of the journal, which may hold the only copy of a
// killed rotatetui's changes.
func TestExportNeverReplacesAJournalEntry(t *testing.T) {
	c := newCLI(t)
	if err := os.MkdirAll(filepath.Dir(c.statePath()), 0o700); err != nil {
		t.Fatal(err)
	}
	plantOrphan(t, c.statePath(), state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snowflakeSteps(t), At: testClock})
	entry := journalFiles(t, c.statePath())[0]
	before, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("export", "-o", entry)
	if code != exitUsage || !strings.Contains(errOut, "would overwrite an entry of the progress file's journal") {
		t.Errorf("exit %d, want 2 and a refusal:\n%s", code, errOut)
	}
	if after, _ := os.ReadFile(entry); !bytes.Equal(before, after) {
		t.Error("the journal entry was replaced")
	}
}

// --help lists the size flags, with their defaults and units.
func TestHelpListsTheSizeFlags(t *testing.T) {
	out, _, code := newCLI(t).run("--help")
	for _, want := range []string{"--max-state-size SIZE", "default 256M", "--max-catalog-size SIZE", "default 64M", "K, M or G"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if code != exitOK {
		t.Errorf("exit %d", code)
	}
}
