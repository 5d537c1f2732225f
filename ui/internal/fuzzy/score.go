package fuzzy

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

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
func (idx *Index) scoreBits(ref *hayRef, end int) int {
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
