package fuzzy

import "slices"

// topRows is how many rows a search ranks before anything reads further: more than a
// screenful, so that typing never ranks the whole result. (A variable for tests.)
var topRows = 128

// SetTopRows makes a search rank n rows up front instead of topRows, until the returned
// func restores it. It is for tests: with a small head, a small catalog is ranked
// lazily, as a large one is.
func SetTopRows(n int) (restore func()) {
	old := topRows
	topRows = n
	return func() { topRows = old }
}

// rankTop ranks the best topRows candidates, or a few more, without scoring every
// candidate: it scores them in the order of their bounds, highest first and in catalog
// order within a bound, and stops as soon as topRows scored ones are sure to rank above
// every unscored one.
func (idx *Index) rankTop(lv *level) {
	n := len(lv.cands)
	lv.matches, lv.ranked = growTo(lv.matches, n), 0
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
		above, ties := idx.scoredAbove(cands, order[:i], b)
		earlier, reached := 0, 0 // ties before the next candidate; this bound's that reach it
		for ; i < n && cands[order[i]].bound == b; i++ {
			c := order[i]
			for earlier < len(ties) && ties[earlier] < c {
				earlier++
			}
			if above+earlier+reached >= topRows {
				idx.emitHead(lv, order[:i], b, c)
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

// scoredAbove counts the scored candidates (those scored for bounds higher than b) that
// score more than b, and returns with the count those that score b, in catalog order.
func (idx *Index) scoredAbove(cands []candidate, scored []int32, b int32) (above int, ties []int32) {
	ties = idx.ties[:0]
	for _, c := range scored {
		if sc := cands[c].score; sc > b {
			above++
		} else if sc == b {
			ties = append(ties, c)
		}
	}
	slices.Sort(ties)
	idx.ties = ties
	return above, ties
}

// emitHead makes the ranked head of lv every candidate scored so far (all in scored)
// that is sure to rank above the rest: those that score more than b, the bound being
// scored, and those that score b and come before next, the next one to score.
func (idx *Index) emitHead(lv *level, scored []int32, b, next int32) {
	cands := lv.cands
	head := idx.head[:0]
	for _, k := range scored {
		if sc := cands[k].score; sc > b || sc == b && k < next {
			head = append(head, k)
		}
	}
	slices.Sort(head) // in catalog order, as emit takes them
	idx.head = head
	idx.unsorted = idx.unsorted[:0]
	for _, k := range head {
		idx.unsorted = append(idx.unsorted, idx.matchOf(lv, int(k)))
	}
	idx.emit(lv, idx.unsorted)
}

// rankAll scores every candidate of lv and ranks them all.
func (idx *Index) rankAll(lv *level) {
	n := len(lv.cands)
	if lv.ranked == n {
		return
	}
	// The index's query may be another level's by now.
	idx.setQuery(lv.query)
	lv.matches = growTo(lv.matches, n)
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
func (idx *Index) emit(lv *level, in []Match) {
	out := lv.matches[:len(in)]
	idx.sortByScore(out, in)
	lv.ranked = len(in)
}

// matchOf is scored candidate c of lv as a match.
func (idx *Index) matchOf(lv *level, c int) Match {
	h := lv.best[c]
	return Match{Source: lv.cands[c].source, Score: lv.cands[c].score, Via: Via{Alias: idx.hays[h].alias, hay: h + 1}}
}

// byBound returns the candidates' indexes by descending bound, ties in catalog order.
func (idx *Index) byBound(cands []candidate) []int32 {
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
func (idx *Index) score(lv *level, c int32) {
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

// sortByScore copies in to out ordered by descending score, stable. Scores span a small
// range, so a counting sort does it in linear time; a wide span falls back to sorting.
func (idx *Index) sortByScore(out, in []Match) {
	if len(in) == 0 {
		return
	}
	lo, hi := in[0].Score, in[0].Score
	for _, m := range in {
		lo, hi = min(lo, m.Score), max(hi, m.Score)
	}
	span := int(hi-lo) + 1
	if span > 4096 && span > len(in) {
		copy(out, in)
		slices.SortStableFunc(out, func(a, b Match) int { return int(b.Score) - int(a.Score) })
		return
	}
	if cap(idx.counts) < span+1 {
		idx.counts = make([]int32, span+1)
	}
	counts := idx.counts[:span+1]
	clear(counts)
	for _, m := range in {
		counts[hi-m.Score+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1] // counts[k]: where the k-th best score starts
	}
	for _, m := range in {
		k := hi - m.Score
		out[counts[k]] = m
		counts[k]++
	}
}
