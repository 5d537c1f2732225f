package catalog

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// deepShapes are files that nest n levels deep in each of the ways that take the TOML
// decoder's memory to the square of the depth, after a two-line prelude. at is the
// 0-based column the scan must report on line 3.
var deepShapes = []struct {
	name string
	gen  func(n int) string
	msg  string
	at   int
}{
	{"dotted key", func(n int) string { return strings.Repeat("a.", n) + "a = 1\n" }, "keys nested", 0},
	{"quoted dotted key", func(n int) string { return strings.Repeat(`"a".`, n) + "'a' = 1\n" }, "keys nested", 0},
	{"table header", func(n int) string { return "[" + strings.Repeat("a.", n) + "a]\n" }, "keys nested", 0},
	{"array of tables header", func(n int) string { return "[[" + strings.Repeat("a . ", n) + "a]]\n" }, "keys nested", 0},
	{"inline tables", func(n int) string {
		return "x = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n"
	}, "keys nested", len("x = ") + (maxKeyPath-1)*len("{a = ") + len("{")}, // x is a key too
	{"inline tables with dotted keys", func(n int) string {
		return "x = " + strings.Repeat("{a.b.c = ", n) + "1" + strings.Repeat("}", n) + "\n"
	}, "keys nested", len("x = {a.b.c = {a.b.c = {")},
	{"arrays", func(n int) string {
		return "x = " + strings.Repeat("[", n) + "1" + strings.Repeat("]", n) + "\n"
	}, "arrays and inline tables nested", len("x = ") + maxNesting},
	{"arrays of inline tables over lines", func(n int) string {
		return "x = [\n" + strings.Repeat("{ a = [\n", n) + "1" + strings.Repeat("]}", n) + "]\n"
	}, "arrays and inline tables nested", -1}, // on a later line
}

const deepPrelude = "version = 1\ntitle = \"deep\"\n"

// parseAllocs parses data and returns the error and the bytes allocated meanwhile.
func parseAllocs(data []byte) (error, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse("deep.toml", data)
	runtime.ReadMemStats(&after)
	return err, after.TotalAlloc - before.TotalAlloc
}

// TestDeepCatalogsAreRefusedBeforeDecoding: a file nested deeper than any catalog needs
// is refused at the place it goes too deep, and refusing it costs little memory. The
// small files (a few KB) took the decoder 3-60 MB before the scan; the 200 KB ones,
// tried only once the small ones pass, took it to tens of GB.
func TestDeepCatalogsAreRefusedBeforeDecoding(t *testing.T) {
	for _, size := range []struct {
		depth    int
		maxAlloc uint64
	}{{300, 256 << 10}, {0, 1 << 20}} {
		for _, tc := range deepShapes {
			depth := size.depth
			if depth == 0 {
				// As many levels as fit in 200 KB.
				depth = 200 << 10 / len(tc.gen(1))
			}
			body := tc.gen(depth)
			data := []byte(deepPrelude + body)
			err, alloc := parseAllocs(data)
			if alloc > size.maxAlloc {
				t.Errorf("%s: parsing %d bytes allocated %d KB", tc.name, len(data), alloc>>10)
			}
			var cerr *Error
			if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
				t.Errorf("%s, %d deep: err = %.200v", tc.name, depth, err)
				continue
			}
			p := cerr.Problems[0]
			if !strings.Contains(p.Msg, tc.msg) || p.File != "deep.toml" {
				t.Errorf("%s: problem %q", tc.name, p)
			}
			if tc.at >= 0 && (p.Line != 3 || p.Col != tc.at+1) {
				t.Errorf("%s: reported at %d:%d, want 3:%d", tc.name, p.Line, p.Col, tc.at+1)
			}
		}
		if t.Failed() {
			t.Fatal("not trying the 200 KB files: without the scan they exhaust memory")
		}
	}
}

// TestShapeLimitsAreExact: the limits are counted the way the decoder nests, no more:
// what is in strings and comments, dots in values and quoted keys do not count.
func TestShapeLimitsAreExact(t *testing.T) {
	path := func(n int) string { return strings.Repeat("k.", n-1) + "k" }
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	within := []string{
		path(maxKeyPath) + " = 1",
		"[" + path(maxKeyPath-1) + "]\nx = 1",
		"[" + path(2) + "]\n" + path(2) + " = { " + path(2) + " = { a = 1, b = { c = 2 } } }",
		"x = " + nest(maxNesting),
		"x = [" + strings.Repeat("{ a = [], b = {}, c = [[]] }, ", 50) + "]",
		"x = {a = 1}\ny = {a = 1}\nz = " + nest(maxNesting),
		`"k.k.k.k.k.k.k.k.k.k.k.k" = 1`,
		`x = "a.b.c.d.e.f.g.h.i.j.k [[[[[[[[[[ {{{{{{{{{{"`,
		"x = '''\n[[[[[[[[[[\n{{{{{{{{{{ a.b.c.d.e.f.g.h.i.j = 1\n'''",
		"x = \"\"\"\\\"\"\" [[[[[[[[[[\"\"\"",
		"# [[[[[[[[[[ {{{{{{{{{{ a.b.c.d.e.f.g.h.i.j = 1\nx = 1",
		"x = [ # [[[[[[[[[[\n 1, # {{{{{{{{{{\n]",
		"x = 1.5\ny = 1979-05-27T07:32:00.999\nz = 1e3",
		"x = [\n" + nest(maxNesting-1) + ",\n" + nest(maxNesting-1) + "]",
	}
	for _, text := range within {
		if offset, msg, ok := checkShape([]byte(text)); !ok {
			t.Errorf("refused at %d (%s):\n%s", offset, msg, text)
		}
	}
	beyond := []string{
		path(maxKeyPath+1) + " = 1",
		"[" + path(maxKeyPath+1) + "]",
		"[" + path(maxKeyPath-1) + "]\nk.k = 1",
		"[" + path(2) + "]\n" + path(2) + " = { " + path(2) + " = { a = 1, b = { c.c = 2 } } }",
		"x = " + nest(maxNesting+1),
		"x = [\n" + nest(maxNesting-1) + ",\n" + nest(maxNesting) + "]",
		"x = {a = 1}\ny = {a = 1}\nz = " + nest(maxNesting+1),
		"x = { a = 1,\n  b = { c = { d = { e = { f = { g = { h = { i = 1 } } } } } } } }",
	}
	for _, text := range beyond {
		if _, _, ok := checkShape([]byte(text)); ok {
			t.Errorf("not refused:\n%s", text)
		}
	}
}

// TestEveryCatalogShapeIsWithinTheLimits: the catalogs the format allows, written in
// every TOML form, are well inside the limits.
func TestEveryCatalogShapeIsWithinTheLimits(t *testing.T) {
	for _, text := range []string{
		`sources = [{ id = "a", name = "A", aliases = ["x"], steps = [{ text = "t", kind = "verify" }] }]`,
		"[[sources]]\nid = \"a\"\nname = \"A\"\nsteps = [{ text = \"t\" }]",
		"[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"",
		"[[sources]]\nid = \"a\"\nname = \"A\"\n[[ sources . steps ]]\n\"text\" = \"t\"",
	} {
		if _, err := Parse("ok.toml", []byte(text)); err != nil {
			t.Errorf("%v:\n%s", err, text)
		}
	}
}
