package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// keyMap holds every binding of the program. There are two, built once in New and
// never changed after: the one every screen uses, and the source list's while its
// filter has focus (see forFiltering). What a screen shows in its help line it works
// out into a value (sourcesHelp, checklistHelp), so drawing changes no binding.
type keyMap struct {
	// Anywhere.
	Quit     key.Binding
	ForceQ   key.Binding
	Suspend  key.Binding
	Help     key.Binding
	Up       key.Binding
	Down     key.Binding
	Move     key.Binding // Up and Down as one entry, for the short help only
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	// Source list.
	Open        key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	AcceptQuery key.Binding
	NextView    key.Binding
	PrevView    key.Binding
	Record      key.Binding

	// Checklist.
	Toggle     key.Binding
	ToggleNext key.Binding
	Back       key.Binding
	Copy       key.Binding
	OpenLink   key.Binding
	EditValues key.Binding
	Note       key.Binding
	Skip       key.Binding
	Verify     key.Binding // run the key's check command on a proof step
	Undo       key.Binding
	Reset      key.Binding
	History    key.Binding

	// Prompts on the checklist.
	Submit  key.Binding
	Cancel  key.Binding
	Newline key.Binding
	Yes     key.Binding
	No      key.Binding
}

func newKeyMap() *keyMap {
	return &keyMap{
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Suspend:  key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Move:     key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑↓/jk", "move")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),

		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		AcceptQuery: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "browse matches"), key.WithDisabled()), // see forFiltering
		NextView:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		PrevView:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Record:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "record a past rotation")),

		Toggle:     key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space/x", "check")),
		ToggleNext: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check+next")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Copy:       key.NewBinding(key.WithKeys("c", "y"), key.WithHelp("c", "copy")),
		OpenLink:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open link")),
		EditValues: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit values")),
		Note:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note")),
		Skip:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip")),
		Verify:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "run check")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Reset:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "start over")),
		History:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),

		Submit:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Newline: key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+enter", "new line")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N", "esc", "enter"), key.WithHelp("n/enter", "no")),
	}
}

// forFiltering is a copy of k for while the filter input has focus: letters type into
// it, so the bindings that are letters are off and only the ones that still work are
// shown.
func (k keyMap) forFiltering() *keyMap {
	for _, b := range []*key.Binding{&k.Quit, &k.Help, &k.Filter, &k.Top, &k.Bottom, &k.NextView, &k.PrevView, &k.Record} {
		b.SetEnabled(false)
	}
	k.AcceptQuery.SetEnabled(true)
	// j and k type letters while filtering; only the arrows move.
	k.Move.SetHelp("↑↓", "move")
	k.Up.SetKeys("up")
	k.Up.SetHelp("↑", "up")
	k.Down.SetKeys("down")
	k.Down.SetHelp("↓", "down")
	return &k
}

// fitShortHelp returns the bindings of a short help line that fit in width cells,
// with sepWidth cells between two. When they do not all fit, the others are dropped,
// the last first, before the way out (q, ctrl+c) and the way to every key (?): the
// help line never hides those. So each screen lists its short help most useful first.
func (k *keyMap) fitShortHelp(bindings []key.Binding, width, sepWidth int) []key.Binding {
	kept := make([]key.Binding, 0, len(bindings))
	for _, b := range bindings {
		if b.Enabled() {
			kept = append(kept, b)
		}
	}
	for shortHelpWidth(kept, sepWidth) > width {
		i := len(kept) - 1
		for i >= 0 && k.essential(kept[i]) {
			i--
		}
		if i < 0 {
			break // only the essential ones are left: bubbles/help cuts those
		}
		kept = slices.Delete(kept, i, i+1)
	}
	return kept
}

// essential reports whether b is a way out or the way to every key.
func (k *keyMap) essential(b key.Binding) bool {
	h := b.Help()
	return h == k.Help.Help() || h == k.Quit.Help() || h == k.ForceQ.Help()
}

// shortHelpWidth is how wide bubbles/help draws these bindings on one line.
func shortHelpWidth(bindings []key.Binding, sepWidth int) int {
	w := 0
	for i, b := range bindings {
		if i > 0 {
			w += sepWidth
		}
		w += ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
	}
	return w
}

// sourcesHelp is the help.KeyMap of the source list.
type sourcesHelp struct {
	k         *keyMap
	filtering bool
	filtered  bool
	recording bool
	record    bool // the source under the cursor was never rotated: r says when it was
	views     bool // a view other than All lists something: tab leads somewhere
}

// ShortHelp lists the list's keys most useful first (see fitShortHelp).
func (h sourcesHelp) ShortHelp() []key.Binding {
	if h.recording {
		return []key.Binding{h.k.Submit, h.k.Cancel, h.k.ForceQ}
	}
	if h.filtering {
		return []key.Binding{h.k.Move, h.k.Open, h.k.ClearFilter, h.k.AcceptQuery, h.k.ForceQ}
	}
	b := []key.Binding{h.k.Move, h.k.Open}
	if h.filtered {
		b = append(b, h.k.ClearFilter)
	}
	b = append(b, h.k.Filter)
	if h.views {
		b = append(b, h.k.NextView)
	}
	if h.record {
		record := h.k.Record
		record.SetHelp("r", "record past rotation") // shorter than in the full help
		b = append(b, record)
	}
	return append(b, h.k.Help, h.k.Quit)
}

func (h sourcesHelp) FullHelp() [][]key.Binding {
	clear := h.k.ClearFilter
	clear.SetEnabled(h.filtering || h.filtered)
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		{h.k.Open, h.k.Filter, clear, h.k.AcceptQuery},
		{h.k.NextView, h.k.PrevView, h.k.Record},
		{h.k.Help, h.k.Quit, h.k.ForceQ, h.k.Suspend},
	}
}

// checklistHelp is the help.KeyMap of the checklist. Each binding is shown only where
// it does something for the step under the cursor, so the help never lies.
type checklistHelp struct {
	k          *keyMap
	finished   bool // a finished rotation is a record: only moving, undo and start over
	prompt     promptKind
	hasCommand bool // the step has a command or URL to copy
	hasURL     bool // there is a URL to open (the step's or the source's docs)
	hasValues  bool // the step or source has {placeholders} to edit
	canUndo    bool
	started    bool // a rotation is in progress
	canVerify  bool // v runs a check command on the step (a proof step whose key has one)
	canSkip    bool // the step may be skipped (not a proof step under verify = "required")
	// needsNote: checking the step asks how it was verified first (a proof step with
	// no note); proofNote: that question is open, and enter checks the step.
	needsNote, proofNote bool
}

func (h checklistHelp) bindings() (toggle, next, copyB, open, edit, note, skip, undo, reset key.Binding) {
	toggle, next, copyB, open, edit = h.k.Toggle, h.k.ToggleNext, h.k.Copy, h.k.OpenLink, h.k.EditValues
	note, skip, undo, reset = h.k.Note, h.k.Skip, h.k.Undo, h.k.Reset
	for _, b := range []*key.Binding{&toggle, &next, &note, &skip} {
		b.SetEnabled(!h.finished)
	}
	skip.SetEnabled(skip.Enabled() && h.canSkip)
	if h.needsNote {
		toggle.SetHelp("space/x", "check with note")
	}
	open.SetEnabled(h.hasURL)
	edit.SetEnabled(h.hasValues)
	undo.SetEnabled(h.canUndo)
	reset.SetEnabled(h.started || h.finished)
	if h.finished {
		reset.SetHelp("R", "new rotation")
	}
	return
}

func (h checklistHelp) ShortHelp() []key.Binding {
	switch h.prompt {
	case promptText:
		return []key.Binding{h.k.Submit, h.k.Cancel, h.k.ForceQ}
	case promptNote:
		submit := h.k.Submit
		if h.proofNote {
			submit.SetHelp("enter", "check")
		}
		return []key.Binding{submit, h.k.Newline, h.k.Cancel, h.k.ForceQ}
	case promptConfirm:
		return []key.Binding{h.k.Yes, h.k.No}
	}
	toggle, next, copyB, open, _, _, _, undo, reset := h.bindings()
	// Moving is left to the full help here: the checklist's own keys need the room.
	if h.finished {
		return []key.Binding{undo, reset, h.k.Back, h.k.Help, h.k.Quit}
	}
	// Most useful first: a narrow window drops the last ones (see fitShortHelp).
	b := []key.Binding{toggle, next}
	if h.canVerify {
		b = append(b, h.verify())
	}
	if h.hasCommand {
		b = append(b, copyB)
	}
	return append(b, undo, open, h.k.Help, h.k.Quit)
}

// verify is the v binding, on only where it runs a check.
func (h checklistHelp) verify() key.Binding {
	v := h.k.Verify
	v.SetEnabled(h.canVerify)
	return v
}

func (h checklistHelp) FullHelp() [][]key.Binding {
	toggle, next, copyB, open, edit, note, skip, undo, reset := h.bindings()
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		{toggle, next, skip, note, undo},
		{h.verify(), copyB, open, edit, reset, h.k.History},
		{h.k.Back, h.k.Help, h.k.Quit, h.k.ForceQ, h.k.Suspend},
	}
}

// moveCursor is where the cursor of a list of last+1 rows goes for the movement keys
// (page moves page rows); moved is false for any other key, and the cursor stays.
func moveCursor(msg tea.KeyMsg, k *keyMap, cursor, last, page int) (next int, moved bool) {
	switch {
	case key.Matches(msg, k.Up):
		return max(cursor-1, 0), true
	case key.Matches(msg, k.Down):
		return min(cursor+1, last), true
	case key.Matches(msg, k.PageUp):
		return max(cursor-page, 0), true
	case key.Matches(msg, k.PageDown):
		return min(cursor+page, last), true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return last, true
	}
	return cursor, false
}
