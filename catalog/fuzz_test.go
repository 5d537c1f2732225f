package catalog

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds Parse arbitrary files. The seed corpus in testdata/fuzz/FuzzParse
// holds a real catalog, a minimal one, terminal attacks hidden behind TOML escapes,
// broken TOML, invalid UTF-8, and files nested deeper than the limits (deep-*) or just
// within them (limits-*). Whatever the input, Parse must not panic, must allocate in
// proportion to the input (see fuzzMaxAlloc), a catalog it returns must be safe to
// print, and an error must be a well-formed *Error.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, err := Parse("fuzz.toml", data)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fuzzMaxAlloc(len(data)) {
			t.Fatalf("parsing %d bytes allocated %d KB", len(data), alloc>>10)
		}
		if err != nil {
			fuzzCheckError(t, c, err)
			return
		}
		if c == nil {
			t.Fatal("Parse returned neither a catalog nor an error")
		}
		fuzzCheckText(t, "title", c.Title, true)
		for i, s := range c.Sources {
			where := fmt.Sprintf("sources[%d]", i)
			fuzzCheckText(t, where+".name", s.Name, true)
			for j, a := range s.Aliases {
				fuzzCheckText(t, fmt.Sprintf("%s.aliases[%d]", where, j), a, true)
			}
			fuzzCheckText(t, where+".category", s.Category, true)
			fuzzCheckText(t, where+".docs", s.Docs, true)
			fuzzCheckText(t, where+".note", s.Note, false)
			for j, st := range s.Steps {
				at := fmt.Sprintf("%s.steps[%d]", where, j)
				fuzzCheckText(t, at+".text", st.Text, false)
				fuzzCheckText(t, at+".command", st.Command, false)
				fuzzCheckText(t, at+".url", st.URL, true)
			}
		}
	})
}

// fuzzMaxAlloc is the most Parse may allocate for n bytes. The TOML decoder takes up to
// some 330 bytes per byte of a file nested to the limits of shape.go (and about 100 for
// a flat one); a file that makes it grow with the square of its depth takes thousands.
func fuzzMaxAlloc(n int) uint64 { return 8<<20 + 1000*uint64(n) }

func fuzzCheckError(t *testing.T, c *Catalog, err error) {
	t.Helper()
	if c != nil {
		t.Error("Parse returned a catalog along with an error")
	}
	cerr, ok := err.(*Error)
	if !ok {
		t.Fatalf("error is %T, not *Error: %v", err, err)
	}
	if len(cerr.Problems) == 0 {
		t.Fatal("*Error with no problems")
	}
	for i, p := range cerr.Problems {
		if p.Line < 1 || p.Col < 1 || strings.TrimSpace(p.Msg) == "" {
			t.Errorf("problem %d is malformed: %+v", i, p)
		}
	}
}

// fuzzCheckText fails when s could drive a terminal: invalid UTF-8, a C0 control other
// than newline and tab, DEL, a C1 control or a bidi embedding, override or isolate.
// oneLine fields may not hold newlines or tabs either.
func fuzzCheckText(t *testing.T, what, s string, oneLine bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8: %q", what, s)
		return
	}
	for _, r := range s {
		unsafe := r < 0x20 && r != '\n' && r != '\t' ||
			r >= 0x7f && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 ||
			oneLine && (r == '\n' || r == '\t')
		if unsafe {
			t.Errorf("%s: %U survives in %q", what, r, s)
			return
		}
	}
}
