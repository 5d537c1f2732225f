package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/state"
)

// The checklist's keys and mouse, by group: moving, what works on a finished rotation
// too, and what changes the step under the cursor.

func (m checklistModel) handleKey(msg tea.KeyMsg) (checklistModel, tea.Cmd, event) {
	k := m.c.keys
	if next, moved := m.moveKey(msg, k); moved {
		return next, nil, nil
	}
	if !m.joined() && !m.finished && joinGated(msg, k) {
		// Someone else's rotation: ask once, then do what the key does.
		return m.askToJoin(msg), nil, nil
	}
	if next, cmd, ev, handled := m.screenKey(msg, k); handled {
		return next, cmd, ev
	}
	if m.finished {
		return m, nil, nil // a finished rotation is a record: the step keys change nothing
	}
	return m.stepKey(msg, k)
}

// moveKey moves the cursor for the keys that do; moved is false for the others.
func (m checklistModel) moveKey(msg tea.KeyMsg, k *keyMap) (next checklistModel, moved bool) {
	m.cursor, moved = moveCursor(msg, k, m.cursor, len(m.keys)-1, 5)
	return m, moved
}

// screenKey acts on the keys that work on a finished rotation too: leaving, copying,
// opening, undoing, the history and starting over. handled is false for the others.
func (m checklistModel) screenKey(msg tea.KeyMsg, k *keyMap) (next checklistModel, cmd tea.Cmd, ev event, handled bool) {
	if m.checkRunning() && (key.Matches(msg, k.Back) || key.Matches(msg, k.History) || key.Matches(msg, k.Reset)) {
		// Its result is recorded on this screen's rotation: it stays until then.
		return m, nil, statusEvent{text: "A check is running: wait for its result (at most its time limit).", isErr: true}, true
	}
	switch {
	case key.Matches(msg, k.Back):
		ev = backEvent{}
	case key.Matches(msg, k.Copy):
		m, cmd, ev = m.startAction(actCopy)
	case key.Matches(msg, k.OpenLink):
		m, cmd, ev = m.startAction(actOpen)
	case key.Matches(msg, k.Undo):
		m, cmd, ev = m.undoLast()
	case key.Matches(msg, k.History):
		m.hist = historyView{open: true}
	case key.Matches(msg, k.Reset):
		m, ev = m.startOver()
	default:
		return m, nil, nil, false
	}
	return m, cmd, ev, true
}

// startOver is R: a finished rotation makes way for a fresh checklist; one in progress
// is abandoned once the user confirms.
func (m checklistModel) startOver() (checklistModel, event) {
	if m.finished {
		// Nothing to abandon: just show a fresh checklist.
		m.rot, m.finished, m.tracking, m.undo = nil, false, time.Time{}, nil
		m.cursor = 0
		return m, statusEvent{text: "New rotation: check the first step when you have done it."}
	}
	if m.rot != nil {
		m.prompt = newConfirm(fmt.Sprintf("Start %s over? This attempt stays in the history, marked abandoned.", m.title()), confirmReset, m.cursor)
	}
	return m, nil
}

// stepKey acts on the keys that change the step under the cursor.
func (m checklistModel) stepKey(msg tea.KeyMsg, k *keyMap) (checklistModel, tea.Cmd, event) {
	switch {
	case key.Matches(msg, k.EditValues):
		return m.editValues()
	case key.Matches(msg, k.Toggle):
		return m.toggle(false)
	case key.Matches(msg, k.ToggleNext):
		return m.toggle(true)
	case key.Matches(msg, k.Note):
		m.prompt = m.newNotePrompt()
	case key.Matches(msg, k.Verify):
		return m.verify()
	case key.Matches(msg, k.Skip):
		if ev := m.refuseWhileChecking(m.cursor); ev != nil {
			return m, nil, ev
		}
		if m.skipped(m.cursor) {
			return m.emit("unskip of step "+fmt.Sprint(m.cursor+1), m.change(state.Unskip, m.cursor, ""))
		}
		if m.src.SkipRefused(m.cursor, m.c.verify) != "" {
			return m, nil, statusEvent{text: m.skipRefusedText(m.cursor), isErr: true}
		}
		m.prompt = newTextPrompt(m.c.styles, fmt.Sprintf("Why skip step %d? (recorded as skipped, never as done)", m.cursor+1), promptSkip, m.cursor, "")
	}
	return m, nil, nil
}

// editValues is e: it asks for the step's (else the source's) placeholder values, but
// those set for the key in keys.toml, which are changed there: it says how.
func (m checklistModel) editValues() (checklistModel, tea.Cmd, event) {
	var editable, fixed []string
	for _, name := range m.valueNames() {
		if m.declared[name] {
			fixed = append(fixed, name)
		} else {
			editable = append(editable, name)
		}
	}
	if len(editable) > 0 {
		m.prompt = m.newValuePrompt(editable, actNone, true)
		return m, nil, nil
	}
	if len(fixed) == 0 {
		return m, nil, nil
	}
	names, flags := make([]string, len(fixed)), make([]string, len(fixed))
	for i, name := range fixed {
		names[i], flags[i] = "{"+name+"}", "--value "+name+"=…"
	}
	return m, nil, statusEvent{text: fmt.Sprintf("%s set in keys.toml: rotatetui key edit %s %s", strings.Join(names, ", "), m.key.ID, strings.Join(flags, " "))}
}

// mouse: the wheel moves the cursor; a click on a step selects it, and a click on its
// box toggles it.
func (m checklistModel) mouse(msg tea.MouseMsg) (checklistModel, event) {
	if m.prompt.kind != noPrompt {
		return m, nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		m.cursor = max(m.cursor-1, 0)
	case msg.Button == tea.MouseButtonWheelDown:
		m.cursor = min(m.cursor+1, len(m.keys)-1)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress:
		width := m.c.bodyWidth()
		line := msg.Y - len(m.header(width)) + m.offset
		_, starts := m.stepLines(width)
		if msg.Y < len(m.header(width)) || line < 0 {
			return m, nil
		}
		i := 0
		for j, s := range starts {
			if s <= line {
				i = j
			}
		}
		m.cursor = i
		// The margin View draws (see composeFrame), the marker, the number and ". ".
		boxStart := m.c.styles.App.GetPaddingLeft() + 2 + len(fmt.Sprint(len(m.keys))) + 2
		if line == starts[i] && msg.X >= boxStart && msg.X < boxStart+3 && !m.finished {
			var ev event
			m, _, ev = m.toggle(false)
			return m, ev
		}
	}
	return m, nil
}

// skipRefusedText is what the status line says when s cannot skip step i (see
// catalog.Source.SkipRefused, which decides): the remedy first, so a narrow window,
// which cuts the one status line, still shows what to do.
func (m checklistModel) skipRefusedText(i int) string {
	how := ""
	if m.key.CheckCommand(m.src.Steps[i].Proves) != "" {
		how = ", or v to run its check"
	}
	return fmt.Sprintf("Check step %d with a note on how you verified it%s: it cannot be skipped (verify = \"required\").", i+1, how)
}
