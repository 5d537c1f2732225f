package ui

import (
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
)

// The models hold bubbles' inputs by pointer: a textinput.Model is 5 KB and a
// textarea.Model 12 KB, and held by value they made the root model 32 KB. Every
// method that takes or returns a model by value then had a frame of 130-190 KB: the
// first frame waited about 1.5 ms while the stack grew to half a megabyte (fresh
// pages, each a page fault), and a keystroke needed that stack again whenever the
// collector had shrunk it.
//
// What the models change in an input goes through a copy: the input is copied,
// changed and replaced, never changed through the pointer, so a model copied before
// keeps its input's state as before. The functions below are the only ways the
// models change an input.

// updatedInput is in after msg, neutralised.
func updatedInput(in *textinput.Model, msg tea.Msg) (*textinput.Model, tea.Cmd) {
	next, cmd := in.Update(msg)
	next = safeInput(next)
	return &next, cmd
}

// inputWithValue is in holding value, neutralised, the cursor at its end.
func inputWithValue(in *textinput.Model, value string) *textinput.Model {
	next := *in
	next.SetValue(value)
	next = safeInput(next)
	next.CursorEnd()
	return &next
}

// focusedInput is in with the focus, and the command that starts its cursor.
func focusedInput(in *textinput.Model) (*textinput.Model, tea.Cmd) {
	next := *in
	cmd := next.Focus()
	return &next, cmd
}

// blurredInput is in without the focus.
func blurredInput(in *textinput.Model) *textinput.Model {
	next := *in
	next.Blur()
	return &next
}

// inputView renders in at width columns.
func inputView(in *textinput.Model, width int) string {
	shown := *in
	shown.Width = width
	return shown.View()
}

// updatedArea is a after msg, neutralised.
func updatedArea(a *textarea.Model, msg tea.Msg) (*textarea.Model, tea.Cmd) {
	next, cmd := a.Update(msg)
	next = safeArea(next)
	return &next, cmd
}

// areaWithInserted is a with s typed at its cursor.
func areaWithInserted(a *textarea.Model, s string) *textarea.Model {
	next := *a
	next.InsertString(s)
	return &next
}

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
