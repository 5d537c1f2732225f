package state

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecode checks the decoder never panics and that whatever it accepts
// survives a save: encoding it and decoding again gives the same state.
func FuzzDecode(f *testing.F) {
	st := New()
	for _, c := range sampleChanges() {
		if _, err := c.Apply(st); err != nil {
			f.Fatal(err)
		}
	}
	valid, err := encode(st)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(`{"version":1,"sources":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, _, err := decode(data)
		if err != nil {
			var p *problem
			if !errors.As(err, &p) || st != nil {
				t.Fatalf("refusal is not a *problem with a nil state: %T %v", err, err)
			}
			return
		}
		out, err := encode(st)
		if err != nil {
			t.Fatalf("accepted but cannot be saved: %v", err)
		}
		st2, _, err := decode(out)
		if err != nil {
			t.Fatalf("saved form refused: %v\n%s", err, out)
		}
		// Times may come back in another *time.Location (a "+00:00" offset
		// parses as Local, is written as "Z" and reads back as UTC), so
		// "same value" is judged on the saved form, then on the structs once
		// that form is reached.
		out2, err := encode(st2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("re-encoding differs (%v):\n%s\n%s", err, out, out2)
		}
		st3, _, err := decode(out2)
		if err != nil || !reflect.DeepEqual(st2, st3) {
			t.Fatalf("decode(encode(x)) != x (%v)", err)
		}
	})
}

// TestFuzzSeedCorpus keeps the committed seeds meaningful: the valid-* seeds
// must decode and the invalid-* seeds must be refused.
func TestFuzzSeedCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus (%v)", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lit, ok := strings.CutPrefix(strings.TrimSpace(string(raw)), "go test fuzz v1\n[]byte(")
		lit, ok2 := strings.CutSuffix(lit, ")")
		data, err := strconv.Unquote(lit)
		if !ok || !ok2 || err != nil {
			t.Fatalf("%s: not a fuzz corpus file (%v)", f, err)
		}
		_, _, err = decode([]byte(data))
		name := filepath.Base(f)
		switch {
		case strings.HasPrefix(name, "valid-") && err != nil:
			t.Errorf("%s refused: %v", name, err)
		case strings.HasPrefix(name, "invalid-") && err == nil:
			t.Errorf("%s accepted", name)
		}
	}
}
