package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/rotatetui/rotatetui/state"
)

// seededStore has one rotation in progress and one finished twelve days ago, so the
// goldens show every kind of row.
func seededStore(t *testing.T) *memStore {
	t.Helper()
	store := newMemStore()
	cat := builtin(t)
	snow, _ := cat.Lookup("snowflake")
	awin, _ := cat.Lookup("awin")
	past := fixedNow.Add(-12 * 24 * time.Hour)
	changes := []state.Change{
		{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snow.StepKeys(), At: fixedNow.Add(-time.Hour)},
		{Kind: state.Check, Key: "snowflake", Step: "accountadmin-role", Steps: snow.StepKeys(), At: fixedNow.Add(-time.Hour)},
	}
	for _, k := range awin.StepKeys() {
		changes = append(changes, state.Change{Kind: state.Check, Key: "awin", Step: k, Steps: awin.StepKeys(), At: past})
	}
	if _, err := store.Apply(changes...); err != nil {
		t.Fatal(err)
	}
	return store
}

// runGolden drives the real Bubble Tea program at 80x24, waits until the screen shows
// want, quits, and compares the final screen with testdata/<test>.golden.
func runGolden(t *testing.T, m Model, want string, input ...tea.Msg) {
	t.Helper()
	tm := teatest.NewTestModel(t, idleQuitter{Model: m}, teatest.WithInitialTermSize(80, 24))
	for _, msg := range input {
		tm.Send(msg)
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(want))
	}, teatest.WithDuration(5*time.Second))
	// Quit from outside (ctrl+c would first ask about text typed into a prompt), once
	// the saves are done: a save still under way shows "saving…" in the status line.
	tm.Send(quitWhenIdleMsg{})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(idleQuitter).Model
	golden.RequireEqual(t, []byte(final.View()))
}

// quitWhenIdleMsg asks an idleQuitter to end the program once no save is pending.
type quitWhenIdleMsg struct{}

// idleQuitter wraps the root model for golden tests, so that the frame compared is
// the one after every save has finished, whatever the scheduling.
type idleQuitter struct {
	Model
	quitting bool
}

func (q idleQuitter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if _, ok := msg.(quitWhenIdleMsg); ok {
		q.quitting = true
	} else {
		next, c := q.Model.Update(msg)
		q.Model, cmd = next.(Model), c
	}
	if q.quitting && q.inFlight == 0 && len(q.pending) == 0 && q.keeping == 0 {
		return q, tea.Batch(cmd, tea.Quit)
	}
	return q, cmd
}

func TestGoldenSourceList(t *testing.T) {
	store := seededStore(t)
	runGolden(t, New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }}),
		"press enter to resume")
}

func TestGoldenSourceListFiltered(t *testing.T) {
	store := seededStore(t)
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }})
	runGolden(t, m, "1 of 51", keyMsg("/"), keyMsg("s"), keyMsg("c"), keyMsg("o"), keyMsg("m"))
}

func TestGoldenChecklist(t *testing.T) {
	store := seededStore(t)
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }})
	runGolden(t, m, "3/8", keyMsg("enter"), keyMsg("enter"))
}

func TestGoldenChecklistComplete(t *testing.T) {
	store := newMemStore()
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Query: "awin", Now: func() time.Time { return fixedNow }})
	runGolden(t, m, "Rotation complete", keyMsg("enter"), keyMsg("enter"), keyMsg("y"), keyMsg("enter"))
}

// slowStore is a memStore whose saves take a while, like a slow disk.
type slowStore struct {
	*memStore
	delay time.Duration
}

func (s slowStore) ApplyEach(changes ...state.Change) (*state.State, []bool, error) {
	time.Sleep(s.delay)
	return s.memStore.ApplyEach(changes...)
}

// TestSavesRunWhileRendering runs the real program with saves slower than the keys
// and resizes arriving meanwhile: with -race this shows commands and rendering share
// nothing unsafely, and at the end every check is saved, in order.
func TestSavesRunWhileRendering(t *testing.T) {
	store := slowStore{memStore: newMemStore(), delay: 15 * time.Millisecond}
	m := New(Options{Catalog: builtin(t), State: state.New(), Store: store, Query: "snowflake", Now: func() time.Time { return fixedNow }})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	for i := 0; i < 8; i++ {
		tm.Send(keyMsg("enter"))
		tm.Send(tea.WindowSizeMsg{Width: 80 + i, Height: 24 + i%3})
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Rotation complete"))
	}, teatest.WithDuration(10*time.Second))
	tm.Send(keyMsg("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if len(final.Unsaved()) != 0 {
		t.Errorf("%d changes unsaved at exit", len(final.Unsaved()))
	}
	ss := store.snapshot().Key("snowflake")
	if ss == nil || len(ss.History) != 1 || ss.History[0].Outcome != state.Completed || len(ss.History[0].Steps) != 8 {
		t.Errorf("store holds %+v", ss)
	}
}

// keys turns a mix of key names and text into key messages for runGolden.
func keys(parts ...string) []tea.Msg {
	var msgs []tea.Msg
	for _, p := range parts {
		switch p {
		case "enter", "esc", "up", "down", "space", "tab":
			msgs = append(msgs, keyMsg(p))
		default:
			for _, r := range p {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		}
	}
	return msgs
}

func TestGoldenChecklistSkipNoteAndWait(t *testing.T) {
	store := newMemStore()
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Query: "appsflyer", Now: func() time.Time { return fixedNow }, Effects: (&fakeEffects{}).effects()})
	runGolden(t, m, "available in 30:00",
		keys("enter", "s", "no admin access", "enter", "j", "n", "ticket OPS-2379", "enter", "enter", "enter")...)
}

func TestGoldenChecklistPlaceholderPrompt(t *testing.T) {
	store := newMemStore()
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Query: "smarp", Now: func() time.Time { return fixedNow }, Effects: (&fakeEffects{}).effects()})
	runGolden(t, m, "Value of {subdomain}", keys("c", "acme")...)
}
