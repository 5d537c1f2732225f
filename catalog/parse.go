package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Problem is one thing wrong with a catalog file, at a 1-based line and column.
type Problem struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

// Error is every problem found in one catalog file, in file order.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// The patterns are compiled on first use, not at start-up: the built-in catalog is
// compiled into the binary, so runs without a catalog file never parse anything.
var (
	slugPattern        = lazyRegexp(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	placeholderPattern = lazyRegexp(`\{([^{}]*)\}`)
	placeholderName    = lazyRegexp(`^[A-Za-z][A-Za-z0-9_-]*$`)
	derivedKeyPattern  = lazyRegexp(`^t-[0-9a-f]+(-[0-9]+)?$`)
)

// lazyRegexp returns a function that compiles expr the first time it is called and
// returns the same *regexp.Regexp from then on.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// LoadFile reads and parses one catalog file, which must be a regular file of at most
// DefaultMaxSize bytes (see ReadFile).
func LoadFile(path string) (*Catalog, error) {
	return LoadFileMax(path, DefaultMaxSize)
}

// Parse decodes and validates one catalog. name is used in problem reports. On failure
// the error is an *Error listing every problem found, not just the first.
func Parse(name string, data []byte) (*Catalog, error) {
	return ParseFor(name, data, "")
}

// ParseFor is Parse for the user whose keys file is keysFile: a check command in the
// catalog is refused naming that file, the only one they are read from ("": the
// generic KeysFileHint).
func ParseFor(name string, data []byte, keysFile string) (*Catalog, error) {
	p := &parser{file: name, data: data, keysFile: keysFile}
	c := p.parse()
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct {
	file     string
	data     []byte
	keysFile string // the user's keys file, for the messages that refuse check commands; "" when unknown
	pos      map[string]position
	problems []Problem
}

// keysFileName names the user's keys file in a message: "your own keys file, PATH".
func (p *parser) keysFileName() string {
	if p.keysFile == "" {
		return KeysFileHint
	}
	return "your own keys file, " + p.keysFile
}

// checkFields are the fields of a key's check commands, read only from the user's
// keys file.
var checkFields = []string{"check_new", "check_old", "check_old_exit"}

// refuseChecks refuses the check command fields in a table of a catalog that is not
// a key ([[sources]], [[sources.steps]]), as they are refused in a catalog's [[keys]]
// (someone put them on the source instead of the key, or means them to run), and
// returns the table without them, so that they are not reported as unknown keys too.
func (p *parser) refuseChecks(t table) table {
	present := false
	for _, k := range checkFields {
		if _, ok := t.f.get(k); ok {
			present = true
			p.problemAt(t.key(k), "%s", p.refusedCheckMsg(k))
		}
	}
	if !present {
		return t
	}
	rest := make(fields, 0, len(t.f))
	for _, kv := range t.f {
		if !contains(checkFields, kv.key) {
			rest = append(rest, kv)
		}
	}
	t.f = rest
	return t
}

// refusedCheckMsg says why the check command field k is refused in a catalog.
func (p *parser) refusedCheckMsg(k string) string {
	if k == "check_old_exit" {
		return fmt.Sprintf("%s is refused in a catalog: it goes with check_old, and check commands are read only from %s", k, p.keysFileName())
	}
	return fmt.Sprintf("%s is refused in a catalog: check commands run on your machine, so they are read only from %s", k, p.keysFileName())
}

type position struct{ line, col int }

// problemAt records a problem at the key path, or at its nearest ancestor whose
// position is known (a missing key is reported at its table's header).
func (p *parser) problemAt(path, format string, args ...any) {
	at := position{1, 1}
	for key := path; key != ""; key = parentPath(key) {
		if pos, ok := p.positions()[key]; ok {
			at = pos
			break
		}
	}
	p.problems = append(p.problems, Problem{File: p.file, Line: at.line, Col: at.col, Msg: fmt.Sprintf(format, args...)})
}

// lineCol turns a byte offset into a 1-based line and column. The TOML decoder counts a
// newline that ends a bad line as the start of the next one; counting here keeps the
// report on the line the user has to fix.
func lineCol(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// decode checks the encoding and the TOML syntax and returns the raw tables, or nil
// after recording the problem.
func (p *parser) decode() fields {
	if !utf8.Valid(p.data) {
		line, col := 1, 1
		for i := 0; i < len(p.data); {
			r, size := utf8.DecodeRune(p.data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i += size
		}
		p.problems = append(p.problems, Problem{File: p.file, Line: line, Col: col, Msg: "invalid UTF-8 (the file must be UTF-8 text)"})
		return nil
	}
	if raw, ok := fastDecode(p.data); ok {
		return raw // see fastdecode.go: exactly what the decoder would return
	}
	if offset, msg, ok := checkShape(p.data); !ok {
		// See shape.go: the decoder would take memory out of all proportion to the file.
		line, col := lineCol(p.data, offset)
		p.problems = append(p.problems, Problem{File: p.file, Line: line, Col: col, Msg: msg})
		return nil
	}
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(p.data)).Decode(&raw); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			msg := perr.Message
			if perr.Usage != "" {
				msg += " (" + strings.TrimSpace(strings.SplitN(perr.Usage, "\n", 2)[0]) + ")"
			}
			line, col := lineCol(p.data, perr.Position.Start)
			if perr.Position.Start <= 0 && perr.Position.Line > 0 {
				line, col = perr.Position.Line, max(perr.Position.Col, 1)
			}
			p.problems = append(p.problems, Problem{File: p.file, Line: line, Col: col, Msg: "TOML syntax: " + msg})
		} else {
			p.problems = append(p.problems, Problem{File: p.file, Line: 1, Col: 1, Msg: err.Error()})
		}
		return nil
	}
	return fieldsOf(raw)
}

// fields is a TOML table as the parser reads it: its keys and values in a list, which
// for the handful of keys a table has is smaller and quicker to build than a map. The
// values are the TOML decoder's, except that tables are fields and arrays of tables
// []fields (see fieldsOf). A decoded document is never nil.
type fields []field

type field struct {
	key   string
	value any
}

func (f fields) get(k string) (any, bool) {
	for i := range f {
		if f[i].key == k {
			return f[i].value, true
		}
	}
	return nil, false
}

// fieldsOf converts what the TOML decoder returns, keys in order.
func fieldsOf(m map[string]any) fields {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f := make(fields, 0, len(m))
	for _, k := range keys {
		f = append(f, field{k, fieldValue(m[k])})
	}
	return f
}

func fieldValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return fieldsOf(v)
	case []map[string]any:
		out := make([]fields, len(v))
		for i, m := range v {
			out[i] = fieldsOf(m)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = fieldValue(item)
		}
		return out
	}
	return v
}

// err returns every problem found, in file order, or nil.
func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	sort.SliceStable(p.problems, func(i, j int) bool {
		a, b := p.problems[i], p.problems[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return &Error{File: p.file, Problems: p.problems}
}

func (p *parser) parse() *Catalog {
	if len(p.data) >= chunkedMinSize {
		if c, ok := parseChunked(p.file, p.data); ok {
			return c
		}
	}
	raw := p.decode()
	if raw == nil {
		return nil
	}
	raw, keyTables := splitKeys(raw) // [[keys]] are read apart: keysparse.go
	c := p.top(raw)
	if c == nil {
		return nil
	}
	c.Keys = p.catalogKeys(keyTables)
	t := table{p: p, f: raw}
	sources, ok := t.tables("sources")
	_, present := raw.get("sources")
	if !present || ok && len(sources) == 0 {
		// A wrongly typed "sources" was reported by tables already.
		p.problemAt("sources", "no sources: add at least one [[sources]] table")
	}

	seen := make(map[string]table, len(sources))
	for _, st := range sources {
		src := p.source(st)
		if src.ID != "" {
			if first, dup := seen[src.ID]; dup {
				p.problemAt(st.key("id"), "duplicate source id %q (first used at %s)", src.ID, p.where(first.key("id")))
			} else {
				seen[src.ID] = st
			}
		}
		c.Sources = append(c.Sources, src)
	}
	return c
}

// top reads the catalog's top-level keys (all but its sources), or returns nil for a
// format version too new to read at all.
func (p *parser) top(raw fields) *Catalog {
	c := &Catalog{Version: FormatVersion}
	t := table{p: p, f: raw}
	if v, ok := t.int("version"); ok {
		switch {
		case v > FormatVersion:
			p.problemAt("version", "catalog format version %d is newer than this rotatetui understands (%d): upgrade rotatetui", v, FormatVersion)
			return nil
		case v < 1:
			p.problemAt("version", "version must be %d", FormatVersion)
		}
		c.Version = int(v)
	}
	title, _ := t.str("title")
	c.Title = PrintableLine(title)
	c.RotateEvery = t.duration("rotate_every")
	t.rejectUnknown("version", "title", "rotate_every", "sources")
	return c
}

// positions maps key paths to where they are written. It is computed on the first
// problem only: a valid catalog, the common case, never pays for it.
func (p *parser) positions() map[string]position {
	if p.pos == nil {
		p.pos = scanPositions(p.data)
	}
	return p.pos
}

func (p *parser) where(path string) string {
	if pos, ok := p.positions()[path]; ok {
		return fmt.Sprintf("line %d", pos.line)
	}
	return "an earlier source"
}

func (p *parser) source(t table) Source {
	var s Source
	s.ID, _ = t.str("id")
	switch {
	case s.ID == "":
		if _, present := t.f.get("id"); !present {
			p.problemAt(t.path(), "source has no id (a lower-case slug such as \"snowflake\")")
		} else {
			p.problemAt(t.key("id"), "empty source id")
		}
	case !isSlug(s.ID):
		p.problemAt(t.key("id"), "source id %q is not a lower-case slug (letters, digits and single hyphens, e.g. \"close-crm\")", Printable(s.ID))
	}
	s.Disabled, _ = t.boolean("disabled")
	s.Name, _ = t.str("name")
	s.Aliases = t.strs("aliases")
	s.Category, _ = t.str("category")
	s.Docs, _ = t.str("docs")
	s.Note, _ = t.str("note")
	s.RotateEvery = t.duration("rotate_every")
	p.refuseChecks(t).rejectUnknown("id", "name", "aliases", "category", "docs", "note", "rotate_every", "disabled", "steps")
	if s.Docs != "" {
		p.checkURL(t, "docs", s.Docs, false)
	}
	steps, _ := t.tables("steps")
	if s.Disabled {
		// A disabled entry only names the source to hide; nothing else is needed.
		return s.sanitized()
	}
	if strings.TrimSpace(s.Name) == "" {
		p.problemAt(t.key("name"), "source %q has no name", s.ID)
	}
	if len(steps) == 0 {
		p.problemAt(t.key("steps"), "source %q has no steps: add [[sources.steps]] tables", s.ID)
	}
	stepIDs := map[string]bool{}
	derived := map[string]int{}
	if len(steps) > 0 {
		s.Steps = make([]Step, 0, len(steps))
	}
	for _, stt := range steps {
		st := p.step(stt)
		if st.ID != "" {
			if stepIDs[st.ID] {
				p.problemAt(stt.key("id"), "duplicate step id %q in source %q", st.ID, s.ID)
			}
			if derivedKeyPattern().MatchString(st.ID) {
				// Such an id could equal the key of a step without one, and two steps
				// would then share their progress.
				p.problemAt(stt.key("id"), "step id %q looks like a generated key (t-<hex>); pick another id", st.ID)
			}
			stepIDs[st.ID] = true
			st.Key = st.ID
		} else {
			st.Key = derivedKey(st.Text)
			// Two steps with the same words still need distinct keys.
			derived[st.Key]++
			if n := derived[st.Key]; n > 1 {
				st.Key = fmt.Sprintf("%s-%d", st.Key, n)
			}
		}
		s.Steps = append(s.Steps, st)
	}
	return s.sanitized()
}

func (p *parser) step(t table) Step {
	var st Step
	st.ID, _ = t.str("id")
	if _, present := t.f.get("id"); present && !isSlug(st.ID) {
		p.problemAt(t.key("id"), "step id %q is not a lower-case slug", Printable(st.ID))
	}
	text, ok := t.str("text")
	switch {
	case !ok:
		if _, present := t.f.get("text"); !present {
			p.problemAt(t.path(), "step has no text")
		}
	case strings.TrimSpace(text) == "":
		p.problemAt(t.key("text"), "empty step text")
	}
	st.Text = text
	kind, _ := t.str("kind")
	st.Kind = Kind(kind)
	if kind != "" && !validKind(st.Kind) {
		names := make([]string, len(Kinds))
		for i, k := range Kinds {
			names[i] = string(k)
		}
		p.problemAt(t.key("kind"), "unknown step kind %q (use one of %s)", Printable(kind), strings.Join(names, ", "))
	}
	st.Command, _ = t.str("command")
	st.URL, _ = t.str("url")
	st.Wait = t.duration("wait")
	p.refuseChecks(t).rejectUnknown("id", "text", "kind", "command", "url", "wait")
	if st.URL != "" {
		p.checkURL(t, "url", st.URL, true)
	}
	if st.Command != "" {
		p.checkPlaceholders(t, "command", st.Command)
	}
	return st
}

func (p *parser) checkPlaceholders(t table, k, s string) {
	if !strings.Contains(s, "{") {
		return
	}
	for _, m := range placeholderPattern().FindAllStringSubmatch(s, -1) {
		if strings.TrimSpace(m[1]) == "" {
			p.problemAt(t.key(k), "placeholder with no name: write {name}, e.g. {subdomain}")
		} else if !placeholderName().MatchString(m[1]) {
			p.problemAt(t.key(k), "bad placeholder name {%s}: use letters, digits, - and _", Printable(m[1]))
		}
	}
}

func (p *parser) checkURL(t table, k, raw string, placeholders bool) {
	probe := raw
	if placeholders && strings.Contains(raw, "{") {
		p.checkPlaceholders(t, k, raw)
		probe = placeholderPattern().ReplaceAllString(raw, "x")
	}
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.problemAt(t.key(k), "%q is not an http(s) URL", Printable(raw))
	}
}

// isSlug reports whether s matches slugPattern: lower-case letters and digits in
// groups joined by single hyphens. (By hand: it runs for every source and step.)
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case c == '-' && s[i+1] != '-':
		default:
			return false
		}
	}
	return true
}

// derivedKey gives a step without an explicit id a key that survives reordering and
// changes elsewhere in the catalog, but not a change of its own words.
func derivedKey(text string) string {
	var buf [128]byte
	norm, ok := asciiNormalized(text, buf[:0])
	if !ok {
		norm = []byte(normalizedWords(text))
	}
	sum := sha256.Sum256(norm)
	var key [12]byte
	copy(key[:], "t-")
	hex.Encode(key[2:], sum[:5])
	return string(key[:])
}

// normalizedWords is what a step's key is made from: its words, lower-cased, single
// spaced.
func normalizedWords(text string) string {
	return strings.Join(strings.Fields(strings.ToLower(text)), " ")
}

// asciiNormalized appends normalizedWords(text) to buf without building the words, for
// the usual step text: ASCII, its words separated by single spaces. ok is false for
// any other text.
func asciiNormalized(text string, buf []byte) (norm []byte, ok bool) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= utf8.RuneSelf || c < ' ':
			return nil, false
		case c == ' ':
			if i == 0 || i == len(text)-1 || text[i+1] == ' ' {
				return nil, false
			}
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf, true
}

// sanitized neutralises control characters in every text field. Validation has already
// run on the raw text, so problems are reported against what the file really holds.
func (s Source) sanitized() Source {
	s.Name = PrintableLine(s.Name)
	for i, a := range s.Aliases {
		s.Aliases[i] = PrintableLine(a)
	}
	s.Category = PrintableLine(s.Category)
	s.Docs = PrintableLine(s.Docs)
	s.Note = Printable(s.Note)
	for i := range s.Steps {
		st := &s.Steps[i]
		st.Text = Printable(st.Text)
		st.Command = Printable(st.Command)
		st.URL = PrintableLine(st.URL)
	}
	return s
}
