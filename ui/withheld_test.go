package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// Issue 20 item 11, on screen: texts already in the progress file that look like
// secrets (a note, a skip reason, who checked a step or started the rotation, a
// placeholder value), as a hand edit or an older version could leave them, are shown
// as state.Withheld on the checklist and in its history, as an export shows them.
func TestSecretLookingTextsOfTheStateFileAreWithheldOnScreen(t *testing.T) {
	cat, err := catalog.Parse("acme.toml", []byte(`version = 1
[[sources]]
id = "acme"
name = "Acme"
[[sources.steps]]
id = "login"
text = "Sign in."
command = "acme login --account {account}"
[[sources.steps]]
id = "rotate"
text = "Rotate the key."
[[sources.steps]]
id = "revoke"
text = "Revoke the old key."
`))
	if err != nil {
		t.Fatal(err)
	}
	token := "ghp_" + strings.Repeat("a1B2", 9)
	raw := map[string]string{
		"note":        "the new key is " + token,
		"skip reason": "password Hunter2!xyz",
		"actor":       "Tr0ub4dor&3",
		"value":       token,
	}
	for what, text := range raw {
		if _, secret := state.ActorLooksLikeSecret(text); !secret {
			t.Fatalf("the %s %q does not look like a secret: the test shows nothing", what, text)
		}
	}
	keys := cat.Sources[0].StepKeys()
	at := fixedNow.Add(-time.Hour)
	st := state.New()
	for _, c := range []state.Change{
		{Kind: state.Check, Key: "acme", Step: "login", Steps: keys, At: at, By: "tester@host"},
		{Kind: state.Skip, Key: "acme", Step: "rotate", Steps: keys, At: at, By: "tester@host", Text: "later"},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	// As a hand edit leaves them: the store refuses such texts.
	ss := st.Keys["acme"]
	ss.Current.StartedBy = raw["actor"]
	ss.Current.Steps["login"].Note = raw["note"]
	ss.Current.Steps["login"].By = raw["actor"]
	ss.Current.Steps["rotate"].SkipReason = raw["skip reason"]
	ss.Placeholders = map[string]string{"account": raw["value"]}

	m := newTestModel(t, &memStore{st: st}, Options{Catalog: cat, Query: "acme", Actor: "tester@host"})
	m = deliver(t, m, tea.WindowSizeMsg{Width: 120, Height: 60})
	steps := m.View()
	m = press(t, m, "h")
	history := m.View()
	for screen, view := range map[string]string{"checklist": steps, "history": history} {
		for what, text := range raw {
			if strings.Contains(view, text) || strings.Contains(view, "Hunter2") || strings.Contains(view, "ghp_") {
				t.Errorf("the %s shows the %s raw:\n%s", screen, what, view)
			}
		}
	}
	for _, want := range []string{
		"acme login --account " + state.Withheld,
		"checked by " + state.Withheld,
		"skipped: " + state.Withheld,
		"✎ " + state.Withheld,
	} {
		if !strings.Contains(steps, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, steps)
		}
	}
	for _, want := range []string{"by " + state.Withheld, "skipped: " + state.Withheld, "✎ " + state.Withheld} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q:\n%s", want, history)
		}
	}
	// Nor in the editors: the note editor (n on step 1) and the value editor (e)
	// start empty rather than prefilled with the secret, and say why for the note.
	// The rotation is someone else's (its starter): n first asks to join it, naming
	// them withheld.
	m = press(t, m, "esc", "g", "n")
	if view := m.View(); strings.Contains(view, raw["actor"]) || !strings.Contains(view, state.Withheld+" started rotating Acme") {
		t.Errorf("the question to join names the holder raw or not at all:\n%s", view)
	}
	m = press(t, m, "y")
	if view := m.View(); strings.Contains(view, "ghp_") || !strings.Contains(view, "the saved one looks like a secret and is not shown") {
		t.Errorf("the note editor shows the saved note or does not say why it is empty:\n%s", view)
	}
	m = press(t, m, "esc", "e")
	if view := m.View(); strings.Contains(view, "ghp_") || m.checklist.prompt.kind != promptValue {
		t.Errorf("the value editor shows the saved value (prompt %v):\n%s", m.checklist.prompt.kind, view)
	}
	// esc in the editor keeps the note: nothing is written over it.
	m = press(t, m, "esc")
	if got := m.store.(*memStore).st.Keys["acme"].Current.Steps["login"].Note; got != raw["note"] {
		t.Errorf("the note after esc: %q", got)
	}
}
