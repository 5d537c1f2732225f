package ui

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/ui/internal/fuzzy"
)

// filterIndex is the source list's filter: the names, aliases and categories of the
// catalog's keys (see newListFilter) indexed by package fuzzy, which does the matching and ranking, and what the list
// needs of it as rows.
//
// Ownership. The index is a pointer shared by every copy of the model and is used only
// on the UI goroutine. A filter's rows are a fuzzy.Result, a view of the index's reused
// buffers: they stay valid until the index is asked for a query that is not theirs or
// one of its prefixes, which is only ever done for the newest model; older copies of the
// model, which Bubble Tea discards, would find theirs invalid (fuzzy.Result says which
// results may be read, and panics on the others). A listRow is a plain value: the rows
// the list copies out of a result (see keepInView) stay good.
type filterIndex struct {
	fz *fuzzy.Index
	// The widest category, in cells: the list's category column is laid out by it,
	// and the index knows it without measuring every source's.
	widestCategory int

	// The unfiltered rows, for the order slice they were built from.
	orderRows []listRow
	orderOf   *int
}

// filterMatch is what a listed source matched the filter through (its name, an alias
// or its category); the zero filterMatch, for the rows of an unfiltered list, is none
// (see Matched).
type filterMatch = fuzzy.Via

// aliasCategory is the alias of a match through the source's category, and aliasLabel
// that of a match through one of the key's labels.
const (
	aliasCategory = fuzzy.Category
	aliasLabel    = fuzzy.Label
)

// newFilterIndex indexes the names and aliases of the catalog's sources (names[i] and
// aliases[i] are source i's).
func newFilterIndex(names []string, aliases [][]string) *filterIndex {
	return &filterIndex{fz: fuzzy.New(names, aliases)}
}

// withCategories adds each source's category (categories[i] is source i's) to what the
// index matches. It returns idx, for chaining after newFilterIndex.
func (idx *filterIndex) withCategories(categories []string) *filterIndex {
	idx.fz.WithCategories(categories, ansi.StringWidth)
	idx.widestCategory = idx.fz.WidestCategory()
	return idx
}

// withLabels adds each key's labels (labels[i] is key i's: its owner, its tags as k=v)
// to what the index matches; nil adds none. It returns idx, for chaining.
func (idx *filterIndex) withLabels(labels [][]string) *filterIndex {
	if labels != nil {
		idx.fz.WithLabels(labels)
	}
	return idx
}

// label is the label a match through one matched (see fuzzy.Index.LabelOf).
func (idx *filterIndex) label(m filterMatch) string { return idx.fz.LabelOf(m) }

// rows returns the sources matching query as list rows, best first, ties in catalog
// order. They are the index's own: valid until the index is asked another query.
func (idx *filterIndex) rows(query string) rowList {
	return rowList{found: idx.fz.Search(query)}
}

// unfiltered lists order as rows, for an empty query. order is never changed in place
// (setState builds a new slice), so the rows are rebuilt only for a different slice.
func (idx *filterIndex) unfiltered(order []int) rowList {
	idx.fz.Search("") // forgets the prefixes of the last query
	var first *int
	if len(order) > 0 {
		first = &order[0]
	}
	if idx.orderRows != nil && first == idx.orderOf && len(order) == len(idx.orderRows) {
		return rowList{plain: idx.orderRows}
	}
	rows := make([]listRow, len(order))
	for i, s := range order {
		rows[i] = listRow{key: s}
	}
	idx.orderRows, idx.orderOf = rows, first
	return rowList{plain: rows}
}

// positions returns the rune indexes of the letters the query matched in the name or
// alias m is, for highlighting.
func (idx *filterIndex) positions(m filterMatch, query string) []int {
	return idx.fz.Positions(m, query)
}

// categoryPositions returns the rune indexes of category that query matched, for
// highlighting a match through the category.
func categoryPositions(category, query string) []int {
	return fuzzy.CategoryPositions(category, query)
}

// rowList is what the source list shows: a plain list of rows, or a filter result that
// is ranked only as far as it is read. At most one of its fields is set. It is kept at
// 40 bytes: the root model holds one, and at 1032 bytes rather than 1000 the root model
// boxed into a tea.Model by Update went to the heap, one allocation more per key press
// in the benchmarks (which call Update directly).
type rowList struct {
	plain []listRow    // unfiltered, or picked by the list (see keepInView)
	found fuzzy.Result // a filter's matches: read only from the newest model
}

// Len is how many rows there are.
func (r rowList) Len() int { return len(r.plain) + r.found.Len() }

// rankTo makes sure rows [0, n) are ranked, so that reading them costs nothing: the
// list calls it from Update for the rows it is about to show, so View never ranks.
func (r rowList) rankTo(n int) { r.found.RankTo(n) }

// At is row i. Reading past the ranked rows of a filter result ranks them all (once per
// query).
func (r rowList) At(i int) listRow {
	if r.plain != nil {
		return r.plain[i]
	}
	m := r.found.At(i)
	return listRow{key: int(m.Source), match: m.Via}
}
