package state

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Rescue is the content of a rescue file: changes a person made that could
// not be saved. A failed Apply leaves the previous file in place, so the way to
// recover is to pass Changes to [Store.Apply] once the problem is fixed; Apply
// re-reads the file, so changes saved meanwhile by others are kept.
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
	now := time.Now()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Rescue{StateFile: statePath, WrittenAt: now, Changes: changes}); err != nil {
		return "", fmt.Errorf("write rescue file: %w", err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := fmt.Sprintf("%s.rescue-%s-%s.json", filepath.Base(statePath), now.UTC().Format("20060102T150405Z"), hex.EncodeToString(b[:]))

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
// re-applied.
func ReadRescue(path string) (*Rescue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Rescue
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, &FileError{Path: path, Problem: "not a rescue file: " + err.Error(), Err: err}
	}
	return &r, nil
}
