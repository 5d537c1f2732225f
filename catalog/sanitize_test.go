package catalog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile is a corpus of terminal attacks that catalog or note text could carry.
var hostile = map[string]string{
	"CSI clear screen":  "Step\x1b[2J\x1b[Hgone",
	"OSC 0 title":       "\x1b]0;pwned\x07Click",
	"OSC 8 link":        "\x1b]8;;https://evil.example/\x1b\\Docs\x1b]8;;\x1b\\",
	"OSC 52 clipboard":  "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07Copy",
	"DCS":               "\x1bP+q544e\x1b\\text",
	"raw C1 CSI":        "Step\u009b2Jgone",
	"CR overwrite":      "rm -rf ~\rls -la   ",
	"RLO bidi override": "Delete \u202Eyek dlo\u202C key",
	"isolate":           "a\u2066b\u2069c",
	"DEL and BEL":       "a\x7fb\x07c",
	"invalid UTF-8":     "a\xff\xfeb",
}

// AssertTerminalSafe fails when s holds anything but printable text, newlines and tabs.
func assertTerminalSafe(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8 in %q", what, s)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0) || isBidiControl(r) {
			t.Errorf("%s: raw control %U survives in %q", what, r, s)
		}
	}
}

func TestPrintableNeutralisesHostileText(t *testing.T) {
	for name, in := range hostile {
		t.Run(name, func(t *testing.T) {
			out := Printable(in)
			assertTerminalSafe(t, name, out)
			if out == in {
				t.Errorf("unchanged: %q", in)
			}
		})
	}
	if got := Printable("Step\x1b[2J"); got != "Step^[[2J" {
		t.Errorf("ESC should show as ^[, got %q", got)
	}
	if got := Printable("a\u009bb"); got != "aM-^[b" {
		t.Errorf("C1 CSI should show as M-^[, got %q", got)
	}
	if got := Printable("x\u202Ey"); got != "x<U+202E>y" {
		t.Errorf("RLO should be made visible, got %q", got)
	}
}

func TestPrintableKeepsOrdinaryText(t *testing.T) {
	for _, s := range []string{"", "Navigate to System → Integrations.", "line one\nline two\tend", "SYSTEM$SHOW('x');", "日本語 ✓"} {
		if got := Printable(s); got != s {
			t.Errorf("Printable(%q) = %q", s, got)
		}
	}
	if got := PrintableLine("a\nb\tc"); got != "a b c" {
		t.Errorf("PrintableLine = %q", got)
	}
}

func TestParsedCatalogTextIsTerminalSafe(t *testing.T) {
	var b strings.Builder
	b.WriteString("title = \"t\"\n")
	i := 0
	for _, s := range hostile {
		if !utf8.ValidString(s) {
			continue // invalid UTF-8 is refused by Parse, tested elsewhere
		}
		q := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\x1b", `\u001b`, "\x07", `\u0007`, "\r", `\r`, "\x7f", `\u007f`, "\u009b", `\u009b`).Replace(s)
		b.WriteString("[[sources]]\nid = \"s" + string(rune('a'+i)) + "\"\nname = \"" + q + "\"\naliases = [\"" + q + "\"]\nnote = \"" + q + "\"\n")
		b.WriteString("[[sources.steps]]\ntext = \"" + q + "\"\ncommand = \"" + q + "\"\n")
		i++
	}
	c, err := Parse("hostile.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for _, s := range c.Sources {
		assertTerminalSafe(t, "name", s.Name)
		assertTerminalSafe(t, "note", s.Note)
		for _, a := range s.Aliases {
			assertTerminalSafe(t, "alias", a)
		}
		for _, st := range s.Steps {
			assertTerminalSafe(t, "text", st.Text)
			assertTerminalSafe(t, "command", st.Command)
		}
		if strings.ContainsAny(s.Name, "\n\t") {
			t.Errorf("name keeps a line break: %q", s.Name)
		}
	}
}
