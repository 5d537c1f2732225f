package ui

import (
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/state"
)

// Store is what the UI needs from the progress store. ApplyEach takes the lock, re-reads
// the file, applies the changes, writes atomically and returns the state now on disk,
// so changes made meanwhile by another rotatetui are kept and become visible here. It
// also reports which changes took effect: an undo does not when another rotatetui
// changed its step first.
//
// Journal puts changes in the store's journal without saving them, fsynced: the UI
// journals the changes made while a save is under way, which that save does not carry,
// so a kill -9 before their own save loses none of what the screen shows as made (see
// state.Store.Journal). Their save, later, forgets the journal's copy.
type Store interface {
	ApplyEach(changes ...state.Change) (*state.State, []bool, error)
	Load() (*state.State, error)
	Journal(changes ...state.Change) error
}

// An event is what a screen's update hands back to the root for it to act on at once
// (switching screens, recording a change). Events are not messages: they never wait in
// the program's queue behind keystrokes typed meanwhile.
type event interface{ isEvent() }

// openKeyEvent: the source list opened the key at this index of its keys.
type openKeyEvent struct{ index int }

// backEvent: the checklist was left.
type backEvent struct{}

// changeEvent: the checklist changed progress (one action may need several changes,
// e.g. a check and its wait); status, if set, says so in the status line, and
// ifNothing, if set, is said instead when none of the changes applies any more.
type changeEvent struct {
	changes   []state.Change
	status    string
	ifNothing string
}

// statusEvent: something to tell the user in the status line.
type statusEvent struct {
	text  string
	isErr bool
}

func (openKeyEvent) isEvent() {}
func (backEvent) isEvent()    {}
func (changeEvent) isEvent()  {}
func (statusEvent) isEvent()  {}

// saveDoneMsg is sent by saveCmd when the first count pending changes are on disk;
// state is the file as it is after the save, and applied[i] tells whether the i-th
// change took effect on it.
type saveDoneMsg struct {
	state   *state.State
	count   int
	applied []bool
}

// saveFailedMsg is sent by saveCmd when a save failed; the changes stay pending.
type saveFailedMsg struct {
	err   error
	count int
}

// journaledMsg is sent by journalCmd once the changes it was given are in the journal,
// or could not be put there (err).
type journaledMsg struct{ err error }

// fileChangedMsg is sent by waitForChange when the state file changed on disk, by
// another rotatetui or by our own save.
type fileChangedMsg struct{}

// stateLoadedMsg is sent by loadCmd with the state file as it is now. seq is the save
// count when the load started: a save that finished meanwhile makes the load stale.
type stateLoadedMsg struct {
	state *state.State
	err   error
	seq   int
}

// waitForChange waits for the next notification from the store's watcher. Blocking on
// the channel costs nothing while idle.
func waitForChange(changes <-chan struct{}) tea.Cmd {
	if changes == nil {
		return nil
	}
	return func() tea.Msg {
		if _, ok := <-changes; !ok {
			return nil
		}
		return fileChangedMsg{}
	}
}

// endSignalMsg says the program was told to end by a signal (see endOnSignals).
type endSignalMsg struct{ signal os.Signal }

// pendingWorkMsg carries a reminder of work waiting outside the screen.
type pendingWorkMsg struct{ reminder string }

// pendingWorkCmd asks find for such a reminder, off the UI loop: it may read directories.
func pendingWorkCmd(find func() string) tea.Cmd {
	if find == nil {
		return nil
	}
	return func() tea.Msg {
		if reminder := find(); reminder != "" {
			return pendingWorkMsg{reminder: reminder}
		}
		return nil
	}
}

// textKeptMsg says whether the text of dropped changes was kept (see Options.KeepText).
type textKeptMsg struct {
	dropped droppedChanges
	err     error
}

// keepTextCmd keeps the text of dropped changes, off the UI loop: it writes a file.
func keepTextCmd(keep func([]state.Change) error, dropped droppedChanges) tea.Cmd {
	return func() tea.Msg {
		return textKeptMsg{dropped: dropped, err: keep(dropped.text)}
	}
}

// loadCmd re-reads the state file.
func loadCmd(store Store, seq int) tea.Cmd {
	return func() tea.Msg {
		st, err := store.Load()
		return stateLoadedMsg{state: st, err: err, seq: seq}
	}
}

// resumedMsg is sent when the program is back after ctrl+z; err says why it never
// stopped.
type resumedMsg struct{ err error }

// suspension runs a suspend through tea.Exec, which stops Bubble Tea's input reader
// meanwhile and starts it again after: an ExecCommand that runs no program.
type suspension func() error

func (s suspension) Run() error        { return s() }
func (suspension) SetStdin(io.Reader)  {}
func (suspension) SetStdout(io.Writer) {}
func (suspension) SetStderr(io.Writer) {}

// retrySaveMsg is sent by a timer after a failed save, to try again.
type retrySaveMsg struct{}

// forceQuitMsg is sent by a timer after quit was asked for while a save was still
// running, so a hung disk cannot keep the program open forever.
type forceQuitMsg struct{}

// saveCmd writes changes through the store off the UI goroutine. It captures its own
// copy of the slice, never the model.
func saveCmd(store Store, changes []state.Change) tea.Cmd {
	batch := append([]state.Change(nil), changes...)
	return func() tea.Msg {
		st, applied, err := store.ApplyEach(batch...)
		if err != nil {
			return saveFailedMsg{err: err, count: len(batch)}
		}
		return saveDoneMsg{state: st, count: len(batch), applied: applied}
	}
}

// journalCmd journals changes that wait for the save under way to end, off the UI
// goroutine: it writes and fsyncs a file. It captures its own copy of the slice.
func journalCmd(store Store, changes []state.Change) tea.Cmd {
	batch := append([]state.Change(nil), changes...)
	return func() tea.Msg {
		return journaledMsg{err: store.Journal(batch...)}
	}
}

// retryAfter schedules the next attempt of a failed save, backing off up to 30 s.
func retryAfter(fx Effects, attempt int) tea.Cmd {
	delay := time.Second << min(attempt, 5)
	return fx.Tick(min(delay, 30*time.Second), func(time.Time) tea.Msg { return retrySaveMsg{} })
}
