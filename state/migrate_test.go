package state

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// asVersion1 is a file this build writes, as version 1 wrote it: "sources" where
// version 2 has "keys".
func asVersion1(t *testing.T, data []byte) []byte {
	t.Helper()
	out := bytes.Replace(data, []byte(`"version": 2,`), []byte(`"version": 1,`), 1)
	out = bytes.Replace(out, []byte(`"keys": {`), []byte(`"sources": {`), 1)
	if bytes.Equal(out, data) || bytes.Count(out, []byte(`"sources"`)) != 1 {
		t.Fatalf("not a version-2 file:\n%s", data)
	}
	return out
}

// TestMigrationV1ToV2: a version-1 file reads as version 2, with what it kept per
// source as the entry of the source's implicit key (same id); the first save keeps its
// bytes exactly as state.json.v1 and writes version 2; later saves leave the backup
// alone.
func TestMigrationV1ToV2(t *testing.T) {
	want := New()
	mustApply(t, want, sampleChanges()...)
	data, err := encode(want)
	if err != nil {
		t.Fatal(err)
	}
	// Indented otherwise than rotatetui writes, so a backup that is re-encoded
	// rather than copied shows.
	v1 := bytes.ReplaceAll(asVersion1(t, data), []byte("\n  "), []byte("\n\t"))

	store, path := newTestStore(t)
	backup := path + ".v1"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, v1, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !reflect.DeepEqual(got.Keys, want.Keys) {
		g, _ := encode(got)
		t.Fatalf("migrated state:\n%s\nwant:\n%s", g, data)
	}
	if _, err := os.Stat(backup); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load wrote a backup: %v", err)
	}

	first := Change{Kind: SetNote, Key: "src", Step: "b", Steps: keys, At: at(20), Text: "after the upgrade"}
	if _, err := store.Apply(first); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(backup); err != nil || !bytes.Equal(b, v1) {
		t.Fatalf("backup (%v) = %q\nwant the original bytes %q", err, b, v1)
	}
	if p := perm(t, backup); p != 0o600 {
		t.Errorf("backup mode %04o", p)
	}
	saved, _ := os.ReadFile(path)
	if !bytes.Contains(saved, []byte(`"version": 2,`)) || !bytes.Contains(saved, []byte(`"keys": {`)) || bytes.Contains(saved, []byte(`"sources"`)) {
		t.Errorf("not saved as version 2:\n%s", saved)
	}
	mustApply(t, want, first)
	if reloaded, err := store.Load(); err != nil || !reflect.DeepEqual(reloaded, want) {
		t.Errorf("reloaded (%v) differs from the migrated state and the change", err)
	}

	// The file is version 2 now: a second save does not touch the backup.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(backup, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Apply(Change{Kind: RecordRotated, Key: "other", At: at(30)}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(backup)
	if b, _ := os.ReadFile(backup); err != nil || !fi.ModTime().Equal(old) || !bytes.Equal(b, v1) {
		t.Errorf("second save touched the backup (%v): modified %v, bytes equal %v", err, fi.ModTime(), bytes.Equal(b, v1))
	}
}

// TestVersion1FileRefusedInItsOwnTerms: a problem in a version-1 file is placed in
// that file and worded as version 1 words it, not in the migrated text.
func TestVersion1FileRefusedInItsOwnTerms(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"{\"version\": 1,\n \"sources\": {\"a\": {\"current\": 5}}}", "is a JSON number at line 2, column 32 (byte 46)"},
		{`{"version": 1, "sources": {}, "keys": {}}`, `unknown field "keys"`},
		{`{"version": 1}`, `"sources" is missing or null`},
		{`{"version": 1, "sources": {"": {}}}`, "a source has an empty id"},
		{`{"version": 1, "sources": {"a": {"history": [` + rot + `}]}}}`, `sources["a"].history[0]: outcome "in_progress"`},
	} {
		_, _, err := decode([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("decode(%s) = %v, want …%s…", tt.in, err, tt.want)
		}
	}
}

// TestOlderBuildRefusesVersion2: a build that reads only version 1 (currentVersion
// 1, as every build before keys) refuses a file this build writes as newer, without
// reading further.
func TestOlderBuildRefusesVersion2(t *testing.T) {
	st := New()
	mustApply(t, st, sampleChanges()...)
	data, err := encode(st)
	if err != nil {
		t.Fatal(err)
	}
	old := currentVersion
	t.Cleanup(func() { currentVersion = old })
	currentVersion = 1
	_, _, err = decode(data)
	if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "written by a newer rotatetui (file format version 2, this build reads up to version 1)") {
		t.Fatalf("err = %v", err)
	}
}
