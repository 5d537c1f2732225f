package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// The checklist of a key (see listkeys_test.go for the catalog and the store).

// TestTwoKeysOfOneSourceKeepTheirOwnProgress: each key has its own status, order and
// due date in the list, and its own checklist: a check on one is recorded under its
// id and leaves the other as it was.
func TestTwoKeysOfOneSourceKeepTheirOwnProgress(t *testing.T) {
	store := keysStore(t)
	m := newTestModel(t, store, Options{Catalog: keysCatalog(t)})
	if got := rowNames(m); !slices.Equal(got[:2], []string{"Snowflake · prod", "Snowflake · eu"}) {
		t.Fatalf("order %q, want prod (in progress) then eu (due soon)", got[:3])
	}
	view := m.View()
	for _, want := range []string{"in progress 2/8", "due in 10d", "[All 54]  In progress 1   Due soon 2   Overdue 0"} {
		if !strings.Contains(view, want) {
			t.Errorf("list lacks %q:\n%s", want, view)
		}
	}
	// eu's checklist: nothing in progress, its own last rotation and due date.
	m = press(t, m, "j", "enter")
	if m.screen != checklistScreen || m.checklist.key.ID != "snowflake/eu" {
		t.Fatalf("opened %q", m.checklist.key.ID)
	}
	view = m.View()
	for _, want := range []string{"Snowflake · eu · Data warehouse", "owner xavier · next due on 2026-03-24", "0/8"} {
		if !strings.Contains(view, want) {
			t.Errorf("eu's checklist lacks %q:\n%s", want, view)
		}
	}
	m = press(t, m, "space")
	st := store.snapshot()
	if cur := st.Key("snowflake/eu").Current; cur == nil || !cur.Checked("login") {
		t.Errorf("eu's check is not under its id: %+v", st.Key("snowflake/eu"))
	}
	if done, _ := st.Key("snowflake/prod").Current.Progress(m.checklist.keys); done != 2 {
		t.Errorf("prod has %d steps done, want its 2", done)
	}
	if st.Key("snowflake") != nil {
		t.Error("a check was recorded under the source's id")
	}
	// Undo is eu's too.
	m = press(t, m, "u")
	if st := store.snapshot(); st.Key("snowflake/eu").Current.HasWork() || !st.Key("snowflake/prod").Current.Checked("login") {
		t.Errorf("undo: eu %+v, prod %+v", st.Key("snowflake/eu").Current, st.Key("snowflake/prod").Current)
	}
	m = press(t, m, "space", "esc")
	view = m.View()
	if !strings.Contains(m.sources.rowView(indexOfRow(m, "Snowflake · eu"), 76), "in progress 1/8") ||
		!strings.Contains(m.sources.rowView(indexOfRow(m, "Snowflake · prod"), 76), "in progress 2/8") {
		t.Errorf("back on the list:\n%s", view)
	}
	// prod's checklist: its header and its history. eu, changed last, is on top now.
	if got := rowNames(m)[:2]; !slices.Equal(got, []string{"Snowflake · eu", "Snowflake · prod"}) {
		t.Errorf("order %q, want eu (changed last) then prod", got)
	}
	m = press(t, m, "g", "j", "enter")
	if m.checklist.key.ID != "snowflake/prod" || m.checklist.cursor != 2 {
		t.Fatalf("opened %q at step %d", m.checklist.key.ID, m.checklist.cursor+1)
	}
	view = m.View()
	for _, want := range []string{"Snowflake · prod · Data warehouse", "owner ana · account = xy12345 · next due on 2026-03-19", "Production account, eu-central-1", "2/8"} {
		if !strings.Contains(view, want) {
			t.Errorf("prod's checklist lacks %q:\n%s", want, view)
		}
	}
	m = press(t, m, "h")
	if view = m.View(); !strings.Contains(view, "Snowflake · prod · history") || !strings.Contains(view, "2 rotations recorded") {
		t.Errorf("prod's history:\n%s", view)
	}
}

// TestValuesAreTheKeys: a value declared in keys.toml fills the link, shows in the
// header and is not edited on screen; one the key does not declare is asked and saved
// in the key's entry.
func TestValuesAreTheKeys(t *testing.T) {
	fx := &fakeEffects{}
	store := newMemStore()
	cat := keysCatalog(t)
	m := newTestModel(t, store, Options{Catalog: cat, Query: "smarp/acme", Effects: fx.effects()})
	m = deliver(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	view := m.View()
	for _, want := range []string{"https://acme.smarpshare.com/#/profile/settings", "subdomain = acme"} {
		if !strings.Contains(view, want) {
			t.Errorf("acme's checklist lacks %q:\n%s", want, view)
		}
	}
	m = press(t, m, "e")
	if m.checklist.prompt.kind != noPrompt || !strings.Contains(m.View(), "{subdomain} set in keys.toml: rotatetui key edit smarp/acme --value subdomain=…") {
		t.Errorf("e on a declared value:\n%s", m.View())
	}
	m = press(t, m, "c")
	if len(fx.clipboard) != 1 || fx.clipboard[0] != "https://acme.smarpshare.com/#/profile/settings" {
		t.Errorf("copied %q", fx.clipboard)
	}

	m = newTestModel(t, store, Options{Catalog: cat, Query: "smarp/beta", Effects: fx.effects()})
	m = press(t, m, "c")
	if m.checklist.prompt.kind != promptValue || !strings.Contains(m.View(), "Value of {subdomain} for Smarp · beta") {
		t.Fatalf("no prompt for beta's {subdomain}:\n%s", m.View())
	}
	m = typeText(t, m, "beta")
	m = press(t, m, "enter")
	st := store.snapshot()
	if got := st.Key("smarp/beta").Placeholders["subdomain"]; got != "beta" {
		t.Errorf("beta's value %q", got)
	}
	if st.Key("smarp") != nil || st.Key("smarp/acme") != nil {
		t.Error("beta's value was saved for another key")
	}
	// The other key keeps its own.
	m = newTestModel(t, store, Options{Catalog: cat, Query: "smarp/acme", Effects: fx.effects()})
	if !strings.Contains(m.View(), "https://acme.smarpshare.com") {
		t.Errorf("acme after beta's value:\n%s", m.View())
	}
}

func TestGoldenKeyChecklist(t *testing.T) {
	store := keysStore(t)
	m := New(Options{Catalog: keysCatalog(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }})
	runGolden(t, m, "Production account", keyMsg("enter"))
}
