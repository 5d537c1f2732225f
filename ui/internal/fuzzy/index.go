// Package fuzzy answers "which sources match this query, best first" over the names,
// aliases, categories and labels (see WithLabels) of a catalog, fast enough to run on every keystroke at 100,000
// sources. It is plain Go: it knows nothing of terminals, and the source list in package
// ui is its only user.
//
// Layout. Haystacks (every name and alias) are lower-cased once, when the index is
// built. ASCII ones, nearly all of them, sit back to back in one byte arena; the few with
// other letters sit in a rune arena, so an index into either is a rune index. Each
// haystack has a 32-byte record: where its text is, whose it is, a mask of the
// characters it holds (which rejects most non-matches without reading the text) and a
// mask of where its words start.
//
// Caching. The index keeps a stack of the results of the current query's prefixes, as
// fzf does: "s", "sn", "sno" (stack.go). A query that extends the top one searches only
// the haystacks that matched it, resuming each match where it ended; a backspace to a
// query on the stack returns that result as it is. Buffers are kept and reused, so a
// keystroke allocates nothing in proportion to the catalog.
//
// Matching. A search first finds every source that matches, and where (which says how
// many match), sharing the work with idle cores when there is a lot of it (scan.go);
// matching a haystack also bounds what it can score (bounds.go), without scoring it.
// When one letter extends the query, as when typing, where that letter is in each
// haystack comes from a table built the first time the letter is typed (table.go), and
// what the bounds need of a haystack sits in small arrays beside the records: the search
// reads a few bytes per haystack and does not branch on whether it matches.
//
// Ranking. Scores (score.go; ASCII haystacks of up to 64 bytes, nearly all, take the
// bit-parallel scoreBits) decide the order; each source keeps its best haystack, and
// ties stay in catalog order. Only the head of the ranking is on screen, so a search
// scores candidates in the order of their bounds and stops once it has more than a
// screenful that nothing unscored could beat (rank.go): typing "s" into 100,000 sources
// scores about 130 of them. The rest is ranked only if the result is read past that
// head. Match positions, for highlighting, are computed only for the rows on screen
// (positions.go).
//
// Ownership. An Index is used from one goroutine at a time (a search's helpers finish
// before it returns). A Result is a view of the index's reused buffers and is valid only
// until the index searches another query into them (see Result); a Match is a plain
// value, meaningful for as long as its Index.
package fuzzy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Index holds the haystacks of a catalog and the results of the current query's
// prefixes. Build it with New (and WithCategories); search it with Search.
type Index struct {
	arena   []byte // lower-cased ASCII haystacks, back to back, then wordPad zero bytes
	wide    []rune // lower-cased haystacks with non-ASCII characters, back to back
	hays    []hayRef
	hayInfo []hayInfo // beside hays, what a search reads of every haystack it matches

	levels []*level // levels[:depth] hold the results of nested prefixes
	depth  int
	spare  *level // a free level, for queries deeper than maxLevels
	gen    uint64 // counts searches: each fills a level under a new generation

	// Scratch, reused by every search.
	qb         []byte // the query, lower-cased
	qr         []rune // the same as runes
	cand       []int32
	order      []int32
	ties       []int32
	head       []int32
	boundTable []int32
	unsorted   []Match
	pos        []uint64
	counts     []int32
	bound      []int32 // per candidate, for scan
	source     []int32
	ends0      []int32 // per candidate, from prematch
	scan       scan

	// byteAt[c], once built, has the positions of byte c in each haystack (see
	// positionsOf); built lazily, for the bytes typed, at most maxPositionTables, the
	// least recently used dropped first.
	byteAt         [utf8.RuneSelf]*positionTable
	longHays       int // haystacks of 32 to 63 letters
	positionTables int
	tableClock     uint64 // counts lookups, to tell which table was used last

	// Categories (see WithCategories): a category is one string for many sources, so it
	// is matched once per query, not once per source.
	cats       textGroups
	catScratch []int32
	// The widest category, as measured by WithCategories' width.
	widestCategory int

	// Labels (see WithLabels), kept as categories are.
	labels       textGroups
	labelScratch []labelHit
}

// hayInfo is what a search reads of a haystack it matches, beside its record: its
// source, and for bounds its word starts (those before letter 32) and shape (see
// shapeOf). Twelve bytes, one read.
type hayInfo struct {
	source int32
	starts uint32
	shape  uint8
}

// hayRef is one haystack: the name (alias -1) or one alias of a source.
type hayRef struct {
	mask   uint64 // the charBit of every byte it holds; all ones for wide haystacks
	starts uint64 // bit i (0 < i < 64) set when a word starts at letter i
	off    uint32 // its text: arena[off:end], or wide[off:end] when mask&wideBit != 0
	end    uint32
	source int32
	alias  int32 // -1 for the name
}

// wideBit marks haystacks with non-ASCII characters, and queries with them: only wide
// haystacks can match those.
const wideBit = 1 << 63

// charBit maps an ASCII byte to its bit in a haystack mask. Letters and digits have a
// bit each; other bytes share the rest. Bit 63 is never used here.
var charBit = func() (t [utf8.RuneSelf]uint8) {
	for b := range t {
		switch {
		case b >= 'a' && b <= 'z':
			t[b] = uint8(b - 'a')
		case b >= '0' && b <= '9':
			t[b] = uint8(26 + b - '0')
		case b == ' ':
			t[b] = 36
		default:
			t[b] = uint8(37 + b%26)
		}
	}
	return t
}()

// alnumByte reports which bytes are ASCII letters or digits.
var alnumByte = func() (t [256]bool) {
	for b := range utf8.RuneSelf {
		t[b] = unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b))
	}
	return t
}()

// New indexes the names of a catalog's sources (names[i] is source i's) and their
// aliases (aliases[i], which may be shorter than names).
func New(names []string, aliases [][]string) *Index {
	n, size := len(names), wordPad
	for i, name := range names {
		size += len(name)
		if i < len(aliases) {
			n += len(aliases[i])
			for _, a := range aliases[i] {
				size += len(a)
			}
		}
	}
	idx := &Index{hays: make([]hayRef, 0, n), arena: make([]byte, 0, size),
		hayInfo: make([]hayInfo, 0, n)}
	for i, name := range names {
		idx.add(i, -1, name)
		if i < len(aliases) {
			for a, alias := range aliases[i] {
				idx.add(i, a, alias)
			}
		}
	}
	idx.arena = append(idx.arena, make([]byte, wordPad)...)
	return idx
}

func (idx *Index) add(source, alias int, s string) {
	low := s
	if !isASCII(s) {
		low = strings.ToLower(s) // one rune for one rune, so rune indexes still hold
	}
	h := hayRef{source: int32(source), alias: int32(alias)}
	if isASCII(low) {
		h.off = uint32(len(idx.arena))
		for i := 0; i < len(low); i++ {
			c := low[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			idx.arena = append(idx.arena, c)
			h.mask |= 1 << charBit[c]
			if i > 0 && i < 64 && !alnumByte[low[i-1]] {
				h.starts |= 1 << i
			}
		}
		h.end = uint32(len(idx.arena))
	} else {
		h.off = uint32(len(idx.wide))
		prev := 'a'
		for i, r := range []rune(low) {
			idx.wide = append(idx.wide, r)
			if i > 0 && i < 64 && !isAlnum(prev) {
				h.starts |= 1 << i
			}
			prev = r
		}
		h.end = uint32(len(idx.wide))
		h.mask = ^uint64(0)
	}
	idx.hays = append(idx.hays, h)
	idx.hayInfo = append(idx.hayInfo, hayInfo{source: h.source, starts: uint32(h.starts), shape: shapeOf(h.starts)})
	if size := h.end - h.off; size >= 32 && size < 64 {
		idx.longHays++
	}
}

// WithCategories adds each source's category (categories[i] is source i's) to what the
// index matches, and measures each distinct one with width (the list lays out its
// category column by the widest, known here without measuring every source's). It
// returns idx, for chaining after New.
func (idx *Index) WithCategories(categories []string, width func(string) int) *Index {
	seen := map[string]int32{}
	for i, c := range categories {
		if idx.cats.add(seen, c, int32(i)) {
			idx.widestCategory = max(idx.widestCategory, width(c))
		}
	}
	return idx
}

// WidestCategory is the width of the widest category, as measured by WithCategories'
// width; 0 without categories.
func (idx *Index) WidestCategory() int { return idx.widestCategory }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return alnumByte[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// normalize is a query as the index matches it: trimmed and lower-cased.
func normalize(query string) string { return strings.ToLower(strings.TrimSpace(query)) }
