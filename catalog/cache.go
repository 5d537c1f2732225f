package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// cacheFormat changes whenever what is cached changes shape or meaning, so a build
// never reads another's entries. (Identity also differs between builds.) Every entry
// starts with it too (see cachecodec.go).
const cacheFormat = "rotatetui catalog cache 2"

// cacheExt ends the name of every entry. Entries of format 1 (encoding/gob) end in
// legacyCacheExt: this build cannot read them, and one for a large catalog is tens of
// megabytes, so prune removes them (an older build still in use just parses again).
const (
	cacheExt       = ".bin"
	legacyCacheExt = ".gob"
)

// cacheKeep is how many cached catalogs are kept; older ones are removed.
const cacheKeep = 16

// Cache keeps catalogs that passed validation, so a large catalog is parsed once rather
// than at every start: decoding the validated form is far faster than parsing TOML,
// and its text takes one allocation (see cachecodec.go). An entry is found by a hash
// of the file's exact bytes, the format version and the identity of the program, so
// any change to the file or to rotatetui misses the cache. Only valid catalogs are
// cached: a file with problems is reported as always and leaves nothing behind. The
// cache is a convenience: any trouble reading or writing it falls back to parsing,
// silently.
type Cache struct {
	Dir      string // e.g. $XDG_CACHE_HOME/rotatetui; "" disables the cache
	Identity string // identifies this build of rotatetui, e.g. its executable's path, size and time
}

// LoadFile is the cached form of the package's LoadFile.
func (c Cache) LoadFile(path string) (*Catalog, error) {
	// A hit only needs the file's hash, which is taken streaming: holding a large
	// catalog's text in memory just to hash it would cost as much as the catalog.
	if key, ok := c.fileKey(path); ok {
		if cat, ok := c.read(key); ok {
			setOrigin(cat, path)
			return cat, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cat, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	setOrigin(cat, path)
	if c.enabled() && len(cat.Keys) == 0 {
		// The cache's layout holds no keys (cachecodec.go): a catalog that declares
		// some is parsed each time. Such catalogs are small; keys live in keys.toml.
		// Keyed by the bytes parsed, not those hashed above: the file may have
		// changed in between.
		c.write(c.key(data), cat)
	}
	return cat, nil
}

// Builtin is the package's Builtin. The built-in catalog is compiled into the binary
// already parsed, which is faster than any cache entry, so it never touches the cache;
// the method stays so that callers can load every layer through one Cache.
func (c Cache) Builtin() (*Catalog, error) { return Builtin() }

func setOrigin(cat *Catalog, origin string) {
	for i := range cat.Sources {
		cat.Sources[i].Origin = origin
	}
}

func (c Cache) enabled() bool { return c.Dir != "" && c.Identity != "" }

// keyHash starts the hash that names an entry; the catalog's bytes follow.
func (c Cache) keyHash() hash.Hash {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n%s\n", cacheFormat, FormatVersion, c.Identity)
	return h
}

func (c Cache) key(data []byte) string {
	h := c.keyHash()
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// fileKey is the key of the file's contents, read through the hash a piece at a time.
func (c Cache) fileKey(path string) (string, bool) {
	if !c.enabled() {
		return "", false
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	h := c.keyHash()
	if _, err := io.Copy(h, f); err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

func (c Cache) entry(key string) string { return filepath.Join(c.Dir, "catalog-"+key+cacheExt) }

func (c Cache) read(key string) (*Catalog, bool) {
	if !c.enabled() {
		return nil, false
	}
	f, err := os.Open(c.entry(key))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false
	}
	cat, ok := readCatalog(f, info.Size())
	if !ok {
		return nil, false
	}
	// The cache lives in the user's own 0700 directory, but the screen's safety must
	// not rest on that: the text is neutralised again (cheap when already clean), and
	// ids, keys and kinds, which validation allows only as plain lower-case tokens and
	// which are printed as they are, must still be such tokens.
	for i := range cat.Sources {
		if !plainToken(cat.Sources[i].ID) {
			return nil, false
		}
		for _, st := range cat.Sources[i].Steps {
			if !plainToken(st.ID) || !plainToken(st.Key) || !plainToken(string(st.Kind)) {
				return nil, false
			}
		}
	}
	cat.Title = PrintableLine(cat.Title)
	for i := range cat.Sources {
		cat.Sources[i] = cat.Sources[i].sanitized()
	}
	return cat, true
}

// plainToken reports whether s holds only what a valid id, step key or kind can:
// lower-case ASCII letters, digits and hyphens.
func plainToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// write stores a validated catalog, atomically, and prunes old entries. Failures are
// ignored: the next start just parses again.
func (c Cache) write(key string, cat *Catalog) {
	if !c.enabled() {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.Dir, ".catalog-*.tmp") // created 0600
	if err != nil {
		return
	}
	_, err = tmp.Write(encodeCatalog(cat))
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

// prune keeps the newest cacheKeep entries, and removes those of the old format.
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
		if !strings.HasPrefix(e.Name(), "catalog-") {
			continue
		}
		if strings.HasSuffix(e.Name(), legacyCacheExt) {
			_ = os.Remove(filepath.Join(c.Dir, e.Name()))
			continue
		}
		if !strings.HasSuffix(e.Name(), cacheExt) {
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
