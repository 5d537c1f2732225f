package fuzzy

import (
	"testing"
	"unicode/utf8"

	"github.com/rotatetui/rotatetui/ui/internal/fuzzy/fuzzytest"
)

// The engine alone, on the synthetic catalogs the source list's benchmarks also use
// (ui/bench_test.go), at 50, 10,000 and 100,000 sources.

var benchSizes = []struct {
	name string
	n    int
}{{"50", 50}, {"10k", 10_000}, {"100k", 100_000}}

func benchIndex(n int) *Index {
	names, aliases, categories := fuzzytest.Text(fuzzytest.Sources(n))
	return New(names, aliases).WithCategories(categories, utf8.RuneCountInString)
}

// TestKeystrokesDoNotAllocate: once its buffers have grown, the index answers a typed,
// extended and shortened query without allocating.
func TestKeystrokesDoNotAllocate(t *testing.T) {
	idx := benchIndex(2000)
	// "an" and "pa" also match categories (Analytics; Payments).
	seq := []string{"s", "sn", "sno", "sn", "s", "sa", "", "a", "ap", "an", "", "pa"}
	run := func() {
		for _, q := range seq {
			if r := idx.Search(q); r.Len() > 0 {
				r.At(0)
			}
		}
	}
	run()
	if allocs := testing.AllocsPerRun(20, run); allocs != 0 {
		t.Errorf("%v allocations per query sequence, want 0", allocs)
	}
}

// BenchmarkSearch is the first key press ("s"), an extension ("s" → "sn"), and one
// that also starts a category's word ("a" → "an"). Each op also resets the query, which
// costs next to nothing (an empty query, or a backspace to the cached level). It
// reports how many sources matched.
func BenchmarkSearch(b *testing.B) {
	for _, size := range benchSizes {
		for _, tc := range []struct{ name, from, to string }{{"first", "", "s"}, {"extend", "s", "sn"}, {"category", "a", "an"}} {
			b.Run(size.name+"/"+tc.name, func(b *testing.B) {
				idx := benchIndex(size.n)
				idx.Search(tc.from)
				b.ReportAllocs()
				b.ResetTimer()
				var n int
				for range b.N {
					n = idx.Search(tc.to).Len()
					idx.Search(tc.from)
				}
				b.ReportMetric(float64(n), "matches")
			})
		}
	}
}

// BenchmarkFirstUseOfALetter is BenchmarkSearch's first key press when "s" has not
// been typed before: the search also builds the letter's position table.
func BenchmarkFirstUseOfALetter(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			idx := benchIndex(size.n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				idx.Search("s")
				b.StopTimer()
				idx.Search("")
				idx.DropPositionTables()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkRankAll ranks the whole result of "s" (about three quarters of the catalog),
// as reading the list past its ranked head does.
func BenchmarkRankAll(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			idx := benchIndex(size.n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				idx.Search("")
				r := idx.Search("s")
				b.StartTimer()
				r.RankTo(r.Len())
			}
		})
	}
}

// BenchmarkPositions finds the letters to highlight in a screenful of rows.
func BenchmarkPositions(b *testing.B) {
	idx := benchIndex(10_000)
	r := idx.Search("scom")
	rows := min(r.Len(), 20)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for i := range rows {
			idx.Positions(r.At(i).Via, "scom")
		}
	}
}

// BenchmarkBuild times what start-up spends on the index: lower-casing and laying out
// every name and alias once, and grouping the categories.
func BenchmarkBuild(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			names, aliases, categories := fuzzytest.Text(fuzzytest.Sources(size.n))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				New(names, aliases).WithCategories(categories, utf8.RuneCountInString)
			}
		})
	}
}
