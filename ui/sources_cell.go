package ui

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// The list's rows are written piece by piece straight into the frame: each piece is a
// plain text and the paint it is drawn in, measured as plain text and cut to its column
// as it is written. Drawing each cell as a styled string and then measuring and
// truncating it (ansi.StringWidth and ansi.Truncate walk every escape code of it, and a
// row was measured three times) cost most of a frame once keys came: a key's title
// ("ActiveCampaign · app-android-1377") is long enough to be cut on most rows.

// ellipsis marks where a cell was cut, as truncate marks it.
const ellipsis = "…"

var ellipsisWidth = ansi.StringWidth(ellipsis)

// cellWriter writes the pieces of one cell into b, fitted to a column exactly as
// truncate fits the whole styled cell: when the cell is wider than the column, the text
// that does not fit in one cell less is dropped and "…" is drawn in its place, in the
// paint of the piece that was cut. With b nil it only measures.
type cellWriter struct {
	b     *strings.Builder // nil: measure only
	limit int              // cells the text may take
	used  int              // cells taken so far
	cut   bool             // "…" is written: the rest is dropped
}

// measuring is a writer that only counts the cells of what is written into it.
func measuring() cellWriter { return cellWriter{limit: math.MaxInt} }

// fitting is a writer into b for a cell of width cells (as a measuring writer counted
// them) in a column of column cells.
func fitting(b *strings.Builder, width, column int) cellWriter {
	w := cellWriter{b: b, limit: column}
	switch {
	case column <= 0:
		w.cut = true // truncate draws nothing in no room, not even "…"
	case width > column:
		w.limit = column - ellipsisWidth
	}
	return w
}

// measure reports whether w only measures: what only changes how a text is drawn, not
// how wide it is, can then be skipped.
func (w *cellWriter) measure() bool { return w.b == nil }

// write writes text in paint p, as far as it fits.
func (w *cellWriter) write(p paint, text string) {
	if w.cut || text == "" {
		return
	}
	tw := textWidth(text)
	if w.used+tw <= w.limit {
		w.used += tw
		if w.b != nil {
			w.b.WriteString(p.pre)
			w.b.WriteString(text)
			w.b.WriteString(p.post)
		}
		return
	}
	// Only a fitting writer gets here (a measuring one has no limit).
	kept := keepCells(text, w.limit-w.used)
	w.used += textWidth(kept) + ellipsisWidth
	w.cut = true
	w.b.WriteString(p.pre)
	w.b.WriteString(kept)
	w.b.WriteString(ellipsis)
	w.b.WriteString(p.post)
}

// padTo fills the cell with spaces up to width cells.
func (w *cellWriter) padTo(width int) {
	for ; w.used < width; w.used++ {
		w.b.WriteByte(' ')
	}
}

// textWidth is how many cells a plain text takes: its length for printable ASCII, the
// common case, which needs no grapheme segmentation.
func textWidth(s string) int {
	if printableASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// keepCells is the longest start of a plain text that s takes at most n cells of
// (s being wider), cut where truncate would cut it.
func keepCells(s string, n int) string {
	if printableASCII(s) {
		return s[:n]
	}
	return ansi.Truncate(s, n, "")
}

// marks draws the runes of a text that the filter matched in the match paint, for a
// text written in pieces (a key's title is its source's name, " · " and its own name,
// never put together): pos are the matched rune indexes, counted over the whole text.
type marks struct {
	on    bool  // the text has matched runes: drawn rune by rune, invalid bytes as U+FFFD
	pos   []int // the matched rune indexes not yet reached, ascending
	runes int   // runes written so far
	match paint
}

// write writes the next piece of the text in paint base, its matched runes marked.
func (mk *marks) write(w *cellWriter, base paint, text string) {
	if !mk.on {
		w.write(base, text)
		return
	}
	if !utf8.ValidString(text) {
		// Invalid bytes turn into U+FFFD as runes; keep that exact rendering.
		text = string([]rune(text))
	}
	// Unmatched runs are written whole and each matched rune on its own.
	run := 0
	for i, r := range text {
		if len(mk.pos) > 0 && mk.pos[0] == mk.runes {
			mk.pos = mk.pos[1:]
			w.write(base, text[run:i])
			size := utf8.RuneLen(r)
			w.write(mk.match, text[i:i+size])
			run = i + size
		}
		mk.runes++
	}
	w.write(base, text[run:])
}

// marksFor is where the filter matched row's text (alias -1: the name, aliasCategory
// the category, aliasLabel the label it matched; text is needed for those two). valid
// says the text is valid UTF-8: a measuring writer then skips finding the matches,
// which do not change its width.
func (m sourcesModel) marksFor(w *cellWriter, row listRow, alias int32, text string, valid bool) marks {
	if !row.match.Matched() || row.match.Alias != alias || (w.measure() && valid) {
		return marks{}
	}
	var pos []int
	if alias == aliasCategory || alias == aliasLabel {
		pos = categoryPositions(text, m.query())
	} else {
		pos = m.index.positions(row.match, m.query())
	}
	return marks{on: len(pos) > 0, pos: pos, match: m.c.styles.Paint.Match}
}

// writeMarked writes text in paint base with the runes the filter matched in it marked
// (see marksFor).
func (m sourcesModel) writeMarked(w *cellWriter, row listRow, alias int32, text string, base paint) {
	mk := m.marksFor(w, row, alias, text, utf8.ValidString(text))
	mk.write(w, base, text)
}
