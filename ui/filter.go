package ui

import (
	"encoding/binary"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// filterIndex answers "which sources match this query, best first" over the names and
// aliases of a catalog, fast enough to run on every keystroke at 100,000 sources.
//
// Layout. Haystacks (every name and alias) are lower-cased once, when the index is
// built. ASCII ones, nearly all of them, sit back to back in one byte arena; the few with
// other letters sit in a rune arena, so an index into either is a rune index. Each
// haystack has a 32-byte record: where its text is, whose it is, a mask of the
// characters it holds (which rejects most non-matches without reading the text) and a
// mask of where its words start.
//
// Caching. The index keeps a stack of the results of the current query's prefixes, as
// fzf does: "s", "sn", "sno". A query that extends the top one searches only the
// haystacks that matched it, resuming each match where it ended; a backspace to a query
// on the stack returns that result as it is. Buffers are kept and reused, so a keystroke
// allocates nothing in proportion to the catalog.
//
// Matching. A search first finds every source that matches, and where (which says how
// many match), sharing the work with idle cores when there is a lot of it; matching a
// haystack also bounds what it can score (see bounds), without scoring it. When one
// letter extends the query, as when typing, where that letter is in each haystack comes
// from a table built the first time the letter is typed (see positionsOf), and what the
// bounds need of a haystack sits in small arrays beside the records: the search reads
// a few bytes per haystack and does not branch on whether it matches.
//
// Ranking. Scores (see align; ASCII haystacks of up to 64 bytes, nearly all, take the
// bit-parallel scoreBits) decide the order; each source keeps its best haystack, and
// ties stay in catalog order. Only the head of the ranking is on screen, so a search
// scores candidates in the order of their bounds and stops once it has more than a
// screenful that nothing unscored could beat (rankTop): typing "s" into 100,000 sources
// scores about 130 of them. The rest is ranked only if the list is read past that head.
// Match positions, for highlighting, are computed only for the rows on screen.
//
// Ownership. The index is a pointer shared by every copy of the model and is used only
// on the UI goroutine (a search's helpers finish before it returns). The rows it returns
// live in its reused buffers and may be ranked further when read: they stay valid until
// the index is asked for a different query, which is only ever done for the newest
// model. Older copies of the model are discarded by Bubble Tea, never read again.
type filterIndex struct {
	arena   []byte // lower-cased ASCII haystacks, back to back, then wordPad zero bytes
	wide    []rune // lower-cased haystacks with non-ASCII characters, back to back
	hays    []hayRef
	hayInfo []hayInfo // beside hays, what a search reads of every haystack it matches

	levels []*filterLevel // levels[:depth] hold the results of nested prefixes
	depth  int
	spare  *filterLevel // a free level, for queries deeper than maxLevels

	// Scratch, reused by every search.
	qb         []byte // the query, lower-cased
	qr         []rune // the same as runes
	cand       []int32
	order      []int32
	ties       []int32
	head       []int32
	boundTable []int32
	unsorted   []filterMatch
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

	// The unfiltered rows, for the order slice they were built from.
	orderRows []listRow
	orderOf   *int

	// Categories (see withCategories): a category is one string for many sources, so it
	// is matched once per query, not once per source.
	categories []string  // distinct, lower-cased, in the order first seen
	inCategory [][]int32 // per category, its sources in catalog order
	catScratch []int32
	// The widest category, in cells: the list's category column is laid out by it,
	// and it is known here without measuring every source's.
	widestCategory int
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

// filterLevel is the result for one query. Every matching source is known at once
// (how many match is on screen), but they are ranked lazily: matches[:ranked] are the
// best, final and in order, usually a screenful or a little more; the rest are ranked
// when a row past them is asked for (see rowList).
type filterLevel struct {
	query   string
	hays    []int32       // matching haystacks, in catalog order
	ends    []int32       // where the earliest match in each ends
	cands   []candidate   // matching sources, in catalog order
	best    []int32       // per candidate, once scored: its best haystack, the first of equals
	matches []filterMatch // matches[:ranked]: the best sources, best first
	rows    []listRow     // rows[:ranked]: the same as list rows
	ranked  int
	// The sources matched through their category only, in catalog order: they come
	// after every source matched by name or alias (see categoryTail).
	tail     []filterMatch
	tailRows []listRow
}

// candidate is a source that matched, before and after it is scored.
type candidate struct {
	source int32
	first  int32 // its matching haystacks start at hays[first], up to the next candidate's
	bound  int32 // no haystack of it can score more than this
	score  int32 // unscored until it is scored; then its best haystack's
}

// aliasCategory is the alias of a match through the source's category.
const aliasCategory = -2

// unscored marks a candidate whose score is not computed yet.
const unscored = math.MinInt32

// filterMatch is one source that matched, with the haystack that matched best.
type filterMatch struct {
	source int32
	hay    int32
	alias  int32 // -1 when the name matched
	score  int32
}

// A search uses up to maxWorkers cores (see scan.matchAll).
const maxWorkers = 4

// maxLevels bounds the prefix cache: a longer query is searched from the deepest level.
const maxLevels = 16

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

func newFilterIndex(names []string, aliases [][]string) *filterIndex {
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
	idx := &filterIndex{hays: make([]hayRef, 0, n), arena: make([]byte, 0, size),
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

func (idx *filterIndex) add(source, alias int, s string) {
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

// withCategories adds each source's category (categories[i] is source i's) to what the
// index matches. It returns idx, for chaining after newFilterIndex.
func (idx *filterIndex) withCategories(categories []string) *filterIndex {
	seen := map[string]int32{}
	for i, c := range categories {
		low := strings.ToLower(strings.TrimSpace(c))
		if low == "" {
			continue
		}
		k, ok := seen[low]
		if !ok {
			k = int32(len(idx.categories))
			seen[low] = k
			idx.categories = append(idx.categories, low)
			idx.inCategory = append(idx.inCategory, nil)
			idx.widestCategory = max(idx.widestCategory, ansi.StringWidth(c))
		}
		idx.inCategory[k] = append(idx.inCategory[k], int32(i))
	}
	return idx
}

// minCategoryQuery is the shortest query, in letters, that matches categories: one
// letter starts a word in nearly every category, and would list the whole catalog.
const minCategoryQuery = 2

// categoryMatch is where q, lower-cased, starts a word in the lower-cased category
// (as a byte offset), or -1. A category matches only this way, not fuzzily: its words
// are few and common, and letters scattered over them would match nearly any query.
func categoryMatch(category, q string) int {
	for from := 0; from < len(category); {
		i := strings.Index(category[from:], q)
		if i < 0 {
			return -1
		}
		i += from
		if prev, _ := utf8.DecodeLastRuneInString(category[:i]); i == 0 || !isAlnum(prev) {
			return i
		}
		from = i + 1
	}
	return -1
}

// categoryTail fills lv's tail with the sources whose category matches lv's query and
// that did not match by name or alias. It reads the categories once each and the
// sources of those that match, not the catalog.
func (idx *filterIndex) categoryTail(lv *filterLevel) {
	lv.tail, lv.tailRows = lv.tail[:0], lv.tailRows[:0]
	if utf8.RuneCountInString(lv.query) < minCategoryQuery {
		return
	}
	var srcs []int32
	matched := 0
	for k, c := range idx.categories {
		if categoryMatch(c, lv.query) < 0 {
			continue
		}
		if matched++; matched == 1 {
			srcs = idx.inCategory[k]
			continue
		}
		if matched == 2 {
			idx.catScratch = append(idx.catScratch[:0], srcs...)
		}
		idx.catScratch = append(idx.catScratch, idx.inCategory[k]...)
		srcs = idx.catScratch
	}
	if matched > 1 {
		slices.Sort(srcs) // each list is in catalog order; together they must be too
	}
	// Both lists are in catalog order: skip the sources already matched in one pass.
	cands := lv.cands
	for _, s := range srcs {
		for len(cands) > 0 && cands[0].source < s {
			cands = cands[1:]
		}
		if len(cands) > 0 && cands[0].source == s {
			continue
		}
		lv.tail = append(lv.tail, filterMatch{source: s, hay: -1, alias: aliasCategory})
	}
	for i := range lv.tail {
		lv.tailRows = append(lv.tailRows, listRow{source: int(lv.tail[i].source), match: &lv.tail[i]})
	}
}

// categoryPositions returns the rune indexes of category that query matched (see
// categoryMatch), for highlighting.
func categoryPositions(category, query string) []int {
	q := normalizeQuery(query)
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func normalizeQuery(query string) string { return strings.ToLower(strings.TrimSpace(query)) }

// rows returns the sources matching query as list rows, best first, ties in catalog
// order. The rows are the index's own: valid until the index is asked another query.
func (idx *filterIndex) rows(query string) rowList {
	q := normalizeQuery(query)
	if q == "" {
		idx.depth = 0
		return rowList{}
	}
	return rowList{idx: idx, lv: idx.level(q)}
}

// match is rows without the list: every matching source with its best haystack, all
// of them ranked.
func (idx *filterIndex) match(query string) []filterMatch {
	q := normalizeQuery(query)
	if q == "" {
		idx.depth = 0
		return nil
	}
	lv := idx.level(q)
	idx.rankAll(lv)
	return lv.matches
}

// rowList is what the source list shows: a plain list of rows, or a filter result that
// is ranked only as far as it is read. A model copy may hold one, but only the newest
// model reads it (see filterIndex).
type rowList struct {
	plain []listRow
	idx   *filterIndex
	lv    *filterLevel
}

func (r rowList) Len() int {
	if r.lv != nil {
		return len(r.lv.cands) + len(r.lv.tailRows)
	}
	return len(r.plain)
}

// rankTo makes sure rows [0, n) are ranked, so that reading them costs nothing: the
// list calls it from Update for the rows it is about to show, so View never ranks.
func (r rowList) rankTo(n int) {
	if r.lv != nil && n > r.lv.ranked {
		r.idx.rankAll(r.lv)
	}
}

// At is row i. Reading past the ranked rows ranks them all (once per query).
func (r rowList) At(i int) listRow {
	if r.lv == nil {
		return r.plain[i]
	}
	if n := len(r.lv.cands); i >= n {
		return r.lv.tailRows[i-n]
	}
	if i >= r.lv.ranked {
		r.idx.rankAll(r.lv)
	}
	return r.lv.rows[i]
}

// unfiltered lists order as rows, for an empty query. order is never changed in place
// (setState builds a new slice), so the rows are rebuilt only for a different slice.
func (idx *filterIndex) unfiltered(order []int) rowList {
	idx.depth = 0
	var first *int
	if len(order) > 0 {
		first = &order[0]
	}
	if idx.orderRows != nil && first == idx.orderOf && len(order) == len(idx.orderRows) {
		return rowList{plain: idx.orderRows}
	}
	rows := make([]listRow, len(order))
	for i, s := range order {
		rows[i] = listRow{source: s}
	}
	idx.orderRows, idx.orderOf = rows, first
	return rowList{plain: rows}
}

// level returns the result for q (normalized, not empty): from the prefix stack when it
// is there, else searching the deepest prefix's matches, or everything.
func (idx *filterIndex) level(q string) *filterLevel {
	d := idx.depth
	for d > 0 && !strings.HasPrefix(q, idx.levels[d-1].query) {
		d--
	}
	idx.depth = d
	var parent *filterLevel
	if d > 0 {
		parent = idx.levels[d-1]
		if parent.query == q {
			return parent
		}
	}
	var lv *filterLevel
	switch {
	case d < len(idx.levels):
		lv = idx.levels[d]
	case d < maxLevels:
		lv = &filterLevel{}
		idx.levels = append(idx.levels, lv)
	default:
		// The stack is full: search the top level's matches into the spare level,
		// which then takes its place (the top query is a prefix of q, so the stack
		// still holds nested prefixes).
		if idx.spare == nil {
			idx.spare = &filterLevel{}
		}
		lv = idx.spare
	}
	idx.search(lv, parent, q)
	if d < maxLevels {
		idx.depth = d + 1
	} else {
		idx.levels[d-1], idx.spare = lv, parent
	}
	return lv
}

// search fills lv with the matches of q among parent's matches (among all haystacks
// when parent is nil) and ranks the best of them.
func (idx *filterIndex) search(lv, parent *filterLevel, q string) {
	lv.query = q
	idx.qb = append(idx.qb[:0], q...)
	idx.qr = idx.qr[:0]
	var qmask uint64
	for _, r := range q {
		idx.qr = append(idx.qr, r)
		if r < utf8.RuneSelf {
			qmask |= 1 << charBit[r]
		} else {
			qmask |= wideBit
		}
	}
	n := len(idx.hays)
	var from queryPos // how much of q is matched already
	if parent != nil {
		n = len(parent.hays)
		from = queryPos{bytes: len(parent.query), runes: utf8.RuneCountInString(parent.query)}
	}
	// Every buffer is as long as the candidates, grown once and then reused.
	lv.hays = grow(lv.hays, n)
	lv.ends = grow(lv.ends, n)
	lv.cands = grow(lv.cands, n)
	idx.cand = grow(idx.cand, n)[:n]

	s := &idx.scan
	*s = scan{idx: idx, parent: parent, from: from, bounds: newBounds(idx.qb, idx.qr)}
	var cand []int32
	if q := idx.qb; len(q)-from.bytes == 1 && q[len(q)-1] < utf8.RuneSelf && q[0] < utf8.RuneSelf {
		// One letter typed: its positions are looked up, not searched for, and the
		// lookup alone finds the matches.
		s.last, s.first = idx.positionsOf(q[len(q)-1]), idx.positionsOf(q[0])
		s.last.lastUsed = idx.tableClock // both are in use: neither is the one to drop
		cand = idx.prematch(parent, s.last.short)
		s.ends0 = idx.ends0
	} else {
		cand = idx.prefilter(parent, qmask)
	}
	idx.boundTable = s.bounds.tabulate(idx.boundTable)
	idx.bound, idx.source = growTo(idx.bound, len(cand)), growTo(idx.source, len(cand))
	s.hays, s.ends, s.bound, s.source = lv.hays[:len(cand)], lv.ends[:len(cand)], idx.bound, idx.source
	k := s.matchAll(cand)
	lv.hays, lv.ends = s.hays[:k], s.ends[:k]
	lv.cands = groupBySource(lv.cands[:0], idx.source[:k], idx.bound[:k])
	lv.best = growTo(lv.best, len(lv.cands)) // written only for the candidates scored
	idx.rankTop(lv)
	idx.categoryTail(lv)
}

// prefilter returns the candidates (haystacks, or indexes into the parent's matches)
// that hold every character of the query, by their masks and without branches:
// whether a haystack passes is a coin toss the processor would often guess wrong.
func (idx *filterIndex) prefilter(parent *filterLevel, qmask uint64) []int32 {
	cand, k := idx.cand, 0
	if parent == nil {
		for h := range idx.hays {
			cand[k] = int32(h)
			k += passes(idx.hays[h].mask, qmask)
		}
	} else {
		for i, h := range parent.hays {
			cand[k] = int32(i)
			k += passes(idx.hays[h].mask, qmask)
		}
	}
	return cand[:k]
}

// prematch is prefilter when one letter extends the query, with the letter's position
// table: a haystack of fewer than 32 letters is a candidate only if it matches, and
// idx.ends0 gets where, beside it. Longer ones are all candidates (matchLong decides).
// Four bytes a haystack are read, not its 32-byte record.
func (idx *filterIndex) prematch(parent *filterLevel, last []uint32) []int32 {
	cand := idx.cand
	idx.ends0 = growTo(idx.ends0, len(cand))
	ends, k := idx.ends0, 0
	if parent == nil {
		for h, at := range last {
			cand[k], ends[k] = int32(h), int32(bits.TrailingZeros32(at))
			k += int(min(at, 1))
		}
		return cand[:k]
	}
	for i, h := range parent.hays {
		at := last[h]
		rest := at&(^uint32(0)<<(parent.ends[i]+1)) | at&longHay
		cand[k], ends[k] = int32(i), int32(bits.TrailingZeros32(rest))
		k += int(min(rest, 1))
	}
	return cand[:k]
}

// topRows is how many rows a search ranks before anything reads further: more than a
// screenful, so that typing never ranks the whole result. (A variable for tests.)
var topRows = 128

// rankTop ranks the best topRows candidates, or a few more, without scoring every
// candidate: it scores them in the order of their bounds, highest first and in catalog
// order within a bound, and stops as soon as topRows scored ones are sure to rank above
// every unscored one.
func (idx *filterIndex) rankTop(lv *filterLevel) {
	n := len(lv.cands)
	lv.matches, lv.rows, lv.ranked = growTo(lv.matches, n), growTo(lv.rows, n), 0
	if n <= topRows {
		idx.rankAll(lv)
		return
	}
	cands := lv.cands
	order := idx.byBound(cands)
	for i := 0; i < n; {
		// Scoring the candidates whose bound is b. Sure to rank above every unscored
		// candidate are those that score more than b, and those that score b and come
		// before the next one to score in catalog order (which wins ties): the rest of
		// this bound comes after it, and lower bounds cannot reach b.
		b := cands[order[i]].bound
		above, ties := 0, idx.ties[:0] // among the candidates scored for higher bounds
		for _, c := range order[:i] {
			if sc := cands[c].score; sc > b {
				above++
			} else if sc == b {
				ties = append(ties, c)
			}
		}
		slices.Sort(ties)
		idx.ties = ties
		earlier, reached := 0, 0 // ties before the next candidate; this bound's that reach it
		for ; i < n && cands[order[i]].bound == b; i++ {
			c := order[i]
			for earlier < len(ties) && ties[earlier] < c {
				earlier++
			}
			if above+earlier+reached >= topRows {
				// The head: every candidate scored so far (all in order[:i]) that is sure
				// to rank above the rest, in catalog order.
				head := idx.head[:0]
				for _, k := range order[:i] {
					if sc := cands[k].score; sc > b || sc == b && k < c {
						head = append(head, k)
					}
				}
				slices.Sort(head)
				idx.head = head
				idx.unsorted = idx.unsorted[:0]
				for _, k := range head {
					idx.unsorted = append(idx.unsorted, idx.matchOf(lv, int(k)))
				}
				idx.emit(lv, idx.unsorted)
				return
			}
			idx.score(lv, c)
			if cands[c].score == b {
				reached++
			}
		}
	}
	idx.rankAll(lv) // everything is scored: rank it all
}

// rankAll scores every candidate of lv and ranks them all.
func (idx *filterIndex) rankAll(lv *filterLevel) {
	n := len(lv.cands)
	if lv.ranked == n {
		return
	}
	// The index's query may be another level's by now.
	idx.qb, idx.qr = append(idx.qb[:0], lv.query...), idx.qr[:0]
	for _, r := range lv.query {
		idx.qr = append(idx.qr, r)
	}
	lv.matches, lv.rows = growTo(lv.matches, n), growTo(lv.rows, n)
	idx.unsorted = grow(idx.unsorted, n)
	for c := range lv.cands {
		if lv.cands[c].score == unscored {
			idx.score(lv, int32(c))
		}
		idx.unsorted = append(idx.unsorted, idx.matchOf(lv, c))
	}
	idx.emit(lv, idx.unsorted)
}

// emit makes in (in catalog order) the ranked head of lv.
func (idx *filterIndex) emit(lv *filterLevel, in []filterMatch) {
	out := lv.matches[:len(in)]
	idx.sortByScore(out, in)
	for i := range out {
		lv.rows[i] = listRow{source: int(out[i].source), match: &out[i]}
	}
	lv.ranked = len(in)
}

// matchOf is scored candidate c of lv as a match.
func (idx *filterIndex) matchOf(lv *filterLevel, c int) filterMatch {
	h := lv.best[c]
	return filterMatch{source: lv.cands[c].source, hay: h, alias: idx.hays[h].alias, score: lv.cands[c].score}
}

// byBound returns the candidates' indexes by descending bound, ties in catalog order.
func (idx *filterIndex) byBound(cands []candidate) []int32 {
	lo, hi := cands[0].bound, cands[0].bound
	for _, c := range cands {
		lo, hi = min(lo, c.bound), max(hi, c.bound)
	}
	counts := growTo(idx.counts, int(hi-lo)+2)
	idx.counts = counts
	clear(counts)
	for _, c := range cands {
		counts[hi-c.bound+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	order := growTo(idx.order, len(cands))
	idx.order = order
	for i, c := range cands {
		k := hi - c.bound
		order[counts[k]] = int32(i)
		counts[k]++
	}
	return order
}

// score scores candidate c of lv (whose query is idx.qb and idx.qr): each of its
// matching haystacks, keeping the best, the first of equals.
func (idx *filterIndex) score(lv *filterLevel, c int32) {
	cd := &lv.cands[c]
	end := len(lv.hays)
	if int(c)+1 < len(lv.cands) {
		end = int(lv.cands[c+1].first)
	}
	cd.score = unscored
	for i := int(cd.first); i < end; i++ {
		h := lv.hays[i]
		ref := &idx.hays[h]
		var sc int
		switch {
		case ref.mask&wideBit != 0:
			sc, _ = align(idx.wide[ref.off:ref.end], idx.qr, int(lv.ends[i]))
		case ref.end-ref.off <= 64:
			sc = idx.scoreBits(ref, int(lv.ends[i]))
		default:
			sc, _ = align(idx.arena[ref.off:ref.end], idx.qb, int(lv.ends[i]))
		}
		if int32(sc) > cd.score {
			cd.score, lv.best[c] = int32(sc), h
		}
	}
}

// grow returns s emptied, with room for n elements.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
}

// growTo returns s with length n, its contents undefined.
func growTo[T any](s []T, n int) []T { return grow(s, n)[:n] }

// b2u is 1 for true, 0 for false.
func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// passes is 1 when a haystack with this mask may hold a query with qmask, else 0.
func passes(mask, qmask uint64) int {
	p := 0
	if mask&qmask == qmask {
		p = 1
	}
	return p
}

// queryPos is how much of the query is matched already, in bytes (for ASCII haystacks)
// and in runes (for wide ones).
type queryPos struct{ bytes, runes int }

// scan is one search in progress: the matching, which says whether each candidate
// matches and where, and bounds its score, without scoring it. Its workers write to
// parts of its slices of their own and read the rest.
type scan struct {
	idx    *filterIndex
	parent *filterLevel // nil when searching every haystack
	from   queryPos
	bounds bounds
	// One slot per candidate: for each match, its haystack, where it ends, its bound
	// and its source (see match).
	hays, ends, bound, source []int32
	// For matchByte: the positions of the byte to match and of the query's first, and
	// where each candidate's match ends, found by prematch.
	last, first *positionTable
	ends0       []int32
}

// chunkSize is how many candidates a worker takes at a time. (A variable for tests.)
var chunkSize = 4096

// matchAll matches the candidates (haystacks, or indexes into the parent's matches)
// and returns how many matched; s.hays[:k] and the rest then hold the matches in order.
//
// With more than one chunk of candidates, idle cores help: each worker takes the next
// chunk until none are left, so a helper that starts late (waking a sleeping core can
// take longer than the whole search, on some virtual machines) just finds less to do,
// and never holds the search up.
func (s *scan) matchAll(cand []int32) int {
	chunks := (len(cand) + chunkSize - 1) / chunkSize
	workers := min(runtime.GOMAXPROCS(0), maxWorkers, chunks)
	if workers <= 1 {
		return s.match(cand, 0)
	}
	job := &matchJob{scan: s, cand: cand, size: chunkSize, found: make([]int32, chunks)}
	for range workers - 1 {
		go job.work()
	}
	job.work()
	for job.done.Load() < int32(chunks) {
		runtime.Gosched() // a helper is finishing a chunk it took
	}
	// Each chunk's matches start at the chunk's first slot: close the gaps.
	k := int(job.found[0])
	for c := 1; c < chunks; c++ {
		lo, n := c*job.size, int(job.found[c])
		copy(s.hays[k:], s.hays[lo:lo+n])
		copy(s.ends[k:], s.ends[lo:lo+n])
		copy(s.bound[k:], s.bound[lo:lo+n])
		copy(s.source[k:], s.source[lo:lo+n])
		k += n
	}
	return k
}

// matchJob hands out the chunks of one search. A helper that starts after the search
// is over only finds that no chunk is left.
type matchJob struct {
	scan       *scan
	cand       []int32
	size       int
	found      []int32 // per chunk, how many matched
	next, done atomic.Int32
}

func (j *matchJob) work() {
	for {
		c := int(j.next.Add(1)) - 1
		if c >= len(j.found) {
			return
		}
		lo := c * j.size
		j.found[c] = int32(j.scan.match(j.cand[lo:min(lo+j.size, len(j.cand))], lo))
		j.done.Add(1)
	}
}

// match matches cand, writing the matches to the slots from out on, and returns how
// many matched. It writes what it found to the next free slot whether or not the
// candidate matched, moving on only when it did: whether a haystack matches is a coin
// toss the processor would often guess wrong, so the loop has no branch on it.
func (s *scan) match(cand []int32, out int) int {
	if s.last != nil {
		return s.matchByte(cand, out)
	}
	hays, ends, bound, source := s.hays[out:], s.ends[out:], s.bound[out:], s.source[out:]
	k := 0
	for _, c := range cand {
		h, prev := c, int32(-1)
		if s.parent != nil {
			h, prev = s.parent.hays[c], s.parent.ends[c]
		}
		end, b := s.try(h, prev)
		hays[k], ends[k], bound[k], source[k] = h, end, b, s.idx.hayInfo[h].source
		k += int(uint32(end)>>31) ^ 1 // end ≥ 0: it matched
	}
	return k
}

// matchByte is match when one ASCII byte is left to match, as when a letter is typed:
// for haystacks of fewer than 32 letters, nearly all, where it is comes from a table
// (see positionsOf), and the rest is a few instructions without calls.
func (s *scan) matchByte(cand []int32, out int) int {
	hays, ends, bound, source := s.hays[out:], s.ends[out:], s.bound[out:], s.source[out:]
	last, first, ends0 := s.last.short, s.first.short, s.ends0[out:]
	info := s.idx.hayInfo
	k := 0
	for j, c := range cand {
		h, prev := c, int32(-1)
		if s.parent != nil {
			h, prev = s.parent.hays[c], s.parent.ends[c]
		}
		end, b, hi := ends0[j], int32(0), &info[h]
		if at := last[h]; at&longHay == 0 {
			b = s.bounds.of(hi.shape, first[h]&1, min(at&hi.starts, 1), at>>1&1)
		} else {
			end, b = s.matchLong(h, prev, at&^longHay)
		}
		hays[k], ends[k], bound[k], source[k] = h, end, b, hi.source
		k += int(uint32(end)>>31) ^ 1
	}
	return k
}

// matchLong is matchByte for a haystack of 32 letters or more: its positions are in the
// tables' long parts, at i, unless it is too long even for those.
func (s *scan) matchLong(h, prev int32, i uint32) (end, bound int32) {
	if i == noPositions {
		return s.try(h, prev)
	}
	at := s.last.long[i]
	next := bits.TrailingZeros64(at & after(int(prev)))
	end = int32(next) | -int32(next>>6) // 64, no match, becomes negative
	// Its word starts past letter 31 are not in hayInfo: it may start a word.
	return end, s.bounds.of(s.idx.hayInfo[h].shape, uint32(s.first.long[i]&1), 1, uint32(at>>1&1))
}

// groupBySource appends to cands one candidate per source of the matches (a source's
// haystacks are next to each other), with the best bound of its haystacks.
func groupBySource(cands []candidate, source, bound []int32) []candidate {
	last := int32(-1)
	for j, src := range source {
		if src == last {
			cands[len(cands)-1].bound = max(cands[len(cands)-1].bound, bound[j])
			continue
		}
		last = src
		cands = append(cands, candidate{source: src, first: int32(j), bound: bound[j], score: unscored})
	}
	return cands
}

// longHay marks, in a table of positions, a haystack of 32 letters or more: the rest
// of the entry is its index in the table's long part, or noPositions for one of 64
// letters or more, whose positions are not in the table.
const (
	longHay     = 1 << 31
	noPositions = longHay - 1
)

// maxPositionTables bounds the memory the tables take (4 bytes per haystack each:
// 12 MB at 100,000 sources). A session rarely types more letters than that; one that
// does drops the table used least recently. (A variable for tests.)
var maxPositionTables = 24

// positionTable is where one byte is in each haystack: bit i set when it is letter i.
type positionTable struct {
	short    []uint32 // per haystack; longHay|i for a long one
	long     []uint64 // per haystack of 32 to 63 letters, in order
	lastUsed uint64   // the index's tableClock when it was last looked up
}

// positionsOf returns the table of where byte c is in each haystack, building it on
// first use. A letter's positions are then a lookup, on every later search.
func (idx *filterIndex) positionsOf(c byte) *positionTable {
	idx.tableClock++
	if t := idx.byteAt[c]; t != nil {
		t.lastUsed = idx.tableClock
		return t
	}
	if idx.positionTables >= maxPositionTables {
		idx.dropLeastRecentTable()
	}
	t := &positionTable{short: make([]uint32, len(idx.hays)), long: make([]uint64, 0, idx.longHays), lastUsed: idx.tableClock}
	bit := uint64(1) << charBit[c]
	for h := range idx.hays {
		ref := &idx.hays[h]
		var at uint64
		switch size := int(ref.end - ref.off); {
		case size >= 64:
			t.short[h] = longHay | noPositions
			continue
		case ref.mask&wideBit != 0:
			for i, r := range idx.wide[ref.off:ref.end] {
				if r == rune(c) {
					at |= 1 << i
				}
			}
		case ref.mask&bit != 0:
			at = posMask(idx.arena[ref.off:], size, c)
		}
		if ref.end-ref.off < 32 {
			t.short[h] = uint32(at)
		} else {
			t.short[h] = longHay | uint32(len(t.long))
			t.long = append(t.long, at)
		}
	}
	idx.byteAt[c] = t
	idx.positionTables++
	return t
}

// dropLeastRecentTable forgets the position table looked up least recently. (A search
// holding it keeps it until it is done.)
func (idx *filterIndex) dropLeastRecentTable() {
	oldest := -1
	for c, t := range idx.byteAt {
		if t != nil && (oldest < 0 || t.lastUsed < idx.byteAt[oldest].lastUsed) {
			oldest = c
		}
	}
	if oldest >= 0 {
		idx.byteAt[oldest] = nil
		idx.positionTables--
	}
}

// try matches haystack h, in which the query up to s.from matched ending at prev. It
// returns where the earliest match ends (negative when it does not match) and a bound
// on the haystack's score.
func (s *scan) try(h, prev int32) (end, bound int32) {
	ref := &s.idx.hays[h]
	switch {
	case ref.mask&wideBit != 0:
		end = int32(greedyEnd(s.idx.wide[ref.off:ref.end], s.idx.qr, s.from.runes, int(prev)))
		bound = s.bounds.wide
	case ref.end-ref.off <= 64:
		end = s.endBits(ref, int(prev))
		bound = s.bounds.of(s.idx.hayInfo[h].shape, b2u(s.idx.arena[ref.off] == s.idx.qb[0]), 1, 1)
	default:
		end = int32(greedyEnd(s.idx.arena[ref.off:ref.end], s.idx.qb, s.from.bytes, int(prev)))
		bound = s.bounds.long
	}
	return end, bound
}

// bounds caps what a haystack can score for the query (see windowScore and scoreBits).
// Each letter scores scoreMatch, the first one a bonus if it starts the name or a word.
// Each later letter either follows the previous one (bonusConsecutive), or starts a
// word (bonusWordStart) after a gap (at least penaltyGap): it can do both only when the
// previous query letter is not a letter or digit, since a word starts after one of
// those. And a haystack has only so many word starts. Cheap, and tight enough that
// most candidates are never scored.
type bounds struct {
	m          int   // query bytes
	q0alnum    bool  // the query's first byte is a letter or digit
	qlast2     byte  // the query's last byte but one
	alnum      int   // later letters that follow a letter or digit
	other      int   // later letters that follow anything else
	wide, long int32 // haystacks without a word-start mask
	table      []int32
}

// Per later letter: after a letter or digit it either follows (10) or starts a word
// after a gap (12 - 1); after anything else it can do both.
const (
	followOrStart  = bonusWordStart - penaltyGap
	followAndStart = bonusConsecutive + bonusWordStart
)

func newBounds(qb []byte, qr []rune) bounds {
	b := bounds{m: len(qb), q0alnum: len(qb) > 0 && alnumByte[qb[0]]}
	if len(qb) > 1 {
		b.qlast2 = qb[len(qb)-2]
	}
	for j := 1; j < len(qb); j++ {
		if alnumByte[qb[j-1]] {
			b.alnum++
		} else {
			b.other++
		}
	}
	b.long = int32(len(qb)*scoreMatch + bonusPrefix + b.alnum*followOrStart + b.other*followAndStart)
	b.wide = int32(len(qr)*scoreMatch + bonusPrefix)
	for j := 1; j < len(qr); j++ {
		if isAlnum(qr[j-1]) {
			b.wide += followOrStart
		} else {
			b.wide += followAndStart
		}
	}
	return b
}

// of bounds an ASCII haystack of up to 64 bytes with this shape (see shapeOf). The
// other arguments are 0 or 1: prefix, whether it starts with the query's first byte;
// lastStart, whether the query's last byte starts a word in it; lastAt1, whether that
// byte is at position 1. (1 is always safe for the last two.) It is a lookup in the
// table made by tabulate, without branches: these are coin tosses to the processor.
func (b *bounds) of(shape uint8, prefix, lastStart, lastAt1 uint32) int32 {
	words := min(uint32(shape&shapeStarts), uint32(b.alnum)+1)
	return b.table[words<<4|prefix<<3|prefix&uint32(shape>>6)<<2|lastStart<<1|lastAt1]
}

// shapeOf is what bounds need of a haystack's word starts: how many there are (at most
// 63), and at bit 6 whether one is at position 2.
func shapeOf(starts uint64) uint8 {
	return uint8(bits.OnesCount64(starts)) | uint8(starts>>2&1)<<6
}

const shapeStarts = 63

// tabulate fills b.table, into buf, with the bound for every case of: how many word
// starts (more than alnum+1 do not raise it), whether the haystack starts with the
// query's first byte, whether a word starts at position 2, whether the query's last
// byte starts a word anywhere, and whether it is at position 1.
func (b *bounds) tabulate(buf []int32) []int32 {
	buf = growTo(buf, (b.alnum+2)<<4)
	lastAlnum := b.m > 1 && alnumByte[b.qlast2]
	for k := range buf {
		words, prefix, startsAt2 := k>>4, k&8 != 0, k&4 != 0
		lastStart, lastAt1 := k&2 != 0, k&1 != 0
		alnum, other, last := b.alnum, b.other, 0
		if b.m > 1 && !lastStart {
			// The last letter cannot start a word: at best it follows the one before.
			if lastAlnum {
				alnum--
			} else {
				other--
			}
			last = bonusConsecutive
		}
		// Later letters after a letter or digit: those that can start a word score one
		// more than those that follow.
		later := func(n int) int { w := min(n, words); return w*followOrStart + (n-w)*bonusConsecutive }
		score := b.m*scoreMatch + other*followAndStart + last
		bound := score + later(alnum) // a match that does not start the name
		if words > 0 {
			bound += bonusWordStart
		}
		if prefix {
			// A match that starts the name: its second letter follows the first, or
			// starts a word after a gap, which scores 11 only at position 2 (a gap of
			// one) and less further on.
			atZero := score + bonusPrefix + later(alnum)
			if b.m > 1 && b.q0alnum && !startsAt2 && (b.m > 2 || lastStart) {
				atZero = score + bonusPrefix + bonusConsecutive + later(alnum-1)
			}
			if b.m == 2 && !lastAt1 {
				// The second letter cannot follow the first: it starts a word after a
				// gap, or scores the gap.
				second := -penaltyGap
				if lastStart {
					second = bonusWordStart - 2*penaltyGap
					if startsAt2 {
						second = followOrStart
					}
				}
				atZero = 2*scoreMatch + bonusPrefix + second
			}
			bound = max(bound, atZero)
		}
		buf[k] = int32(bound)
	}
	b.table = buf
	return buf
}

// sortByScore copies in to out ordered by descending score, stable. Scores span a small
// range, so a counting sort does it in linear time; a wide span falls back to sorting.
func (idx *filterIndex) sortByScore(out, in []filterMatch) {
	if len(in) == 0 {
		return
	}
	lo, hi := in[0].score, in[0].score
	for _, m := range in {
		lo, hi = min(lo, m.score), max(hi, m.score)
	}
	span := int(hi-lo) + 1
	if span > 4096 && span > len(in) {
		copy(out, in)
		slices.SortStableFunc(out, func(a, b filterMatch) int { return int(b.score) - int(a.score) })
		return
	}
	if cap(idx.counts) < span+1 {
		idx.counts = make([]int32, span+1)
	}
	counts := idx.counts[:span+1]
	clear(counts)
	for _, m := range in {
		counts[hi-m.score+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1] // counts[k]: where the k-th best score starts
	}
	for _, m := range in {
		k := hi - m.score
		out[counts[k]] = m
		counts[k]++
	}
}

// positions returns the rune indexes of the matched haystack that the query matched, for
// highlighting. Only visible rows need them, so they are computed on demand.
func (idx *filterIndex) positions(m filterMatch, query string) []int {
	q := normalizeQuery(query)
	if q == "" || m.hay < 0 || int(m.hay) >= len(idx.hays) {
		return nil
	}
	ref := idx.hays[m.hay]
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

// Scoring weights: a match that starts the name or a word, and one whose letters sit
// together, is what a person means ("sn" → Snowflake before a scattered hit).
const (
	scoreMatch       = 16
	bonusPrefix      = 40
	bonusWordStart   = 12
	bonusConsecutive = 10
	penaltyGap       = 1
)

// greedyEnd continues a subsequence match of q in hay: q[:from] is matched, its last
// character at prev (-1 when from is 0). It returns where the earliest match of all of q
// ends, or -1 when q is not a subsequence of hay.
func greedyEnd[T byte | rune](hay, q []T, from, prev int) int {
	p := prev + 1
	for _, c := range q[from:] {
		for p < len(hay) && hay[p] != c {
			p++
		}
		if p == len(hay) {
			return -1
		}
		p++
	}
	return p - 1
}

// align scores q in hay, given where the earliest subsequence match ends, and returns
// the score with the start of the best alignment. It takes the shortest window ending
// there (scanning back from the end, as fzf's v1 algorithm does) and every contiguous
// occurrence of q, and keeps the best, the first of equals. (A contiguous occurrence
// cannot end before the earliest match does, which bounds where to look for one.)
func align[T byte | rune](hay, q []T, end int) (score, start int) {
	qi := len(q) - 1
	start = end
	for i := end; i >= 0; i-- {
		if hay[i] == q[qi] {
			qi--
			if qi < 0 {
				start = i
				break
			}
		}
	}
	score = windowScore(hay, q, start)
	m := len(q)
	for s := max(end-m+1, 0); s+m <= len(hay); s++ {
		if hay[s] != q[0] || !slices.Equal(hay[s+1:s+m], q[1:]) {
			continue
		}
		if sc := windowScore(hay, q, s); sc > score {
			score, start = sc, s
		}
	}
	return score, start
}

// windowScore greedily matches q from start and scores the alignment.
func windowScore[T byte | rune](hay, q []T, start int) int {
	score := 0
	qi := 0
	prev := -2
	for i := start; i < len(hay) && qi < len(q); i++ {
		if hay[i] != q[qi] {
			continue
		}
		score += scoreMatch
		switch {
		case i == 0:
			score += bonusPrefix
		case !isAlnum(rune(hay[i-1])):
			score += bonusWordStart
		}
		if prev == i-1 {
			score += bonusConsecutive
		} else if prev >= 0 {
			score -= penaltyGap * (i - prev - 1)
		}
		prev = i
		qi++
	}
	return score
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return alnumByte[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// endBits is greedyEnd for an ASCII haystack of up to 64 bytes: where the earliest
// match of the query ends, resuming after prev where the parent query's ended, or -1.
// Each new query byte becomes the mask of its positions in the haystack. There is no
// branch on whether it matches (see run): once a byte is missing, every mask after it
// is empty and end stays at 64.
func (s *scan) endBits(ref *hayRef, prev int) int32 {
	a, n := s.idx.arena[ref.off:], int(ref.end-ref.off)
	end := prev
	for _, c := range s.idx.qb[s.from.bytes:] {
		end = bits.TrailingZeros64(posMask(a, n, c) & after(end))
	}
	return int32(end) | -int32(end>>6) // 64 becomes negative
}

// scoreBits is align for an ASCII haystack of up to 64 bytes that the query matches,
// ending at end, with the same result. Each query byte becomes the mask of its
// positions; scanning back, scoring and finding contiguous occurrences are then a few
// bit operations each, with few branches to mispredict.
func (idx *filterIndex) scoreBits(ref *hayRef, end int) int {
	q, starts := idx.qb, ref.starts
	a, n := idx.arena[ref.off:], int(ref.end-ref.off)
	m := len(q)
	if cap(idx.pos) < m {
		idx.pos = make([]uint64, m)
	}
	pos := idx.pos[:m]
	for j := range m {
		pos[j] = posMask(a, n, q[j])
	}
	if m == 1 {
		// Every occurrence is a contiguous one: the best bonus wins.
		switch p := pos[0]; {
		case p&1 != 0:
			return scoreMatch + bonusPrefix
		case p&starts != 0:
			return scoreMatch + bonusWordStart
		}
		return scoreMatch
	}
	// The tightest window ending at end: scan back for each earlier query byte.
	start := end
	for j := m - 2; j >= 0; j-- {
		start = 63 - bits.LeadingZeros64(pos[j]&(1<<start-1))
	}
	// Score the greedy match from there.
	p := start
	score := scoreMatch + bonusAt(p, starts)
	for j := 1; j < m; j++ {
		next := bits.TrailingZeros64(pos[j] & after(p))
		score += scoreMatch + bonusAt(next, starts)
		if next == p+1 {
			score += bonusConsecutive
		} else {
			score -= penaltyGap * (next - p - 1)
		}
		p = next
	}
	// Contiguous occurrences: where q[0] is, q[1] follows, and so on.
	occ := pos[0]
	for j := 1; j < m && occ != 0; j++ {
		occ &= pos[j] >> j
	}
	if occ != 0 {
		base := m*scoreMatch + (m-1)*bonusConsecutive
		inner := uint64(1)<<(m-1) - 1 // q[1:], relative to the byte after an occurrence
		for ; occ != 0; occ &= occ - 1 {
			o := bits.TrailingZeros64(occ)
			if sc := base + bonusAt(o, starts) + bonusWordStart*bits.OnesCount64(starts>>(o+1)&inner); sc > score {
				score = sc
			}
		}
	}
	return score
}

// after is the mask of the positions after p (p may be -1).
func after(p int) uint64 { return ^uint64(0) << (p + 1) }

// bonusAt is the bonus for a match at position p of a haystack with these word starts.
func bonusAt(p int, starts uint64) int {
	if p == 0 {
		return bonusPrefix
	}
	return bonusWordStart * int(starts>>p&1)
}

// posMask reads haystacks eight bytes at a time, and those of up to 32 bytes (nearly
// all) 32 at a time, without a loop whose length the processor would have to guess:
// the arena ends with wordPad zero bytes, so 32 bytes can be loaded at any offset
// inside a haystack.
const (
	wordPad    = 32
	lsbs       = 0x0101010101010101
	low7s      = 0x7f7f7f7f7f7f7f7f
	gatherBits = 0x0102040810204080 // multiplies bits 0, 8, ..., 56 into bits 56 to 63
)

// posMask returns the mask of the positions of c in the n ≤ 64 bytes at a.
func posMask(a []byte, n int, c byte) uint64 {
	pat := uint64(c) * lsbs
	if n <= 32 {
		a = a[:32]
		m := wordMask(a[0:8], pat) | wordMask(a[8:16], pat)<<8 | wordMask(a[16:24], pat)<<16 | wordMask(a[24:32], pat)<<24
		return m & (1<<n - 1)
	}
	var m uint64
	for i := 0; i < n; i += 8 {
		m |= wordMask(a[i:], pat) << i
	}
	return m & (1<<n - 1)
}

// wordMask has bit k set when byte k of the 8 bytes at a is the byte repeated in pat.
func wordMask(a []byte, pat uint64) uint64 {
	x := binary.LittleEndian.Uint64(a) ^ pat
	// The high bit of each byte of z is set exactly where x has a zero byte.
	z := ^((x&low7s + low7s) | x | low7s)
	// Gather those eight bits into one byte, byte k to bit k.
	return (z >> 7 * gatherBits) >> 56
}
