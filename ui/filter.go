package ui

import (
	"sort"
	"strings"
	"unicode"
)

// filterIndex answers "which sources match this query, best first" over the names and
// aliases of a catalog. It is built once per catalog: haystacks are lower-cased up front,
// and a query that extends the previous one only searches the previous matches, the way
// fzf caches per query prefix, so typing stays cheap on large catalogs.
type filterIndex struct {
	hay   [][]rune // lower-cased haystacks
	owner []int    // source index of each haystack
	alias []int    // -1 for the name, else the alias index

	lastQuery   []rune
	lastMatches []int // haystack indexes that matched lastQuery
}

// filterMatch is one source that matched, with the haystack that matched best.
type filterMatch struct {
	source int
	hay    int
	alias  int // -1 when the name matched
	score  int
}

func newFilterIndex(names []string, aliases [][]string) *filterIndex {
	idx := &filterIndex{}
	for i, name := range names {
		idx.add(i, -1, name)
		if i < len(aliases) {
			for a, alias := range aliases[i] {
				idx.add(i, a, alias)
			}
		}
	}
	return idx
}

func (idx *filterIndex) add(source, alias int, s string) {
	idx.hay = append(idx.hay, []rune(strings.ToLower(s)))
	idx.owner = append(idx.owner, source)
	idx.alias = append(idx.alias, alias)
}

// match returns every source matching query, best first; ties keep catalog order.
func (idx *filterIndex) match(query string) []filterMatch {
	q := []rune(strings.ToLower(strings.TrimSpace(query)))
	if len(q) == 0 {
		idx.lastQuery, idx.lastMatches = nil, nil
		return nil
	}
	candidates := idx.lastMatches
	narrowing := idx.lastQuery != nil && hasRunePrefix(q, idx.lastQuery)
	var survivors []int
	best := map[int]filterMatch{}
	try := func(h int) {
		score, ok := fuzzyScore(idx.hay[h], q)
		if !ok {
			return
		}
		survivors = append(survivors, h)
		src := idx.owner[h]
		if cur, seen := best[src]; !seen || score > cur.score {
			best[src] = filterMatch{source: src, hay: h, alias: idx.alias[h], score: score}
		}
	}
	if narrowing {
		for _, h := range candidates {
			try(h)
		}
	} else {
		for h := range idx.hay {
			try(h)
		}
	}
	idx.lastQuery, idx.lastMatches = q, survivors
	out := make([]filterMatch, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].source < out[j].source
	})
	return out
}

// positions returns the rune indexes of hay that the query matched, for highlighting.
// Only visible rows need them, so they are computed on demand.
func (idx *filterIndex) positions(m filterMatch, query string) []int {
	q := []rune(strings.ToLower(strings.TrimSpace(query)))
	_, _, pos := bestAlignment(idx.hay[m.hay], q, true)
	return pos
}

func hasRunePrefix(s, prefix []rune) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i := range prefix {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// fuzzyScore reports whether query is a subsequence of hay and how good the match is.
func fuzzyScore(hay, q []rune) (int, bool) {
	score, ok, _ := bestAlignment(hay, q, false)
	return score, ok
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

// bestAlignment finds where q occurs in hay as a subsequence. It takes the shortest
// window ending at the first place the whole query fits (scanning back from there, as
// fzf's v1 algorithm does), and also tries a contiguous occurrence, keeping the better.
func bestAlignment(hay, q []rune, wantPos bool) (score int, ok bool, pos []int) {
	if len(q) == 0 || len(q) > len(hay) {
		return 0, false, nil
	}
	// Forward: the earliest end of a subsequence match.
	qi := 0
	end := -1
	for i, r := range hay {
		if r == q[qi] {
			qi++
			if qi == len(q) {
				end = i
				break
			}
		}
	}
	if end < 0 {
		return 0, false, nil
	}
	// Backward from that end: the latest start, giving the tightest window.
	qi = len(q) - 1
	start := end
	for i := end; i >= 0; i-- {
		if hay[i] == q[qi] {
			qi--
			if qi < 0 {
				start = i
				break
			}
		}
	}
	score, pos = scoreWindow(hay, q, start, wantPos)
	// A contiguous occurrence at a word start usually beats a tight scattered one.
	if sub := indexRunes(hay, q); sub >= 0 {
		for s := sub; s >= 0; {
			if s2, p2 := scoreWindow(hay, q, s, wantPos); s2 > score {
				score, pos = s2, p2
			}
			next := indexRunes(hay[s+1:], q)
			if next < 0 {
				break
			}
			s = s + 1 + next
		}
	}
	return score, true, pos
}

// scoreWindow greedily matches q from start and scores the alignment.
func scoreWindow(hay, q []rune, start int, wantPos bool) (int, []int) {
	var pos []int
	if wantPos {
		pos = make([]int, 0, len(q))
	}
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
		case isWordStart(hay, i):
			score += bonusWordStart
		}
		if prev == i-1 {
			score += bonusConsecutive
		} else if prev >= 0 {
			score -= penaltyGap * (i - prev - 1)
		}
		if wantPos {
			pos = append(pos, i)
		}
		prev = i
		qi++
	}
	return score, pos
}

func isWordStart(hay []rune, i int) bool {
	p := hay[i-1]
	return !unicode.IsLetter(p) && !unicode.IsDigit(p)
}

func indexRunes(hay, q []rune) int {
outer:
	for i := 0; i+len(q) <= len(hay); i++ {
		for j := range q {
			if hay[i+j] != q[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}
