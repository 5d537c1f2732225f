package fuzzy

import (
	"strings"
	"unicode/utf8"
)

// Positions returns the rune indexes, in the name or alias v is, of the letters query
// matched, for highlighting; nil for a match through the category (see
// CategoryPositions). query is the one v's match answered. Only visible rows need them,
// so they are computed on demand; they depend only on what never changes in the Index,
// so any match may ask, however old.
func (idx *Index) Positions(v Via, query string) []int {
	q := normalize(query)
	h := int(v.hay) - 1
	if q == "" || h < 0 || h >= len(idx.hays) {
		return nil
	}
	ref := idx.hays[h]
	if ref.mask&wideBit != 0 {
		return positionsIn(idx.wide[ref.off:ref.end], []rune(q))
	}
	if !isASCII(q) {
		return nil
	}
	return positionsIn(idx.arena[ref.off:ref.end], []byte(q))
}

func positionsIn[T byte | rune](hay, q []T) []int {
	end := greedyEnd(hay, q, 0, -1)
	if end < 0 {
		return nil
	}
	_, start := align(hay, q, end)
	pos := make([]int, 0, len(q))
	for i, qi := start, 0; i < len(hay) && qi < len(q); i++ {
		if hay[i] == q[qi] {
			pos = append(pos, i)
			qi++
		}
	}
	return pos
}

// CategoryPositions returns the rune indexes of category that query matched (see
// categoryMatch), for highlighting a match through the category.
func CategoryPositions(category, query string) []int {
	q := normalize(query)
	low := strings.ToLower(category) // one rune for one rune, so rune indexes still hold
	at := categoryMatch(low, q)
	if q == "" || at < 0 {
		return nil
	}
	start := utf8.RuneCountInString(low[:at])
	pos := make([]int, utf8.RuneCountInString(q))
	for i := range pos {
		pos[i] = start + i
	}
	return pos
}
