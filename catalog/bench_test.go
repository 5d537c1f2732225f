package catalog

import (
	"fmt"
	"os"
	"path/filepath"
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

// BenchmarkParseInline is the first load of a catalog the fast decoder leaves to the
// TOML decoder (steps as inline tables), so it includes the shape scan (shape.go).
func BenchmarkParseInline(b *testing.B) {
	var out strings.Builder
	out.WriteString("version = 1\n")
	for i := range 1000 {
		fmt.Fprintf(&out, "[[sources]]\nid = \"s%d\"\nname = \"Source %d\"\nsteps = [{ text = \"Log in.\", kind = \"navigate\" }, { text = \"Rotate %d.\" }]\n", i, i, i)
	}
	data := []byte(out.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for range b.N {
		if c, err := Parse("bench.toml", data); err != nil || len(c.Sources) != 1000 {
			b.Fatalf("parse: %v", err)
		}
	}
}

// BenchmarkCheckShape is the shape scan alone, over a generated catalog of 10,000
// sources.
func BenchmarkCheckShape(b *testing.B) {
	data := generatedCatalog(10_000)
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, _, ok := checkShape(data); !ok {
			b.Fatal("refused")
		}
	}
}

// BenchmarkReadFile is ReadFile's open, fstat and bounded read of a 2.5 MB catalog,
// beside os.ReadFile's.
func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.toml")
	data := generatedCatalog(10_000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	for _, r := range []struct {
		name string
		read func(string) ([]byte, error)
	}{
		{"ReadFile", func(p string) ([]byte, error) { return ReadFile(p, 0) }},
		{"os.ReadFile", os.ReadFile},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for range b.N {
				if got, err := r.read(path); err != nil || len(got) != len(data) {
					b.Fatalf("read: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}
