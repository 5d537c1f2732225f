package state

import (
	"encoding/json"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// codec_keys.go: the scan that refuses a key given twice, or in another case than its
// field's name, before encoding/json decodes the file (see decodeStrict).

// checkKeys refuses an object that gives a key twice, before encoding/json sees it:
// encoding/json keeps the last copy (merging it into a pointer's), so the next save
// would silently drop the other, and it matches a struct's field names regardless of
// case, so "Sources" beside "sources" is a repeat too. t is the type data is decoded
// into: within an object decoded into a struct, keys are compared as encoding/json
// compares them (case folded), and each must be spelled as its field's name; within a
// map or a generic tree, exactly. A syntax error stops the scan and is left to the
// decoder to word.
func checkKeys(data []byte, t reflect.Type) *problem {
	k := keyScan{r: jsonReader{data: data}, fields: map[reflect.Type]map[string]field{}}
	k.value(t, 0)
	return k.err
}

// keyScan walks a JSON text beside the Go type it decodes into. It reads valid JSON as
// encoding/json does, and stops quietly at anything else, which the decoder then words.
type keyScan struct {
	r      jsonReader
	err    *problem
	fields map[reflect.Type]map[string]field // see structFields, learnt once per type and scan
}

// maxKeyScanDepth is where the scan stops going deeper: encoding/json refuses nesting
// beyond 10000 levels, with its own message.
const maxKeyScanDepth = 10000

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// value reads one value decoded into t (nil: a generic tree) and reports whether the
// scan may go on.
func (k *keyScan) value(t reflect.Type, depth int) bool {
	r := &k.r
	r.space()
	if r.pos >= len(r.data) || depth > maxKeyScanDepth {
		return false
	}
	switch r.data[r.pos] {
	case '{':
		return k.object(k.container(t), depth+1)
	case '[':
		t = k.container(t)
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		return r.array(func() bool { return k.value(elem, depth+1) })
	case '"':
		_, _, ok := r.rawString()
		return ok
	}
	// A number or a literal: the decoder checks its spelling.
	for r.pos < len(r.data) && !strings.ContainsRune(",]} \t\r\n", rune(r.data[r.pos])) {
		r.pos++
	}
	return true
}

// object reads an object decoded into t.
func (k *keyScan) object(t reflect.Type, depth int) bool {
	type first struct {
		key string
		at  int
	}
	seen := map[string]first{} // the key as compared → where it first was, and how it was spelled there
	return k.members(func(key string, at int) bool {
		same, elem, wrongCase := k.member(t, key)
		if f, dup := seen[same]; dup {
			k.err = duplicateKey(k.r.data, f.key, f.at, key, at)
			return false
		}
		if wrongCase != "" {
			k.err = fail(nil, "key %q at %s: write it %q, as rotatetui does", key, position(k.r.data, int64(at)), wrongCase)
			return false
		}
		seen[same] = first{key, at}
		return k.value(elem, depth)
	})
}

// members is jsonReader.object for any key: it also passes where the key starts, and
// reads escapes as encoding/json does.
func (k *keyScan) members(member func(key string, at int) bool) bool {
	r := &k.r
	if !r.next('{') {
		return false
	}
	if r.next('}') {
		return true
	}
	for {
		r.space()
		at := r.pos
		raw, escaped, ok := r.rawString()
		if !ok || !r.next(':') {
			return false
		}
		key := string(raw[1 : len(raw)-1])
		if escaped && json.Unmarshal(raw, &key) != nil {
			return false
		}
		if !member(key, at) {
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

// duplicateKey is the refusal of a key given at a and again at b, spelled as each was.
func duplicateKey(data []byte, keyA string, a int, keyB string, b int) *problem {
	if keyA == keyB {
		return fail(nil, "key %q given twice, at %s and at %s: refusing to guess which one is meant",
			keyB, position(data, int64(a)), position(data, int64(b)))
	}
	return fail(nil, "key %q given twice, as %q at %s and as %q at %s: refusing to guess which one is meant",
		keyB, keyA, position(data, int64(a)), keyB, position(data, int64(b)))
}

// container is the type an object or array decoded into t is read as: t without its
// pointers, or nil (a generic tree) for a type that decodes itself (time.Time), whose
// text is not ours to judge.
func (k *keyScan) container(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return nil
	}
	return t
}

// member says, for key in an object decoded into t, what it is compared as, the type of
// its value, and, for a struct field's name written in another case, how to spell it.
func (k *keyScan) member(t reflect.Type, key string) (same string, elem reflect.Type, wrongCase string) {
	switch {
	case t == nil:
		return key, nil, ""
	case t.Kind() == reflect.Map:
		return key, t.Elem(), ""
	case t.Kind() != reflect.Struct:
		return key, nil, ""
	}
	fields := k.structFields(t)
	if f, ok := fields[key]; ok && f.name == key {
		return f.name, f.typ, "" // as written: the usual case, without folding
	}
	folded := string(foldName(key))
	if f, ok := fields[folded]; ok {
		return f.name, nil, f.name
	}
	return folded, nil, "" // unknown: the decoder refuses it by name
}

// field is a struct field as encoding/json names it.
type field struct {
	name string
	typ  reflect.Type
}

// structFields maps the JSON name of each of t's fields, and that name folded, to the
// field.
func (k *keyScan) structFields(t reflect.Type) map[string]field {
	if m, ok := k.fields[t]; ok {
		return m
	}
	m := map[string]field{}
	for f := range t.Fields() {
		if name := jsonName(f); f.IsExported() && name != "-" {
			if folded := string(foldName(name)); m[folded].name == "" {
				m[folded] = field{name, f.Type}
			}
			m[name] = field{name, f.Type} // over another's folded name: as written wins
		}
	}
	k.fields[t] = m
	return m
}

// jsonName is the name encoding/json gives a struct field.
func jsonName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if tag == "" {
		return f.Name
	}
	return tag
}

// foldName folds a key as encoding/json does to match it with a struct field's name:
// ASCII letters in upper case, every other letter as the smallest of its fold set.
func foldName(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		} else if r >= utf8.RuneSelf {
			r = foldRune(r)
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
