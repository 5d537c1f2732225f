package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/rotatetui/rotatetui/catalog"
)

// printable.go keeps what rotatetui prints inert: messages echo file names and values
// from the command line, from files and from catalogs, all untrusted, so every byte
// written to stderr, and to stdout but for JSON, goes through catalog.Printable, the
// step catalog text goes through on screen. JSON is escaped instead (escapeJSONControls),
// so it still means what it meant.

// printableWriter passes text on to w with everything that could drive a terminal made
// visible and inert (catalog.Printable). The start of a character that a Write leaves
// incomplete is held until the next Write, or Flush, completes it.
type printableWriter struct {
	w       io.Writer
	mu      sync.Mutex // a slow-start notice may be written from a timer
	pending []byte
}

func newPrintableWriter(w io.Writer) *printableWriter { return &printableWriter{w: w} }

// Write writes b made printable; it reports len(b) when that is written.
func (p *printableWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	data := b
	if len(p.pending) > 0 {
		data = append(p.pending, b...)
		p.pending = nil
	}
	cut := incompleteTail(data)
	if cut < len(data) {
		p.pending = append([]byte(nil), data[cut:]...)
	}
	if _, err := io.WriteString(p.w, catalog.Printable(string(data[:cut]))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Flush writes what is held of an incomplete character (as U+FFFD).
func (p *printableWriter) Flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return nil
	}
	s := string(p.pending)
	p.pending = nil
	_, err := io.WriteString(p.w, catalog.Printable(s))
	return err
}

// incompleteTail is where a UTF-8 character that b ends before its end starts, or
// len(b). Invalid bytes are not held: they are invalid whatever follows.
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// terminalOf is the terminal w writes to, through a printableWriter or not; nil when
// it is not a terminal.
func terminalOf(w io.Writer) *os.File {
	if p, ok := w.(*printableWriter); ok {
		w = p.w
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return f
	}
	return nil
}

// escapeJSONControls rewrites, in JSON that encoding/json wrote, the characters it
// leaves raw although a terminal obeys them or they reorder text, as \u escapes: DEL,
// the C1 controls (U+0080–U+009F, among them the one-character CSI U+009B) and the
// bidirectional controls. The JSON means exactly what it did: such characters can only
// be inside its strings.
func escapeJSONControls(b []byte) []byte {
	if bytes.IndexByte(b, 0x7f) < 0 && bytes.IndexByte(b, 0xc2) < 0 && bytes.IndexByte(b, 0xe2) < 0 {
		return b // nothing to escape: no DEL, and no first byte of the others
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if escapedInJSON(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// escapedInJSON reports whether escapeJSONControls escapes r: DEL, a C1 control or a
// bidirectional control (encoding/json escapes the C0 controls itself).
func escapedInJSON(r rune) bool {
	return r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
