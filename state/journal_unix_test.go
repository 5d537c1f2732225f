//go:build unix

package state

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func journalNames(t *testing.T, path string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".journal"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// holdLock holds the lock of the state file at path until the test ends.
func holdLock(t *testing.T, path string) {
	t.Helper()
	unlock := lockState(t, path)
	t.Cleanup(func() { unlock() })
}

// A save that succeeds, or fails in a store that does not keep its journal, leaves no
// journal entry behind: its caller knows where its changes stand.
func TestJournalSettledBySave(t *testing.T) {
	store, path := newTestStore(t, WithLockTimeout(50*time.Millisecond))
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries after a save: %v", n)
	}
	if _, err := store.Apply(Change{Kind: Check, Key: "src", Step: "zz", Steps: keys, At: at(2)}); err == nil {
		t.Fatal("an invalid change was saved")
	}
	holdLock(t, path)
	if _, err := store.Apply(ch(Check, "b", 2)); err == nil {
		t.Fatal("saved while the lock was held")
	}
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries after failed saves: %v", n)
	}
}

// A store that keeps the journal of a failed save (as the UI does) holds its entry, so
// nobody else applies it while it lives, until a later save succeeds or Forget.
func TestJournalKeptUntilSavedOrForgotten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if _, err := NewStore(path).Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	store := NewStore(path, WithLockTimeout(50*time.Millisecond), WithJournalKept())
	unlock := lockState(t, path)
	if _, err := store.Apply(ch(Check, "b", 2)); err == nil {
		t.Fatal("saved while the lock was held")
	}
	if n := journalNames(t, path); len(n) != 1 {
		t.Fatalf("entries after a failed save: %v, want 1", n)
	}
	if st, err := NewStore(path).Load(); err != nil || st.Key("src").Current.Checked("b") {
		t.Errorf("the entry of a live store was applied by another (%v)", err)
	}
	unlock()
	if _, err := store.Apply(ch(Check, "b", 2), ch(Check, "c", 3)); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries after the retry was saved: %v", n)
	}

	holdLock(t, path)
	store.Apply(ch(Check, "d", 4))
	store.Forget()
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries after Forget: %v", n)
	}
}

// Orphans are applied oldest first, only where nothing newer was recorded, and a reset
// made before the rotation now in progress started does not abandon it.
func TestOrphanEntriesReplayedLikeARestore(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	plant := func(name string, changes ...Change) {
		t.Helper()
		dir := filepath.Join(filepath.Dir(path), ".state.json.journal")
		os.MkdirAll(dir, 0o700)
		data := []byte(rescueJSONOf(t, path, changes))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Oldest first: checked, then unchecked again later.
	plant("00000000000000000002-bbbbbbbb.json", ch(Check, "b", 2), ch(Uncheck, "b", 3))
	plant("00000000000000000001-aaaaaaaa.json", ch(Check, "b", 2))
	// Older than what the file holds: not applied over it.
	plant("00000000000000000003-cccccccc.json", Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(0), Text: "old"})
	plant("00000000000000000004-dddddddd.json", Change{Kind: Reset, Key: "src", At: at(0)})
	plant(".tmp-0123456789abcdef", ch(Check, "c", 9))
	if _, err := store.Apply(Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(1), Text: "new"}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	cur := st.Key("src").Current
	switch {
	case cur == nil || len(st.Key("src").History) != 0:
		t.Fatal("a reset older than the rotation abandoned it")
	case cur.Checked("b"):
		t.Error("b checked: the orphans were not applied oldest first")
	case cur.Steps["a"].Note != "new":
		t.Errorf("an older journaled note overwrote a newer one: %q", cur.Steps["a"].Note)
	case cur.Checked("c"):
		t.Error("a half-written entry was applied")
	}
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries left: %v", n)
	}
}

func rescueJSONOf(t *testing.T, statePath string, changes []Change) string {
	t.Helper()
	p, err := WriteRescue(statePath, changes)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	data, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(data), "state_file") {
		t.Fatal(err)
	}
	return string(data)
}

// A batch that will be refused is not journaled: a note that looks like a secret never
// reaches the disk, even while its save waits for the lock.
func TestRefusedBatchNotJournaled(t *testing.T) {
	store, path := newTestStore(t)
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	unlock := lockState(t, path)
	secret := Change{Kind: SetNote, Key: "src", Step: "a", Steps: keys, At: at(2), Text: "ghp_" + strings.Repeat("a1B2", 9)}
	done := make(chan error, 1)
	go func() { _, err := store.Apply(secret); done <- err }()
	time.Sleep(200 * time.Millisecond) // waiting for the lock by now
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("journal entries while waiting: %v", n)
	}
	unlock()
	if err := <-done; err == nil {
		t.Fatal("a secret was saved")
	}
}

// note is a note on step key of "src" made at minute min.
func note(key string, min int, text string) Change {
	c := ch(SetNote, key, min)
	c.Text = text
	return c
}

// A batch journaled without saving it (as the UI does for changes made while a save is
// under way) is held until a save that carries it succeeds: a save of other changes,
// even one that succeeds, leaves it, since its changes are still waiting for their own.
// So does a successful retry of a failed save, which forgets only the failed entry.
func TestJournalHeldUntilASaveCarriesIt(t *testing.T) {
	store, path := newTestStore(t, WithLockTimeout(50*time.Millisecond), WithJournalKept())
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	queued := note("b", 2, "evidence: OPS-2")
	if err := store.Journal(queued); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 1 {
		t.Fatalf("entries after Journal: %v, want 1", n)
	}
	if st, err := NewStore(path).Load(); err != nil || st.Key("src").Current.Steps["b"] != nil {
		t.Errorf("a journaled batch of a live store was applied by another (%v)", err)
	}
	if _, err := store.Apply(ch(Check, "c", 3)); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 1 {
		t.Fatalf("entries after a save of other changes: %v; the journaled batch must stay until it is saved", n)
	}

	unlock := lockState(t, path)
	failed := ch(Uncheck, "c", 4)
	if _, err := store.Apply(failed); err == nil {
		t.Fatal("saved while the lock was held")
	}
	unlock()
	if n := journalNames(t, path); len(n) != 2 {
		t.Fatalf("entries after a failed save: %v, want 2", n)
	}
	if _, err := store.Apply(failed); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 1 {
		t.Fatalf("entries after the failed save was retried: %v, want the journaled batch's alone", n)
	}
	if _, err := store.Apply(queued, ch(Check, "a", 5)); err != nil {
		t.Fatal(err)
	}
	if n := journalNames(t, path); len(n) != 0 {
		t.Errorf("entries after the journaled batch was saved: %v", n)
	}
}

// abandon lets go of the entries store holds as a kill -9 would: their files stay, and
// nobody holds them any more.
func abandon(store *Store) {
	store.held.mu.Lock()
	defer store.held.mu.Unlock()
	for _, e := range store.held.entries {
		_ = e.f.Close()
	}
	store.held.entries = nil
}

// A change journaled twice (by Journal, and by the save that carries it, both cut short
// by a kill) is made once: replayed, it applies only where nothing was recorded since,
// and the second time it finds it made already.
func TestJournaledTwiceIsHarmless(t *testing.T) {
	store, path := newTestStore(t, WithJournalKept())
	if _, err := store.Apply(ch(Check, "a", 1)); err != nil {
		t.Fatal(err)
	}
	batch := []Change{ch(Check, "b", 2), note("b", 2, "evidence: OPS-2"), ch(Uncheck, "b", 3), note("a", 2, "older")}
	for range 2 {
		if err := store.Journal(batch...); err != nil {
			t.Fatal(err)
		}
	}
	// Recorded after the journaled note on a, by another rotatetui.
	if _, err := NewStore(path).Apply(note("a", 4, "newer")); err != nil {
		t.Fatal(err)
	}
	abandon(store)

	again := NewStore(path)
	if n, err := again.Recover(); err != nil || n != 2 {
		t.Fatalf("Recover = %d, %v; want both entries saved", n, err)
	}
	st, err := again.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := New()
	mustApply(t, want, ch(Check, "a", 1), note("a", 4, "newer"), ch(Check, "b", 2), note("b", 2, "evidence: OPS-2"), ch(Uncheck, "b", 3))
	if got, exp := st.Key("src").Current.Steps, want.Key("src").Current.Steps; !reflect.DeepEqual(got, exp) {
		t.Errorf("after replaying the batch twice:\n got %s\nwant %s", dumpSteps(got), dumpSteps(exp))
	}
}

func dumpSteps(steps map[string]*StepRecord) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(steps)) {
		r := steps[k]
		fmt.Fprintf(&b, "%s{checked %v note %q noted %v} ", k, r.CheckedAt != nil, r.Note, r.NotedAt)
	}
	return b.String()
}

// TestQueuedBehindAWaitingSaveSurvivesKill is the UI's case: another process holds the
// lock, a first save waits for it (journaled), a second batch made meanwhile is
// journaled without saving (Journal), and the process is killed -9. Both batches are
// there when the file is opened again.
func TestQueuedBehindAWaitingSaveSurvivesKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if _, err := NewStore(path).Apply(ch(Check, "a", 0)); err != nil {
		t.Fatal(err)
	}
	holder, hout, _ := helper(t, "holder", path)
	expectLine(t, hout, "locked")
	saver, sout, _ := helper(t, "journal-behind", path)
	expectLine(t, sout, "saving")
	expectLine(t, sout, "journaled: true")
	kill(t, saver, holder)
	expectRecovered(t, path, "evidence: OPS-2", 2)
}
