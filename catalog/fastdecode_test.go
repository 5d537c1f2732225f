package catalog

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// decodeWithLibrary is the reference: what toml.Decode returns, or false on an error.
func decodeWithLibrary(data []byte) (map[string]any, bool) {
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return nil, false
	}
	if raw == nil {
		raw = map[string]any{}
	}
	return raw, true
}

// mapOf turns fields back into the TOML decoder's values.
func mapOf(f fields) map[string]any {
	m := make(map[string]any, len(f))
	for _, kv := range f {
		m[kv.key] = valueOf(kv.value)
	}
	return m
}

func valueOf(v any) any {
	switch v := v.(type) {
	case fields:
		return mapOf(v)
	case []fields:
		out := make([]map[string]any, len(v))
		for i, f := range v {
			out[i] = mapOf(f)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = valueOf(item)
		}
		return out
	}
	return v
}

// checkFastDecode fails when fastDecode returns something the decoder would not.
func checkFastDecode(t *testing.T, name string, data []byte) (decoded bool) {
	t.Helper()
	f, ok := fastDecode(data)
	if !ok {
		return false
	}
	if f == nil {
		t.Fatalf("%s: decoded as nil", name)
	}
	got := mapOf(f)
	want, valid := decodeWithLibrary(data)
	if !valid {
		t.Fatalf("%s: decoded %q, which the TOML decoder rejects", name, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: decoded %q as\n%#v\nthe TOML decoder gives\n%#v", name, data, got, want)
	}
	return true
}

// fastDecodeCases are within the subset (want true) or just outside it.
var fastDecodeCases = []struct {
	text string
	want bool
}{
	{"", true},
	{"\n\n# only a comment\n", true},
	{"version = 1\ntitle = \"T\"\n", true},
	{"version = -12\r\nflag = true\r\nother = false # comment\r\n", true},
	{"[[sources]]\nid = \"a\"\naliases = [\"x\", 'y',]\nempty = []\n[[sources.steps]]\ntext = \"s\"\n[[sources.steps]]\ntext = 'lit \\ eral'\n[[sources]]\nid = \"b\"\n", true},
	{"a = \"tab\there \\\"q\\\" \\\\ \\n \\u00e9 \\U0001F600 \\b\\f\\r\\t\"\n", true},
	{"a = \"héllo wörld\" # ünïcode comment\n", true},
	{"  \tindented = \"yes\"   \n", true},
	{"[[sources]] # comment\n  [[sources.steps]]   \n  text = \"x\"", true},
	{"a = 0\nb = 123456789012345678\n", true},

	{"[table]\n", false},
	{"[[ sources ]]\n", false},
	{"[[other]]\n", false},
	{"[[sources.steps]]\ntext = \"no source\"\n", false},
	{"a.b = 1\n", false},
	{"\"quoted\" = 1\n", false},
	{"a = \"\"\"multi\nline\"\"\"\n", false},
	{"a = '''multi'''\n", false},
	{"a = [\n\"x\"\n]\n", false},
	{"a = [1, 2]\n", false},
	{"a = { x = 1 }\n", false},
	{"a = 1\na = 2\n", false},
	{"sources = 1\n[[sources]]\n", false},
	{"[[sources]]\nsteps = 1\n[[sources.steps]]\n", false},
	{"a = \"\\e\"\n", false},
	{"a = \"\\x41\"\n", false},
	{"a = \"\\uD800\"\n", false},
	{"a = \"\\u12\"\n", false},
	{"a = \"ctrl\x01\"\n", false},
	{"a = \"del\x7f\"\n", false},
	{"# comment \x01\n", false},
	{"a = 1\rb = 2\n", false},
	{"\xef\xbb\xbfa = 1\n", false},
	{"a = 01\n", false},
	{"a = -0\n", false},
	{"a = +1\n", false},
	{"a = 1_000\n", false},
	{"a = 1234567890123456789\n", false},
	{"a = 1.5\n", false},
	{"a = 1979-05-27\n", false},
	{"a = trueish\n", false},
	{"a = \"unterminated\n", false},
	{"a = \"x\" b = 1\n", false},
	{"a = \n", false},
	{"a = \"\xff\"\n", false},
}

func TestFastDecodeMatchesTheDecoder(t *testing.T) {
	for _, tc := range fastDecodeCases {
		if got := checkFastDecode(t, "case", []byte(tc.text)); got != tc.want {
			t.Errorf("fastDecode(%q) decoded=%v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestFastDecodeTakesGeneratedCatalogs: the catalogs teams generate, and the built-in
// one, are within the subset, so the fast path is really used for them; and files
// that are not come back as the decoder reads them.
func TestFastDecodeTakesGeneratedCatalogs(t *testing.T) {
	var big strings.Builder
	big.WriteString("version = 1\ntitle = \"Big\"\n")
	for i := range 500 {
		fmt.Fprintf(&big, "[[sources]]\nid = \"s%d\"\nname = \"Source %d\"\naliases = [\"alias %d\"]\ncategory = \"Cat %d\"\n", i, i, i, i%20)
		for j := range 3 {
			fmt.Fprintf(&big, "[[sources.steps]]\ntext = \"Step %d of source %d.\"\n", j, i)
		}
	}
	if !checkFastDecode(t, "generated", []byte(big.String())) {
		t.Error("a generated catalog was left to the decoder")
	}
	builtin, err := os.ReadFile("builtin.toml")
	if err != nil {
		t.Fatal(err)
	}
	checkFastDecode(t, "builtin.toml", builtin)

	rng := rand.New(rand.NewPCG(4, 2))
	for i := range 50 {
		checkFastDecode(t, fmt.Sprintf("tricky %d", i), []byte(trickyCatalog(rng, 1+rng.IntN(8))))
	}
	files, _ := filepath.Glob("testdata/*.toml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFastDecode(t, f, data)
	}
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	for _, f := range corpus {
		checkFastDecode(t, f, fuzzCorpusBytes(t, f))
	}
}

// FuzzFastDecode: whatever fastDecode decodes, the TOML decoder decodes the same way.
func FuzzFastDecode(f *testing.F) {
	for _, tc := range fastDecodeCases {
		f.Add([]byte(tc.text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastDecode(t, "fuzz", data)
	})
}
