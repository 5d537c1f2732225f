package ui

import (
	"fmt"
	"reflect"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// saveQueue is the root's side of the store: the state as last read from or written to
// disk, the changes made on screen since, and the one save at a time that carries them
// there. What the screens show (current) is the saved state with the pending changes
// applied on top, so nothing waits on the disk, and a failed save loses nothing: its
// changes stay pending and the next attempt carries them.
//
// Nothing the screens show as made waits in memory alone: a save journals its batch
// before it waits for the lock (see state.Store.ApplyEach), and the changes made while
// it runs, which it does not carry, are journaled behind it (journalQueued) while they
// wait for the next save. The limit left is the instant between a key press and the
// journal's fsync (a few milliseconds, more on a slow disk): the screen shows the change
// at once, and a kill -9 within that instant loses it.
//
// The queue keeps the books and decides nothing about the status line: each method
// returns what happened, and the root says it (see storage.go).
type saveQueue struct {
	store   Store
	actor   string           // recorded with every change (Options.Actor)
	catalog *catalog.Catalog // names the steps of dropped changes

	saved    *state.State   // as last read from or written to disk
	pending  []state.Change // applied on screen, not yet confirmed on disk
	current  *state.State   // saved with pending applied: what the screens show
	inFlight int            // how many of pending the running save carries
	attempts int            // consecutive failed saves
	saves    int            // saves completed, to spot reloads overtaken by a save
	queued   int            // changes ever queued for saving (pending or saved)
	settled  int            // of those, the ones a save has carried
	undos    []sentUndo     // undos not yet settled by a save

	// journaled is how many of pending are in the journal, carried by the running save
	// or journaled behind it; journaling counts the journalCmds running, which the next
	// save waits for, so that its success settles their entries (see journalQueued).
	journaled, journaling int

	changes  <-chan struct{}            // the store's notifications (Options.Changes)
	keepText func([]state.Change) error // see Options.KeepText
	keeping  int                        // keepTextCmds running: quitting waits for them
}

func newSaveQueue(opts Options) saveQueue {
	return saveQueue{
		store:    opts.Store,
		actor:    opts.Actor,
		catalog:  opts.Catalog,
		saved:    opts.State,
		current:  opts.State,
		changes:  opts.Changes,
		keepText: opts.KeepText,
	}
}

// add applies changes to current and queues those that change something, stamped with
// the actor. They are one action: if any is refused (err), none is queued. recorded is
// false when nothing changed (every change was a no-op on the state as this instance
// knows it). The caller starts the save (startSave).
func (q saveQueue) add(changes []state.Change) (next saveQueue, recorded bool, err error) {
	st := q.current.Clone()
	var kept []state.Change
	for _, c := range changes {
		c.By = q.actor
		changed, err := c.Apply(st)
		if err != nil {
			return q, false, err
		}
		if changed {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return q, false, nil
	}
	q.pending = append(q.pending, kept...)
	q.queued += len(kept)
	q.current = st
	return q, true, nil
}

// startSave writes every pending change in one batch unless a save is already running:
// saves go one at a time, in order.
func (q *saveQueue) startSave() tea.Cmd {
	if q.inFlight > 0 || q.journaling > 0 || len(q.pending) == 0 || q.store == nil {
		return nil
	}
	q.inFlight = len(q.pending)
	q.journaled = len(q.pending) // the save journals its batch before it waits for the lock
	return saveCmd(q.store, q.pending)
}

// journalQueued journals the pending changes that wait behind the running save, which
// does not carry them: until it ends, they would be in memory alone. The save that
// then carries them journals them again, which is harmless, and its success forgets
// both copies; it starts only once they are journaled (startSave waits for
// journaling), or the journal's copy could be written after it and outlive it.
func (q *saveQueue) journalQueued() tea.Cmd {
	if q.inFlight == 0 || q.journaled >= len(q.pending) || q.store == nil {
		return nil
	}
	batch := q.pending[q.journaled:]
	q.journaled = len(q.pending)
	q.journaling++
	return journalCmd(q.store, batch)
}

// journalDone takes in the end of a journalCmd; the caller starts the save that may
// have waited for it.
func (q saveQueue) journalDone() saveQueue {
	q.journaling--
	return q
}

// recompute sets current from the saved state and the pending changes.
func (q *saveQueue) recompute() {
	cur := q.saved
	if len(q.pending) > 0 {
		cur = q.saved.Clone()
		for _, c := range q.pending {
			// A change that no longer applies (another instance got there first) is
			// simply a no-op on the newer state.
			_, _ = c.Apply(cur)
		}
	}
	q.current = cur
}

// saveOutcome is what a finished save did beyond storing its changes: the changes it
// dropped for an ended rotation, and the undos it found had nothing left to undo (in
// the order they were sent).
type saveOutcome struct {
	dropped droppedChanges
	void    []sentUndo
}

// saveDone takes in a save of the first msg.count pending changes: they leave the
// queue, and msg.state is now what is on disk. The caller recomputes current.
func (q saveQueue) saveDone(msg saveDoneMsg) (saveQueue, saveOutcome) {
	q.saved = msg.state
	q.saves++
	out := saveOutcome{dropped: q.droppedForEndedRotation(q.pending[:msg.count], msg.applied)}
	q.pending = q.pending[msg.count:]
	q.journaled = max(q.journaled-msg.count, 0)
	q.inFlight, q.attempts = 0, 0
	q, out.void = q.settleUndos(msg.count, msg.applied)
	return q, out
}

// saveFailed takes in a failed save: its changes stay pending, for the next attempt.
// attempt counts the saves that failed in a row.
func (q saveQueue) saveFailed() (next saveQueue, attempt int) {
	q.inFlight = 0
	q.attempts++
	return q, q.attempts
}

// reload re-reads the state file after a notification, and waits for the next one.
func (q saveQueue) reload() tea.Cmd {
	return tea.Batch(loadCmd(q.store, q.saves), waitForChange(q.changes))
}

// loaded takes in a state file re-read without error; newer reports whether it shows
// something this instance did not know, in which case the caller recomputes current.
func (q saveQueue) loaded(msg stateLoadedMsg) (next saveQueue, newer bool) {
	if msg.seq != q.saves || q.inFlight > 0 {
		// A save finished or is running since this load began; its result is at
		// least as new, and its own write brings another notification.
		return q, false
	}
	if reflect.DeepEqual(msg.state, q.saved) {
		return q, false
	}
	q.saved = msg.state
	return q, true
}

// keep starts keeping the text of dropped changes, if they have any and there is a
// place for it (see Options.KeepText); textKept takes in the result.
func (q *saveQueue) keep(d droppedChanges) tea.Cmd {
	if len(d.text) == 0 || q.keepText == nil {
		return nil
	}
	q.keeping++
	return keepTextCmd(q.keepText, d)
}

// textKept takes in the end of a keep.
func (q saveQueue) textKept() saveQueue {
	q.keeping--
	return q
}

// busy reports whether a save, a journal or a keep is running: quitting waits for them.
func (q saveQueue) busy() bool { return q.inFlight > 0 || q.journaling > 0 || q.keeping > 0 }

// sentUndo is an undo recorded on screen and queued for saving. The save may find that
// another rotatetui changed the step first, and skip it (see state.Change.IfMark): the
// status line must not then keep saying it was undone.
type sentUndo struct {
	from, to  int    // its changes' places among the changes queued (see saveQueue.queued)
	status    string // what the status line said when it was recorded
	ifNothing string // what it says instead if none of its changes took effect
}

// undoSent remembers that the changes queued since from are an undo, which the status
// line announced with status (see sentUndo).
func (q saveQueue) undoSent(from int, status, ifNothing string) saveQueue {
	q.undos = append(q.undos, sentUndo{from: from, to: q.queued, status: status, ifNothing: ifNothing})
	return q
}

// settleUndos takes in a save of the next count queued changes, applied telling which
// took effect, and returns the undos it settled none of whose changes did.
func (q saveQueue) settleUndos(count int, applied []bool) (saveQueue, []sentUndo) {
	start := q.settled
	q.settled += count
	if len(q.undos) == 0 {
		return q, nil
	}
	var waiting, void []sentUndo
	for _, u := range q.undos {
		if u.to > q.settled {
			waiting = append(waiting, u)
			continue
		}
		tookEffect := false
		for i := max(u.from, start); i < u.to; i++ {
			tookEffect = tookEffect || i-start < len(applied) && applied[i-start]
		}
		if !tookEffect {
			void = append(void, u)
		}
	}
	q.undos = waiting
	return q, void
}

// droppedChanges are saved changes that did nothing because the rotation they were
// made for had ended (completed or abandoned in another rotatetui before this screen
// heard of it). They are recorded nowhere, so the person is told of the first, with a
// note's text (told), and the notes and skip reasons among them (text) are kept
// elsewhere if they can be; ifKept is what to tell then.
type droppedChanges struct {
	told, ifKept string
	text         []state.Change
}

// droppedForEndedRotation finds the droppedChanges among carried, as saved now. Undos
// are left to settleUndos.
func (q saveQueue) droppedForEndedRotation(carried []state.Change, applied []bool) droppedChanges {
	var d droppedChanges
	for i, c := range carried {
		if i >= len(applied) || applied[i] || !q.lostWithRotation(c) {
			continue
		}
		if c.Text != "" && (c.Kind == state.SetNote || c.Kind == state.Skip) {
			d.text = append(d.text, c)
		}
		if d.told != "" || c.Kind == state.SetWait { // a wait follows its check
			continue
		}
		d.told, d.ifKept = q.tellDropped(c)
	}
	return d
}

// lostWithRotation reports whether c, a change that did nothing, was a step's change
// made for a rotation that has ended and that left the step otherwise than c would
// have. Undos (guarded by IfMark or IfNote) are not: settleUndos tells of them.
func (q saveQueue) lostWithRotation(c state.Change) bool {
	if c.IfMark != nil || c.IfNote != nil || c.Step == "" {
		return false
	}
	ss := q.saved.Key(c.Key)
	if c.Started == nil {
		// Only a change that would have started a rotation: it did nothing when
		// someone else started one first (its IfUnclaimed guard).
		return c.IfUnclaimed && q.claimedByOther(ss, c) && !alreadySo(ss, c)
	}
	if ss != nil && ss.Current != nil && ss.Current.StartedAt.Equal(*c.Started) {
		return false // a no-op on the rotation still in progress: nothing was lost
	}
	// The other rotatetui may have left the step as this change would have.
	return !alreadySo(ss, c)
}

// tellDropped is what the status line says of the dropped change c: told, and ifKept
// once its text is kept elsewhere.
func (q saveQueue) tellDropped(c state.Change) (told, ifKept string) {
	what := q.stepTitle(c.Key, c.Step)
	lost, withText := "was not checked", ""
	switch c.Kind {
	case state.Uncheck:
		lost = "was not unchecked"
	case state.Skip:
		lost = "was not skipped"
	case state.Unskip:
		lost = "was not unskipped"
	case state.SetNote:
		lost, withText = "got no note", " ("+catalog.PrintableLine(c.Text)+")"
	}
	if ss := q.saved.Key(c.Key); q.claimedByOther(ss, c) {
		by := catalog.PrintableLine(state.WithholdActor(ss.Current.StartedBy))
		told = what + " " + lost + withText + ": " + by + " started rotating it first; open it to join their rotation."
		ifKept = what + " " + lost + ": " + by + " started rotating it first; rotatetui restore shows the text."
		return told, ifKept
	}
	told = what + " " + lost + withText + ": that rotation was finished or reset in another rotatetui."
	// Shorter, as the text is kept: the status line is one line.
	ifKept = what + " " + lost + ": another rotatetui ended that rotation; rotatetui restore shows the text."
	return told, ifKept
}

// claimedByOther reports whether the key of c, whose state is ss, is being rotated in
// a rotation someone other than this rotatetui's actor started, and not the one c was
// made for: c was then left undone by its IfUnclaimed guard, or because its rotation
// gave way to theirs.
func (q saveQueue) claimedByOther(ss *state.KeyState, c state.Change) bool {
	if ss == nil || ss.Current == nil || c.Started != nil && ss.Current.StartedAt.Equal(*c.Started) {
		return false
	}
	return claimOf(ss, ss.Current.StepKeys, q.actor) != nil
}

// stepTitle is how the status line names step of the key keyID (a change's Source is
// its key's id): "Step 2 of Snowflake · prod", or "Step login" when the catalog has no
// such key or step any more.
func (q saveQueue) stepTitle(keyID, step string) string {
	k, ok := q.catalog.FindKey(keyID)
	if !ok {
		return "Step " + step
	}
	src := sourceByID(q.catalog, k.Source)
	if src == nil {
		return "Step " + step
	}
	if n := indexOfKey(src.StepKeys(), step); n >= 0 {
		return fmt.Sprintf("Step %d of %s", n+1, k.Title(src))
	}
	return "Step " + step
}

// sourceByID is the catalog's source with this id, or nil. (catalog.Lookup also
// takes names, which could name another source.)
func sourceByID(cat *catalog.Catalog, id string) *catalog.Source {
	for i := range cat.Sources {
		if cat.Sources[i].ID == id {
			return &cat.Sources[i]
		}
	}
	return nil
}

// alreadySo reports whether the ended rotation a change was made for has the step as
// the change would have left it.
func alreadySo(ss *state.KeyState, c state.Change) bool {
	if ss == nil {
		return false
	}
	for i := range ss.History {
		if r := &ss.History[i]; r.StartedAt.Equal(*c.Started) {
			return leftAs(r.Steps[c.Step], c)
		}
	}
	return false
}

// leftAs reports whether rec, a step's record, is as the change c leaves it.
func leftAs(rec *state.StepRecord, c state.Change) bool {
	switch c.Kind {
	case state.Check:
		return rec != nil && rec.CheckedAt != nil
	case state.Uncheck:
		return rec == nil || rec.CheckedAt == nil
	case state.Skip:
		return rec != nil && rec.SkippedAt != nil && rec.SkipReason == c.Text
	case state.Unskip:
		return rec == nil || rec.SkippedAt == nil
	case state.SetNote:
		return rec != nil && rec.Note == c.Text || rec == nil && c.Text == ""
	}
	return false
}
