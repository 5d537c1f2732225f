package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The journal keeps a batch of changes on disk from before a save waits for the lock
// until it is saved: what the screen shows as done survives a kill -9 even while
// another rotatetui holds the lock. Each batch is one entry, a file in the directory
// .<state file>.journal beside the state file, in the format of a rescue file (0600,
// fsynced). The process that wrote an entry holds a lock on it (flock) for as long
// as the entry is its own to settle; the kernel drops that lock when the process
// dies. An entry nobody holds is an orphan: the next save applies its changes like a
// restored rescue file (only where nothing newer was recorded since, see
// Change.OnlyIfLatest) before its own, and removes it, and Load shows them already.
// A caller that has to hold changes back until an earlier save ends journals them
// meanwhile with [Store.Journal].

// journalEntry is an entry written by this process, locked for as long as f is open.
// changes are its changes, each as written (JSON), so a save can tell whether it
// carried them all (see carriedBy). The entry of a save that could not be written
// has no file: it only names the save's changes, for settle.
type journalEntry struct {
	path    string
	f       *os.File
	changes []string
}

// written reports whether the entry is on disk.
func (e *journalEntry) written() bool { return e != nil && e.f != nil }

// carriedBy reports whether every change of the entry is in batch, the changes of a
// save each as written (JSON), as many times as the entry has it.
func (e *journalEntry) carriedBy(batch map[string]int) bool {
	left := maps.Clone(batch)
	for _, c := range e.changes {
		if left[c] == 0 {
			return false
		}
		left[c]--
	}
	return true
}

// encodeEach writes each change as JSON, as an entry holds it.
func encodeEach(changes []Change) ([]string, error) {
	out := make([]string, len(changes))
	for i, c := range changes {
		data, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		out[i] = string(data)
	}
	return out, nil
}

// discard removes the entry: its changes are saved, or given up on.
func (e *journalEntry) discard() {
	if !e.written() {
		return
	}
	_ = os.Remove(e.path)
	_ = e.f.Close() // after the removal: until then, nobody else may take it for an orphan
}

// heldEntries are the entries a store holds beyond a save: those of failed saves it
// keeps (see WithJournalKept) and those written by [Store.Journal].
type heldEntries struct {
	mu      sync.Mutex
	entries []*journalEntry
}

// WithJournalKept is for a caller that, like the UI, keeps the changes of a save that
// failed and sends them again with its next save: the journal entry of a failed save
// is kept, still held by this process, until a later save of the store succeeds or
// [Store.Forget] is called, so a kill -9 in between leaves the changes for the next
// save to apply. Without it, a failed save leaves nothing behind: its caller was told
// nothing was saved.
func WithJournalKept() Option {
	return func(s *Store) { s.keepFailed = true }
}

// Forget drops the journal entries this store holds: those it kept for saves that
// failed (see [WithJournalKept]) and those of [Store.Journal]. Call it once their
// changes are safe elsewhere, such as in a rescue file, or given up on.
func (s *Store) Forget() {
	s.held.mu.Lock()
	defer s.held.mu.Unlock()
	for _, e := range s.held.entries {
		e.discard()
	}
	s.held.entries = nil
}

// settle deals with this process's entries once a save of changes has ended: on
// success its own goes, and so does every held entry all of whose changes it carried
// (sent again after a failure, or journaled while an earlier save was running); an
// entry of changes it did not carry, still waiting for their save, stays. On failure
// its own goes, unless the store keeps failed ones.
func (s *Store) settle(own *journalEntry, err error) {
	if err == nil {
		own.discard()
		if own != nil {
			s.forgetCarried(own.changes)
		}
		return
	}
	if !own.written() || !s.keepFailed || errors.Is(err, ErrInvalidChange) {
		own.discard()
		return
	}
	s.held.mu.Lock()
	s.held.entries = append(s.held.entries, own)
	s.held.mu.Unlock()
}

// forgetCarried discards the held entries all of whose changes are among enc, the
// changes a save has just made, each as written (JSON).
func (s *Store) forgetCarried(enc []string) {
	s.held.mu.Lock()
	defer s.held.mu.Unlock()
	if len(s.held.entries) == 0 {
		return
	}
	batch := map[string]int{}
	for _, c := range enc {
		batch[c]++
	}
	kept := s.held.entries[:0]
	for _, e := range s.held.entries {
		if e.carriedBy(batch) {
			e.discard()
		} else {
			kept = append(kept, e)
		}
	}
	clear(s.held.entries[len(kept):])
	s.held.entries = kept
}

// hold keeps e until a save carries its changes, or Forget.
func (s *Store) hold(e *journalEntry) {
	s.held.mu.Lock()
	s.held.entries = append(s.held.entries, e)
	s.held.mu.Unlock()
}

// Journal writes changes to a new entry of the journal without saving them, for a
// caller that must wait before it can save them, such as the UI while an earlier save
// is still waiting for the lock: from the moment Journal returns, a kill -9 does not
// lose them (the next save applies them, like those of any entry its process left).
// The entry is held by this process until a save of this store that carries all of its
// changes succeeds, or [Store.Forget]. A change that is journaled twice, here and by
// the save that then carries it, is harmless: a journaled change applies only where
// nothing was recorded since (see Change.OnlyIfLatest), and once applied it changes
// nothing the second time. Unlike the journal a save writes, Journal says when it
// could not write the entry: the changes are then only in its caller's memory.
func (s *Store) Journal(changes ...Change) error {
	if len(changes) == 0 {
		return nil
	}
	if err := s.fsys.MkdirAll(s.dir(), 0o700); err != nil {
		return s.journalErr(err)
	}
	r, err := s.resolved()
	if err != nil {
		return err
	}
	e, err := r.newEntry(changes)
	if err != nil {
		return s.journalErr(err)
	}
	if e != nil {
		s.hold(e)
	}
	return nil
}

// journalErr names the state file whose journal could not be written.
func (s *Store) journalErr(err error) error {
	return fmt.Errorf("journal of %s: %w", s.path, err)
}

func (s *Store) journalDir() string {
	return filepath.Join(s.dir(), "."+filepath.Base(s.file())+".journal")
}

// journal writes changes to a new entry and returns it, held. It is best effort: when
// the entry cannot be written (a full disk), the save goes on without one, as it
// would have before there was a journal, and the entry returned only names the
// changes (see settle).
func (s *Store) journal(changes []Change) *journalEntry {
	if e, err := s.newEntry(changes); err == nil && e != nil {
		return e
	}
	enc, _ := encodeEach(changes) // cannot fail once validated; if it did, settle forgets nothing
	return &journalEntry{changes: enc}
}

// newEntry writes changes to a new entry and returns it, held; nil without an error
// when there is nothing to journal (or the test hook that turns the lock off is set).
func (s *Store) newEntry(changes []Change) (*journalEntry, error) {
	if len(changes) == 0 || s.noLock {
		return nil, nil
	}
	for _, c := range changes {
		if err := c.validate(); err != nil {
			return nil, err // refused anyway, and its text may be a secret: never on disk
		}
	}
	dir := s.journalDir()
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	if err := ownDir(dir, true); err != nil {
		return nil, err
	}
	enc, err := encodeEach(changes)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(Rescue{StateFile: s.file(), WrittenAt: time.Now(), Changes: changes})
	if err != nil {
		return nil, err
	}
	// Written under a temporary name and renamed, so an entry is never seen half
	// written; the lock travels with the open file.
	tmp := filepath.Join(dir, ".tmp-"+randomHex(8))
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	name := filepath.Join(dir, fmt.Sprintf("%020d-%s.json", time.Now().UnixNano(), randomHex(4)))
	if err := writeEntry(f, data, tmp, name); err != nil {
		_ = os.Remove(tmp)
		_ = f.Close()
		return nil, err
	}
	return &journalEntry{path: name, f: f, changes: enc}, nil
}

// writeEntry locks f, writes data to it durably and renames it from tmp to name.
func writeEntry(f *os.File, data []byte, tmp, name string) error {
	if held, err := tryLockFile(f); err != nil || !held {
		return errors.Join(err, errors.New("not locked"))
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	return (OSFS{}).SyncDir(filepath.Dir(name))
}

// orphan is an entry nobody holds, read.
type orphan struct {
	path    string
	changes []Change
}

// orphans returns the entries of processes that died before settling them, oldest
// first, and the paths of temporary files they left half written. Entries that are
// not ours, or not for this state file, are left alone.
func (s *Store) orphans() (found []orphan, stray []string) {
	dir := s.journalDir()
	names, err := os.ReadDir(dir)
	if err != nil || len(names) == 0 || ownDir(dir, true) != nil {
		return nil, nil
	}
	for _, e := range names { // ReadDir sorts by name: by time written
		p := filepath.Join(dir, e.Name())
		r, held := readEntry(p)
		switch {
		case held:
		case strings.HasPrefix(e.Name(), ".tmp-"):
			stray = append(stray, p)
		case r != nil && r.For(s.file()):
			found = append(found, orphan{p, r.Changes})
		}
	}
	return found, stray
}

// readEntry reads the entry at p unless a live process holds it (held), as ReadRescue
// reads a rescue file: r is nil for one that cannot be read or is not ours.
func readEntry(p string) (r *Rescue, held bool) {
	f, err := os.OpenFile(p, os.O_RDONLY|openNonBlock|openNoFollow, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if ok, err := tryLockFile(f); err != nil || !ok {
		return nil, err == nil
	}
	fi, err := f.Stat()
	if err != nil || trustRescue(fi) != nil || fi.Size() > DefaultMaxFileSize {
		return nil, false
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, false
	}
	r = new(Rescue)
	if decodeStrict(buf.Bytes(), r, true) != nil {
		return nil, false
	}
	return r, false
}

// replay applies the changes of orphan entries to st, as restore applies a rescue
// file, and reports whether that changed anything.
func replay(st *State, orphans []orphan) (changed bool) {
	replayEach(st, orphans, func(Change) { changed = true })
	return changed
}

// replayEach is replay, calling applied with each change that took effect, as applied
// (a database store records an event for each).
func replayEach(st *State, orphans []orphan, applied func(Change)) {
	for _, o := range orphans {
		for _, c := range o.changes {
			c.OnlyIfLatest = true
			if staleReset(st, c) {
				continue
			}
			if ch, err := c.Apply(st); err == nil && ch {
				applied(c)
			}
		}
	}
}

// staleReset reports whether c is a reset made before the rotation now in progress
// started: the one it meant to abandon has ended since.
func staleReset(st *State, c Change) bool {
	if c.Kind != Reset || c.Started != nil {
		return false
	}
	ss := st.Key(c.Key)
	return ss != nil && ss.Current != nil && ss.Current.StartedAt.After(c.At)
}

// removeAll removes the files of the orphans replayed and the stray temporary files,
// once what they held is saved.
func removeAll(orphans []orphan, stray []string) {
	for _, o := range orphans {
		_ = os.Remove(o.path)
	}
	for _, p := range stray {
		_ = os.Remove(p)
	}
}

// Recover saves the changes journaled by rotatetui processes that were killed before
// they could save them, and reports how many batches it saved. Call it when starting
// to work on the state file: every save does it too, and Load shows them already.
func (s *Store) Recover() (int, error) {
	r, err := s.resolved()
	if err != nil {
		return 0, err
	}
	if found, stray := r.orphans(); len(found) == 0 && len(stray) == 0 {
		return 0, nil // don't take the lock just to look
	}
	_, _, n, err := s.save(nil)
	return n, err
}
