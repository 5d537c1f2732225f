package ui

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/bubbles/textinput"
)

func sourceNames(rows rowList, all []string) []string {
	var out []string
	for i := range rows.Len() {
		out = append(out, all[rows.At(i).source])
	}
	return out
}

func TestFilterRanksPrefixThenWordStartThenScattered(t *testing.T) {
	all := []string{"Disco", "Parsnip", "Acme Commerce", "Salesforce Sandbox", "Commerce Cloud", "Snowflake"}
	idx := newFilterIndex(all, nil)
	for query, want := range map[string][]string{
		"co": {"Commerce Cloud", "Acme Commerce", "Disco", "Salesforce Sandbox"},
		"sn": {"Snowflake", "Salesforce Sandbox", "Parsnip"},
		"SN": {"Snowflake", "Salesforce Sandbox", "Parsnip"},
	} {
		if got := sourceNames(idx.rows(query), all); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", query, got, want)
		}
	}
}

func TestFilterFindsTheObviousMatchInTheBuiltinCatalog(t *testing.T) {
	cat := builtin(t)
	var all []string
	var aliases [][]string
	for _, s := range cat.Sources {
		all = append(all, s.Name)
		aliases = append(aliases, s.Aliases)
	}
	idx := newFilterIndex(all, aliases)
	for query, want := range map[string]string{
		"sn":         "Snowflake",
		"scom":       "Squarespace Commerce",
		"sendinblue": "Brevo",
		" magento ":  "Adobe Commerce (Magento 2)",
	} {
		got := sourceNames(idx.rows(query), all)
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: got %q first, want %q", query, got, want)
		}
	}
}

func TestFilterCountsASourceOnceAndPrefersItsName(t *testing.T) {
	all := []string{"Stripe", "Brevo", "Stripe"}
	idx := newFilterIndex(all, [][]string{{"Stripe Payments"}, {"Sendinblue", "Stripe"}, nil})
	ms := idx.match("stripe")
	var got [][2]int32
	for _, m := range ms {
		got = append(got, [2]int32{m.source, m.alias})
	}
	// Source 0 matches through its name and its alias: once, by name. Ties keep catalog
	// order, so the second "Stripe" comes after the first; Brevo matches by its alias.
	want := [][2]int32{{0, -1}, {1, 1}, {2, -1}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestFilterPositions(t *testing.T) {
	all := []string{"Squarespace Commerce", "Sprout Sociál", "ÉCLAIR Data"}
	idx := newFilterIndex(all, [][]string{nil, {"Smarp Señal"}})
	for _, tc := range []struct {
		query string
		alias int32
		want  []int
	}{
		{"scom", -1, []int{6, 9, 13, 14}}, // greedy from the tightest start
		{"SOC", -1, []int{7, 8, 9}},
		{"ál", -1, []int{11, 12}},
		{"spt", -1, []int{0, 1, 5}},
		{"éc", -1, []int{0, 1}},
		{"ñal", 0, []int{8, 9, 10}},
	} {
		ms := idx.match(tc.query)
		if len(ms) == 0 {
			t.Errorf("%q: no match", tc.query)
			continue
		}
		if ms[0].alias != tc.alias {
			t.Errorf("%q: matched alias %d, want %d", tc.query, ms[0].alias, tc.alias)
		}
		if got := idx.positions(ms[0], tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: positions %v, want %v", tc.query, got, tc.want)
		}
	}
}

// plainStyle renders text as it is, and markStyle brackets it: the highlight can be
// read off the rendered text even without colours.
type plainStyle struct{}

func (plainStyle) Render(s ...string) string { return strings.Join(s, "") }

func TestHighlightMarksExactlyTheMatchedRunes(t *testing.T) {
	all := []string{"Sprout Sociál", "Squarespace Commerce"}
	c := &common{styles: newStyles()}
	c.styles.Paint.Match = paint{pre: "[", post: "]"}
	in := textinput.New()
	m := sourcesModel{c: c, input: &in, index: newFilterIndex(all, [][]string{{"Señal Sociál"}, nil})}
	for _, tc := range []struct{ query, text, want string }{
		{"ál", "Sprout Sociál", "Sprout Soci[á][l]"},
		{"sprsoc", "Sprout Sociál", "[S][p][r]out [S][o][c]iál"},
		{"scom", "Squarespace Commerce", "Square[s]pa[c]e C[o][m]merce"},
		{"eñ", "Señal Sociál", "S[e][ñ]al Sociál"},
	} {
		m.input = inputWithValue(m.input, tc.query)
		rows := m.index.rows(tc.query)
		if rows.Len() == 0 {
			t.Fatalf("%q: no match", tc.query)
		}
		if got := m.highlight(tc.text, rows.At(0), rows.At(0).match.alias, plainStyle{}); got != tc.want {
			t.Errorf("%q in %q: %q, want %q", tc.query, tc.text, got, tc.want)
		}
	}
}

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
	idx := newFilterIndex([]string{"abcdefghijklmnopqrstuvwxyz0123456789"}, nil)
	for c := 'a'; c <= 'z'; c++ {
		idx.rows(string(c))
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
		idx := newFilterIndex(all, aliases)
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
				idx.unfiltered([]int{0})
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

func checkAgainstReference(t *testing.T, idx *filterIndex, all []string, aliases [][]string, query string, round, step int) {
	t.Helper()
	rows := idx.rows(query)
	// What the search ranked without scoring everything must be the head of the full
	// ranking.
	var head []filterMatch
	if rows.lv != nil {
		head = slices.Clone(rows.lv.matches[:rows.lv.ranked])
	}
	ms := idx.match(query) // same query: the cached level, now ranked in full
	if rows.Len() != len(ms) {
		t.Fatalf("round %d step %d %q: %d rows, %d matches", round, step, query, rows.Len(), len(ms))
	}
	if len(head) < len(ms) {
		lazyChecks++
	}
	if !slices.Equal(head, ms[:len(head)]) {
		t.Fatalf("round %d step %d %q: ranked head %+v, full ranking starts %+v", round, step, query, head, ms[:len(head)])
	}
	q := []rune(normalizeQuery(query))
	var want []int
	for i := range all {
		if len(q) > 0 && refMatches(query, all[i], aliases[i]) {
			want = append(want, i)
		}
	}
	got := make([]int, rows.Len())
	for i := range got {
		r := rows.At(i)
		got[i] = r.source
		if r.match != &ms[i] || int(r.match.source) != r.source {
			t.Fatalf("round %d step %d %q: row %d does not point at its match", round, step, query, i)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Fatalf("round %d step %d %q: matched %v, want %v", round, step, query, got, want)
	}
	for i, m := range ms {
		// The reference score: the best of the name and aliases, the first of equals.
		hays := append([]string{all[m.source]}, aliases[m.source]...)
		best, bestAlias := -1<<31, int32(-2)
		var bestPos []int
		for a, h := range hays {
			if s, pos := refScore([]rune(strings.ToLower(h)), q); pos != nil && s > best {
				best, bestAlias, bestPos = s, int32(a-1), pos
			}
		}
		if int(m.score) != best || m.alias != bestAlias {
			t.Fatalf("round %d step %d %q: source %d scored %d via alias %d, want %d via %d",
				round, step, query, m.source, m.score, m.alias, best, bestAlias)
		}
		if pos := idx.positions(m, query); !slices.Equal(pos, bestPos) {
			t.Fatalf("round %d step %d %q: source %d positions %v, want %v", round, step, query, m.source, pos, bestPos)
		}
		if i > 0 {
			p := ms[i-1]
			if p.score < m.score || (p.score == m.score && p.source > m.source) {
				t.Fatalf("round %d step %d %q: out of order at %d: %+v before %+v", round, step, query, i, p, m)
			}
		}
	}
}

// TestFilterKeystrokesDoNotAllocate: once its buffers have grown, the index answers a
// typed, extended and shortened query without allocating.
func TestFilterKeystrokesDoNotAllocate(t *testing.T) {
	cat := syntheticCatalog(2000)
	idx := newFilterIndex(catalogText(cat)).withCategories(catalogCategories(cat))
	// "an" and "pa" also match categories (Analytics; Payments).
	seq := []string{"s", "sn", "sno", "sn", "s", "sa", "", "a", "ap", "an", "", "pa"}
	run := func() {
		for _, q := range seq {
			if q == "" {
				idx.unfiltered(nil)
				continue
			}
			idx.rows(q)
		}
	}
	run()
	if allocs := testing.AllocsPerRun(20, run); allocs != 0 {
		t.Errorf("%v allocations per query sequence, want 0", allocs)
	}
}

// TestFilterSortsWideScoreSpans: gaps in long names spread the scores beyond what the
// counting sort takes; the fallback must order them the same way.
func TestFilterSortsWideScoreSpans(t *testing.T) {
	var all []string
	for _, gap := range []int{9000, 10, 5000, 0, 10, 9000} {
		all = append(all, "a"+strings.Repeat("x", gap)+"b")
	}
	idx := newFilterIndex(all, nil)
	var got []int32
	for _, m := range idx.match("ab") {
		got = append(got, m.source)
	}
	if want := []int32{3, 1, 4, 2, 0, 5}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// TestFilterBoundsHoldAndAreTight: ranking stops scoring when the best scores beat every
// unscored candidate's bound, so a bound below a real score would misorder the list.
// Random short words with many word starts check that no score exceeds its bound, and
// that some reach it (a bound that is never reached could be lower).
func TestFilterBoundsHoldAndAreTight(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []rune("ab -.xé")
	word := func(maxLen int) string {
		r := make([]rune, 1+rng.IntN(maxLen))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	reached := 0
	for range 300 {
		all := make([]string, 50)
		for i := range all {
			all[i] = word(12)
			switch rng.IntN(20) {
			case 0:
				all[i] += strings.Repeat(" a", 40) // past 64 bytes
			case 1:
				all[i] += strings.Repeat("b.", 10+rng.IntN(10)) // 32 to 63, some of them
			}
		}
		idx := newFilterIndex(all, nil)
		q := word(4)
		// Typed a letter at a time, and pasted whole: the bounds of a search that
		// extends a query by one letter know more (see scan.matchByte).
		for _, typed := range []bool{true, false} {
			letters := []rune(q)
			for i := range letters {
				typedSoFar := string(letters[:i+1])
				if !typed && i < len(letters)-1 || normalizeQuery(typedSoFar) == "" {
					continue
				}
				if !typed {
					idx.match("")
				}
				idx.match(typedSoFar)
				lv := idx.levels[idx.depth-1]
				for _, c := range lv.cands {
					if c.score > c.bound {
						t.Fatalf("%q in %q: score %d above its bound %d", lv.query, all[c.source], c.score, c.bound)
					}
					if c.score == c.bound {
						reached++
					}
				}
			}
		}
	}
	if reached == 0 {
		t.Error("no score ever reached its bound")
	}
}

// TestListRanksInUpdateNotView: moving down past the ranked head of a filter result
// ranks it in Update, so drawing the rows never does the work.
func TestListRanksInUpdateNotView(t *testing.T) {
	defer func(n int) { topRows = n }(topRows)
	topRows = 2
	m := newTestModel(t, &memStore{}, Options{})
	m = press(t, m, "/")
	m = typeText(t, m, "a")
	lv := m.sources.rows.lv
	if lv == nil || lv.query != "a" {
		t.Fatal("setup: no filter result")
	}
	for i := range 26 {
		if i > 0 {
			m = press(t, m, "down")
		}
		if end := m.sources.offset + listHeight(m.c.height); lv.ranked < min(end, m.sources.rows.Len()) {
			t.Fatalf("cursor %d: rows up to %d on screen but only %d ranked before View", m.sources.cursor, end, lv.ranked)
		}
	}
}

// TestFilterMatchesCategoriesBelowNames: a query that starts a word of a category
// finds every source of it, after every source found by name or alias, each once.
func TestFilterMatchesCategoriesBelowNames(t *testing.T) {
	all := []string{"Mixpanel", "Awin", "Analytics Pro", "Adjust", "Shop", "Brevo"}
	aliases := [][]string{nil, nil, nil, nil, nil, {"Analytics Mail"}}
	cats := []string{"Analytics", "Affiliate marketing", "Analytics", "analytics", "Web analytics", "CRM"}
	idx := newFilterIndex(all, aliases).withCategories(cats)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// By name (Analytics Pro), by alias (Brevo), then by category in catalog
		// order; Analytics Pro is not listed twice, and a category's case does not
		// matter.
		{"analytics", []string{"Analytics Pro", "Brevo", "Mixpanel", "Adjust", "Shop"}},
		{"ANAL", []string{"Analytics Pro", "Brevo", "Mixpanel", "Adjust", "Shop"}},
		{"marketing", []string{"Awin"}},
		// Only where a word starts, and not fuzzily: "keting" starts no word, and
		// "aff mark" is not in "affiliate marketing".
		{"keting", nil},
		{"aff mark", nil},
		// One letter starts a word in nearly every category: names only.
		{"a", []string{"Awin", "Analytics Pro", "Adjust", "Brevo", "Mixpanel"}},
	} {
		rows := idx.rows(tc.query)
		if got := sourceNames(rows, all); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.query, got, tc.want)
		}
	}
	// A category match says so, for the highlight.
	rows := idx.rows("analytics")
	if r := rows.At(2); r.match == nil || r.match.alias != aliasCategory {
		t.Errorf("Mixpanel's match: %+v, want one through its category", r.match)
	}
	if got := categoryPositions("Web analytics", "anal"); !slices.Equal(got, []int{4, 5, 6, 7}) {
		t.Errorf("positions in the category: %v", got)
	}
	// A backspace to a query on the prefix stack keeps its category matches.
	idx.rows("analyticsx")
	if got := sourceNames(idx.rows("analytics"), all); len(got) != 5 {
		t.Errorf("back to \"analytics\": %q", got)
	}
}
