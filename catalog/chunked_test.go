package catalog

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// splitSmall makes every catalog take the chunked path, one or two sources a piece.
func splitSmall(t *testing.T) {
	t.Helper()
	size, chunk := chunkedMinSize, chunkSize
	t.Cleanup(func() { chunkedMinSize, chunkSize = size, chunk })
	chunkedMinSize, chunkSize = 0, 64
}

// parseWhole parses without the split, as the reference.
func parseWhole(name string, data []byte) (*Catalog, error) {
	size := chunkedMinSize
	defer func() { chunkedMinSize = size }()
	chunkedMinSize = 1 << 62
	return Parse(name, data)
}

// randomCatalog writes a valid catalog with what could confuse a cut: notes and
// commands whose lines look like [[sources]] headers inside multi-line strings, both
// kinds of quotes, escapes, comments and headers followed by comments.
func trickyCatalog(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("# a generated catalog\nversion = 1\ntitle = \"Team \\\"keys\\\"\"\nrotate_every = \"60d\"\n\n")
	tricky := []string{
		"note = \"\"\"\n[[sources]]\nid = \"fake\"\n\"\"\"\n",
		"note = '''\n[[sources]] # not a header\n'''\n",
		"note = \"one \\\"quoted\\\" [[sources]]\"\n",
		"note = \"\"\"ends with quotes\"\"\"\"\"\n",
		"note = \"\"\"escaped \\\"\"\" still inside\n[[sources]]\"\"\"\n",
		"# [[sources]] in a comment\n",
		"aliases = ['say \"hi\"', \"x # y\", '''[[sources]]''']\n",
	}
	for i := range n {
		if rng.IntN(3) == 0 {
			b.WriteString("[[sources]] # a header with a comment\n")
		} else {
			b.WriteString("[[sources]]\n")
		}
		fmt.Fprintf(&b, "id = \"src-%d\"\nname = \"Source %d\"\n", i, i)
		if rng.IntN(2) == 0 {
			b.WriteString(tricky[rng.IntN(len(tricky))])
		}
		for j := range 1 + rng.IntN(3) {
			fmt.Fprintf(&b, "\n  [[sources.steps]]\n  text = \"Step %d of source %d.\"\n", j, i)
			if rng.IntN(4) == 0 {
				b.WriteString("  command = '''SELECT \"[[sources]]\";'''\n")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestChunkedParseEqualsWholeParse: a catalog parsed in pieces is exactly the catalog
// parsed whole, and the pieces are really used.
func TestChunkedParseEqualsWholeParse(t *testing.T) {
	splitSmall(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		data := []byte(trickyCatalog(rng, 1+rng.IntN(40)))
		want, err := parseWhole("gen.toml", data)
		if err != nil {
			t.Fatalf("round %d: the generated catalog is invalid: %v\n%s", round, err, data)
		}
		got, ok := parseChunked("gen.toml", data)
		if len(want.Sources) > 1 && !ok {
			t.Fatalf("round %d: a valid catalog was not parsed in pieces\n%s", round, data)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: pieces gave\n%+v\nwhole gave\n%+v", round, got, want)
		}
	}
	// The built-in catalog and the fuzz corpus, split.
	builtin, err := os.ReadFile("builtin.toml")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := parseWhole("builtin.toml", builtin)
	if got, ok := parseChunked("builtin.toml", builtin); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("the built-in catalog in pieces (ok=%v) differs from whole", ok)
	}
}

// TestChunkedParseReportsLikeWholeParse: a problem anywhere, including one only the
// whole file shows (a duplicate id in two pieces), is reported exactly as without the
// split, with the lines of the whole file.
func TestChunkedParseReportsLikeWholeParse(t *testing.T) {
	splitSmall(t)
	good := trickyCatalog(rand.New(rand.NewPCG(3, 4)), 20)
	cases := map[string]string{
		"duplicate across pieces": good + "[[sources]]\nid = \"src-3\"\nname = \"Again\"\n[[sources.steps]]\ntext = \"x\"\n",
		"bad source late":         good + "[[sources]]\nid = \"Bad Id\"\nname = \"B\"\n[[sources.steps]]\ntext = \"x\"\n",
		"syntax error late":       good + "[[sources]]\nid = \"z\"\nname = = 1\n",
		"unknown top-level table": good + "[meta]\nowner = \"x\"\n",
		"too new":                 "version = 2\n" + good,
		"unterminated string":     good + "[[sources]]\nid = \"z\nname = \"Z\"\n",
		"spaced header":           good + "[[ sources ]]\nid = \"zz\"\nname = \"Z\"\n[[sources.steps]]\ntext = \"x\"\n",
	}
	for name, text := range cases {
		want, wantErr := parseWhole("c.toml", []byte(text))
		got, gotErr := Parse("c.toml", []byte(text))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: split gave %v, whole gave %v", name, gotErr, wantErr)
		}
	}
}

// TestChunkedParseOfTheFuzzCorpus: whatever the input, the split changes nothing.
func TestChunkedParseOfTheFuzzCorpus(t *testing.T) {
	splitSmall(t)
	files, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	if len(files) == 0 {
		t.Fatal("no fuzz corpus")
	}
	for _, f := range files {
		data := fuzzCorpusBytes(t, f)
		want, wantErr := parseWhole("f.toml", data)
		got, gotErr := Parse("f.toml", data)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: split gave %v, whole gave %v", f, gotErr, wantErr)
		}
	}
}

func TestSourceHeaders(t *testing.T) {
	text := "version = 1\n[[sources]]\nnote = \"\"\"\n[[sources]]\n\"\"\"\n  [[sources]] # here\n# [[sources]]\nx = '[[sources]]'\n[[sources]]x\n[[sources.steps]]\n[[sources]]"
	var got []string
	for _, h := range sourceHeaders([]byte(text)) {
		got = append(got, fmt.Sprintf("%d", strings.Count(text[:h], "\n")+1))
	}
	if want := []string{"2", "6", "11"}; !reflect.DeepEqual(got, want) {
		t.Errorf("headers on lines %v, want %v", got, want)
	}
	if sourceHeaders([]byte("a = \"\"\"never closed\n[[sources]]\n")) != nil {
		t.Error("an unterminated string should stop the split")
	}
}

// fuzzCorpusBytes reads a seed file of the form `go test fuzz v1` + `[]byte("...")`.
func fuzzCorpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, value, ok := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	value, ok2 := strings.CutPrefix(value, "[]byte(")
	value, ok3 := strings.CutSuffix(value, ")")
	if !ok || !ok2 || !ok3 {
		t.Fatalf("%s: not a []byte seed", path)
	}
	s, err := strconv.Unquote(value)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}
