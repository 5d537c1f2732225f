package fuzzy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rotatetui/rotatetui/catalog"
)

func sourceNames(rows Result, all []string) []string {
	var out []string
	for i := range rows.Len() {
		out = append(out, all[rows.At(i).Source])
	}
	return out
}

// matchAll is every match of query by name or alias, all of them ranked.
func matchAll(idx *Index, query string) []Match {
	r := idx.Search(query)
	if r.lv == nil {
		return nil
	}
	r.RankTo(r.Len())
	return r.lv.matches
}

func TestFilterRanksPrefixThenWordStartThenScattered(t *testing.T) {
	all := []string{"Disco", "Parsnip", "Acme Commerce", "Salesforce Sandbox", "Commerce Cloud", "Snowflake"}
	idx := New(all, nil)
	for query, want := range map[string][]string{
		"co": {"Commerce Cloud", "Acme Commerce", "Disco", "Salesforce Sandbox"},
		"sn": {"Snowflake", "Salesforce Sandbox", "Parsnip"},
		"SN": {"Snowflake", "Salesforce Sandbox", "Parsnip"},
	} {
		if got := sourceNames(idx.Search(query), all); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", query, got, want)
		}
	}
}

func TestFilterFindsTheObviousMatchInTheBuiltinCatalog(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	var aliases [][]string
	for _, s := range cat.Sources {
		all = append(all, s.Name)
		aliases = append(aliases, s.Aliases)
	}
	idx := New(all, aliases)
	for query, want := range map[string]string{
		"sn":         "Snowflake",
		"scom":       "Squarespace Commerce",
		"sendinblue": "Brevo",
		" magento ":  "Adobe Commerce (Magento 2)",
	} {
		got := sourceNames(idx.Search(query), all)
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: got %q first, want %q", query, got, want)
		}
	}
}

func TestFilterCountsASourceOnceAndPrefersItsName(t *testing.T) {
	all := []string{"Stripe", "Brevo", "Stripe"}
	idx := New(all, [][]string{{"Stripe Payments"}, {"Sendinblue", "Stripe"}, nil})
	ms := matchAll(idx, "stripe")
	var got [][2]int32
	for _, m := range ms {
		got = append(got, [2]int32{m.Source, m.Alias})
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
	idx := New(all, [][]string{nil, {"Smarp Señal"}})
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
		ms := matchAll(idx, tc.query)
		if len(ms) == 0 {
			t.Errorf("%q: no match", tc.query)
			continue
		}
		if ms[0].Alias != tc.alias {
			t.Errorf("%q: matched alias %d, want %d", tc.query, ms[0].Alias, tc.alias)
		}
		if got := idx.Positions(ms[0].Via, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: positions %v, want %v", tc.query, got, tc.want)
		}
	}
}

// TestFilterSortsWideScoreSpans: gaps in long names spread the scores beyond what the
// counting sort takes; the fallback must order them the same way.
func TestFilterSortsWideScoreSpans(t *testing.T) {
	var all []string
	for _, gap := range []int{9000, 10, 5000, 0, 10, 9000} {
		all = append(all, "a"+strings.Repeat("x", gap)+"b")
	}
	idx := New(all, nil)
	var got []int32
	for _, m := range matchAll(idx, "ab") {
		got = append(got, m.Source)
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
		idx := New(all, nil)
		q := word(4)
		// Typed a letter at a time, and pasted whole: the bounds of a search that
		// extends a query by one letter know more (see scan.matchByte).
		for _, typed := range []bool{true, false} {
			letters := []rune(q)
			for i := range letters {
				typedSoFar := string(letters[:i+1])
				if !typed && i < len(letters)-1 || normalize(typedSoFar) == "" {
					continue
				}
				if !typed {
					matchAll(idx, "")
				}
				matchAll(idx, typedSoFar)
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

// TestFilterMatchesCategoriesBelowNames: a query that starts a word of a category
// finds every source of it, after every source found by name or alias, each once.
func TestFilterMatchesCategoriesBelowNames(t *testing.T) {
	all := []string{"Mixpanel", "Awin", "Analytics Pro", "Adjust", "Shop", "Brevo"}
	aliases := [][]string{nil, nil, nil, nil, nil, {"Analytics Mail"}}
	cats := []string{"Analytics", "Affiliate marketing", "Analytics", "analytics", "Web analytics", "CRM"}
	idx := New(all, aliases).WithCategories(cats, utf8.RuneCountInString)
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
		rows := idx.Search(tc.query)
		if got := sourceNames(rows, all); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.query, got, tc.want)
		}
	}
	// A category match says so, for the highlight.
	rows := idx.Search("analytics")
	if r := rows.At(2); !r.Matched() || r.Alias != Category {
		t.Errorf("Mixpanel's match: %+v, want one through its category", r)
	}
	if got := CategoryPositions("Web analytics", "anal"); !slices.Equal(got, []int{4, 5, 6, 7}) {
		t.Errorf("positions in the category: %v", got)
	}
	// A backspace to a query on the prefix stack keeps its category matches.
	idx.Search("analyticsx")
	if got := sourceNames(idx.Search("analytics"), all); len(got) != 5 {
		t.Errorf("back to \"analytics\": %q", got)
	}
}
