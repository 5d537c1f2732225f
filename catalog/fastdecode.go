package catalog

import (
	"strconv"
	"unicode/utf8"
)

// Catalogs generated from an inventory are long runs of the same few lines:
//
//	[[sources]]
//	id = "s1"
//	aliases = ["a", "b"]
//	[[sources.steps]]
//	text = "Log in."
//
// The TOML decoder spends most of a large catalog's first load on its general
// machinery: a lexer that hands tokens over a channel, key contexts, type tracking. So
// that subset is read here first, into the values the decoder would return (as fields
// rather than maps, see fields), and anything outside it is left to the decoder: a
// piece of a catalog either comes back exactly as toml.Decode would read it, or not at
// all. A differential test and a fuzz target hold this against the decoder. Strings
// without escapes are slices of one copy of the text, not one allocation each.
//
// The subset: blank lines and comments; top-level keys; [[sources]] and
// [[sources.steps]] headers written exactly so; bare keys; and values that are basic
// strings (with the TOML 1.0 escapes), literal strings, decimal integers, booleans and
// one-line arrays of strings. Anything else (other tables, multi-line strings or
// arrays, dotted or quoted keys, other escapes, a key given twice, a control character,
// a byte order mark, a carriage return not before a newline) is left to the decoder,
// which also reports every problem.

// fastDecode decodes data if it is within the subset above; ok is false otherwise.
func fastDecode(data []byte) (raw fields, ok bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	d := fastDecoder{data: data, text: string(data)}
	for d.pos < len(d.data) {
		if !d.line() {
			return nil, false
		}
	}
	d.endSource()
	if len(d.sources) > 0 {
		d.root = append(d.root, field{"sources", d.sources})
	}
	if d.root == nil {
		d.root = fields{} // an empty document is still a document
	}
	return d.root, true
}

type fastDecoder struct {
	data []byte
	text string // the same as data: strings are slices of it
	pos  int

	// The tables so far. A table's fields are appended to while it is current, then
	// stored in its parent: the root, the sources, a source's steps.
	level   int // atRoot, inSource or inStep
	root    fields
	sources []fields
	source  fields
	steps   []fields
	step    fields
}

const (
	atRoot = iota
	inSource
	inStep
)

// current is the table keys go to.
func (d *fastDecoder) current() *fields {
	switch d.level {
	case inSource:
		return &d.source
	case inStep:
		return &d.step
	}
	return &d.root
}

// endStep stores the current step in its source's steps.
func (d *fastDecoder) endStep() {
	if d.level == inStep {
		d.steps = append(d.steps, d.step)
		d.step, d.level = nil, inSource
	}
}

// endSource stores the current source, with its steps, in the sources.
func (d *fastDecoder) endSource() {
	d.endStep()
	if d.level == inSource {
		if d.steps != nil {
			d.source = append(d.source, field{"steps", d.steps})
		}
		d.sources = append(d.sources, d.source)
		d.source, d.steps, d.level = nil, nil, atRoot
	}
}

// line reads one line, with its end.
func (d *fastDecoder) line() bool {
	d.spaces()
	if d.pos == len(d.data) {
		return true
	}
	switch c := d.data[d.pos]; {
	case c == '\n' || c == '\r' || c == '#':
	case c == '[':
		if !d.header() {
			return false
		}
	case isBareKeyByte(c):
		if !d.keyValue() {
			return false
		}
	default:
		return false
	}
	return d.end()
}

// end reads what may follow on a line: spaces, a comment, then the line's end.
func (d *fastDecoder) end() bool {
	d.spaces()
	if d.pos < len(d.data) && d.data[d.pos] == '#' {
		for d.pos++; d.pos < len(d.data) && d.data[d.pos] != '\n' && d.data[d.pos] != '\r'; d.pos++ {
			if isControl(d.data[d.pos]) {
				return false
			}
		}
	}
	switch {
	case d.pos == len(d.data):
		return true
	case d.data[d.pos] == '\n':
		d.pos++
		return true
	case d.data[d.pos] == '\r' && d.pos+1 < len(d.data) && d.data[d.pos+1] == '\n':
		d.pos += 2
		return true
	}
	return false
}

func (d *fastDecoder) spaces() {
	for d.pos < len(d.data) && (d.data[d.pos] == ' ' || d.data[d.pos] == '\t') {
		d.pos++
	}
}

func (d *fastDecoder) consume(s string) bool {
	if len(d.data)-d.pos >= len(s) && string(d.data[d.pos:d.pos+len(s)]) == s {
		d.pos += len(s)
		return true
	}
	return false
}

// header reads [[sources]] or [[sources.steps]], exactly so.
func (d *fastDecoder) header() bool {
	switch {
	case d.consume("[[sources]]"):
		if _, given := d.root.get("sources"); given {
			return false // "sources" was a key of its own
		}
		d.endSource()
		d.source, d.level = make(fields, 0, 8), inSource
	case d.consume("[[sources.steps]]"):
		if d.level == atRoot {
			return false
		}
		d.endStep()
		if _, given := d.source.get("steps"); given {
			return false // "steps" was a key of its own
		}
		if d.steps == nil {
			d.steps = make([]fields, 0, 4)
		}
		d.step, d.level = make(fields, 0, 4), inStep
	default:
		return false
	}
	return true
}

// keyValue reads key = value into the current table.
func (d *fastDecoder) keyValue() bool {
	start := d.pos
	for d.pos < len(d.data) && isBareKeyByte(d.data[d.pos]) {
		d.pos++
	}
	key := d.text[start:d.pos]
	d.spaces()
	if !d.consume("=") {
		return false
	}
	d.spaces()
	table := d.current()
	if _, dup := table.get(key); dup {
		return false
	}
	v, ok := d.value()
	if !ok {
		return false
	}
	*table = append(*table, field{key, v})
	return true
}

func (d *fastDecoder) value() (any, bool) {
	if d.pos == len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '"' || c == '\'':
		return d.str()
	case c == '[':
		return d.array()
	case c == 't' || c == 'f':
		switch {
		case d.consume("true"):
			return true, d.valueEnds()
		case d.consume("false"):
			return false, d.valueEnds()
		}
	case c == '-' || c >= '0' && c <= '9':
		return d.integer()
	}
	return nil, false
}

// valueEnds reports whether the value just read ends there, as in "true" but not
// "trueish".
func (d *fastDecoder) valueEnds() bool {
	if d.pos == len(d.data) {
		return true
	}
	switch d.data[d.pos] {
	case ' ', '\t', '\n', '\r', '#', ',', ']':
		return true
	}
	return false
}

// integer reads a decimal integer without sign, leading zeros or underscores (or a
// negative one), of up to 18 digits so it cannot overflow.
func (d *fastDecoder) integer() (any, bool) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	n := d.pos - digits
	if n == 0 || n > 18 || d.data[digits] == '0' && (n > 1 || digits > start) || !d.valueEnds() {
		return nil, false
	}
	v, err := strconv.ParseInt(d.text[start:d.pos], 10, 64)
	return v, err == nil
}

// array reads a one-line array of strings, a trailing comma allowed.
func (d *fastDecoder) array() (any, bool) {
	d.pos++ // [
	items := []any{}
	for {
		d.spaces()
		if d.pos == len(d.data) {
			return nil, false
		}
		if d.data[d.pos] == ']' {
			d.pos++
			return items, true
		}
		if c := d.data[d.pos]; c != '"' && c != '\'' {
			return nil, false
		}
		s, ok := d.str()
		if !ok {
			return nil, false
		}
		items = append(items, s)
		d.spaces()
		if d.pos < len(d.data) && d.data[d.pos] == ',' {
			d.pos++
		} else if d.pos == len(d.data) || d.data[d.pos] != ']' {
			return nil, false
		}
	}
}

// str reads a one-line basic or literal string.
func (d *fastDecoder) str() (any, bool) {
	quote := d.data[d.pos]
	if d.consume(`"""`) || d.consume(`'''`) {
		return nil, false // multi-line
	}
	d.pos++
	start := d.pos
	plain := true // no escapes: the bytes as they are (the input is valid UTF-8)
	for ; d.pos < len(d.data); d.pos++ {
		c := d.data[d.pos]
		switch {
		case c == quote:
			end := d.pos
			d.pos++
			if plain {
				return d.text[start:end], true
			}
			return unescape(d.data[start:end])
		case c == '\\' && quote == '"':
			plain = false
			d.pos++ // the escaped byte is checked by unescape; a quote there is not the end
		case isControl(c):
			return nil, false
		}
	}
	return nil, false
}

// unescape decodes a basic string's body with the TOML 1.0 escapes.
func unescape(text []byte) (any, bool) {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(text) {
			return nil, false
		}
		if e := basicEscapes[text[i]]; e != 0 {
			out = append(out, e)
			continue
		}
		var ok bool
		if out, i, ok = appendUnicodeEscape(out, text, i); !ok {
			return nil, false
		}
	}
	return string(out), true
}

// appendUnicodeEscape appends the character of the escape whose letter is text[i],
// \uXXXX or \UXXXXXXXX, and returns the index of its last hex digit. ok is false for
// any other letter, and for hex digits missing or naming no character.
func appendUnicodeEscape(out, text []byte, i int) (_ []byte, last int, ok bool) {
	var n int
	switch text[i] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return out, i, false
	}
	if i+n >= len(text) {
		return out, i, false
	}
	hex := text[i+1 : i+1+n]
	if !isHexDigits(hex) {
		return out, i, false
	}
	r, err := strconv.ParseUint(string(hex), 16, 32)
	if err != nil || !utf8.ValidRune(rune(r)) {
		return out, i, false
	}
	return utf8.AppendRune(out, rune(r)), i + n, true
}

// isHexDigits reports whether every byte of b is a hex digit.
func isHexDigits(b []byte) bool {
	for _, h := range b {
		if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
			return false
		}
	}
	return true
}

// basicEscapes maps the byte after a backslash to what it stands for, for the escapes
// of one character.
var basicEscapes = [256]byte{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\'}

func isBareKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// isControl reports the bytes TOML allows in neither strings nor comments.
func isControl(c byte) bool { return c < 0x20 && c != '\t' || c == 0x7f }
