package main

import "strings"

// suggest.go finds what a mistyped word was probably meant to be: a command or a flag.

// nearest is the candidate closest to word, when it is close enough to be a typo of it
// (one edit in a short word, two in a longer one; swapping two neighbours is one
// edit), else "". Leading dashes do not count towards a word's length, and words of
// fewer than three letters are too short to guess from.
func nearest(word string, candidates []string) string {
	core := strings.TrimLeft(word, "-")
	if len([]rune(core)) < 3 {
		return ""
	}
	limit := 1
	if len([]rune(core)) > 4 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps of two
// neighbouring letters that turn a into b (the optimal string alignment distance).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the table: two back (for swaps), the previous and the current.
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
