package ui

// The harness of the Update tests: an in-memory store, a model on the test clock, and
// a runner that plays the Bubble Tea runtime's part, running every command to
// completion and holding the timers for the test to fire.

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

func TestMain(m *testing.M) {
	// Goldens and expectations hold plain text in one time zone.
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC
	os.Exit(m.Run())
}

// fixedNow is the clock of every test: no test depends on the real date.
var fixedNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// memStore is an in-memory Store that behaves like the real one: Apply applies the
// changes to its state and returns a copy. fail makes the next Apply calls fail.
type memStore struct {
	mu    sync.Mutex
	st    *state.State
	fail  error
	calls int
	// journaled are the batches Journal was given; journalFail makes it fail.
	journaled   [][]state.Change
	journalFail error
}

func newMemStore() *memStore { return &memStore{st: state.New()} }

func (s *memStore) ApplyEach(changes ...state.Change) (*state.State, []bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		return nil, nil, s.fail
	}
	// All or nothing, as the real store.
	st := s.st.Clone()
	applied := make([]bool, len(changes))
	for i, c := range changes {
		changed, err := c.Apply(st)
		if err != nil {
			return nil, nil, err
		}
		applied[i] = changed
	}
	s.st = st
	return s.st.Clone(), applied, nil
}

func (s *memStore) Journal(changes ...state.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journalFail != nil {
		return s.journalFail
	}
	s.journaled = append(s.journaled, append([]state.Change(nil), changes...))
	return nil
}

// Apply is ApplyEach for tests that play another instance.
func (s *memStore) Apply(changes ...state.Change) (*state.State, error) {
	st, _, err := s.ApplyEach(changes...)
	return st, err
}

func (s *memStore) Load() (*state.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	return s.st.Clone(), nil
}

func (s *memStore) snapshot() *state.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Clone()
}

func builtin(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newTestModel(t testing.TB, store *memStore, opts Options) Model {
	t.Helper()
	if opts.Catalog == nil {
		opts.Catalog = builtin(t)
	}
	if opts.State == nil {
		opts.State = store.snapshot()
	}
	if opts.Store == nil {
		opts.Store = store // else a wrapper of store, such as slowStore
	}
	opts.Now = func() time.Time { return fixedNow }
	if opts.Effects.Tick == nil {
		opts.Effects.Tick = testTick
	}
	opts.Actor = "tester@host"
	m := New(opts)
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return next.(Model)
}

// press sends keys one by one, running the commands they return (and the commands those
// messages return) to completion, the way the Bubble Tea runtime would; timers are
// held, not waited for (see deliver).
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m = deliver(t, m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+z":
		return tea.KeyMsg{Type: tea.KeyCtrlZ}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func keyShiftTab() tea.KeyMsg  { return tea.KeyMsg{Type: tea.KeyShiftTab} }
func keyBackspace() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyBackspace} }

func typeText(t testing.TB, m Model, text string) Model {
	t.Helper()
	for _, r := range text {
		m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// deliver updates m with msg and follows the resulting commands to completion. The
// timers started meanwhile are held, not fired, and a quit ends nothing: deliverAll
// returns them for the tests that look.
func deliver(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	m, _ = deliverAll(t, m, msg)
	return m
}

// deliverAll is deliver, also returning what the runtime would not hand to the
// model: the timers started (timerMsg) and any tea.QuitMsg, in order.
func deliverAll(t testing.TB, m Model, msg tea.Msg) (Model, []tea.Msg) {
	t.Helper()
	var held []tea.Msg
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		next, cmd := m.Update(queue[0])
		m = next.(Model)
		queue = queue[1:]
		for _, out := range run(t, cmd) {
			if isHeld(out) {
				held = append(held, out)
			} else {
				queue = append(queue, out)
			}
		}
	}
	return m, held
}

// isHeld says whether the runner keeps msg from the model: a timer not fired yet, or
// a quit, which the runtime acts on itself.
func isHeld(msg tea.Msg) bool {
	switch msg.(type) {
	case timerMsg, tea.QuitMsg:
		return true
	}
	return false
}

// commandDeadline is how long run waits for one command. The stores and effects of
// the tests answer at once (a slow one on purpose in well under a second), so a
// command still running after this is stuck, or is a timer not started through
// Effects.Tick; the test fails saying which, rather than dropping what it would send.
var commandDeadline = 30 * time.Second

// run executes a command to completion and returns its messages, those of a batch's
// commands included, in order; nil messages are left out.
func run(t testing.TB, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(commandDeadline):
		t.Fatalf("the command %s sent nothing within %v: it is stuck, or a timer not started through Effects.Tick", cmdName(cmd), commandDeadline)
	}
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(t, c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// cmdName names the function behind a command, such as ui.saveCmd.func1.
func cmdName(cmd tea.Cmd) string {
	return runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
}

// timerMsg is what a timer started in a test sends at once, instead of waiting: the
// runner holds it (see deliverAll), and a test fires it by delivering msg.
type timerMsg struct {
	after time.Duration // how long the real timer would wait
	msg   tea.Msg       // what it would then send
}

// testTick is Effects.Tick for Update tests.
func testTick(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg { return timerMsg{after: d, msg: fn(fixedNow.Add(d))} }
}

// heldTimers returns the timers among what deliverAll held.
func heldTimers(held []tea.Msg) []timerMsg {
	var timers []timerMsg
	for _, msg := range held {
		if tm, ok := msg.(timerMsg); ok {
			timers = append(timers, tm)
		}
	}
	return timers
}

// quits reports whether one of msgs is tea.QuitMsg: the program would end.
func quits(msgs []tea.Msg) bool {
	for _, msg := range msgs {
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func rowNames(m Model) []string {
	var names []string
	for i := range m.sources.rows.Len() {
		names = append(names, m.sources.title(m.sources.rows.At(i).key))
	}
	return names
}

// TestRunnerWaitsForSlowCommands: a save slower than any fixed cut-off (here 300 ms,
// as a busy disk under -race may take) is waited for, not dropped: the check is on
// disk and nothing is left unsaved.
func TestRunnerWaitsForSlowCommands(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake", Store: slowStore{memStore: store, delay: 300 * time.Millisecond}})
	m = press(t, m, "space")
	if len(m.Unsaved()) != 0 || !store.snapshot().Key("snowflake").Current.Checked("login") {
		t.Errorf("the slow save was not waited for: %d unsaved", len(m.Unsaved()))
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends the
// goroutine, as the real one does, without failing the test that uses it.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestRunnerFailsAStuckCommand: a command that never returns, or a timer not started
// through Effects.Tick, fails the test and is named, instead of being dropped.
func TestRunnerFailsAStuckCommand(t *testing.T) {
	defer func(d time.Duration) { commandDeadline = d }(commandDeadline)
	commandDeadline = 50 * time.Millisecond
	never := make(chan struct{})
	defer close(never)
	for name, cmd := range map[string]tea.Cmd{
		"stuck": func() tea.Msg { <-never; return nil },
		"Tick":  tea.Tick(time.Second, func(time.Time) tea.Msg { return retrySaveMsg{} }),
	} {
		rec := &fatalRecorder{TB: t}
		ended := make(chan struct{})
		go func() {
			defer close(ended)
			run(rec, tea.Batch(func() tea.Msg { return nil }, cmd))
		}()
		<-ended
		if !strings.Contains(rec.fatal, "sent nothing within 50ms") || !strings.Contains(rec.fatal, name) {
			t.Errorf("%s: the runner said %q", name, rec.fatal)
		}
	}
}

// TestRunnerHoldsTimers: a timer started through Effects.Tick is handed back with
// what it would send, and not delivered until the test does.
func TestRunnerHoldsTimers(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{Query: "snowflake"})
	m.inFlight = 1 // quitting waits for this save, at most 3 s
	m, held := deliverAll(t, m, keyMsg("q"))
	timers := heldTimers(held)
	if len(timers) != 1 || timers[0].after != 3*time.Second || timers[0].msg != (forceQuitMsg{}) || quits(held) {
		t.Fatalf("held %#v, want one 3 s timer for forceQuitMsg and no quit", held)
	}
	if _, held = deliverAll(t, m, timers[0].msg); !quits(held) {
		t.Errorf("the fired timer did not quit: held %#v", held)
	}
}
