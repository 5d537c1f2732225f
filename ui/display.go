package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/rotatetui/rotatetui/catalog"
)

// display draws frames on the terminal when they change, and otherwise sleeps. Bubble
// Tea v1's own renderer flushes on a 60 fps ticker that never stops: an idle
// rotatetui woke about 300 times a second and used 1 % of a CPU doing nothing (a
// Bubble Tea hello-world does the same). The program runs with tea.WithoutRenderer,
// and the root model, wrapped in framed, hands each new frame to the display, whose
// goroutine writes it at once and then waits for the next: idle is idle. What it
// writes follows the standard renderer's alternate-screen path: only lines that
// changed are rewritten, each cut to the terminal's width and cleared to its end.
//
// Without a renderer Bubble Tea also leaves the terminal alone, so the display puts it
// in raw mode, enters the alternate screen with mouse and bracketed paste, and sends
// the window size (resizes come from SIGWINCH); close undoes all of it.
type display struct {
	out io.Writer

	mu      sync.Mutex
	frame   string // the newest frame not yet drawn
	pending bool
	width   int
	height  int
	resized bool // draw the next frame whole

	wake    chan struct{} // a frame is pending (capacity 1: wakes coalesce)
	done    chan struct{}
	stopped chan struct{}

	drawing sync.Mutex // held while a frame is painted and written, so frames go out whole and in order
	painter painter    // used under drawing
}

// painter turns frames into what the terminal must be sent to show them.
type painter struct {
	last  string   // the frame on the terminal
	lines []string // its lines, to rewrite only those that change
	drawn bool     // last and lines are what the terminal shows
	shown int      // lines drawn by the last paint, known or not
}

// paint returns the output that replaces the frame on the terminal (width and height
// in cells; 0 when unknown) with frame, and remembers frame. It is empty when frame
// is already shown.
func (p *painter) paint(frame string, width, height int) string {
	if p.drawn && frame == p.last {
		return ""
	}
	newLines := strings.Split(frame, "\n")
	if height > 0 && len(newLines) > height {
		// The cursor cannot reach lines scrolled off the top: keep the bottom ones.
		newLines = newLines[len(newLines)-height:]
	}
	var b strings.Builder
	b.WriteString(ansi.CursorHomePosition)
	for i, line := range newLines {
		if i < len(p.lines) && p.lines[i] == line {
			if i < len(newLines)-1 {
				b.WriteByte('\n')
			}
			continue
		}
		if width > 0 {
			line = ansi.Truncate(line, width, "")
		}
		b.WriteString(line)
		if ansi.StringWidth(line) < width {
			// Past the last column, a sequence would only affect the last cell.
			b.WriteString(ansi.EraseLineRight)
		}
		if i < len(newLines)-1 {
			b.WriteString("\r\n")
		}
	}
	if p.shown > len(newLines) {
		b.WriteString(ansi.EraseScreenBelow)
	}
	b.WriteString(ansi.CursorPosition(0, len(newLines)))
	p.last, p.lines, p.drawn, p.shown = frame, newLines, true, len(newLines)
	return b.String()
}

// forget makes the next paint draw every line, as after a resize, when the terminal
// may have rewrapped what was drawn. What lies below the new frame is still cleared.
func (p *painter) forget() {
	p.last, p.lines, p.drawn = "", nil, false
}

// Sequences that set the terminal up for the UI and back. The UI uses the mouse (cell
// motion, SGR coordinates) and bracketed paste.
const (
	displaySetUp = ansi.HideCursor + ansi.SetModeAltScreenSaveCursor + ansi.EraseEntireScreen + ansi.CursorHomePosition +
		ansi.HideCursor + ansi.SetModeBracketedPaste + ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr
	displayTearDown = ansi.ResetModeBracketedPaste + ansi.ShowCursor + ansi.ResetModeMouseButtonEvent +
		ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr + ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor
)

// newDisplay starts drawing frames on out.
func newDisplay(out io.Writer) *display {
	d := &display{out: out, wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{})}
	go d.draw()
	return d
}

// show queues frame to be drawn; a frame queued before the previous one was drawn
// replaces it.
func (d *display) show(frame string) {
	d.mu.Lock()
	d.frame, d.pending = frame, true
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default: // a wake is already queued; it will draw this frame
	}
}

// showNow draws frame at once, on the calling goroutine. It is for the first frame:
// handed to the drawing goroutine, it waited for that goroutine's thread to be woken,
// 0.3-0.5 ms on a VM with an idle second core.
func (d *display) showNow(frame string) {
	d.mu.Lock()
	d.frame, d.pending = frame, true
	d.mu.Unlock()
	d.drawPending()
}

// resize sets the terminal's size for the frames to come, which are drawn whole.
func (d *display) resize(width, height int) {
	d.mu.Lock()
	d.width, d.height, d.resized = width, height, true
	d.mu.Unlock()
}

// draw is the drawing goroutine: it blocks until a frame is queued or the display
// stops.
func (d *display) draw() {
	defer close(d.stopped)
	for {
		select {
		case <-d.wake:
			d.drawPending()
		case <-d.done:
			d.drawPending()
			return
		}
	}
}

func (d *display) drawPending() {
	d.drawing.Lock()
	defer d.drawing.Unlock()
	d.mu.Lock()
	if !d.pending {
		// A wake left over from a frame already drawn. A resize since stays noted
		// for the frame that follows it.
		d.mu.Unlock()
		return
	}
	frame, width, height, resized := d.frame, d.width, d.height, d.resized
	d.pending, d.resized = false, false
	d.mu.Unlock()
	if resized {
		d.painter.forget()
	}
	if out := d.painter.paint(frame, width, height); out != "" {
		_, _ = io.WriteString(d.out, out)
	}
}

// stop draws the last frame queued and ends the drawing goroutine.
func (d *display) stop() {
	close(d.done)
	<-d.stopped
}

// framed wraps the root model so that every new frame reaches the display. View is
// called here, once per update, as Bubble Tea would; framed's own View is empty
// because nothing renders it.
//
// framed also contains panics, in the model and in the commands it returns: the
// program stops with the model as it was after the last Update that returned (its
// unsaved changes still there for Run to hand back), and the report waits until the
// terminal is restored. Bubble
// Tea's own catching would print it on the alternate screen, gone once it closes.
type framed struct {
	model   tea.Model
	display *display
	crash   *crash // set when the model or a command panicked
	drawn   bool   // the first frame is on the display already (see drawFirst)
}

// crash is a panic contained by framed.
type crash struct {
	value any
	stack []byte
}

// Error reports the panic and where it happened. The value may hold text from a
// catalog or a note, so it is made printable like any such text.
func (c *crash) Error() string {
	return fmt.Sprintf("internal error (a bug in rotatetui, please report it): %s\n\n%s", catalog.Printable(fmt.Sprint(c.value)), c.stack)
}

// crashMsg carries a panic out of a command.
type crashMsg struct{ crash *crash }

func (f framed) Init() (cmd tea.Cmd) {
	defer f.contain(func(c *crash) { cmd = func() tea.Msg { return crashMsg{c} } })
	if !f.drawn {
		f.display.show(f.model.View())
	}
	return guard(f.model.Init())
}

// drawFirst draws the first frame at once, before Bubble Tea starts (setting up its
// signal handling and its input reader takes 0.3-1 ms) and without waiting for the
// drawing goroutine to wake. Init then finds the frame drawn. A panic in View is
// contained as in Update.
func (f framed) drawFirst() (next framed, crashed *crash) {
	defer f.contain(func(c *crash) { crashed = c })
	f.display.showNow(f.model.View())
	f.drawn = true
	return f, nil
}

func (f framed) Update(msg tea.Msg) (next tea.Model, cmd tea.Cmd) {
	if m, ok := msg.(crashMsg); ok {
		f.crash = m.crash
		return f, tea.Quit
	}
	defer f.contain(func(c *crash) { f.crash = c; next, cmd = f, tea.Quit })
	if size, ok := msg.(tea.WindowSizeMsg); ok {
		f.display.resize(size.Width, size.Height)
	}
	if m, ok := f.model.(inPlace); ok {
		cmd = m.updateInPlace(msg)
	} else {
		f.model, cmd = f.model.Update(msg)
	}
	// Kept even if View panics: what Update recorded is then handed back as unsaved.
	f.display.show(f.model.View())
	return f, guard(cmd)
}

// inPlace is a model updated where it is, rather than copied into a new tea.Model on
// every message: for a model as large as Model, that copy is most of what a
// keystroke allocates.
type inPlace interface {
	updateInPlace(tea.Msg) tea.Cmd
}

func (f framed) View() string { return "" }

// contain, deferred, turns a panic into a crash handed to stop.
func (f framed) contain(stop func(*crash)) {
	if r := recover(); r != nil {
		stop(&crash{value: r, stack: debug.Stack()})
	}
}

// guard returns cmd with its panics turned into a crashMsg, and those of the commands
// of a batch it returns.
func guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = crashMsg{&crash{value: r, stack: debug.Stack()}}
			}
		}()
		msg = cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			guarded := make(tea.BatchMsg, len(batch))
			for i, c := range batch {
				guarded[i] = guard(c)
			}
			msg = guarded
		}
		return msg
	}
}

// terminal is the terminal the UI takes over: raw input, the alternate screen,
// frames drawn on change.
type terminal struct {
	in, out  *os.File
	previous *term.State
	display  *display
}

// openTerminal sets the terminal up. It fails, changing nothing, when in or out is
// not a terminal.
func openTerminal(in, out *os.File) (*terminal, error) {
	if !term.IsTerminal(out.Fd()) {
		return nil, errors.New("output is not a terminal")
	}
	previous, err := term.MakeRaw(in.Fd())
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(out, displaySetUp); err != nil {
		_ = term.Restore(in.Fd(), previous)
		return nil, err
	}
	return &terminal{in: in, out: out, previous: previous, display: newDisplay(out)}, nil
}

// suspend hands the terminal back to the shell and stops the program (ctrl+z), and
// takes the terminal again when the shell continues it (fg). Bubble Tea, which runs
// it through tea.Exec, has stopped reading input by then, so the keys go to the shell.
// The next frame is drawn whole: the shell has used the screen meanwhile. Nothing is
// drawn while the program is away.
func (t *terminal) suspend() error {
	d := t.display
	d.drawing.Lock()
	defer d.drawing.Unlock()
	// However it goes, the next frame is drawn whole: the shell, or a hand-back that
	// failed halfway, has changed the screen.
	defer d.painter.forget()
	_, err := io.WriteString(t.out, displayTearDown)
	if err == nil {
		err = term.Restore(t.in.Fd(), t.previous)
	}
	if err != nil {
		// Not handed back, and still in raw mode: take the screen again and go on.
		_, _ = io.WriteString(t.out, displaySetUp)
		return fmt.Errorf("%w: %w", errNotHandedBack, err)
	}
	stopped := stopUntilContinued()
	previous, err := term.MakeRaw(t.in.Fd())
	if err != nil {
		return err
	}
	t.previous = previous
	if _, err := io.WriteString(t.out, displaySetUp); err != nil {
		return err
	}
	if !stopped {
		return errNoJobControl
	}
	return nil
}

// errNotHandedBack: the terminal could not be given back to the shell, so the program
// did not stop.
var errNotHandedBack = errors.New("the terminal could not be handed back")

// errNoJobControl: ctrl+z was pressed where nothing could continue the program, such
// as a terminal running it without a shell. The system then ignores the stop.
var errNoJobControl = errors.New("no shell with job control could bring it back")

// IsTerminal reports whether f is a terminal (a tty, not merely a character device
// such as /dev/null).
func IsTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

// size is the terminal's size now.
func (t *terminal) size() (tea.WindowSizeMsg, error) {
	w, h, err := term.GetSize(t.out.Fd())
	return tea.WindowSizeMsg{Width: w, Height: h}, err
}

// close puts the terminal back as it was.
func (t *terminal) close() error {
	t.display.stop()
	_, werr := io.WriteString(t.out, displayTearDown)
	if err := term.Restore(t.in.Fd(), t.previous); err != nil {
		return err
	}
	return werr
}
