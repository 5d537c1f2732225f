package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "catalog-*"+cacheExt))
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
		data := encodeCatalog(&Catalog{Title: title, Sources: []Source{{ID: "x", Name: "X\x1b[2J"}}})
		if err := os.WriteFile(entry, data, 0o600); err != nil {
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
	// Ids and keys are printed as they are: an entry whose id or step key is not a
	// plain token is not trusted at all.
	for _, bad := range []Source{
		{ID: "x\x1b[2J", Name: "X"},
		{ID: "x", Name: "X", Steps: []Step{{Key: "k\x1b]0;pwned\a", Text: "t"}}},
	} {
		if err := os.WriteFile(entry, encodeCatalog(&Catalog{Title: "from the cache", Sources: []Source{bad}}), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := cache.LoadFile(file); err != nil || got.Title != "Test catalog" {
			t.Errorf("an entry with id %q / steps %+v was served from the cache", bad.ID, bad.Steps)
		}
	}
	doctor("from the cache")
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
	if err := os.WriteFile(entry, []byte("not a cache entry"), 0o600); err != nil {
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
	good := filepath.Join(dir, "good.toml")
	if err := os.WriteFile(good, []byte(goodCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (Cache{Dir: filepath.Join(blocker, "cache"), Identity: "b"}).LoadFile(good); err != nil {
		t.Fatal(err)
	}
	cache := Cache{Dir: filepath.Join(dir, "cache"), Identity: "b"}
	// An entry of the gob format, which no build since can read.
	legacy := filepath.Join(cache.Dir, "catalog-0123abcd"+legacyCacheExt)
	if err := os.MkdirAll(cache.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacy, []byte("gob"), 0o600); err != nil {
		t.Fatal(err)
	}
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
	if _, err := os.Stat(legacy); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an entry of the old format was kept: %v", err)
	}
}

// TestCacheLeavesTheBuiltinCatalogAlone: the built-in catalog is compiled in, already
// parsed, so caching it would only cost a file.
func TestCacheLeavesTheBuiltinCatalogAlone(t *testing.T) {
	cache := Cache{Dir: filepath.Join(t.TempDir(), "cache"), Identity: "b"}
	b, err := cache.Builtin()
	if err != nil || !reflect.DeepEqual(b, parsedBuiltin(t)) {
		t.Fatalf("cache.Builtin differs from builtin.toml: %v", err)
	}
	if _, err := os.Stat(cache.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("the built-in catalog went through the cache")
	}
}
