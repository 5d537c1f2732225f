package fuzzy

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// refMatches is the reference matcher: a source matches when the query, lower-cased, is
// a subsequence of its lower-cased name or of one of its aliases.
func refMatches(query string, name string, aliases []string) bool {
	q := []rune(strings.ToLower(strings.TrimSpace(query)))
	for _, h := range append([]string{name}, aliases...) {
		hay := []rune(strings.ToLower(h))
		i := 0
		for _, r := range hay {
			if i < len(q) && r == q[i] {
				i++
			}
		}
		if i == len(q) {
			return true
		}
	}
	return false
}

// refScore is the scoring this filter had before it was made fast, on runes, kept as
// the reference the fast one must agree with.
func refScore(hay, q []rune) (int, []int) {
	qi, end := 0, -1
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
		return 0, nil
	}
	qi, start := len(q)-1, end
	for i := end; i >= 0; i-- {
		if hay[i] == q[qi] {
			qi--
			if qi < 0 {
				start = i
				break
			}
		}
	}
	score, pos := refWindow(hay, q, start)
	for s := 0; s+len(q) <= len(hay); s++ {
		if string(hay[s:s+len(q)]) == string(q) {
			if s2, p2 := refWindow(hay, q, s); s2 > score {
				score, pos = s2, p2
			}
		}
	}
	return score, pos
}

func refWindow(hay, q []rune, start int) (int, []int) {
	var pos []int
	score, qi, prev := 0, 0, -2
	for i := start; i < len(hay) && qi < len(q); i++ {
		if hay[i] != q[qi] {
			continue
		}
		score += 16
		switch {
		case i == 0:
			score += 40
		case !unicode.IsLetter(hay[i-1]) && !unicode.IsDigit(hay[i-1]):
			score += 12
		}
		if prev == i-1 {
			score += 10
		} else if prev >= 0 {
			score -= i - prev - 1
		}
		pos = append(pos, i)
		prev = i
		qi++
	}
	return score, pos
}

// TestFilterAgreesWithTheReference types random queries into random catalogs (small
// alphabets, so that much matches; mixed case and non-ASCII letters) in sequences of
// typed letters, backspaces, pastes and clears, the way the prefix cache is used, and
// checks every result against the naive matcher and the reference scoring.
func TestFilterAgreesWithTheReference(t *testing.T) { agreeWithReference(t) }

// TestSplitFilterAgreesWithTheReference runs the same searches with the candidates cut
// into chunks of three for four workers: the chunks' matches must come back in the
// order of one scan, whichever worker took them.
func TestSplitFilterAgreesWithTheReference(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func(n int) { chunkSize = n }(chunkSize)
	chunkSize = 3
	agreeWithReference(t)
}

// TestFilterWithFewPositionTablesAgreesWithTheReference runs the same searches keeping
// only two letters' position tables, so that most letters typed drop one.
func TestFilterWithFewPositionTablesAgreesWithTheReference(t *testing.T) {
	defer func(n int) { maxPositionTables = n }(maxPositionTables)
	maxPositionTables = 2
	agreeWithReference(t)
}

// TestPositionTablesAreBounded: typing every letter keeps at most maxPositionTables,
// and the ones kept are the ones used last.
func TestPositionTablesAreBounded(t *testing.T) {
	idx := New([]string{"abcdefghijklmnopqrstuvwxyz0123456789"}, nil)
	for c := 'a'; c <= 'z'; c++ {
		idx.Search(string(c))
		if idx.positionTables > maxPositionTables {
			t.Fatalf("%d position tables after %q, at most %d", idx.positionTables, c, maxPositionTables)
		}
	}
	if idx.positionTables != maxPositionTables {
		t.Errorf("%d position tables, want %d", idx.positionTables, maxPositionTables)
	}
	if idx.byteAt['z'] == nil || idx.byteAt['a'] != nil {
		t.Error("kept the first letter typed, or dropped the last")
	}
}

func agreeWithReference(t *testing.T) {
	defer func(n int) { topRows = n }(topRows)
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("abcnsSNAé É-áx")
	word := func(maxLen int) string {
		n := 1 + rng.IntN(maxLen)
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	checks := 0
	for round := range 60 {
		n := 1 + rng.IntN(300)
		all := make([]string, n)
		aliases := make([][]string, n)
		for i := range all {
			all[i] = word(24)
			if rng.IntN(10) == 0 {
				// Past 64 bytes: the scalar path. Fewer letters, so it also fails.
				all[i] = strings.Map(func(r rune) rune {
					if strings.ContainsRune("abn ", r) {
						return r
					}
					return 'b'
				}, word(100))
			}
			for range rng.IntN(3) {
				aliases[i] = append(aliases[i], word(12))
			}
		}
		idx := New(all, aliases)
		// Rank few rows up front, so that most searches leave some unranked.
		topRows = []int{1, 2, 3, 5, 8, 128}[rng.IntN(6)]
		query := ""
		for step := range 120 {
			switch op := rng.IntN(20); {
			case op < 12 || query == "":
				query += string(alphabet[rng.IntN(len(alphabet))])
			case op < 17:
				r := []rune(query)
				query = string(r[:len(r)-1])
			case op < 18:
				query = word(20)
			case op < 19:
				query = ""
				idx.Search("")
				continue
			default:
				query += word(6) // a paste
			}
			checks++
			checkAgainstReference(t, idx, all, aliases, query, round, step)
		}
	}
	t.Logf("%d queries checked, %d of them ranked lazily", checks, lazyChecks)
}

var lazyChecks int

func checkAgainstReference(t *testing.T, idx *Index, all []string, aliases [][]string, query string, round, step int) {
	t.Helper()
	where := fmt.Sprintf("round %d step %d %q", round, step, query)
	rows := idx.Search(query)
	// What the search ranked without scoring everything must be the head of the full
	// ranking.
	var head []Match
	if rows.lv != nil {
		head = slices.Clone(rows.lv.matches[:rows.lv.ranked])
	}
	ms := matchAll(idx, query) // same query: the cached level, now ranked in full
	if rows.Len() != len(ms) {
		t.Fatalf("round %d step %d %q: %d rows, %d matches", round, step, query, rows.Len(), len(ms))
	}
	if len(head) < len(ms) {
		lazyChecks++
	}
	if !slices.Equal(head, ms[:len(head)]) {
		t.Fatalf("round %d step %d %q: ranked head %+v, full ranking starts %+v", round, step, query, head, ms[:len(head)])
	}
	want := refMatching(all, aliases, query)
	got := make([]int, rows.Len())
	for i := range got {
		r := rows.At(i)
		got[i] = int(r.Source)
		if r != ms[i] {
			t.Fatalf("round %d step %d %q: row %d is not its match", round, step, query, i)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Fatalf("round %d step %d %q: matched %v, want %v", round, step, query, got, want)
	}
	for i, m := range ms {
		checkScore(t, idx, m, all, aliases, query, where)
		if i > 0 {
			p := ms[i-1]
			if p.Score < m.Score || (p.Score == m.Score && p.Source > m.Source) {
				t.Fatalf("round %d step %d %q: out of order at %d: %+v before %+v", round, step, query, i, p, m)
			}
		}
	}
}

// refMatching is the sources that match query by the reference matcher.
func refMatching(all []string, aliases [][]string, query string) []int {
	var want []int
	for i := range all {
		if normalize(query) != "" && refMatches(query, all[i], aliases[i]) {
			want = append(want, i)
		}
	}
	return want
}

// checkScore checks m's score, alias and positions against the reference scoring: the
// best of the source's name and aliases, the first of equals.
func checkScore(t *testing.T, idx *Index, m Match, all []string, aliases [][]string, query, where string) {
	t.Helper()
	q := []rune(normalize(query))
	hays := append([]string{all[m.Source]}, aliases[m.Source]...)
	best, bestAlias := -1<<31, int32(-2)
	var bestPos []int
	for a, h := range hays {
		if s, pos := refScore([]rune(strings.ToLower(h)), q); pos != nil && s > best {
			best, bestAlias, bestPos = s, int32(a-1), pos
		}
	}
	if int(m.Score) != best || m.Alias != bestAlias {
		t.Fatalf("%s: source %d scored %d via alias %d, want %d via %d",
			where, m.Source, m.Score, m.Alias, best, bestAlias)
	}
	if pos := idx.Positions(m.Via, query); !slices.Equal(pos, bestPos) {
		t.Fatalf("%s: source %d positions %v, want %v", where, m.Source, pos, bestPos)
	}
}
