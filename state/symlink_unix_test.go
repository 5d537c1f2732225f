//go:build unix

package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// linkedStateFile makes dir/real/state.json (saved once) and dir/link/state.json, a
// symbolic link to it, and returns both paths.
func linkedStateFile(t *testing.T) (real, link string) {
	t.Helper()
	dir := t.TempDir()
	real = filepath.Join(dir, "real", "state.json")
	if _, err := NewStore(real).Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	link = filepath.Join(dir, "link", "state.json")
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../real/state.json", link); err != nil {
		t.Fatal(err)
	}
	return real, link
}

// A state file that is a symbolic link stays one: the file it points to is updated,
// in its own directory, where its lock and temp files are too.
func TestSymlinkedStateFileStaysALink(t *testing.T) {
	real, link := linkedStateFile(t)
	store := NewStore(link)
	if _, err := store.Apply(ch(Check, "b", 2)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symbolic link (%v, %v)", link, fi.Mode(), err)
	}
	st, err := NewStore(real).Load()
	if err != nil || !st.Key("src").Current.Checked("b") {
		t.Fatalf("the file the link points to was not updated (%v)", err)
	}
	if _, err := os.Lstat(link + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a lock file was made beside the link (%v)", err)
	}
	if got, err := store.Load(); err != nil || !got.Key("src").Current.Checked("b") {
		t.Errorf("load through the link: %v", err)
	}
	if tmp := tempFiles(t, filepath.Dir(link)); len(tmp) != 0 {
		t.Errorf("temp files beside the link: %v", tmp)
	}
}

// Two spellings of one file take one lock: a save through the link waits while the
// lock of the real file is held.
func TestTwoSpellingsTakeOneLock(t *testing.T) {
	real, link := linkedStateFile(t)
	unlock, err := OSFS{}.Lock(real+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	before := fileSum(t, real)
	_, err = NewStore(link, WithLockTimeout(100*time.Millisecond)).Apply(ch(Check, "b", 2))
	if !errors.Is(err, ErrLockHeld) {
		t.Errorf("save through the link while the real file's lock is held: %v", err)
	}
	if fileSum(t, real) != before {
		t.Error("saved without the lock")
	}
}

// A lock file that is a symbolic link to nothing is refused, by name, and nothing is
// created where it points.
func TestDanglingLockLinkNeverFollowed(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "planted")
	os.Remove(path + ".lock")
	if err := os.Symlink(target, path+".lock"); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, path)
	_, err := store.Apply(ch(Check, "b", 2))
	if err == nil || !strings.Contains(err.Error(), "lock "+path+".lock") || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("err = %v, want a refusal naming the lock file as a link", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
	if fileSum(t, path) != before {
		t.Error("state file changed")
	}
	// A link to a file that exists is not followed either.
	os.WriteFile(target, nil, 0o600)
	if _, err := store.Apply(ch(Check, "b", 2)); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("lock link to an existing file: %v", err)
	}
}

// A state file that is a link to nothing is refused by Load and Apply, by name, and
// nothing is created where it points.
func TestDanglingStateLinkRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	target := filepath.Join(dir, "elsewhere", "..", "gone.json")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	store := NewStore(path)
	_, loadErr := store.Load()
	_, applyErr := store.Apply(ch(Check, "a", 1))
	for _, err := range []error{loadErr, applyErr} {
		var fe *FileError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), path+": is a symbolic link to nothing") || !strings.Contains(err.Error(), target) {
			t.Errorf("err = %v, want a FileError naming %s and where it points", err, path)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "gone.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
	if to, err := os.Readlink(path); err != nil || to != target {
		t.Errorf("link changed: %q, %v", to, err)
	}
}

// Watch follows a symlinked state file to the directory where saves replace it.
func TestWatchFollowsASymlinkedStateFile(t *testing.T) {
	real, link := linkedStateFile(t)
	ctx := t.Context()
	changes, err := NewStore(link).Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(real).Apply(ch(Check, "b", 2)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification for a save of the file the link points to")
	}
}
