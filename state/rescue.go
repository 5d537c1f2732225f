package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	StateFile string    `json:"state_file"` // the state file the changes were meant for
	WrittenAt time.Time `json:"written_at"`
	Changes   []Change  `json:"changes"`
}

// WriteRescue is the last resort when a final save fails: it writes the
// unsaved changes as JSON next to the state file, or in os.TempDir() if that
// directory is unusable, with mode 0600, and returns where. The name is new
// each time (statefile.rescue-<time>-<random>.json) so it never overwrites an
// earlier rescue.
func WriteRescue(statePath string, changes []Change) (rescuePath string, err error) {
	if abs, err := filepath.Abs(statePath); err == nil {
		statePath = abs // restore may run from another directory
	}
	now := time.Now()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Rescue{StateFile: statePath, WrittenAt: now, Changes: changes}); err != nil {
		return "", fmt.Errorf("write rescue file: %w", err)
	}
	name := fmt.Sprintf("%s.rescue-%s-%s.json", filepath.Base(statePath), now.UTC().Format("20060102T150405Z"), randomHex(4))

	var errs []error
	for _, dir := range []string{filepath.Dir(statePath), os.TempDir()} {
		p := filepath.Join(dir, name)
		if err := writeNew(p, buf.Bytes()); err != nil {
			errs = append(errs, err)
			continue
		}
		return p, nil
	}
	return "", fmt.Errorf("write rescue file: %w", errors.Join(errs...))
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

// ReadRescue reads a file written by [WriteRescue], so the changes can be
// re-applied. A file that is not one is a [*FileError] naming its line and column.
func ReadRescue(path string) (*Rescue, error) {
	data, err := readRegular(path, DefaultMaxFileSize)
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return nil, &FileError{Path: path, Problem: errText(err), Err: err}
	}
	if err != nil {
		return nil, err
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
// first: those next to it, and those in os.TempDir() (where WriteRescue falls back)
// that were written for it. Files it cannot read are left out: in a shared temporary
// directory they are another user's.
func FindRescues(statePath string) ([]string, error) {
	abs, err := filepath.Abs(statePath)
	if err != nil {
		return nil, err
	}
	next, err := filepath.Glob(filepath.Join(filepath.Dir(abs), rescuePattern(abs)))
	if err != nil {
		return nil, err
	}
	found := next
	if tmp := filepath.Clean(os.TempDir()); tmp != filepath.Dir(abs) {
		elsewhere, err := filepath.Glob(filepath.Join(tmp, rescuePattern(abs)))
		if err != nil {
			return nil, err
		}
		for _, p := range elsewhere {
			if r, err := ReadRescue(p); err == nil && r.For(abs) {
				found = append(found, p)
			}
		}
	}
	// The names start with the time they were written, so by name is by age.
	slices.SortStableFunc(found, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	return found, nil
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
