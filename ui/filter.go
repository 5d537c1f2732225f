package ui

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
// Ranking. Every haystack that matches is scored (see align; ASCII haystacks of up to 64
// bytes, nearly all, take the bit-parallel alignBits); each source keeps its best
// haystack, and a counting sort on the score orders them, stable, so ties stay in
// catalog order. Match positions, for highlighting, are computed only for the rows on
// screen.
//
// Ownership. The index is a pointer shared by every copy of the model and is used only
// on the UI goroutine. The rows it returns live in its reused buffers: they stay valid
// until the index is asked for a different query, which is only ever done for the newest
// model. Older copies of the model are discarded by Bubble Tea, never read again.
type filterIndex struct {
	arena []byte // lower-cased ASCII haystacks, back to back, then wordPad zero bytes
	wide  []rune // lower-cased haystacks with non-ASCII characters, back to back
	hays  []hayRef

	levels []*filterLevel // levels[:depth] hold the results of nested prefixes
	depth  int
	spare  *filterLevel // a free level, for queries deeper than maxLevels

	// Scratch, reused by every search.
	qb       []byte // the query, lower-cased
	qr       []rune // the same as runes
	cand     []int32
	unsorted []filterMatch
	pos      []uint64
	counts   []int32

	// The unfiltered rows, for the order slice they were built from.
	orderRows []listRow
	orderOf   *int
}

// hayRef is one haystack: the name (alias -1) or one alias of a source.
type hayRef struct {
	mask   uint64 // the charBit of every byte it holds; all ones for wide haystacks
	starts uint64 // ASCII haystacks: bit i (0 < i < 64) set when a word starts at i
	off    uint32 // its text: arena[off:end], or wide[off:end] when mask&wideBit != 0
	end    uint32
	source int32
	alias  int32 // -1 for the name
}

// filterLevel is the result for one query.
type filterLevel struct {
	query   string        // lower-cased and trimmed
	hays    []int32       // matching haystacks, in catalog order
	ends    []int32       // where the earliest match in each ends
	matches []filterMatch // the best haystack of each matching source, best first
	rows    []listRow     // matches as list rows
}

// filterMatch is one source that matched, with the haystack that matched best.
type filterMatch struct {
	source int32
	hay    int32
	alias  int32 // -1 when the name matched
	score  int32
}

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
	idx := &filterIndex{hays: make([]hayRef, 0, n), arena: make([]byte, 0, size)}
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
		for _, r := range low {
			idx.wide = append(idx.wide, r)
		}
		h.end = uint32(len(idx.wide))
		h.mask = ^uint64(0)
	}
	idx.hays = append(idx.hays, h)
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
// order. The slice is the index's own: valid until the index is asked another query.
func (idx *filterIndex) rows(query string) []listRow {
	q := normalizeQuery(query)
	if q == "" {
		idx.depth = 0
		return nil
	}
	return idx.level(q).rows
}

// match is rows without the list: every matching source with its best haystack.
func (idx *filterIndex) match(query string) []filterMatch {
	q := normalizeQuery(query)
	if q == "" {
		idx.depth = 0
		return nil
	}
	return idx.level(q).matches
}

// unfiltered lists order as rows, for an empty query. order is never changed in place
// (setState builds a new slice), so the rows are rebuilt only for a different slice.
func (idx *filterIndex) unfiltered(order []int) []listRow {
	idx.depth = 0
	var first *int
	if len(order) > 0 {
		first = &order[0]
	}
	if idx.orderRows != nil && first == idx.orderOf && len(order) == len(idx.orderRows) {
		return idx.orderRows
	}
	rows := make([]listRow, len(order))
	for i, s := range order {
		rows[i] = listRow{source: s}
	}
	idx.orderRows, idx.orderOf = rows, first
	return rows
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
// when parent is nil), scored and sorted.
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
	idx.cand = grow(idx.cand, n)[:n]
	idx.unsorted = grow(idx.unsorted, n)
	if cap(idx.pos) < len(q) {
		idx.pos = make([]uint64, len(q))
	}
	s := scan{idx: idx, from: from, hays: lv.hays, ends: lv.ends, out: idx.unsorted, pos: idx.pos[:len(q)]}

	// First the masks, without branches (whether a haystack passes is a coin toss the
	// processor would often guess wrong): cand gets the candidates that hold every
	// character of the query. Then the matching proper, on those.
	cand, k := idx.cand, 0
	if parent == nil {
		for h := range idx.hays {
			cand[k] = int32(h)
			k += passes(idx.hays[h].mask, qmask)
		}
		for _, h := range cand[:k] {
			s.try(h, -1)
		}
	} else {
		for i, h := range parent.hays {
			cand[k] = int32(i)
			k += passes(idx.hays[h].mask, qmask)
		}
		for _, i := range cand[:k] {
			s.try(parent.hays[i], parent.ends[i])
		}
	}
	lv.hays, lv.ends, idx.unsorted = s.hays, s.ends, s.out

	if cap(lv.matches) < len(s.out) {
		lv.matches = make([]filterMatch, len(s.out))
		lv.rows = make([]listRow, len(s.out))
	}
	lv.matches, lv.rows = lv.matches[:len(s.out)], lv.rows[:len(s.out)]
	idx.sortByScore(lv.matches, s.out)
	for i := range lv.matches {
		lv.rows[i] = listRow{source: int(lv.matches[i].source), match: &lv.matches[i]}
	}
}

// grow returns s emptied, with room for n elements.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
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

// scan is one search in progress.
type scan struct {
	idx  *filterIndex
	from queryPos
	hays []int32
	ends []int32
	out  []filterMatch
	pos  []uint64 // alignBits' scratch: per query byte, where it is in the haystack
}

// try matches haystack h, in which the query up to s.from matched ending at prev, and
// records it when it matches.
func (s *scan) try(h, prev int32) {
	ref := &s.idx.hays[h]
	var end, score int
	switch {
	case ref.mask&wideBit != 0:
		hay := s.idx.wide[ref.off:ref.end]
		if end = greedyEnd(hay, s.idx.qr, s.from.runes, int(prev)); end < 0 {
			return
		}
		score, _ = align(hay, s.idx.qr, end)
	case ref.end-ref.off <= 64:
		if end, score = s.alignBits(s.idx.arena[ref.off:], int(ref.end-ref.off), ref.starts, int(prev)); end < 0 {
			return
		}
	default:
		hay := s.idx.arena[ref.off:ref.end]
		if end = greedyEnd(hay, s.idx.qb, s.from.bytes, int(prev)); end < 0 {
			return
		}
		score, _ = align(hay, s.idx.qb, end)
	}
	s.hays = append(s.hays, h)
	s.ends = append(s.ends, int32(end))
	// Haystacks are grouped by source: keep each source's best (the first of equals).
	m := filterMatch{source: ref.source, hay: h, alias: ref.alias, score: int32(score)}
	if k := len(s.out) - 1; k >= 0 && s.out[k].source == ref.source {
		if m.score > s.out[k].score {
			s.out[k] = m
		}
		return
	}
	s.out = append(s.out, m)
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

// alignBits is greedyEnd and align at once, for an ASCII haystack of n ≤ 64 bytes at a
// whose word starts are starts, with the same results (and end -1 when q does not
// match). Each query byte becomes the mask of its positions; matching, scanning back
// and finding contiguous occurrences are then a few bit operations each, with few
// branches to mispredict.
func (s *scan) alignBits(a []byte, n int, starts uint64, prev int) (end, score int) {
	q, pos := s.idx.qb, s.pos
	m := len(q)
	// Resume the earliest match where the parent query's ended.
	end = prev
	for j := s.from.bytes; j < m; j++ {
		pos[j] = posMask(a, n, q[j])
		next := pos[j] & after(end)
		if next == 0 {
			return -1, 0
		}
		end = bits.TrailingZeros64(next)
	}
	for j := range s.from.bytes {
		pos[j] = posMask(a, n, q[j])
	}
	if m == 1 {
		// Every occurrence is a contiguous one: the best bonus wins.
		switch p := pos[0]; {
		case p&1 != 0:
			return end, scoreMatch + bonusPrefix
		case p&starts != 0:
			return end, scoreMatch + bonusWordStart
		}
		return end, scoreMatch
	}
	// The tightest window ending at end: scan back for each earlier query byte.
	start := end
	for j := m - 2; j >= 0; j-- {
		start = 63 - bits.LeadingZeros64(pos[j]&(1<<start-1))
	}
	// Score the greedy match from there.
	p := start
	score = scoreMatch + bonusAt(p, starts)
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
	return end, score
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

// posMask reads haystacks eight bytes at a time: the arena ends with wordPad zero bytes,
// so a word can be loaded at any offset inside a haystack.
const (
	wordPad    = 8
	lsbs       = 0x0101010101010101
	low7s      = 0x7f7f7f7f7f7f7f7f
	gatherBits = 0x0102040810204080 // multiplies bits 0, 8, ..., 56 into bits 56 to 63
)

// posMask returns the mask of the positions of c in the n ≤ 64 bytes at a.
func posMask(a []byte, n int, c byte) uint64 {
	pat := uint64(c) * lsbs
	var m uint64
	for i := 0; i < n; i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ pat
		// The high bit of each byte of z is set exactly where x has a zero byte.
		z := ^((x&low7s + low7s) | x | low7s)
		// Gather those eight bits into one byte, byte k to bit k.
		m |= (z >> 7 * gatherBits) >> 56 << i
	}
	return m & (1<<n - 1)
}
