package fuzzy

import (
	"math/bits"
	"runtime"
	"sync/atomic"
)

// A search uses up to maxWorkers cores (see scan.matchAll).
const maxWorkers = 4

// prefilter returns the candidates (haystacks, or indexes into the parent's matches)
// that hold every character of the query, by their masks and without branches:
// whether a haystack passes is a coin toss the processor would often guess wrong.
func (idx *Index) prefilter(parent *level, qmask uint64) []int32 {
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
func (idx *Index) prematch(parent *level, last []uint32) []int32 {
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

// scan is one search in progress: the matching, which says whether each candidate
// matches and where, and bounds its score, without scoring it. Its workers write to
// parts of its slices of their own and read the rest.
type scan struct {
	idx    *Index
	parent *level // nil when searching every haystack
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
