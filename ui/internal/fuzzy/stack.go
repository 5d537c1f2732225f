package fuzzy

import (
	"math"
	"strings"
	"unicode/utf8"
)

// level is the result for one query. Every matching source is known at once (how many
// match is on screen), but they are ranked lazily: matches[:ranked] are the best, final
// and in order, usually a screenful or a little more; the rest are ranked when a match
// past them is asked for (see Result.At).
type level struct {
	idx     *Index // whose level it is
	query   string
	gen     uint64      // the Index's generation when this query was searched into it
	hays    []int32     // matching haystacks, in catalog order
	ends    []int32     // where the earliest match in each ends
	cands   []candidate // matching sources, in catalog order
	best    []int32     // per candidate, once scored: its best haystack, the first of equals
	matches []Match     // matches[:ranked]: the best sources, best first
	ranked  int
	// The sources matched through their category only, in catalog order: they come
	// after every source matched by name or alias (see categoryTail).
	tail []Match
}

// candidate is a source that matched, before and after it is scored.
type candidate struct {
	source int32
	first  int32 // its matching haystacks start at hays[first], up to the next candidate's
	bound  int32 // no haystack of it can score more than this
	score  int32 // unscored until it is scored; then its best haystack's
}

// unscored marks a candidate whose score is not computed yet.
const unscored = math.MinInt32

// maxLevels bounds the prefix cache: a longer query is searched from the deepest level.
const maxLevels = 16

// queryPos is how much of the query is matched already, in bytes (for ASCII haystacks)
// and in runes (for wide ones).
type queryPos struct{ bytes, runes int }

// level returns the result for q (normalized, not empty): from the prefix stack when it
// is there, else searching the deepest prefix's matches, or everything.
func (idx *Index) level(q string) *level {
	d := idx.depth
	for d > 0 && !strings.HasPrefix(q, idx.levels[d-1].query) {
		d--
	}
	idx.depth = d
	var parent *level
	if d > 0 {
		parent = idx.levels[d-1]
		if parent.query == q {
			return parent
		}
	}
	var lv *level
	switch {
	case d < len(idx.levels):
		lv = idx.levels[d]
	case d < maxLevels:
		lv = &level{idx: idx}
		idx.levels = append(idx.levels, lv)
	default:
		// The stack is full: search the top level's matches into the spare level,
		// which then takes its place (the top query is a prefix of q, so the stack
		// still holds nested prefixes).
		if idx.spare == nil {
			idx.spare = &level{idx: idx}
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
// when parent is nil) and ranks the best of them. lv gets a new generation: Results of
// the query it held before are no longer valid.
func (idx *Index) search(lv, parent *level, q string) {
	idx.gen++
	lv.query, lv.gen = q, idx.gen
	qmask := idx.setQuery(q)
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

// setQuery makes q the query that scoring reads (idx.qb and idx.qr), and returns the
// mask of its characters (see charBit).
func (idx *Index) setQuery(q string) (qmask uint64) {
	idx.qb = append(idx.qb[:0], q...)
	idx.qr = idx.qr[:0]
	for _, r := range q {
		idx.qr = append(idx.qr, r)
		if r < utf8.RuneSelf {
			qmask |= 1 << charBit[r]
		} else {
			qmask |= wideBit
		}
	}
	return qmask
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
