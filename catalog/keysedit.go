package catalog

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// keysedit.go rewrites a keys file key by key, as text: a changed field's line is
// replaced, a new field's inserted after its table's last field, a new key appended;
// every other byte (comments, blank lines, the order and the spelling of everything
// else) stays as it was. A file whose [[keys]] tables cannot all be found by their
// lines is refused rather than rewritten, and every result is parsed again and must
// say exactly what was asked.

// KeysEdit is a keys file being changed. Make one with EditKeys.
type KeysEdit struct {
	name   string
	data   []byte
	keys   []Key            // as the file holds them
	want   []Key            // as they are to be
	blocks []keyBlock       // keys[i]'s table is blocks[i]
	ops    map[int][]lineOp // the changes to the lines of blocks[i], from Update
	added  []Key            // appended, in order
	index  map[string]int   // keys[i] by id
}

// lineOp replaces lines[from:to] with text (an insertion when from == to).
type lineOp struct {
	from, to int
	text     []string
}

// NotRewritableError is a keys file that rotatetui cannot rewrite without risking
// what it holds; the person has to make the change by hand.
type NotRewritableError struct {
	File string
	Line int // where the trouble is; 0 for the file as a whole
	Why  string
}

func (e *NotRewritableError) Error() string {
	at := e.File
	if e.Line > 0 {
		at += ":" + strconv.Itoa(e.Line)
	}
	return fmt.Sprintf("%s: rotatetui cannot rewrite this keys file safely: %s; make the change by hand (the file was left as it is)", at, e.Why)
}

// EditKeys parses a keys file for editing. A file with problems returns the *Error
// ParseKeys does; one whose [[keys]] tables cannot be located by line (keys written as
// an inline array, say) a *NotRewritableError.
func EditKeys(name string, data []byte) (*KeysEdit, error) {
	keys, err := ParseKeys(name, data)
	if err != nil {
		return nil, err
	}
	blocks, _ := scanKeyBlocks(data)
	if len(blocks) != len(keys) {
		return nil, &NotRewritableError{File: name, Why: fmt.Sprintf("it holds %d keys but %d [[keys]] headers on lines of their own (keys given as an inline array, keys = [...], cannot be rewritten)", len(keys), len(blocks))}
	}
	e := &KeysEdit{name: name, data: data, keys: keys, blocks: blocks, ops: map[int][]lineOp{}, index: map[string]int{}}
	e.want = append([]Key(nil), keys...)
	for i, k := range keys {
		e.index[k.ID] = i
	}
	return e, nil
}

// Keys are the keys as the file holds them, before any change.
func (e *KeysEdit) Keys() []Key { return e.keys }

// Has reports whether the file, or an Add since, declares the id.
func (e *KeysEdit) Has(id string) bool {
	if _, ok := e.index[id]; ok {
		return true
	}
	for _, k := range e.added {
		if k.ID == id {
			return true
		}
	}
	return false
}

// Add appends a new key. Its id must be new to the file.
func (e *KeysEdit) Add(k Key) error {
	if e.Has(k.ID) {
		return fmt.Errorf("key %s is already in %s", k.ID, e.name)
	}
	e.added = append(e.added, k)
	return nil
}

// Update changes the fields of the file's key with k's id (all but source and name)
// to k's. A field that must change but is not written as one `field = ...` line of
// the key's own table (a [keys.tags] table, say) is refused with a
// *NotRewritableError, and then nothing of this update is kept.
func (e *KeysEdit) Update(k Key) error {
	i, ok := e.index[k.ID]
	if !ok {
		return fmt.Errorf("key %s is not in %s", k.ID, e.name)
	}
	old, b := e.keys[i], &e.blocks[i]
	var ops []lineOp
	var inserts []string
	for _, f := range keyFields[2:] {
		if fieldEqual(f, &old, &k) {
			continue
		}
		line, set := renderField(f, &k)
		span, written := b.spans[f]
		switch {
		case written && set:
			if span[0] == span[1] {
				line += e.trailingComment(span[0])
			}
			ops = append(ops, lineOp{span[0], span[1] + 1, []string{line}})
		case written:
			ops = append(ops, lineOp{span[0], span[1] + 1, nil})
		case !fieldEqual(f, &old, &Key{}):
			return &NotRewritableError{File: e.name, Line: b.header.line, Why: fmt.Sprintf("the %s of key %s are not written as one %q line of its [[keys]] table", f, k.ID, f+" = ...")}
		case b.odd:
			return &NotRewritableError{File: e.name, Line: b.header.line, Why: fmt.Sprintf("key %s's table has a line that is no \"key = value\" (a value over several lines?)", k.ID)}
		default:
			inserts = append(inserts, line)
		}
	}
	if len(inserts) > 0 {
		ops = append(ops, lineOp{b.last + 1, b.last + 1, inserts})
	}
	// Against the file as read: a second update of the key replaces the first.
	e.ops[i] = ops
	e.want[i] = k
	return nil
}

// Bytes returns the file with every change made, after checking that it parses to
// exactly the keys asked for.
func (e *KeysEdit) Bytes() ([]byte, error) {
	eol := "\n"
	if strings.Contains(string(e.data), "\r\n") {
		eol = "\r\n"
	}
	lines := strings.Split(string(e.data), "\n")
	var ops []lineOp
	for _, blockOps := range e.ops {
		ops = append(ops, blockOps...)
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].from > ops[j].from })
	for _, op := range ops {
		text := make([]string, len(op.text))
		for i, t := range op.text {
			text[i] = t + strings.TrimSuffix(eol, "\n")
		}
		lines = append(lines[:op.from], append(text, lines[op.to:]...)...)
	}
	out := strings.Join(lines, "\n")
	if len(e.added) > 0 {
		out = appendKeys(out, e.added, eol)
	}
	if err := e.verify([]byte(out)); err != nil {
		return nil, err
	}
	return []byte(out), nil
}

// appendKeys appends keys to a file's text, as [[keys]] tables each after a blank line.
func appendKeys(out string, keys []Key, eol string) string {
	var b strings.Builder
	b.WriteString(out)
	if out != "" && !strings.HasSuffix(out, "\n") {
		b.WriteString(eol)
	}
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteString(eol)
		}
		for _, line := range renderKey(&k) {
			b.WriteString(line + eol)
		}
	}
	return b.String()
}

// verify checks that out reads back as the keys asked for, in order.
func (e *KeysEdit) verify(out []byte) error {
	got, err := ParseKeys(e.name, out)
	if err != nil {
		return fmt.Errorf("the rewritten %s would not parse (nothing was written):\n%v", e.name, err)
	}
	want := append(append([]Key(nil), e.want...), e.added...)
	if len(got) != len(want) {
		return errors.New("the rewritten keys file would not hold the keys asked for (nothing was written)")
	}
	for i := range got {
		if !KeysEqual(&got[i], &want[i]) {
			return &NotRewritableError{File: e.name, Why: fmt.Sprintf("rewritten, key %s would not read back as asked", want[i].ID)}
		}
	}
	return nil
}

// KeysEqual reports whether a and b declare the same: id and every field (an empty
// map is no map).
func KeysEqual(a, b *Key) bool {
	if a.ID != b.ID || a.Source != b.Source || a.Name != b.Name {
		return false
	}
	for _, f := range keyFields[2:] {
		if !fieldEqual(f, a, b) {
			return false
		}
	}
	return true
}

// ChangedFields lists the fields (keys.toml names) in which b differs from a.
func ChangedFields(a, b *Key) []string {
	var out []string
	for _, f := range keyFields[2:] {
		if !fieldEqual(f, a, b) {
			out = append(out, f)
		}
	}
	return out
}

func fieldEqual(f string, a, b *Key) bool {
	switch f {
	case "owner":
		return a.Owner == b.Owner
	case "description":
		return a.Description == b.Description
	case "rotate_every":
		return a.RotateEvery == b.RotateEvery
	case "tags":
		return maps.Equal(a.Tags, b.Tags)
	case "values":
		return maps.Equal(a.Values, b.Values)
	case "retired":
		return a.Retired == b.Retired
	case "check_new":
		return a.CheckNew == b.CheckNew
	case "check_old":
		return a.CheckOld == b.CheckOld
	case "check_old_exit":
		return slices.Equal(a.CheckOldExit, b.CheckOldExit)
	}
	return true
}

// renderKey writes k as the lines of a [[keys]] table.
func renderKey(k *Key) []string {
	lines := []string{"[[keys]]", "source = " + tomlString(k.Source), "name = " + tomlString(k.Name)}
	for _, f := range keyFields[2:] {
		if line, set := renderField(f, k); set {
			lines = append(lines, line)
		}
	}
	return lines
}

// renderField writes field f of k as a TOML line; set is false when the field has its
// zero value, which is written by leaving the field out.
func renderField(f string, k *Key) (line string, set bool) {
	var value string
	switch f {
	case "owner":
		value = stringValue(k.Owner)
	case "description":
		value = stringValue(k.Description)
	case "rotate_every":
		value = stringValue(k.RotateEvery.String())
	case "tags":
		value = inlineTable(k.Tags)
	case "values":
		value = inlineTable(k.Values)
	case "retired":
		if k.Retired {
			value = "true"
		}
	case "check_new":
		value = stringValue(k.CheckNew)
	case "check_old":
		value = stringValue(k.CheckOld)
	case "check_old_exit":
		if len(k.CheckOldExit) > 0 {
			value = strings.ReplaceAll(fmt.Sprint(k.CheckOldExit), " ", ", ")
		}
	}
	if value == "" {
		return "", false
	}
	return f + " = " + value, true
}

func stringValue(s string) string {
	if s == "" {
		return ""
	}
	return tomlString(s)
}

// inlineTable writes m as { a = "x", b = "y" }, names in order; "" for an empty map.
// Names are bare keys: tag and placeholder names allow nothing else.
func inlineTable(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	parts := make([]string, 0, len(m))
	for _, name := range SortedKeys(m) {
		parts = append(parts, name+" = "+tomlString(m[name]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// trailingComment is the comment that ends line n of the file (with the blanks before
// it), or "": a replaced field keeps its comment.
func (e *KeysEdit) trailingComment(n int) string {
	lines := strings.Split(string(e.data), "\n")
	line := strings.TrimSuffix(lines[n], "\r")
	m := keyLine().FindStringIndex(line)
	if m == nil {
		return ""
	}
	i := m[1]
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	end := valueEnd(line, i)
	if end < 0 {
		return ""
	}
	if rest := line[end:]; strings.HasPrefix(strings.TrimLeft(rest, " \t"), "#") {
		return rest
	}
	return ""
}

// valueEnd is the offset just after the one-line TOML value that starts at line[i],
// or -1 when it cannot tell.
func valueEnd(line string, i int) int {
	if i >= len(line) {
		return -1
	}
	switch line[i] {
	case '"', '\'':
		return stringEnd([]byte(line), i)
	case '{':
		for j := i + 1; j < len(line); j++ {
			switch line[j] {
			case '"', '\'':
				end := stringEnd([]byte(line), j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '}':
				return j + 1
			}
		}
		return -1
	}
	end := strings.IndexAny(line[i:], " \t#")
	if end < 0 {
		return len(line)
	}
	return i + end
}
