package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// anaStarted is a state where ana@laptop started rotating Snowflake 12 minutes before
// fixedNow and checked its first two steps.
func anaStarted(t *testing.T) *memStore {
	t.Helper()
	store := newMemStore()
	keys := snowflakeSteps(t)
	at := fixedNow.Add(-12 * time.Minute)
	for _, step := range keys[:2] {
		c := state.Change{Kind: state.Check, Key: "snowflake", Step: step, Steps: keys, At: at, By: "ana@laptop"}
		if _, err := c.Apply(store.st); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// TestTheListNamesWhoHoldsAKey: a key someone else is rotating carries their name in
// the list, and the line above says who, how far and since when.
func TestTheListNamesWhoHoldsAKey(t *testing.T) {
	m := newTestModel(t, anaStarted(t), Options{})
	m = deliver(t, m, sizeMsg(120, 30))
	view := m.View()
	row := lineWith(view, "› Snowflake")
	if !strings.Contains(row, "[ana@laptop]") || !strings.Contains(row, "in progress 2/8") {
		t.Errorf("the row of ana's rotation does not name her:\n%s", view)
	}
	if !strings.Contains(view, "◆ Snowflake is being rotated by ana@laptop (2/8, started 12 min ago)") {
		t.Errorf("the line above the list does not say who holds the key:\n%s", view)
	}
}

// TestJoiningSomeoneElsesRotation: the checklist says up front who is rotating the
// key; the first action asks, and nothing is recorded until the person says yes, which
// then does what they pressed, recorded as them, on her rotation.
func TestJoiningSomeoneElsesRotation(t *testing.T) {
	store := anaStarted(t)
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m = deliver(t, m, sizeMsg(120, 40))
	view := m.View()
	if !strings.Contains(view, "◆ ana@laptop started rotating Snowflake 12 min ago, step 3 of 8. You will be asked before you act on it.") {
		t.Fatalf("the checklist does not say who holds the key:\n%s", view)
	}
	m = press(t, m, "space") // on step 3, the first open one
	if m.checklist.prompt.kind != confirmJoin || !strings.Contains(m.View(), "Act on their rotation?") {
		t.Fatalf("space on ana's rotation did not ask to join (prompt %v):\n%s", m.checklist.prompt.kind, m.View())
	}
	m = press(t, m, "n")
	if cur := store.snapshot().Key("snowflake").Current; cur.Handled(cur.StepKeys[2]) {
		t.Fatal("answering no recorded the check")
	}
	m = press(t, m, "space", "y")
	cur := store.snapshot().Key("snowflake").Current
	rec := cur.Steps[cur.StepKeys[2]]
	if rec == nil || rec.CheckedAt == nil || rec.By != "tester@host" || cur.StartedBy != "ana@laptop" {
		t.Fatalf("after joining, step 3 is %+v in a rotation started by %q; want checked by tester@host in ana's", rec, cur.StartedBy)
	}
	if view := m.View(); !strings.Contains(view, "step 4 of 8. You joined it: what you do is recorded as") {
		t.Errorf("the checklist does not say the person joined:\n%s", view)
	}
	// Joined once for this rotation: the next action asks nothing.
	m = press(t, m, "down", "space")
	if m.checklist.prompt.kind != noPrompt {
		t.Errorf("a second action asked again (prompt %v)", m.checklist.prompt.kind)
	}
	if cur := store.snapshot().Key("snowflake").Current; !cur.Handled(cur.StepKeys[3]) {
		t.Error("the second action after joining was not recorded")
	}
}

// TestUnjoinedChangesAreGuarded: a change made on a key nobody else holds carries the
// guard, so one that reaches the store after someone else started the key is a no-op
// there rather than an unknowing join.
func TestUnjoinedChangesAreGuarded(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m = deliver(t, m, sizeMsg(120, 40))
	// Ana starts the key after this screen looked.
	keys := snowflakeSteps(t)
	c := state.Change{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: fixedNow.Add(-time.Minute), By: "ana@laptop"}
	if _, err := c.Apply(store.st); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "down", "space") // step 2, as if her check were not there
	cur := store.snapshot().Key("snowflake").Current
	if cur.Handled(keys[1]) {
		t.Errorf("an unjoined check was made on ana's rotation: %+v", cur.Steps[keys[1]])
	}
	if view := m.View(); !strings.Contains(view, "◆ ana@laptop started rotating Snowflake") {
		t.Errorf("after the refused change the screen does not show ana's rotation:\n%s", view)
	}
}

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// lineWith is the first line of view containing text, or "".
func lineWith(view, text string) string {
	for _, line := range strings.Split(view, "\n") {
		if strings.Contains(line, text) {
			return line
		}
	}
	return ""
}

// snowflakeSteps are the built-in Snowflake source's step keys.
func snowflakeSteps(t *testing.T) []string {
	t.Helper()
	src, _ := builtin(t).Lookup("snowflake")
	if src == nil || src.ID != "snowflake" {
		t.Fatal("no snowflake in the built-in catalog")
	}
	return src.StepKeys()
}

// TestLosingTheClaimRaceSaysWhoWasFirst: checks made while the store could not be
// reached, on a key nobody was rotating, are not made on the rotation someone else
// started meanwhile; the status line names who was first and how to join, and the
// note's text is kept.
func TestLosingTheClaimRaceSaysWhoWasFirst(t *testing.T) {
	store := newMemStore()
	var kept []state.Change
	m := newTestModel(t, store, Options{Query: "snowflake", KeepText: func(cs []state.Change) error {
		kept = append(kept, cs...)
		return nil
	}})
	m = deliver(t, m, sizeMsg(120, 40))
	store.mu.Lock()
	store.fail = errors.New("the database server cannot be reached")
	store.mu.Unlock()
	m = press(t, m, "space")
	m = press(t, typeText(t, press(t, m, "n"), "asked Jo"), "enter")
	keys := snowflakeSteps(t)
	store.mu.Lock()
	store.fail = nil
	_, err := (state.Change{Kind: state.Check, Key: "snowflake", Step: keys[0], Steps: keys, At: fixedNow.Add(time.Second), By: "ana@laptop"}).Apply(store.st)
	store.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	m = deliver(t, m, retrySaveMsg{})
	cur := store.snapshot().Key("snowflake").Current
	if cur.StartedBy != "ana@laptop" || cur.Steps[keys[0]].By != "ana@laptop" || cur.Steps[keys[0]].Note != "" {
		t.Fatalf("the unjoined changes were made on ana's rotation: %+v", cur.Steps[keys[0]])
	}
	if !strings.Contains(m.status, "ana@laptop started rotating it first") {
		t.Errorf("status %q does not say who was first", m.status)
	}
	if len(kept) != 1 || kept[0].Text != "asked Jo" {
		t.Errorf("kept %+v, want the note's text", kept)
	}
}

// TestVOnSomeoneElsesRotationAsksToJoin: running a check records on the rotation, so
// on someone else's it asks first, as every other action does.
func TestVOnSomeoneElsesRotationAsksToJoin(t *testing.T) {
	store := newMemStore()
	c := state.Change{Kind: state.Check, Key: "awin/main", Step: "api-credentials", Steps: []string{"api-credentials", "revoke-token", "reconnect", catalog.ProofNewStep, catalog.ProofOldStep}, At: fixedNow.Add(-time.Minute), By: "ana@laptop"}
	if _, err := c.Apply(store.st); err != nil {
		t.Fatal(err)
	}
	m := proofModel(t, store, catalog.VerifyOffered, "", "exit 22", nil)
	m = press(t, m, "G", "v")
	if m.checklist.prompt.kind != confirmJoin {
		t.Fatalf("v on ana's rotation did not ask to join (prompt %v):\n%s", m.checklist.prompt.kind, m.View())
	}
	m = press(t, m, "y")
	if m.checklist.prompt.kind != confirmCheck {
		t.Fatalf("after joining, v did not go on to its y/N (prompt %v):\n%s", m.checklist.prompt.kind, m.View())
	}
	m = press(t, m, "y")
	rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofOldStep]
	if rec == nil || rec.CheckedAt == nil || rec.By != "tester@host" {
		t.Errorf("after joining, the check recorded %+v", rec)
	}
}
