// Package ui is rotatetui's terminal interface: a searchable list of sources and a
// checklist per source, built on Bubble Tea.
//
// The root Model routes: it owns the window size, the help line, quitting and the save
// queue, and forwards everything else to the active screen (sources.go, checklist.go).
// Screens never touch the disk; they send changeMsgs, and the root writes them through
// the Store in commands, one batch at a time, showing the result of each save. What the
// user sees is the last state read from disk with the unsaved changes applied on top, so
// nothing waits on the disk and nothing is lost if a save has to be retried.
package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
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
	// Interval is how often a source is due (the command line's schedule). Nil: as
	// state.Intervals resolves the source's and the catalog's rotate_every alone.
	Interval func(*catalog.Source) catalog.Duration
	State    *state.State // as loaded from disk
	Store    Store
	Query    string // pre-fills the filter; opens the source directly when exactly one matches
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
	// Effects reach outside the window (clipboard, browser, bell); zero fields get the
	// real ones.
	Effects Effects
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
	model     help.Model  // its styles; the width and expansion are the root model's
	keys      help.KeyMap // a sourcesHelp or checklistHelp: comparable
	filtering bool        // the state of the bindings (see keyMap.forFiltering)
	width     int
	all       bool
	text      string
}

func (l *helpLine) view(width int, all bool, keys help.KeyMap, k *keyMap) string {
	if l.keys != keys || l.filtering != k.filtering || l.width != width || l.all != all {
		l.model.Width, l.model.ShowAll = width, all
		l.keys, l.filtering, l.width, l.all = keys, k.filtering, width, all
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
	keys          *keyMap
	now           func() time.Time
	catalog       *catalog.Catalog
	effects       Effects
	suspend       func() error                           // stops the program for the shell (ctrl+z); nil: Bubble Tea's own
	savesFailing  bool                                   // the last save failed and changes wait in memory: set by the root only
	actor         string                                 // who this rotatetui records changes as (Options.Actor)
	interval      func(*catalog.Source) catalog.Duration // Options.Interval, never nil
}

// Model is the root model.
type Model struct {
	c     *common
	store Store
	actor string

	saved    *state.State   // as last read from or written to disk
	pending  []state.Change // applied on screen, not yet confirmed on disk
	queued   int            // changes ever queued for saving (pending or saved)
	settled  int            // of those, the ones a save has carried
	undos    []sentUndo     // undos not yet settled by a save
	inFlight int            // how many of pending the running save carries
	attempts int            // consecutive failed saves
	saves    int            // saves completed, to spot reloads overtaken by a save
	current  *state.State   // saved with pending applied: what the screens show
	changes  <-chan struct{}
	// pendingWork finds work waiting outside the screen (see Options.PendingWork).
	pendingWork func() string
	keepText    func([]state.Change) error // see Options.KeepText
	keeping     int                        // keepTextCmds running: quitting waits for them

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
	c := &common{
		width: 80, height: 24,
		styles:   newStylesFor(opts.NoColor),
		keys:     newKeyMap(),
		now:      opts.Now,
		catalog:  opts.Catalog,
		actor:    opts.Actor,
		effects:  opts.Effects.withDefaults(),
		interval: opts.Interval,
	}
	if c.interval == nil {
		c.interval = catalogInterval(opts.Catalog)
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
		store:       opts.Store,
		actor:       opts.Actor,
		saved:       opts.State,
		current:     opts.State,
		status:      opts.Notice,
		changes:     opts.Changes,
		pendingWork: opts.PendingWork,
		keepText:    opts.KeepText,
	}
	m.sources = newSourcesModel(c, opts.State)
	if opts.Query != "" {
		m.sources = m.sources.setQuery(opts.Query)
		if m.sources.matchCount() == 1 {
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

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.helpWidth = msg.Width - 2
		return m, nil

	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed faster than one read (or sent by a script) arrive as one
			// message; each is still its own key press.
			return m.splitKeys(msg)
		}
		// ctrl+c always quits, asking once when it would drop text being written; q
		// and ? are letters the filter input may be typing.
		asked := m.quitAsked
		m.quitAsked = false
		if key.Matches(msg, m.c.keys.ForceQ) {
			if what := m.unsavedText(); what != "" && !asked {
				m.quitAsked = true
				m.status, m.statusErr = strings.ToUpper(what[:1])+what[1:]+" not saved: enter saves it, esc drops it, ctrl+c again quits without it.", true
				return m, nil
			}
			return m.quit()
		}
		if !m.typing() && key.Matches(msg, m.c.keys.Quit) {
			return m.quit()
		}
		if key.Matches(msg, m.c.keys.Suspend) {
			return m, m.suspendCmd()
		}
		if m.tooSmall() {
			// The screen shows only "q quits": a key that checked a step or typed into
			// a note would act where nobody can see it.
			if key.Matches(msg, m.c.keys.Quit) {
				return m.quit()
			}
			return m, nil
		}
		if !m.typing() && key.Matches(msg, m.c.keys.Help) {
			m.helpAll = !m.helpAll
			return m, nil
		}

	case tea.MouseMsg:
		if m.tooSmall() {
			return m, nil // as keys: nothing acts unseen
		}

	case fileChangedMsg:
		return m, tea.Batch(loadCmd(m.store, m.saves), waitForChange(m.changes))

	case resumedMsg:
		// Progress made elsewhere meanwhile arrives through the watcher, whose events
		// waited in the kernel.
		switch {
		case errors.Is(msg.err, errNoJobControl), errors.Is(msg.err, errNotHandedBack):
			m.status, m.statusErr = "Not suspended: "+msg.err.Error()+".", true
		case msg.err != nil:
			// Stopped and continued, but raw mode or the screen could not be set up
			// again: keys may echo until the program is restarted.
			m.status, m.statusErr = "Back from ctrl+z, but the terminal could not be set up again ("+msg.err.Error()+"); quit and start again.", true
		}
		return m, nil

	case stateLoadedMsg:
		switch {
		case msg.err != nil:
			m.status, m.statusErr = "Cannot re-read progress: "+msg.err.Error(), true
		case msg.seq != m.saves || m.inFlight > 0:
			// A save finished or is running since this load began; its result is at
			// least as new, and its own write brings another notification.
		case !reflect.DeepEqual(msg.state, m.saved):
			m.saved = msg.state
			m.status, m.statusErr = "Progress was changed by another rotatetui; showing it.", false
			m = m.refresh()
		}
		return m, nil

	case saveDoneMsg:
		m.saved = msg.state
		m.saves++
		m.c.savesFailing = false
		dropped := m.droppedForEndedRotation(m.pending[:msg.count], msg.applied)
		m.pending = m.pending[msg.count:]
		m.inFlight, m.attempts = 0, 0
		if m.statusErr {
			m.status, m.statusErr = "Saved. All progress is on disk again.", false
		}
		m = m.settleUndos(msg.count, msg.applied)
		if dropped.told != "" {
			m.status, m.statusErr = dropped.told, true
		}
		m = m.refresh()
		var keep tea.Cmd
		if len(dropped.text) > 0 && m.keepText != nil {
			m.keeping++
			keep = keepTextCmd(m.keepText, dropped)
		}
		if m.quitting && len(m.pending) == 0 && m.keeping == 0 {
			return m, tea.Quit
		}
		return m, tea.Batch(keep, m.startSave())

	case textKeptMsg:
		m.keeping--
		// Not kept: the status line holds the only copy of the text, so it is shown again.
		m.status, m.statusErr = msg.dropped.told, true
		if msg.err == nil {
			m.status = msg.dropped.ifKept
		}
		if m.quitting && m.inFlight == 0 && m.keeping == 0 {
			return m, tea.Quit // what is still pending, after a failed save, main rescues
		}
		return m, nil

	case saveFailedMsg:
		m.inFlight = 0
		m.attempts++
		m.c.savesFailing = true
		m.status = "Not saved (" + saveProblem(msg.err) + "). Kept in memory; retrying."
		m.statusErr, m.statusLocal = true, false
		if m.quitting {
			// One more try was made on the way out; main reports what is still unsaved,
			// once a dropped note's text is kept.
			if m.keeping > 0 {
				return m, nil
			}
			return m, tea.Quit
		}
		return m, retryAfter(m.attempts)

	case statusMsg:
		if msg.source != "" && (m.screen != checklistScreen || m.checklist.src.ID != msg.source) {
			return m, nil // said about a checklist that was left meanwhile
		}
		m.status, m.statusErr, m.statusLocal = msg.text, msg.isErr, msg.source != ""
		return m, nil

	case pendingWorkMsg:
		// It comes first: the notice shown at start (a permissions warning) stays after it.
		m.status, m.statusErr = strings.TrimSpace(msg.reminder+" "+m.status), true
		return m, nil

	case retrySaveMsg:
		return m, m.startSave()

	case forceQuitMsg:
		return m, tea.Quit

	case endSignalMsg:
		return m.quit()
	}

	var cmd tea.Cmd
	var ev event
	switch m.screen {
	case sourcesScreen:
		m.sources, cmd, ev = m.sources.update(msg)
	case checklistScreen:
		m.checklist, cmd, ev = m.checklist.update(msg)
	}
	if ev == nil {
		return m, cmd
	}
	// Events are handled now, not sent back as commands: the next keystroke must
	// already find the new screen and the new progress, however fast it comes.
	next, evCmd := m.handleEvent(ev)
	return next, tea.Batch(cmd, evCmd)
}

// saveProblem says why a save failed in the few words the status line has room for: the
// full error starts with the state file's path, which pushed the reason off the line.
func saveProblem(err error) string {
	switch {
	case errors.Is(err, state.ErrLockHeld):
		return "another rotatetui is holding the lock"
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "the disk is full"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: " + err.Error()
	}
	return err.Error()
}

// splitKeys handles a burst of typed runes one key at a time.
func (m Model) splitKeys(burst tea.KeyMsg) (Model, tea.Cmd) {
	model := m
	var cmds []tea.Cmd
	for _, r := range burst.Runes {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: burst.Alt}
		if r == ' ' {
			k.Type = tea.KeySpace
		}
		var cmd tea.Cmd
		model, cmd = model.update(k)
		cmds = append(cmds, cmd)
	}
	return model, tea.Batch(cmds...)
}

// handleEvent acts on what a screen asked for.
func (m Model) handleEvent(ev event) (Model, tea.Cmd) {
	switch ev := ev.(type) {
	case openSourceEvent:
		return m.open(ev.index)
	case backEvent:
		m = m.leaveScreen()
		m.screen = sourcesScreen
		m.sources = m.sources.setState(m.current)
		return m, nil
	case changeEvent:
		next, cmd, recorded := m.record(ev.changes...)
		switch {
		case next.statusErr:
		case !recorded && ev.ifNothing != "":
			next.status, next.statusLocal = ev.ifNothing, true
		case ev.status != "":
			next.status, next.statusLocal = ev.status, true
		}
		if recorded && ev.ifNothing != "" && !next.statusErr {
			next.undos = append(next.undos, sentUndo{from: m.queued, to: next.queued, status: next.status, ifNothing: ev.ifNothing})
		}
		return next, cmd
	case statusEvent:
		m.status, m.statusErr, m.statusLocal = ev.text, ev.isErr, true
		return m, nil
	}
	return m, nil
}

// leaveScreen clears what the status line said about the screen being left: a message
// belongs to its moment, and "Note not changed." must not follow the user elsewhere.
func (m Model) leaveScreen() Model {
	if m.statusLocal {
		m.status, m.statusErr, m.statusLocal = "", false, false
	}
	return m
}

// unsavedText names the text being written and not yet saved (see prompt.unsaved), or
// "" when there is none.
func (m Model) unsavedText() string {
	if m.screen != checklistScreen {
		return ""
	}
	return m.checklist.prompt.unsaved()
}

// typing reports whether keystrokes are going into a text input or a question.
func (m Model) typing() bool {
	return m.screen == sourcesScreen && (m.sources.filtering || m.sources.recording >= 0) ||
		m.screen == checklistScreen && m.checklist.prompt.kind != noPrompt
}

// suspendCmd stops the program for the shell's job control (ctrl+z); fg brings it back.
func (m Model) suspendCmd() tea.Cmd {
	if m.c.suspend == nil {
		return tea.Suspend // Bubble Tea's renderer owns the terminal and puts it back itself
	}
	return tea.Exec(suspension(m.c.suspend), func(err error) tea.Msg { return resumedMsg{err: err} })
}

// quit ends the program once the save in flight, if any, is done. Pending changes that
// never reached the disk are returned by Run for the caller to deal with.
func (m Model) quit() (Model, tea.Cmd) {
	if m.inFlight > 0 || m.keeping > 0 {
		if m.quitting {
			return m, nil // already waiting, with its own deadline
		}
		m.quitting = true
		m.status, m.statusErr = "Quitting once the save under way is done…", false
		return m, tea.Tick(3*time.Second, func(time.Time) tea.Msg { return forceQuitMsg{} })
	}
	m.quitting = true
	return m, tea.Quit
}

// record applies changes on screen at once and queues them for saving. They are one
// action: if any is refused, none is recorded. recorded is false when nothing
// changed (every change was a no-op on the state as this instance knows it).
func (m Model) record(changes ...state.Change) (next Model, cmd tea.Cmd, recorded bool) {
	st := m.current.Clone()
	var kept []state.Change
	for _, c := range changes {
		c.By = m.actor
		changed, err := c.Apply(st)
		if err != nil {
			m.status, m.statusErr, m.statusLocal = err.Error(), true, true
			return m, nil, false
		}
		if changed {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return m, nil, false
	}
	if !m.c.savesFailing {
		// While saves fail, their failure stays said: this change is not on disk either.
		m.status, m.statusErr, m.statusLocal = "", false, false
	}
	m.pending = append(m.pending, kept...)
	m.queued += len(kept)
	m.current = st
	m = m.refresh()
	return m, m.startSave(), true
}

// sentUndo is an undo recorded on screen and queued for saving. The save may find that
// another rotatetui changed the step first, and skip it (see state.Change.IfMark): the
// status line must not then keep saying it was undone.
type sentUndo struct {
	from, to  int    // its changes' places among the changes queued (see Model.queued)
	status    string // what the status line said when it was recorded
	ifNothing string // what it says instead if none of its changes took effect
}

// settleUndos acts on a save of the next count queued changes, applied telling which
// took effect: an undo none of whose changes did says so, unless the status line has
// moved on since.
func (m Model) settleUndos(count int, applied []bool) Model {
	start := m.settled
	m.settled += count
	if len(m.undos) == 0 {
		return m
	}
	var waiting []sentUndo
	for _, u := range m.undos {
		if u.to > m.settled {
			waiting = append(waiting, u)
			continue
		}
		tookEffect := false
		for i := max(u.from, start); i < u.to; i++ {
			tookEffect = tookEffect || i-start < len(applied) && applied[i-start]
		}
		if !tookEffect && m.status == u.status && !m.statusErr {
			m.status = u.ifNothing
		}
	}
	m.undos = waiting
	return m
}

// droppedChanges are saved changes that did nothing because the rotation they were
// made for had ended (completed or abandoned in another rotatetui before this screen
// heard of it). They are recorded nowhere, so the person is told of the first, with a
// note's text (told), and the notes and skip reasons among them (text) are kept
// elsewhere if they can be; ifKept is what to tell then.
type droppedChanges struct {
	told, ifKept string
	text         []state.Change
}

// droppedForEndedRotation finds the droppedChanges among carried. Undos are left to
// settleUndos.
func (m Model) droppedForEndedRotation(carried []state.Change, applied []bool) droppedChanges {
	var d droppedChanges
	for i, c := range carried {
		if i >= len(applied) || applied[i] || c.Started == nil || c.IfMark != nil || c.IfNote != nil || c.Step == "" {
			continue
		}
		ss := m.saved.Source(c.Source)
		if ss != nil && ss.Current != nil && ss.Current.StartedAt.Equal(*c.Started) {
			continue // a no-op on the rotation still in progress: nothing was lost
		}
		if alreadySo(ss, c) {
			continue // the other rotatetui left the step as this change would have
		}
		if c.Text != "" && (c.Kind == state.SetNote || c.Kind == state.Skip) {
			d.text = append(d.text, c)
		}
		if d.told != "" || c.Kind == state.SetWait { // a wait follows its check
			continue
		}
		what := "Step " + c.Step
		if src, _ := m.c.catalog.Lookup(c.Source); src != nil {
			if n := indexOfKey(src.StepKeys(), c.Step); n >= 0 {
				what = fmt.Sprintf("Step %d of %s", n+1, src.Name)
			}
		}
		lost, withText := "was not checked", ""
		switch c.Kind {
		case state.Uncheck:
			lost = "was not unchecked"
		case state.Skip:
			lost = "was not skipped"
		case state.Unskip:
			lost = "was not unskipped"
		case state.SetNote:
			lost, withText = "got no note", " ("+catalog.PrintableLine(c.Text)+")"
		}
		d.told = what + " " + lost + withText + ": that rotation was finished or reset in another rotatetui."
		// Shorter, as the text is kept: the status line is one line.
		d.ifKept = what + " " + lost + ": another rotatetui ended that rotation; rotatetui restore shows the text."
	}
	return d
}

// alreadySo reports whether the ended rotation a change was made for has the step as
// the change would have left it.
func alreadySo(ss *state.SourceState, c state.Change) bool {
	if ss == nil {
		return false
	}
	for i := range ss.History {
		r := &ss.History[i]
		if !r.StartedAt.Equal(*c.Started) {
			continue
		}
		rec := r.Steps[c.Step]
		switch c.Kind {
		case state.Check:
			return rec != nil && rec.CheckedAt != nil
		case state.Uncheck:
			return rec == nil || rec.CheckedAt == nil
		case state.Skip:
			return rec != nil && rec.SkippedAt != nil && rec.SkipReason == c.Text
		case state.Unskip:
			return rec == nil || rec.SkippedAt == nil
		case state.SetNote:
			return rec != nil && rec.Note == c.Text || rec == nil && c.Text == ""
		}
	}
	return false
}

// startSave writes every pending change in one batch unless a save is already running:
// saves go one at a time, in order.
func (m *Model) startSave() tea.Cmd {
	if m.inFlight > 0 || len(m.pending) == 0 || m.store == nil {
		return nil
	}
	m.inFlight = len(m.pending)
	return saveCmd(m.store, m.pending)
}

// refresh recomputes what the screens show from the saved state and pending changes.
func (m Model) refresh() Model {
	cur := m.saved
	if len(m.pending) > 0 {
		cur = m.saved.Clone()
		for _, c := range m.pending {
			// A change that no longer applies (another instance got there first) is
			// simply a no-op on the newer state.
			_, _ = c.Apply(cur)
		}
	}
	m.current = cur
	m.sources = m.sources.setState(cur)
	if m.screen == checklistScreen {
		m.checklist = m.checklist.setState(cur)
	}
	return m
}

func (m Model) open(index int) (Model, tea.Cmd) {
	if index < 0 || index >= len(m.c.catalog.Sources) {
		return m, nil
	}
	m = m.leaveScreen()
	m.screen = checklistScreen
	var cmd tea.Cmd
	m.checklist, cmd = newChecklistModel(m.c, &m.c.catalog.Sources[index], m.current).init()
	return m, cmd
}

// mostRecentInProgress is the catalog index of the unfinished rotation touched last.
func (m Model) mostRecentInProgress() int {
	best, bestAt := -1, time.Time{}
	for i, src := range m.c.catalog.Sources {
		ss := m.current.Source(src.ID)
		if ss == nil || ss.Current == nil {
			continue
		}
		if best < 0 || ss.Current.UpdatedAt.After(bestAt) {
			best, bestAt = i, ss.Current.UpdatedAt
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
	innerW := w - st.App.GetHorizontalFrameSize()

	var helpView string
	switch m.screen {
	case sourcesScreen:
		helpView = m.c.helpLine.view(m.helpWidth, m.helpAll, m.sources.helpKeys(), m.c.keys)
	case checklistScreen:
		helpView = m.c.helpLine.view(m.helpWidth, m.helpAll, m.checklist.helpMap(), m.c.keys)
	}
	// bubbles/help can overrun its width by one item when no ellipsis fits, so the
	// width is enforced here.
	footer := m.statusLine(innerW) + "\n" + fitWidth(helpView, innerW)
	bodyH := h - lipgloss.Height(footer)

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

// bodyHeight is the height left for a screen's body in a window of the given height,
// with the short help: the status line and the help line sit below it.
func bodyHeight(height int) int { return height - 2 }

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
