package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// The source list as drawn: the header and views, the line about unfinished work or the
// date prompt, the filter, and the visible rows in their columns.

// Widths of the right-hand columns, and the widest the list is drawn: in a wider
// window it looks as at 100 columns, each source's category and status beside its
// name rather than across the screen from it.
const (
	categoryWidth = 22
	statusWidth   = 18
	maxListWidth  = 100
)

// view renders the list into width x height, drawing only the visible rows.
func (m sourcesModel) view(width, height int) string {
	width = min(width, maxListWidth)
	st := m.c.styles
	var b strings.Builder
	// Sized for a screenful of styled rows, so it is not regrown (and copied) on the
	// way, about half of what a frame allocated.
	b.Grow(height * (width + 128))

	// Header: title left, counts right; the views below it.
	title := st.Title.Render("rotatetui") + st.Subtitle.Render(" · "+m.c.catalog.Title)
	counts := st.Counts.Render(m.counts())
	b.WriteString(spread(title, counts, width))
	b.WriteByte('\n')
	b.WriteString(m.tabs(width))
	b.WriteByte('\n')

	// A line telling how to pick up unfinished work, or what the date prompt is for.
	if m.recording >= 0 {
		b.WriteString(st.Prompt.Render(truncate(fmt.Sprintf("When was %s's key last rotated outside rotatetui? (YYYY-MM-DD, empty = today)", m.title(m.recording)), width)))
		b.WriteByte('\n')
		line := inputView(m.recordInput, 12) // a date; the reason for a refusal goes beside it
		if m.recordErr != "" {
			line += "  " + st.StatusErr.Render(m.recordErr)
		}
		b.WriteString(truncate(line, width))
	} else {
		b.WriteString(m.resumeLine(width))
		b.WriteByte('\n')
		b.WriteString(inputView(m.input, max(width-4, 1)))
	}
	b.WriteByte('\n')
	b.WriteByte('\n')

	listH := height - listTop
	if listH < 1 {
		return b.String()
	}
	if m.rows.Len() == 0 {
		// Wrapped when too long, not cut: its end says which keys to press.
		if text := m.emptyText(); ansi.StringWidth(text) > width {
			lines := wrapSentences(st.Empty, text, width)
			b.WriteString(strings.Join(lines[:min(len(lines), listH)], "\n"))
		} else {
			b.WriteString(st.Empty.Render(text))
		}
		return b.String()
	}
	// The full help can make the list shorter than update planned for.
	offset := scrollWindow(m.offset, m.cursor, m.rows.Len(), listH)
	end := min(offset+listH, m.rows.Len())
	// The names are measured first: how wide the widest is decides how wide the
	// category can be. (A screenful fits the array, which then stays on the stack.)
	var buf [64]int
	widths, widest := buf[:0], 0
	for i := offset; i < end; i++ {
		widths = append(widths, m.nameWidth(i, width >= minCategoryColumns))
		widest = max(widest, widths[i-offset])
	}
	cols := m.columns(width, widest)
	for i := offset; i < end; i++ {
		m.writeRow(&b, i, widths[i-offset], cols)
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// emptyText says why nothing is listed, and what to press about it.
func (m sourcesModel) emptyText() string {
	q := m.query()
	switch {
	case q != "" && m.tab != viewAll && m.matchesIn[viewAll] > 0:
		// The filter matches, but not here: say where, and how to get there.
		to, keys := m.nearestViewWithMatches()
		if m.filtering {
			keys = m.c.keys.AcceptQuery.Help().Key + ", then " + keys // tab first leaves the input
		}
		return fmt.Sprintf("No match in %s; %s in %s: %s to see them.", m.tab.title(), count(m.matchesIn[to]), to.title(), keys)
	case q != "":
		return fmt.Sprintf("No %s matches %q. esc clears the filter.", m.unit(1), catalog.PrintableLine(q))
	case m.tab != viewAll:
		return fmt.Sprintf("No %s is %s. tab shows the next view.", m.unit(1), strings.ToLower(m.tab.title()))
	}
	return "No " + m.unit(2) + "."
}

// nearestViewWithMatches is the view holding matches of the filter that the fewest
// presses of tab or shift+tab reach from the one shown, tab first on a tie, with the
// keys to press. All holds every match, so one is always found.
func (m sourcesModel) nearestViewWithMatches() (listView, string) {
	for steps := listView(1); steps < viewCount; steps++ {
		for _, dir := range []struct {
			view listView
			key  string
		}{{(m.tab + steps) % viewCount, m.c.keys.NextView.Help().Key}, {(m.tab + viewCount - steps) % viewCount, m.c.keys.PrevView.Help().Key}} {
			if m.matchesIn[dir.view] > 0 {
				return dir.view, pressTimes(dir.key, int(steps))
			}
		}
	}
	return viewAll, m.c.keys.NextView.Help().Key
}

// pressTimes says to press key n times: "tab", "tab twice", "tab 3 times".
func pressTimes(key string, n int) string {
	switch n {
	case 1:
		return key
	case 2:
		return key + " twice"
	}
	return fmt.Sprintf("%s %d times", key, n)
}

// counts is the header's count: of the rows shown, and of the whole list when that is
// not all of it.
func (m sourcesModel) counts() string {
	if m.query() != "" || m.tab != viewAll {
		return count(m.rows.Len()) + " of " + count(m.keyCount())
	}
	return count(m.keyCount()) + " " + m.unit(m.keyCount())
}

// unit is what the list counts, for n of them: sources, or keys once some source
// declares keys (a row is then a key, and a source may have several).
func (m sourcesModel) unit(n int) string {
	switch {
	case m.hasDeclaredKeys() && n == 1:
		return "key"
	case m.hasDeclaredKeys():
		return "keys"
	case n == 1:
		return "source"
	}
	return "sources"
}

// tabs is the line of views with their counts; the current one is bracketed, so it
// reads without colour too.
func (m sourcesModel) tabs(width int) string {
	st := m.c.styles
	var parts []string
	for v := listView(0); v < viewCount; v++ {
		label := v.title() + " " + count(m.viewSize[v])
		if v == m.tab {
			parts = append(parts, st.Title.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Subtitle.Render(" "+label+" "))
		}
	}
	return truncate(strings.Join(parts, " "), width)
}

func (m sourcesModel) resumeLine(width int) string {
	st := m.c.styles
	sel := m.selected()
	// On a first run the list leads with what tells rotatetui what is due, not with a
	// caution about whichever source sorts first; moving to one shows its caution.
	firstRun := m.firstRun && m.query() == "" && m.tab == viewAll
	if firstRun && !m.browsed {
		return st.Resume.Render(truncate(firstRunHint, width))
	}
	if s := m.statusAt(max(sel, 0)); sel >= 0 && s.revokeFirst && !s.inProgress {
		text := fmt.Sprintf("⚠ %s: the old key stops working before the new one exists: plan a window.", m.title(sel))
		return st.Warning.Render(truncate(text, width))
	}
	if s := m.statusAt(max(sel, 0)); sel >= 0 && s.inProgress {
		return st.Resume.Render(truncate(m.inProgressText(sel, s), width))
	}
	if n := m.viewSize[viewInProgress]; n > 0 && m.query() == "" {
		return st.Resume.Render(truncate(fmt.Sprintf("▶ %s in progress, pinned at the top.", plural(n, "rotation", "rotations")), width))
	}
	if firstRun {
		return st.Resume.Render(truncate(firstRunHint, width))
	}
	return st.Subtitle.Render(truncate("Pick a "+m.unit(1)+" and press enter to open its checklist.", width))
}

// inProgressText is the line above the list for the selected key sel, in progress:
// who holds it when it is someone else, else how to resume.
func (m sourcesModel) inProgressText(sel int, s sourceStatus) string {
	if s.heldBy != "" {
		return fmt.Sprintf("◆ %s is being rotated by %s (%d/%d, started %s): press enter to see it.", m.title(sel), catalog.PrintableLine(s.heldBy), s.done, s.total, state.Since(m.c.now(), s.of.StartedAt))
	}
	return fmt.Sprintf("▶ %s is in progress (%d/%d): press enter to resume where you stopped.", m.title(sel), s.done, s.total)
}

// firstRunHint is the list's first line while nothing is recorded: "unknown" on every
// row is only true until the person says when each key was last rotated.
const firstRunHint = "First run: press r to record when the key under the cursor was last rotated."

// rowView is row i drawn alone in width cells, laid out for its own name.
func (m sourcesModel) rowView(i, width int) string {
	var b strings.Builder
	nameW := m.nameWidth(i, width >= minCategoryColumns)
	m.writeRow(&b, i, nameW, m.columns(width, nameW))
	return b.String()
}

// minCategoryColumns is the narrowest list with a category column.
const minCategoryColumns = 70

// listColumns is how wide the list's name and category columns are; category 0: none.
type listColumns struct{ name, category int }

// columns lays out a list width cells wide whose widest name (with its badges) is
// widest cells: the category column is categoryWidth wide, or as wide as the widest
// category of the catalog as far as the name column has cells to spare for it, so
// that a category is not cut while the names beside it leave room.
func (m sourcesModel) columns(width, widest int) listColumns {
	c := listColumns{name: width - 2 - statusWidth - 1}
	if width < minCategoryColumns {
		return c
	}
	c.category = categoryWidth
	c.name -= categoryWidth + 1
	if want := m.index.widestCategory; want > c.category {
		grow := min(want-c.category, max(c.name-widest, 0))
		c.category += grow
		c.name -= grow
	}
	return c
}

// nameWidth is how many cells row i's name cell takes (see writeName).
func (m sourcesModel) nameWidth(i int, showCategory bool) int {
	w := measuring()
	m.writeName(&w, i, showCategory)
	return w.used
}

// writeName writes row i's name with what goes beside it (the alias, category or label
// it matched through, ⚠, the custom badge).
func (m sourcesModel) writeName(w *cellWriter, i int, showCategory bool) {
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := m.sourceOf(row.key)
	nameStyle := st.Row
	if i == m.cursor {
		nameStyle = st.RowSelected
	}
	m.writeTitle(w, row, nameStyle)
	if row.match.Matched() && row.match.Alias >= 0 {
		w.write(st.Category, " aka ")
		m.writeMarked(w, row, row.match.Alias, src.Aliases[row.match.Alias], st.Category)
	}
	if row.match.Matched() && row.match.Alias == aliasLabel {
		m.writeLabel(w, row)
	}
	if row.match.Matched() && row.match.Alias == aliasCategory && !showCategory {
		// Matched through a category that has no column here: say which.
		w.write(st.Category, " in ")
		m.writeMarked(w, row, aliasCategory, src.Category, st.Category)
	}
	if by := m.statusAt(row.key).heldBy; by != "" {
		w.write(paint{}, " ")
		w.write(st.Tag, "["+catalog.PrintableLine(by)+"]") // who is rotating it, as a badge
	}
	if m.statusAt(row.key).revokeFirst {
		w.write(paint{}, " ")
		w.write(st.Warning, "⚠")
	}
	if src.Custom() {
		w.write(paint{}, " ")
		w.write(st.Tag, "[custom]") // as Styles.Badge draws it
	}
}

// writeTitle writes the row's key as title shows it ("Snowflake · prod", or the
// source's name alone), in its pieces: a title is never put together for drawing.
func (m sourcesModel) writeTitle(w *cellWriter, row listRow, base paint) {
	src := m.sourceOf(row.key)
	k := m.declaredKey(row.key)
	named := k != nil && !k.Implicit()
	valid := utf8.ValidString(src.Name) && (!named || utf8.ValidString(k.Name))
	mk := m.marksFor(w, row, -1, "", valid)
	mk.write(w, base, src.Name)
	if named {
		mk.write(w, base, titleSeparator)
		mk.write(w, base, k.Name)
	}
}

// titleSeparator is what catalog.Key.Title puts between a source's name and its key's.
const titleSeparator = " · "

// writeLabel says which label a row matched through: " owner ana", " env=prod".
func (m sourcesModel) writeLabel(w *cellWriter, row listRow) {
	label := m.index.label(row.match)
	lead := " "
	if k := m.declaredKey(row.key); k != nil && label == k.Owner {
		lead = " owner "
	}
	w.write(m.c.styles.Paint.Category, lead)
	m.writeMarked(w, row, aliasLabel, catalog.PrintableLine(label), m.c.styles.Paint.Category)
}

// writeRow writes row i into b: the cursor, its name cell (nameW cells wide, as
// nameWidth measured it), category and status, in the columns cols.
func (m sourcesModel) writeRow(b *strings.Builder, i, nameW int, cols listColumns) {
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := m.sourceOf(row.key)
	if i == m.cursor {
		b.WriteString(st.Cursor.pre)
		b.WriteString("› ")
		b.WriteString(st.Cursor.post)
	} else {
		b.WriteString("  ")
	}
	name := fitting(b, nameW, cols.name)
	m.writeName(&name, i, cols.category > 0) // as measured: a category column from minCategoryColumns on
	name.padTo(cols.name)
	b.WriteByte(' ')
	if cols.category > 0 {
		measure := measuring()
		m.writeMarked(&measure, row, aliasCategory, src.Category, st.Category)
		cat := fitting(b, measure.used, cols.category)
		m.writeMarked(&cat, row, aliasCategory, src.Category, st.Category)
		cat.padTo(cols.category)
		b.WriteByte(' ')
	}
	b.WriteString(m.statusView(m.statusAt(row.key)))
}

func (m sourcesModel) statusView(s sourceStatus) string {
	st := &m.c.styles.Paint
	switch {
	case s.waitUntil != nil:
		left := s.waitUntil.Sub(m.c.now())
		return st.InProgress.Render(fmt.Sprintf("%d/%d waiting %s", s.done, s.total, minutesLeft(left)))
	case s.inProgress:
		return st.InProgress.Render(fmt.Sprintf("in progress %d/%d", s.done, s.total))
	}
	text := dueText(s.due, "")
	switch s.due.State {
	case state.DueOverdue:
		return st.StatusErr.Render(text)
	case state.DueToday, state.DueSoon:
		return st.Warning.Render(text)
	case state.DueOK:
		return st.Rotated.Render("✓ " + ago(m.c.now(), *s.due.LastRotated))
	}
	return st.Category.Render(text)
}

// minutesLeft prints a remaining time rounded up to the minute: "12m", "1h20m".
func minutesLeft(d time.Duration) string {
	mins := int((d + time.Minute - 1) / time.Minute)
	if mins >= 60 {
		return fmt.Sprintf("%dh%02dm", mins/60, mins%60)
	}
	return fmt.Sprintf("%dm", max(mins, 1))
}

// ago says how long ago t was in whole local days: "today", "yesterday", "12d ago".
func ago(now, t time.Time) string {
	y1, m1, d1 := now.Local().Date()
	y2, m2, d2 := t.Local().Date()
	days := int(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC).Sub(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "yesterday"
	}
	return fmt.Sprintf("%dd ago", days)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return count(n) + " " + one
	}
	return count(n) + " " + many
}

// count writes n with its thousands grouped ("100,051"), so catalogs generated from an
// inventory read at a glance.
func count(n int) string {
	digits := strconv.Itoa(n)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		digits = digits[1:]
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// truncate cuts s (which may hold styles) to width cells, marking the cut with "…".
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// pad fills s (which may hold styles) with spaces up to width cells.
func pad(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// spread puts left and right on one line of width cells. When both do not fit, left is
// shortened first (the counts on the right are the news), then right is dropped.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	if rw+12 > width {
		return truncate(left, width)
	}
	left = truncate(left, width-rw-1)
	return left + strings.Repeat(" ", width-ansi.StringWidth(left)-rw) + right
}
