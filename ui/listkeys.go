package ui

import (
	"slices"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// The source list lists keys (catalog.AllKeys): a source with no declared key is one
// row, its implicit key, shown by the source's name as before; one with declared keys
// is a row per key ("Snowflake · prod"). Rows, statuses and the filter's entries are
// numbered by key, in AllKeys' order.

// catalogView is what the list derives from the catalog alone, computed once: a state
// change then only has to look at the keys the state file mentions, which is what
// keeps recording a check cheap on a catalog of 100,000 sources.
//
// It is built once and shared by every copy of the list (by pointer: the root model is
// copied on every message, and stays small). It is kept small, because it is as long
// as the catalog: an untouched key's status is
// derived from the catalog when it is shown, not stored, and a catalog that declares
// no key keeps no list of keys at all (key i is then source i's implicit key).
type catalogView struct {
	sources  []catalog.Source
	declared []catalog.Key // the catalog's Keys, which refs point into
	refs     []keyRef      // the live keys in AllKeys' order; nil when none is declared
	byName   []int32       // key indexes by lower-cased title, ties in key order
	rank     []int32       // each key's place in byName
	byID     []int32       // key indexes sorted by id, for finding the keys a state mentions
}

// keyRef is one listed key: its source's catalog index, and its index in the catalog's
// Keys, or -1 for the source's implicit key.
type keyRef struct{ source, decl int32 }

func newCatalogView(cat *catalog.Catalog) *catalogView {
	v := catalogView{sources: cat.Sources, declared: cat.Keys, refs: keyRefs(cat)}
	n := v.keyCount()
	v.byName, v.rank, v.byID = make([]int32, n), make([]int32, n), make([]int32, n)
	lower := make([]string, n) // only while sorting
	for i := range n {
		v.byName[i], v.byID[i], lower[i] = int32(i), int32(i), strings.ToLower(v.title(i))
	}
	slices.SortStableFunc(v.byName, func(a, b int32) int { return strings.Compare(lower[a], lower[b]) })
	for r, i := range v.byName {
		v.rank[i] = int32(r)
	}
	slices.SortFunc(v.byID, func(a, b int32) int { return strings.Compare(v.keyID(int(a)), v.keyID(int(b))) })
	return &v
}

// keyRefs lists the catalog's live keys in the order of catalog.AllKeys, as indexes:
// nil when no source declares a live key, so that such a catalog costs nothing more.
func keyRefs(cat *catalog.Catalog) []keyRef {
	bySource := map[string][]int32{}
	for i, k := range cat.Keys {
		if !k.Retired {
			bySource[k.Source] = append(bySource[k.Source], int32(i))
		}
	}
	if len(bySource) == 0 {
		return nil
	}
	refs := make([]keyRef, 0, len(cat.Sources)+len(cat.Keys))
	for i := range cat.Sources {
		decl := bySource[cat.Sources[i].ID]
		if len(decl) == 0 {
			refs = append(refs, keyRef{source: int32(i), decl: -1})
		}
		for _, d := range decl {
			refs = append(refs, keyRef{source: int32(i), decl: d})
		}
	}
	return refs
}

// keyCount is how many keys the list has.
func (v *catalogView) keyCount() int {
	if v.refs == nil {
		return len(v.sources)
	}
	return len(v.refs)
}

// hasDeclaredKeys reports whether some source declares keys: the list then counts
// keys, not sources.
func (v *catalogView) hasDeclaredKeys() bool { return v.refs != nil }

// sourceIndex is the catalog index of key i's source.
func (v *catalogView) sourceIndex(i int) int {
	if v.refs == nil {
		return i
	}
	return int(v.refs[i].source)
}

// sourceOf is key i's source.
func (v *catalogView) sourceOf(i int) *catalog.Source { return &v.sources[v.sourceIndex(i)] }

// declaredKey is key i as declared, or nil for an implicit key.
func (v *catalogView) declaredKey(i int) *catalog.Key {
	if v.refs == nil || v.refs[i].decl < 0 {
		return nil
	}
	return &v.declared[v.refs[i].decl]
}

// keyAt is key i.
func (v *catalogView) keyAt(i int) catalog.Key {
	if k := v.declaredKey(i); k != nil {
		return *k
	}
	src := v.sourceOf(i)
	return catalog.Key{ID: src.ID, Source: src.ID}
}

// keyID is key i's id: the state file's entries are keyed by it.
func (v *catalogView) keyID(i int) string {
	if k := v.declaredKey(i); k != nil {
		return k.ID
	}
	return v.sourceOf(i).ID
}

// title is how key i is shown: "Snowflake · prod", or the source's name alone.
func (v *catalogView) title(i int) string {
	if k := v.declaredKey(i); k != nil {
		return k.Title(v.sourceOf(i))
	}
	return v.sourceOf(i).Name
}

// indexOf finds the index of the key with this id.
func (v *catalogView) indexOf(id string) (int, bool) {
	k, ok := slices.BinarySearchFunc(v.byID, id, func(i int32, id string) int { return strings.Compare(v.keyID(int(i)), id) })
	if !ok {
		return -1, false
	}
	return int(v.byID[k]), true
}

// keySeparator stands for the " · " of a key's title in what the filter matches: it
// has as many runes, so the positions of a match are those to highlight in the title,
// and it is ASCII, so that the name stays on the filter's fast path; it also lets a key
// id typed whole ("snowflake/prod") match.
const keySeparator = " / "

// newListFilter indexes what the filter matches of each key: its title (so that a key's
// name ranks with the names), its source's aliases and category, and its labels, the
// owner and the tags as k=v.
func newListFilter(v *catalogView) *filterIndex {
	n := v.keyCount()
	names, aliases, categories := make([]string, n), make([][]string, n), make([]string, n)
	var labels [][]string
	if v.hasDeclaredKeys() {
		labels = make([][]string, n)
	}
	for i := range n {
		src := v.sourceOf(i)
		names[i], aliases[i], categories[i] = src.Name, src.Aliases, src.Category
		if k := v.declaredKey(i); k != nil {
			names[i] = src.Name + keySeparator + k.Name
			labels[i] = keyLabels(k)
		}
	}
	return newFilterIndex(names, aliases).withCategories(categories).withLabels(labels)
}

// keyLabels are the texts of k the filter matches as it does categories: its owner and
// each tag as k=v (which also starts a word with the value, so "prod" finds env=prod).
func keyLabels(k *catalog.Key) []string {
	var out []string
	if k.Owner != "" {
		out = append(out, k.Owner)
	}
	for _, name := range catalog.SortedKeys(k.Tags) {
		out = append(out, name+"="+k.Tags[name])
	}
	return out
}
