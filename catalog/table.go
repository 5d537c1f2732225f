package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// table.go reads the values of one decoded TOML table for the parser: typed
// accessors that report a wrong type or an unknown key as a problem at its position.

// table is one TOML table being read. Its path ("sources[2].steps[0]"), which locates
// problems, is worked out only when one is reported: a valid catalog never needs it.
type table struct {
	p      *parser
	parent *table // nil for the top level
	name   string // the array of tables it is in, in its parent
	index  int
	f      fields
}

// path is where the table is, for problem reports.
func (t table) path() string {
	if t.parent == nil {
		return ""
	}
	return t.parent.key(t.name) + "[" + strconv.Itoa(t.index) + "]"
}

func (t table) key(k string) string {
	if t.parent == nil {
		return k
	}
	return t.path() + "." + k
}

func (t table) wrongType(k, want string, v any) {
	t.p.problemAt(t.key(k), "%s must be %s, not %s", k, want, tomlTypeName(v))
}

func (t table) str(k string) (string, bool) { return typedValue[string](t, k, "a string") }

func (t table) int(k string) (int64, bool) { return typedValue[int64](t, k, "an integer") }

func (t table) boolean(k string) (bool, bool) { return typedValue[bool](t, k, "true or false") }

// typedValue is the table's value of k as a T, ok false when it is absent or (reported as a
// problem, want saying what it must be) of another type.
func typedValue[T any](t table, k, want string) (T, bool) {
	v, ok := t.f.get(k)
	if !ok {
		var zero T
		return zero, false
	}
	x, ok := v.(T)
	if !ok {
		t.wrongType(k, want, v)
	}
	return x, ok
}

func (t table) strs(k string) []string {
	v, ok := t.f.get(k)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		t.wrongType(k, "an array of strings", v)
		return nil
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			t.wrongType(k, "an array of strings", item)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (t table) duration(k string) Duration {
	v, ok := t.f.get(k)
	if !ok {
		return 0
	}
	s, ok := v.(string)
	if !ok {
		t.p.problemAt(t.key(k), "%s must be a string such as \"90d\", not %s", k, tomlTypeName(v))
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		t.p.problemAt(t.key(k), "%s: %v", k, err)
	}
	return d
}

func (t table) tables(k string) ([]table, bool) {
	v, ok := t.f.get(k)
	if !ok {
		return nil, false
	}
	var list []fields
	switch v := v.(type) {
	case []fields:
		list = v
	case []any:
		for _, item := range v {
			f, ok := item.(fields)
			if !ok {
				t.wrongType(k, "an array of tables ([["+t.key(k)+"]])", item)
				return nil, false
			}
			list = append(list, f)
		}
	default:
		t.wrongType(k, "an array of tables ([["+t.key(k)+"]])", v)
		return nil, false
	}
	out := make([]table, len(list))
	parent := &t
	for i, f := range list {
		out[i] = table{p: t.p, parent: parent, name: k, index: i, f: f}
	}
	return out, true
}

// rejectUnknown reports keys the format does not define: a typo such as "txt" would
// otherwise silently drop a step's words.
func (t table) rejectUnknown(known ...string) {
	var unknown []string
	for _, kv := range t.f {
		if !contains(known, kv.key) {
			unknown = append(unknown, kv.key)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		where := "at the top level"
		if t.parent != nil {
			where = "in " + tableKind(t.path())
		}
		msg := fmt.Sprintf("unknown key %q %s (known keys: %s)", Printable(k), where, strings.Join(without(known, "steps", "sources"), ", "))
		if near := nearestKey(k, known); near != "" {
			switch near {
			// Tables are not listed as keys; name the one meant the way it is written.
			case "sources":
				near = "[[sources]]"
			case "steps":
				near = "[[sources.steps]]"
			default:
				near = strconv.Quote(near)
			}
			msg += "; did you mean " + near + "?"
		}
		t.p.problemAt(t.key(k), "%s", msg)
	}
}

// nearestKey is the known key a mistyped one most likely meant: within two edits
// ("txt" for "text", "source" for "sources") and fewer edits than the key has letters
// (two edits make "id" of anything of two letters), else "".
func nearestKey(k string, known []string) string {
	best, bestDist := "", 3
	for _, c := range known {
		if d := editDistance(strings.ToLower(k), c); d < bestDist && d < len(k) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes (keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func tableKind(path string) string {
	if strings.Contains(path, ".steps[") {
		return "[[sources.steps]]"
	}
	return "[[sources]]"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, x := range list {
		if !contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

func tomlTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case fields:
		return "a table"
	case []fields:
		return "an array of tables"
	default:
		return "a date or time"
	}
}
