package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// promptKind says what the checklist is asking for.
type promptKind int

const (
	noPrompt promptKind = iota
	// Groups, for the help line.
	promptText
	promptNote
	promptConfirm
	// Note prompts.
	promptProofNote // the note a proof step is checked with (how it was verified)
	// Text prompts.
	promptSkip
	promptValue
	// Confirmations.
	confirmRevoke
	confirmRevokeNext
	confirmReset
	confirmJoin
	confirmCheck // run a check command (v)
)

func (k promptKind) group() promptKind {
	switch k {
	case promptSkip, promptValue:
		return promptText
	case confirmRevoke, confirmRevokeNext, confirmReset, confirmJoin, confirmCheck:
		return promptConfirm
	case promptProofNote:
		return promptNote
	}
	return k
}

// prompt is the question at the bottom of the checklist, with its input.
type prompt struct {
	kind    promptKind
	label   string
	step    int              // the step it concerns
	input   *textinput.Model // for text prompts; replaced, never changed in place (see inputs.go)
	area    *textarea.Model  // for notes; the same
	names   []string         // placeholder values still to ask for; names[0] is asked now
	then    action           // what to do once every value is known
	editing bool             // values prefilled; an empty value removes it
	next    bool             // promptProofNote: asked by enter, so the cursor moves on once checked
	problem string           // why the last answer was refused
	initial string           // the text it opened with, to tell whether anything was typed
	pending *tea.KeyMsg      // confirmJoin: the key to act on once the person joins
	command *string          // confirmCheck: the command as shown, which is what runs (a pointer: the root model stays small)
}

// unsaved names what the person has typed into the prompt and not yet saved ("note",
// "skip reason", "value"), or "" when the prompt holds nothing new.
func (p prompt) unsaved() string {
	var text string
	var what string
	switch {
	case p.kind.group() == promptNote && p.area != nil:
		text, what = p.area.Value(), "note"
	case p.kind == promptSkip && p.input != nil:
		text, what = p.input.Value(), "skip reason"
	case p.kind == promptValue && p.input != nil:
		text, what = p.input.Value(), "value"
	}
	if strings.TrimSpace(text) == "" || text == p.initial {
		return ""
	}
	return what
}

func newConfirm(label string, kind promptKind, step int) prompt {
	return prompt{kind: kind, label: label + " [y/N]", step: step}
}

// newTextPrompt asks for one line of text; st gives its cursor the style that stays
// visible under NO_COLOR.
func newTextPrompt(st *Styles, label string, kind promptKind, step int, value string) prompt {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 200
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Cursor.Style = st.TextCursor
	in.SetValue(value)
	in = safeInput(in)
	in.Focus()
	return prompt{kind: kind, label: label, step: step, input: &in, initial: in.Value()}
}

func (m checklistModel) newValuePrompt(names []string, then action, editing bool) prompt {
	p := newTextPrompt(m.c.styles, "", promptValue, m.cursor, "")
	p.names, p.then, p.editing = names, then, editing
	return m.askValue(p)
}

// askValue points the prompt at the next placeholder name.
func (m checklistModel) askValue(p prompt) prompt {
	name := p.names[0]
	p.label = fmt.Sprintf("Value of {%s} for %s (asked once, remembered; not a secret):", name, m.title())
	if p.editing {
		p.label = fmt.Sprintf("Value of {%s} for %s (empty removes it):", name, m.title())
	}
	shown := m.values[name]
	if state.WithholdText(shown) != shown {
		shown = "" // as a note: a secret-looking value is never shown, only replaced
	}
	p.input = inputWithValue(p.input, shown)
	p.initial = p.input.Value()
	p.problem = ""
	if why, ok := m.refused[name]; ok {
		p.problem = fmt.Sprintf("The saved value of {%s} is not used: it goes in the link's host name, and %s. Type it again.", name, why)
	}
	return p
}

func (m checklistModel) newNotePrompt() prompt {
	area := m.newNoteArea()
	label := fmt.Sprintf("Note on step %d (a ticket, who you asked, which account):", m.cursor+1)
	if r := m.record(m.cursor); r != nil {
		if state.WithholdText(r.Note) == r.Note {
			area.SetValue(r.Note)
			area = safeArea(area)
		} else {
			// A saved note that looks like a secret is never put on screen, not even
			// to edit: the editor starts empty, and only what is typed replaces it.
			label = fmt.Sprintf("Note on step %d: the saved one looks like a secret and is not shown; what you write replaces it (esc keeps it):", m.cursor+1)
		}
	}
	area.Focus()
	return prompt{kind: promptNote, label: label, step: m.cursor, area: &area, initial: area.Value()}
}

// newNoteArea is the empty editor of a note.
func (m checklistModel) newNoteArea() textarea.Model {
	area := textarea.New()
	area.ShowLineNumbers = false
	area.Prompt = "┃ "
	area.CharLimit = 1000
	area.SetHeight(3)
	area.SetWidth(max(m.c.width-4, 10))
	area.Cursor.SetMode(cursor.CursorStatic)
	area.Cursor.Style = m.c.styles.TextCursor // reverse video, visible under NO_COLOR
	// Enter saves; a new line is alt+enter or ctrl+j (handled before the textarea).
	area.KeyMap.InsertNewline = key.NewBinding(key.WithKeys("ctrl+j"))
	return area
}

// newProofNotePrompt asks how the fact proof step i establishes was verified: a proof
// step checked by hand is checked with that note, its evidence (a passing check
// command is its own). next: asked by enter, which then moves on.
func (m checklistModel) newProofNotePrompt(i int, next bool) prompt {
	area := m.newNoteArea()
	area.Focus()
	label := fmt.Sprintf("How did you verify that the %s? (recorded with the check of step %d; a ticket, what you ran, what it said)", m.src.Steps[i].Proves.Phrase(), i+1)
	return prompt{kind: promptProofNote, label: label, step: i, area: &area, next: next}
}

func (m checklistModel) updatePrompt(msg tea.Msg) (checklistModel, tea.Cmd, event) {
	k := m.c.keys
	keyMsg, isKey := msg.(tea.KeyMsg)
	p := m.prompt
	switch p.kind.group() {
	case promptConfirm:
		if !isKey {
			return m, nil, nil
		}
		switch {
		case key.Matches(keyMsg, k.Yes):
			m.prompt = prompt{}
			return m.confirm(p)
		case key.Matches(keyMsg, k.No):
			m.prompt = prompt{}
			return m, nil, statusEvent{text: "Nothing changed."}
		}
		return m, nil, nil

	case promptNote:
		if isKey {
			switch {
			case key.Matches(keyMsg, k.Cancel) && p.kind == promptProofNote:
				m.prompt = prompt{}
				return m, nil, statusEvent{text: fmt.Sprintf("Step %d not checked: it is checked with a note on how you verified it.", p.step+1)}
			case key.Matches(keyMsg, k.Cancel):
				m.prompt = prompt{}
				return m, nil, statusEvent{text: "Note not changed."}
			case key.Matches(keyMsg, k.Newline):
				m.prompt.area = areaWithInserted(m.prompt.area, "\n")
				return m, nil, nil
			case key.Matches(keyMsg, k.Submit):
				return m.submitNote(p)
			}
		}
		var cmd tea.Cmd
		m.prompt.area, cmd = updatedArea(m.prompt.area, msg)
		return m, cmd, nil

	default: // text prompts
		if isKey {
			switch {
			case key.Matches(keyMsg, k.Cancel):
				m.prompt = prompt{}
				return m, nil, statusEvent{text: "Cancelled."}
			case key.Matches(keyMsg, k.Submit):
				return m.submitText(p)
			}
		}
		var cmd tea.Cmd
		m.prompt.input, cmd = updatedInput(m.prompt.input, msg)
		return m, cmd, nil
	}
}

// submitNote records the note typed into p: a step's note, or, on a proof step
// checked by hand (promptProofNote), the note that checks it, which may not be empty.
func (m checklistModel) submitNote(p prompt) (checklistModel, tea.Cmd, event) {
	note := strings.TrimSpace(p.area.Value())
	if what, secret := state.LooksLikeSecret(note); secret {
		m.prompt.problem = "Not saved: this looks like " + what + ". rotatetui never stores secrets; edit it out."
		return m, nil, nil
	}
	if p.kind != promptProofNote {
		m.prompt = prompt{}
		return m.emitWithStatus(fmt.Sprintf("note on step %d", p.step+1), "Note added.", m.change(state.SetNote, p.step, note))
	}
	if note == "" {
		example := "curl /me returned 200 with the new key"
		if m.src.Steps[p.step].Proves == catalog.FactOldKey {
			example = "curl /me returned 401 with the old key"
		}
		m.prompt.problem = "Say how, so the record shows it (e.g. \"" + example + "\"), or esc to leave the step open."
		return m, nil, nil
	}
	m.prompt = prompt{}
	return m.checkWithNote(p.step, p.next, note)
}

func (m checklistModel) submitText(p prompt) (checklistModel, tea.Cmd, event) {
	value := strings.TrimSpace(p.input.Value())
	if what, secret := state.LooksLikeSecret(value); secret {
		m.prompt.problem = "Refused: this looks like " + what + ". rotatetui never stores secrets."
		return m, nil, nil
	}
	switch p.kind {
	case promptSkip:
		if value == "" {
			m.prompt.problem = "Say why, so the record shows it (e.g. \"no access to the admin panel\")."
			return m, nil, nil
		}
		m.prompt = prompt{}
		return m.emitWithStatus(fmt.Sprintf("skip of step %d", p.step+1), fmt.Sprintf("Step %d skipped.", p.step+1), m.change(state.Skip, p.step, value))

	case promptValue:
		name := p.names[0]
		if value == "" && !p.editing {
			m.prompt.problem = fmt.Sprintf("Type the value of {%s}, or esc to cancel.", name)
			return m, nil, nil
		}
		if why := valueProblem(m.src, name, value); why != "" {
			m.prompt.problem = fmt.Sprintf("Refused: {%s} goes in the link's host name, and %s.", name, why)
			return m, nil, nil
		}
		if value == "" {
			delete(m.values, name)
		} else {
			m.values[name] = value
		}
		c := state.Change{Kind: state.SetPlaceholder, Key: m.key.ID, Name: name, Text: value, At: m.c.now().UTC()}
		ev := changeEvent{changes: []state.Change{c}, status: fmt.Sprintf("{%s} = %s", name, value)}
		if len(p.names) > 1 {
			p.names = p.names[1:]
			m.prompt = m.askValue(p)
			return m, nil, ev
		}
		m.prompt = prompt{}
		return m, m.perform(p.then), ev
	}
	return m, nil, nil
}

// confirm carries out what a y/N question asked about.
func (m checklistModel) confirm(p prompt) (checklistModel, tea.Cmd, event) {
	switch p.kind {
	case confirmRevoke, confirmRevokeNext:
		m.confirmed[m.keys[p.step]] = true
		return m.check(p.step, p.kind == confirmRevokeNext)
	case confirmCheck:
		return m.runConfirmed(p.step, *p.command)
	case confirmReset:
		c := m.guardClaim(state.Change{Kind: state.Reset, Key: m.key.ID, At: m.c.now().UTC()})
		if m.rot != nil {
			// Only the rotation on this screen: not one another instance started since.
			started := m.rot.StartedAt
			c.Started = &started
		}
		m.rot, m.tracking, m.undo, m.cursor = nil, time.Time{}, nil, 0
		return m, nil, changeEvent{changes: []state.Change{c}, status: "Started over. The abandoned attempt is kept in the history."}
	case confirmJoin:
		return m.join(p)
	}
	return m, nil, nil
}

// emitWithStatus records changes like emit and says what happened.
func (m checklistModel) emitWithStatus(what, status string, changes ...state.Change) (checklistModel, tea.Cmd, event) {
	m, cmd, ev := m.emit(what, changes...)
	if ce, ok := ev.(changeEvent); ok {
		ce.status = status
		ev = ce
	}
	return m, cmd, ev
}

// view renders the prompt: its question, the input, and why an answer was refused.
func (p prompt) view(m checklistModel, width int) []string {
	st := m.c.styles
	lines := wrapStyled(st.Prompt, p.label, width)
	switch p.kind.group() {
	case promptText:
		lines = append(lines, inputView(p.input, max(width-4, 1)))
	case promptNote:
		lines = append(lines, strings.Split(p.area.View(), "\n")...)
	}
	if p.problem != "" {
		lines = append(lines, wrapStyled(st.StatusErr, p.problem, width)...)
	}
	return lines
}
