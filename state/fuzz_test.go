package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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
	f.Add([]byte(`{"version":2,"keys":{}}`))
	f.Add([]byte(`{"version":1,"sources":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsEncodingJSON(t, data)
		st, version, err := decode(data)
		sameAsCarefulPath(t, data, st, version, err)
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

// sameAsCarefulPath fails unless decode's answer is the one decodeAnyVersion, which
// builds the generic tree first, gives for data: the same state, version and error.
func sameAsCarefulPath(t *testing.T, data []byte, st *State, version int, err error) {
	t.Helper()
	if len(data) == 0 || !utf8.Valid(data) {
		return // refused before either path
	}
	wantSt, wantVersion, wantErr := decodeAnyVersion(data)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || version != wantVersion || !reflect.DeepEqual(st, wantSt) {
		t.Fatalf("decode of %q differs from the careful path:\n%v, version %d, %+v\nwant %v, version %d, %+v",
			data, err, version, st, wantErr, wantVersion, wantSt)
	}
}

// sameAsEncodingJSON fails if fastDecode accepts data and the strict encoding/json
// pass refuses it or reads another State.
func sameAsEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return // decode refuses it before
	}
	fast, ok := fastDecode(data)
	if !ok {
		return
	}
	want := new(State)
	if err := decodeStrict(data, want, true); err != nil {
		t.Fatalf("fastDecode accepted %q, which encoding/json refuses: %v", data, err)
	}
	if !reflect.DeepEqual(fast, want) {
		t.Fatalf("fastDecode of %q:\n%+v\nencoding/json:\n%+v", data, fast, want)
	}
}

// TestFastDecodeReadsWhatEncodeWrites: every file rotatetui writes takes the fast
// path, and reads back as encoding/json reads it.
func TestFastDecodeReadsWhatEncodeWrites(t *testing.T) {
	st := New()
	for _, c := range sampleChanges() {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	// Text that needs escaping, as notes and names can hold it.
	extra := []Change{
		{Kind: SetNote, Key: "quotes", Step: "a", Steps: []string{"a"}, At: time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC), Text: "\"quoted\" \\ back/slash,\ttab, é ✓\n\tnext line"},
		{Kind: SetPlaceholder, Key: "quotes", Name: "org", Text: "a\nb", At: time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("", 3600))},
		{Kind: RecordRotated, Key: "by-hand", At: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), By: "ann@host"},
	}
	for _, c := range extra {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	data, err := encode(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fastDecode(data); !ok {
		t.Fatalf("fastDecode declined a file encode wrote:\n%s", data)
	}
	sameAsEncodingJSON(t, data)
	if _, ok := fastDecode([]byte(strings.Replace(string(data), `"version": 2`, `"version": 3`, 1))); ok {
		t.Error("fastDecode read another version")
	}
}

// TestDecodeTakesTheShortPathOnlyWhenItMay: files the fast path must leave to
// encoding/json (escapes, nulls, keys in other case or repeated, a version written
// otherwise) answer exactly as the careful path does.
func TestDecodeTakesTheShortPathOnlyWhenItMay(t *testing.T) {
	const rot = `{"started_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","outcome":"in_progress","step_keys":["a"]`
	for _, in := range []string{
		`{"version":1,"sources":{}}`,
		`{"versiOn":1,"sources":{}}`,
		`{"Version":1,"version":1,"sources":{}}`,
		`{"versio\u006e":1,"sources":{}}`,
		`{"version":1,"versio\u006e":2,"VERSION":1,"sources":{}}`,
		`{"version":"1","sources":{}}`,
		`{"version":1.0,"sources":{}}`,
		`{"version":1e0,"sources":{}}`,
		`{"version":01,"sources":{}}`,
		`{"version":2,"sources":{}}`,
		`{"version":2,"version":1,"sources":{}}`,
		`{"version":1,"version":2,"sources":{}}`,
		`{"version":1,"sources":{},"extra":true}`,
		`{"version":1,"sources":{"s":null}}`,
		`{"version":1,"sources":{"s":{},"s":{}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `,"Outcome":"completed"}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `,"steps":{"a":{"note":"x\u2028y"}}}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `,"steps":{"a":{"note":"tab\there"}}}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `,"steps":{"a":{"note":"x","note":"y"}}}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `},"current":{"step_keys":["b"]}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `,"finished_at":null}}}}`,
		`{"version":1,"sources":{"s":{"current":` + rot + `}},"s":{}}}`,
		`{"version":1,"sources":{"s":{"last_rotated":"2026-01-02"}}}`,
		`{"version":1,"sources":{"s":{"last_rotated":"2026-01-02T03:04:05+01:00","placeholders":{"":"x"}}}}`,
		`{"version":1,"sources":{"s":{"history":[]}}}`,
		`{"version":1} {}`,
		`{"sources":{}}`,
		`{"version":1}`,
		"\ufeff{\"version\":1,\"sources\":{}}",
		`null`, `[]`, `1`, `{"version":1`,
	} {
		// Each as version 1 wrote it and as version 2 does.
		for _, in := range []string{in, asV2(in)} {
			sameAsEncodingJSON(t, []byte(in))
			st, version, err := decode([]byte(in))
			sameAsCarefulPath(t, []byte(in), st, version, err)
		}
	}
}

// asV2 is a compact version-1 text written as version 2: "keys" for "sources".
func asV2(in string) string {
	return strings.NewReplacer(`"version":1`, `"version":2`, `"sources"`, `"keys"`).Replace(in)
}

// TestFuzzSeedCorpus keeps the committed seeds meaningful: the valid-* seeds
// must decode and the invalid-* seeds must be refused.
func TestFuzzSeedCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus (%v)", err)
	}
	decoded := map[string]*State{}
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
		st, _, err := decode([]byte(data))
		name := filepath.Base(f)
		switch {
		case strings.HasPrefix(name, "valid-") && err != nil:
			t.Errorf("%s refused: %v", name, err)
		case strings.HasPrefix(name, "invalid-") && err == nil:
			t.Errorf("%s accepted", name)
		}
		decoded[name] = st
	}
	// A version-1 seed reads as its version-2 form: migrated, nothing lost.
	for name, st := range decoded {
		if v2, ok := decoded[strings.Replace(name, "valid-", "valid-v2-", 1)]; ok && strings.HasPrefix(name, "valid-") && !strings.HasPrefix(name, "valid-v2-") {
			if st == nil || !reflect.DeepEqual(st, v2) {
				t.Errorf("%s does not read as its version-2 form", name)
			}
		}
	}
}

// FuzzDecodeKey: whatever fastDecodeKey accepts of a database row, encoding/json reads
// the same. The seeds are each key of the sample state as rotatetui writes it, and as
// PostgreSQL's jsonb prints it back (a space after each colon and comma).
func FuzzDecodeKey(f *testing.F) {
	st := New()
	for _, c := range sampleChanges() {
		if _, err := c.Apply(st); err != nil {
			f.Fatal(err)
		}
	}
	for _, ks := range st.Keys {
		data := rowJSON(f, ks)
		f.Add(data)
		f.Add(bytes.ReplaceAll(bytes.ReplaceAll(data, []byte(`":`), []byte(`": `)), []byte(`,"`), []byte(`, "`)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastDecodeKey(data)
		if !ok {
			return
		}
		want := new(KeyState)
		if err := decodeStrict(data, want, true); err != nil {
			t.Fatalf("fastDecodeKey accepted %q, which encoding/json refuses: %v", data, err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("fastDecodeKey of %q:\n%+v\nencoding/json:\n%+v", data, fast, want)
		}
	})
}

// TestFastDecodeKeyReadsJSONBRows: a row as jsonb prints it takes the fast path.
func TestFastDecodeKeyReadsJSONBRows(t *testing.T) {
	st := New()
	for _, c := range sampleChanges() {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	for id, ks := range st.Keys {
		data := rowJSON(t, ks)
		spaced := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte(`":`), []byte(`": `)), []byte(`,"`), []byte(`, "`))
		got, ok := fastDecodeKey(spaced)
		if !ok || !reflect.DeepEqual(got, ks) {
			t.Errorf("%s: fast path %v, got %+v, want %+v", id, ok, got, ks)
		}
	}
}

// rowJSON is ks as the database store writes it into its row: JSON without HTML
// escapes, as jsonb also prints it back.
func rowJSON(t testing.TB, ks *KeyState) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ks); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b.Bytes())
}
