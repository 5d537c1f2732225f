package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// FileError says which file is bad and why. Load and Apply return it for a
// file that cannot be used; the file's bytes are never modified in that case,
// so the person can inspect or repair it.
type FileError struct {
	Path    string
	Problem string // complete human-readable description, e.g. "not valid JSON: unexpected end of input at byte 123"
	Err     error  // underlying cause, for errors.Is / errors.As
}

// Error puts the path first: it is what the person needs to go and look.
func (e *FileError) Error() string { return e.Path + ": " + e.Problem }

// Unwrap exposes the cause, e.g. [ErrNewerVersion] or an *fs.PathError.
func (e *FileError) Unwrap() error { return e.Err }

// ErrNewerVersion is wrapped by a [*FileError] when the file's version is
// higher than [Version]: rewriting it would silently drop whatever the newer
// format added.
var ErrNewerVersion = errors.New("written by a newer rotatetui")

// migrations[N] turns a decoded file of version N into version N+1, working on
// the generic JSON tree because the old shape need not fit today's structs.
// The driver sets "version" after each step; tests register more entries to
// exercise the mechanism.
var migrations = map[int]func(raw map[string]any) error{
	1: migrateV1,
}

// migrateV1 makes a version-1 file version 2: what version 1 kept per source under
// "sources" becomes the entry of the source's implicit key, whose id is the source's,
// under "keys". Nothing else changed.
func migrateV1(raw map[string]any) error {
	if _, ok := raw["keys"]; ok {
		return errors.New(`a version-1 file has no "keys"`)
	}
	sources, ok := raw["sources"]
	if !ok {
		return errors.New(`"sources" is missing`)
	}
	raw["keys"] = sources
	delete(raw, "sources")
	return nil
}

// oldShapes[N] reads a file of version N strictly in its own shape, before it is
// migrated: a problem is then placed where it is in the person's file (the migrated
// tree is another text, with other positions) and worded as that version's reader
// worded it. A version without an entry is checked only once migrated.
var oldShapes = map[int]func(data []byte) *problem{
	1: checkV1,
}

// fileV1 is the shape of a version-1 file: "sources" where version 2 has "keys".
type fileV1 struct {
	Version int                  `json:"version"`
	Sources map[string]*KeyState `json:"sources"`
}

func checkV1(data []byte) *problem {
	var f fileV1
	if p := decodeStrict(data, &f, true); p != nil {
		return p
	}
	if err := validateEntries("sources", f.Sources); err != nil {
		return fail(err, "invalid content: %v", err)
	}
	return nil
}

// problem is a decode failure before the path is known.
type problem struct {
	msg string
	err error
}

func (p *problem) Error() string { return p.msg }
func (p *problem) Unwrap() error { return p.err }

func fail(err error, format string, args ...any) *problem {
	return &problem{msg: fmt.Sprintf(format, args...), err: err}
}

// decode strictly parses a state file, migrating it from an older version if
// needed. It returns the version the file had, so the caller knows a backup is
// due before writing. Errors are *problem.
func decode(data []byte) (st *State, fileVersion int, err error) {
	if len(data) == 0 {
		return nil, 0, fail(nil, "empty file (0 bytes)")
	}
	if !utf8.Valid(data) {
		// encoding/json would quietly turn bad bytes into U+FFFD, changing
		// the text the person wrote.
		i := invalidUTF8At(data)
		return nil, 0, fail(nil, "not valid UTF-8 at %s", position(data, int64(i)))
	}

	if st, ok := fastDecode(data); ok {
		if err := st.validate(); err != nil {
			return nil, currentVersion, fail(err, "invalid content: %v", err)
		}
		return st, currentVersion, nil
	}
	return decodeAnyVersion(data)
}

// decodeAnyVersion is decode for any file: it learns the version from a generic tree
// before trusting the shape, and migrates an older file. FuzzDecode checks that decode
// answers exactly as it does.
func decodeAnyVersion(data []byte) (st *State, fileVersion int, err error) {
	// First pass: generic tree, to learn the version before trusting the shape.
	var tree any
	if err := decodeStrict(data, &tree, false); err != nil {
		return nil, 0, err
	}
	raw, ok := tree.(map[string]any)
	if !ok {
		return nil, 0, fail(nil, "not a state file: top level is %s, not an object", jsonKind(tree))
	}
	vn, ok := raw["version"]
	if !ok {
		return nil, 0, fail(nil, "not a state file: no \"version\" field")
	}
	num, ok := vn.(json.Number)
	v64, convErr := num.Int64()
	if !ok || convErr != nil || v64 < 1 {
		return nil, 0, fail(nil, "invalid version %s: want a positive integer", jsonText(vn))
	}
	if v64 > int64(currentVersion) {
		return nil, 0, fail(ErrNewerVersion, "%v (file format version %d, this build reads up to version %d); upgrade rotatetui",
			ErrNewerVersion, v64, currentVersion)
	}
	fileVersion = int(v64)

	if fileVersion < currentVersion {
		if check := oldShapes[fileVersion]; check != nil {
			if p := check(data); p != nil {
				return nil, fileVersion, p
			}
		}
		for v := fileVersion; v < currentVersion; v++ {
			m := migrations[v]
			if m == nil {
				return nil, fileVersion, fail(nil, "no migration from format version %d to %d", v, v+1)
			}
			if err := m(raw); err != nil {
				return nil, fileVersion, fail(err, "migrating from format version %d: %v", v, err)
			}
			raw["version"] = json.Number(fmt.Sprint(v + 1))
		}
		if data, err = json.Marshal(raw); err != nil {
			return nil, fileVersion, fail(err, "migrating from format version %d: %v", fileVersion, err)
		}
	}

	st, err = decodeStructs(data)
	return st, fileVersion, err
}

// decodeStructs is the strict pass over a file in the current format.
func decodeStructs(data []byte) (*State, error) {
	st := new(State)
	if err := decodeStrict(data, st, true); err != nil {
		return nil, err
	}
	if err := st.validate(); err != nil {
		return nil, fail(err, "invalid content: %v", err)
	}
	return st, nil
}

// decodeStrict decodes exactly one JSON value filling all of data, with no key given
// twice (see checkKeys).
func decodeStrict(data []byte, v any, structs bool) *problem {
	if p := checkKeys(data, reflect.TypeOf(v)); p != nil {
		return p
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if structs {
		dec.DisallowUnknownFields()
	} else {
		dec.UseNumber() // keep integers exact for the version check and migrations
	}
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err, data)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		extra := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		return fail(nil, "not valid JSON: unexpected data after the top-level value at %s", position(data, extra))
	}
	return nil
}

func jsonProblem(err error, data []byte) *problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fail(err, "not valid JSON: unexpected end of input at %s (truncated?)", position(data, int64(len(data))))
	case errors.As(err, &syn):
		// Offset counts the bytes read, the offending one included.
		return fail(err, "not valid JSON: %s at %s", syn.Error(), position(data, syn.Offset-1))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "top level"
		}
		return fail(err, "wrong shape: %s is a JSON %s at %s", field, typ.Value, position(data, typ.Offset))
	default:
		return fail(err, "wrong shape: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// position describes a byte offset in data the way an editor shows a place: line and
// column, both from 1, the column counted in characters. The byte offset follows, for
// tools that seek.
func position(data []byte, offset int64) string {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	column := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d (byte %d)", line, column, offset)
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// validate checks invariants that JSON decoding cannot: the rest of the program
// relies on them (no nil entries, outcomes that match where a rotation sits),
// and a hand-edit that breaks them is better refused than half-understood.
func (s *State) validate() error {
	if s.Version != currentVersion {
		return fmt.Errorf("version %d, want %d", s.Version, currentVersion)
	}
	return validateEntries("keys", s.Keys)
}

// validateEntries checks the entries of the file's object called name ("keys";
// "sources" in a version-1 file), in order of id.
func validateEntries(name string, entries map[string]*KeyState) error {
	if entries == nil {
		return fmt.Errorf("%q is missing or null", name)
	}
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		ss := entries[id]
		at := fmt.Sprintf("%s[%q]", name, id)
		if id == "" {
			return fmt.Errorf("a %s has an empty id", strings.TrimSuffix(name, "s"))
		}
		if ss == nil {
			return fmt.Errorf("%s is null", at)
		}
		if ss.Current != nil {
			if err := ss.Current.validate(true); err != nil {
				return fmt.Errorf("%s.current: %w", at, err)
			}
		}
		for i := range ss.History {
			if err := ss.History[i].validate(false); err != nil {
				return fmt.Errorf("%s.history[%d]: %w", at, i, err)
			}
		}
		for name := range ss.Placeholders {
			if name == "" {
				return fmt.Errorf("%s.placeholders has an empty name", at)
			}
		}
	}
	return nil
}

// validate checks one rotation read from the file: current is whether it is the
// source's rotation in progress, which has no outcome yet, rather than one of its
// history. The first problem found is the one reported.
func (r *Rotation) validate(current bool) error {
	if err := r.validateTimes(); err != nil {
		return err
	}
	if err := r.validateOutcome(current); err != nil {
		return err
	}
	return r.validateSteps()
}

// validateTimes checks the stamps every rotation has.
func (r *Rotation) validateTimes() error {
	switch {
	case r.StartedAt.IsZero():
		return errors.New("started_at is missing")
	case r.UpdatedAt.IsZero():
		return errors.New("updated_at is missing")
	}
	return nil
}

// validateOutcome checks that the rotation in progress is unfinished and that one in
// history has finished, completed or abandoned.
func (r *Rotation) validateOutcome(current bool) error {
	if current {
		switch {
		case r.Outcome != InProgress:
			return fmt.Errorf("outcome %q, want %q for the current rotation", r.Outcome, InProgress)
		case r.FinishedAt != nil:
			return errors.New("finished_at is set on the current rotation")
		}
		return nil
	}
	switch {
	case r.Outcome != Completed && r.Outcome != Abandoned:
		return fmt.Errorf("outcome %q, want %q or %q in history", r.Outcome, Completed, Abandoned)
	case r.FinishedAt == nil:
		return errors.New("finished_at is missing")
	}
	return nil
}

// validateSteps checks the step records, in key order so that the same file always
// gets the same message.
func (r *Rotation) validateSteps() error {
	for _, k := range slices.Sorted(maps.Keys(r.Steps)) {
		rec := r.Steps[k]
		switch {
		case k == "":
			return errors.New("a step has an empty key")
		case rec == nil:
			return fmt.Errorf("steps[%q] is null", k)
		case rec.CheckedAt != nil && rec.SkippedAt != nil:
			return fmt.Errorf("steps[%q] is both checked and skipped", k)
		}
		if rec.Run != nil {
			if err := rec.Run.validate(); err != nil {
				return fmt.Errorf("steps[%q].run: %w", k, err)
			}
			if rec.Run.At.IsZero() {
				return fmt.Errorf("steps[%q].run: at is missing", k)
			}
			if rec.Run.Passed() && rec.CheckedAt == nil {
				return fmt.Errorf("steps[%q].run passed, but the step is not checked", k)
			}
		}
	}
	return nil
}

// encode is the one place the file's text is produced: indented for people,
// without HTML escaping so notes with "&" stay readable, newline-terminated.
func encode(s *State) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
