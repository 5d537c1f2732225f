package state

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// Store reads and writes one state file. It does no I/O until a method is
// called, and holds no state between calls: every Apply re-reads the file, so
// a Store is safe for concurrent use, and several Stores (in one process or
// many) can share a path.
type Store struct {
	path string // as the person gave it, for messages
	// maxSize is the most bytes a state file may hold, so a file that is huge (or never
	// ends) fails at once instead of filling memory.
	maxSize int64
	// real is path with its symbolic links resolved, set only on the copy of the
	// store that each operation works with (see resolved): it is the file read,
	// replaced and locked.
	real        string
	fsys        FS
	lockTimeout time.Duration

	// Test hooks, set only by this package's helper processes: noLock skips
	// the lock so the lost-update test can show the lock is what prevents
	// losses, and raceDelay widens the read-modify-write window to make that
	// loss reliable on a quiet machine.
	noLock    bool
	raceDelay time.Duration

	keepFailed bool         // see WithJournalKept
	held       *heldEntries // shared by the copies resolved makes
}

// Option configures a Store.
type Option func(*Store)

// WithFS replaces the file system, so tests can inject failures into each
// step of a save.
func WithFS(fsys FS) Option { return func(s *Store) { s.fsys = fsys } }

// WithLockTimeout sets how long a save waits for another process to release the lock
// before it fails (default 10s).
func WithLockTimeout(d time.Duration) Option { return func(s *Store) { s.lockTimeout = d } }

// WithoutLockingForTests turns the lock off and sleeps for raceDelay between reading
// and writing the file. It exists only so tests can show that the lock is what prevents
// lost updates between processes; rotatetui never uses it unless built with its test
// hooks switched on (see main.go).
func WithoutLockingForTests(raceDelay time.Duration) Option {
	return func(s *Store) { s.noLock, s.raceDelay = true, raceDelay }
}

// WithMaxFileSize sets the most bytes a state file may hold before it is refused
// (default [DefaultMaxFileSize]); a command-line flag can raise it.
func WithMaxFileSize(n int64) Option { return func(s *Store) { s.maxSize = n } }

// DefaultMaxFileSize is the largest state file read by default: years of rotations of
// hundreds of sources take a few megabytes.
const DefaultMaxFileSize = 256 << 20

// ErrLockHeld is wrapped by the error of a save that gave up waiting for the lock.
var ErrLockHeld = errors.New("another rotatetui process is holding it")

// defaultLockTimeout bounds how long Apply waits for another process to
// release the lock. Saves take milliseconds; a longer wait means something is
// stuck, and an error (which the UI turns into a rescue file) beats a frozen UI.
const defaultLockTimeout = 10 * time.Second

// NewStore returns a store for the state file at path. The lock is path+".lock", next
// to the file path leads to once its symbolic links are followed (see [Store.Load]).
func NewStore(path string, opts ...Option) *Store {
	s := &Store{path: path, fsys: OSFS{}, lockTimeout: defaultLockTimeout, maxSize: DefaultMaxFileSize, held: &heldEntries{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Path returns the state file's path, for messages to the person.
func (s *Store) Path() string { return s.path }

// file is the state file the store reads and replaces: the real one, once resolved.
func (s *Store) file() string {
	if s.real != "" {
		return s.real
	}
	return s.path
}

func (s *Store) dir() string      { return filepath.Dir(s.file()) }
func (s *Store) lockPath() string { return s.file() + ".lock" }

// tempPrefix is the name prefix of every temp file the store creates next to
// the state file; CleanTemp removes only names with this prefix.
func (s *Store) tempPrefix() string { return "." + filepath.Base(s.file()) + ".tmp-" }

// resolved returns a copy of the store that works on the real state file: the path
// with every symbolic link in it followed, so that a state file that is a link is
// updated where it points (and stays a link), and every spelling of one file takes
// the same lock next to it. A directory that does not exist yet has no link to follow.
// A link that leads nowhere is refused: saving would create a file wherever it points.
func (s *Store) resolved() (*Store, error) {
	r := *s
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return nil, &FileError{Path: s.path, Problem: "cannot resolve: " + errText(err), Err: err}
	}
	dir, err := s.fsys.EvalSymlinks(filepath.Dir(abs))
	if errors.Is(err, fs.ErrNotExist) {
		r.real = abs
		return &r, nil
	}
	if err != nil {
		return nil, &FileError{Path: s.path, Problem: "cannot resolve its directory: " + errText(err), Err: err}
	}
	r.real = filepath.Join(dir, filepath.Base(abs))
	fi, err := s.fsys.Lstat(r.real)
	if err != nil {
		return &r, nil // missing; any other trouble shows when it is read
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return &r, r.regular(fi)
	}
	link := r.real
	if r.real, err = s.fsys.EvalSymlinks(link); err != nil {
		problem := "cannot follow the symbolic link: " + errText(err)
		if errors.Is(err, fs.ErrNotExist) {
			problem = "is a symbolic link to nothing (" + linkText(s.fsys, link) +
				"); rotatetui does not create a file through a link: create its target or remove the link"
		}
		return nil, &FileError{Path: s.path, Problem: problem, Err: err}
	}
	if fi, err := s.fsys.Lstat(r.real); err == nil {
		return &r, r.regular(fi)
	}
	return &r, nil
}

// regular refuses a state file that is not a regular file before anything is opened
// or locked beside it: the lock of /dev/zero would be /dev/zero.lock. Reading checks
// again, on what it opened.
func (s *Store) regular(fi fs.FileInfo) error {
	if err := regularFile(fi); err != nil {
		return s.readErr(err)
	}
	return nil
}

// linkText says where a symbolic link points, as written in it.
func linkText(fsys FS, link string) string {
	to, err := fsys.Readlink(link)
	if err != nil {
		return "unreadable"
	}
	return fmt.Sprintf("it points to %q", to)
}

// Load reads the state file. A missing file or directory reads as New(): that
// is simply a person who has not rotated anything yet. Load creates nothing and
// takes no lock: saves replace the file atomically, so a reader sees either the
// old or the new content.
func (s *Store) Load() (*State, error) {
	r, err := s.resolved()
	if err != nil {
		return nil, err
	}
	st, _, _, err := r.read()
	if err != nil {
		return nil, err
	}
	// Changes a killed process journaled are shown as the next save will make them.
	if orphans, _ := r.orphans(); len(orphans) > 0 {
		replay(st, orphans)
	}
	return st, nil
}

// read returns the decoded state, the file's bytes (nil when missing) and the
// version the file had before migration.
func (s *Store) read() (st *State, data []byte, fileVersion int, err error) {
	data, err = s.fsys.ReadRegular(s.file(), s.maxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil, currentVersion, nil
	}
	if err != nil {
		return nil, nil, 0, s.readErr(err)
	}
	st, fileVersion, err = decode(data)
	if err != nil {
		fe := &FileError{Path: s.path, Problem: err.Error(), Err: err}
		if p := (*problem)(nil); errors.As(err, &p) {
			fe.Err = p.err
		}
		return nil, nil, 0, fe
	}
	return st, data, fileVersion, nil
}

// readErr is the refusal of a state file that could not be read.
func (s *Store) readErr(err error) *FileError {
	problem := errText(err)
	if !errors.Is(err, ErrNotRegular) && !errors.Is(err, ErrTooLarge) {
		problem = "cannot read: " + problem
	}
	return &FileError{Path: s.path, Problem: problem, Err: err}
}

// Apply applies the changes, in order, to the file as it is now on disk and
// saves the result. It returns the state as now on disk, even when nothing
// changed. The batch is all or nothing: if any change is invalid (the error
// wraps [ErrInvalidChange]), the file cannot be used (a [*FileError]), or
// saving fails (an error naming the operation and file), nothing is written
// and the previous file is left as it was. On failure, [WriteRescue] keeps the
// person's changes.
func (s *Store) Apply(changes ...Change) (*State, error) {
	st, _, err := s.ApplyEach(changes...)
	return st, err
}

// ApplyEach is Apply, and also reports which changes took effect: applied[i] is false
// for a change that was a no-op on the file as it was, such as a check already made
// or an undo whose guard no longer held because another instance changed its step.
//
// Before it waits for the lock, the batch is journaled (see WithJournalKept), and
// changes journaled by processes killed before they could save theirs are applied
// first, as a restore would.
func (s *Store) ApplyEach(changes ...Change) (st *State, applied []bool, err error) {
	st, applied, _, err = s.save(changes)
	return st, applied, err
}

// save is ApplyEach, and also reports how many orphan journal entries it saved.
func (s *Store) save(changes []Change) (st *State, applied []bool, replayed int, err error) {
	if err := s.fsys.MkdirAll(s.dir(), 0o700); err != nil {
		return nil, nil, 0, s.saveErr("mkdir", s.dir(), err)
	}
	r, err := s.resolved()
	if err != nil {
		return nil, nil, 0, err
	}
	own := r.journal(changes)
	st, applied, replayed, err = r.saveLocked(changes)
	s.settle(own, err)
	return st, applied, replayed, err
}

// saveLocked takes the lock, applies orphan journal entries and then changes to the
// file as it is now, and saves the result.
func (s *Store) saveLocked(changes []Change) (st *State, applied []bool, replayed int, err error) {
	if !s.noLock {
		unlock, err := s.fsys.Lock(s.lockPath(), s.lockTimeout)
		if err != nil {
			return nil, nil, 0, s.saveErr("lock", s.lockPath(), err)
		}
		defer unlock()
	}

	// Re-read under the lock: another process may have saved since our
	// caller last loaded, and its changes must survive ours.
	st, prev, fileVersion, err := s.read()
	if err != nil {
		return nil, nil, 0, err
	}
	if s.raceDelay > 0 {
		time.Sleep(s.raceDelay)
	}
	orphans, stray := s.orphans()
	changed := replay(st, orphans)
	applied = make([]bool, len(changes))
	for i, c := range changes {
		ch, err := c.Apply(st)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("save %s: change %d of %d: %w (nothing saved)", s.path, i+1, len(changes), err)
		}
		applied[i] = ch
		changed = changed || ch
	}
	if !changed {
		removeAll(orphans, stray) // already in the file
		return st, applied, len(orphans), nil
	}
	saved, err := s.write(st, prev, fileVersion)
	if err != nil {
		return nil, nil, 0, err
	}
	removeAll(orphans, stray)
	return saved, applied, len(orphans), nil
}

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

// saveErr names the state file, the operation and the file it failed on.
func (s *Store) saveErr(op, path string, err error) error {
	return fmt.Errorf("save %s: %w", s.path, &fs.PathError{Op: op, Path: path, Err: bareErr(err)})
}

// bareErr strips the *PathError/*LinkError the os package adds, so messages
// don't repeat the operation and path.
func bareErr(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

func errText(err error) string { return bareErr(err).Error() }

// PermissionWarning returns "" or a message for the person when the state file
// is accessible by other users or its directory is looser than 0700. The store
// never chmods on its own: the person may have reasons, and should know.
func (s *Store) PermissionWarning() string {
	if r, err := s.resolved(); err == nil {
		s = r // the directory that holds the file is the one that matters
	}
	var msgs []string
	if fi, err := s.fsys.Stat(s.dir()); err == nil && fi.Mode().Perm()&0o077 != 0 {
		msgs = append(msgs, fmt.Sprintf("directory %s has mode %04o and other users can access it (chmod 700 %q)",
			s.dir(), fi.Mode().Perm(), s.dir()))
	}
	if fi, err := s.fsys.Stat(s.file()); err == nil && fi.Mode().Perm()&0o077 != 0 {
		msgs = append(msgs, fmt.Sprintf("state file %s has mode %04o and other users can read it (chmod 600 %q)",
			s.file(), fi.Mode().Perm(), s.file()))
	}
	return strings.Join(msgs, "; ")
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
