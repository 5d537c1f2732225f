package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// historyStore has one completed Snowflake rotation by alice, with a skip and a note
// (the note with an escape sequence, as a hand-edited file may hold), and one in
// progress started by bob.
func historyStore(t *testing.T) *memStore {
	t.Helper()
	snow, _ := builtin(t).Lookup("snowflake")
	keys := snow.StepKeys()
	past := fixedNow.Add(-30 * 24 * time.Hour)
	var changes []state.Change
	for i, k := range keys {
		c := state.Change{Kind: state.Check, Key: "snowflake", Step: k, Steps: keys, At: past.Add(time.Duration(i) * time.Minute), By: "alice@laptop"}
		if i == 3 {
			c.Kind, c.Text = state.Skip, "no access to the second worksheet"
		}
		changes = append(changes, c)
		if i == 1 {
			changes = append(changes, state.Change{Kind: state.SetNote, Key: "snowflake", Step: k, Steps: keys, At: c.At, By: "alice@laptop", Text: "asked Carol\x1b]52;c;ZXZpbA==\a, OPS-12"})
		}
	}
	changes = append(changes, state.Change{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: fixedNow.Add(-time.Hour), By: "bob@desktop"})
	store := newMemStore()
	if _, err := store.Apply(changes...); err != nil {
		t.Fatal(err)
	}
	return store
}

// Issue 15, small things: h shows the source's past rotations on the checklist.
func TestHistoryShowsPastRotations(t *testing.T) {
	store := historyStore(t)
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m = deliver(t, m, tea.WindowSizeMsg{Width: 100, Height: 60})
	m = press(t, m, "h")
	view := m.View()
	for _, want := range []string{
		"Snowflake · history",
		"2 rotations recorded.",
		"… In progress, last change today at 08:30",
		"Started today at 08:30 by bob@desktop",
		"✓ Completed 2026-02-12 09:37 by alice@laptop",
		"Started 2026-02-12 09:30 by alice@laptop, took 7m; 7 done, 1 skipped, 0 pending.",
		"1. done    2026-02-12 09:30 by alice@laptop Log in to Snowflake",
		"4. skipped 2026-02-12 09:33 by alice@laptop",
		"skipped: no access to the second worksheet",
		"✎ asked Carol^[]52;c;ZXZpbA==^G, OPS-12",
		"esc/h back to the steps",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("history lacks %q:\n%s", want, view)
		}
	}
	assertNoControl(t, "history", view)
	// The in-progress rotation comes first, newest first.
	if strings.Index(view, "In progress") > strings.Index(view, "Completed") {
		t.Errorf("not newest first:\n%s", view)
	}
	// Keys do not reach the steps behind it; esc goes back to them.
	m = press(t, m, "space", "enter")
	if m.checklist.handled(1) {
		t.Error("a key in the history checked a step")
	}
	m = press(t, m, "esc")
	if m.screen != checklistScreen || m.checklist.hist.open || !strings.Contains(m.View(), "1. [x] Log in") {
		t.Errorf("esc did not go back to the steps:\n%s", m.View())
	}
	// A source with nothing recorded says so.
	m = press(t, m, "esc", "esc", "/")
	m = typeText(t, m, "awin")
	m = press(t, m, "enter", "h")
	if !strings.Contains(m.View(), "0 rotations recorded. Check the first step to start one.") {
		t.Errorf("empty history:\n%s", m.View())
	}
	m = press(t, m, "h")
	if m.checklist.hist.open {
		t.Error("h did not close the history")
	}
}

// The history scrolls when it is taller than the window.
func TestHistoryScrolls(t *testing.T) {
	m := newTestModel(t, historyStore(t), Options{Query: "snowflake"})
	m = press(t, m, "h")
	if strings.Contains(m.View(), "8. done") {
		t.Fatalf("the window is expected to show only the start of the history:\n%s", m.View())
	}
	m = press(t, m, "G")
	if !strings.Contains(m.View(), "8. done") {
		t.Errorf("G did not scroll to the end:\n%s", m.View())
	}
	assertFits(t, m.View(), 80, 24)
	m = press(t, m, "g")
	if !strings.Contains(m.View(), "In progress") {
		t.Errorf("g did not scroll back:\n%s", m.View())
	}
}

// A step someone else checked says who, on the checklist too; one's own does not.
func TestStepsCheckedByAnotherActorSayWho(t *testing.T) {
	m := newTestModel(t, historyStore(t), Options{Query: "snowflake"})
	if !strings.Contains(m.View(), "checked by bob@desktop, today at 08:30") {
		t.Errorf("the other actor's check does not say who:\n%s", m.View())
	}
	m = press(t, m, "j", "space")
	if strings.Count(m.View(), "checked by") != 1 {
		t.Errorf("one's own check says who:\n%s", m.View())
	}
}

// A source's docs page is in the checklist's header, and o opens it on a step with no
// link of its own.
func TestDocsAreShownAndOpened(t *testing.T) {
	cat, err := catalog.Parse("docs.toml", []byte(`version = 1
[[sources]]
id = "acme"
name = "Acme"
docs = "https://docs.example.com/api-keys"
[[sources.steps]]
text = "Open the API keys page."
[[sources.steps]]
text = "Sign in."
url = "https://app.example.com/login"
`))
	if err != nil {
		t.Fatal(err)
	}
	fx := &fakeEffects{}
	m := newTestModel(t, newMemStore(), Options{Catalog: cat, Query: "acme", Effects: fx.effects()})
	if !strings.Contains(m.View(), "Docs: https://docs.example.com/api-keys") {
		t.Errorf("no docs in the header:\n%s", m.View())
	}
	m = press(t, m, "o", "j", "o")
	if len(fx.opened) != 2 || fx.opened[0] != "https://docs.example.com/api-keys" || fx.opened[1] != "https://app.example.com/login" {
		t.Errorf("opened %q", fx.opened)
	}
}
