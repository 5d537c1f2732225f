package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// batchStore is a memStore that remembers the batches it was asked to save.
type batchStore struct {
	*memStore
	mu      sync.Mutex
	batches [][]string // each batch's changes as step keys
}

func (s *batchStore) ApplyEach(changes ...state.Change) (*state.State, []bool, error) {
	s.mu.Lock()
	var steps []string
	for _, c := range changes {
		steps = append(steps, c.Step)
	}
	s.batches = append(s.batches, steps)
	s.mu.Unlock()
	return s.memStore.ApplyEach(changes...)
}

func newQueueFor(t *testing.T, store Store) saveQueue {
	t.Helper()
	return newSaveQueue(Options{Catalog: builtin(t), State: state.New(), Store: store, Actor: "tester@host"})
}

// snowCheck is a check of a Snowflake step.
func snowCheck(t *testing.T, step string) state.Change {
	t.Helper()
	snow, _ := builtin(t).Lookup("snowflake")
	return state.Change{Kind: state.Check, Key: "snowflake", Step: step, Steps: snow.StepKeys(), At: fixedNow}
}

func mustAdd(t *testing.T, q saveQueue, changes ...state.Change) saveQueue {
	t.Helper()
	q, recorded, err := q.add(changes)
	if err != nil || !recorded {
		t.Fatalf("add %v: recorded %v, err %v", changes, recorded, err)
	}
	return q
}

func TestSaveQueueSavesInOrderOneAtATime(t *testing.T) {
	store := &batchStore{memStore: newMemStore()}
	q := mustAdd(t, newQueueFor(t, store), snowCheck(t, "login"))
	first := q.startSave()
	if first == nil || q.inFlight != 1 {
		t.Fatalf("the first change starts a save: cmd %v, in flight %d", first != nil, q.inFlight)
	}
	q = mustAdd(t, q, snowCheck(t, "accountadmin-role"))
	q = mustAdd(t, q, snowCheck(t, "refresh-secret"))
	if cmd := q.startSave(); cmd != nil {
		t.Fatal("a second save started while one was running")
	}
	if !q.current.Key("snowflake").Current.Checked("refresh-secret") {
		t.Error("a change waiting for its save is not shown")
	}
	done, ok := first().(saveDoneMsg)
	if !ok {
		t.Fatalf("first save: %T", done)
	}
	q, _ = q.saveDone(done)
	q.recompute()
	if len(q.pending) != 2 || q.inFlight != 0 {
		t.Fatalf("after the first save: %d pending, %d in flight; want 2, 0", len(q.pending), q.inFlight)
	}
	second := q.startSave()
	if second == nil || q.inFlight != 2 {
		t.Fatalf("the changes that waited go in the next save: cmd %v, in flight %d", second != nil, q.inFlight)
	}
	q, _ = q.saveDone(second().(saveDoneMsg))
	want := "[[login] [accountadmin-role refresh-secret]]"
	if got := fmtBatches(store.batches); got != want {
		t.Errorf("batches %s, want %s", got, want)
	}
	if len(q.pending) != 0 || q.saves != 2 || !q.saved.Key("snowflake").Current.Checked("refresh-secret") {
		t.Errorf("after both saves: %d pending, %d saves", len(q.pending), q.saves)
	}
}

func fmtBatches(b [][]string) string {
	var parts []string
	for _, steps := range b {
		parts = append(parts, "["+strings.Join(steps, " ")+"]")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestSaveQueueFailedSaveKeepsTheChanges(t *testing.T) {
	store := newMemStore()
	store.fail = errors.New("disk on fire")
	q := mustAdd(t, newQueueFor(t, store), snowCheck(t, "login"))
	for want := 1; want <= 2; want++ {
		cmd := q.startSave()
		if cmd == nil {
			t.Fatalf("attempt %d: no save started", want)
		}
		failed, ok := cmd().(saveFailedMsg)
		if !ok {
			t.Fatalf("attempt %d: a failing store sent %T", want, failed)
		}
		var attempt int
		q, attempt = q.saveFailed()
		if attempt != want {
			t.Errorf("attempt %d counted as %d", want, attempt)
		}
		q.recompute()
		if len(q.pending) != 1 || q.inFlight != 0 || !q.current.Key("snowflake").Current.Checked("login") {
			t.Fatalf("after failure %d: %d pending, %d in flight; the check must stay, shown", want, len(q.pending), q.inFlight)
		}
	}
	// Changed meanwhile; the retry carries both, in order, and the count starts again.
	q = mustAdd(t, q, snowCheck(t, "accountadmin-role"))
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	cmd := q.startSave()
	if q.inFlight != 2 {
		t.Fatalf("the retry carries %d changes, want 2", q.inFlight)
	}
	q, _ = q.saveDone(cmd().(saveDoneMsg))
	if len(q.pending) != 0 || q.attempts != 0 {
		t.Errorf("after the retry: %d pending, %d attempts", len(q.pending), q.attempts)
	}
	if cur := store.snapshot().Key("snowflake").Current; cur == nil || !cur.Checked("login") || !cur.Checked("accountadmin-role") {
		t.Error("the retry did not save both checks")
	}
}

func TestSaveQueueRefusedChangeQueuesNothing(t *testing.T) {
	q := newQueueFor(t, newMemStore())
	bad := snowCheck(t, "login")
	bad.Kind = state.ChangeKind("no-such-kind")
	if next, recorded, err := q.add([]state.Change{snowCheck(t, "accountadmin-role"), bad}); err == nil || recorded || len(next.pending) != 0 {
		t.Errorf("a refused change: recorded %v, err %v, %d pending; want nothing queued", recorded, err, len(next.pending))
	}
	q = mustAdd(t, q, snowCheck(t, "login"))
	if _, recorded, err := q.add([]state.Change{snowCheck(t, "login")}); recorded || err != nil {
		t.Errorf("a change that changes nothing: recorded %v, err %v", recorded, err)
	}
	if q.pending[0].By != "tester@host" {
		t.Errorf("queued as %q, want the actor", q.pending[0].By)
	}
}

func TestSaveQueueSettlesUndos(t *testing.T) {
	store := newMemStore()
	q := mustAdd(t, newQueueFor(t, store), snowCheck(t, "login"))
	from := q.queued
	uncheck := snowCheck(t, "login")
	uncheck.Kind = state.Uncheck
	q = mustAdd(t, q, uncheck)
	q = q.undoSent(from, "Undid the check of step 1.", "Nothing undone.")

	// A save carrying only the change before the undo settles nothing.
	q, void := q.settleUndos(1, []bool{true})
	if len(void) != 0 || len(q.undos) != 1 {
		t.Fatalf("the undo was settled before its save: void %v, waiting %d", void, len(q.undos))
	}
	// Its save did nothing (another rotatetui changed the step first): it is void.
	q, void = q.settleUndos(1, []bool{false})
	if len(void) != 1 || void[0].ifNothing != "Nothing undone." || len(q.undos) != 0 {
		t.Fatalf("an undo that did nothing: void %v, waiting %d", void, len(q.undos))
	}

	// One that took effect is settled without a word.
	from = q.queued
	q = mustAdd(t, q, snowCheck(t, "accountadmin-role"))
	q = q.undoSent(from, "Undid it.", "Nothing undone.")
	if q, void = q.settleUndos(1, []bool{true}); len(void) != 0 || len(q.undos) != 0 {
		t.Errorf("an undo that took effect: void %v, waiting %d", void, len(q.undos))
	}
}

func TestSaveQueueTellsOfChangesDroppedWithTheirRotation(t *testing.T) {
	store := newMemStore()
	q := mustAdd(t, newQueueFor(t, store), snowCheck(t, "login"))
	q, _ = q.saveDone(q.startSave()().(saveDoneMsg))
	started := q.saved.Key("snowflake").Current.StartedAt
	// Another rotatetui abandons the rotation; this screen, not knowing, checks step 2.
	if _, err := store.Apply(state.Change{Kind: state.Reset, Key: "snowflake", At: fixedNow.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	late := snowCheck(t, "accountadmin-role")
	late.Started = &started
	note := snowCheck(t, "accountadmin-role")
	note.Kind, note.Text, note.Started = state.SetNote, "ticket 42", &started
	q = mustAdd(t, q, late, note)
	q, out := q.saveDone(q.startSave()().(saveDoneMsg))
	if want := "Step 2 of Snowflake was not checked: that rotation was finished or reset in another rotatetui."; out.dropped.told != want {
		t.Errorf("told %q, want %q", out.dropped.told, want)
	}
	if len(out.dropped.text) != 1 || out.dropped.text[0].Text != "ticket 42" {
		t.Errorf("the note to keep: %v", out.dropped.text)
	}
	// A change the ended rotation already shows as made lost nothing: no word of it.
	same := snowCheck(t, "refresh-secret")
	same.Kind, same.Started = state.Uncheck, &started
	if d := q.droppedForEndedRotation([]state.Change{same, late}, []bool{false, false}); !strings.HasPrefix(d.told, "Step 2 of Snowflake") {
		t.Errorf("told %q, want only of step 2", d.told)
	}
	var kept []state.Change
	q.keepText = func(c []state.Change) error { kept = c; return nil }
	cmd := q.keep(out.dropped)
	if cmd == nil || !q.busy() {
		t.Fatal("keeping the note's text does not run, or does not hold up quitting")
	}
	if msg := cmd().(textKeptMsg); msg.err != nil || len(kept) != 1 {
		t.Errorf("kept %v, err %v", kept, msg.err)
	}
	if q = q.textKept(); q.busy() {
		t.Error("still busy after the text was kept")
	}
}

// TestSaveQueueNamesTheKeyOfADroppedChange: a change carries its key's id
// ("snowflake/prod"), and the status line names the step by its number and the key's
// title, as it does for a source without declared keys.
func TestSaveQueueNamesTheKeyOfADroppedChange(t *testing.T) {
	cat := builtin(t)
	cat.Keys = []catalog.Key{
		{ID: "snowflake/prod", Source: "snowflake", Name: "prod"},
		{ID: "snowflake/eu", Source: "snowflake", Name: "eu"},
	}
	store := newMemStore()
	q := newSaveQueue(Options{Catalog: cat, State: state.New(), Store: store, Actor: "tester@host"})
	check := func(step string) state.Change {
		c := snowCheck(t, step)
		c.Key = "snowflake/prod"
		return c
	}
	q = mustAdd(t, q, check("login"))
	q, _ = q.saveDone(q.startSave()().(saveDoneMsg))
	started := q.saved.Key("snowflake/prod").Current.StartedAt
	if _, err := store.Apply(state.Change{Kind: state.Reset, Key: "snowflake/prod", At: fixedNow.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	late := check("accountadmin-role")
	late.Started = &started
	q = mustAdd(t, q, late)
	_, out := q.saveDone(q.startSave()().(saveDoneMsg))
	if want := "Step 2 of Snowflake · prod was not checked: that rotation was finished or reset in another rotatetui."; out.dropped.told != want {
		t.Errorf("told %q, want %q", out.dropped.told, want)
	}
	// A key the catalog no longer has: the step by its key, as before.
	if told, _ := q.tellDropped(state.Change{Kind: state.Check, Key: "snowflake/gone", Step: "login"}); !strings.HasPrefix(told, "Step login was not checked") {
		t.Errorf("a key not in the catalog: %q", told)
	}
}

func TestSaveQueueIgnoresStaleReloads(t *testing.T) {
	store := newMemStore()
	q := newQueueFor(t, store)
	other := state.New()
	if _, err := snowCheck(t, "login").Apply(other); err != nil {
		t.Fatal(err)
	}
	if _, newer := q.loaded(stateLoadedMsg{state: q.saved.Clone(), seq: q.saves}); newer {
		t.Error("a reload showing nothing new counted as newer")
	}
	if _, newer := q.loaded(stateLoadedMsg{state: other, seq: q.saves - 1}); newer {
		t.Error("a reload begun before a save finished counted as newer")
	}
	q = mustAdd(t, q, snowCheck(t, "accountadmin-role"))
	q.startSave()
	if _, newer := q.loaded(stateLoadedMsg{state: other, seq: q.saves}); newer {
		t.Error("a reload finished while a save runs counted as newer")
	}
	q.inFlight = 0
	next, newer := q.loaded(stateLoadedMsg{state: other, seq: q.saves})
	if next.recompute(); !newer || next.saved != other || !next.current.Key("snowflake").Current.Checked("accountadmin-role") {
		t.Error("a newer file is not taken in with the pending change on top")
	}
}

// The changes queued behind a running save, which it does not carry, are journaled at
// once, each batch once; the next save waits for those journals, so that its success
// settles their entries, and carries them.
func TestSaveQueueJournalsChangesQueuedBehindASave(t *testing.T) {
	store := &batchStore{memStore: newMemStore()}
	q := mustAdd(t, newQueueFor(t, store), snowCheck(t, "login"))
	first := q.startSave()
	if cmd := q.journalQueued(); cmd != nil {
		t.Fatal("a change the running save carries was journaled again")
	}
	var journals []tea.Cmd
	for _, step := range []string{"accountadmin-role", "refresh-secret"} {
		q = mustAdd(t, q, snowCheck(t, step))
		cmd := q.journalQueued()
		if cmd == nil {
			t.Fatalf("%s, queued behind the running save, was not journaled", step)
		}
		journals = append(journals, cmd)
	}
	q, _ = q.saveDone(first().(saveDoneMsg))
	if cmd := q.startSave(); cmd != nil {
		t.Fatal("the next save started before the journals of its changes were written")
	}
	for _, cmd := range journals {
		if msg, ok := cmd().(journaledMsg); !ok || msg.err != nil {
			t.Fatalf("journal: %#v", msg)
		}
		q = q.journalDone()
	}
	if got := fmtJournaled(store.journaled); got != "[[accountadmin-role] [refresh-secret]]" {
		t.Errorf("journaled %s, want each queued change once", got)
	}
	second := q.startSave()
	if second == nil || q.inFlight != 2 {
		t.Fatalf("the journaled changes go in the next save: cmd %v, in flight %d", second != nil, q.inFlight)
	}
	if cmd := q.journalQueued(); cmd != nil {
		t.Error("changes the running save carries were journaled again")
	}
	q, _ = q.saveDone(second().(saveDoneMsg))
	if len(q.pending) != 0 || q.journaled != 0 || q.busy() {
		t.Errorf("after the second save: %d pending, %d journaled, busy %v", len(q.pending), q.journaled, q.busy())
	}
}

func fmtJournaled(batches [][]state.Change) string {
	var steps [][]string
	for _, b := range batches {
		var s []string
		for _, c := range b {
			s = append(s, c.Step)
		}
		steps = append(steps, s)
	}
	return fmtBatches(steps)
}

// TestNoteMadeWhileASaveWaitsIsJournaled is the case of the issue: a check's save is
// still waiting (for the lock), and a note is added meanwhile. "Note added." comes with
// a command that journals the note; the next save, once the first ends, carries it.
func TestNoteMadeWhileASaveWaitsIsJournaled(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	next, waiting := m.Update(keyMsg("space"))
	m = next.(Model)
	if waiting == nil || m.inFlight != 1 {
		t.Fatalf("the check started no save (in flight %d)", m.inFlight)
	}
	m = typeText(t, press(t, m, "n"), "evidence: OPS-2")
	next, cmd := m.Update(keyMsg("enter"))
	m = next.(Model)
	if !strings.Contains(m.View(), "Note added.") {
		t.Fatalf("the note was not added:\n%s", m.View())
	}
	var journaled []tea.Msg
	for _, msg := range run(t, cmd) {
		if _, ok := msg.(journaledMsg); ok {
			journaled = append(journaled, msg)
		}
	}
	if len(journaled) != 1 || len(store.journaled) != 1 || store.journaled[0][0].Text != "evidence: OPS-2" {
		t.Fatalf("the note queued behind the save was not journaled: %d messages, journal %v", len(journaled), store.journaled)
	}
	if store.calls != 0 {
		t.Fatalf("%d saves ran; the first is still waiting", store.calls)
	}
	m = deliver(t, m, journaled[0])
	for _, msg := range run(t, waiting) {
		m = deliver(t, m, msg)
	}
	rec := store.snapshot().Key("snowflake").Current.Steps["login"]
	if rec == nil || rec.CheckedAt == nil || rec.Note != "evidence: OPS-2" || len(m.pending) != 0 {
		t.Errorf("after both saves: %+v, %d pending", rec, len(m.pending))
	}
	if len(store.journaled) != 1 {
		t.Errorf("journaled %d times; the note's own save carries it", len(store.journaled))
	}
}

// A journal that cannot be written is said, while no failed save says more.
func TestJournalFailureIsSaid(t *testing.T) {
	store := newMemStore()
	store.journalFail = errors.New("no space left on device")
	m := newTestModel(t, store, Options{Query: "snowflake"})
	next, _ := m.Update(keyMsg("space"))
	m = next.(Model)
	m = typeText(t, press(t, m, "n"), "OPS-2")
	next, cmd := m.Update(keyMsg("enter"))
	m = next.(Model)
	for _, msg := range run(t, cmd) {
		if _, ok := msg.(journaledMsg); ok {
			next, _ = m.Update(msg)
			m = next.(Model)
		}
	}
	if !m.statusErr || !strings.Contains(m.status, "Not stored yet (no space left on device)") {
		t.Errorf("status %q (error %v)", m.status, m.statusErr)
	}
}
