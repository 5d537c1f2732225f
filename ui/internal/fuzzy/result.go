package fuzzy

// Match is one source that matched a query, with the text it matched best. It is a plain
// value that refers only to what never changes in its Index (the haystacks), so it may
// be kept and copied freely, for as long as the Index.
type Match struct {
	Source int32
	Score  int32 // higher is better; Category matches score 0
	Via          // the text it matched through
}

// Via is the text a Match matched through: its source's name, one of its aliases or
// its category. It is what highlighting needs (see Positions), in 8 bytes, and like a
// Match it stays meaningful for as long as its Index. The zero Via is no match (see
// Matched).
type Via struct {
	Alias int32 // Name, Category, Label, or the index of the alias that matched
	// The matching haystack plus one, so that the zero Via is none: 0 for none, -1 for
	// a match through the category, which has no haystack, and -2-k for one through
	// label k (see labelVia).
	hay int32
}

// What Via.Alias holds when no alias matched.
const (
	Name     = -1 // the source's name matched
	Category = -2 // only the source's category matched (see categoryTail)
	Label    = -3 // only one of the source's labels matched (see WithLabels, LabelOf)
)

// Matched reports whether v is a match's, not the zero Via.
func (v Via) Matched() bool { return v.hay != 0 }

// Result is the sources that match one query, best first, ties in catalog order.
//
// A Result is a view of its Index's buffers, which later searches reuse: it is valid
// until the Index searches a query that is neither this one nor one of its prefixes
// (a search for a query that extends this one, or for an unrelated one, may fill these
// buffers with its own result). Valid reports whether it still is; every other method
// panics on a Result that is not, rather than return another query's rows. So a holder
// of several Results (such as the copies of a Bubble Tea model) reads only the one from
// the newest search. The Matches a valid Result returns are values, and stay usable.
//
// Only the head of a Result is ranked when Search returns (see Ranked); the rest is
// ranked, once, when a row past it is read, or when RankTo asks for it.
//
// The zero Result is valid and empty: the result of an empty query.
type Result struct {
	lv  *level
	gen uint64 // lv's generation when this Result was made
}

// Search returns the sources matching query (trimmed, case ignored). An empty query
// matches nothing and empties the prefix stack, so that the next query is searched from
// scratch.
func (idx *Index) Search(query string) Result {
	q := normalize(query)
	if q == "" {
		idx.depth = 0
		return Result{}
	}
	lv := idx.level(q)
	return Result{lv: lv, gen: lv.gen}
}

// Valid reports whether r may still be read: no later search has reused its buffers.
func (r Result) Valid() bool { return r.lv == nil || r.lv.gen == r.gen }

// level is r's level, checked to be r's still.
func (r Result) level() *level {
	if r.lv.gen != r.gen {
		panic("fuzzy: a Result read after its Index reused its buffers for another query")
	}
	return r.lv
}

// Query is the query r answers, normalized; "" for the zero Result.
func (r Result) Query() string {
	if r.lv == nil {
		return ""
	}
	return r.level().query
}

// Len is how many sources match.
func (r Result) Len() int {
	if r.lv == nil {
		return 0
	}
	lv := r.level()
	return len(lv.cands) + len(lv.tail)
}

// At is match i, 0 the best. Reading past the ranked head ranks the whole result (once).
func (r Result) At(i int) Match {
	lv := r.level()
	if n := len(lv.cands); i >= n {
		return lv.tail[i-n]
	}
	if i >= lv.ranked {
		lv.idx.rankAll(lv)
	}
	return lv.matches[i]
}

// Ranked is how many matches at the head are ranked already: reading them costs
// nothing.
func (r Result) Ranked() int {
	if r.lv == nil {
		return 0
	}
	lv := r.level()
	if lv.ranked < len(lv.cands) {
		return lv.ranked
	}
	return len(lv.cands) + len(lv.tail) // the tail is in catalog order: nothing to rank
}

// RankTo makes sure matches [0, n) are ranked, so that reading them costs nothing (the
// list calls it from Update for the rows it is about to show, so that View never
// ranks).
func (r Result) RankTo(n int) {
	if r.lv == nil {
		return
	}
	if lv := r.level(); n > lv.ranked {
		lv.idx.rankAll(lv)
	}
}
