//go:build unix

package ui

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// eventDrivenDisplay says whether Run draws with display (see display.go): it needs
// SIGWINCH to learn of resizes.
const eventDrivenDisplay = true

// stopUntilContinued stops the process group, as the terminal does on ctrl+z, and
// returns once it is continued. It reports false when it never stopped: the system
// ignores a stop for a group no shell manages (an orphaned process group, as when a
// terminal runs the program without a shell), and nothing will continue it then.
func stopUntilContinued() (stopped bool) {
	continued := make(chan os.Signal, 1)
	signal.Notify(continued, syscall.SIGCONT)
	defer signal.Stop(continued)
	// The stop takes hold at once and lasts until the shell sends SIGCONT, which
	// arrives here moments after. Without a stop, no SIGCONT comes.
	_ = syscall.Kill(0, syscall.SIGTSTP)
	select {
	case <-continued:
		return true
	case <-time.After(200 * time.Millisecond):
	}
	// The wait ended first: either nothing stopped, or the stop outlasted it (the timer
	// ran out meanwhile and woke this on resume before the SIGCONT was passed on).
	select {
	case <-continued:
		return true
	case <-time.After(100 * time.Millisecond):
		return false
	}
}

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

// endOnSignals makes SIGHUP (the terminal went away), SIGTERM (a plain kill) and
// SIGINT (one sent from outside: in raw mode ctrl+c is a key) end the program as q
// does, so changes not yet on disk get their last save, or a rescue file, in the
// caller, instead of dying with the process. It replaces Bubble Tea's handler (see
// runOn), which ends the program behind the model's back and, if the program ends for
// another reason at the same moment, blocks Run for ever on a send nobody receives.
// stop reports which signal arrived, if one did.
func endOnSignals(p *tea.Program) (stop func() os.Signal) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	arrived := make(chan os.Signal, 1)
	go func() {
		select {
		case sig := <-signals:
			arrived <- sig
			p.Send(endSignalMsg{signal: sig})
		case <-done:
			arrived <- nil
		}
	}()
	return func() os.Signal {
		signal.Stop(signals)
		close(done)
		return <-arrived
	}
}
