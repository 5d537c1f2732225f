package ui

import (
	"errors"
	"io/fs"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/state"
)

// The root's side of saving and reloading: the save queue keeps the books
// (savequeue.go); here the root tells on the status line what happened, refreshes the
// screens and, while quitting, ends the program once nothing is left running.

// storage handles a message from the store's commands (save, load, watch, keep).
func (m Model) storage(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case fileChangedMsg:
		return m, m.reload()
	case stateLoadedMsg:
		return m.onLoaded(msg), nil
	case saveDoneMsg:
		return m.onSaveDone(msg)
	case saveFailedMsg:
		return m.onSaveFailed(msg)
	case textKeptMsg:
		return m.onTextKept(msg)
	case retrySaveMsg:
		return m, m.startSave()
	case journaledMsg:
		return m.onJournaled(msg)
	}
	return m, nil
}

// record applies changes on screen at once and queues them for saving. They are one
// action: if any is refused, none is recorded. recorded is false when nothing
// changed (every change was a no-op on the state as this instance knows it).
func (m Model) record(changes ...state.Change) (next Model, cmd tea.Cmd, recorded bool) {
	q, recorded, err := m.saveQueue.add(changes)
	if err != nil {
		m.status, m.statusErr, m.statusLocal = err.Error(), true, true
		return m, nil, false
	}
	if !recorded {
		return m, nil, false
	}
	m.saveQueue = q
	if !m.c.savesFailing {
		// While saves fail, their failure stays said: this change is not on disk either.
		m.status, m.statusErr, m.statusLocal = "", false, false
	}
	m = m.refresh()
	// Either a save starts and carries them, or one is under way and they are
	// journaled behind it: either way they are on disk in moments.
	cmd = tea.Batch(m.startSave(), m.journalQueued())
	return m, cmd, true
}

// refresh recomputes what the screens show from the saved state and pending changes.
func (m Model) refresh() Model {
	m.recompute()
	m.sources = m.sources.setState(m.current)
	if m.screen == checklistScreen {
		m.checklist = m.checklist.setState(m.current)
	}
	return m
}

func (m Model) onLoaded(msg stateLoadedMsg) Model {
	if msg.err != nil {
		m.status, m.statusErr = "Cannot re-read progress: "+msg.err.Error(), true
		return m
	}
	var newer bool
	if m.saveQueue, newer = m.loaded(msg); newer {
		m.status, m.statusErr = "Progress was changed by another rotatetui; showing it.", false
		m = m.refresh()
	}
	return m
}

func (m Model) onSaveDone(msg saveDoneMsg) (Model, tea.Cmd) {
	var out saveOutcome
	m.saveQueue, out = m.saveDone(msg)
	m.c.savesFailing = false
	if m.statusErr {
		m.status, m.statusErr = "Saved. All progress is stored again.", false
	}
	for _, u := range out.void {
		// Nothing was undone after all, unless the status line has moved on since.
		if m.status == u.status && !m.statusErr {
			m.status = u.ifNothing
		}
	}
	if out.dropped.told != "" {
		m.status, m.statusErr = out.dropped.told, true
	}
	m = m.refresh()
	keep := m.keep(out.dropped)
	if m.quitting && len(m.pending) == 0 && !m.busy() {
		return m, tea.Quit
	}
	return m, tea.Batch(keep, m.startSave())
}

// onJournaled takes in the end of a journal of changes queued behind a save, and starts
// their save if it waited for it.
func (m Model) onJournaled(msg journaledMsg) (Model, tea.Cmd) {
	m.saveQueue = m.journalDone()
	if msg.err != nil && !m.statusErr {
		// A failing save says more; this is only said while none has failed.
		m.status, m.statusErr, m.statusLocal = "Not stored yet ("+saveProblem(msg.err)+"): kept in memory until the save under way ends.", true, false
	}
	cmd := m.startSave()
	if cmd == nil && m.quitting && !m.busy() {
		return m, tea.Quit
	}
	return m, cmd
}

func (m Model) onTextKept(msg textKeptMsg) (Model, tea.Cmd) {
	m.saveQueue = m.textKept()
	// Not kept: the status line holds the only copy of the text, so it is shown again.
	m.status, m.statusErr = msg.dropped.told, true
	if msg.err == nil {
		m.status = msg.dropped.ifKept
	}
	if m.quitting && !m.busy() {
		return m, tea.Quit // what is still pending, after a failed save, main rescues
	}
	return m, nil
}

func (m Model) onSaveFailed(msg saveFailedMsg) (Model, tea.Cmd) {
	var attempt int
	m.saveQueue, attempt = m.saveFailed()
	m.c.savesFailing = true
	m.status = "Not saved (" + saveProblem(msg.err) + "). Kept in memory; retrying."
	m.statusErr, m.statusLocal = true, false
	if m.quitting {
		// One more try was made on the way out; main reports what is still unsaved,
		// once a dropped note's text is kept.
		if m.busy() {
			return m, nil
		}
		return m, tea.Quit
	}
	return m, retryAfter(m.c.effects, attempt)
}

// saveProblem says why a save failed in the few words the status line has room for: the
// full error starts with the state file's path, which pushed the reason off the line.
func saveProblem(err error) string {
	switch {
	case errors.Is(err, state.ErrLockHeld):
		return "another rotatetui is holding the lock"
	case errors.Is(err, state.ErrNewerVersion):
		// Retrying cannot help; what is kept in memory goes to the rescue file on quit.
		return "a newer rotatetui upgraded the store; upgrade this one"
	case errors.Is(err, state.ErrUnreachable):
		return state.ErrUnreachable.Error()
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "the disk is full"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: " + err.Error()
	}
	return err.Error()
}
