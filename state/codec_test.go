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
