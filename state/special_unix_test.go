//go:build unix

package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f has not returned after a few seconds: what it tests
// would otherwise hang the whole run.
func within[T any](t *testing.T, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(3 * time.Second):
		t.Fatal("still waiting after 3s: it hangs")
	}
	panic("unreachable")
}

// unblockFIFO opens the named pipe for writing once the test ends, so a reader the
// code under test left blocked on it (without the fix) can finish.
func unblockFIFO(t *testing.T, path string) {
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	unblockFIFO(t, path)
}

// A state file that is a named pipe, a device or a directory is refused at once, by
// name, by Load and by Apply, and nothing is created beside it.
func TestSpecialStateFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		make       func(t *testing.T, path string)
	}{
		{"fifo", "is a named pipe (FIFO), not a regular file", func(t *testing.T, path string) { mkfifo(t, path) }},
		{"directory", "is a directory, not a regular file", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
		{"/dev/zero through a link", "is a character device, not a regular file", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			tc.make(t, path)
			store := NewStore(path)
			for op, f := range map[string]func() error{
				"load":  func() error { _, err := store.Load(); return err },
				"apply": func() error { _, err := store.Apply(ch(Check, "a", 1)); return err },
			} {
				err := within(t, f)
				var fe *FileError
				if !errors.As(err, &fe) || !errors.Is(err, ErrNotRegular) || err.Error() != path+": "+tc.want {
					t.Errorf("%s: err = %v, want %s: %s", op, err, path, tc.want)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("files made beside it: %v", entries)
			}
			if _, err := os.Lstat("/dev/zero.lock"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("/dev/zero.lock exists (%v)", err)
			}
		})
	}
}

// A lock file that is a named pipe or a directory is refused at once, by name, and the
// state file is left as it is.
func TestSpecialLockFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		make       func(t *testing.T, path string)
	}{
		{"fifo", "is a named pipe (FIFO), not a regular file", mkfifo},
		{"directory", "is a directory, not a regular file", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, path := newTestStore(t)
			if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + ".lock")
			tc.make(t, path+".lock")
			before := fileSum(t, path)
			err := within(t, func() error { _, err := store.Apply(ch(Check, "b", 2)); return err })
			if err == nil || !strings.Contains(err.Error(), "lock "+path+".lock: "+tc.want) {
				t.Errorf("err = %v, want it to name the lock file: %s", err, tc.want)
			}
			err = within(t, func() error {
				os.WriteFile(filepath.Join(filepath.Dir(path), ".state.json.tmp-0123456789abcdef"), nil, 0o600)
				return store.CleanTemp()
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CleanTemp: err = %v", err)
			}
			if fileSum(t, path) != before {
				t.Error("state file changed")
			}
		})
	}
}

// A device node as the lock file is refused without being opened (as root, which
// these tests usually run as, mknod works).
func TestDeviceLockFileRefused(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + ".lock")
	if err := syscall.Mknod(path+".lock", syscall.S_IFCHR|0o600, 1<<8|5); err != nil { // /dev/zero's numbers
		t.Skipf("cannot make a device node here: %v", err)
	}
	_, err := store.Apply(ch(Check, "b", 2))
	if err == nil || !strings.Contains(err.Error(), "lock "+path+".lock: is a character device, not a regular file") {
		t.Errorf("err = %v", err)
	}
}

// A state file longer than the limit is refused by name, and left as it is; the
// limit can be raised.
func TestStateFileSizeLimit(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(sampleChanges()...); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	small := NewStore(path, WithMaxFileSize(fi.Size()-1))
	err = checkRefused(t, small, "too large")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the ") {
		t.Errorf("err = %v", err)
	}
	if _, err := NewStore(path, WithMaxFileSize(fi.Size())).Load(); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
	if DefaultMaxFileSize != 256<<20 || NewStore(path).maxSize != DefaultMaxFileSize {
		t.Errorf("default limit %d", NewStore(path).maxSize)
	}
}

// A rescue file that is a named pipe is refused at once, by name.
func TestSpecialRescueFileRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json.rescue-x.json")
	mkfifo(t, path)
	err := within(t, func() error { _, err := ReadRescue(path); return err })
	if !errors.Is(err, ErrNotRegular) || !strings.HasPrefix(err.Error(), path+": is a named pipe") {
		t.Errorf("err = %v", err)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 4096: "4.0 KiB", 256 << 20: "256.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
