package fuzzy

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestValidResultsAreRightAndStaleOnesPanic types random queries (letters, backspaces,
// pastes, clears; deeper than the prefix stack) and keeps every Result. After each
// search, every kept Result that says it is valid must still hold exactly the matches of
// its query, as a fresh index finds them; every other one must panic when read.
func TestValidResultsAreRightAndStaleOnesPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	c := newRandomCatalog(rng, 150)
	idx := c.index()
	var kept []searched
	query, stale, deepest := "", 0, 0
	for step := range 400 {
		query = c.edit(query)
		kept = append(kept, searched{idx.Search(query), normalize(query)})
		deepest = max(deepest, idx.depth)
		for k, s := range kept {
			if !s.r.Valid() {
				stale++
				if !panics(func() { s.r.Len() }) || !panics(func() { s.r.At(0) }) {
					t.Fatalf("step %d: result %d (%q) is not valid but reads", step, k, s.q)
				}
				continue
			}
			if err := c.check(s); err != "" {
				t.Fatalf("step %d: result %d for %q: %s", step, k, s.q, err)
			}
		}
	}
	if stale == 0 || deepest < maxLevels || idx.spare == nil {
		t.Errorf("%d results went stale, the prefix stack reached %d of %d: the test does not test them", stale, deepest, maxLevels)
	}
}

// searched is a Result with the query it was searched for, normalized.
type searched struct {
	r Result
	q string
}

// randomCatalog is a catalog of random words from a small alphabet, so that much
// matches, with the matches of every query a fresh index finds in it.
type randomCatalog struct {
	rng       *rand.Rand
	alphabet  []rune
	all, cats []string
	aliases   [][]string
	want      map[string][]Match
}

func newRandomCatalog(rng *rand.Rand, n int) *randomCatalog {
	c := &randomCatalog{rng: rng, alphabet: []rune("absn -é"), all: make([]string, n),
		cats: make([]string, n), aliases: make([][]string, n), want: map[string][]Match{}}
	for i := range c.all {
		c.all[i] = c.word(30)
		if rng.IntN(3) == 0 {
			c.aliases[i] = []string{c.word(10)}
		}
		c.cats[i] = []string{"Analytics", "Ads", "Snow sports"}[rng.IntN(3)]
	}
	return c
}

func (c *randomCatalog) word(maxLen int) string {
	var b strings.Builder
	for range 1 + c.rng.IntN(maxLen) {
		b.WriteRune(c.alphabet[c.rng.IntN(len(c.alphabet))])
	}
	return b.String()
}

func (c *randomCatalog) index() *Index {
	return New(c.all, c.aliases).WithCategories(c.cats, func(string) int { return 0 })
}

// edit types a letter into query, deletes one, pastes a word or clears it.
func (c *randomCatalog) edit(query string) string {
	switch op := c.rng.IntN(20); {
	case op < 13 || query == "":
		return query + string(c.alphabet[c.rng.IntN(len(c.alphabet))])
	case op < 17:
		r := []rune(query)
		return string(r[:len(r)-1])
	case op < 18:
		return ""
	}
	return query + c.word(5)
}

// check compares a valid Result with what a fresh index finds for its query, and says
// how they differ ("" when they do not).
func (c *randomCatalog) check(s searched) string {
	if s.r.Query() != s.q {
		return fmt.Sprintf("answers %q", s.r.Query())
	}
	want, ok := c.want[s.q]
	if !ok {
		r := c.index().Search(s.q)
		for i := range r.Len() {
			want = append(want, r.At(i))
		}
		c.want[s.q] = want
	}
	if s.r.Len() != len(want) {
		return fmt.Sprintf("%d matches, want %d", s.r.Len(), len(want))
	}
	for i, m := range want {
		if got := s.r.At(i); got != m {
			return fmt.Sprintf("match %d is %+v, want %+v", i, got, m)
		}
	}
	return ""
}

func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

// TestTheZeroMatchIsNoMatch: the zero Match (its zero Via) says it is none, and every
// real one says it is a match, including source 0's name (the first haystack) and a
// category's.
func TestTheZeroMatchIsNoMatch(t *testing.T) {
	if (Match{}).Matched() {
		t.Error("the zero Match is a match")
	}
	idx := New([]string{"Snowflake", "Stripe"}, [][]string{{"Snow"}, nil}).
		WithCategories([]string{"Data", "Payments"}, func(string) int { return 0 })
	for _, q := range []string{"snow", "s", "pay", "da"} {
		r := idx.Search(q)
		if r.Len() == 0 {
			t.Fatalf("%q: no match", q)
		}
		for i := range r.Len() {
			if m := r.At(i); !m.Matched() {
				t.Errorf("%q: match %d %+v says it is none", q, i, m)
			}
		}
	}
	if r := idx.Search("snow"); r.At(0).Source != 0 || r.At(0).Alias != Name {
		t.Errorf("snow: %+v, want source 0's name", r.At(0))
	}
	if r := idx.Search("pay"); r.At(0).Alias != Category || idx.Positions(r.At(0).Via, "pay") != nil {
		t.Errorf("pay: %+v, want a category match, with no positions in a name", r.At(0))
	}
}

// TestTheZeroResultIsEmpty: an empty query's Result is valid, empty and ranked.
func TestTheZeroResultIsEmpty(t *testing.T) {
	idx := New([]string{"Snowflake"}, nil)
	r := idx.Search("  ")
	if !r.Valid() || r.Len() != 0 || r.Query() != "" || r.Ranked() != 0 {
		t.Errorf("empty query: valid %v, %d matches, query %q, ranked %d", r.Valid(), r.Len(), r.Query(), r.Ranked())
	}
	r.RankTo(10) // does nothing, and does not panic
}
