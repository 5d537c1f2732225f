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
	srcs := idx.categorySources(lv.query)
	var hits []labelHit
	if len(idx.labels) > 0 {
		hits = idx.labelHits(lv.query)
	}
	// Every list is in catalog order: merge them, skipping the sources already matched,
	// in one pass.
	cands := lv.cands
	for len(srcs) > 0 || len(hits) > 0 {
		var m Match
		if len(hits) == 0 || len(srcs) > 0 && srcs[0] <= hits[0].source {
			m = Match{Source: srcs[0], Via: Via{Alias: Category, hay: -1}}
			srcs = srcs[1:]
			if len(hits) > 0 && hits[0].source == m.Source {
				hits = hits[1:]
			}
		} else {
			m = Match{Source: hits[0].source, Via: labelVia(hits[0].label)}
			hits = hits[1:]
		}
		for len(cands) > 0 && cands[0].source < m.Source {
			cands = cands[1:]
		}
		if len(cands) > 0 && cands[0].source == m.Source {
			continue
		}
		lv.tail = append(lv.tail, m)
	}
}

// categorySources returns the sources of every category q matches, in catalog order.
func (idx *Index) categorySources(q string) []int32 {
	var srcs []int32
	matched := 0
	for k, c := range idx.categories {
		if categoryMatch(c, q) < 0 {
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
	return srcs
}
