package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rotatetui/rotatetui/state"
)

// outpath.go guards the files a command writes at a path the person names (export -o):
// the write replaces whatever is there, so it must never be a file rotatetui keeps,
// whatever its spelling, nor anything but a plain file.

// keptFile is a file an output must never replace, and what it is, for the message.
type keptFile struct {
	path string
	what string // "the progress file", ...
}

// keptFiles lists the files rotatetui keeps for the command in e: the progress file,
// its lock and its rescue files, and the catalogs and settings in use.
func (e *env) keptFiles() []keptFile {
	var kept []keptFile
	if e.store != nil {
		p := e.store.RescuePath()
		if p == e.store.Path() { // a file, not a database
			kept = append(kept, keptFile{p, "the progress file"}, keptFile{p + ".lock", "the progress file's lock"})
		}
		rescues, _ := state.FindRescues(p) // unreadable: nothing there to lose
		for _, r := range rescues {
			kept = append(kept, keptFile{r, "a rescue file of unsaved changes"})
		}
		for _, j := range journalEntries(p) {
			kept = append(kept, keptFile{j, "an entry of the progress file's journal"})
		}
	}
	for _, c := range catalogFiles(e.opts) {
		kept = append(kept, keptFile{c, "a catalog in use"})
	}
	if p := userConfigPath(); p != "" {
		kept = append(kept, keptFile{p, "the settings file"})
	}
	return kept
}

// journalEntries are the files in the journal of the state file at p (see
// state.WithJournalKept): beside the file its links lead to, named after it.
func journalEntries(p string) []string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	entries, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".journal", "*"))
	return entries
}

// checkOutputPath refuses path as the target of a write that replaces it: when it is
// one of kept, by file identity (device and inode, so a symlinked directory, a hard
// link or "..") is no way round), or when it exists and is not a regular file (a
// device, a pipe, a directory, a symbolic link), which the rename would replace.
func checkOutputPath(path string, kept []keptFile) error {
	for _, k := range kept {
		if sameLocation(path, k.path) {
			return fmt.Errorf("would overwrite %s (%s); pick another file", k.what, k.path)
		}
	}
	info, err := os.Lstat(path)
	if err != nil {
		return nil // nothing there yet (or the write will say why it cannot)
	}
	if kind := fileKind(info.Mode()); kind != "" {
		return fmt.Errorf("is %s, not a plain file: only a plain file is replaced", kind)
	}
	return nil
}

// sameLocation reports whether paths a and b name one file: the same existing file, or
// the same name in the same directory (for a file not created yet).
func sameLocation(a, b string) bool {
	if ia, err := os.Stat(a); err == nil {
		if ib, err := os.Stat(b); err == nil && os.SameFile(ia, ib) {
			return true
		}
	}
	if filepath.Base(a) != filepath.Base(b) {
		return false
	}
	da, err := os.Stat(filepath.Dir(a))
	if err != nil {
		return false
	}
	db, err := os.Stat(filepath.Dir(b))
	return err == nil && os.SameFile(da, db)
}

// fileKind names what a file that is not a regular file is; "" for a regular file.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
