package catalog

import (
	"strings"
)

// keysscan.go finds the [[keys]] tables of a file by its lines, for problem positions
// and for rewriting the file key by key (keysedit.go). The TOML decoder keeps
// positions to itself, so, as scanPositions does for sources, this reads the file's
// shape: table headers and "key =" lines, skipping multi-line strings.

// keyPositions is where one [[keys]] table and its fields are written, 1-based.
type keyPositions struct {
	header position
	fields map[string]position // "owner", "values", "values.account" (in an inline or sub-table)
}

// of is the position of field, else of its parent ("values" for "values.account"),
// else of the table's header.
func (kp *keyPositions) of(field string) (line, col int) {
	for f := field; f != ""; {
		if pos, ok := kp.fields[f]; ok {
			return pos.line, pos.col
		}
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return kp.header.line, kp.header.col
}

// keyBlock is one [[keys]] table as lines of the file (0-based indexes into them).
type keyBlock struct {
	keyPositions
	start int               // the header's line
	spans map[string][2]int // each field of the table itself: its first and last line
	last  int               // the last line of the table's own fields; start when none
	// odd: a line of the table's own part is no "key =" line nor a multi-line string
	// (a multi-line array, say), so lines cannot be inserted after last safely.
	odd       bool
	subtables bool // a [keys.NAME] table follows the header's fields
}

// scanKeyBlocks returns the [[keys]] tables of data in order, and the positions of
// the top-level keys (those before any table header).
func scanKeyBlocks(data []byte) (blocks []keyBlock, top map[string]position) {
	s := keyScan{top: map[string]position{}, cur: -1}
	for n, line := range strings.Split(string(data), "\n") {
		s.line(n, line)
	}
	return s.blocks, s.top
}

// keyScan is the state of scanKeyBlocks between lines.
type keyScan struct {
	blocks     []keyBlock
	top        map[string]position
	cur        int    // index of the [[keys]] table being read; -1 outside any
	sub        string // the [keys.NAME] sub-table being read, "" in the table itself
	seenHeader bool
	multiline  string // the quotes that end the multi-line string being skipped
	spanField  string // the field of the table whose multi-line value is being skipped
}

// line reads line n of the file (0-based).
func (s *keyScan) line(n int, line string) {
	if s.multiline != "" {
		s.inMultiline(n, line)
		return
	}
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "" || trimmed[0] == '#':
		return
	case trimmed[0] == '[':
		s.header(n, line, trimmed)
		return
	}
	m := keyLine().FindStringSubmatchIndex(line)
	if m == nil {
		if s.cur >= 0 && s.sub == "" {
			s.blocks[s.cur].odd = true
		}
		return
	}
	s.field(n, line, m[2], m[3], m[1])
	s.startsMultiline(line[m[1]:])
}

// inMultiline reads a line of the multi-line string being skipped: the string may end
// on it, and the field whose value it is spans it.
func (s *keyScan) inMultiline(n int, line string) {
	if strings.Count(line, s.multiline)%2 == 1 {
		s.multiline = ""
	}
	if s.spanField != "" {
		b := &s.blocks[s.cur]
		b.spans[s.spanField] = [2]int{b.spans[s.spanField][0], n}
		b.last = n
	}
}

// field records the key written at line[keyStart:keyEnd] of line n, whose value starts
// at valueAt, where it belongs: the top level (before any table header), the
// sub-table being read, or the [[keys]] table itself.
func (s *keyScan) field(n int, line string, keyStart, keyEnd, valueAt int) {
	key := strings.Trim(line[keyStart:keyEnd], `"'`)
	pos := position{n + 1, keyStart + 1}
	s.spanField = ""
	switch {
	case s.cur < 0:
		if !s.seenHeader {
			s.top[key] = pos
		}
	case s.sub != "":
		s.blocks[s.cur].fields[s.sub+"."+key] = pos
	default:
		b := &s.blocks[s.cur]
		b.fields[key] = pos
		b.spans[key] = [2]int{n, n}
		b.last = n
		s.spanField = key
		inlinePositions(b.fields, key, line, valueAt)
	}
}

// startsMultiline notes a multi-line string that value opens and leaves open: the
// lines up to its end are skipped, and the field it is the value of spans them.
func (s *keyScan) startsMultiline(value string) {
	for _, q := range []string{`"""`, `'''`} {
		if strings.Count(value, q)%2 == 1 {
			s.multiline = q
		}
	}
	if s.multiline == "" {
		s.spanField = ""
	}
}

// header reads a table header line.
func (s *keyScan) header(n int, line, trimmed string) {
	s.seenHeader = true
	indent := len(line) - len(strings.TrimLeft(line, " \t"))
	array := strings.HasPrefix(trimmed, "[[")
	name := strings.TrimLeft(trimmed, "[")
	if end := strings.IndexByte(name, ']'); end >= 0 {
		name = name[:end]
	}
	name = strings.TrimSpace(name)
	switch {
	case array && name == "keys":
		s.blocks = append(s.blocks, keyBlock{
			keyPositions: keyPositions{header: position{n + 1, indent + 1}, fields: map[string]position{}},
			start:        n, last: n, spans: map[string][2]int{},
		})
		s.cur, s.sub = len(s.blocks)-1, ""
	case s.cur >= 0 && strings.HasPrefix(name, "keys."):
		s.sub = strings.TrimPrefix(name, "keys.")
		b := &s.blocks[s.cur]
		b.subtables = true
		b.fields[s.sub] = position{n + 1, indent + 1}
	default:
		s.cur, s.sub = -1, ""
	}
}

// inlinePositions records where the names of an inline table value (values = {
// account = "x" }) are written, as "values.account". Only for problem reports: a name
// it misses is reported at its field's line.
func inlinePositions(fields map[string]position, key, line string, from int) {
	open := strings.IndexByte(line[from:], '{')
	if open < 0 {
		return
	}
	start := from + open
	lineNo := fields[key].line
	for _, m := range inlineName().FindAllStringSubmatchIndex(line[start:], -1) {
		name := strings.Trim(line[start+m[2]:start+m[3]], `"'`)
		fields[key+"."+name] = position{lineNo, start + m[2] + 1}
	}
}

// inlineName finds each `name =` of an inline table: after its "{" or a ",".
var inlineName = lazyRegexp(`[{,]\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=`)
