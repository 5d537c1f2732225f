package state

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// fastDecode reads a state file of the current version into the State that the
// strict encoding/json pass (decodeStructs, before validation) makes of it, without
// reflection: on the first decode of a run, encoding/json spends most of its time
// learning the struct types, and every command and every start of the UI reads the
// file once. It reads the JSON the encoder writes, and declines (ok false) anything
// it is not sure to read exactly as encoding/json does: \u escapes, null, numbers
// other than the version, keys that are unknown, repeated or differently cased, a
// missing version or keys, another version, text after the object. A declined
// file takes the encoding/json path, which also words every error. FuzzDecode checks
// that whatever fastDecode accepts, decodeStructs decodes to the same State. data
// is valid UTF-8: decode checks that first.
func fastDecode(data []byte) (st *State, ok bool) {
	r := jsonReader{data: data}
	st = new(State)
	var seenVersion, seenSources bool
	ok = r.object(func(key string) bool {
		switch {
		case key == "version" && !seenVersion:
			seenVersion = true
			v, ok := r.integer()
			st.Version = v
			return ok && v == currentVersion
		case key == "keys" && !seenSources:
			seenSources = true
			st.Keys = map[string]*KeyState{}
			return r.object(func(id string) bool {
				if _, dup := st.Keys[id]; dup {
					return false
				}
				ss, ok := r.sourceState()
				st.Keys[id] = ss
				return ok
			})
		}
		return false
	})
	r.space()
	if !ok || !seenVersion || !seenSources || r.pos != len(data) {
		return nil, false
	}
	return st, true
}

// fastDecodeKey is fastDecode for one key's entry, as the database store keeps each
// in a row: it declines what fastDecode would decline in an entry, and invalid UTF-8,
// so the strict decoder reads those and words their errors. Decoding every row of a
// database with encoding/json took most of a start on it.
func fastDecodeKey(data []byte) (*KeyState, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	r := jsonReader{data: data}
	ks, ok := r.sourceState()
	r.space()
	if !ok || r.pos != len(data) {
		return nil, false
	}
	return ks, true
}

// jsonReader reads JSON values from data at pos. Each method skips the whitespace
// before the value it reads and reports false for anything fastDecode declines.
type jsonReader struct {
	data []byte
	pos  int
}

func (r *jsonReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// next skips whitespace and consumes b if it comes next.
func (r *jsonReader) next(b byte) bool {
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == b {
		r.pos++
		return true
	}
	return false
}

// object reads {"key": value, ...}, calling member for each key with the reader
// positioned before the value, which member must read.
func (r *jsonReader) object(member func(key string) bool) bool {
	if !r.next('{') {
		return false
	}
	if r.next('}') {
		return true
	}
	for {
		key, ok := r.string()
		if !ok || !r.next(':') || !member(key) {
			return false
		}
		if r.next('}') {
			return true
		}
		if !r.next(',') {
			return false
		}
	}
}

// array reads [value, ...], calling element for each value.
func (r *jsonReader) array(element func() bool) bool {
	if !r.next('[') {
		return false
	}
	if r.next(']') {
		return true
	}
	for {
		if !element() {
			return false
		}
		if r.next(']') {
			return true
		}
		if !r.next(',') {
			return false
		}
	}
}

// rawString returns a string token with its quotes, as written, and whether it has
// escapes.
func (r *jsonReader) rawString() (raw []byte, escaped, ok bool) {
	if !r.next('"') {
		return nil, false, false
	}
	start := r.pos - 1
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; {
		case c == '"':
			r.pos++
			return r.data[start:r.pos], escaped, true
		case c == '\\':
			escaped = true
			r.pos += 2
		case c < 0x20:
			return nil, false, false // a control character must be escaped
		default:
			r.pos++
		}
	}
	return nil, false, false
}

// string reads a string. Of the escapes, it takes the one-letter ones.
func (r *jsonReader) string() (string, bool) {
	raw, escaped, ok := r.rawString()
	if !ok {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if !escaped {
		return string(body), true
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch body[i] {
		case '"', '\\', '/':
			out = append(out, body[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false // \u, whose surrogate rules are encoding/json's to apply
		}
	}
	return string(out), true
}

// integer reads a non-negative integer written with digits only.
func (r *jsonReader) integer() (int, bool) {
	r.space()
	start := r.pos
	for r.pos < len(r.data) && '0' <= r.data[r.pos] && r.data[r.pos] <= '9' {
		r.pos++
	}
	if r.pos < len(r.data) {
		switch r.data[r.pos] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	digits := r.data[start:r.pos]
	if len(digits) > 1 && digits[0] == '0' {
		return 0, false // not JSON
	}
	n, err := strconv.Atoi(string(digits))
	return n, err == nil
}

// time reads a time as encoding/json does: the string, quotes and all, goes to
// time.Time's UnmarshalJSON.
func (r *jsonReader) time() (time.Time, bool) {
	raw, _, ok := r.rawString()
	var t time.Time
	return t, ok && t.UnmarshalJSON(raw) == nil
}

func (r *jsonReader) timePtr() (*time.Time, bool) {
	t, ok := r.time()
	return &t, ok
}

func (r *jsonReader) sourceState() (*KeyState, bool) {
	ss := new(KeyState)
	ok := r.fields(func(key string) (ok bool) {
		switch key {
		case "current":
			ss.Current = new(Rotation)
			ok = r.rotation(ss.Current)
		case "history":
			ss.History = []Rotation{}
			ok = r.array(func() bool {
				ss.History = append(ss.History, Rotation{})
				return r.rotation(&ss.History[len(ss.History)-1])
			})
		case "last_rotated":
			ss.LastRotated, ok = r.timePtr()
		case "last_rotated_by":
			ss.LastRotatedBy, ok = r.string()
		case "placeholders":
			ss.Placeholders = map[string]string{}
			ok = r.object(func(name string) bool {
				if _, dup := ss.Placeholders[name]; dup {
					return false
				}
				value, ok := r.string()
				ss.Placeholders[name] = value
				return ok
			})
		}
		return ok
	})
	return ss, ok
}

func (r *jsonReader) rotation(rot *Rotation) bool {
	return r.fields(func(key string) (ok bool) {
		switch key {
		case "started_at":
			rot.StartedAt, ok = r.time()
		case "updated_at":
			rot.UpdatedAt, ok = r.time()
		case "finished_at":
			rot.FinishedAt, ok = r.timePtr()
		case "outcome":
			var s string
			s, ok = r.string()
			rot.Outcome = Outcome(s)
		case "started_by":
			rot.StartedBy, ok = r.string()
		case "finished_by":
			rot.FinishedBy, ok = r.string()
		case "step_keys":
			rot.StepKeys = []string{}
			ok = r.array(func() bool {
				k, ok := r.string()
				rot.StepKeys = append(rot.StepKeys, k)
				return ok
			})
		case "steps":
			rot.Steps = map[string]*StepRecord{}
			ok = r.object(func(k string) bool {
				if _, dup := rot.Steps[k]; dup {
					return false
				}
				rec := new(StepRecord)
				rot.Steps[k] = rec
				return r.stepRecord(rec)
			})
		}
		return ok
	})
}

func (r *jsonReader) stepRecord(rec *StepRecord) bool {
	return r.fields(func(key string) (ok bool) {
		switch key {
		case "checked_at":
			rec.CheckedAt, ok = r.timePtr()
		case "skipped_at":
			rec.SkippedAt, ok = r.timePtr()
		case "skip_reason":
			rec.SkipReason, ok = r.string()
		case "note":
			rec.Note, ok = r.string()
		case "noted_at":
			rec.NotedAt, ok = r.timePtr()
		case "wait_until":
			rec.WaitUntil, ok = r.timePtr()
		case "by":
			rec.By, ok = r.string()
		case "overrides":
			rec.Overrides = []Override{}
			ok = r.array(func() bool {
				o, ok := r.string()
				rec.Overrides = append(rec.Overrides, Override(o))
				return ok
			})
		case "overridden_by":
			rec.OverriddenBy, ok = r.string()
		}
		return ok
	})
}

// fields reads an object into a struct, calling field for each key, and declines a
// key that comes twice, so that the encoding/json path refuses it with its position
// (see checkKeys).
func (r *jsonReader) fields(field func(key string) bool) bool {
	var seen []string // a handful of keys
	return r.object(func(key string) bool {
		if slices.Contains(seen, key) {
			return false
		}
		seen = append(seen, key)
		return field(key)
	})
}
