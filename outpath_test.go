package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rotatetui/rotatetui/state"
)

// TestExportNeverReplacesKeptFiles: export -o refuses the progress file, its lock, its
// rescue files and the catalog in use by what they are, not by how they are spelled (a
// symlinked directory, a hard link, ".."), and writes nothing.
func TestExportNeverReplacesKeptFiles(t *testing.T) {
	c := exportFixture(t)
	stateDir := filepath.Dir(c.statePath())
	alias := filepath.Join(c.home, "alias")
	if err := os.Symlink(stateDir, alias); err != nil {
		t.Fatal(err)
	}
	rescue, err := state.WriteRescue(c.statePath(), []state.Change{{Kind: state.SetNote, Key: "awin", Step: "1", At: testClock, Text: "kept"}})
	if err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(c.home, "hard.json")
	if err := os.Link(c.statePath(), hard); err != nil {
		t.Fatal(err)
	}
	userCatalog := c.write("config/rotatetui/catalog.toml", "version = 1\n[[sources]]\nid = \"mine\"\nname = \"Mine\"\n[[sources.steps]]\ntext = \"Do it.\"\n")
	catalogAlias := filepath.Join(c.home, "config", "rotatetui", "..", "rotatetui", "catalog.toml")

	for _, k := range []struct{ target, what string }{
		{filepath.Join(alias, "state.json"), "would overwrite the progress file"},
		{hard, "would overwrite the progress file"},
		{filepath.Join(stateDir, "..", "rotatetui", "state.json"), "would overwrite the progress file"},
		{filepath.Join(alias, "state.json.lock"), "would overwrite the progress file's lock"},
		{filepath.Join(alias, filepath.Base(rescue)), "would overwrite a rescue file of unsaved changes"},
		{catalogAlias, "would overwrite a catalog in use"},
	} {
		before := snapshot(t, c.statePath(), c.statePath()+".lock", rescue, userCatalog)
		_, errOut, code := c.run("export", "-o", k.target)
		if code != exitUsage || !strings.Contains(errOut, k.what) || !strings.Contains(errOut, "nothing was written") {
			t.Errorf("-o %s: exit %d %q, want 2 and %q", k.target, code, errOut, k.what)
		}
		if after := snapshot(t, c.statePath(), c.statePath()+".lock", rescue, userCatalog); after != before {
			t.Errorf("-o %s changed a kept file", k.target)
		}
	}
}

// TestExportRefusesStateFileNotYetCreated: a progress file that does not exist yet is
// its directory and name, so another spelling of the directory is refused too.
func TestExportRefusesStateFileNotYetCreated(t *testing.T) {
	c := newCLI(t)
	dir := filepath.Join(c.home, "fresh")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	alias := filepath.Join(c.home, "alias")
	if err := os.Symlink(dir, alias); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("export", "--state", filepath.Join(dir, "s.json"), "-o", filepath.Join(alias, "s.json"))
	if code != exitUsage || !strings.Contains(errOut, "would overwrite the progress file") {
		t.Errorf("exit %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err == nil {
		t.Error("the progress file was created by the export")
	}
}

// TestExportRefusesWhatIsNotAPlainFile: a named pipe, a directory or a symbolic link at
// the -o path is named and left as it is (the rename would have replaced it).
func TestExportRefusesWhatIsNotAPlainFile(t *testing.T) {
	c := exportFixture(t)
	fifo := filepath.Join(c.home, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(c.home, "dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	target := c.write("target.md", "someone else's file")
	link := filepath.Join(c.home, "link.md")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		path, kind string
		mode       os.FileMode
	}{
		{fifo, "is a named pipe", os.ModeNamedPipe},
		{dir, "is a directory", os.ModeDir},
		{link, "is a symbolic link", os.ModeSymlink},
	} {
		_, errOut, code := c.run("export", "-o", k.path)
		if code != exitUsage || !strings.Contains(errOut, k.path+" "+k.kind+", not a plain file") || !strings.Contains(errOut, "nothing was written") {
			t.Errorf("-o %s: exit %d %q", k.path, code, errOut)
		}
		if fi, err := os.Lstat(k.path); err != nil || fi.Mode().Type() != k.mode {
			t.Errorf("%s was replaced: %v %v", k.path, fi.Mode(), err)
		}
	}
	if data, _ := os.ReadFile(target); string(data) != "someone else's file" {
		t.Errorf("the link's target was changed: %q", data)
	}
	// A device is refused the same way; tested on the check alone, since the tests run
	// as root and a failure would replace /dev/null.
	if err := checkOutputPath("/dev/null", nil); err == nil || !strings.Contains(err.Error(), "is a device") {
		t.Errorf("/dev/null: %v", err)
	}
}

// snapshot is the contents of files, to see that none changed ("" for a missing one).
func snapshot(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.WriteString(p + "\x00" + string(data) + "\x00")
	}
	return b.String()
}
