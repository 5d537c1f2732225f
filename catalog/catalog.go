// Package catalog holds the knowledge rotatetui works from: which data sources exist and,
// for each, the steps that rotate its API key.
//
// Catalogs are TOML files (format version 1, documented in docs/catalog.md). The built-in
// catalog, builtin.toml, is compiled into the binary as Go data (builtin_gen.go, made by
// go generate), so a start never parses it; user catalogs are layered over it with Merge, a
// source with a known id replacing the earlier one whole. Every catalog is untrusted
// input: Parse reports every problem of a file at once with its line and column, a file
// nested deeper than any catalog needs is refused before the TOML decoder sees it
// (shape.go), and all text that survives validation has its control characters made
// inert, so nothing read from a catalog can drive the terminal.
//
// Reading a large catalog fast: the lines generated catalogs are made of are decoded
// directly (fastdecode.go), anything else by BurntSushi/toml, with the same result,
// and files of 1 MB or more are parsed in pieces on every core (chunked.go).
package catalog

import (
	"fmt"
	"strings"
)

//go:generate go run -tags genbuiltin ./internal/genbuiltin

// FormatVersion is the newest catalog format this build understands.
const FormatVersion = 1

// BuiltinOrigin is the Origin of sources that come from the built-in catalog.
const BuiltinOrigin = "builtin"

// Catalog is a set of sources in display order.
type Catalog struct {
	Version     int
	Title       string
	RotateEvery Duration // zero when the catalog sets none
	Sources     []Source
	Keys        []Key // declared keys (retired ones too), merged in layer order; see keys.go
}

// Source is one data source and the procedure that rotates its key.
type Source struct {
	ID          string // stable lower-case slug; progress is stored under it
	Name        string
	Aliases     []string // other names users search for
	Category    string
	Docs        string // the provider's own documentation page
	Note        string // shown above the steps
	RotateEvery Duration
	Disabled    bool   // in a user catalog: hide the source with this id
	Origin      string // BuiltinOrigin, or the file the source was read from
	Steps       []Step
}

// Step is one instruction of a rotation procedure.
type Step struct {
	ID      string // optional explicit id
	Key     string // the key progress is stored under: ID, or derived from Text
	Text    string
	Kind    Kind
	Command string   // text the user copies and runs, e.g. SQL
	URL     string   // may hold {placeholders}
	Wait    Duration // how long to wait after this step before the next one
	// Proves is the fact the step establishes in a rotation (see WithProof): set on
	// rotatetui's own proof steps, and on the verify step that stands for "New key
	// works". Catalogs never set it.
	Proves Fact
}

// Kind classifies what a step does, so the UI can warn before destructive steps.
type Kind string

// The step kinds a catalog may use. The zero Kind means "unclassified".
const (
	KindNone      Kind = ""
	KindNavigate  Kind = "navigate"
	KindCreate    Kind = "create"
	KindRevoke    Kind = "revoke"
	KindVerify    Kind = "verify"
	KindReconnect Kind = "reconnect"
	KindContact   Kind = "contact"
	KindWait      Kind = "wait"
)

// Kinds lists the valid non-empty kinds, in the order the docs present them.
var Kinds = []Kind{KindNavigate, KindCreate, KindRevoke, KindVerify, KindReconnect, KindContact, KindWait}

func validKind(k Kind) bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// Builtin returns a fresh copy of the built-in catalog, which callers may change: the
// catalog, its sources, their steps and aliases are theirs (the strings are shared, as
// strings cannot change). The error is always nil now that builtin.toml is validated
// when builtin_gen.go is generated (TestBuiltinGenIsFresh keeps the two in step); it
// stays so that callers need not change.
func Builtin() (*Catalog, error) {
	c := builtinCatalog
	var nSteps, nAliases int
	for _, s := range builtinCatalog.Sources {
		nSteps += len(s.Steps)
		nAliases += len(s.Aliases)
	}
	// One array for all steps and one for all aliases. Each source gets a full slice
	// expression, so an append to one source's steps reallocates instead of
	// overwriting the next source's.
	steps := make([]Step, 0, nSteps)
	aliases := make([]string, 0, nAliases)
	c.Sources = make([]Source, len(builtinCatalog.Sources))
	for i, s := range builtinCatalog.Sources {
		if s.Steps != nil {
			from := len(steps)
			steps = append(steps, s.Steps...)
			s.Steps = steps[from:len(steps):len(steps)]
		}
		if s.Aliases != nil {
			from := len(aliases)
			aliases = append(aliases, s.Aliases...)
			s.Aliases = aliases[from:len(aliases):len(aliases)]
		}
		c.Sources[i] = s
	}
	return &c, nil
}

// StepKeys returns the keys of the source's steps in order.
func (s *Source) StepKeys() []string {
	keys := make([]string, len(s.Steps))
	for i, st := range s.Steps {
		keys[i] = st.Key
	}
	return keys
}

// Custom reports whether the source came from a user catalog rather than the built-in one.
func (s *Source) Custom() bool { return s.Origin != BuiltinOrigin }

// Merge layers catalogs in order: a later source with an existing id replaces the
// earlier one whole, in its place; a new id is appended; a source with Disabled set
// removes the earlier one. The last non-empty title and interval win. Keys are layered
// the same way (see LayerKeys); a key whose source ends up missing stays, for
// ValidateKeys to report.
func Merge(layers ...*Catalog) *Catalog {
	out := &Catalog{Version: FormatVersion, Title: "rotatetui"}
	// Sized up front: grown one append at a time, a 100,000-source catalog would copy
	// its sources over and over, several times its own size in garbage.
	total := 0
	for _, layer := range layers {
		if layer != nil {
			total += len(layer.Sources)
		}
	}
	out.Sources = make([]Source, 0, total)
	index := make(map[string]int, total)
	for _, layer := range layers {
		if layer == nil {
			continue
		}
		if layer.Title != "" {
			out.Title = layer.Title
		}
		if layer.RotateEvery != 0 {
			out.RotateEvery = layer.RotateEvery
		}
		for _, src := range layer.Sources {
			if i, ok := index[src.ID]; ok {
				out.Sources[i] = src
				continue
			}
			index[src.ID] = len(out.Sources)
			out.Sources = append(out.Sources, src)
		}
		out.LayerKeys(layer.Keys)
	}
	kept := out.Sources[:0]
	for _, src := range out.Sources {
		if !src.Disabled {
			kept = append(kept, src)
		}
	}
	out.Sources = kept
	return out
}

// Lookup finds a source by id or by name, case-insensitively. When nothing matches
// exactly it returns the sources whose id, name or alias contains the query, so callers
// can suggest them.
func (c *Catalog) Lookup(query string) (src *Source, near []*Source) {
	q := strings.ToLower(strings.TrimSpace(query))
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.ID == q || strings.ToLower(s.Name) == q {
			return s, nil
		}
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if q != "" && s.matchesLoosely(q) {
			near = append(near, s)
		}
	}
	return nil, near
}

func (s *Source) matchesLoosely(q string) bool {
	if strings.Contains(s.ID, q) || strings.Contains(strings.ToLower(s.Name), q) {
		return true
	}
	for _, a := range s.Aliases {
		if strings.Contains(strings.ToLower(a), q) {
			return true
		}
	}
	return false
}

// StepIndex resolves a step reference given by a user: a 1-based number, a step id or a
// step key. It returns -1 when nothing matches.
func (s *Source) StepIndex(ref string) int {
	ref = strings.TrimSpace(ref)
	var n int
	if _, err := fmt.Sscanf(ref, "%d", &n); err == nil && fmt.Sprint(n) == ref {
		if n >= 1 && n <= len(s.Steps) {
			return n - 1
		}
		return -1
	}
	for i, st := range s.Steps {
		if st.ID == ref || st.Key == ref {
			return i
		}
	}
	return -1
}
