package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// checklistModel is one key's checklist: its source's steps with the key's boxes. It
// shows the key's unfinished rotation if there is one; once the last box is checked it
// shows the finished rotation, read-only, until the user leaves. Opening the key again
// starts a new rotation. Everything recorded (progress, waits, notes, values, history)
// is the key's: changes carry the key's id (state.Change.Key).
//
// Every action on a step either records a change (handed to the root as an event) or
// asks for something first in a prompt at the bottom of the screen: a placeholder
// value, a note, a skip reason, or a y/N confirmation.
type checklistModel struct {
	c *common
	// base is the catalog's source; src is it as the rotation shown runs it, with the
	// proof steps (catalog.Source.WithProof), as setState works it out.
	base     *catalog.Source
	src      *catalog.Source
	key      *catalog.Key // the key rotated (a copy): the state file's entry is key.ID's
	keys     []string     // src's step keys, in order
	tracking time.Time    // StartedAt of the rotation this screen works on; zero before the first check

	rot      *state.Rotation // the rotation shown; nil before the first check
	finished bool            // rot was completed while this screen was open
	// lastRotated is when the key was last rotated (nil: never, as far as rotatetui
	// knows), and byHand whether that is a date recorded with r or `rotated --on`.
	lastRotated *time.Time
	byHand      bool
	changed     string            // says how the catalog's steps changed since rot started
	values      map[string]string // the key's placeholder values that can be used
	refused     map[string]string // saved values that cannot (see usableValues), with why
	declared    map[string]bool   // the values set for the key in keys.toml (not editable here)
	withheld    withheldTexts     // which recorded texts look like secrets, shown as withheld

	cursor int
	offset int // first visible line of the step list

	prompt    prompt
	undo      []undoEntry
	confirmed map[string]bool // revoke steps the user already confirmed on this screen
	hist      historyView     // the past rotations, shown over the steps (h)
	recorded  *state.KeyState // everything recorded about the key, for the history; nil: nothing
	tickGen   int             // the countdown ticker that is current
	ticking   bool
	announced map[string]bool // waits whose end was already announced

	// claim is the rotation on screen when someone else started it (see claim.go).
	// Held by pointer, as the model is copied with every message; replaced, never
	// changed in place.
	claim *heldClaim
	// verifying is the check command running or last run on this screen (v), nil when
	// none: its output, made printable, shows under the steps (checkrun.go).
	verifying *checkView
}

// undoEntry reverses one action.
type undoEntry struct {
	what    string
	changes []state.Change
}

func newChecklistModel(c *common, src *catalog.Source, key *catalog.Key, st *state.State) checklistModel {
	m := checklistModel{c: c, base: src, src: src, key: key, keys: src.StepKeys(), confirmed: map[string]bool{}, announced: map[string]bool{}}
	m = m.setState(st)
	m.cursor = m.nextOpen(-1)
	// Waits that already ended before the screen opened need no bell.
	for i := range m.keys {
		if until := m.waitBefore(i); until != nil && !m.c.now().Before(*until) {
			m.announced[m.keys[i]] = true
		}
	}
	return m
}

// init starts the countdown if a step is waiting.
func (m checklistModel) init() (checklistModel, tea.Cmd) {
	return m.ensureTicking()
}

// setState picks the rotation to show from a new state.
func (m checklistModel) setState(st *state.State) checklistModel {
	ss := st.Key(m.key.ID)
	m.recorded = ss
	m.rot, m.finished, m.changed = nil, false, ""
	m.lastRotated = ss.LastRotatedAt()
	m.byHand = m.lastRotated != nil && ss.LastRotated != nil && m.lastRotated.Equal(*ss.LastRotated)
	var saved map[string]string
	if ss != nil {
		saved = ss.Placeholders
	}
	// A saved value that cannot go where it is used is not used: it is asked again.
	m.values, m.refused, m.declared = keyValues(m.base, m.key.Values, saved)
	switch {
	case ss != nil && ss.Current != nil:
		m.rot = ss.Current
		m.tracking = ss.Current.StartedAt
	case ss != nil && !m.tracking.IsZero():
		// The rotation this screen was working on ended (completed here or by another
		// instance): show it as done rather than as an empty list.
		if last := ss.LastCompleted(); last != nil && last.StartedAt.Equal(m.tracking) {
			m.rot, m.finished = last, true
		}
	}
	// The rotation keeps the proof steps it started with: one started before them
	// ends as it would have.
	var started []string
	if m.rot != nil {
		started = m.rot.StepKeys
	}
	m.src = m.base.WithProof(m.c.verify, started)
	m.keys = m.src.StepKeys()
	m.cursor = min(m.cursor, len(m.keys)-1)
	if ss != nil && ss.Current != nil {
		m.changed = describeChange(ss.Current.StepKeys, m.keys)
	}
	m.withheld = findWithheld(m.rot, m.values)
	m.claim = m.claim.update(claimOf(ss, m.keys, m.c.actor), m.finished)
	return m.dropUndoneCheck()
}

// describeChange compares the step keys a rotation started with to the catalog's now.
func describeChange(then, now []string) string {
	if len(then) == 0 || equalStrings(then, now) {
		return ""
	}
	had := map[string]bool{}
	for _, k := range then {
		had[k] = true
	}
	added, kept := 0, 0
	for _, k := range now {
		if had[k] {
			kept++
		} else {
			added++
		}
	}
	removed := len(then) - kept
	var parts []string
	if added > 0 {
		parts = append(parts, plural(added, "step added", "steps added"))
	}
	if removed > 0 {
		parts = append(parts, plural(removed, "step removed", "steps removed"))
	}
	if len(parts) == 0 {
		parts = append(parts, "steps reordered")
	}
	return "The catalog's steps changed since this rotation started (" + strings.Join(parts, ", ") + "). Checks stay with their steps; re-read the unchecked ones."
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (m checklistModel) record(i int) *state.StepRecord {
	if m.rot == nil || m.rot.Steps == nil {
		return nil
	}
	return m.rot.Steps[m.keys[i]]
}

func (m checklistModel) handled(i int) bool {
	return m.rot != nil && m.rot.Handled(m.keys[i])
}

func (m checklistModel) checked(i int) bool {
	return m.rot != nil && m.rot.Checked(m.keys[i])
}

func (m checklistModel) skipped(i int) bool {
	r := m.record(i)
	return r != nil && r.SkippedAt != nil
}

// nextOpen is the first unhandled step after i, wrapping around; i itself if none.
func (m checklistModel) nextOpen(i int) int {
	n := len(m.keys)
	for d := 1; d <= n; d++ {
		j := ((i+d)%n + n) % n
		if !m.handled(j) {
			return j
		}
	}
	return max(i, 0)
}

// waitBefore is when step i becomes possible, if the step before it was checked with a
// wait that has not necessarily passed yet.
func (m checklistModel) waitBefore(i int) *time.Time {
	if i == 0 || !m.checked(i-1) {
		return nil
	}
	if r := m.record(i - 1); r != nil && r.WaitUntil != nil {
		return r.WaitUntil
	}
	return nil
}

// waitingOn reports whether step i must still wait, and until when.
func (m checklistModel) waitingOn(i int) (time.Time, bool) {
	if until := m.waitBefore(i); until != nil && m.c.now().Before(*until) {
		return *until, true
	}
	return time.Time{}, false
}

// needsConfirmation: a revoke step while no new key exists (see revokeUnguarded), the
// first time it is checked on this screen.
func (m checklistModel) needsConfirmation(i int) bool {
	return !m.confirmed[m.keys[i]] && !m.checked(i) && revokeUnguarded(m.src, m.rot, i)
}

func (m checklistModel) hasKind(k catalog.Kind) bool {
	for _, st := range m.src.Steps {
		if st.Kind == k {
			return true
		}
	}
	return false
}

func (m checklistModel) update(msg tea.Msg) (checklistModel, tea.Cmd, event) {
	var cmd tea.Cmd
	var ev event
	switch msg := msg.(type) {
	case waitTickMsg:
		m, cmd = m.tick(msg)
	case checkStartedMsg:
		m, cmd, ev = m.checkStarted(msg)
	case checkOutputMsg:
		m, cmd, ev = m.checkOutput(msg)
	case tea.MouseMsg:
		if m.hist.open {
			m = m.historyMouse(msg)
			break
		}
		m, ev = m.mouse(msg)
	case tea.KeyMsg:
		if m.hist.open {
			m = m.historyKey(msg)
			break
		}
		if m.prompt.kind != noPrompt {
			m, cmd, ev = m.updatePrompt(msg)
		} else {
			m, cmd, ev = m.handleKey(msg)
		}
	default:
		if m.prompt.kind != noPrompt {
			m, cmd, ev = m.updatePrompt(msg)
		}
	}
	m.offset = m.scroll(m.c.bodyWidth(), bodyHeight(m.c.height))
	return m, cmd, ev
}

// change builds a change of step i, stamped now. Made during a rotation, it belongs to
// that rotation (state.Change.Started): if another rotatetui completes or abandons it
// first, or the change is restored from a rescue file after that, it does nothing
// rather than start a new rotation with one step done.
func (m checklistModel) change(kind state.ChangeKind, i int, text string) state.Change {
	c := state.Change{Kind: kind, Key: m.key.ID, Step: m.keys[i], Steps: m.keys, At: m.c.now().UTC(), Text: text}
	if m.rot != nil && !m.finished {
		started := m.rot.StartedAt
		c.Started = &started
	}
	return m.guardClaim(c)
}

// emit records changes, remembering how to undo them. The inverse is computed from the
// rotation as it is before the changes.
func (m checklistModel) emit(what string, changes ...state.Change) (checklistModel, tea.Cmd, event) {
	if m.rot == nil && len(changes) > 0 && changes[0].Kind != state.SetPlaceholder {
		// This change starts the rotation, and the store stamps it with this time.
		m.tracking = changes[0].At
	}
	inverse := m.inverse(changes)
	if len(inverse) > 0 {
		m.undo = append(m.undo, undoEntry{what: what, changes: inverse})
		if len(m.undo) > 50 {
			m.undo = m.undo[1:]
		}
	}
	return m, nil, changeEvent{changes: changes}
}

// inverse returns the changes that put step records back as they are now. Each is
// guarded (state.Change.IfMark, IfNote, Started): it applies only while the step is
// still what the change left it, in this rotation, so undoing on a screen that has
// not yet seen another instance's work on the step cannot overwrite that work.
func (m checklistModel) inverse(changes []state.Change) []state.Change {
	var inv []state.Change
	completes := false
	started := m.tracking.Round(0) // as the store records it
	if m.rot != nil {
		started = m.rot.StartedAt
	}
	for _, c := range changes {
		i := indexOfKey(m.keys, c.Step)
		if i < 0 {
			continue
		}
		inv = m.appendInverse(inv, c, i, &started)
		if c.Kind == state.Check || c.Kind == state.Skip || c.Kind == state.RunCheck && c.Run.Passed() {
			completes = completes || m.wouldComplete(i)
		}
	}
	if completes {
		// Undoing the check that finished the rotation first reopens it.
		reopen := state.Change{Kind: state.Reopen, Key: m.key.ID, At: m.c.now().UTC(), Started: &started}
		inv = append([]state.Change{reopen}, inv...)
	}
	return inv
}

// appendInverse appends the changes that undo c, a change to step i, in the rotation
// started at started: a check or skip is taken back and the step's mark before it put
// back; a mark taken back is put back; a note gets its text before.
func (m checklistModel) appendInverse(inv []state.Change, c state.Change, i int, started *time.Time) []state.Change {
	prev := m.record(i)
	at := c.At.Round(0) // as the store records it
	base := state.Change{Key: m.key.ID, Step: c.Step, Steps: m.keys, At: m.c.now().UTC(), Started: started}
	switch c.Kind {
	case state.RunCheck:
		if !c.Run.Passed() {
			return inv // a failed attempt stays on record
		}
		r := base
		r.Kind, r.IfMark = state.Uncheck, &state.Mark{CheckedAt: &at}
		return appendRestore(append(inv, r), base, prev)
	case state.Check:
		r := base
		r.Kind, r.IfMark = state.Uncheck, &state.Mark{CheckedAt: &at}
		return appendRestore(append(inv, r), base, prev)
	case state.Skip:
		r := base
		r.Kind, r.IfMark = state.Unskip, &state.Mark{SkippedAt: &at, SkipReason: c.Text}
		return appendRestore(append(inv, r), base, prev)
	case state.Uncheck, state.Unskip:
		return appendRestore(inv, base, prev)
	case state.SetNote:
		r := base
		r.Kind, r.IfNote = state.SetNote, &c.Text
		if prev != nil {
			r.Text = prev.Note
		}
		return append(inv, r)
	}
	return inv
}

// appendRestore appends the change that puts back prev's check or skip, if it had one.
// Its guard is an open step, as the change before it leaves the step: a mark another
// instance made since is not overwritten.
func appendRestore(inv []state.Change, base state.Change, prev *state.StepRecord) []state.Change {
	if prev == nil {
		return inv
	}
	r := base
	switch {
	case prev.CheckedAt != nil:
		r.Kind, r.At, r.IfMark, r.Overrides = state.Check, *prev.CheckedAt, &state.Mark{}, prev.Overrides
	case prev.SkippedAt != nil:
		r.Kind, r.Text, r.IfMark = state.Skip, prev.SkipReason, &state.Mark{}
	default:
		return inv
	}
	return append(inv, r)
}

// wouldComplete: handling step i leaves no step open.
func (m checklistModel) wouldComplete(i int) bool {
	for j := range m.keys {
		if j != i && !m.handled(j) {
			return false
		}
	}
	return true
}

func indexOfKey(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

func (m checklistModel) undoLast() (checklistModel, tea.Cmd, event) {
	if len(m.undo) == 0 {
		return m, nil, statusEvent{text: "Nothing to undo on this screen."}
	}
	last := m.undo[len(m.undo)-1]
	m.undo = m.undo[:len(m.undo)-1]
	if m.finished {
		// Undoing the completion brings the rotation back to work on.
		m.finished = false
	}
	return m, nil, changeEvent{changes: last.changes, status: "Undid the " + last.what + ".",
		ifNothing: "Nothing undone: the " + last.what + " was already changed in another rotatetui."}
}

func (m checklistModel) toggle(thenNext bool) (checklistModel, tea.Cmd, event) {
	i := m.cursor
	if ev := m.refuseWhileChecking(i); ev != nil {
		return m, nil, ev
	}
	if thenNext && m.handled(i) {
		// enter means "done, next": on a step already done or skipped it only moves
		// on, so pressing it once too often never undoes work. space and x toggle.
		return m.moveToNextOpen(i)
	}
	if m.checked(i) {
		return m.emit(fmt.Sprintf("uncheck of step %d", i+1), m.change(state.Uncheck, i, ""))
	}
	if until, waiting := m.waitingOn(i); waiting {
		return m, nil, statusEvent{text: fmt.Sprintf("Step %d is not possible yet: wait until %s (%s left).", i+1, until.Local().Format("15:04"), countdown(until.Sub(m.c.now()))), isErr: true}
	}
	if m.needsConfirmation(i) {
		kind := confirmRevoke
		if thenNext {
			kind = confirmRevokeNext
		}
		m.prompt = newConfirm(revokeQuestion(m.src, m.rot, i), kind, i)
		return m, nil, nil
	}
	return m.check(i, thenNext)
}

// moveToNextOpen moves the cursor from the handled step i to the next step still
// open, changing nothing.
func (m checklistModel) moveToNextOpen(i int) (checklistModel, tea.Cmd, event) {
	next := m.nextOpen(i)
	if next == i {
		return m, nil, statusEvent{text: "Every step is done or skipped; space unchecks this one."}
	}
	m.cursor = next
	return m, nil, nil
}

// needsProofNote: step i establishes a fact (a proof step, or the source's verify step
// standing for New key works) and has no note yet. Checked by hand, it is checked with
// a note on how it was verified, the evidence the record keeps; a note already there
// is that evidence. (A passing check command is its own, and checks it without one.)
func (m checklistModel) needsProofNote(i int) bool {
	if m.src.Steps[i].Proves == catalog.FactNone {
		return false
	}
	r := m.record(i)
	return r == nil || strings.TrimSpace(r.Note) == ""
}

// check records step i as done (with its wait, if it has one) and, for enter, moves
// to the next step still open. A proof step without a note asks for one first.
func (m checklistModel) check(i int, thenNext bool) (checklistModel, tea.Cmd, event) {
	if m.needsProofNote(i) {
		m.prompt = m.newProofNotePrompt(i, thenNext)
		return m, nil, nil
	}
	return m.checkWithNote(i, thenNext, "")
}

// checkWithNote is check, with note (if not "") set on the step in the same action:
// one save, one undo.
func (m checklistModel) checkWithNote(i int, thenNext bool, note string) (checklistModel, tea.Cmd, event) {
	var changes []state.Change
	if note != "" {
		// Before the check: a check that completes the rotation ends it, and a note
		// after it would start another.
		changes = append(changes, m.change(state.SetNote, i, note))
	}
	c := m.change(state.Check, i, "")
	if revokeUnguarded(m.src, m.rot, i) {
		// Reached only once the revoke was confirmed: the record says so.
		c.Overrides = []state.Override{state.OverrideCaution}
	}
	changes = append(changes, c)
	if w := m.src.Steps[i].Wait; w > 0 {
		until := c.At.Add(time.Duration(w))
		wait := m.change(state.SetWait, i, "")
		wait.Until = &until
		changes = append(changes, wait)
	}
	m, cmd, ev := m.emit(fmt.Sprintf("check of step %d", i+1), changes...)
	if ce, ok := ev.(changeEvent); ok && note != "" {
		ce.status = fmt.Sprintf("Step %d checked, with your note on how you verified it.", i+1)
		ev = ce
	}
	if thenNext {
		// nextOpen looks at every other step before this one, so it lands here only
		// when this was the last step.
		m.cursor = m.nextOpen(i)
	}
	return m, cmd, ev
}

// tick advances the countdown: it announces waits that just ended and keeps ticking
// only while something on screen is still counting down.
func (m checklistModel) tick(msg waitTickMsg) (checklistModel, tea.Cmd) {
	if msg.gen != m.tickGen {
		return m, nil // a ticker from before; the current one carries on
	}
	m.ticking = false
	var cmds []tea.Cmd
	for i := range m.keys {
		until := m.waitBefore(i)
		if until == nil || m.announced[m.keys[i]] || m.c.now().Before(*until) {
			continue
		}
		m.announced[m.keys[i]] = true
		cmds = append(cmds, bellCmd(m.c.effects), func() tea.Msg {
			return statusMsg{text: fmt.Sprintf("The wait is over: step %d can be done now.", i+1), source: m.key.ID}
		})
	}
	m, next := m.ensureTicking()
	return m, tea.Batch(append(cmds, next)...)
}

// ensureTicking schedules the next countdown tick if a wait is running and no ticker is.
func (m checklistModel) ensureTicking() (checklistModel, tea.Cmd) {
	if m.ticking {
		return m, nil
	}
	for i := range m.keys {
		if _, waiting := m.waitingOn(i); waiting {
			m.ticking = true
			m.tickGen++
			return m, tickEvery(m.c.effects, m.tickGen)
		}
	}
	return m, nil
}

// countdown prints a remaining time as m:ss or h:mm:ss.
func countdown(d time.Duration) string {
	d = max(d.Round(time.Second), 0)
	h, mnt, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, mnt, s)
	}
	return fmt.Sprintf("%d:%02d", mnt, s)
}

// Copy and open act on the step's command or URL, after asking for any placeholder
// values they still need.
type action int

const (
	actNone action = iota
	actCopy
	actOpen
)

func (m checklistModel) startAction(a action) (checklistModel, tea.Cmd, event) {
	step := m.src.Steps[m.cursor]
	var missing []string
	for _, name := range placeholdersIn(step.URL, step.Command) {
		if _, ok := m.values[name]; !ok {
			missing = append(missing, name)
		}
	}
	if a == actOpen && step.URL == "" {
		missing = nil // opening the docs needs no values
	}
	if len(missing) > 0 {
		m.prompt = m.newValuePrompt(missing, a, false)
		return m, nil, nil
	}
	return m, m.perform(a), m.opening(a)
}

// perform does a: its status line is about this checklist (see forSource).
func (m checklistModel) perform(a action) tea.Cmd {
	return forSource(m.key.ID, m.effect(a))
}

func (m checklistModel) effect(a action) tea.Cmd {
	step := m.src.Steps[m.cursor]
	command, url := fill(step.Command, m.values), fill(step.URL, m.values)
	switch a {
	case actCopy:
		text := command
		if text == "" {
			text = url
		}
		if text == "" {
			text = step.Text
		}
		return copyCmd(m.c.effects, text, describeCopy(command, url))
	case actOpen:
		if url == "" {
			url = m.src.Docs
		}
		if url == "" {
			return func() tea.Msg { return statusMsg{text: "This step has no link, and the source no documentation page."} }
		}
		return openCmd(m.c.effects, url)
	}
	return nil
}

// opening says, for o, which site the link leads to before the browser is asked to
// open it; nil for other actions.
func (m checklistModel) opening(a action) event {
	if a != actOpen {
		return nil
	}
	link := fill(m.src.Steps[m.cursor].URL, m.values)
	if link == "" {
		link = m.src.Docs
	}
	if host := linkHost(link); host != "" {
		return statusEvent{text: "Opening " + host + "…"}
	}
	return nil
}

// title is the key's name as shown: "Snowflake · prod", or the source's name.
func (m checklistModel) title() string { return m.key.Title(m.src) }

// interval is how often the key is due.
func (m checklistModel) interval() catalog.Duration { return m.c.interval(m.key, m.src) }

// valueNames are the placeholders to edit with e: the step's, else the source's.
func (m checklistModel) valueNames() []string {
	step := m.src.Steps[m.cursor]
	if names := placeholdersIn(step.URL, step.Command); len(names) > 0 {
		return names
	}
	var all []string
	for _, st := range m.src.Steps {
		all = append(all, st.URL, st.Command)
	}
	return placeholdersIn(all...)
}

func (m checklistModel) helpKeys() checklistHelp {
	step := m.src.Steps[m.cursor]
	return checklistHelp{
		k:          m.c.keys,
		canVerify:  m.canVerify(m.cursor),
		canSkip:    m.src.SkipRefused(m.cursor, m.c.verify) == "",
		needsNote:  !m.checked(m.cursor) && m.needsProofNote(m.cursor),
		proofNote:  m.prompt.kind == promptProofNote,
		finished:   m.finished,
		prompt:     m.prompt.kind.group(),
		hasCommand: step.Command != "" || step.URL != "",
		hasURL:     step.URL != "" || m.src.Docs != "",
		hasValues:  len(m.valueNames()) > 0,
		canUndo:    len(m.undo) > 0,
		started:    m.rot != nil,
	}
}
