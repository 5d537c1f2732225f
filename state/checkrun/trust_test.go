package checkrun

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/catalog"
)

// configDir makes a config directory (0700) holding a keys file (0600).
func configDir(t *testing.T) (dir, path string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "rotatetui")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "keys.toml")
	if err := os.WriteFile(path, []byte("version = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func TestReadKeysFileJudgesLoosePermissions(t *testing.T) {
	dir, path := configDir(t)
	data, verdict, err := ReadKeysFile(path, dir, 0)
	if err != nil || verdict != nil || string(data) != "version = 1\n" {
		t.Fatalf("a 0600 file in a 0700 directory: %q, %v, %v", data, verdict, err)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	_, verdict, err = ReadKeysFile(path, dir, 0)
	if err != nil || verdict == nil || !strings.Contains(verdict.Error(), "has mode 0664: group can change what it runs") || !strings.Contains(verdict.Error(), "run: chmod go-w "+path) {
		t.Errorf("group-writable: %v, %v", verdict, err)
	}
	_ = os.Chmod(path, 0o600)
	_ = os.Chmod(dir, 0o777)
	defer os.Chmod(dir, 0o700)
	_, verdict, _ = ReadKeysFile(path, dir, 0)
	if verdict == nil || !strings.Contains(verdict.Error(), dir+", a directory the keys file "+path+" is in, has mode 0777: group and others can put another file") || !strings.Contains(verdict.Error(), "run: chmod go-w "+dir) {
		t.Errorf("world-writable directory: %v", verdict)
	}
}

// A keys file that is a link into a directory anyone can write is judged where it
// really is: whoever can write there can swap the file.
func TestReadKeysFileRefusesALinkIntoAnOpenDirectory(t *testing.T) {
	dir, path := configDir(t)
	world := filepath.Join(t.TempDir(), "world")
	if err := os.Mkdir(world, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(world, 0o777); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(world, "keys.toml")
	if err := os.WriteFile(real, []byte("version = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	_, verdict, err := ReadKeysFile(path, dir, 0)
	want := world + ", a directory the keys file " + path + " (a link to " + real + ") is in, has mode 0777"
	if err != nil || verdict == nil || !strings.Contains(verdict.Error(), want) || !strings.Contains(verdict.Error(), "chmod go-w "+world) {
		t.Errorf("a link into a 0777 directory: %v, %v; want %q", verdict, err, want)
	}
	// Sticky, as /tmp is: no one else can rename or remove the file, so it stands.
	if err := os.Chmod(world, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, verdict, _ := ReadKeysFile(path, dir, 0); verdict != nil {
		t.Errorf("a link into a sticky directory of yours: %v", verdict)
	}
	// A directory of someone else's, sticky or not, is theirs to empty.
	if os.Getuid() == 0 {
		if err := os.Chown(world, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if _, verdict, _ := ReadKeysFile(path, dir, 0); verdict == nil || !strings.Contains(verdict.Error(), "is owned by uid 65534, not by you or root") {
			t.Errorf("a link into someone else's directory: %v", verdict)
		}
	}
}

// The file as opened is judged: one someone else owns is refused.
func TestReadKeysFileJudgesTheFileOpened(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file away")
	}
	dir, path := configDir(t)
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, verdict, _ := ReadKeysFile(path, dir, 0); verdict == nil || !strings.Contains(verdict.Error(), path+" is owned by uid 65534, not by you") {
		t.Errorf("someone else's file: %v", verdict)
	}
	// Through a link, the message says where the file really is.
	link := filepath.Join(dir, "linked.toml")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, verdict, _ := ReadKeysFile(link, dir, 0); verdict == nil || !strings.Contains(verdict.Error(), link+" is a link to "+path) {
		t.Errorf("someone else's file through a link: %v", verdict)
	}
}

func TestReadKeysFileReadsLikeACatalog(t *testing.T) {
	dir, path := configDir(t)
	if _, _, err := ReadKeysFile(filepath.Join(dir, "none.toml"), dir, 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, _, err := ReadKeysFile(path, dir, 4); !errors.Is(err, catalog.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if _, _, err := ReadKeysFile(dir, dir, 0); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}
