package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// keys.go: the key, the unit of rotation. A source says how a key is rotated; a key is
// one credential of it (an account, a shop, an app) with its own owner, tags, interval
// and {placeholder} values. Keys are declared in keys.toml (see ParseKeys) or in
// [[keys]] tables of a layered catalog; a source with no live declared key has one
// implicit key whose id is the source's id.

// KeysFormatVersion is the newest keys file format this build understands.
const KeysFormatVersion = 1

// maxKeyName is the longest key name accepted.
const maxKeyName = 64

// Key is one credential of a source: the unit of rotation.
type Key struct {
	ID          string            // "snowflake/prod"; the source id for an implicit key
	Source      string            // source id
	Name        string            // "prod"; "" for an implicit key
	Owner       string            // who looks after it; one line
	Description string            // one line
	Tags        map[string]string // env = "prod"
	RotateEvery Duration          // zero: the source's / catalog's / config's interval
	Values      map[string]string // {placeholder} values, e.g. account = "xy12345"
	Retired     bool              // leaves the list; history stays, exported as retired
	Origin      string            // the file that declared it; "" for an implicit key
	// CheckNew and CheckOld are shell commands (sh -c) that prove the rotation: the
	// new key works when CheckNew exits 0, the old key is refused when CheckOld exits
	// with a failure. Read only from the user's own keys file: a catalog that holds
	// them is refused (see the keys reader's commands).
	CheckNew, CheckOld string
	// CheckOldExit, when set (check_old_exit = [22]), are the only exit statuses of
	// CheckOld that prove the old key refused: any other failure (a typo, DNS, a
	// missing tool) proves nothing.
	CheckOldExit []int
	// Checks is the verdict on the file the key was read from, made as it was read
	// (see checkrun.ReadKeysFile): whether CheckNew and CheckOld may run. Only the
	// user's own keys file is judged; the zero verdict refuses, so a key from a
	// catalog or built in code never runs a command.
	Checks ChecksVerdict

	// at is where the key was declared, so that checks made after parsing (against
	// the merged catalog, for secrets) still name file, line and column. Nil for an
	// implicit key and for keys built in code.
	at *keyPositions
}

// ChecksVerdict says whether a key's check commands may run, as judged when its file
// was read. The zero verdict is "not judged", which refuses.
type ChecksVerdict struct {
	refused error // nil: not judged; checksTrusted: judged, and they may run
}

// checksTrusted is the verdict's refused of a file judged sound.
var checksTrusted = errors.New("trusted")

// ErrChecksNotJudged is why the commands of a key whose file was never judged may
// not run: it was not read from the user's own keys file.
var ErrChecksNotJudged = errors.New("the key was not read from your own keys file")

// JudgedChecks is the verdict on a keys file that was judged: refused is why its
// commands may not run, nil when they may.
func JudgedChecks(refused error) ChecksVerdict {
	if refused == nil {
		refused = checksTrusted
	}
	return ChecksVerdict{refused: refused}
}

// Err is why the commands may not run (ErrChecksNotJudged when nobody judged them),
// or nil when they may.
func (v ChecksVerdict) Err() error {
	switch v.refused {
	case nil:
		return ErrChecksNotJudged
	case checksTrusted:
		return nil
	}
	return v.refused
}

// KeyID is the id of source's key called name: "snowflake/prod", or the source id
// alone for the implicit key (name "").
func KeyID(source, name string) string {
	if name == "" {
		return source
	}
	return source + "/" + name
}

// Implicit reports whether k is the implicit key of a source that declares none.
func (k *Key) Implicit() bool { return k.Name == "" }

// Title is how the key is shown: "Snowflake · prod", or the source's name alone for
// an implicit key. src is the key's source; with nil the source id stands in.
func (k *Key) Title(src *Source) string {
	name := k.Source
	if src != nil {
		name = src.Name
	}
	if k.Implicit() {
		return name
	}
	return name + " · " + k.Name
}

// Problem is a problem with field of the key ("owner", "values.account"; "" for the
// key as a whole), placed where the key's file declares it: at the field when its line
// is known, else at the key's [[keys]] header. A key built in code has no position
// and is placed at line 1 of its Origin.
func (k *Key) Problem(field, format string, args ...any) Problem {
	line, col := 1, 1
	if k.at != nil {
		line, col = k.at.of(field)
	}
	return Problem{File: k.Origin, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// implicitKey is the key of a source that declares none.
func implicitKey(src *Source) Key { return Key{ID: src.ID, Source: src.ID} }

// source is the live source with the id, or nil.
func (c *Catalog) source(id string) *Source {
	for i := range c.Sources {
		if c.Sources[i].ID == id {
			return &c.Sources[i]
		}
	}
	return nil
}

// KeysOf returns the source's non-retired declared keys, in declared order, else its
// implicit key. A source the catalog does not hold has none.
func (c *Catalog) KeysOf(sourceID string) []Key {
	src := c.source(sourceID)
	if src == nil {
		return nil
	}
	var keys []Key
	for _, k := range c.Keys {
		if k.Source == sourceID && !k.Retired {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return []Key{implicitKey(src)}
	}
	return keys
}

// AllKeys returns every live key: in source order, each source's in declared order,
// a source without live declared keys by its implicit key. Keys whose source is not in
// the catalog are left out (ValidateKeys refuses them in a file).
func (c *Catalog) AllKeys() []Key {
	// Grouped in one pass: KeysOf per source would scan every key once per source.
	bySource := make(map[string][]Key)
	for _, k := range c.Keys {
		if !k.Retired {
			bySource[k.Source] = append(bySource[k.Source], k)
		}
	}
	out := make([]Key, 0, len(c.Sources)+len(c.Keys))
	for i := range c.Sources {
		src := &c.Sources[i]
		if keys := bySource[src.ID]; len(keys) > 0 {
			out = append(out, keys...)
		} else {
			out = append(out, implicitKey(src))
		}
	}
	return out
}

// FindKey finds a key by its exact id: a declared key, live or retired, or the
// implicit key of a source that has no live declared key.
func (c *Catalog) FindKey(id string) (*Key, bool) {
	for i := range c.Keys {
		if c.Keys[i].ID == id {
			return &c.Keys[i], true
		}
	}
	if strings.Contains(id, "/") {
		return nil, false
	}
	if keys := c.KeysOf(id); len(keys) == 1 && keys[0].Implicit() {
		return &keys[0], true
	}
	return nil, false
}

// AmbiguousKeyError is a source named where a key is needed while the source has
// several live keys. The CLI exits 2 with it.
type AmbiguousKeyError struct {
	Query  string
	Source *Source
	Keys   []Key // the source's live keys
}

func (e *AmbiguousKeyError) Error() string {
	ids := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		ids[i] = k.ID
	}
	return fmt.Sprintf("%s has %d keys: name one of %s", e.Source.Name, len(e.Keys), strings.Join(ids, ", "))
}

// UnknownKeyError is a query that names no key. Near holds what it might have meant.
type UnknownKeyError struct {
	Query string
	Near  []Key
	cat   *Catalog
}

func (e *UnknownKeyError) Error() string {
	msg := fmt.Sprintf("no key or source %q", PrintableLine(e.Query))
	if len(e.Near) == 0 {
		return msg + "; 'rotatetui key list' lists every key"
	}
	var names []string
	for i, k := range e.Near {
		if i == 8 {
			names = append(names, "…")
			break
		}
		names = append(names, fmt.Sprintf("%s (%s)", k.Title(e.cat.source(k.Source)), k.ID))
	}
	return msg + "; did you mean: " + strings.Join(names, ", ")
}

// LookupKey resolves what a user typed: a key id ("snowflake/prod", the source part
// also as the source's name, any case), or a source id or name: a source with one live
// key means that key; with several, an *AmbiguousKeyError listing them (the CLI exits
// 2); nothing: an *UnknownKeyError, near being the keys the query might have meant
// (keys whose id contains it, and the keys of sources whose id, name or alias does).
// A retired key is found by its exact id: its history stays.
func (c *Catalog) LookupKey(query string) (*Key, []Key, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if srcPart, name, ok := strings.Cut(q, "/"); ok {
		if src, _ := c.Lookup(srcPart); src != nil {
			if k, ok := c.FindKey(KeyID(src.ID, name)); ok && name != "" {
				return k, nil, nil
			}
		}
	} else if src, _ := c.Lookup(q); src != nil {
		keys := c.KeysOf(src.ID)
		if len(keys) == 1 {
			return &keys[0], nil, nil
		}
		return nil, keys, &AmbiguousKeyError{Query: query, Source: src, Keys: keys}
	}
	near := c.nearKeys(q)
	return nil, near, &UnknownKeyError{Query: query, Near: near, cat: c}
}

// nearKeys are the live keys a query that matched nothing might have meant.
func (c *Catalog) nearKeys(q string) []Key {
	if q == "" {
		return nil
	}
	srcPart, _, _ := strings.Cut(q, "/")
	src, nearSources := c.Lookup(srcPart)
	if src != nil {
		nearSources = []*Source{src} // "snowflake/nope": snowflake's keys
	}
	var near []Key
	seen := map[string]bool{}
	add := func(k Key) {
		if !seen[k.ID] {
			seen[k.ID] = true
			near = append(near, k)
		}
	}
	for _, k := range c.Keys {
		if !k.Retired && strings.Contains(k.ID, q) {
			add(k)
		}
	}
	for _, s := range nearSources {
		for _, k := range c.KeysOf(s.ID) {
			add(k)
		}
	}
	return near
}

// LayerKeys layers keys over the catalog's, as Merge layers sources: a key with an
// existing id replaces the earlier one whole, in its place; a new id is appended.
func (c *Catalog) LayerKeys(keys []Key) {
	if len(keys) == 0 {
		return
	}
	index := make(map[string]int, len(c.Keys))
	for i, k := range c.Keys {
		index[k.ID] = i
	}
	for _, k := range keys {
		if i, ok := index[k.ID]; ok {
			c.Keys[i] = k
			continue
		}
		index[k.ID] = len(c.Keys)
		c.Keys = append(c.Keys, k)
	}
}

// placeholders lists the {placeholder} names the source's steps use, sorted.
func (s *Source) placeholders() []string {
	set := map[string]bool{}
	for _, st := range s.Steps {
		for _, text := range [...]string{st.URL, st.Command} {
			if !strings.Contains(text, "{") {
				continue
			}
			for _, m := range placeholderPattern().FindAllStringSubmatch(text, -1) {
				set[m[1]] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SortedKeys returns m's keys in order, for printing a key's tags and values the same
// way every time.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
