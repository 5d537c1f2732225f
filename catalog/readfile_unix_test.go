//go:build unix

package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs LoadFile(path) and fails the test if it has not returned within a
// few seconds (a named pipe used to block it for ever).
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := LoadFile(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("LoadFile(%s) still running after 5 s", path)
		return nil
	}
}

// wantNotRegular fails unless err refuses path, by name, as kind.
func wantNotRegular(t *testing.T, err error, path, kind string) {
	t.Helper()
	var perr *fs.PathError
	var nerr *NotRegularError
	if !errors.As(err, &perr) || perr.Path != path || !errors.As(err, &nerr) {
		t.Fatalf("%s: err = %v, want a *fs.PathError naming it with a *NotRegularError", path, err)
	}
	if !strings.Contains(err.Error(), kind+", not a regular file") {
		t.Errorf("%s: %q does not say it is %s", path, err, kind)
	}
}

// TestSpecialFilesAreRefusedAtOnce: a catalog path naming a named pipe, a directory or
// a device is refused by name without waiting or reading, and a refused read of
// /dev/zero takes no memory. The pipe comes first: without the fix it would block, and
// /dev/zero would then take memory until the kernel stops the test.
func TestSpecialFilesAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "catalog.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		// Release a LoadFile blocked in the open, had it blocked: a writer ends its wait.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	wantNotRegular(t, loadWithin(t, fifo), fifo, "a named pipe (FIFO)")

	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	wantNotRegular(t, loadWithin(t, link), link, "a named pipe (FIFO)")
	wantNotRegular(t, loadWithin(t, dir), dir, "a directory")

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := loadWithin(t, "/dev/zero")
	runtime.ReadMemStats(&after)
	wantNotRegular(t, err, "/dev/zero", "a device")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
		t.Errorf("refusing /dev/zero allocated %d KB", alloc>>10)
	}
	if _, err := ReadFile("/dev/null", 0); !errors.As(err, new(*NotRegularError)) {
		t.Errorf("/dev/null: err = %v", err)
	}
}

// TestReadFileLimitsTheSize: a file over the limit is refused by name, whether its size
// is known before reading or, as in /proc, only by reading it.
func TestReadFileLimitsTheSize(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# a comment\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(big, 1200); err != nil || len(data) != 1200 {
		t.Fatalf("a file of exactly the limit: %d bytes, %v", len(data), err)
	}
	_, err := ReadFile(big, 1199)
	var perr *fs.PathError
	if !errors.As(err, &perr) || perr.Path != big || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: err = %v", err)
	}
	if !strings.Contains(err.Error(), "larger than 1199 bytes") {
		t.Errorf("message %q", err)
	}
	if _, err := LoadFileMax(big, 1000); !errors.Is(err, ErrTooLarge) {
		t.Errorf("LoadFileMax: err = %v", err)
	}
	if _, err := LoadFile(big); err == nil || errors.Is(err, ErrTooLarge) {
		t.Errorf("LoadFile under the default limit: err = %v, want the catalog's own problems", err)
	}

	// The file system says 0 bytes for this file; reading tells.
	const proc = "/proc/self/maps"
	if info, err := os.Stat(proc); err != nil || info.Size() != 0 {
		t.Skipf("%s: no file whose size is known only by reading", proc)
	}
	if data, err := ReadFile(proc, 0); err != nil || len(data) == 0 {
		t.Fatalf("%s: %d bytes, %v", proc, len(data), err)
	}
	if _, err := ReadFile(proc, 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%s over a limit of 10 bytes: err = %v", proc, err)
	}
	if (&TooLargeError{Limit: DefaultMaxSize}).Error() != "is larger than 64 MiB, the most a catalog file may be" {
		t.Errorf("message %q", &TooLargeError{Limit: DefaultMaxSize})
	}
}
