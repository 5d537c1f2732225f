//go:build !unix

package ui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
)

// eventDrivenDisplay is false where there is no SIGWINCH: Run keeps Bubble Tea's
// renderer, which polls for the size.
const eventDrivenDisplay = false

func (t *terminal) sendSizes(*tea.Program) (stop func()) { return func() {} }

// stopUntilContinued: there is no job control to stop the program with.
func stopUntilContinued() (stopped bool) { return false }

// endOnSignals: runOn is not used here (see eventDrivenDisplay), and Bubble Tea's own
// signal handling stands.
func endOnSignals(*tea.Program) (stop func() os.Signal) { return func() os.Signal { return nil } }
