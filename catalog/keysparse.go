package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// keysparse.go reads [[keys]] tables, of a keys file (ParseKeys) or of a layered
// catalog, and checks them against the merged catalog (ValidateKeys).

// keyFields are the keys a [[keys]] table may hold, in the order they are written.
var keyFields = []string{"source", "name", "owner", "description", "rotate_every", "tags", "values", "retired", "check_new", "check_old", "check_old_exit"}

// KeysFileHint names the user's keys file where the catalog package was not told its
// path (see ParseFor): the only file check commands are read from.
const KeysFileHint = "your own keys file ($XDG_CONFIG_HOME/rotatetui/keys.toml, by default ~/.config/rotatetui/keys.toml)"

// ParseKeys reads a keys file (keys.toml): `version = 1` and [[keys]] tables. Every
// problem is reported at once as file:line:col, like Parse: TOML syntax, unknown
// fields, wrong types, bad slugs and durations, duplicate key ids, a newer version.
// What needs the catalog (unknown sources, values for placeholders the source does not
// use) is ValidateKeys. Text is made inert as catalog text is. On failure the error is
// an *Error, and the keys that could be read are returned with it (none after a TOML
// syntax error or a newer version), so that ValidateKeys can add what it finds and
// every problem is reported at once.
func ParseKeys(name string, data []byte) ([]Key, error) {
	p := &parser{file: name, data: data}
	raw := p.decode()
	if raw == nil {
		return nil, p.err()
	}
	t := table{p: p, f: raw}
	r := newKeysReader(p)
	r.commands = true
	if !r.version(t) {
		return nil, p.err()
	}
	r.rejectUnknown(-1, raw, []string{"version", "keys"})
	keys := r.keys(t)
	if err := p.err(); err != nil {
		return keys, err
	}
	return keys, nil
}

// IsKeysFile reports whether data reads as a keys file rather than a catalog: TOML
// with a top-level "keys" and no "sources". Text that is no TOML is neither.
func IsKeysFile(data []byte) bool {
	p := &parser{file: "", data: data}
	raw := p.decode()
	if raw == nil {
		return false
	}
	_, keys := raw.get("keys")
	_, sources := raw.get("sources")
	return keys && !sources
}

// splitKeys takes the [[keys]] tables out of a decoded catalog, so that the rest is
// read as before and the keys apart (see parse in parse.go).
func splitKeys(raw fields) (rest fields, keys fields) {
	for i, f := range raw {
		if f.key == "keys" {
			rest = append(append(fields{}, raw[:i]...), raw[i+1:]...)
			return rest, fields{f}
		}
	}
	return raw, nil
}

// catalogKeys reads the [[keys]] tables of a catalog, split off by splitKeys.
func (p *parser) catalogKeys(keys fields) []Key {
	if keys == nil {
		return nil
	}
	return newKeysReader(p).keys(table{p: p, f: keys})
}

// keysReader reads [[keys]] tables. It places problems itself, with the positions of
// scanKeyBlocks: the catalog parser's positions know nothing of [[keys]].
type keysReader struct {
	p      *parser
	blocks []keyBlock
	top    map[string]position // top-level keys ("version", an inline "keys = [...]")
	// commands: check_new and check_old are read, as in the user's keys file; else
	// (a catalog's [[keys]]) they are refused, since a check command runs on the
	// user's machine and a catalog may come from anywhere.
	commands bool
}

func newKeysReader(p *parser) *keysReader {
	// Scanned at once, not on the first problem as catalogs are: every key keeps its
	// positions for ValidateKeys, and keys files are small.
	blocks, top := scanKeyBlocks(p.data)
	return &keysReader{p: p, blocks: blocks, top: top}
}

// at is where the field of the i-th [[keys]] table is written (i -1: the top level).
func (r *keysReader) at(i int, field string) position {
	if i >= 0 && i < len(r.blocks) {
		line, col := r.blocks[i].of(field)
		return position{line, col}
	}
	if pos, ok := r.top[field]; ok && i < 0 {
		return pos
	}
	if pos, ok := r.top["keys"]; ok {
		return pos
	}
	return position{1, 1}
}

func (r *keysReader) problem(i int, field, format string, args ...any) {
	at := r.at(i, field)
	r.p.problems = append(r.p.problems, Problem{File: r.p.file, Line: at.line, Col: at.col, Msg: fmt.Sprintf(format, args...)})
}

// version checks the keys file's version; false when it is newer than this build
// reads, which is reported alone.
func (r *keysReader) version(t table) bool {
	v, ok := t.f.get("version")
	if !ok {
		return true
	}
	n, ok := v.(int64)
	switch {
	case !ok:
		r.problem(-1, "version", "version must be an integer, not %s", tomlTypeName(v))
	case n > KeysFormatVersion:
		r.problem(-1, "version", "keys file format version %d is newer than this rotatetui understands (%d): upgrade rotatetui", n, KeysFormatVersion)
		return false
	case n < 1:
		r.problem(-1, "version", "version must be %d", KeysFormatVersion)
	}
	return true
}

// keys reads the "keys" array of tables of t.
func (r *keysReader) keys(t table) []Key {
	v, ok := t.f.get("keys")
	if !ok {
		return nil
	}
	list, ok := tablesOf(v)
	if !ok {
		r.problem(-1, "keys", "keys must be [[keys]] tables, not %s", tomlTypeName(v))
		return nil
	}
	keys := make([]Key, 0, len(list))
	first := map[string]int{}
	for i, f := range list {
		k := r.key(i, f)
		if k.Source != "" && k.Name != "" {
			if j, dup := first[k.ID]; dup {
				r.problem(i, "name", "duplicate key id %q (first declared at line %d)", k.ID, r.at(j, "").line)
			} else {
				first[k.ID] = i
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// tablesOf is v as a list of tables: [[keys]] tables, or an inline array of tables.
func tablesOf(v any) ([]fields, bool) {
	switch v := v.(type) {
	case []fields:
		return v, true
	case []any:
		out := make([]fields, 0, len(v))
		for _, item := range v {
			f, ok := item.(fields)
			if !ok {
				return nil, false
			}
			out = append(out, f)
		}
		return out, true
	}
	return nil, false
}

// key reads the i-th [[keys]] table.
func (r *keysReader) key(i int, f fields) Key {
	k := Key{Origin: r.p.file}
	if i < len(r.blocks) {
		k.at = &r.blocks[i].keyPositions
	}
	k.Source = r.slug(i, f, "source", "source id", isSlug, `a source id such as "snowflake"`)
	k.Name = r.slug(i, f, "name", "key name", IsKeyName, `lower-case letters, digits, - and _, e.g. "prod" or "eu_west-1"`)
	if k.Source != "" && k.Name != "" {
		k.ID = KeyID(k.Source, k.Name)
	}
	k.Owner, _ = r.str(i, f, "owner")
	k.Description, _ = r.str(i, f, "description")
	k.RotateEvery = r.duration(i, f, "rotate_every")
	k.Tags = r.strMap(i, f, "tags", checkTagName)
	k.Values = r.strMap(i, f, "values", checkValueName)
	if v, ok := f.get("retired"); ok {
		if b, ok := v.(bool); ok {
			k.Retired = b
		} else {
			r.problem(i, "retired", "retired must be true or false, not %s", tomlTypeName(v))
		}
	}
	k.CheckNew = r.command(i, f, "check_new")
	k.CheckOld = r.command(i, f, "check_old")
	k.CheckOldExit = r.exitStatuses(i, f, "check_old_exit", k.CheckOld != "")
	r.rejectUnknown(i, f, keyFields)
	return k.sanitized()
}

// command reads a check command (check_new, check_old): one line of shell, refused
// outside the user's keys file.
func (r *keysReader) command(i int, f fields, k string) string {
	if _, present := f.get(k); present && !r.commands {
		r.problem(i, k, "%s", r.p.refusedCheckMsg(k))
		return ""
	}
	s, ok := r.str(i, f, k)
	switch {
	case !ok:
		return ""
	case strings.TrimSpace(s) == "":
		r.problem(i, k, "empty %s: leave it out instead", k)
		return ""
	case PrintableLine(s) != s:
		r.problem(i, k, "%s holds a line break or control character: write it on one line (join commands with && or ;)", k)
		return ""
	}
	return s
}

// exitStatuses reads check_old_exit: a non-empty array of exit statuses, each 1 to
// 125 but 2 (0 says the key works; 2 is sh's own for a command it could not parse, 126
// and above the shell's own and signals), refused
// outside the user's keys file as the command it goes with, and without it.
func (r *keysReader) exitStatuses(i int, f fields, k string, hasCommand bool) []int {
	v, present := f.get(k)
	switch {
	case !present:
		return nil
	case !r.commands:
		r.problem(i, k, "%s", r.p.refusedCheckMsg(k))
		return nil
	case !hasCommand:
		r.problem(i, k, "%s without check_old: it says which exit statuses of check_old prove the old key refused", k)
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		r.problem(i, k, "%s must be a non-empty array of exit statuses, such as [22] (curl -f on an HTTP error), not %s", k, tomlTypeName(v))
		return nil
	}
	out := make([]int, 0, len(list))
	for _, e := range list {
		n, ok := e.(int64)
		switch {
		case !ok:
			r.problem(i, k, "%s holds %s %s: an exit status is an integer, such as 22", k, tomlTypeName(e), Printable(fmt.Sprintf("%q", fmt.Sprint(e))))
			return nil
		case n == 2:
			r.problem(i, k, "%s holds 2, which sh exits with when it cannot parse the command: a typo would prove the old key refused; use the status your command exits with on a refusal (curl -f: 22)", k)
			return nil
		case n < 1 || n > 125:
			r.problem(i, k, "%s holds %d: an exit status that proves refusal is an integer from 1 to 125 (0 says the key works; 126 and above are the shell's own and signals)", k, n)
			return nil
		}
		out = append(out, int(n))
	}
	return out
}

// slug reads a required slug field; "" when it is missing or bad (reported).
func (r *keysReader) slug(i int, f fields, k, what string, valid func(string) bool, example string) string {
	s, ok := r.str(i, f, k)
	switch {
	case !ok:
		if _, present := f.get(k); !present {
			r.problem(i, "", "[[keys]] has no %s: add %s = ... (%s)", k, k, example)
		}
		return ""
	case s == "":
		r.problem(i, k, "empty %s", what)
		return ""
	case !valid(s):
		r.problem(i, k, "%s %q is not valid (%s)", what, Printable(s), example)
		return ""
	}
	return s
}

func (r *keysReader) str(i int, f fields, k string) (string, bool) {
	v, ok := f.get(k)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.problem(i, k, "%s must be a string, not %s", k, tomlTypeName(v))
	}
	return s, ok
}

func (r *keysReader) duration(i int, f fields, k string) Duration {
	v, ok := f.get(k)
	if !ok {
		return 0
	}
	s, ok := v.(string)
	if !ok {
		r.problem(i, k, "%s must be a string such as \"30d\", not %s", k, tomlTypeName(v))
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		r.problem(i, k, "%s: %v", k, err)
	}
	return d
}

// strMap reads a table of strings (tags = { env = "prod" }), each name checked.
func (r *keysReader) strMap(i int, f fields, k string, checkName func(string) error) map[string]string {
	v, ok := f.get(k)
	if !ok {
		return nil
	}
	tbl, ok := v.(fields)
	if !ok {
		r.problem(i, k, "%s must be a table of strings such as { env = \"prod\" }, not %s", k, tomlTypeName(v))
		return nil
	}
	out := make(map[string]string, len(tbl))
	for _, kv := range tbl {
		at := k + "." + kv.key
		if err := checkName(kv.key); err != nil {
			r.problem(i, at, "%s: %v", k, err)
			continue
		}
		s, ok := kv.value.(string)
		if !ok {
			r.problem(i, at, "%s.%s must be a string, not %s", k, kv.key, tomlTypeName(kv.value))
			continue
		}
		if err := checkMapValue(k, kv.key, s); err != nil {
			r.problem(i, at, "%v", err)
			continue
		}
		out[kv.key] = s
	}
	return out
}

// rejectUnknown reports the fields of a [[keys]] table (i ≥ 0) or of the top level of
// a keys file (i = -1) that the format does not define.
func (r *keysReader) rejectUnknown(i int, f fields, known []string) {
	var unknown []string
	for _, kv := range f {
		if !contains(known, kv.key) {
			unknown = append(unknown, kv.key)
		}
	}
	sort.Strings(unknown)
	where, names := "in [[keys]]", strings.Join(known, ", ")
	if i < 0 {
		where, names = "at the top level of a keys file", "version, [[keys]]"
	}
	for _, k := range unknown {
		msg := fmt.Sprintf("unknown key %q %s (known keys: %s)", Printable(k), where, names)
		if near := nearestKey(k, known); near == "keys" {
			msg += "; did you mean [[keys]]?"
		} else if near != "" {
			msg += "; did you mean " + strconv.Quote(near) + "?"
		}
		r.problem(i, k, "%s", msg)
	}
}

// sanitized neutralises control characters in the key's text. Validation has run on
// the raw text already.
func (k Key) sanitized() Key {
	k.Owner = PrintableLine(k.Owner)
	k.Description = PrintableLine(k.Description)
	for name, v := range k.Tags {
		k.Tags[name] = PrintableLine(v)
	}
	for name, v := range k.Values {
		k.Values[name] = PrintableLine(v)
	}
	return k
}

// IsKeyName reports whether name can name a key: lower-case letters, digits, - and _,
// starting with a letter or digit, at most 64 characters.
func IsKeyName(name string) bool {
	if name == "" || len(name) > maxKeyName {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// CheckKeyName says what is wrong with a key name, or nil.
func CheckKeyName(name string) error {
	if !IsKeyName(name) {
		return fmt.Errorf("key name %q is not valid: use lower-case letters, digits, - and _, starting with a letter or digit, at most %d characters (e.g. \"prod\")", PrintableLine(name), maxKeyName)
	}
	return nil
}

// CheckTag says what is wrong with a tag (name = value), or nil.
func CheckTag(name, value string) error {
	if err := checkTagName(name); err != nil {
		return err
	}
	return checkMapValue("tags", name, value)
}

// CheckValue says what is wrong with a {placeholder} value given for a key (key edit
// --value, key import), or nil. A value is a name, such as an account id, and goes
// into commands the user runs (a step's command they copy, a check command): one
// that holds what makes shell code ($, `, ;, |, &, <, >, (, ), \, quotes) is refused
// at the door, as it most likely came from an inventory someone else wrote. (Whether
// the source uses the placeholder is for ValidateKeys and CheckKeyValues.)
func CheckValue(name, value string) error {
	if err := checkValueName(name); err != nil {
		return err
	}
	if err := checkMapValue("values", name, value); err != nil {
		return err
	}
	if i := strings.IndexAny(value, shellCode); i >= 0 {
		return fmt.Errorf("the value of {%s} holds %q, which a shell would act on: a value is a name (an account id, a host), never part of a command", name, value[i:i+1])
	}
	return nil
}

// shellCode are the characters a value may not hold (see CheckValue).
const shellCode = "$`;|&<>()\\\"'"

func checkTagName(name string) error {
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
		return fmt.Errorf("tag name %q is not valid: use letters, digits, - and _", PrintableLine(name))
	}
	return nil
}

func checkValueName(name string) error {
	if !placeholderName().MatchString(name) {
		return fmt.Errorf("%q is no placeholder name: a letter, then letters, digits, - and _ (e.g. account)", PrintableLine(name))
	}
	return nil
}

// checkMapValue refuses what a tag or a value cannot hold: a value must not be empty,
// and neither holds line breaks or control characters (one-line fields).
func checkMapValue(table, name, value string) error {
	if table == "values" && strings.TrimSpace(value) == "" {
		return fmt.Errorf("empty value for {%s}: leave it out instead", name)
	}
	if PrintableLine(value) != value {
		return fmt.Errorf("%s.%s holds a line break or control character", table, name)
	}
	return nil
}

// CheckKeyText says what is wrong with a one-line text field of a key (owner,
// description) given on the command line, or nil.
func CheckKeyText(field, text string) error {
	if PrintableLine(text) != text {
		return fmt.Errorf("%s holds a line break or control character", field)
	}
	return nil
}

// ValidateKeys checks keys read from the file name against the merged catalog: each
// must name a source it holds (else the near matches are suggested). Values for
// placeholders the source does not use are not an error: a value such as an account id
// also describes the key (the checklist shows it), so they are kept, and KeyWarnings
// says which fill nothing. Every problem is placed where the key is written. On
// failure the error is an *Error.
func ValidateKeys(name string, keys []Key, cat *Catalog) error {
	var problems []Problem
	for i := range keys {
		k := &keys[i]
		for _, fe := range cat.CheckKeyAgainst(k) {
			p := k.Problem(fe.Field, "%s", fe.Msg)
			if p.File == "" {
				p.File = name
			}
			problems = append(problems, p)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sortProblems(problems)
	return &Error{File: name, Problems: problems}
}

// FieldError is one problem with one field of a key, before it has a place in a file.
type FieldError struct {
	Field string // "source", "values.account", ...
	Msg   string
}

// CheckKeyAgainst returns what is wrong with k in this catalog: an unknown source. (A
// key with no source yet, refused by the parser, has nothing to check.)
func (c *Catalog) CheckKeyAgainst(k *Key) []FieldError {
	if k.Source == "" || c.source(k.Source) != nil {
		return nil
	}
	return []FieldError{{"source", c.unknownSource(k.Source)}}
}

// KeyWarnings returns what is odd about k in this catalog without being wrong: values
// for placeholders its source does not use, which fill nothing (a typo such as
// "acount", or a value kept only to describe the key).
func (c *Catalog) KeyWarnings(k *Key) []FieldError {
	src := c.source(k.Source)
	if src == nil || len(k.Values) == 0 {
		return nil
	}
	used := src.placeholders()
	var out []FieldError
	for _, name := range SortedKeys(k.Values) {
		if !contains(used, name) && !k.checksUse(name) {
			out = append(out, FieldError{"values." + name, unusedPlaceholder(src, name, used)})
		}
	}
	return out
}

func (c *Catalog) unknownSource(id string) string {
	msg := fmt.Sprintf("no source %q in the catalog", Printable(id))
	if near := c.nearSourceIDs(id); len(near) > 0 {
		return msg + "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return msg + " ('rotatetui status' lists every source)"
}

// nearSourceIDs are up to three source ids close to id: within two edits, or
// containing it, or contained in it.
func (c *Catalog) nearSourceIDs(id string) []string {
	var near []string
	for i := range c.Sources {
		s := c.Sources[i].ID
		if editDistance(id, s) <= 2 || len(id) >= 3 && (strings.Contains(s, id) || strings.Contains(id, s)) {
			near = append(near, strconv.Quote(s))
			if len(near) == 3 {
				break
			}
		}
	}
	return near
}

// checksUse reports whether the key's own check commands use its value name, as
// {name} or as the $ROTATETUI_VALUE_NAME variable each value is passed in.
func (k *Key) checksUse(name string) bool {
	env := "ROTATETUI_VALUE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) // as checkrun.EnvName
	for _, cmd := range []string{k.CheckNew, k.CheckOld} {
		if strings.Contains(cmd, "{"+name+"}") || strings.Contains(cmd, env) {
			return true
		}
	}
	return false
}

func unusedPlaceholder(src *Source, name string, used []string) string {
	if len(used) == 0 {
		return fmt.Sprintf("%s uses no placeholders: {%s} fills nothing (kept as a description of the key)", src.Name, name)
	}
	msg := fmt.Sprintf("%s uses no placeholder {%s} (its placeholders: %s)", src.Name, name, strings.Join(used, ", "))
	if near := nearestKey(name, used); near != "" {
		msg += "; did you mean {" + near + "}?"
	}
	return msg
}

func sortProblems(problems []Problem) {
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		return a.File < b.File || a.File == b.File && (a.Line < b.Line || a.Line == b.Line && a.Col < b.Col)
	})
}
