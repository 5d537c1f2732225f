//go:build unix

package ui

import (
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
)

// eventDrivenDisplay says whether Run draws with display (see display.go): it needs
// SIGWINCH to learn of resizes.
const eventDrivenDisplay = true

// sendSizes sends p the terminal's size after every resize, until the returned func
// is called. (Run gives the model the size it starts with.)
func (t *terminal) sendSizes(p *tea.Program) (stop func()) {
	resized := make(chan os.Signal, 1)
	signal.Notify(resized, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-resized:
			case <-done:
				return
			}
			if size, err := t.size(); err == nil {
				p.Send(size)
			}
		}
	}()
	return func() {
		signal.Stop(resized)
		close(done)
	}
}
