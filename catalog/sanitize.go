package catalog

import (
	"strings"
	"unicode/utf8"
)

// Printable returns s with everything that could drive a terminal made visible and
// inert, so text from a shared catalog, a note or a placeholder can be printed safely:
//
//   - C0 controls and DEL become caret notation (ESC is "^[", BEL "^G", CR "^M");
//   - C1 controls (U+0080–U+009F, e.g. the one-byte CSI U+009B) become "M-" plus caret
//     notation, as `cat -v` prints them;
//   - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//     which can make text read differently from what it is, become "<U+202E>" and so on;
//   - invalid UTF-8 becomes U+FFFD.
//
// Only "\n" and "\t" keep their meaning. Strings that need no change are returned as
// they are, without allocating.
func Printable(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		i += size
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		case r == 0x7f:
			b.WriteString("^?")
		case r >= 0x80 && r < 0xa0:
			b.WriteString("M-^")
			b.WriteByte(byte(r-0x80) + '@')
		case isBidiControl(r):
			b.WriteString("<U+")
			b.WriteString(strings.ToUpper(hex4(r)))
			b.WriteString(">")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PrintableLine is Printable for places that hold one line: line breaks and tabs become
// spaces too, so a name cannot push the rest of a row onto another line.
func PrintableLine(s string) string {
	s = Printable(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	}
	return s
}

// isPrintable reports text that Printable can return as it is (a U+FFFD sends it the
// long way, which keeps it too). Most text is ASCII, so that is checked byte by byte,
// and only from its first other byte is it decoded.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnprintableASCII(rune(c)) {
			return false
		}
		if c >= 0x80 {
			return isPrintableUnicode(s[i:])
		}
	}
	return true
}

// isPrintableUnicode is isPrintable's slow path: valid UTF-8 without C0, C1 or bidi
// controls.
func isPrintableUnicode(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r >= 0x80 && r < 0xa0 || isBidiControl(r) || isUnprintableASCII(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// isUnprintableASCII reports the ASCII controls, C0 and DEL, but for line breaks and
// tabs, which Printable keeps.
func isUnprintableASCII(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&0xf], digits[r>>8&0xf], digits[r>>4&0xf], digits[r&0xf]})
}
