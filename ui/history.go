package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// The history is an overlay of the checklist (h): the source's rotations, newest first,
// as `rotatetui history` lists them, with each step's result, who did it and when, its
// note and its skip reason. It only reads; esc or h goes back to the steps.

// historyView is the state of the overlay.
type historyView struct {
	open   bool
	offset int // first visible line
}

// historyKey handles a key while the history is shown: it scrolls or closes.
func (m checklistModel) historyKey(msg tea.KeyMsg) checklistModel {
	k := m.c.keys
	page := max(bodyHeight(m.c.height)-historyHead, 1)
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.History):
		m.hist = historyView{}
	case key.Matches(msg, k.Up):
		m.hist.offset--
	case key.Matches(msg, k.Down):
		m.hist.offset++
	case key.Matches(msg, k.PageUp):
		m.hist.offset -= page
	case key.Matches(msg, k.PageDown):
		m.hist.offset += page
	case key.Matches(msg, k.Top):
		m.hist.offset = 0
	case key.Matches(msg, k.Bottom):
		m.hist.offset = len(m.historyLines(m.c.bodyWidth()))
	}
	m.hist.offset = m.clampHistory(m.hist.offset, m.c.bodyWidth(), bodyHeight(m.c.height))
	return m
}

// historyMouse scrolls the history with the wheel; clicks do nothing, as the steps
// they would land on are not shown.
func (m checklistModel) historyMouse(msg tea.MouseMsg) checklistModel {
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.hist.offset--
	case tea.MouseButtonWheelDown:
		m.hist.offset++
	}
	m.hist.offset = m.clampHistory(m.hist.offset, m.c.bodyWidth(), bodyHeight(m.c.height))
	return m
}

// clampHistory keeps offset within the lines, so the last page stays full.
func (m checklistModel) clampHistory(offset, width, height int) int {
	avail := height - historyHead
	return max(min(offset, len(m.historyLines(width))-avail), 0)
}

// historyHead is how many lines the overlay's head takes: the title and the line under it.
const historyHead = 2

// historyScreen renders the overlay into width x height.
func (m checklistModel) historyScreen(width, height int) string {
	st := m.c.styles
	head := []string{truncate(st.Title.Render(m.title())+st.Subtitle.Render(" · history"), width), ""}
	lines := m.historyLines(width)
	offset := m.clampHistory(m.hist.offset, width, height)
	avail := max(height-len(head), 0)
	body := append(head, lines[min(offset, len(lines)):min(offset+avail, len(lines))]...)
	for len(body) < height {
		body = append(body, "")
	}
	return strings.Join(body[:max(height, 0)], "\n")
}

// historyLines is the history, wrapped to width: a summary line, then each rotation.
func (m checklistModel) historyLines(width int) []string {
	st := m.c.styles
	rots := m.pastRotations()
	summary := plural(len(rots), "rotation", "rotations") + " recorded"
	if m.recorded != nil && m.recorded.LastRotated != nil {
		summary += "; recorded by hand as rotated on " + m.recorded.LastRotated.Local().Format("2006-01-02")
	}
	if len(rots) == 0 {
		summary += ". Check the first step to start one."
	}
	lines := wrapSentences(st.Subtitle, summary+".", width)
	for _, r := range rots {
		lines = append(lines, "")
		lines = append(lines, m.rotationLines(r, width)...)
	}
	return lines
}

// pastRotations are the source's rotations, newest first, the one in progress on top,
// with every text from the state file made terminal-safe.
func (m checklistModel) pastRotations() []state.ExportRotation {
	ss := m.recorded
	if ss == nil {
		return nil
	}
	src := state.ExportSource{ID: m.key.ID, Name: m.title(), InCatalog: true}
	// The catalog's steps: each rotation adds the proof steps it has (an old one has
	// none).
	for _, step := range m.base.Steps {
		src.Steps = append(src.Steps, state.ExportStepInfo{Key: step.Key, Text: step.Text})
	}
	if i := m.base.VerifyStep(); i >= 0 {
		src.VerifyStep = m.base.Steps[i].Key
	}
	var out []state.ExportRotation
	for i := range ss.History {
		out = append(out, state.NewExportRotation(src, &ss.History[i], catalog.Printable))
	}
	if ss.Current != nil {
		out = append(out, state.NewExportRotation(src, ss.Current, catalog.Printable))
	}
	slices.Reverse(out)
	return out
}

// rotationLines is one rotation: what became of it, then each step.
func (m checklistModel) rotationLines(r state.ExportRotation, width int) []string {
	st := m.c.styles
	var title string
	switch {
	case r.Outcome == state.Completed && r.FinishedAt != nil:
		title = st.Rotated.Render("✓ Completed " + m.when(*r.FinishedAt) + by(r.FinishedBy))
	case r.Outcome == state.Abandoned && r.FinishedAt != nil:
		title = st.Warning.Render("✗ Abandoned " + m.when(*r.FinishedAt) + by(r.FinishedBy))
	default:
		title = st.InProgress.Render("… In progress, last change " + m.when(r.UpdatedAt))
	}
	done, skipped, pending := r.Counts()
	about := "Started " + m.when(r.StartedAt) + by(r.StartedBy)
	if d, ok := r.Duration(); ok {
		about += ", took " + state.FormatDuration(d)
	}
	about += "; " + plural(done, "done", "done") + ", " + plural(skipped, "skipped", "skipped") + ", " + plural(pending, "pending", "pending") + "."
	lines := []string{truncate(title, width)}
	lines = append(lines, wrapSentences(st.Subtitle, about, width)...)
	for _, s := range r.Steps {
		lines = append(lines, m.historyStepLines(s, width)...)
	}
	return lines
}

// historyStepLines is one step of a past rotation: its number, result, when and by
// whom, its text cut to the line, then its skip reason and note in full.
func (m checklistModel) historyStepLines(s state.ExportStep, width int) []string {
	st := m.c.styles
	num := "  -."
	if s.Number > 0 {
		num = fmt.Sprintf("%3d.", s.Number)
	}
	result := st.BoxTodo.Render(fmt.Sprintf("%-7s", s.Result))
	switch s.Result {
	case state.StepDone:
		result = st.BoxDone.Render(fmt.Sprintf("%-7s", s.Result))
	case state.StepSkipped:
		result = st.Warning.Render(fmt.Sprintf("%-7s", s.Result))
	}
	line := st.StepNumber.Render(num) + " " + result
	if s.At != nil {
		line += " " + st.Subtitle.Render(s.At.Local().Format("2006-01-02 15:04")+by(s.By))
	}
	line += " " + st.StepText.Render(catalog.PrintableLine(s.Text))
	out := []string{truncate(line, width)}
	pad := "              "
	textW := max(width-len(pad), 10)
	if s.SkipReason != "" {
		out = append(out, wrapIndented(st.Warning, "skipped: "+s.SkipReason, pad, textW)...)
	}
	if s.Note != "" {
		out = append(out, wrapIndented(st.Note, "✎ "+s.Note, pad, textW)...)
	}
	return out
}

// by is " by ACTOR", or "" when nobody is recorded. actor is already terminal-safe.
func by(actor string) string {
	if actor == "" {
		return ""
	}
	return " by " + catalog.PrintableLine(actor)
}

// historyHelp is the help.KeyMap while the history is shown.
type historyHelp struct{ k *keyMap }

func (h historyHelp) close() key.Binding {
	b := h.k.Back
	b.SetHelp("esc/h", "back to the steps")
	return b
}

func (h historyHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Move, h.close(), h.k.Help, h.k.Quit}
}

func (h historyHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		{h.close()},
		{h.k.Help, h.k.Quit, h.k.ForceQ, h.k.Suspend},
	}
}

// helpMap is the checklist's help: the history's while it is shown.
func (m checklistModel) helpMap() help.KeyMap {
	if m.hist.open {
		return historyHelp{k: m.c.keys}
	}
	return m.helpKeys()
}
