package catalog

import (
	"encoding/gob"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "catalog-*.gob"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

func TestCacheReturnsWhatParsingWould(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(file, []byte(goodCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Identity: "build-1"}
	want, err := LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	first, err := cache.LoadFile(file) // miss: parses and stores
	if err != nil {
		t.Fatal(err)
	}
	entries := cacheEntries(t, cache.Dir)
	if len(entries) != 1 {
		t.Fatalf("%d cache entries, want 1", len(entries))
	}
	if info, _ := os.Stat(entries[0]); info.Mode().Perm() != 0o600 {
		t.Errorf("cache entry mode %o", info.Mode().Perm())
	}
	second, err := cache.LoadFile(file) // hit
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*Catalog{first, second} {
		if !reflect.DeepEqual(got, want) {
			t.Errorf("cached catalog differs from a parsed one:\n got %+v\nwant %+v", got, want)
		}
	}
	builtinWant, _ := Builtin()
	for range 2 {
		b, err := cache.Builtin()
		if err != nil || !reflect.DeepEqual(b, builtinWant) {
			t.Fatalf("cached built-in catalog differs: %v", err)
		}
	}
}

// TestCacheHitsAndMisses proves a hit comes from the cache (a doctored entry is what
// comes back) and that a change to the file or to the build misses it.
func TestCacheHitsAndMisses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(file, []byte(goodCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Identity: "build-1"}
	if _, err := cache.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	entry := cacheEntries(t, cache.Dir)[0]
	doctor := func(title string) {
		f, err := os.Create(entry)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := gob.NewEncoder(f).Encode(&Catalog{Title: title, Sources: []Source{{ID: "x", Name: "X\x1b[2J"}}}); err != nil {
			t.Fatal(err)
		}
	}
	doctor("from the cache")
	got, err := cache.LoadFile(file)
	if err != nil || got.Title != "from the cache" {
		t.Fatalf("not read from the cache: %v %q", err, got.Title)
	}
	if got.Sources[0].Name != "X^[[2J" || got.Sources[0].Origin != file {
		t.Errorf("cached text must be neutralised and origin set: %+v", got.Sources[0])
	}
	// Another build misses.
	other := Cache{Dir: cache.Dir, Identity: "build-2"}
	if got, _ := other.LoadFile(file); got.Title != "Test catalog" {
		t.Error("another build read this build's entry")
	}
	// Changed content misses.
	if err := os.WriteFile(file, []byte(goodCatalog+"\n# changed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := cache.LoadFile(file); got.Title != "Test catalog" {
		t.Error("changed file served from the cache")
	}
	// A broken entry is parsed again.
	if err := os.WriteFile(file, []byte(goodCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, []byte("not gob"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := cache.LoadFile(file); err != nil || got.Title != "Test catalog" {
		t.Errorf("broken entry: %v %v", got, err)
	}
}

func TestCacheStoresNothingForABadCatalog(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(file, []byte("[[sources]]\nid = \"Bad\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Identity: "b"}
	_, err := cache.LoadFile(file)
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Problems[0].File != file {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(cache.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused catalog changed something on disk")
	}
}

func TestCacheWorksWithoutAUsableDirectoryAndPrunes(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A cache directory that cannot exist: loading still works.
	if _, err := (Cache{Dir: filepath.Join(blocker, "cache"), Identity: "b"}).Builtin(); err != nil {
		t.Fatal(err)
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Identity: "b"}
	for i := 0; i < cacheKeep+5; i++ {
		file := filepath.Join(dir, "c.toml")
		content := goodCatalog + "\n# " + string(rune('a'+i)) + "\n"
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := cache.LoadFile(file); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(cacheEntries(t, cache.Dir)); n > cacheKeep {
		t.Errorf("%d entries kept, want at most %d", n, cacheKeep)
	}
	if tmp, _ := filepath.Glob(filepath.Join(cache.Dir, ".catalog-*")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}
