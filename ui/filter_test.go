package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/textinput"
	"github.com/rotatetui/rotatetui/ui/internal/fuzzy"
)

// The engine's own tests are in package fuzzy; these test the list's side of it.

func TestHighlightMarksExactlyTheMatchedRunes(t *testing.T) {
	all := []string{"Sprout Sociál", "Squarespace Commerce"}
	c := &common{styles: newStyles()}
	c.styles.Paint.Match = paint{pre: "[", post: "]"}
	in := textinput.New()
	m := sourcesModel{c: c, input: &in, index: newFilterIndex(all, [][]string{{"Señal Sociál"}, nil})}
	for _, tc := range []struct{ query, text, want string }{
		{"ál", "Sprout Sociál", "Sprout Soci[á][l]"},
		{"sprsoc", "Sprout Sociál", "[S][p][r]out [S][o][c]iál"},
		{"scom", "Squarespace Commerce", "Square[s]pa[c]e C[o][m]merce"},
		{"eñ", "Señal Sociál", "S[e][ñ]al Sociál"},
	} {
		m.input = inputWithValue(m.input, tc.query)
		rows := m.index.rows(tc.query)
		if rows.Len() == 0 {
			t.Fatalf("%q: no match", tc.query)
		}
		var b strings.Builder
		w := fitting(&b, 0, 100)
		m.writeMarked(&w, rows.At(0), rows.At(0).match.Alias, tc.text, paint{})
		if got := b.String(); got != tc.want {
			t.Errorf("%q in %q: %q, want %q", tc.query, tc.text, got, tc.want)
		}
	}
}

// TestFilterKeystrokesDoNotAllocate: once its buffers have grown, the index answers a
// typed, extended and shortened query without allocating.
func TestFilterKeystrokesDoNotAllocate(t *testing.T) {
	cat := syntheticCatalog(2000)
	idx := newFilterIndex(catalogText(cat)).withCategories(catalogCategories(cat))
	// "an" and "pa" also match categories (Analytics; Payments).
	seq := []string{"s", "sn", "sno", "sn", "s", "sa", "", "a", "ap", "an", "", "pa"}
	run := func() {
		for _, q := range seq {
			if q == "" {
				idx.unfiltered(nil)
				continue
			}
			idx.rows(q)
		}
	}
	run()
	if allocs := testing.AllocsPerRun(20, run); allocs != 0 {
		t.Errorf("%v allocations per query sequence, want 0", allocs)
	}
}

// TestListRanksInUpdateNotView: moving down past the ranked head of a filter result
// ranks it in Update, so drawing the rows never does the work.
func TestListRanksInUpdateNotView(t *testing.T) {
	defer fuzzy.SetTopRows(2)()
	m := newTestModel(t, &memStore{}, Options{})
	m = press(t, m, "/")
	m = typeText(t, m, "a")
	found := m.sources.rows.found
	if found.Query() != "a" {
		t.Fatal("setup: no filter result")
	}
	for i := range 26 {
		if i > 0 {
			m = press(t, m, "down")
		}
		if end := m.sources.offset + listHeight(m.c.height); found.Ranked() < min(end, m.sources.rows.Len()) {
			t.Fatalf("cursor %d: rows up to %d on screen but only %d ranked before View", m.sources.cursor, end, found.Ranked())
		}
	}
}

// TestListRowsAreTheFilterMatches: the list's rows are the engine's matches, in its
// order, each with its source; unfiltered rows are the order given, with no match.
func TestListRowsAreTheFilterMatches(t *testing.T) {
	all := []string{"Mixpanel", "Awin", "Analytics Pro", "Snowflake", "Shop"}
	aliases := [][]string{nil, {"Zanox"}, nil, nil, {"Snowshop"}}
	cats := []string{"Analytics", "Affiliate marketing", "Analytics", "Data warehouse", "E-commerce"}
	idx := newFilterIndex(all, aliases).withCategories(cats)
	engine := fuzzy.New(all, aliases).WithCategories(cats, func(string) int { return 0 })
	for _, q := range []string{"a", "an", "snow", "zan", "data", "x"} {
		rows, want := idx.rows(q), engine.Search(q)
		if rows.Len() != want.Len() {
			t.Fatalf("%q: %d rows, %d matches", q, rows.Len(), want.Len())
		}
		for i := range rows.Len() {
			if r, m := rows.At(i), want.At(i); r.key != int(m.Source) || r.match != m.Via || !r.match.Matched() {
				t.Errorf("%q: row %d is %+v, want match %+v", q, i, r, m)
			}
		}
	}
	rows := idx.unfiltered([]int{3, 0, 4})
	for i, s := range []int{3, 0, 4} {
		if r := rows.At(i); r.key != s || r.match.Matched() {
			t.Errorf("unfiltered row %d is %+v, want source %d without a match", i, r, s)
		}
	}
	if rows.Len() != 3 {
		t.Errorf("unfiltered: %d rows, want 3", rows.Len())
	}
}

// TestACopiedRowKeepsItsMatch: a row the list copies out of a filter result (as
// keepInView does) keeps its match and highlight after the index answers other
// queries, which reuse the result's buffers.
func TestACopiedRowKeepsItsMatch(t *testing.T) {
	all := []string{"Sprout Social", "Squarespace Commerce", "Snowflake"}
	idx := newFilterIndex(all, nil)
	kept := idx.rows("scom").At(0)
	idx.rows("")
	idx.rows("sn") // fills the level "scom" was in
	if all[kept.key] != "Squarespace Commerce" || kept.match.Alias != fuzzy.Name {
		t.Fatalf("kept row: %+v", kept)
	}
	if got := idx.positions(kept.match, "scom"); !slices.Equal(got, []int{6, 9, 13, 14}) {
		t.Errorf("kept row's positions: %v", got)
	}
}
