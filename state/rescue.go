package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Rescue is the content of a rescue file: changes a person made that could
// not be saved. A failed Apply leaves the previous file in place, so the way to
// recover is to pass Changes to [Store.Apply] once the problem is fixed, which is
// what `rotatetui restore` does; Apply re-reads the file, so changes saved
// meanwhile by others are kept.
type Rescue struct {
	StateFile string `json:"state_file"` // the state file the changes were meant for (a database store's RescuePath)
	// Store names a store that is not a file, as its Path does (a database URL without
	// its password), so that the person and restore's messages know where it belongs.
	Store     string    `json:"store,omitempty"`
	WrittenAt time.Time `json:"written_at"`
	Changes   []Change  `json:"changes"`
}

// WriteRescue is the last resort when a final save fails: it writes the
// unsaved changes as JSON, with mode 0600, into a directory that is ours (see
// [ownDir]): next to the state file, else os.TempDir() if that is ours, else a
// 0700 directory of our own in it (rotatetui-<uid>), never straight into a shared
// /tmp, where another user could plant a file of the same kind. It returns where.
// The name is new each time (statefile.rescue-<time>-<random>.json) so it never
// overwrites an earlier rescue.
func WriteRescue(statePath string, changes []Change) (rescuePath string, err error) {
	return writeRescue(statePath, "", changes)
}

// WriteRescueFor is [WriteRescue] for the store b: its rescue files are named after,
// and say they are for, b.RescuePath(), and one of a database names the database too.
func WriteRescueFor(b Backend, changes []Change) (rescuePath string, err error) {
	name := ""
	if b.Path() != b.RescuePath() {
		name = b.Path()
	}
	return writeRescue(b.RescuePath(), name, changes)
}

// StoreName names the store the changes were meant for, for the person.
func (r *Rescue) StoreName() string {
	if r.Store != "" {
		return r.Store
	}
	return r.StateFile
}

func writeRescue(statePath, storeName string, changes []Change) (rescuePath string, err error) {
	if abs, err := filepath.Abs(statePath); err == nil {
		statePath = abs // restore may run from another directory
	}
	now := time.Now()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Rescue{StateFile: statePath, Store: storeName, WrittenAt: now, Changes: changes}); err != nil {
		return "", fmt.Errorf("write rescue file: %w", err)
	}
	name := fmt.Sprintf("%s.rescue-%s-%s.json", filepath.Base(statePath), now.UTC().Format("20060102T150405Z"), randomHex(4))

	var errs []error
	for _, dir := range sharedDirs(statePath) {
		p, err := writeRescueIn(dir, statePath, name, buf.Bytes())
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	}
	// Another user may have taken our directory's name: then one whose name nobody can
	// guess, which ScanRescues also looks in.
	dir, err := os.MkdirTemp("", userDirName()+"-*")
	if err == nil {
		var p string
		if p, err = writeRescueIn(dir, statePath, name, buf.Bytes()); err == nil {
			return p, nil
		}
	}
	errs = append(errs, err)
	return "", fmt.Errorf("write rescue file: %w", errors.Join(errs...))
}

// writeRescueIn writes a new rescue file called name into dir, if dir is ours.
func writeRescueIn(dir, statePath, name string, data []byte) (string, error) {
	if err := ownDir(dir, dir != filepath.Dir(statePath)); err != nil {
		return "", err
	}
	p := filepath.Join(dir, name)
	return p, writeNew(p, data)
}

// sharedDirs are where the rescue files of the state file at statePath (absolute) go,
// in order of preference: beside it, os.TempDir() (when it is ours: then it is not
// shared), and our own directory in it, made 0700 if it does not exist yet.
func sharedDirs(statePath string) []string {
	tmp := filepath.Clean(os.TempDir())
	user := filepath.Join(tmp, userDirName())
	_ = os.Mkdir(user, 0o700) // an error shows in ownDir
	if tmp == filepath.Dir(statePath) {
		return []string{tmp, user}
	}
	return []string{filepath.Dir(statePath), tmp, user}
}

// rescueDirs are the directories ScanRescues looks in: sharedDirs, and the
// directories WriteRescue made when another user had taken our directory's name.
func rescueDirs(statePath string) []string {
	dirs := sharedDirs(statePath)
	more, _ := filepath.Glob(filepath.Join(filepath.Clean(os.TempDir()), userDirName()+"-*"))
	return append(dirs, more...)
}

// userDirName is the name of our own directory in os.TempDir().
func userDirName() string { return "rotatetui-" + userID() }

// ownDir returns nil when dir is a directory that is ours: owned by us and writable
// by nobody else, so no other user can have put a file in it. strict (for a directory
// in the shared temporary directory) also refuses a symbolic link, which another user
// may have made there.
func ownDir(dir string, strict bool) error {
	stat := os.Stat
	if strict {
		stat = os.Lstat
	}
	fi, err := stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if why := notOurs(fi); why != "" {
		return fmt.Errorf("directory %s %s", dir, why)
	}
	if fi.Mode().Perm()&0o022 != 0 && ownerKnown {
		return fmt.Errorf("directory %s has mode %04o: other users can put files in it", dir, fi.Mode().Perm())
	}
	return nil
}

// notOurs says how a file is not ours ("" when it is): owned by another user.
func notOurs(fi fs.FileInfo) string {
	if uid, ok := fileOwner(fi); ok && uid != os.Getuid() {
		return fmt.Sprintf("is owned by uid %d, not by you (uid %d)", uid, os.Getuid())
	}
	return ""
}

// trustRescue returns nil for a rescue file that only we can have written: a regular
// file, ours, that no other user can read or write (mode 0600, as WriteRescue makes it).
func trustRescue(fi fs.FileInfo) error {
	if err := regularFile(fi); err != nil {
		return err
	}
	if why := notOurs(fi); why != "" {
		return errors.New(why + ": a rescue file is restored only if it is yours")
	}
	if fi.Mode().Perm()&0o077 != 0 && ownerKnown {
		return fmt.Errorf("has mode %04o, not 0600 as rotatetui writes rescue files: chmod 600 it if it is yours", fi.Mode().Perm())
	}
	return nil
}

// writeNew creates path (which must not exist) with mode 0600 and data, synced.
func writeNew(path string, data []byte) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(path) // a partial rescue file would only mislead
		}
	}()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// ErrUntrusted is wrapped by the error for a rescue file that another user owns or
// can write to: its changes are not ours to restore.
var ErrUntrusted = errors.New("not a rescue file of yours")

// ReadRescue reads a file written by [WriteRescue], so the changes can be
// re-applied. A file that is not one is a [*FileError] naming its line and column; one
// that is not ours (see trustRescue) is a [*FileError] wrapping [ErrUntrusted].
func ReadRescue(path string) (*Rescue, error) {
	data, fi, err := readRegularInfo(path, DefaultMaxFileSize)
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return nil, &FileError{Path: path, Problem: errText(err), Err: err}
	}
	if err != nil {
		return nil, err
	}
	if err := trustRescue(fi); err != nil {
		return nil, &FileError{Path: path, Problem: err.Error(), Err: fmt.Errorf("%w: %w", ErrUntrusted, err)}
	}
	var r Rescue
	if p := decodeStrict(data, &r, true); p != nil {
		return nil, &FileError{Path: path, Problem: "not a rescue file: " + p.msg, Err: p}
	}
	if r.StateFile == "" {
		return nil, &FileError{Path: path, Problem: "not a rescue file: no \"state_file\""}
	}
	return &r, nil
}

// rescuePattern matches the names WriteRescue gives the rescue files of statePath.
func rescuePattern(statePath string) string {
	// The state file's own name is matched literally, whatever it holds (Windows has no
	// escapes in patterns, and no '*' or '?' in names).
	base := filepath.Base(statePath)
	if runtime.GOOS != "windows" {
		base = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(base)
	}
	return base + ".rescue-*.json"
}

// FindRescues returns the rescue files kept for the state file at statePath, oldest
// first, that are ours: see [ScanRescues], which also says which it left out.
func FindRescues(statePath string) ([]string, error) {
	found, _, err := ScanRescues(statePath)
	return found, err
}

// IgnoredRescue is a rescue file for the state file that [ScanRescues] left out because
// another user could have written it, and why.
type IgnoredRescue struct {
	Path, Reason string
}

// String is the warning for the person: the file and why it was ignored.
func (i IgnoredRescue) String() string { return i.Path + ": " + i.Reason }

// ScanRescues returns the rescue files kept for the state file at statePath, oldest
// first: those in the directories WriteRescue writes to that are ours, owned by us
// with mode 0600, and meant for that state file (in the temporary directories, which
// several state files share). Files of that name that another user could have
// planted (in a directory that is not ours, or not ours themselves) are left out and
// listed in ignored, for the caller to warn of; in a shared directory, only those
// that say they are for this state file are, and unreadable ones not at all.
func ScanRescues(statePath string) (found []string, ignored []IgnoredRescue, err error) {
	abs, err := filepath.Abs(statePath)
	if err != nil {
		return nil, nil, err
	}
	for _, dir := range rescueDirs(abs) {
		names, err := filepath.Glob(filepath.Join(dir, rescuePattern(abs)))
		if err != nil {
			return nil, nil, err
		}
		next := dir == filepath.Dir(abs)
		dirErr := ownDir(dir, !next)
		for _, p := range names {
			f, ig := judgeRescue(p, abs, next, dirErr)
			found, ignored = append(found, f...), append(ignored, ig...)
		}
	}
	// The names start with the time they were written, so by name is by age.
	slices.SortStableFunc(found, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	return found, ignored, nil
}

// judgeRescue sorts the rescue file p, found for the state file abs, into found or
// ignored; dirErr says why its directory is not ours (nil: it is); next is whether
// it lies beside the state file, where every file of the name is for it. Elsewhere,
// a file is only warned of if it says it is for abs.
func judgeRescue(p, abs string, next bool, dirErr error) (found []string, ignored []IgnoredRescue) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, nil // gone since the glob
	}
	why := ""
	if dirErr != nil {
		why = "ignored, as another user could have put it there: " + dirErr.Error()
	} else if err := trustRescue(fi); err != nil {
		why = "ignored: it " + err.Error()
	}
	if why != "" {
		if next || claimsFor(p, abs) {
			ignored = append(ignored, IgnoredRescue{p, why})
		}
		return nil, ignored
	}
	if r, err := ReadRescue(p); !next && (err != nil || !r.For(abs)) {
		return nil, nil // unreadable, or another state file's, in a directory they share
	}
	return []string{p}, nil
}

// claimsFor reports whether the file at p reads as a rescue file for the state file
// abs, whoever wrote it: only to decide whether to warn of it.
func claimsFor(p, abs string) bool {
	data, err := readRegular(p, DefaultMaxFileSize)
	var r Rescue
	return err == nil && decodeStrict(data, &r, true) == nil && r.For(abs)
}

// sameFile reports whether two paths name the same state file, comparing absolute
// paths (the file itself may not exist yet).
func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// For reports whether the rescued changes were meant for the state file at statePath.
func (r *Rescue) For(statePath string) bool { return sameFile(r.StateFile, statePath) }
