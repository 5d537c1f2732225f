//go:build unix

package state

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nobody is the throwaway uid other users' files are made as.
const nobody = 65534

// sharedTmp makes a directory like /tmp (world-writable, sticky) and points TMPDIR
// at it.
func sharedTmp(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	tmp := filepath.Join(parent, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	// Others can reach it, as they reach /tmp.
	// (t.TempDir makes a 0700 directory for the test, and one in it for each call.)
	if err := errors.Join(os.Chmod(filepath.Dir(parent), 0o755), os.Chmod(parent, 0o755), os.Chmod(tmp, 0o1777)); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	return tmp
}

// asNobody runs a shell command as another user, as a person on the same machine
// would, or skips the test where that cannot be done (not root, no setpriv).
func asNobody(t *testing.T, script string, args ...string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to act as another user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("no setpriv")
	}
	cmd := exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", script, "sh"}, args...)...)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

// rescueJSON is the content of a rescue file for statePath, as an attacker would
// write it: it records a source as rotated.
func rescueJSON(t *testing.T, statePath string) string {
	t.Helper()
	data, err := json.Marshal(Rescue{StateFile: statePath, WrittenAt: time.Now(),
		Changes: []Change{{Kind: RecordRotated, Key: "adjust", At: time.Now(), By: "alice"}}})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// statePathIn returns a state file path in a private directory of its own.
func statePathIn(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "state.json")
}

// A rescue file another user planted in the shared temporary directory is not
// restored: it is named in a warning instead.
func TestRescuePlantedInSharedTmpIgnored(t *testing.T) {
	tmp := sharedTmp(t)
	statePath := statePathIn(t)
	planted := filepath.Join(tmp, "state.json.rescue-20260101T000000Z-0badf00d.json")
	asNobody(t, `umask 022; printf '%s' "$1" > "$2"`, rescueJSON(t, statePath), planted)

	found, ignored, err := ScanRescues(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Errorf("found %q: a planted file would be restored", found)
	}
	if len(ignored) != 1 || ignored[0].Path != planted || !strings.Contains(ignored[0].String(), "other users can put files in it") {
		t.Errorf("ignored = %v, want a warning naming %s", ignored, planted)
	}
	if f, err := FindRescues(statePath); err != nil || len(f) != 0 {
		t.Errorf("FindRescues = %q, %v", f, err)
	}
	// Named by hand, it is refused too: it is not ours.
	if _, err := ReadRescue(planted); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("ReadRescue of the planted file: %v", err)
	}
}

// A rescue file in our own directories that is not ours, or that others can read or
// write, is ignored and named; ours are found.
func TestRescueFilesNotOursIgnored(t *testing.T) {
	sharedTmp(t)
	statePath := statePathIn(t)
	mine, err := WriteRescue(statePath, []Change{ch(Check, "a", 1)})
	if err != nil || filepath.Dir(mine) != filepath.Dir(statePath) {
		t.Fatalf("WriteRescue: %s, %v", mine, err)
	}
	dir := filepath.Dir(statePath)
	chowned := filepath.Join(dir, "state.json.rescue-20260101T000000Z-00000001.json")
	loose := filepath.Join(dir, "state.json.rescue-20260101T000000Z-00000002.json")
	for _, p := range []string{chowned, loose} {
		if err := os.WriteFile(p, []byte(rescueJSON(t, statePath)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(chowned, nobody, nobody); err != nil {
		t.Skipf("cannot give a file to another user: %v", err)
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	found, ignored, err := ScanRescues(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != mine {
		t.Errorf("found %q, want only %s", found, mine)
	}
	got := map[string]string{}
	for _, i := range ignored {
		got[i.Path] = i.Reason
	}
	if !strings.Contains(got[chowned], "owned by uid 65534") || !strings.Contains(got[loose], "mode 0644") || len(got) != 2 {
		t.Errorf("ignored = %v", ignored)
	}
}

// With the state directory unusable, a rescue file goes into a 0700 directory of our
// own in the shared temporary directory, never straight into it, and is found there.
func TestRescueFallbackIsAPrivateDirectory(t *testing.T) {
	tmp := sharedTmp(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(blocker, "state.json")
	p, err := WriteRescue(statePath, []Change{ch(Check, "a", 1)})
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(tmp, "rotatetui-"+userID())
	if filepath.Dir(p) != own || perm(t, own) != 0o700 || perm(t, p) != 0o600 {
		t.Errorf("rescue at %s (dir mode %04o), want in %s, 0700", p, perm(t, filepath.Dir(p)), own)
	}
	if found, err := FindRescues(statePath); err != nil || len(found) != 1 || found[0] != p {
		t.Errorf("FindRescues = %q, %v", found, err)
	}
}

// Another user who takes the name of our directory first neither receives our rescue
// files nor gets theirs restored.
func TestRescueDirectoryTakenByAnotherUser(t *testing.T) {
	tmp := sharedTmp(t)
	own := filepath.Join(tmp, "rotatetui-"+userID())
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(blocker, "state.json")
	planted := filepath.Join(own, "state.json.rescue-20260101T000000Z-0badf00d.json")
	asNobody(t, `mkdir -m 777 "$2" && umask 077 && printf '%s' "$1" > "$3"`, rescueJSON(t, statePath), own, planted)

	p, err := WriteRescue(statePath, []Change{ch(Check, "a", 1)})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) == own || !strings.HasPrefix(filepath.Base(filepath.Dir(p)), "rotatetui-"+userID()+"-") || perm(t, filepath.Dir(p)) != 0o700 {
		t.Errorf("rescue written to %s", p)
	}
	found, ignored, err := ScanRescues(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != p {
		t.Errorf("found %q, want only %s", found, p)
	}
	if len(ignored) != 1 || ignored[0].Path != planted || !strings.Contains(ignored[0].Reason, "owned by uid 65534") {
		t.Errorf("ignored = %v", ignored)
	}
}

// A state directory others can write to is not where a rescue file is kept or read.
func TestRescueNotKeptInAStateDirectoryOthersCanWrite(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "tmp")
	os.Mkdir(tmp, 0o700)
	t.Setenv("TMPDIR", tmp)
	statePath := statePathIn(t)
	if err := os.Chmod(filepath.Dir(statePath), 0o777); err != nil {
		t.Fatal(err)
	}
	p, err := WriteRescue(statePath, []Change{ch(Check, "a", 1)})
	if err != nil || filepath.Dir(p) != tmp {
		t.Errorf("rescue at %s (%v), want in %s", p, err, tmp)
	}
	planted := filepath.Join(filepath.Dir(statePath), "state.json.rescue-20260101T000000Z-0badf00d.json")
	os.WriteFile(planted, []byte(rescueJSON(t, statePath)), 0o600)
	found, ignored, err := ScanRescues(statePath)
	if err != nil || len(found) != 1 || found[0] != p || len(ignored) != 1 || ignored[0].Path != planted {
		t.Errorf("found %q, ignored %v, %v", found, ignored, err)
	}
}
