package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rotatetui/rotatetui/state"
)

// hostile is text that drives a terminal: an OSC title change ended by BEL, a
// one-character CSI (U+009B), a right-to-left override, DEL and a carriage return.
const hostile = "\x1b]0;pwned\a\u009b31m\u202eevil\x7f\r"

// rawControl is the first character of s a terminal would obey, or -1: controls
// but for newline and tab, DEL, C1 controls and bidirectional controls.
func rawControl(s string) rune {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return r
		}
	}
	return -1
}

// TestMessagesEchoNoRawControls: every message that echoes a file name or a value
// given on the command line, or read from a file, shows it made visible (^[, M-^[,
// <U+202E>) on stderr and on stdout, never raw.
func TestMessagesEchoNoRawControls(t *testing.T) {
	c := newCLI(t)
	dir := filepath.Join(c.home, "d"+hostile)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	badCatalog := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(badCatalog, []byte("version = 1\n[[sources]]\nid = \"a\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badVersion := filepath.Join(dir, "state.json")
	if err := os.WriteFile(badVersion, []byte(`{"version": "\u001b[31m\u009b\u202e2"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyState := filepath.Join(dir, "empty", "state.json")
	for _, args := range [][]string{
		{"status", "--catalog", filepath.Join(dir, "missing.toml")},
		{"status", "--catalog", badCatalog},
		{"status", "--state", badVersion},
		{"validate", filepath.Join(dir, "missing.toml")},
		{"validate", badCatalog},
		{"restore", filepath.Join(dir, "missing.json")},
		{"restore", "--state", emptyState},
		{"check", "snow" + hostile, "1"},
		{"status", "awin" + hostile},
		{"export", "--source", hostile},
		{"export", "--since", hostile},
		{"export", "--format", hostile},
		{"rotated", "awin", "--on", hostile},
		{"--bogus" + hostile},
		{"--resume", hostile},
		{"export", "-o", filepath.Join(dir, "report.md")},
		{"export", "-o", dir},
		{"check", "--state", filepath.Join(badCatalog, "state.json"), "awin", "1"},
	} {
		out, errOut, code := c.run(args...)
		if r := rawControl(out + errOut); r >= 0 {
			t.Errorf("%q: exit %d, raw %U in\nstdout %q\nstderr %q", args, code, r, out, errOut)
		}
		if !strings.Contains(out+errOut, "^[") && !strings.Contains(out+errOut, "M-^[") {
			t.Errorf("%q: the hostile text is not shown at all:\nstdout %q\nstderr %q", args, out, errOut)
		}
	}
}

// TestJSONOutputEscapesControls: --json output carries what it holds as it is (here a
// catalog's file name, its origin), but with the characters a terminal would obey as
// \u escapes, which decode to the same text.
func TestJSONOutputEscapesControls(t *testing.T) {
	c := newCLI(t)
	cat := c.write("c \u009b31m \u202e \x7f \u0085.toml", "version = 1\n[[sources]]\nid = \"x\"\nname = \"X\"\n[[sources.steps]]\ntext = \"Do it.\"\n")
	out, errOut, code := c.run("catalog", "--json", "--no-builtin", "--catalog", cat)
	if code != exitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	if r := rawControl(out); r >= 0 {
		t.Errorf("raw %U in JSON:\n%s", r, out)
	}
	if !strings.Contains(out, `c \u009b31m \u202e \u007f \u0085.toml`) {
		t.Errorf("the file name is not escaped as expected:\n%s", out)
	}
	var got struct {
		Sources []struct{ Origin string } `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Sources) != 1 || got.Sources[0].Origin != cat {
		t.Errorf("decoded %+v %v, want origin %q", got, err, cat)
	}
}

// TestPrintableWriterKeepsSplitCharacters: a character split across two writes is
// written whole, not as two U+FFFD; plain text passes unchanged.
func TestPrintableWriterKeepsSplitCharacters(t *testing.T) {
	var buf bytes.Buffer
	w := newPrintableWriter(&buf)
	text := []byte("déjà vu — ok\n\tend")
	for i := range text {
		if _, err := w.Write(text[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(text) {
		t.Errorf("got %q", buf.String())
	}
	buf.Reset()
	_, _ = w.Write([]byte("bad \xe2\x80"))
	_ = w.Flush()
	if got := buf.String(); !utf8.ValidString(got) || !strings.HasPrefix(got, "bad ") {
		t.Errorf("an unfinished character at the end: %q", got)
	}
}

// TestRescueNamesArePrintable: the rescue file named in the exit message of a UI that
// could not save is printable, whatever the state file's name holds.
func TestRescueNamesArePrintable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d"+hostile)
	if err := os.MkdirAll(filepath.Join(dir, "s.json"), 0o700); err != nil { // a directory: saves fail
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	store := state.NewStore(filepath.Join(dir, "s.json"))
	saveUnsaved(store, storeRestoreCommand(store), []state.Change{{Kind: state.Check, Key: "awin", Step: "1", At: testClock}}, newPrintableWriter(&errOut))
	if r := rawControl(errOut.String()); r >= 0 || !strings.Contains(errOut.String(), "^[") {
		t.Errorf("raw %U in %q", r, errOut.String())
	}
}
