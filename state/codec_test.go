package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A broken state file is reported where an editor would show it: line and column.
func TestBadFileNamesLineAndColumn(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"syntax", "{\n  \"version\": 1,\n  \"sources\": {\n    \"snowflake\": {\"current\": nul}\n  }\n}\n",
			"invalid character '}' in literal null (expecting 'l') at line 4, column 33 (byte 65)"},
		{"column in characters, not bytes", "{\"version\": 1, \"sources\": {\"é\": nul}}",
			"at line 1, column 36 (byte 36)"},
		{"wrong shape", "{\"version\": 1,\n \"sources\": {\"a\": {\"current\": 5}}}",
			"is a JSON number at line 2, column 32"},
		{"data after the value", "{\"version\": 1}\n\n  {}",
			"unexpected data after the top-level value at line 3, column 3 (byte 18)"},
		{"truncated", "{\"version\": 1,\n \"sources\": {",
			"unexpected end of input at line 2, column 14 (byte 28) (truncated?)"},
		{"bad UTF-8", "{\"version\": 1,\n \"x\": \"\xff\"}",
			"not valid UTF-8 at line 2, column 8 (byte 22)"},
		{"syntax (v2)", "{\n  \"version\": 2,\n  \"keys\": {\n    \"snowflake/prod\": {\"current\": nul}\n  }\n}\n",
			"invalid character '}' in literal null (expecting 'l') at line 4, column 38 (byte 67)"},
		{"wrong shape (v2)", "{\"version\": 2,\n \"keys\": {\"a/b\": {\"current\": 5}}}",
			"wrong shape: keys.current is a JSON number at line 2, column 31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := NewStore(path).Load()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("got %v\nwant %s: …%s", err, path, tt.want)
			}
		})
	}
}

// TestDuplicateKeysRefused: a key given twice is refused, not merged. encoding/json
// would keep the last copy (a completed rotation and its note in the first would be
// dropped at the next save) and read "Sources" as "sources". The refusal names both
// places; the file is left as it is.
func TestDuplicateKeysRefused(t *testing.T) {
	const done = `{"started_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","finished_at":"2026-01-02T03:04:05Z","outcome":"completed","step_keys":["a"],"steps":{"a":{"checked_at":"2026-01-02T03:04:05Z","note":"evidence: TICKET-1"}}}`
	tests := []struct {
		name, content, want string
	}{
		{"source twice", "{\"version\": 1, \"sources\": {\n  \"adjust\": {\"history\": [" + done + "]},\n  \"adjust\": {}\n}}",
			`key "adjust" given twice, at line 2, column 3 (byte 30) and at line 3, column 3 (byte `},
		{"field in another case beside it", "{\"version\": 1, \"sources\": {},\n \"Sources\": {\"adjust\": {}}}",
			`key "Sources" given twice, as "sources" at line 1, column 16 (byte 15) and as "Sources" at line 2, column 2 (byte 31)`},
		{"field in another case alone", "{\"version\": 1,\n \"Sources\": {}}",
			`key "Sources" at line 2, column 2 (byte 16): write it "sources"`},
		// Written as encoding/json folds it: as wrong as any other case.
		{"field in capitals", "{\"version\": 1,\n \"SOURCES\": {}}",
			`key "SOURCES" at line 2, column 2 (byte 16): write it "sources"`},
		{"field of a step in capitals", `{"version": 1, "sources": {"a": {"current": ` + rot + `, "steps": {"x": {"NOTE": "one"}}}}}}`,
			`key "NOTE" at line 1, column `},
		{"version twice, once escaped", `{"version": 1, "versio\u006e": 1, "sources": {}}`,
			`key "version" given twice, at line 1, column 2 (byte 1) and at line 1, column 16 (byte 15)`},
		{"step twice", `{"version": 1, "sources": {"a": {"current": ` + rot + `, "steps": {"x": {"note": "one"}, "x": {"note": "two"}}}}}}`,
			`key "x" given twice`},
		{"placeholder twice", `{"version": 1, "sources": {"a": {"placeholders": {"org": "acme", "org": "evil"}}}}`,
			`key "org" given twice`},
		{"field of a step twice", `{"version": 1, "sources": {"a": {"current": ` + rot + `, "steps": {"x": {"note": "one", "Note": "two"}}}}}}`,
			`key "Note" given twice, as "note"`},
		{"current twice", `{"version": 1, "sources": {"a": {"current": ` + rot + `}, "current": ` + rot + `}}}}`,
			`key "current" given twice`},
		{"key twice (v2)", "{\"version\": 2, \"keys\": {\n  \"adjust/app\": {\"history\": [" + done + "]},\n  \"adjust/app\": {}\n}}",
			`key "adjust/app" given twice, at line 2, column 3 (byte 27) and at line 3, column 3 (byte `},
		{"field in another case beside it (v2)", "{\"version\": 2, \"keys\": {},\n \"Keys\": {\"adjust\": {}}}",
			`key "Keys" given twice, as "keys" at line 1, column 16 (byte 15) and as "Keys" at line 2, column 2 (byte 28)`},
		{"field in another case alone (v2)", "{\"version\": 2,\n \"KEYS\": {}}",
			`key "KEYS" at line 2, column 2 (byte 16): write it "keys"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, path := newTestStore(t)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			err := checkRefused(t, store, tt.name)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v\nwant …%s…", err, tt.want)
			}
		})
	}
}

// TestMapKeysDifferingInCaseAreDistinct: keys of a map (source ids, step keys,
// placeholder names) are compared exactly, as encoding/json keeps them.
func TestMapKeysDifferingInCaseAreDistinct(t *testing.T) {
	in := `{"version": 1, "sources": {"a": {"placeholders": {"org": "x", "Org": "y"}}, "A": {}}}`
	st, _, err := decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Keys) != 2 || len(st.Keys["a"].Placeholders) != 2 {
		t.Errorf("decoded %+v", st.Keys)
	}
}

// TestDuplicateKeyInRescueFileRefused: a rescue file is read as strictly.
func TestDuplicateKeyInRescueFileRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json.rescue-x.json")
	in := `{"state_file": "/a/state.json", "written_at": "2026-01-02T03:04:05Z", "changes": [{"kind": "check", "source": "a", "Source": "b", "step": "s", "at": "2026-01-02T03:04:05Z"}]}`
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadRescue(path)
	if err == nil || !strings.Contains(err.Error(), `key "Source" given twice, as "source" at line 1, column 101 (byte 100) and as "Source" at line 1, column 116`) {
		t.Fatalf("err = %v", err)
	}
}
