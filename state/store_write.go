package state

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// How a save reaches the disk: the new file is written to a temp file beside the state
// file, synced and renamed over it, so that a crash leaves either the old or the new
// content; a temp file a crash left behind is removed at the next start.

// write saves st over the file whose bytes were prev (nil: none) in format version
// fileVersion, keeping a backup of an older format, and returns st as saved.
func (s *Store) write(st *State, prev []byte, fileVersion int) (*State, error) {
	data, err := encode(st)
	if err != nil {
		return nil, fmt.Errorf("save %s: encode: %w", s.path, err)
	}
	// Never write what we could not read back: the result is what Load will
	// return, and a bug that breaks an invariant is refused here instead of
	// producing a file every later run refuses.
	saved, _, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("save %s: refusing to write a file that would not load: %w", s.path, err)
	}

	if prev != nil && fileVersion < currentVersion {
		backup := fmt.Sprintf("%s.v%d", s.file(), fileVersion)
		if _, err := s.fsys.Stat(backup); errors.Is(err, fs.ErrNotExist) {
			if _, err := s.replace(backup, prev); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, s.saveErr("stat", backup, err)
		}
	}
	if renamed, err := s.replace(s.file(), data); err != nil {
		if renamed {
			err = s.undo(prev, err)
		}
		return nil, err
	}
	return saved, nil
}

// replace writes data over target so that a crash leaves either the old or the
// new content. renamed reports whether target already holds data when err is
// non-nil, which happens only when the directory sync fails.
func (s *Store) replace(target string, data []byte) (renamed bool, err error) {
	tmp, f, err := s.createTemp()
	if err != nil {
		return false, err
	}
	fail := func(err error) (bool, error) {
		_ = f.Close()
		_ = s.fsys.Remove(tmp)
		return false, err
	}
	if n, err := f.Write(data); err != nil || n < len(data) {
		if err == nil {
			err = errors.New("short write")
		}
		return fail(s.saveErr("write", tmp, err))
	}
	if err := f.Sync(); err != nil {
		return fail(s.saveErr("fsync", tmp, err))
	}
	if err := f.Close(); err != nil {
		_ = s.fsys.Remove(tmp)
		return false, s.saveErr("close", tmp, err)
	}
	if err := s.fsys.Rename(tmp, target); err != nil {
		_ = s.fsys.Remove(tmp)
		return false, s.saveErr("rename", tmp+" -> "+target, err)
	}
	if err := s.fsys.SyncDir(filepath.Dir(target)); err != nil {
		return true, s.saveErr("fsync dir", filepath.Dir(target), err)
	}
	return false, nil
}

// undo puts prev (nil: no file) back after a save whose rename happened but
// whose directory sync failed. The caller is told the save failed, so what is
// on disk should match that belief. It is best effort: the directory is
// evidently in trouble.
func (s *Store) undo(prev []byte, saveErr error) error {
	var err error
	if prev == nil {
		err = s.fsys.Remove(s.file())
	} else if renamed, rerr := s.replace(s.file(), prev); !renamed {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("%w; the new content stays in place (could not put the previous file back: %v)", saveErr, err)
	}
	return fmt.Errorf("%w; the previous file was put back", saveErr)
}

// randomHex returns n random bytes in hex, for file names no other process picks. It
// need not be a secret: O_EXCL makes a taken name fail rather than be shared, and the
// caller then draws another. math/rand/v2's generator is seeded from the system in
// every process, so other processes cannot guess the names either. crypto/rand brought
// math/big and more with it: `status` started about 0.2 ms sooner without them.
func randomHex(n int) string {
	b := make([]byte, 0, n+8)
	for len(b) < n {
		b = binary.LittleEndian.AppendUint64(b, rand.Uint64())
	}
	return hex.EncodeToString(b[:n])
}

// createTemp creates a new temp file next to the state file. O_EXCL with mode
// 0600 at creation means no other user can ever open it, even briefly, and we
// never follow a pre-planted file or symlink.
func (s *Store) createTemp() (string, File, error) {
	for range 10 {
		name := filepath.Join(s.dir(), s.tempPrefix()+randomHex(8))
		f, err := s.fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", nil, s.saveErr("create", name, err)
		}
		return name, f, nil
	}
	return "", nil, s.saveErr("create", s.dir(), errors.New("no free temp file name after 10 tries"))
}

// CleanTemp removes temp files left behind by a save that crashed. Call it at
// startup. It takes the lock, and every save creates its temp file only while
// holding the lock, so any temp file it sees belongs to nobody.
func (s *Store) CleanTemp() error {
	s, err := s.resolved()
	if err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	entries, err := s.fsys.ReadDir(s.dir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	var stray []string
	for _, e := range entries {
		if s.isTemp(e.Name()) {
			stray = append(stray, filepath.Join(s.dir(), e.Name()))
		}
	}
	if len(stray) == 0 {
		return nil // don't create the lock file just to look
	}
	unlock, err := s.fsys.Lock(s.lockPath(), s.lockTimeout)
	if err != nil {
		return fmt.Errorf("clean temp files: lock %s: %w", s.lockPath(), bareErr(err))
	}
	defer unlock()
	var errs []error
	for _, p := range stray {
		if err := s.fsys.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clean temp files: %w", err)
	}
	return nil
}

func (s *Store) isTemp(name string) bool {
	suffix, ok := strings.CutPrefix(name, s.tempPrefix())
	if !ok || len(suffix) != 16 {
		return false
	}
	_, err := hex.DecodeString(suffix)
	return err == nil
}
