package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// checklistModel is one source's steps with their boxes. It shows the unfinished
// rotation if there is one; once the last box is checked it shows the finished rotation,
// read-only, until the user leaves. Opening the source again starts a new rotation.
type checklistModel struct {
	c        *common
	src      *catalog.Source
	keys     []string  // the source's step keys, in order
	tracking time.Time // StartedAt of the rotation this screen works on; zero before the first check

	rot      *state.Rotation // the rotation shown; nil before the first check
	finished bool            // rot was completed while this screen was open
	changed  string          // says how the catalog's steps changed since rot started

	cursor int
	offset int // first visible line of the step list
}

func newChecklistModel(c *common, src *catalog.Source, st *state.State) checklistModel {
	m := checklistModel{c: c, src: src, keys: src.StepKeys()}
	m = m.setState(st)
	m.cursor = m.nextOpen(-1)
	return m
}

// setState picks the rotation to show from a new state.
func (m checklistModel) setState(st *state.State) checklistModel {
	ss := st.Source(m.src.ID)
	m.rot, m.finished, m.changed = nil, false, ""
	switch {
	case ss != nil && ss.Current != nil:
		m.rot = ss.Current
		m.tracking = ss.Current.StartedAt
		m.changed = describeChange(ss.Current.StepKeys, m.keys)
	case ss != nil && !m.tracking.IsZero():
		// The rotation this screen was working on ended (completed here or by another
		// instance): show it as done rather than as an empty list.
		if last := ss.LastCompleted(); last != nil && last.StartedAt.Equal(m.tracking) {
			m.rot, m.finished = last, true
		}
	}
	return m
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

func (m checklistModel) handled(i int) bool {
	return m.rot != nil && m.rot.Handled(m.keys[i])
}

// nextOpen is the first unhandled step after i, wrapping around; i itself if none.
func (m checklistModel) nextOpen(i int) int {
	n := len(m.keys)
	for d := 1; d <= n; d++ {
		j := (i + d + n) % n
		if j < 0 {
			j += n
		}
		if !m.handled(j) {
			return j
		}
	}
	return max(i, 0)
}

func (m checklistModel) update(msg tea.Msg) (checklistModel, tea.Cmd, event) {
	m, ev := m.handle(msg)
	m.offset = m.scroll(m.c.width-2, bodyHeight(m.c.height))
	return m, nil, ev
}

func (m checklistModel) handle(msg tea.Msg) (checklistModel, event) {
	keyMsg, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	k := m.c.keys
	last := len(m.keys) - 1
	switch {
	case key.Matches(keyMsg, k.Back):
		return m, backEvent{}
	case key.Matches(keyMsg, k.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(keyMsg, k.Down):
		m.cursor = min(m.cursor+1, last)
	case key.Matches(keyMsg, k.PageUp):
		m.cursor = max(m.cursor-5, 0)
	case key.Matches(keyMsg, k.PageDown):
		m.cursor = min(m.cursor+5, last)
	case key.Matches(keyMsg, k.Top):
		m.cursor = 0
	case key.Matches(keyMsg, k.Bottom):
		m.cursor = last
	case m.finished:
		// A finished rotation is a record: nothing below changes it.
	case key.Matches(keyMsg, k.Toggle):
		return m.toggle()
	case key.Matches(keyMsg, k.ToggleNext):
		var ev event
		wasHandled := m.handled(m.cursor)
		m, ev = m.toggle()
		if !wasHandled {
			// The step is being checked: move on to the next one still open. nextOpen
			// looks at every other step before this one, so it lands here only when
			// this was the last step.
			m.cursor = m.nextOpen(m.cursor)
		}
		return m, ev
	}
	return m, nil
}

func (m checklistModel) toggle() (checklistModel, event) {
	stepKey := m.keys[m.cursor]
	kind := state.Check
	if m.rot != nil && m.rot.Checked(stepKey) {
		kind = state.Uncheck
	}
	at := m.c.now().UTC()
	if m.rot == nil {
		// This check starts the rotation, and the store stamps it with this time.
		m.tracking = at
	}
	return m, changeEvent{change: state.Change{
		Kind:   kind,
		Source: m.src.ID,
		Step:   stepKey,
		Steps:  m.keys,
		At:     at,
	}}
}

func (m checklistModel) helpKeys() checklistHelp {
	return checklistHelp{k: m.c.keys, finished: m.finished}
}

// view renders the checklist into width x height, scrolling to keep the cursor's step
// in sight.
func (m checklistModel) view(width, height int) string {
	head := m.header(width)
	lines, _ := m.stepLines(width)
	avail := height - len(head)
	if avail < 1 {
		return strings.Join(head[:max(height, 0)], "\n")
	}
	offset := m.scrollFrom(m.offset, width, height)
	end := min(offset+avail, len(lines))
	return strings.Join(append(head, lines[offset:end]...), "\n")
}

// scroll is the first visible step line after moving the cursor, given the size the
// view will have.
func (m checklistModel) scroll(width, height int) int {
	return m.scrollFrom(m.offset, width, height)
}

// scrollFrom moves the window as little as possible so the cursor's whole step shows.
func (m checklistModel) scrollFrom(offset, width, height int) int {
	avail := height - len(m.header(width))
	lines, starts := m.stepLines(width)
	if avail < 1 || len(starts) == 0 {
		return 0
	}
	first := starts[m.cursor]
	lastLine := len(lines) - 1
	if m.cursor+1 < len(starts) {
		lastLine = starts[m.cursor+1] - 1
	}
	if first < offset {
		offset = first
	}
	if lastLine >= offset+avail {
		offset = min(lastLine-avail+1, first)
	}
	return max(min(offset, len(lines)-avail), 0)
}

// header is everything above the steps: name, progress, state, warnings, note.
func (m checklistModel) header(width int) []string {
	st := m.c.styles
	var head []string

	title := st.Title.Render(m.src.Name)
	if m.src.Category != "" {
		title += st.Subtitle.Render(" · " + m.src.Category)
	}
	if m.src.Custom() {
		title += " " + st.Tag.Render("custom")
	}
	head = append(head, truncate(title, width))

	done, total := 0, len(m.keys)
	if m.rot != nil {
		done, _ = m.rot.Progress(m.keys)
	}
	head = append(head, m.progressBar(done, total, width))

	switch {
	case m.finished:
		head = append(head, wrapStyled(st.Banner, m.finishedText(), width)...)
	case m.rot != nil:
		head = append(head, st.Subtitle.Render(truncate("Started "+m.when(m.rot.StartedAt)+". Every check is saved as you make it.", width)))
	default:
		head = append(head, st.Subtitle.Render(truncate("Not started. Check the first step when you have done it.", width)))
	}
	if m.changed != "" {
		head = append(head, wrapStyled(st.Warning, "⚠ "+m.changed, width)...)
	}
	if m.src.Note != "" {
		head = append(head, wrapStyled(st.Note, m.src.Note, width)...)
	}
	return append(head, "")
}

func (m checklistModel) when(t time.Time) string {
	now := m.c.now()
	local := t.Local()
	if ago(now, t) == "today" {
		return "today at " + local.Format("15:04")
	}
	return local.Format("2006-01-02 15:04")
}

func (m checklistModel) finishedText() string {
	r := m.rot
	took := r.FinishedAt.Sub(r.StartedAt).Round(time.Minute)
	tookText := "under a minute"
	if took >= time.Minute {
		tookText = catalog.Duration(took).String()
	}
	return fmt.Sprintf("✓ Rotation complete: finished %s, took %s. It is in the history; opening %s again starts a new rotation.",
		m.when(*r.FinishedAt), tookText, m.src.Name)
}

func (m checklistModel) progressBar(done, total, width int) string {
	st := m.c.styles
	label := fmt.Sprintf(" %d/%d", done, total)
	barW := min(max(width-len(label), 4), 40)
	filled := 0
	if total > 0 {
		filled = barW * done / total
	}
	return st.Progress.Render(strings.Repeat("█", filled)) + st.BoxTodo.Render(strings.Repeat("░", barW-filled)) + st.Subtitle.Render(label)
}

// stepLines renders every step, wrapped, and returns the lines with the index of the
// first line of each step.
func (m checklistModel) stepLines(width int) (lines []string, starts []int) {
	st := m.c.styles
	numW := len(fmt.Sprint(len(m.keys)))
	indent := 2 + numW + 2 + 4 // "› " + number + ". " + "[x] "
	textW := max(width-indent, 10)
	pad := strings.Repeat(" ", indent)
	for i, step := range m.src.Steps {
		starts = append(starts, len(lines))
		selected := i == m.cursor
		marker := "  "
		if selected {
			marker = st.Cursor.Render("› ")
		}
		num := st.StepNumber.Render(fmt.Sprintf("%*d. ", numW, i+1))
		box := st.BoxTodo.Render("[ ]")
		textStyle := st.StepText
		if m.handled(i) {
			box = st.BoxDone.Render("[x]")
			textStyle = st.StepDone
		}
		if selected {
			textStyle = st.StepSelected
		}
		for j, l := range strings.Split(ansi.Wrap(step.Text, textW, ""), "\n") {
			if j == 0 {
				lines = append(lines, marker+num+box+" "+textStyle.Render(l))
			} else {
				lines = append(lines, pad+textStyle.Render(l))
			}
		}
		if step.Command != "" {
			for _, l := range strings.Split(ansi.Wrap(step.Command, textW-2, ""), "\n") {
				lines = append(lines, pad+"  "+st.Command.Render(l))
			}
		}
		if step.URL != "" {
			for _, l := range strings.Split(ansi.Wrap(step.URL, textW-2, ""), "\n") {
				lines = append(lines, pad+"  "+st.URL.Render(l))
			}
		}
	}
	return lines, starts
}

// wrapStyled wraps text to width and styles each line.
func wrapStyled(style interface{ Render(...string) string }, text string, width int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
		out = append(out, style.Render(l))
	}
	return out
}
