package ui

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
)

// TestRowsDrawAsTruncatedCells: a row written piece by piece into the frame (see
// cellWriter) shows what the list drew when it built each cell as a styled string and
// cut it with truncate: the same characters, each in the same paints, on rows of keys
// and of sources, unfiltered and matched through names, aliases, categories and labels,
// at widths with and without a category column, cut or not, with wide characters,
// combining marks, invalid UTF-8 and badges. (refRowView is that former drawing.)
func TestRowsDrawAsTruncatedCells(t *testing.T) {
	odd := builtin(t)
	for i, name := range []string{"東京 Data Warehouse 東京 Data Warehouse", "Cafe\u0301 Analytics", "🔑 Vault of Secrets and Keys Galore", "Bad\xffName Payments", "Snowflake Zero\u200bWidth Reporting Platform"} {
		odd.Sources = append(odd.Sources, catalog.Source{
			ID: fmt.Sprintf("odd-%d", i), Name: name, Category: []string{"Anályse", "東京", "Bad\xfe Cat", "Payments", "Analytics"}[i],
			Aliases: []string{"Señal " + name}, Origin: "my-catalog.toml", Steps: []catalog.Step{{Key: "login", Text: "Log in"}},
		})
		odd.Keys = append(odd.Keys, catalog.Key{ID: catalog.KeyID(fmt.Sprintf("odd-%d", i), "prod"), Source: fmt.Sprintf("odd-%d", i), Name: "prod", Owner: "ana"})
	}
	catalogs := map[string]*catalog.Catalog{"keys": keysCatalogOf(300), "sources": syntheticCatalog(300), "odd": odd}
	queries := []string{"", "s", "an", "prod", "ana", "env", "snow", "caf", "東", "bad", "e"}
	widths := []int{20, 50, 69, 70, 76, 80, 100}
	compared := 0
	for name, cat := range catalogs {
		for _, q := range queries {
			m := newTestModel(t, newMemStore(), Options{Catalog: cat})
			m = press(t, m, "/")
			m = typeText(t, m, q)
			idPaints(m.sources.c.styles)
			for i := range min(m.sources.rows.Len(), 120) {
				for _, w := range widths {
					want, got := styledRunes(t, refRowView(m.sources, i, w)), styledRunes(t, m.sources.rowView(i, w))
					if !slices.Equal(got, want) {
						t.Fatalf("%s, %q, row %d at %d cells:\n got %q\nwant %q", name, q, i, w, got, want)
					}
					compared++
				}
			}
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d rows compared", compared)
	}
}

// idPaints gives each of the list's paints escape codes of its own: "\x1b[38;5;Nm"
// opens paint N, "\x1b[48;5;Nm" closes it (see styledRunes).
func idPaints(s *Styles) {
	v := reflect.ValueOf(&s.Paint).Elem()
	for i := range v.NumField() {
		v.Field(i).Set(reflect.ValueOf(paint{pre: fmt.Sprintf("\x1b[38;5;%dm", i+1), post: fmt.Sprintf("\x1b[48;5;%dm", i+1)}))
	}
}

// styledRunes is each rune s shows with the paints (see idPaints) open around it:
// what a terminal draws, whatever escape codes without text follow the last one.
func styledRunes(t *testing.T, s string) []string {
	t.Helper()
	var open []int
	var out []string
	for len(s) > 0 {
		if s[0] == 0x1b {
			end := strings.IndexByte(s, 'm')
			code := s[:end+1]
			id, err := strconv.Atoi(code[len("\x1b[38;5;") : len(code)-1])
			switch {
			case err != nil:
				t.Fatalf("escape code %q is none of the paints'", code)
			case strings.HasPrefix(code, "\x1b[38;5;"):
				open = append(open, id)
			case strings.HasPrefix(code, "\x1b[48;5;"):
				if i := slices.Index(open, id); i >= 0 {
					open = slices.Delete(open, i, i+1)
				}
			}
			s = s[end+1:]
			continue
		}
		_, size := utf8.DecodeRuneInString(s)
		out = append(out, fmt.Sprintf("%q%v", s[:size], open))
		s = s[size:]
	}
	return out
}

// refRowView is rowView as the list drew it before cellWriter: each cell a styled
// string, cut to its column by truncate.
func refRowView(m sourcesModel, i, width int) string {
	name := refNameCell(m, i, width >= minCategoryColumns)
	cols := m.columns(width, ansi.StringWidth(name))
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := m.sourceOf(row.key)
	marker := "  "
	if i == m.cursor {
		marker = st.Cursor.Render("› ")
	}
	name = truncate(name, cols.name)
	var b strings.Builder
	b.WriteString(marker)
	b.WriteString(name)
	for w := ansi.StringWidth(name); w < cols.name; w++ {
		b.WriteByte(' ')
	}
	b.WriteByte(' ')
	if cols.category > 0 {
		b.WriteString(pad(truncate(refHighlight(m, src.Category, row, aliasCategory, st.Category), cols.category), cols.category))
		b.WriteByte(' ')
	}
	b.WriteString(m.statusView(m.statusAt(row.key)))
	return b.String()
}

func refNameCell(m sourcesModel, i int, showCategory bool) string {
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := m.sourceOf(row.key)
	nameStyle := st.Row
	if i == m.cursor {
		nameStyle = st.RowSelected
	}
	var nb strings.Builder
	nb.WriteString(refHighlight(m, m.title(row.key), row, -1, nameStyle))
	if row.match.Matched() && row.match.Alias >= 0 {
		nb.WriteString(st.Category.Render(" aka "))
		nb.WriteString(refHighlight(m, src.Aliases[row.match.Alias], row, row.match.Alias, st.Category))
	}
	if row.match.Matched() && row.match.Alias == aliasLabel {
		label := m.index.label(row.match)
		lead := " "
		if k := m.declaredKey(row.key); k != nil && label == k.Owner {
			lead = " owner "
		}
		nb.WriteString(st.Category.Render(lead) + refHighlight(m, catalog.PrintableLine(label), row, aliasLabel, st.Category))
	}
	if row.match.Matched() && row.match.Alias == aliasCategory && !showCategory {
		nb.WriteString(st.Category.Render(" in "))
		nb.WriteString(refHighlight(m, src.Category, row, aliasCategory, st.Category))
	}
	if m.statusAt(row.key).revokeFirst {
		nb.WriteByte(' ')
		nb.WriteString(st.Warning.Render("⚠"))
	}
	if src.Custom() {
		nb.WriteByte(' ')
		nb.WriteString(m.c.styles.Badge("custom"))
	}
	return nb.String()
}

func refHighlight(m sourcesModel, text string, row listRow, alias int32, base paint) string {
	if !row.match.Matched() || row.match.Alias != alias {
		return base.Render(text)
	}
	var pos []int
	if alias == aliasCategory || alias == aliasLabel {
		pos = categoryPositions(text, m.query())
	} else {
		pos = m.index.positions(row.match, m.query())
	}
	if len(pos) == 0 {
		return base.Render(text)
	}
	if !utf8.ValidString(text) {
		text = string([]rune(text))
	}
	var b strings.Builder
	run, ri := 0, 0
	for i, r := range text {
		if len(pos) > 0 && pos[0] == ri {
			pos = pos[1:]
			if run < i {
				b.WriteString(base.Render(text[run:i]))
			}
			size := utf8.RuneLen(r)
			b.WriteString(m.c.styles.Paint.Match.Render(text[i : i+size]))
			run = i + size
		}
		ri++
	}
	if run < len(text) {
		b.WriteString(base.Render(text[run:]))
	}
	return b.String()
}

// TestAListOfKeysDrawsAsCheaplyAsOneOfSources: a frame of the list allocates about as
// much with a row per key ("ActiveCampaign · app-android-1377", long enough to be cut
// on most rows) as with a row per source, unfiltered and filtered; it was a third more
// while each row's cell was built as a styled string, then measured and cut.
func TestAListOfKeysDrawsAsCheaplyAsOneOfSources(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor) // the styles are resolved in New
	defer lipgloss.SetColorProfile(termenv.Ascii)
	frameAllocs := func(cat *catalog.Catalog, query string) float64 {
		m := newTestModel(t, newMemStore(), Options{Catalog: cat})
		m = typeText(t, press(t, m, "/"), query)
		return testing.AllocsPerRun(20, func() { _ = m.View() })
	}
	for _, q := range []string{"", "s"} {
		keys, sources := frameAllocs(keysCatalogOf(2000), q), frameAllocs(syntheticCatalog(2000), q)
		// The line above the filter names the selected row, which differs between the
		// two lists: a few allocations either way.
		if keys > sources+12 {
			t.Errorf("query %q: a frame of keys allocates %.0f times, one of sources %.0f", q, keys, sources)
		}
	}
}
