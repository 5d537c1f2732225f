package ui

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// testKeysFile declares two keys of Snowflake and three of Smarp, whose link needs
// {subdomain}: acme declares it, the betas do not.
const testKeysFile = `version = 1

[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
description = "Production account, eu-central-1"
rotate_every = "30d"
tags = { env = "prod" }
values = { account = "xy12345" }

[[keys]]
source = "snowflake"
name = "eu"
owner = "xavier"
tags = { env = "eu" }

[[keys]]
source = "smarp"
name = "acme"
values = { subdomain = "acme" }

[[keys]]
source = "smarp"
name = "beta"

[[keys]]
source = "smarp"
name = "beta-2"

[[keys]]
source = "brevo"
name = "old"
retired = true
`

// keysCatalog is the built-in catalog with testKeysFile's keys, as main loads it.
func keysCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat := builtin(t)
	keys, err := catalog.ParseKeys("keys.toml", []byte(testKeysFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := catalog.ValidateKeys("keys.toml", keys, cat); err != nil {
		t.Fatal(err)
	}
	cat.LayerKeys(keys)
	return cat
}

// keysStore has Snowflake · prod in progress (2/8, after a rotation completed 25 days
// ago: due in 5 days at its 30) and Snowflake · eu rotated 80 days ago (due in 10 at
// the default 90).
func keysStore(t testing.TB) *memStore {
	t.Helper()
	store := newMemStore()
	snow, _ := builtin(t).Lookup("snowflake")
	steps := snow.StepKeys()
	day := 24 * time.Hour
	var changes []state.Change
	for _, k := range steps {
		changes = append(changes,
			state.Change{Kind: state.Check, Key: "snowflake/prod", Step: k, Steps: steps, At: fixedNow.Add(-25 * day)},
			state.Change{Kind: state.Check, Key: "snowflake/eu", Step: k, Steps: steps, At: fixedNow.Add(-80 * day)})
	}
	changes = append(changes,
		state.Change{Kind: state.Check, Key: "snowflake/prod", Step: steps[0], Steps: steps, At: fixedNow.Add(-time.Hour)},
		state.Change{Kind: state.Check, Key: "snowflake/prod", Step: steps[1], Steps: steps, At: fixedNow.Add(-time.Hour)})
	if _, err := store.Apply(changes...); err != nil {
		t.Fatal(err)
	}
	return store
}

// TestTheListHasARowPerKey: a source with declared keys is a row per live key, in the
// order of catalog.AllKeys, shown as "Source · name"; the others are one row by the
// source's name; the header counts keys.
func TestTheListHasARowPerKey(t *testing.T) {
	cat := keysCatalog(t)
	m := newTestModel(t, newMemStore(), Options{Catalog: cat})
	var ids []string
	for _, k := range cat.AllKeys() {
		ids = append(ids, k.ID)
	}
	var got []string
	for i := range m.sources.keyCount() {
		got = append(got, m.sources.keyID(i))
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("the list's keys:\n%q\nwant AllKeys':\n%q", got, ids)
	}
	names := rowNames(m)
	for _, want := range []string{"Snowflake · prod", "Snowflake · eu", "Smarp · acme", "Smarp · beta", "Brevo", "Awin"} {
		if !slices.Contains(names, want) {
			t.Errorf("no row %q in %q", want, names)
		}
	}
	for _, gone := range []string{"Snowflake", "Smarp", "Brevo · old"} {
		if slices.Contains(names, gone) {
			t.Errorf("row %q listed", gone)
		}
	}
	// By name: the keys of a source are next to each other, eu before prod.
	if eu, prod := indexOfRow(m, "Snowflake · eu"), indexOfRow(m, "Snowflake · prod"); prod != eu+1 {
		t.Errorf("eu at %d, prod at %d", eu, prod)
	}
	if view := m.View(); !strings.Contains(view, "54 keys") || !strings.Contains(view, "[All 54]") || !strings.Contains(view, "filter by name, category, owner or tag") {
		t.Errorf("the header does not count keys (51 sources, one with 2 keys and one with 3):\n%s", view)
	}
	// Past the first run, the line under the views speaks of keys too.
	store := newMemStore()
	if _, err := store.Apply(state.Change{Kind: state.RecordRotated, Key: "awin", At: fixedNow.Add(-24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	m = newTestModel(t, store, Options{Catalog: cat})
	if m := press(t, m, "j", "j", "j"); !strings.Contains(m.View(), "Pick a key and press enter to open its checklist.") {
		t.Errorf("after a move:\n%s", m.View())
	}
}

// TestAKeysIntervalIsItsOwn: rotate_every on a key sets its due date, not its source's.
func TestAKeysIntervalIsItsOwn(t *testing.T) {
	store := newMemStore()
	day := 24 * time.Hour
	for _, id := range []string{"snowflake/prod", "snowflake/eu"} {
		if _, err := store.Apply(state.Change{Kind: state.RecordRotated, Key: id, At: fixedNow.Add(-40 * day)}); err != nil {
			t.Fatal(err)
		}
	}
	m := newTestModel(t, store, Options{Catalog: keysCatalog(t)})
	if got := rowNames(m)[:1]; got[0] != "Snowflake · prod" {
		t.Errorf("first row %q, want prod, overdue at 30 days", got)
	}
	for name, want := range map[string]string{"Snowflake · prod": "overdue 10d", "Snowflake · eu": "✓ 40d ago"} {
		if row := m.sources.rowView(indexOfRow(m, name), 76); !strings.Contains(row, want) {
			t.Errorf("%s: %q, want %q", name, row, want)
		}
	}
}

// TestTheFilterMatchesKeys: a key's name ranks with the names; its owner and tags match
// as categories do, below them, and say so in the row.
func TestTheFilterMatchesKeys(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{Catalog: keysCatalog(t)})
	for _, tc := range []struct {
		query string
		want  []string // the first rows
		row   string   // what the first row shows
	}{
		{"prod", []string{"Snowflake · prod"}, "Snowflake · prod"},
		{"snoweu", []string{"Snowflake · eu"}, "Snowflake · eu"},
		{"snowflake/prod", []string{"Snowflake · prod"}, "Snowflake · prod"},
		// Equals stay in the order of the keys file.
		{"snowflake", []string{"Snowflake · prod", "Snowflake · eu"}, ""},
		{"xavier", []string{"Snowflake · eu"}, "Snowflake · eu owner xavier"},
		{"env=eu", []string{"Snowflake · eu"}, "Snowflake · eu env=eu"},
		{"haiilo", []string{"Smarp · acme", "Smarp · beta", "Smarp · beta-2"}, "Smarp · acme aka Haiilo"},
		{"warehouse", []string{"Snowflake · prod", "Snowflake · eu"}, ""},
	} {
		m := press(t, m, "esc", "/")
		m = typeText(t, m, tc.query)
		got := rowNames(m)
		if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
			t.Errorf("%q: rows %q, want %q first", tc.query, got, tc.want)
			continue
		}
		if row := m.sources.rowView(0, 76); tc.row != "" && !strings.Contains(row, tc.row) {
			t.Errorf("%q: first row %q, want %q", tc.query, row, tc.row)
		}
	}
	// An owner that also matches names fuzzily: its key comes after them.
	m = press(t, m, "esc", "/")
	m = typeText(t, m, "ana")
	i := indexOfRow(m, "Snowflake · prod")
	if i < 1 || m.sources.rows.At(i).match.Alias != aliasLabel || !strings.Contains(m.sources.rowView(i, 76), "Snowflake · prod owner ana") {
		t.Errorf("ana: prod at row %d of %q", i, rowNames(m))
	}
}

// TestTheQueryArgumentAndResumeOpenKeys: `rotatetui snowflake/prod` opens that key,
// even where the filter also matches another; a source name with several keys lists
// them; -r resumes the key worked on last.
func TestTheQueryArgumentAndResumeOpenKeys(t *testing.T) {
	cat := keysCatalog(t)
	for query, want := range map[string]string{"snowflake/prod": "snowflake/prod", "Snowflake/eu": "snowflake/eu", "smarp/beta": "smarp/beta", "Smarp/acme": "smarp/acme"} {
		m := newTestModel(t, newMemStore(), Options{Catalog: cat, Query: query})
		if m.screen != checklistScreen || m.checklist.key.ID != want {
			t.Errorf("%q opened %v %q, want %q", query, m.screen, m.checklist.key.ID, want)
		}
	}
	m := newTestModel(t, newMemStore(), Options{Catalog: cat, Query: "smarp/beta"})
	if m.sources.rows.Len() != 2 {
		t.Errorf("smarp/beta is meant to match beta-2 too: %d rows", m.sources.rows.Len())
	}
	m = newTestModel(t, newMemStore(), Options{Catalog: cat, Query: "snowflake"})
	if m.screen != sourcesScreen || m.sources.rows.Len() != 2 {
		t.Errorf("snowflake: screen %v, %d rows; want the list of its 2 keys", m.screen, m.sources.rows.Len())
	}
	m = newTestModel(t, newMemStore(), Options{Catalog: cat, Query: "snowflake/nope"})
	if m.screen != sourcesScreen {
		t.Error("an unknown key opened a checklist")
	}
	store := keysStore(t)
	snow, _ := cat.Lookup("snowflake")
	if _, err := store.Apply(state.Change{Kind: state.Check, Key: "snowflake/eu", Step: "login", Steps: snow.StepKeys(), At: fixedNow.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	m = newTestModel(t, store, Options{Catalog: cat, Resume: true})
	if m.screen != checklistScreen || m.checklist.key.ID != "snowflake/prod" || m.checklist.cursor != 2 {
		t.Errorf("resume: %v %q at step %d, want prod (touched last) at 3", m.screen, m.checklist.key.ID, m.checklist.cursor+1)
	}
}

// TestRecordingAKeysRotation: r on a key's row records its rotation under its id.
func TestRecordingAKeysRotation(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Catalog: keysCatalog(t), Query: "snowflake"})
	m = press(t, m, "r")
	if !strings.Contains(m.View(), "When was Snowflake · prod's key last rotated") {
		t.Fatalf("record prompt:\n%s", m.View())
	}
	m = press(t, m, "enter")
	st := store.snapshot()
	if st.Key("snowflake/prod") == nil || st.Key("snowflake/prod").LastRotated == nil || st.Key("snowflake/eu") != nil {
		t.Errorf("recorded: prod %+v, eu %+v", st.Key("snowflake/prod"), st.Key("snowflake/eu"))
	}
	if !strings.Contains(m.View(), "Recorded: Snowflake · prod was last rotated on 2026-03-14.") {
		t.Errorf("status:\n%s", m.View())
	}
}

func TestGoldenKeysList(t *testing.T) {
	store := keysStore(t)
	m := New(Options{Catalog: keysCatalog(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }})
	runGolden(t, m, "press enter to resume")
}

// TestKeysKeepTheRootModelSmall: what the list and the checklist keep of keys is held
// by pointer. With the list's catalog view (144 bytes) and the checklist's key held by
// value the root model was 1200 bytes, and every key press allocated once more than
// before keys (BenchmarkFirstKeystroke, BenchmarkExtendQuery); at 1008 bytes or less,
// as before keys, it does not.
func TestKeysKeepTheRootModelSmall(t *testing.T) {
	if size := unsafe.Sizeof(Model{}); size > 1008 {
		t.Errorf("the root model is %d bytes, over 1008: hold the new part by pointer", size)
	}
}
