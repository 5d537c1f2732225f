package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// view renders the checklist into width x height, scrolling to keep the cursor's step
// in sight, with the prompt (if any) at the bottom.
func (m checklistModel) view(width, height int) string {
	if m.hist.open {
		return m.historyScreen(width, height)
	}
	head := m.header(width)
	foot := m.checkLines(width)
	if m.prompt.kind != noPrompt {
		foot = append(foot, append([]string{""}, m.prompt.view(m, width)...)...)
	}
	lines, _ := m.stepLines(width)
	avail := height - len(head) - len(foot)
	if avail < 1 {
		// No room for a step: the title, which says whose checklist this is, then as
		// much of the rest as fits from the bottom, where a prompt is typed.
		all := append(head, foot...)
		if height < 2 || len(all) <= height {
			return strings.Join(all[max(len(all)-height, 0):], "\n")
		}
		// A new slice, not append(all[:1], …): that would copy within all's array.
		kept := append([]string{all[0]}, all[len(all)-height+1:]...)
		return strings.Join(kept, "\n")
	}
	offset := m.scrollFrom(m.offset, width, height-len(foot))
	end := min(offset+avail, len(lines))
	body := append(head, lines[offset:end]...)
	for len(body) < height-len(foot) {
		body = append(body, "")
	}
	return strings.Join(append(body, foot...), "\n")
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

// header is everything above the steps: name, the key's details, progress, state,
// cautions, note.
func (m checklistModel) header(width int) []string {
	st := m.c.styles
	head := []string{m.titleLine(width)}
	head = append(head, m.keyLines(width)...)
	head = append(head, m.progressLine(width))
	head = append(head, m.standingLines(width)...)
	if !m.finished {
		head = append(head, m.cautionLines(width)...)
	}
	if m.changed != "" {
		head = append(head, wrapStyled(st.Warning, "⚠ "+m.changed, width)...)
	}
	if m.src.Note != "" {
		head = append(head, wrapStyled(st.Note, m.src.Note, width)...)
	}
	if m.src.Docs != "" {
		head = append(head, m.docsLines(width)...)
	}
	return append(head, "")
}

// titleLine is the source's name, its category and whether it is the person's own.
func (m checklistModel) titleLine(width int) string {
	st := m.c.styles
	title := st.Title.Render(m.title())
	if m.src.Category != "" {
		title += st.Subtitle.Render(" · " + m.src.Category)
	}
	if m.src.Custom() {
		title += " " + st.Badge("custom") // bracketed, as in the list: a tag without its colour too
	}
	return truncate(title, width)
}

// progressLine is the bar of the steps handled in this rotation.
func (m checklistModel) progressLine(width int) string {
	done, total := 0, len(m.keys)
	if m.rot != nil {
		done, _ = m.rot.Progress(m.keys)
	}
	return m.progressBar(done, total, width)
}

// standingLines say where the rotation stands: finished, under way, done before, or
// never started.
func (m checklistModel) standingLines(width int) []string {
	st := m.c.styles
	switch {
	case m.finished:
		return m.finishedLines(width)
	case m.rot != nil:
		saved := " Every check is saved as you make it."
		if m.c.savesFailing {
			// The promise does not hold right now: the status line says why.
			saved = " Not saving now: checks are kept on screen and retried."
		}
		lines := []string{st.Subtitle.Render(truncate("Started "+m.when(m.rot.StartedAt)+"."+saved, width))}
		if text := m.claimText(); text != "" {
			claimStyle := st.Warning
			if m.joined() {
				claimStyle = st.Subtitle
			}
			lines = append(wrapStyled(claimStyle, text, width), lines...)
		}
		return lines
	case m.lastRotated != nil:
		// Opened again after a rotation: whether this one is due is the first question.
		return wrapSentences(st.Subtitle, "Last rotated "+m.lastRotatedText()+". Check the first step to start a new rotation.", width)
	}
	return []string{st.Subtitle.Render(truncate("Not started. Check the first step when you have done it.", width))}
}

// finishedLines sum up the rotation just completed and, when the catalog has no step
// that checks the new key works, ask the person to check it.
func (m checklistModel) finishedLines(width int) []string {
	st := m.c.styles
	lines := wrapSentences(st.Banner, m.finishedText(), width)
	if !m.hasKind(catalog.KindVerify) && !slices.Contains(m.keys, catalog.ProofNewStep) {
		// Without a step that proves the new key works (the catalog's or rotatetui's
		// own), nothing on the screen has asked for it.
		lines = append(lines, wrapStyled(st.Warning, "Before you call it done: confirm "+m.src.Name+" still loads its data with the new key (the catalog has no check step for this).", width)...)
	}
	return lines
}

// lastRotatedText says when the key was last rotated and, with an interval, when it is
// next due.
func (m checklistModel) lastRotatedText() string {
	last := m.when(*m.lastRotated)
	if m.byHand {
		last = "on " + m.lastRotated.Local().Format("2006-01-02") + " (recorded by hand)"
	}
	if every := m.interval(); every > 0 {
		last += "; next due on " + m.lastRotated.Add(time.Duration(every)).Local().Format("2006-01-02")
	}
	return last
}

// cautionLines warn of what the rotation asks beyond clicks: an old key revoked before
// a new one exists, another person to ask.
func (m checklistModel) cautionLines(width int) []string {
	st := m.c.styles
	var lines []string
	if caution := revokeCaution(m.src); caution != "" {
		lines = append(lines, wrapStyled(st.Warning, caution, width)...)
	}
	if i := m.firstKind(catalog.KindContact); i >= 0 {
		lines = append(lines, wrapStyled(st.Warning, fmt.Sprintf("☎ This rotation needs another person (step %d). Press n on that step to note who you asked and when.", i+1), width)...)
	}
	return lines
}

// keyLines tell which key of the source this is: its owner, the values declared for it
// and when it is next due, then its description. An implicit key has none: its
// checklist reads as the source's always has.
func (m checklistModel) keyLines(width int) []string {
	if m.key.Implicit() {
		return nil
	}
	st := m.c.styles
	var parts []string
	if m.key.Owner != "" {
		parts = append(parts, "owner "+catalog.PrintableLine(m.key.Owner))
	}
	for _, name := range catalog.SortedKeys(m.key.Values) {
		parts = append(parts, catalog.PrintableLine(name+" = "+m.key.Values[name]))
	}
	parts = append(parts, m.dueLine())
	lines := wrapSentences(st.Subtitle, strings.Join(parts, " · "), width)
	if m.key.Description != "" {
		lines = append(lines, wrapSentences(st.Subtitle, catalog.PrintableLine(m.key.Description), width)...)
	}
	return lines
}

// dueLine says when the key is next due, as the list's status does.
func (m checklistModel) dueLine() string {
	due := state.ComputeDue(m.recorded, time.Duration(m.interval()), m.c.now())
	switch {
	case due.NextDue == nil:
		return "never rotated: no due date yet"
	case due.State == state.DueOverdue:
		return "overdue since " + due.NextDue.Local().Format("2006-01-02")
	}
	return "next due on " + due.NextDue.Local().Format("2006-01-02")
}

// docsLines shows the source's documentation page, which o opens on a step without a
// link of its own; a URL wider than the window is broken with a visible ↩.
func (m checklistModel) docsLines(width int) []string {
	st := m.c.styles
	label := "Docs: "
	lines := m.codeLines(catalog.PrintableLine(m.src.Docs), "", max(width-len(label), 8), st.URL)
	for i := range lines {
		if i == 0 {
			lines[i] = st.Subtitle.Render(label) + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", len(label)) + lines[i]
		}
	}
	return lines
}

func (m checklistModel) firstKind(k catalog.Kind) int {
	for i, st := range m.src.Steps {
		if st.Kind == k {
			return i
		}
	}
	return -1
}

func (m checklistModel) when(t time.Time) string {
	local := t.Local()
	if ago(m.c.now(), t) == "today" {
		return "today at " + local.Format("15:04")
	}
	return local.Format("2006-01-02 15:04")
}

// finishedText summarises a completed rotation: when, how long, what was done.
func (m checklistModel) finishedText() string {
	r := m.rot
	took := r.FinishedAt.Sub(r.StartedAt).Round(time.Minute)
	tookText := "under a minute"
	if took >= time.Minute {
		tookText = catalog.Duration(took).String()
	}
	done, skipped, notes := 0, 0, 0
	for _, k := range m.keys {
		rec := r.Steps[k]
		switch {
		case rec == nil:
		case rec.SkippedAt != nil:
			skipped++
		case rec.CheckedAt != nil:
			done++
		}
		if rec != nil && rec.Note != "" {
			notes++
		}
	}
	summary := plural(done, "step done", "steps done")
	if skipped > 0 {
		summary += ", " + plural(skipped, "skipped", "skipped")
	}
	if notes > 0 {
		summary += ", " + plural(notes, "note", "notes")
	}
	next := ""
	if every := m.interval(); every > 0 {
		next = fmt.Sprintf(" Next due on %s (every %s).", r.FinishedAt.Add(time.Duration(every)).Local().Format("2006-01-02"), every)
	}
	return fmt.Sprintf("✓ Rotation complete: finished %s, took %s; %s.%s It is in the history; opening %s again starts a new rotation.",
		m.when(*r.FinishedAt), tookText, summary, next, m.title())
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
	lay := m.stepLayout(width)
	for i, step := range m.src.Steps {
		starts = append(starts, len(lines))
		lines = m.appendStepText(lines, i, step, lay)
		lines = m.appendStepDetails(lines, i, step, lay)
	}
	return lines, starts
}

// stepLayout is what every step's lines share at one width.
type stepLayout struct {
	numW  int       // the width of the widest step number
	textW int       // the width the step's text wraps at
	pad   string    // the indent of every line of a step but its first
	now   time.Time // one clock reading for every step's countdown
	// values fill the steps' placeholders, as shown: see withheldValues.
	values map[string]string
}

func (m checklistModel) stepLayout(width int) stepLayout {
	numW := len(fmt.Sprint(len(m.keys)))
	indent := 2 + numW + 2 + 4 // "› " + number + ". " + "[x] "
	return stepLayout{
		numW:   numW,
		textW:  max(width-indent, 10),
		pad:    strings.Repeat(" ", indent),
		now:    m.c.now(),
		values: m.withheld.values(m.values),
	}
}

// appendStepText appends step i's text, wrapped, its first line behind the cursor
// marker, the number and the box.
func (m checklistModel) appendStepText(lines []string, i int, step catalog.Step, lay stepLayout) []string {
	st := m.c.styles
	selected := i == m.cursor
	marker := "  "
	if selected {
		marker = st.Cursor.Render("› ")
	}
	num := st.StepNumber.Render(fmt.Sprintf("%*d. ", lay.numW, i+1))
	box, textStyle := m.stepBox(i)
	if selected {
		textStyle = st.StepSelected
	}
	mark, textW := "", lay.textW
	if step.Proves != catalog.FactNone {
		// rotatetui's own proof steps, and the verify step that stands for one, are
		// marked apart from the procedure's.
		mark, textW = st.Proof.Render("◆ "), max(lay.textW-2, 8)
	}
	for j, l := range strings.Split(ansi.Wrap(step.Text, textW, ""), "\n") {
		if j == 0 {
			lines = append(lines, marker+num+box+" "+mark+textStyle.Render(l))
		} else {
			lines = append(lines, lay.pad+textStyle.Render(l))
		}
	}
	return lines
}

// stepBox is step i's box, open, checked or skipped, and the style of its text.
func (m checklistModel) stepBox(i int) (box string, text lipgloss.Style) {
	st := m.c.styles
	switch {
	case m.skipped(i):
		return st.Warning.Render("[-]"), st.StepDone
	case m.checked(i):
		return st.BoxDone.Render("[x]"), st.StepDone
	}
	return st.BoxTodo.Render("[ ]"), st.StepText
}

// appendStepDetails appends what comes under step i's text: its command and link, its
// wait, who else handled it, its skip reason and its note.
func (m checklistModel) appendStepDetails(lines []string, i int, step catalog.Step, lay stepLayout) []string {
	st := m.c.styles
	if step.Command != "" {
		lines = append(lines, m.codeLines(fill(step.Command, lay.values), lay.pad+"  ", lay.textW-2, st.Command)...)
	}
	if step.URL != "" {
		lines = append(lines, m.codeLines(fill(step.URL, lay.values), lay.pad+"  ", lay.textW-2, st.URL)...)
	}
	lines = m.appendWait(lines, i, lay)
	rec := m.record(i)
	if who := m.doneByOther(rec); who != "" {
		lines = append(lines, wrapIndented(st.Subtitle, who, lay.pad, lay.textW)...)
	}
	if rec != nil && rec.SkippedAt != nil {
		lines = append(lines, wrapIndented(st.Warning, "skipped: "+catalog.Printable(m.withheld.text(rec.SkipReason)), lay.pad, lay.textW)...)
	}
	if rec != nil && rec.Note != "" {
		lines = append(lines, wrapIndented(st.Note, "✎ "+catalog.Printable(m.withheld.text(rec.Note)), lay.pad, lay.textW)...)
	}
	return lines
}

// appendWait appends how long step i must still wait for an earlier one, or, once the
// wait is over and the step is still open, that it can be done now.
func (m checklistModel) appendWait(lines []string, i int, lay stepLayout) []string {
	st := m.c.styles
	if until, waiting := m.waitingOn(i); waiting {
		return append(lines, lay.pad+st.InProgress.Render(fmt.Sprintf("⏳ not yet possible: available in %s, at %s", countdown(until.Sub(lay.now)), until.Local().Format("15:04"))))
	}
	if until := m.waitBefore(i); until != nil && !m.handled(i) {
		return append(lines, lay.pad+st.Rotated.Render("✓ the wait is over: this step can be done now"))
	}
	return lines
}

// doneByOther says who checked or skipped a step, and when, if that was someone other
// than the person at this screen (another actor sharing the progress file); "" else.
func (m checklistModel) doneByOther(rec *state.StepRecord) string {
	if rec == nil || rec.By == "" || rec.By == m.c.actor {
		return ""
	}
	who := catalog.PrintableLine(m.withheld.actor(rec.By))
	switch {
	case rec.CheckedAt != nil:
		return "checked by " + who + ", " + m.when(*rec.CheckedAt)
	case rec.SkippedAt != nil:
		return "skipped by " + who + ", " + m.when(*rec.SkippedAt)
	}
	return ""
}

// codeLines shows a command or URL in code style: wrapped at spaces, and where one
// token is wider than the screen, broken with a visible ↩ at the end of each piece, so
// nothing is split silently.
func (m checklistModel) codeLines(code, pad string, width int, style interface{ Render(...string) string }) []string {
	var out []string
	for _, line := range strings.Split(code, "\n") {
		for _, piece := range wrapCode(line, max(width, 8)) {
			text := style.Render(piece.text)
			if piece.broken {
				text += m.c.styles.Subtitle.Render("↩")
			}
			out = append(out, pad+text)
		}
	}
	return out
}

type codePiece struct {
	text   string
	broken bool // the token continues on the next line
}

// wrapCode wraps one line of code to width cells.
func wrapCode(line string, width int) []codePiece {
	var out []codePiece
	cur := ""
	for i, word := range strings.Split(line, " ") {
		candidate := word
		if i > 0 {
			candidate = cur + " " + word
		}
		if ansi.StringWidth(candidate) <= width {
			cur = candidate
			continue
		}
		if i > 0 {
			out = append(out, codePiece{text: cur})
		}
		cur = word
		for ansi.StringWidth(cur) > width {
			cut := []rune(cur)
			n := 0
			for w := 0; n < len(cut) && w+ansi.StringWidth(string(cut[n])) <= width-1; n++ {
				w += ansi.StringWidth(string(cut[n]))
			}
			n = max(n, 1)
			out = append(out, codePiece{text: string(cut[:n]), broken: true})
			cur = string(cut[n:])
		}
	}
	return append(out, codePiece{text: cur})
}

// wrapStyled wraps text to width and styles each line.
func wrapStyled(style interface{ Render(...string) string }, text string, width int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
		out = append(out, style.Render(l))
	}
	return out
}

// wrapSentences wraps our own one-paragraph messages at spaces only: ansi.Wrap also
// breaks after every hyphen, which split a date such as 2027-02-24 across two lines.
// A word wider than the window is cut, as ansi.Wrap would.
func wrapSentences(style interface{ Render(...string) string }, text string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			head := ansi.Truncate(word, width, "")
			if head == "" { // a character wider than the window: it goes alone
				_, size := utf8.DecodeRuneInString(word)
				head = word[:size]
			}
			lines, word = append(lines, head), word[len(head):]
		}
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= width:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}

// wrapIndented wraps text to width and indents every line by pad.
func wrapIndented(style interface{ Render(...string) string }, text, pad string, width int) []string {
	lines := wrapStyled(style, text, width)
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return lines
}
