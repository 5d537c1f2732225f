// Package ui is rotatetui's terminal interface: a searchable list of keys (a source
// without declared keys is one) and a checklist per key, built on Bubble Tea.
//
// The root Model routes: it owns the window size, the help line, quitting and the save
// queue (savequeue.go), and forwards everything else to the active screen (sources.go,
// checklist.go); update.go and storage.go are its update.
// Screens never touch the disk; they send changeMsgs, and the root writes them through
// the Store in commands, one batch at a time, showing the result of each save. What the
// user sees is the last state read from disk with the unsaved changes applied on top, so
// nothing waits on the disk and nothing is lost if a save has to be retried.
package ui

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// Smallest window the layout is designed for; below it a notice is shown instead.
const (
	minWidth  = 40
	minHeight = 10
)

// Options is everything the UI starts from.
type Options struct {
	Catalog *catalog.Catalog
	// Interval is how often a key of a source is due (the command line's schedule, by
	// state.Intervals' chain). Nil: as state.Intervals resolves the key's, the source's
	// and the catalog's rotate_every alone.
	Interval func(*catalog.Key, *catalog.Source) catalog.Duration
	State    *state.State // as loaded from disk
	Store    Store
	Query    string // pre-fills the filter; opens the key directly when exactly one matches, or when it is a key's id
	Resume   bool   // open the most recently touched unfinished rotation
	Actor    string // recorded with every change, e.g. "alice@laptop"
	Now      func() time.Time
	NoColor  bool
	Notice   string // shown in the status line at start, e.g. a permissions warning
	// PendingWork, if set, is asked once the first frame is drawn (it may read
	// directories) for a reminder of work waiting outside the screen, such as changes
	// a failed save kept in a rescue file; "" when there is none.
	PendingWork func() string
	// KeepText, if set, keeps the notes and skip reasons that could be recorded nowhere
	// (another rotatetui ended their rotation before they were saved) where the person
	// can find them again: main writes them to a rescue file, which restore shows.
	KeepText func(changes []state.Change) error
	// Changes, if set, receives a value whenever the state file may have changed on
	// disk (see state.Store.Watch), so progress made elsewhere shows up here.
	Changes <-chan struct{}
	// Effects reach outside the window (clipboard, browser, bell) and start timers;
	// zero fields get the real ones.
	Effects Effects
	// Verify is config.toml's verify: whether rotations have the proof steps (see
	// catalog.Source.WithProof) and whether they may be skipped. "" is off, for
	// callers that predate proof steps; rotatetui always passes the setting.
	Verify catalog.Verify
	// CheckTimeout is the time limit of a check command (0: the default).
	CheckTimeout time.Duration
	// TrustChecks says why a key's check commands may not run (its keys file is not
	// the user's own, or others can write it), or nil. It is called in the command
	// that runs the check, never in Update. Nil refuses every check.
	TrustChecks func(*catalog.Key) error
}

// Result is what the program hands back when it ends.
type Result struct {
	// Unsaved holds changes that were not confirmed on disk when the program ended; the
	// caller must try once more and keep them somewhere safe if that fails.
	Unsaved []state.Change
	// Signal is the signal that ended the program (SIGHUP, SIGTERM, SIGINT), if one did.
	Signal os.Signal
}

type screen int

const (
	sourcesScreen screen = iota
	checklistScreen
)

// helpLine keeps the last help line drawn: bubbles/help measures and styles every
// binding on every frame, while what it shows changes only with the screen's state.
type helpLine struct {
	model help.Model  // its styles; the width and expansion are the root model's
	keys  help.KeyMap // a sourcesHelp, checklistHelp or historyHelp: comparable, with its key map
	width int
	all   bool
	text  string
}

// view is the help line of keys, whose bindings are k's, width cells wide.
func (l *helpLine) view(width int, all bool, keys help.KeyMap, k *keyMap) string {
	if l.keys != keys || l.width != width || l.all != all {
		l.model.Width, l.model.ShowAll = width, all
		l.keys, l.width, l.all = keys, width, all
		if all {
			l.text = l.model.View(keys)
		} else {
			// Cut to fit by dropping hints, never ? and q (see fitShortHelp).
			l.text = l.model.ShortHelpView(k.fitShortHelp(keys.ShortHelp(), width, ansi.StringWidth(l.model.ShortSeparator)))
		}
	}
	return l.text
}

// common is shared by the root and every screen.
type common struct {
	helpLine      helpLine // used only while drawing, on the UI goroutine
	width, height int
	styles        *Styles
	keys          *keyMap // every screen's bindings
	filterKeys    *keyMap // the source list's while the filter has focus
	now           func() time.Time
	catalog       *catalog.Catalog
	effects       Effects
	suspend       func() error                                         // stops the program for the shell (ctrl+z); nil: Bubble Tea's own
	savesFailing  bool                                                 // the last save failed and changes wait in memory: set by the root only
	actor         string                                               // who this rotatetui records changes as (Options.Actor)
	interval      func(*catalog.Key, *catalog.Source) catalog.Duration // Options.Interval, never nil
	verify        catalog.Verify                                       // Options.Verify, never "" (off then)
	checkTimeout  time.Duration                                        // Options.CheckTimeout
	trustChecks   func(*catalog.Key) error                             // Options.TrustChecks, never nil
}

// Model is the root model.
type Model struct {
	c *common
	// saveQueue is what is on disk and what waits to be (see savequeue.go). Its fields
	// are promoted: the root reads m.current, m.pending.
	saveQueue
	// pendingWork finds work waiting outside the screen (see Options.PendingWork).
	pendingWork func() string

	status    string
	statusErr bool
	// statusLocal: the status was said on the screen now shown, about what is on it
	// ("Note not changed.", "{subdomain} = acme"); leaving the screen clears it. Other
	// statuses (a failing save, a notice, work left in a rescue file) stay until replaced.
	statusLocal bool

	screen    screen
	sources   sourcesModel
	checklist checklistModel
	// The help line's width and whether it shows every binding; the rest of it is
	// in common, so the model stays small (see inputs.go).
	helpWidth int
	helpAll   bool

	quitting  bool
	quitAsked bool    // the last key was a ctrl+c that asked before dropping unsaved text
	initCmd   tea.Cmd // what the screen opened at start needs to run (a countdown)
}

// New builds the root model. It does no I/O.
func New(opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.State == nil {
		opts.State = state.New()
	}
	keys := newKeyMap()
	c := &common{
		width: 80, height: 24,
		styles:     newStylesFor(opts.NoColor),
		keys:       keys,
		filterKeys: keys.forFiltering(),
		now:        opts.Now,
		catalog:    opts.Catalog,
		actor:      opts.Actor,
		effects:    opts.Effects.withDefaults(),
		interval:   opts.Interval,
	}
	if c.interval == nil {
		c.interval = catalogInterval(opts.Catalog)
	}
	c.verify, c.checkTimeout, c.trustChecks = opts.Verify, opts.CheckTimeout, opts.TrustChecks
	if c.verify == "" {
		c.verify = catalog.VerifyOff
	}
	if c.trustChecks == nil {
		c.trustChecks = func(*catalog.Key) error { return errors.New("check commands are not available here") }
	}
	h := &c.helpLine.model
	*h = help.New()
	h.Styles.ShortKey = c.styles.Prompt
	h.Styles.FullKey = c.styles.Prompt
	hs := &h.Styles
	hs.ShortDesc, hs.ShortSeparator, hs.Ellipsis = resolvedStyle(hs.ShortDesc), resolvedStyle(hs.ShortSeparator), resolvedStyle(hs.Ellipsis)
	hs.FullDesc, hs.FullSeparator = resolvedStyle(hs.FullDesc), resolvedStyle(hs.FullSeparator)
	m := Model{
		c:           c,
		saveQueue:   newSaveQueue(opts),
		status:      opts.Notice,
		pendingWork: opts.PendingWork,
	}
	m.sources = newSourcesModel(c, opts.State)
	if opts.Query != "" {
		m.sources = m.sources.setQuery(opts.Query)
		if i := m.sources.namedKey(opts.Query); i >= 0 {
			m.sources = m.sources.selectKey(i)
			m, m.initCmd = m.open(i)
		} else if m.sources.matchCount() == 1 {
			m, m.initCmd = m.open(m.sources.selected())
		}
	}
	if opts.Resume {
		if i := m.mostRecentInProgress(); i >= 0 {
			m, m.initCmd = m.open(i)
		} else {
			m.status = "Nothing to resume: no rotation is in progress."
		}
	}
	return m
}

// Run shows the UI until the user quits.
func Run(opts Options) (Result, error) {
	if opts.NoColor {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	m := New(opts)
	if eventDrivenDisplay {
		if t, err := openTerminal(os.Stdin, os.Stdout); err == nil {
			return runOn(t, m)
		}
	}
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithInput(os.Stdin))
	final, err := p.Run()
	if m, ok := final.(Model); ok {
		return Result{Unsaved: m.Unsaved()}, err
	}
	return Result{}, err
}

// runOn runs the UI on t, which draws frames only when they change (see display),
// and puts the terminal back as it was when the UI ends, however it ends.
//
// Panics are contained by framed (Bubble Tea's catching is off): the terminal is put
// back first, and then the error reports the panic with its stack.
func runOn(t *terminal, m Model) (Result, error) {
	if size, err := t.size(); err == nil {
		// The first frame is drawn at the terminal's size: drawn at the default
		// 80x24, its lines would wrap in a narrower terminal and leave rows behind.
		t.display.resize(size.Width, size.Height)
		m, _ = m.step(size)
	}
	m.c.suspend = t.suspend
	f, crashed := framed{model: &m, display: t.display}.drawFirst()
	if crashed != nil {
		return Result{Unsaved: m.Unsaved()}, errors.Join(crashed, t.close())
	}
	p := tea.NewProgram(f, tea.WithoutRenderer(), tea.WithoutCatchPanics(), tea.WithoutSignalHandler(),
		tea.WithInput(t.in), tea.WithOutput(t.out))
	stopSizes := t.sendSizes(p)
	stopSignals := endOnSignals(p)
	final, runErr := p.Run()
	stopSizes()
	signalled := stopSignals()
	closeErr := t.close()
	f, ok := final.(framed)
	var crashErr error
	if ok && f.crash != nil {
		crashErr = f.crash
	}
	// The crash first: a terminal that could not be put back must not hide it.
	err := errors.Join(crashErr, runErr, closeErr)
	if signalled == syscall.SIGHUP {
		// The terminal has gone: that it could not be put back is no news.
		err = errors.Join(crashErr, runErr)
	}
	if m, ok := f.model.(*Model); ok {
		return Result{Unsaved: m.Unsaved(), Signal: signalled}, err
	}
	return Result{Signal: signalled}, err
}

// Unsaved returns the changes not yet confirmed on disk.
func (m Model) Unsaved() []state.Change {
	return append([]state.Change(nil), m.pending...)
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitForChange(m.changes), m.initCmd, pendingWorkCmd(m.pendingWork))
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// The model is large (two screens, their inputs): below, methods return it as a
	// Model, so that it is boxed into a tea.Model (copied to the heap) once per message,
	// and on the display not at all (see updateInPlace).
	return m.step(msg)
}

// updateInPlace is Update for a model that stays where it is: the display (framed)
// keeps a *Model, so that no message copies 32 KB to the heap.
func (m *Model) updateInPlace(msg tea.Msg) tea.Cmd {
	next, cmd := m.step(msg)
	*m = next
	return cmd
}

// step is Update, returning the model as a Model.
func (m Model) step(msg tea.Msg) (Model, tea.Cmd) {
	nm, cmd := m.update(msg)
	if nm.screen == checklistScreen {
		// Whatever changed (a check here, a reload from disk), a wait now on screen
		// needs its countdown running; with none, nothing ticks.
		var tick tea.Cmd
		nm.checklist, tick = nm.checklist.ensureTicking()
		cmd = tea.Batch(cmd, tick)
	}
	return nm, cmd
}

// open shows the checklist of the list's key at index.
func (m Model) open(index int) (Model, tea.Cmd) {
	if index < 0 || index >= m.sources.keyCount() {
		return m, nil
	}
	m = m.leaveScreen()
	m.screen = checklistScreen
	var cmd tea.Cmd
	key := m.sources.keyAt(index)
	m.checklist, cmd = newChecklistModel(m.c, m.sources.sourceOf(index), &key, m.current).init()
	return m, cmd
}

// mostRecentInProgress is the index of the key whose unfinished rotation was touched
// last, or -1.
func (m Model) mostRecentInProgress() int {
	best, bestAt := -1, time.Time{}
	for id, ss := range m.current.Keys {
		if !ss.Current.HasWork() {
			continue // a rotation without work is none (state.StatusOf)
		}
		i, listed := m.sources.indexOf(id)
		if !listed {
			continue // a retired key, or one whose source is gone
		}
		// Ties (the same instant) go to the first key in the list, whatever the map's order.
		if at := ss.Current.UpdatedAt; best < 0 || at.After(bestAt) || at.Equal(bestAt) && i < best {
			best, bestAt = i, at
		}
	}
	return best
}

// tooSmall reports whether the terminal is too small to show the screens: View then
// shows only a note saying so.
func (m Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// View implements tea.Model.
func (m Model) View() string {
	w, h := m.c.width, m.c.height
	st := m.c.styles
	if m.tooSmall() {
		msg := fmt.Sprintf("Window too small (%dx%d).\nrotatetui needs at least %dx%d.\nq quits.", w, h, minWidth, minHeight)
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Empty.Render(msg))
	}
	innerW := m.c.bodyWidth()

	var helpView string
	switch m.screen {
	case sourcesScreen:
		helpView = m.c.helpLine.view(m.helpWidth, m.helpAll, m.sources.helpKeys(), m.sources.keys())
	case checklistScreen:
		helpView = m.c.helpLine.view(m.helpWidth, m.helpAll, m.checklist.helpMap(), m.c.keys)
	}
	// bubbles/help can overrun its width by one item when no ellipsis fits, so the
	// width is enforced here.
	footer := m.statusLine(innerW) + "\n" + fitWidth(helpView, innerW)
	bodyH := bodyHeightWith(h, lipgloss.Height(helpView))

	var body string
	switch m.screen {
	case sourcesScreen:
		body = m.sources.view(innerW, bodyH)
	case checklistScreen:
		body = m.checklist.view(innerW, bodyH)
	}
	// The margin is added by hand: rendering the whole screen through a padded lipgloss
	// style measured every line of every frame, and the terminal renderer clears the
	// rest of each line anyway.
	return composeFrame(body, bodyH, footer, st.App.GetPaddingLeft())
}

// composeFrame is the screen: body cut or filled to bodyH lines (as fitHeight does),
// then footer, every line indented by margin spaces (as indentLines did). It writes
// the frame once; cutting, joining and indenting in turn copied it four times, most
// of what a keystroke allocated. TestComposeFrameAsBefore holds it to the old way.
func composeFrame(body string, bodyH int, footer string, margin int) string {
	var b strings.Builder
	b.Grow(len(body) + len(footer) + (max(bodyH, 1)+strings.Count(footer, "\n")+1)*(margin+1))
	line := func(text string) {
		for range margin {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	}
	if bodyH <= 0 {
		line("") // fitHeight's empty body is still a line before the footer
		b.WriteByte('\n')
	} else {
		n := 0
		for text := range strings.SplitSeq(body, "\n") {
			if n == bodyH {
				break
			}
			line(text)
			b.WriteByte('\n')
			n++
		}
		for ; n < bodyH; n++ {
			line("")
			b.WriteByte('\n')
		}
	}
	first := true
	for text := range strings.SplitSeq(footer, "\n") {
		if !first {
			b.WriteByte('\n')
		}
		first = false
		line(text)
	}
	return b.String()
}

func (m Model) statusLine(width int) string {
	st := m.c.styles
	text := m.status
	style := st.Status
	if m.statusErr {
		style = st.StatusErr
	}
	if text == "" && m.inFlight > 0 {
		text = "saving…"
	}
	return style.Render(truncate(catalog.PrintableLine(text), width))
}

// The window is laid out the same way for drawing (View) and for what update works out
// from it (scrolling, clicks, page sizes): each screen's body, then the status line,
// then the help line, all inside the App style's frame.

// statusLines is the height of the status line (see statusLine: one line, cut to fit).
const statusLines = 1

// bodyWidth is the width of a screen's body: the window less the App style's frame.
func (c *common) bodyWidth() int { return c.width - c.styles.App.GetHorizontalFrameSize() }

// bodyHeightWith is the height left for a screen's body in a window of the given height
// when the help line takes helpLines lines.
func bodyHeightWith(height, helpLines int) int { return height - statusLines - helpLines }

// bodyHeight is bodyHeightWith the short help, one line, which update plans for: the
// full help can make the body shorter, which the screens' views allow for.
func bodyHeight(height int) int { return bodyHeightWith(height, 1) }

// fitWidth cuts every line of s to width cells.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines, so the footer stays at the bottom.
func fitHeight(s string, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
