package ui

import (
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/rotatetui/rotatetui/catalog"
)

// Text in an input is untrusted like any other: it may be prefilled from the progress
// file (which can be edited by hand) or pasted. The bubbles inputs drop C0 and C1
// controls but keep bidirectional overrides, which reorder what the terminal shows, so
// every input goes through these after each update and each prefill.

// safeInput neutralises what a one-line input holds.
func safeInput(in textinput.Model) textinput.Model {
	if v := in.Value(); catalog.PrintableLine(v) != v {
		in.SetValue(catalog.PrintableLine(v))
		in.CursorEnd()
	}
	return in
}

// safeArea neutralises what a multi-line input holds.
func safeArea(a textarea.Model) textarea.Model {
	if v := a.Value(); catalog.Printable(v) != v {
		a.SetValue(catalog.Printable(v))
	}
	return a
}
