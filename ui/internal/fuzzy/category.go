package fuzzy

import (
	"slices"
	"strings"
	"unicode/utf8"
)

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

// categoryTail fills lv's tail with the sources whose category or one of whose labels
// (see WithLabels) matches lv's query and that did not match by name or alias, in
// catalog order; a source matched both ways is listed through its category. It reads
// the categories and labels once each and the sources of those that match, not the
// catalog.
func (idx *Index) categoryTail(lv *level) {
	lv.tail = lv.tail[:0]
	if utf8.RuneCountInString(lv.query) < minCategoryQuery {
		return
	}
	t := tailMerge{srcs: idx.categorySources(lv.query), cands: lv.cands}
	if len(idx.labels.low) > 0 {
		t.hits = idx.labelHits(lv.query)
	}
	for m, ok := t.next(); ok; m, ok = t.next() {
		lv.tail = append(lv.tail, m)
	}
}

// tailMerge walks the sources matched through a category (srcs) and through a label
// (hits) in one pass, skipping those matched by name or alias (cands): every list is
// in catalog order.
type tailMerge struct {
	srcs  []int32
	hits  []labelHit
	cands []candidate
}

// next is the next source of the tail, and false when there is none.
func (t *tailMerge) next() (Match, bool) {
	for len(t.srcs) > 0 || len(t.hits) > 0 {
		if m := t.pop(); !t.matchedByName(m.Source) {
			return m, true
		}
	}
	return Match{}, false
}

// pop takes the first source of srcs and hits, through its category when both have it.
func (t *tailMerge) pop() Match {
	if len(t.hits) == 0 || len(t.srcs) > 0 && t.srcs[0] <= t.hits[0].source {
		m := Match{Source: t.srcs[0], Via: Via{Alias: Category, hay: -1}}
		t.srcs = t.srcs[1:]
		if len(t.hits) > 0 && t.hits[0].source == m.Source {
			t.hits = t.hits[1:]
		}
		return m
	}
	m := Match{Source: t.hits[0].source, Via: labelVia(t.hits[0].label)}
	t.hits = t.hits[1:]
	return m
}

// matchedByName reports whether source s is among the candidates, which it passes.
func (t *tailMerge) matchedByName(s int32) bool {
	for len(t.cands) > 0 && t.cands[0].source < s {
		t.cands = t.cands[1:]
	}
	return len(t.cands) > 0 && t.cands[0].source == s
}

// categorySources returns the sources of every category q matches, in catalog order.
func (idx *Index) categorySources(q string) []int32 {
	var srcs []int32
	matched := 0
	for k, c := range idx.cats.low {
		if categoryMatch(c, q) < 0 {
			continue
		}
		if matched++; matched == 1 {
			srcs = idx.cats.members[k]
			continue
		}
		if matched == 2 {
			idx.catScratch = append(idx.catScratch[:0], srcs...)
		}
		idx.catScratch = append(idx.catScratch, idx.cats.members[k]...)
		srcs = idx.catScratch
	}
	if matched > 1 {
		slices.Sort(srcs) // each list is in catalog order; together they must be too
	}
	return srcs
}
