package catalog

// The TOML decoder copies a key's whole path for every key and table it reads, so its
// memory grows with the square of how deep a file nests: one dotted key of 200 KB
// (a.a.a.…), or 200 KB of inline tables inside inline tables, takes it to tens of
// gigabytes. No catalog needs more than a few levels:
//
//	sources = [{ id = "x", steps = [{ text = "…" }] }]   # 4 arrays and tables deep
//	[[sources.steps]]                                     # text is 3 keys deep
//
// So before a file reaches the decoder, checkShape reads its shape in one pass, without
// building anything, and refuses a file deeper than maxNesting or whose key paths are
// longer than maxKeyPath. Below those limits the decoder's work per key is bounded, so
// its memory stays proportional to the file. The fast decoder (fastdecode.go) takes
// only headers of two keys and flat values, so only what falls back is checked.

const (
	// maxNesting is how many arrays and inline tables may be open at once.
	maxNesting = 8
	// maxKeyPath is how many keys a value may be under, counting its table header's,
	// its own dotted key's and those of the inline tables it is in.
	maxKeyPath = 8
)

// shapeScan is checkShape's state. Its grammar is TOML's, as far as brackets, keys and
// strings go: enough to count exactly what the decoder would nest. On a file that is
// not TOML it stops counting where the decoder will stop with a syntax error.
type shapeScan struct {
	data    []byte
	i       int
	header  int     // keys in the current table header
	open    []level // arrays and inline tables open in the current value
	pending int     // keys of the key just read, for the array or table that is its value
}

// level is one open array ('[') or inline table ('{') and the keys it added to the path.
type level struct {
	bracket byte
	keys    int
}

// checkShape returns the offset of the first place data nests deeper than the limits,
// with what is wrong there; ok is true for a file within them.
func checkShape(data []byte) (offset int, msg string, ok bool) {
	s := shapeScan{data: data}
	for s.i < len(s.data) {
		if offset, msg, bad := s.statement(); bad {
			return offset, msg, false
		}
	}
	return 0, "", true
}

// path is how many keys the current position is under.
func (s *shapeScan) path() int {
	n := s.header
	for _, l := range s.open {
		n += l.keys
	}
	return n
}

// statement reads one top-level line: a header, a key and its value, or nothing.
func (s *shapeScan) statement() (offset int, msg string, bad bool) {
	s.blanks(false)
	if s.i >= len(s.data) {
		return 0, "", false
	}
	switch s.data[s.i] {
	case '\n':
		s.i++
	case '#':
		s.comment()
	case '[':
		return s.tableHeader()
	default:
		start := s.i
		keys, ok := s.key()
		if !ok {
			s.skipLine() // not TOML: the decoder stops here
			return 0, "", false
		}
		if s.header+keys > maxKeyPath {
			return start, keyPathMsg, true
		}
		s.pending = keys
		return s.value()
	}
	return 0, "", false
}

const (
	keyPathMsg = "keys nested more than 8 deep (a catalog needs 3: sources.steps.text)"
	nestingMsg = "arrays and inline tables nested more than 8 deep (a catalog needs 4: sources = [{ steps = [{ … }] }])"
)

// tableHeader reads [a.b] or [[a.b]].
func (s *shapeScan) tableHeader() (offset int, msg string, bad bool) {
	start := s.i
	s.i++
	if s.i < len(s.data) && s.data[s.i] == '[' {
		s.i++
	}
	keys, ok := s.key()
	if ok && keys > maxKeyPath {
		return start, keyPathMsg, true
	}
	s.header = keys
	s.skipLine()
	return 0, "", false
}

// value reads a value up to the end of its line, or of the last line of the arrays and
// inline tables it opens.
func (s *shapeScan) value() (offset int, msg string, bad bool) {
	for s.i < len(s.data) {
		switch c := s.data[s.i]; c {
		case '"', '\'':
			end := stringEnd(s.data, s.i)
			if end < 0 {
				s.i = len(s.data) // an unterminated string: the decoder stops here
				return 0, "", false
			}
			s.i = end
		case '#':
			s.comment()
		case '\n':
			s.i++
			if len(s.open) == 0 {
				return 0, "", false
			}
		case '[', '{':
			if offset, msg, bad := s.openLevel(c); bad {
				return offset, msg, true
			}
		case ']', '}':
			s.closeLevel()
		case ',':
			if offset, msg, bad := s.nextEntry(); bad {
				return offset, msg, true
			}
		default:
			s.i++
		}
	}
	return 0, "", false
}

// openLevel enters the array or inline table that c, at s.i, opens: one level deeper,
// under the key that was pending. An inline table's first key follows at once.
func (s *shapeScan) openLevel(c byte) (offset int, msg string, bad bool) {
	if len(s.open) == maxNesting {
		return s.i, nestingMsg, true
	}
	s.open = append(s.open, level{c, s.pending})
	s.pending = 0
	s.i++
	if c == '{' {
		return s.inlineKey()
	}
	return 0, "", false
}

// closeLevel leaves the innermost array or inline table. A stray closer is the
// decoder's to report.
func (s *shapeScan) closeLevel() {
	if len(s.open) > 0 {
		s.open = s.open[:len(s.open)-1]
	}
	s.pending = 0
	s.i++
}

// nextEntry moves past a comma; in an inline table, the next entry's key follows.
func (s *shapeScan) nextEntry() (offset int, msg string, bad bool) {
	s.pending = 0
	s.i++
	if n := len(s.open); n > 0 && s.open[n-1].bracket == '{' {
		return s.inlineKey()
	}
	return 0, "", false
}

// inlineKey reads the key of an inline table's next entry, if there is one, leaving
// its value to value.
func (s *shapeScan) inlineKey() (offset int, msg string, bad bool) {
	s.blanks(true)
	if s.i >= len(s.data) || s.data[s.i] == '}' {
		return 0, "", false
	}
	start := s.i
	keys, ok := s.key()
	if ok && s.path()+keys > maxKeyPath {
		return start, keyPathMsg, true
	}
	s.pending = keys
	return 0, "", false
}

// key reads a dotted key and the '=' or ']' after it, and counts its parts. ok is false
// when what is there is not a key.
func (s *shapeScan) key() (parts int, ok bool) {
	for {
		s.blanks(false)
		if s.i >= len(s.data) {
			return parts, false
		}
		if c := s.data[s.i]; c == '"' || c == '\'' {
			end := stringEnd(s.data, s.i)
			if end < 0 {
				return parts, false
			}
			s.i = end
		} else {
			start := s.i
			for s.i < len(s.data) && !isKeyEnd(s.data[s.i]) {
				s.i++
			}
			if s.i == start {
				return parts, false
			}
		}
		parts++
		s.blanks(false)
		if s.i >= len(s.data) {
			return parts, false
		}
		switch s.data[s.i] {
		case '.':
			s.i++
		case '=', ']':
			s.i++
			return parts, true
		default:
			return parts, false
		}
	}
}

// isKeyEnd reports the bytes that end a bare key. Bytes a bare key may not hold are
// taken as part of it: the decoder refuses them, and counting them changes nothing.
func isKeyEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '.', '=', '[', ']', '{', '}', ',', '#', '"', '\'':
		return true
	}
	return false
}

// blanks skips spaces and tabs, and newlines and comments too when newlines is set.
func (s *shapeScan) blanks(newlines bool) {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r':
			s.i++
		case '\n':
			if !newlines {
				return
			}
			s.i++
		case '#':
			if !newlines {
				return
			}
			s.comment()
		default:
			return
		}
	}
}

// comment skips a comment, up to its line's end.
func (s *shapeScan) comment() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
}

// skipLine skips the rest of a line, outside strings.
func (s *shapeScan) skipLine() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		if c := s.data[s.i]; c == '"' || c == '\'' {
			if end := stringEnd(s.data, s.i); end > 0 {
				s.i = end
				continue
			}
		}
		if s.data[s.i] == '#' {
			s.comment()
			return
		}
		s.i++
	}
}
