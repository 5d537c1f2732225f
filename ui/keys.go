package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every binding of the program. Screens enable the ones that apply, so the
// help line only ever shows keys that do something right now.
type keyMap struct {
	// Anywhere.
	Quit     key.Binding
	ForceQ   key.Binding
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

	// Checklist.
	Toggle     key.Binding
	ToggleNext key.Binding
	Back       key.Binding
}

func newKeyMap() *keyMap {
	return &keyMap{
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
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
		AcceptQuery: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "browse matches")),

		Toggle:     key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space/x", "check")),
		ToggleNext: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check+next")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// While the filter input has focus, letters type into it, so the bindings that are
// letters are off and only the ones that still work are shown.
func (k *keyMap) forFiltering(on bool) {
	k.Quit.SetEnabled(!on)
	k.Help.SetEnabled(!on)
	k.Filter.SetEnabled(!on)
	k.Top.SetEnabled(!on)
	k.Bottom.SetEnabled(!on)
	k.AcceptQuery.SetEnabled(on)
	// j and k type letters while filtering; only the arrows move.
	if on {
		k.Move.SetHelp("↑↓", "move")
		k.Up.SetKeys("up")
		k.Up.SetHelp("↑", "up")
		k.Down.SetKeys("down")
		k.Down.SetHelp("↓", "down")
	} else {
		k.Move.SetHelp("↑↓/jk", "move")
		k.Up.SetKeys("up", "k")
		k.Up.SetHelp("↑/k", "up")
		k.Down.SetKeys("down", "j")
		k.Down.SetHelp("↓/j", "down")
	}
}

// sourcesHelp is the help.KeyMap of the source list.
type sourcesHelp struct {
	k         *keyMap
	filtering bool
	filtered  bool
}

func (h sourcesHelp) ShortHelp() []key.Binding {
	if h.filtering {
		return []key.Binding{h.k.Move, h.k.Open, h.k.AcceptQuery, h.k.ClearFilter, h.k.ForceQ}
	}
	b := []key.Binding{h.k.Move, h.k.Open, h.k.Filter}
	if h.filtered {
		b = append(b, h.k.ClearFilter)
	}
	return append(b, h.k.Help, h.k.Quit)
}

func (h sourcesHelp) FullHelp() [][]key.Binding {
	clear := h.k.ClearFilter
	clear.SetEnabled(h.filtering || h.filtered)
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		{h.k.Open, h.k.Filter, clear, h.k.AcceptQuery},
		{h.k.Help, h.k.Quit, h.k.ForceQ},
	}
}

// checklistHelp is the help.KeyMap of the checklist; a finished rotation is read-only.
type checklistHelp struct {
	k        *keyMap
	finished bool
}

func (h checklistHelp) ShortHelp() []key.Binding {
	if h.finished {
		return []key.Binding{h.k.Move, h.k.Back, h.k.Help, h.k.Quit}
	}
	return []key.Binding{h.k.Move, h.k.Toggle, h.k.ToggleNext, h.k.Back, h.k.Help, h.k.Quit}
}

func (h checklistHelp) FullHelp() [][]key.Binding {
	toggle, next := h.k.Toggle, h.k.ToggleNext
	toggle.SetEnabled(!h.finished)
	next.SetEnabled(!h.finished)
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		{toggle, next, h.k.Back},
		{h.k.Help, h.k.Quit, h.k.ForceQ},
	}
}
