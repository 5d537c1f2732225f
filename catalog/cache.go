package catalog

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// cacheFormat changes whenever what is cached changes shape or meaning, so a build
// never reads another's entries. (Identity also differs between builds.)
const cacheFormat = "rotatetui catalog cache 1"

// cacheKeep is how many cached catalogs are kept; older ones are removed.
const cacheKeep = 16

// Cache keeps catalogs that passed validation, so a large catalog is parsed once rather
// than at every start: decoding the validated form is about 20 times faster than
// parsing TOML. An entry is found by a hash of the file's exact bytes, the format
// version and the identity of the program, so any change to the file or to rotatetui
// misses the cache. Only valid catalogs are cached: a file with problems is reported
// as always and leaves nothing behind. The cache is a convenience: any trouble reading
// or writing it falls back to parsing, silently.
type Cache struct {
	Dir      string // e.g. $XDG_CACHE_HOME/rotatetui; "" disables the cache
	Identity string // identifies this build of rotatetui, e.g. its executable's path, size and time
}

// LoadFile is the cached form of the package's LoadFile.
func (c Cache) LoadFile(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return c.load(path, path, data)
}

// Builtin is the cached form of the package's Builtin.
func (c Cache) Builtin() (*Catalog, error) {
	cat, err := c.load(builtinName, BuiltinOrigin, builtinTOML)
	if err != nil {
		return nil, fmt.Errorf("the built-in catalog is invalid (a bug in this build): %w", err)
	}
	return cat, nil
}

func (c Cache) load(name, origin string, data []byte) (*Catalog, error) {
	key := c.key(data)
	if cat, ok := c.read(key); ok {
		setOrigin(cat, origin)
		return cat, nil
	}
	cat, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	setOrigin(cat, origin)
	c.write(key, cat)
	return cat, nil
}

func setOrigin(cat *Catalog, origin string) {
	for i := range cat.Sources {
		cat.Sources[i].Origin = origin
	}
}

func (c Cache) key(data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n%s\n", cacheFormat, FormatVersion, c.Identity)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func (c Cache) entry(key string) string { return filepath.Join(c.Dir, "catalog-"+key+".gob") }

func (c Cache) read(key string) (*Catalog, bool) {
	if c.Dir == "" || c.Identity == "" {
		return nil, false
	}
	f, err := os.Open(c.entry(key))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var cat Catalog
	if err := gob.NewDecoder(f).Decode(&cat); err != nil {
		return nil, false
	}
	// The cache lives in the user's own 0700 directory, but the screen's safety must
	// not rest on that: the text is neutralised again (cheap when already clean).
	cat.Title = PrintableLine(cat.Title)
	for i := range cat.Sources {
		cat.Sources[i] = cat.Sources[i].sanitized()
	}
	return &cat, true
}

// write stores a validated catalog, atomically, and prunes old entries. Failures are
// ignored: the next start just parses again.
func (c Cache) write(key string, cat *Catalog) {
	if c.Dir == "" || c.Identity == "" {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.Dir, ".catalog-*.tmp") // created 0600
	if err != nil {
		return
	}
	err = gob.NewEncoder(tmp).Encode(cat)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.entry(key))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	c.prune()
}

// prune keeps the newest cacheKeep entries.
func (c Cache) prune() {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	type aged struct {
		name string
		mod  int64
	}
	var all []aged
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "catalog-") || !strings.HasSuffix(e.Name(), ".gob") {
			continue
		}
		if info, err := e.Info(); err == nil {
			all = append(all, aged{e.Name(), info.ModTime().UnixNano()})
		}
	}
	if len(all) <= cacheKeep {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod > all[j].mod })
	for _, old := range all[cacheKeep:] {
		_ = os.Remove(filepath.Join(c.Dir, old.name))
	}
}
