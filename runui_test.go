package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/state"
)

// nowhereToWrite is a store whose saves fail and for which no rescue file can be written
// either: the state directory and TMPDIR are below a regular file, which stops root too.
func nowhereToWrite(t *testing.T) *state.Store {
	c := newCLI(t)
	blocker := c.write("blocker", "not a directory")
	t.Setenv("TMPDIR", filepath.Join(blocker, "tmp"))
	return state.NewStore(filepath.Join(blocker, "state.json"))
}

// lastResortChanges are changes whose text exists nowhere else: a note over several
// lines with a hostile escape, a skip reason and a placeholder value.
func lastResortChanges() []state.Change {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []state.Change{
		{Kind: state.Check, Key: "snowflake", Step: "login", At: at},
		{Kind: state.SetNote, Key: "snowflake", Step: "refresh-secret", At: at, Text: "ran the refresh at 14:02\nticket OPS-1234 \x1b[2J\tdone"},
		{Kind: state.Skip, Key: "awin", Step: "3", At: at, Text: "no old key: the account was new"},
		{Kind: state.SetPlaceholder, Key: "smarp", Name: "tenant", At: at, Text: "acme-eu"},
	}
}

// wantLastResort checks that msg lists every change with the full text of each.
func wantLastResort(t *testing.T, msg string) {
	t.Helper()
	for _, want := range []string{
		"no rescue file could be written either",
		"  check snowflake step login at 2026-01-02T03:04:05Z\n",
		"  note snowflake step refresh-secret at 2026-01-02T03:04:05Z\n    | ran the refresh at 14:02\n    | ticket OPS-1234 ^[[2J\tdone\n",
		"  skip awin step 3 at 2026-01-02T03:04:05Z\n    | no old key: the account was new\n",
		"  placeholder smarp {tenant} at 2026-01-02T03:04:05Z\n    | acme-eu\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "\x1b") {
		t.Error("raw escape in the message")
	}
}

// TestUnsavedTextPrintedWhenNoRescueFile: with nowhere to write a rescue file, the exit
// message holds every unsaved change with the full text of every note, skip reason and
// value, made printable: the terminal is the last copy.
func TestUnsavedTextPrintedWhenNoRescueFile(t *testing.T) {
	store := nowhereToWrite(t)
	var stderr bytes.Buffer
	if saveUnsaved(store, storeRestoreCommand(store), lastResortChanges(), newPrintableWriter(&stderr)) {
		t.Fatal("reported success for a save that cannot work")
	}
	wantLastResort(t, stderr.String())
}

// TestDroppedTextPrintedWhenNoRescueFile: a note the UI could record nowhere (its
// rotation ended) and could not keep in a rescue file either is tried once more at
// exit, then printed in full.
func TestDroppedTextPrintedWhenNoRescueFile(t *testing.T) {
	store := nowhereToWrite(t)
	k := &textKeeper{store: store, restore: storeRestoreCommand(store)}
	if err := k.keep(lastResortChanges()); err == nil {
		t.Fatal("a rescue file was written below a regular file")
	}
	var stderr bytes.Buffer
	if k.atExit(newPrintableWriter(&stderr)) {
		t.Fatal("atExit reported nothing lost")
	}
	if !strings.Contains(stderr.String(), "4 notes and skip reasons could be recorded nowhere") {
		t.Errorf("message: %s", stderr.String())
	}
	wantLastResort(t, stderr.String())

	// Once a rescue file can be written, at exit they go there.
	k = &textKeeper{store: state.NewStore(filepath.Join(t.TempDir(), "state.json")), restore: "rotatetui restore"}
	k.unkept = lastResortChanges()
	stderr.Reset()
	if k.atExit(&stderr) || !strings.Contains(stderr.String(), "they are kept in ") {
		t.Errorf("message: %s", stderr.String())
	}
	if !(&textKeeper{}).atExit(&stderr) {
		t.Error("nothing to keep must report nothing lost")
	}
}
