package catalog

import (
	"fmt"
	"strings"
	"testing"
)

// generatedCatalog is a catalog of n sources shaped like the one BENCHMARKS.md makes
// with awk: three steps and one alias each.
func generatedCatalog(n int) []byte {
	a := strings.Fields("Data Cloud Snow Green Hyper Blue Pay Shop Stack Mail")
	b := strings.Fields("ly pay flake ify desk hub base works sense metrics")
	var out strings.Builder
	out.WriteString("version = 1\ntitle = \"Big\"\n")
	for i := range n {
		name := fmt.Sprintf("%s%s %d", a[(i*7)%10], b[(i*13+i/10)%10], i)
		fmt.Fprintf(&out, "[[sources]]\nid = \"s%d\"\nname = \"%s\"\naliases = [\"alias %d\"]\ncategory = \"Cat %d\"\n", i, name, i, i%20)
		for j := range 3 {
			fmt.Fprintf(&out, "[[sources.steps]]\ntext = \"Step %d of %s.\"\n", j, name)
		}
	}
	return []byte(out.String())
}

// BenchmarkParse is a catalog's first load, nothing cached: decoding and validating.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 10_000} {
		data := generatedCatalog(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for range b.N {
				c, err := Parse("bench.toml", data)
				if err != nil || len(c.Sources) != n {
					b.Fatalf("parse: %v", err)
				}
			}
		})
	}
}
