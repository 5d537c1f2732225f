package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
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

	// pgRetry, set by WithRetryDelays, is for a database store whose journal this
	// store is: the waits between its attempts (nil: its default).
	pgRetry []time.Duration
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

// WithRetryDelays sets the waits between a database store's attempts at a
// transaction the server could not run (see PGStore); none: one attempt. The file
// store has no use for it. Tests shorten them so that a server that is down fails a
// save in milliseconds rather than in two seconds.
func WithRetryDelays(delays ...time.Duration) Option {
	return func(s *Store) { s.pgRetry = append([]time.Duration{}, delays...) }
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
