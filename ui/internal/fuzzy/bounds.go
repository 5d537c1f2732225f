package fuzzy

import "math/bits"

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
// byte starts a word anywhere, and whether it is at position 1 (see boundCase).
func (b *bounds) tabulate(buf []int32) []int32 {
	buf = growTo(buf, (b.alnum+2)<<4)
	lastAlnum := b.m > 1 && alnumByte[b.qlast2]
	for k := range buf {
		buf[k] = int32(b.boundOf(caseOf(k), lastAlnum))
	}
	b.table = buf
	return buf
}

// boundCase is one entry of the table of bounds: what bounds.of knows of a haystack.
type boundCase struct {
	words                                 int // word starts, at most the query's alnum+1
	prefix, startsAt2, lastStart, lastAt1 bool
}

// caseOf is the case at index k of the table (see bounds.of for the layout).
func caseOf(k int) boundCase {
	return boundCase{words: k >> 4, prefix: k&8 != 0, startsAt2: k&4 != 0, lastStart: k&2 != 0, lastAt1: k&1 != 0}
}

// boundOf is the bound for case c; lastAlnum is whether the query's last byte but one
// is a letter or digit.
func (b *bounds) boundOf(c boundCase, lastAlnum bool) int {
	alnum, other, last := b.alnum, b.other, 0
	if b.m > 1 && !c.lastStart {
		// The last letter cannot start a word: at best it follows the one before.
		if lastAlnum {
			alnum--
		} else {
			other--
		}
		last = bonusConsecutive
	}
	score := b.m*scoreMatch + other*followAndStart + last
	bound := score + later(alnum, c.words) // a match that does not start the name
	if c.words > 0 {
		bound += bonusWordStart
	}
	if c.prefix {
		bound = max(bound, b.atZero(c, score, alnum))
	}
	return bound
}

// atZero bounds a match that starts the name, in case c, given what the letters but
// the later ones after a letter or digit score (score) and how many of those there are
// (alnum): its second letter follows the first, or starts a word after a gap, which
// scores 11 only at position 2 (a gap of one) and less further on.
func (b *bounds) atZero(c boundCase, score, alnum int) int {
	if b.m == 2 && !c.lastAt1 {
		// The second letter cannot follow the first: it starts a word after a gap, or
		// scores the gap.
		second := -penaltyGap
		if c.lastStart {
			second = bonusWordStart - 2*penaltyGap
			if c.startsAt2 {
				second = followOrStart
			}
		}
		return 2*scoreMatch + bonusPrefix + second
	}
	if b.m > 1 && b.q0alnum && !c.startsAt2 && (b.m > 2 || c.lastStart) {
		return score + bonusPrefix + bonusConsecutive + later(alnum-1, c.words)
	}
	return score + bonusPrefix + later(alnum, c.words)
}

// later is what n later letters after a letter or digit can score in a haystack with
// this many word starts: those that can start a word score one more than those that
// follow.
func later(n, words int) int {
	w := min(n, words)
	return w*followOrStart + (n-w)*bonusConsecutive
}
