package state

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// FS is the set of file operations the store uses. It exists so tests can make
// any one of them fail; [OSFS] is the real thing.
type FS interface {
	// ReadRegular reads the regular file name, failing at once on anything else (a
	// directory, a named pipe, a device) with an error wrapping [ErrNotRegular], and
	// on one longer than limit bytes with one wrapping [ErrTooLarge].
	ReadRegular(name string, limit int64) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
	EvalSymlinks(path string) (string, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	MkdirAll(path string, perm fs.FileMode) error
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	// SyncDir makes a rename in directory name durable.
	SyncDir(name string) error
	// Lock takes an exclusive lock on the file name (creating it 0600 if
	// needed), waiting at most timeout. The lock must be released by the OS
	// when the holder dies, so a crashed process never blocks anyone.
	Lock(name string, timeout time.Duration) (unlock func() error, err error)
}

// File is an open file being written.
type File interface {
	Write(p []byte) (int, error)
	Sync() error
	Close() error
}

// OSFS is the operating system's file system. It is exported so tests
// elsewhere can wrap it and fail selected operations.
type OSFS struct{}

// ReadRegular opens name without blocking (a named pipe would otherwise wait for a
// writer for ever), checks what it opened with fstat, and reads at most limit bytes.
func (OSFS) ReadRegular(name string, limit int64) ([]byte, error) {
	return readRegular(name, limit)
}

// Stat calls os.Stat.
func (OSFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Lstat calls os.Lstat.
func (OSFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }

// Readlink calls os.Readlink.
func (OSFS) Readlink(name string) (string, error) { return os.Readlink(name) }

// EvalSymlinks calls filepath.EvalSymlinks.
func (OSFS) EvalSymlinks(path string) (string, error) { return filepath.EvalSymlinks(path) }

// ReadDir calls os.ReadDir.
func (OSFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// MkdirAll calls os.MkdirAll.
func (OSFS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }

// OpenFile calls os.OpenFile.
func (OSFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	return os.OpenFile(name, flag, perm)
}

// Rename calls os.Rename.
func (OSFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove calls os.Remove.
func (OSFS) Remove(name string) error { return os.Remove(name) }

// SyncDir fsyncs the directory. Filesystems that cannot sync a directory
// (EINVAL/ENOTSUP) give no stronger guarantee to ask for, so that is not an
// error.
func (OSFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	return errors.Join(err, d.Close())
}

// Lock uses flock(2) (via github.com/gofrs/flock), which the kernel releases
// when the holder dies, even by SIGKILL. The lock file is never opened through a
// symbolic link (O_NOFOLLOW): a link to nowhere would have it created wherever it
// points.
func (OSFS) Lock(name string, timeout time.Duration) (func() error, error) {
	if fi, err := os.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errLockLink
	} else if err == nil {
		if err := regularFile(fi); err != nil {
			return nil, err // before opening it: opening a device can do things
		}
	}
	fl := flock.New(name, flock.SetPermissions(0o600), flock.SetFlag(os.O_CREATE|os.O_RDONLY|openNoFollow|openNonBlock))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, 5*time.Millisecond)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("timed out after %v: %w", timeout, ErrLockHeld)
	}
	if err != nil {
		if fi, lerr := os.Lstat(name); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, errLockLink // made a link since the look above
		}
		return nil, err
	}
	if !ok {
		return nil, errors.New("not acquired")
	}
	if fi, err := fl.Stat(); err != nil || regularFile(fi) != nil { // what was opened, should it have changed since
		_ = fl.Unlock()
		if err == nil {
			err = regularFile(fi)
		}
		return nil, err
	}
	return fl.Unlock, nil
}

// errLockLink refuses a lock file that is a symbolic link.
var errLockLink = errors.New("is a symbolic link, and a lock is never taken through one (remove it: rotatetui makes a new one)")
