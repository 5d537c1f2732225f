package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
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

// BenchmarkDecode is the fast TOML subset decoder's gain (fastdecode.go): the decode
// step alone, no validation, of the same 10,000-source file, by fastDecode and by
// the way parser.decode reads a file fastDecode declines (the shape scan that guards
// the TOML decoder, BurntSushi/toml's Decode, and the conversion to fields).
func BenchmarkDecode(b *testing.B) {
	data := generatedCatalog(10_000)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for range b.N {
			if raw, ok := fastDecode(data); !ok || len(raw) != 3 {
				b.Fatalf("fastDecode declined the generated catalog (%d keys)", len(raw))
			}
		}
	})
	b.Run("toml", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for range b.N {
			if _, _, ok := checkShape(data); !ok {
				b.Fatal("shape refused")
			}
			var raw map[string]any
			if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
				b.Fatal(err)
			}
			if f := fieldsOf(raw); len(f) != 3 {
				b.Fatalf("%d keys", len(f))
			}
		}
	})
}

// BenchmarkParseChunked is the chunked parse's gain (chunked.go): Parse of a
// 100,000-source catalog (25 MB) cut into pieces parsed on every core, and whole
// (chunkedMinSize above the file's size), in the same run.
func BenchmarkParseChunked(b *testing.B) {
	data := generatedCatalog(100_000)
	for _, mode := range []struct {
		name    string
		minSize int
	}{{"pieces", chunkedMinSize}, {"whole", len(data) + 1}} {
		b.Run(mode.name, func(b *testing.B) {
			defer func(was int) { chunkedMinSize = was }(chunkedMinSize)
			chunkedMinSize = mode.minSize
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for range b.N {
				// Each op starts from a collected heap, as a first load does: what the
				// op before left would otherwise pace the collector differently.
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				if c, err := Parse("bench.toml", data); err != nil || len(c.Sources) != 100_000 {
					b.Fatalf("parse: %v", err)
				}
			}
		})
	}
}

// BenchmarkBuiltin is the generated built-in catalog's gain (builtin_gen.go): what
// Builtin does at every start (a copy of the compiled-in data), beside parsing
// builtin.toml as the program would have to without it. (In a fresh process, where
// it counts, see BenchmarkBuiltinFirstCall.)
func BenchmarkBuiltin(b *testing.B) {
	data := readBuiltinTOML(b)
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if c, _ := Builtin(); len(c.Sources) == 0 {
				b.Fatal("empty")
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if c, err := parseBuiltinTOML(data); err != nil || len(c.Sources) != len(builtinCatalog.Sources) {
				b.Fatalf("parse: %v", err)
			}
		}
	})
}

// parseBuiltinTOML is the built-in catalog as a start without builtin_gen.go would
// make it: parsed, every source marked built in.
func parseBuiltinTOML(data []byte) (*Catalog, error) {
	c, err := Parse("builtin.toml", data)
	if err != nil {
		return nil, err
	}
	for i := range c.Sources {
		c.Sources[i].Origin = BuiltinOrigin
	}
	return c, nil
}
