package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestStore returns a store whose directory does not exist yet, so tests
// also cover its creation.
func newTestStore(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rotatetui", "state.json")
	return NewStore(path, opts...), path
}

// lockState takes the lock of the state file at path, as another process mid-save
// would; the caller releases it with the returned func.
func lockState(t *testing.T, path string) (unlock func() error) {
	t.Helper()
	unlock, err := OSFS{}.Lock(path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func perm(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// sampleChanges exercises every kind of change and leaves both a current
// rotation and history.
func sampleChanges() []Change {
	return []Change{
		ch(Check, "a", 1),
		{Kind: Skip, Key: "src", Step: "b", Steps: keys, At: at(2), Text: "no <webhooks> & co"},
		{Kind: SetNote, Key: "src", Step: "c", Steps: keys, At: at(3), Text: "rotated \"prod\" — ✓", By: "bob"},
		ch(Check, "c", 4), // completes
		ch(Check, "a", 5), // starts a new one
		{Kind: SetWait, Key: "src", Step: "a", Steps: keys, At: at(5), Until: tp(at(65))},
		{Kind: SetPlaceholder, Key: "src", At: at(6), Name: "org", Text: "acme"},
		{Kind: RecordRotated, Key: "other", At: at(7)},
		{Kind: Check, Key: "third", Step: "x", Steps: []string{"x", "y"}, At: at(8)},
		{Kind: Reset, Key: "third", At: at(9)},
	}
}

func TestRoundTrip(t *testing.T) {
	store, path := newTestStore(t)
	want := New()
	var got *State
	changes := sampleChanges()
	mustApply(t, want, changes...)
	// Batches and single changes go through the same path.
	for _, batch := range [][]Change{changes[:1], changes[1:3], changes[3:4], changes[4:7], changes[7:]} {
		var err error
		if got, err = store.Apply(batch...); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, loaded) {
		g, _ := encode(got)
		l, _ := encode(loaded)
		t.Errorf("Apply result differs from Load:\n%s\n%s", g, l)
	}
	if !reflect.DeepEqual(want, loaded) {
		w, _ := encode(want)
		l, _ := encode(loaded)
		t.Errorf("loaded state differs from applying in memory:\n%s\n%s", w, l)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(`"no <webhooks> & co"`)) || !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("file is not plain readable JSON:\n%s", data)
	}

	// A no-op returns the state on disk and writes nothing.
	before := fileSum(t, path)
	st, err := store.Apply(ch(Check, "a", 99))
	if err != nil || !reflect.DeepEqual(st, loaded) || fileSum(t, path) != before {
		t.Errorf("no-op Apply: err=%v, state equal=%v, file unchanged=%v", err, reflect.DeepEqual(st, loaded), fileSum(t, path) == before)
	}
}

func TestLoadMissing(t *testing.T) {
	store, path := newTestStore(t)
	st, err := store.Load()
	if err != nil || !reflect.DeepEqual(st, New()) {
		t.Fatalf("Load = %+v, %v", st, err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load created the directory (stat err %v)", err)
	}
}

func TestAtomicReplace(t *testing.T) {
	store, path := newTestStore(t)
	dir := filepath.Dir(path)
	for i, c := range sampleChanges() {
		if _, err := store.Apply(c); err != nil {
			t.Fatal(err)
		}
		if tmp := tempFiles(t, dir); len(tmp) != 0 {
			t.Fatalf("after apply %d: temp files left: %v", i, tmp)
		}
		if p := perm(t, path); p != 0o600 {
			t.Errorf("state file mode %04o, want 0600", p)
		}
	}
	if p := perm(t, dir); p != 0o700 {
		t.Errorf("created directory mode %04o, want 0700", p)
	}
	if p := perm(t, path+".lock"); p != 0o600 {
		t.Errorf("lock file mode %04o, want 0600", p)
	}
	if w := store.PermissionWarning(); w != "" {
		t.Errorf("warning on our own files: %s", w)
	}
}

func TestApplyBatchIsAllOrNothing(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, path)
	_, err := store.Apply(ch(Check, "b", 2), Change{Kind: "bogus", Key: "src", At: at(3)})
	if !errors.Is(err, ErrInvalidChange) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
	if fileSum(t, path) != before {
		t.Error("file changed by a failed batch")
	}
}

// ApplyEach tells which changes took effect on the file as it was: a screen uses it to
// say "Nothing undone" when another instance changed the step before its undo landed.
func TestApplyEachReportsWhatTookEffect(t *testing.T) {
	store, _ := newTestStore(t)
	checkedA := ch(Check, "a", 1)
	if _, err := store.Apply(checkedA); err != nil {
		t.Fatal(err)
	}
	// Another instance skips step a; then this one's undo of its check arrives.
	if _, err := NewStore(store.Path()).Apply(Change{Kind: Skip, Key: "src", Step: "a", At: at(2), Text: "theirs"}); err != nil {
		t.Fatal(err)
	}
	undo := Change{Kind: Uncheck, Key: "src", Step: "a", At: at(3), IfMark: &Mark{CheckedAt: &checkedA.At}}
	st, applied, err := store.ApplyEach(undo, ch(Check, "b", 4), ch(Check, "b", 5))
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, false}; !slices.Equal(applied, want) {
		t.Errorf("applied = %v, want %v (the undo skipped, the second check of b a no-op)", applied, want)
	}
	if r := st.Key("src").Current.Steps["a"]; r == nil || r.SkipReason != "theirs" {
		t.Errorf("step a after the undo: %+v, want the other instance's skip", r)
	}
}

func TestConcurrentStoresInProcess(t *testing.T) {
	_, path := newTestStore(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			store := NewStore(path)
			for i := range 10 {
				k := fmt.Sprintf("w%d-%d", w, i)
				if _, err := store.Apply(Change{Kind: Check, Key: "src", Step: k, At: at(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	st, err := NewStore(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Key("src").Current.Steps); n != 40 {
		t.Errorf("%d steps recorded, want 40", n)
	}
}

// validFile returns the bytes of a realistic state file.
func validFile(t *testing.T) []byte {
	t.Helper()
	store, path := newTestStore(t)
	if _, err := store.Apply(sampleChanges()...); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const rot = `{"started_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","outcome":"in_progress","step_keys":["a"]`

func corruptCorpus(valid []byte) map[string][]byte {
	c := map[string][]byte{
		"empty":                  {},
		"whitespace":             []byte(" \n\t"),
		"garbage":                []byte("\x00\x01garbage\x7f"),
		"invalid utf8 in key":    []byte("{\"version\":1,\"sources\":{\"\xff\xfe\":{}}}"),
		"invalid utf8 in text":   bytes.Replace(valid, []byte(" & co\""), []byte(" & co\xc3\x28\""), 1),
		"invalid utf8 outside":   append(append([]byte{}, valid[:20]...), 0xc3, 0x28),
		"bom":                    append([]byte("\xef\xbb\xbf"), valid...),
		"array":                  []byte(`[{"version":1,"sources":{}}]`),
		"string":                 []byte(`"state"`),
		"null":                   []byte(`null`),
		"number":                 []byte(`1`),
		"empty object":           []byte(`{}`),
		"no version":             []byte(`{"sources":{}}`),
		"version zero":           []byte(`{"version":0,"sources":{}}`),
		"version negative":       []byte(`{"version":-1,"sources":{}}`),
		"version string":         []byte(`{"version":"1","sources":{}}`),
		"version float":          []byte(`{"version":1.5,"sources":{}}`),
		"version huge":           []byte(`{"version":99999999999999999999999,"sources":{}}`),
		"newer version":          []byte(`{"version":3,"keys":{}}`),
		"no sources":             []byte(`{"version":1}`),
		"sources null":           []byte(`{"version":1,"sources":null}`),
		"sources array":          []byte(`{"version":1,"sources":[]}`),
		"sources string":         []byte(`{"version":1,"sources":"x"}`),
		"source null":            []byte(`{"version":1,"sources":{"a":null}}`),
		"source empty id":        []byte(`{"version":1,"sources":{"":{}}}`),
		"unknown top field":      []byte(`{"version":1,"sources":{},"extra":true}`),
		"unknown nested field":   []byte(`{"version":1,"sources":{"a":{"bogus":1}}}`),
		"trailing object":        []byte(`{"version":1,"sources":{}} {}`),
		"trailing garbage":       []byte(`{"version":1,"sources":{}}x`),
		"two files":              append(append([]byte{}, valid...), valid...),
		"bad outcome":            []byte(`{"version":1,"sources":{"a":{"current":` + strings.Replace(rot, "in_progress", "done", 1) + `}}}}`),
		"current finished":       []byte(`{"version":1,"sources":{"a":{"current":` + strings.Replace(rot, "in_progress", "completed", 1) + `,"finished_at":"2026-01-02T03:04:05Z"}}}}`),
		"history in progress":    []byte(`{"version":1,"sources":{"a":{"history":[` + rot + `,"finished_at":"2026-01-02T03:04:05Z"}]}}}`),
		"history unfinished":     []byte(`{"version":1,"sources":{"a":{"history":[` + strings.Replace(rot, "in_progress", "completed", 1) + `}]}}}`),
		"no started_at":          []byte(`{"version":1,"sources":{"a":{"current":{"updated_at":"2026-01-02T03:04:05Z","outcome":"in_progress","step_keys":[]}}}}`),
		"bad time":               []byte(`{"version":1,"sources":{"a":{"last_rotated":"yesterday"}}}`),
		"step null":              []byte(`{"version":1,"sources":{"a":{"current":` + rot + `,"steps":{"a":null}}}}}`),
		"step checked+skipped":   []byte(`{"version":1,"sources":{"a":{"current":` + rot + `,"steps":{"a":{"checked_at":"2026-01-02T03:04:05Z","skipped_at":"2026-01-02T03:04:05Z"}}}}}}`),
		"steps array":            []byte(`{"version":1,"sources":{"a":{"current":` + rot + `,"steps":[]}}}}`),
		"placeholder number":     []byte(`{"version":1,"sources":{"a":{"placeholders":{"org":1}}}}`),
		"placeholder empty name": []byte(`{"version":1,"sources":{"a":{"placeholders":{"":"x"}}}}`),
		"v2 with sources":        []byte(`{"version":2,"sources":{}}`),
		"v2 with both":           []byte(`{"version":2,"keys":{},"sources":{}}`),
		"v1 with keys":           []byte(`{"version":1,"keys":{}}`),
		"v1 with both":           []byte(`{"version":1,"sources":{},"keys":{}}`),
	}
	// Each version-1 text also as version 2 writes it.
	for name, b := range maps.Clone(c) {
		if v2 := asV2(string(b)); v2 != string(b) && !strings.HasPrefix(name, "v1 ") && !strings.HasPrefix(name, "v2 ") {
			c[name+" (v2)"] = []byte(v2)
		}
	}
	return c
}

// checkRefused asserts that Load and Apply both refuse the file at path with a
// FileError naming it, and that nothing in the directory changed.
func checkRefused(t *testing.T, store *Store, name string) error {
	t.Helper()
	path := store.Path()
	before := fileSum(t, path)
	_, loadErr := store.Load()
	_, applyErr := store.Apply(ch(Check, "a", 1))
	for _, err := range []error{loadErr, applyErr} {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Path != path || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: err = %v, want a FileError naming %s", name, err, path)
		}
	}
	if fileSum(t, path) != before {
		t.Errorf("%s: file bytes changed", name)
	}
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) != 0 {
		t.Errorf("%s: temp files left: %v", name, tmp)
	}
	return loadErr
}

func TestCorruptFilesRefused(t *testing.T) {
	valid := validFile(t)
	store, path := newTestStore(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	for name, b := range corruptCorpus(valid) {
		if bytes.Equal(b, valid) {
			t.Fatalf("%s: corpus entry is the valid file", name)
		}
		write(b)
		err := checkRefused(t, store, name)
		t.Logf("%-22s %v", name, err)
	}

	// Every truncation. Only cutting the final newline leaves a whole file.
	end := bytes.LastIndexByte(valid, '}') + 1
	for n := 0; n < end; n++ {
		write(valid[:n])
		if err := checkRefused(t, store, fmt.Sprintf("truncated to %d bytes", n)); err == nil && t.Failed() {
			break
		}
		if t.Failed() {
			t.Fatalf("stopping after the first failing truncation (%d of %d bytes)", n, len(valid))
		}
	}
	write(valid[:end])
	if _, err := store.Load(); err != nil {
		t.Errorf("file without its final newline refused: %v", err)
	}
}

func TestNewerVersionError(t *testing.T) {
	store, path := newTestStore(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(`{"version":7,"sources":{},"future":1}`), 0o600)
	_, err := store.Load()
	if !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("err = %v, want ErrNewerVersion", err)
	}
	msg := err.Error()
	for _, want := range []string{path, "written by a newer rotatetui", "7", fmt.Sprint(Version)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestMigration(t *testing.T) {
	// Pretend this build writes version 3, whose only difference from
	// version 2 is that "keys" used to be called "ks".
	oldVersion, oldMigrations := currentVersion, migrations
	t.Cleanup(func() { currentVersion, migrations = oldVersion, oldMigrations })
	currentVersion = 3
	migrations = map[int]func(map[string]any) error{
		2: func(raw map[string]any) error {
			raw["keys"] = raw["ks"]
			delete(raw, "ks")
			return nil
		},
	}
	store, path := newTestStore(t)
	backup := path + ".v2"
	os.MkdirAll(filepath.Dir(path), 0o700)
	old := []byte(`{"version": 2, "ks": {"src": {"last_rotated": "2026-01-02T03:04:05Z"}}}` + "\n")
	os.WriteFile(path, old, 0o600)

	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != 3 || st.Key("src") == nil || !st.Key("src").LastRotated.Equal(t0) {
		t.Errorf("migrated state = %+v", st)
	}
	if _, err := os.Stat(backup); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load wrote a backup")
	}

	// A no-op Apply writes nothing, so needs no backup.
	if _, err := store.Apply(ch(Uncheck, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(backup); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no-op Apply wrote a backup")
	}

	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(backup); !bytes.Equal(got, old) {
		t.Errorf("backup = %q, want the original bytes %q", got, old)
	}
	if p := perm(t, backup); p != 0o600 {
		t.Errorf("backup mode %04o", p)
	}
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(`"version": 3`)) {
		t.Errorf("file not rewritten in the new format:\n%s", data)
	}
	if tmp := tempFiles(t, filepath.Dir(path)); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}

	// An existing backup is never overwritten.
	os.WriteFile(path, bytes.Replace(old, []byte("03:04:05"), []byte("09:09:09"), 1), 0o600)
	if _, err := store.Apply(ch(Check, "a", 2)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(backup); !bytes.Equal(got, old) {
		t.Errorf("existing backup overwritten: %q", got)
	}

	// A gap in the table, or a failing migration, refuses the file.
	os.WriteFile(path, old, 0o600)
	currentVersion = 4
	if err := checkRefused(t, store, "missing migration"); err == nil || !strings.Contains(err.Error(), "no migration from format version 3") {
		t.Errorf("err = %v", err)
	}
	currentVersion = 3
	migrations[2] = func(map[string]any) error { return errors.New("boom") }
	if err := checkRefused(t, store, "failing migration"); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v", err)
	}
}

// faultFS fails one operation, identified by name, every time it is tried.
type faultFS struct {
	OSFS
	fail string
	// creates records the flags and mode of every file created, to check
	// temp files are exclusive and private from the first instant.
	mu      sync.Mutex
	creates []string
}

var errInjected = errors.New("injected fault")

func (f *faultFS) MkdirAll(p string, m fs.FileMode) error {
	if f.fail == "mkdir" {
		return errInjected
	}
	return f.OSFS.MkdirAll(p, m)
}

func (f *faultFS) Lock(name string, d time.Duration) (func() error, error) {
	if f.fail == "lock" {
		return nil, errInjected
	}
	return f.OSFS.Lock(name, d)
}

func (f *faultFS) OpenFile(name string, flag int, m fs.FileMode) (File, error) {
	f.mu.Lock()
	f.creates = append(f.creates, fmt.Sprintf("%s excl=%v mode=%04o", filepath.Base(name), flag&os.O_EXCL != 0, m))
	f.mu.Unlock()
	if f.fail == "create" {
		return nil, errInjected
	}
	file, err := f.OSFS.OpenFile(name, flag, m)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fail: f.fail}, nil
}

func (f *faultFS) Rename(o, n string) error {
	if f.fail == "rename" {
		return &os.LinkError{Op: "rename", Old: o, New: n, Err: errInjected}
	}
	return f.OSFS.Rename(o, n)
}

func (f *faultFS) SyncDir(name string) error {
	if f.fail == "fsync dir" {
		return errInjected
	}
	return f.OSFS.SyncDir(name)
}

type faultFile struct {
	File
	fail string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if f.fail == "write" {
		// Fail half-way, as a full disk would.
		n, _ := f.File.Write(p[:len(p)/2])
		return n, errInjected
	}
	return f.File.Write(p)
}

func (f *faultFile) Sync() error {
	if f.fail == "fsync" {
		return errInjected
	}
	return f.File.Sync()
}

func (f *faultFile) Close() error {
	err := f.File.Close()
	if f.fail == "close" {
		return errInjected
	}
	return err
}

func TestSaveFaults(t *testing.T) {
	for _, tc := range []struct {
		op   string
		want string // in the error, after the directory
	}{
		{"mkdir", "mkdir "},
		{"lock", "lock %s.lock"},
		{"create", "create %d/.state.json.tmp-"},
		{"write", "write %d/.state.json.tmp-"},
		{"fsync", "fsync %d/.state.json.tmp-"},
		{"close", "close %d/.state.json.tmp-"},
		{"rename", "rename %d/.state.json.tmp-"},
		{"fsync dir", "fsync dir %d"},
	} {
		for _, existing := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/existing=%v", tc.op, existing), func(t *testing.T) {
				fsys := &faultFS{fail: tc.op}
				store, path := newTestStore(t, WithFS(fsys))
				dir := filepath.Dir(path)
				var before [32]byte
				if existing {
					if _, err := NewStore(path).Apply(ch(Check, "a", 1)); err != nil {
						t.Fatal(err)
					}
					before = fileSum(t, path)
				}
				_, err := store.Apply(ch(Check, "b", 2))
				want := strings.NewReplacer("%s", path, "%d", dir).Replace(tc.want)
				if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "save "+path+": ") {
					t.Errorf("err = %v, want it to name %q and the state file", err, want)
				}
				if !errors.Is(err, errInjected) {
					t.Errorf("err = %v does not wrap the cause", err)
				}
				if existing {
					if fileSum(t, path) != before {
						t.Error("previous file modified")
					}
				} else if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("state file exists after a failed first save (stat err %v)", err)
				}
				if tmp := tempFiles(t, dir); len(tmp) != 0 {
					t.Errorf("temp files left: %v", tmp)
				}
				// The store is usable again once the fault is gone.
				fsys.fail = ""
				st, err := store.Apply(ch(Check, "b", 3))
				if err != nil || !st.Key("src").Current.Checked("b") {
					t.Errorf("apply after fault: %v", err)
				}
			})
		}
	}
}

func TestTempFilesCreatedExclusivePrivate(t *testing.T) {
	fsys := &faultFS{}
	store, _ := newTestStore(t, WithFS(fsys))
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if len(fsys.creates) != 1 || !strings.HasSuffix(fsys.creates[0], " excl=true mode=0600") ||
		!strings.HasPrefix(fsys.creates[0], ".state.json.tmp-") {
		t.Errorf("creates = %q", fsys.creates)
	}
}

func TestLockTimeout(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	defer lockState(t, path)()
	before := fileSum(t, path)
	store.lockTimeout = 100 * time.Millisecond
	start := time.Now()
	_, err := store.Apply(ch(Check, "b", 2))
	if d := time.Since(start); d > time.Second {
		t.Errorf("Apply gave up after %v, want about the 100ms timeout", d)
	}
	if err == nil || !strings.Contains(err.Error(), "lock "+path+".lock") || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
	if fileSum(t, path) != before {
		t.Error("file changed without the lock")
	}
}

func TestPermissionWarning(t *testing.T) {
	store, path := newTestStore(t)
	dir := filepath.Dir(path)
	if w := store.PermissionWarning(); w != "" {
		t.Errorf("warning for a missing file: %s", w)
	}
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if w := store.PermissionWarning(); w != "" {
		t.Errorf("warning for 0600/0700: %s", w)
	}
	os.Chmod(path, 0o644)
	if w := store.PermissionWarning(); !strings.Contains(w, path) || !strings.Contains(w, "0644") || strings.Contains(w, "directory") {
		t.Errorf("warning = %q", w)
	}
	os.Chmod(path, 0o600)
	os.Chmod(dir, 0o750)
	if w := store.PermissionWarning(); !strings.Contains(w, "directory "+dir) || !strings.Contains(w, "0750") {
		t.Errorf("warning = %q", w)
	}
	// Save does not silently change the person's choice.
	os.Chmod(path, 0o640)
	store.Apply(ch(Check, "b", 2))
	if p := perm(t, dir); p != 0o750 {
		t.Errorf("dir mode changed to %04o", p)
	}
}

func TestCleanTemp(t *testing.T) {
	store, path := newTestStore(t)
	if err := store.CleanTemp(); err != nil {
		t.Errorf("CleanTemp with no directory: %v", err)
	}
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	stray := ".state.json.tmp-0123456789abcdef"
	keep := []string{".state.json.tmp-notours", ".state.json.tmp-abcd", "other.json.tmp-0123456789abcdef", "state.json.v1", ".state.json.tmp-0123456789abcdef0"}
	for _, n := range append(keep, stray) {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600)
	}

	// While another process holds the lock (it may be mid-save), nothing goes.
	unlock := lockState(t, path)
	done := make(chan error)
	go func() { done <- store.CleanTemp() }()
	time.Sleep(100 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(dir, stray)); err != nil {
		t.Errorf("stray temp removed while the lock was held")
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, stray)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stray temp file not removed")
	}
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed: %v", n, err)
		}
	}
	if _, err := store.Load(); err != nil {
		t.Error(err)
	}
}

func TestWriteRescue(t *testing.T) {
	_, path := newTestStore(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	changes := sampleChanges()

	p, err := WriteRescue(path, changes)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != filepath.Dir(path) || !strings.HasPrefix(filepath.Base(p), "state.json.rescue-") {
		t.Errorf("rescue at %s", p)
	}
	if m := perm(t, p); m != 0o600 {
		t.Errorf("rescue mode %04o", m)
	}
	r, err := ReadRescue(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.StateFile != path || !reflect.DeepEqual(r.Changes, changes) {
		t.Errorf("rescue round trip: %+v", r)
	}
	p2, err := WriteRescue(path, changes)
	if err != nil || p2 == p {
		t.Errorf("second rescue %s (%v) overwrote or failed", p2, err)
	}

	// An unusable directory (here: a path through a regular file) falls back
	// to the temp dir.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o600)
	p, err = WriteRescue(filepath.Join(blocker, "state.json"), changes)
	if err != nil || filepath.Dir(p) != tmp {
		t.Errorf("fallback rescue at %s (%v), want in %s", p, err, tmp)
	}
}

func TestWatchReportsSavesFromAnotherStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "state.json")
	watcher := NewStore(path)
	ctx, cancel := context.WithCancel(context.Background())
	changes, err := watcher.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := NewStore(path)
	for i := 0; i < 5; i++ {
		c := Change{Kind: Check, Key: "s", Step: fmt.Sprint(i), Steps: []string{"0", "1", "2", "3", "4", "5"}, At: time.Now()}
		if _, err := other.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-changes:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification after another store saved")
	}
	st, err := watcher.Load()
	if err != nil || st.Key("s").Current == nil {
		t.Fatalf("reload after notification: %v", err)
	}
	// A burst is coalesced: at most one more notification is pending.
	time.Sleep(3 * watchSettle)
	pending := 0
	for done := false; !done; {
		select {
		case <-changes:
			pending++
		default:
			done = true
		}
	}
	if pending > 1 {
		t.Errorf("%d notifications pending after a burst, want at most 1", pending)
	}
	// Writes to other files in the directory are not reported.
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "unrelated"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
		t.Error("notified for an unrelated file")
	case <-time.After(4 * watchSettle):
	}
	cancel()
	for range changes {
	}
}

func TestRandomHexNamesDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		h := randomHex(8)
		if len(h) != 16 || strings.Trim(h, "0123456789abcdef") != "" {
			t.Fatalf("randomHex(8) = %q", h)
		}
		if seen[h] {
			t.Fatalf("%s drawn twice in 1000", h)
		}
		seen[h] = true
	}
	if h := randomHex(4); len(h) != 8 {
		t.Errorf("randomHex(4) = %q", h)
	}
}

// TestFindRescuesTakesTheStateFileNameLiterally: a state file whose name looks like a
// glob pattern finds its own rescue files, and only those.
func TestFindRescuesTakesTheStateFileNameLiterally(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	change := Change{Kind: Check, Key: "a", Step: "s", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	mine, err := WriteRescue(filepath.Join(dir, "state[1].json"), []Change{change})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteRescue(filepath.Join(dir, "state1.json"), []Change{change}); err != nil {
		t.Fatal(err)
	}
	found, err := FindRescues(filepath.Join(dir, "state[1].json"))
	if err != nil || len(found) != 1 || found[0] != mine {
		t.Fatalf("found %q, %v; want only %s", found, err, mine)
	}
}
