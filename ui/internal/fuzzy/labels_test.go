package fuzzy

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// TestFilterMatchesLabelsWithCategories: a query that starts a word of a label (an
// owner, a tag as k=v) finds the sources that carry it, after those found by name or
// alias, merged in catalog order with those found by category, each once.
func TestFilterMatchesLabelsWithCategories(t *testing.T) {
	all := []string{"Snowflake / prod", "Snowflake / eu", "Adjust / app", "Brevo / staging", "Prodege"}
	cats := []string{"Data warehouse", "Data warehouse", "Analytics", "CRM", "Surveys"}
	labels := [][]string{{"ana", "env=prod"}, {"bo", "env=prod", "region=eu"}, {"Ana"}, {"env=staging", "env=staging"}}
	idx := New(all, nil).WithCategories(cats, utf8.RuneCountInString).WithLabels(labels)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// Names first (prod, Prodege), then eu through its tag.
		{"prod", []string{"Prodege", "Snowflake / prod", "Snowflake / eu"}},
		{"env=prod", []string{"Snowflake / prod", "Snowflake / eu"}},
		// An owner's case does not matter; a label shared by two sources is read once.
		{"ana", []string{"Snowflake / prod", "Adjust / app"}},
		// The category and a label of the same source: once, through the category.
		{"data", []string{"Snowflake / prod", "Snowflake / eu"}},
		{"env", []string{"Snowflake / prod", "Snowflake / eu", "Brevo / staging"}},
		// Not fuzzily, and not from one letter.
		{"nv", nil},
		{"b", []string{"Brevo / staging"}},
	} {
		if got := sourceNames(idx.Search(tc.query), all); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.query, got, tc.want)
		}
	}
	rows := idx.Search("region")
	if rows.Len() != 1 || rows.At(0).Alias != Label || idx.LabelOf(rows.At(0).Via) != "region=eu" {
		t.Errorf("region: %d rows, first %+v (%q)", rows.Len(), rows.At(0), idx.LabelOf(rows.At(0).Via))
	}
	if got := idx.LabelOf(idx.Search("data").At(0).Via); got != "" {
		t.Errorf("a category match's label: %q", got)
	}
	if r := idx.Search("eu"); r.Len() != 1 || r.At(0).Alias != Name {
		t.Errorf("eu: matched by its name, once: %d rows", r.Len())
	}
}

// TestLabelsDoNotAllocatePerQuery: once the scratch has grown, label matches cost no
// allocation either.
func TestLabelsDoNotAllocatePerQuery(t *testing.T) {
	names := make([]string, 3000)
	labels := make([][]string, len(names))
	for i := range names {
		names[i] = "Key"
		labels[i] = []string{[]string{"env=prod", "env=staging", "env=dev"}[i%3], "owner" + string(rune('a'+i%7))}
	}
	idx := New(names, nil).WithLabels(labels)
	run := func() {
		for _, q := range []string{"en", "env", "env=", "pr", "ow", "owner", "st"} {
			idx.Search(q)
		}
		idx.Search("")
	}
	run()
	if allocs := testing.AllocsPerRun(10, run); allocs != 0 {
		t.Errorf("%v allocations per query sequence, want 0", allocs)
	}
}
