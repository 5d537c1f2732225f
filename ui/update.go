package ui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The root's update: what it handles itself (the window, the keys that work
// everywhere, the store's messages in storage.go, the end of the program), and the
// routing of everything else to the screen shown, whose events it then acts on.

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.helpWidth = m.c.bodyWidth() // as View draws it
		return m, nil
	case tea.KeyMsg:
		next, cmd, handled := m.rootKey(msg)
		if handled {
			return next, cmd
		}
		m = next
	case tea.MouseMsg:
		if m.tooSmall() {
			return m, nil // as keys: nothing acts unseen
		}
	case fileChangedMsg, stateLoadedMsg, saveDoneMsg, saveFailedMsg, textKeptMsg, retrySaveMsg, journaledMsg:
		return m.storage(msg)
	case resumedMsg:
		return m.resumed(msg), nil
	case statusMsg:
		return m.said(msg), nil
	case pendingWorkMsg:
		// It comes first: the notice shown at start (a permissions warning) stays after it.
		m.status, m.statusErr = strings.TrimSpace(msg.reminder+" "+m.status), true
		return m, nil
	case forceQuitMsg:
		return m, tea.Quit
	case endSignalMsg:
		return m.quit()
	}
	return m.route(msg)
}

// rootKey handles the keys that work on every screen; handled is false for the
// others, which go to the screen shown.
func (m Model) rootKey(msg tea.KeyMsg) (next Model, cmd tea.Cmd, handled bool) {
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		// Keys typed faster than one read (or sent by a script) arrive as one
		// message; each is still its own key press.
		next, cmd = m.splitKeys(msg)
		return next, cmd, true
	}
	// ctrl+c always quits, asking once when it would drop text being written; q
	// and ? are letters the filter input may be typing.
	asked := m.quitAsked
	m.quitAsked = false
	k := m.keys()
	switch {
	case key.Matches(msg, k.ForceQ):
		next, cmd = m.forceQuit(asked)
	case !m.typing() && key.Matches(msg, k.Quit):
		next, cmd = m.quit()
	case key.Matches(msg, k.Suspend):
		next, cmd = m, m.suspendCmd()
	case m.tooSmall():
		// The screen shows only "q quits": a key that checked a step or typed into
		// a note would act where nobody can see it.
		next = m
		if key.Matches(msg, k.Quit) {
			next, cmd = m.quit()
		}
	case !m.typing() && key.Matches(msg, k.Help):
		m.helpAll = !m.helpAll
		next = m
	default:
		return m, nil, false
	}
	return next, cmd, true
}

// forceQuit is ctrl+c: it quits, unless it would drop text being written and was not
// pressed just before (asked), in which case it says so first.
func (m Model) forceQuit(asked bool) (Model, tea.Cmd) {
	if what := m.unsavedText(); what != "" && !asked {
		m.quitAsked = true
		m.status, m.statusErr = strings.ToUpper(what[:1])+what[1:]+" not saved: enter saves it, esc drops it, ctrl+c again quits without it.", true
		return m, nil
	}
	return m.quit()
}

// keys is the key map of the screen shown (see sourcesModel.keys).
func (m Model) keys() *keyMap {
	if m.screen == sourcesScreen {
		return m.sources.keys()
	}
	return m.c.keys
}

// resumed tells of a ctrl+z that did not go as planned.
func (m Model) resumed(msg resumedMsg) Model {
	// Progress made elsewhere meanwhile arrives through the watcher, whose events
	// waited in the kernel.
	switch {
	case errors.Is(msg.err, errNoJobControl), errors.Is(msg.err, errNotHandedBack):
		m.status, m.statusErr = "Not suspended: "+msg.err.Error()+".", true
	case msg.err != nil:
		// Stopped and continued, but raw mode or the screen could not be set up
		// again: keys may echo until the program is restarted.
		m.status, m.statusErr = "Back from ctrl+z, but the terminal could not be set up again ("+msg.err.Error()+"); quit and start again.", true
	}
	return m
}

// said puts a command's message on the status line.
func (m Model) said(msg statusMsg) Model {
	if msg.source != "" && (m.screen != checklistScreen || m.checklist.key.ID != msg.source) {
		return m // said about a checklist that was left meanwhile
	}
	m.status, m.statusErr, m.statusLocal = msg.text, msg.isErr, msg.source != ""
	return m
}

// route hands msg to the screen shown and acts on the event it returns.
func (m Model) route(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	var ev event
	switch m.screen {
	case sourcesScreen:
		m.sources, cmd, ev = m.sources.update(msg)
	case checklistScreen:
		m.checklist, cmd, ev = m.checklist.update(msg)
	}
	if ev == nil {
		return m, cmd
	}
	// Events are handled now, not sent back as commands: the next keystroke must
	// already find the new screen and the new progress, however fast it comes.
	next, evCmd := m.handleEvent(ev)
	return next, tea.Batch(cmd, evCmd)
}

// splitKeys handles a burst of typed runes one key at a time.
func (m Model) splitKeys(burst tea.KeyMsg) (Model, tea.Cmd) {
	model := m
	var cmds []tea.Cmd
	for _, r := range burst.Runes {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: burst.Alt}
		if r == ' ' {
			k.Type = tea.KeySpace
		}
		var cmd tea.Cmd
		model, cmd = model.update(k)
		cmds = append(cmds, cmd)
	}
	return model, tea.Batch(cmds...)
}

// handleEvent acts on what a screen asked for.
func (m Model) handleEvent(ev event) (Model, tea.Cmd) {
	switch ev := ev.(type) {
	case openKeyEvent:
		return m.open(ev.index)
	case backEvent:
		m = m.leaveScreen()
		m.screen = sourcesScreen
		m.sources = m.sources.setState(m.current)
		return m, nil
	case changeEvent:
		return m.changed(ev)
	case statusEvent:
		m.status, m.statusErr, m.statusLocal = ev.text, ev.isErr, true
		return m, nil
	}
	return m, nil
}

// changed records what a screen changed, and says so.
func (m Model) changed(ev changeEvent) (Model, tea.Cmd) {
	next, cmd, recorded := m.record(ev.changes...)
	switch {
	case next.statusErr:
	case !recorded && ev.ifNothing != "":
		next.status, next.statusLocal = ev.ifNothing, true
	case ev.status != "":
		next.status, next.statusLocal = ev.status, true
	}
	if recorded && ev.ifNothing != "" && !next.statusErr {
		next.saveQueue = next.undoSent(m.queued, next.status, ev.ifNothing)
	}
	return next, cmd
}

// leaveScreen clears what the status line said about the screen being left: a message
// belongs to its moment, and "Note not changed." must not follow the user elsewhere.
func (m Model) leaveScreen() Model {
	if m.statusLocal {
		m.status, m.statusErr, m.statusLocal = "", false, false
	}
	return m
}

// unsavedText names the text being written and not yet saved (see prompt.unsaved), or
// "" when there is none.
func (m Model) unsavedText() string {
	if m.screen != checklistScreen {
		return ""
	}
	return m.checklist.prompt.unsaved()
}

// typing reports whether keystrokes are going into a text input or a question.
func (m Model) typing() bool {
	return m.screen == sourcesScreen && (m.sources.filtering || m.sources.recording >= 0) ||
		m.screen == checklistScreen && m.checklist.prompt.kind != noPrompt
}

// suspendCmd stops the program for the shell's job control (ctrl+z); fg brings it back.
func (m Model) suspendCmd() tea.Cmd {
	if m.c.suspend == nil {
		return tea.Suspend // Bubble Tea's renderer owns the terminal and puts it back itself
	}
	return tea.Exec(suspension(m.c.suspend), func(err error) tea.Msg { return resumedMsg{err: err} })
}

// quit ends the program once the save in flight, if any, is done. Pending changes that
// never reached the disk are returned by Run for the caller to deal with.
func (m Model) quit() (Model, tea.Cmd) {
	if m.busy() {
		if m.quitting {
			return m, nil // already waiting, with its own deadline
		}
		m.quitting = true
		m.status, m.statusErr = "Quitting once the save under way is done…", false
		return m, m.c.effects.Tick(3*time.Second, func(time.Time) tea.Msg { return forceQuitMsg{} })
	}
	m.quitting = true
	return m, tea.Quit
}
