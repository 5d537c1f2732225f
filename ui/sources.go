package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// sourcesModel is the source list: every source with its status, unfinished rotations
// pinned on top, narrowed by a fuzzy filter on names and aliases.
type sourcesModel struct {
	c         *common
	input     *textinput.Model // replaced, never changed in place (see inputs.go)
	filtering bool             // the filter input has focus
	index     *filterIndex

	catalogView                      // what never changes for a catalog: names, ids, static statuses
	touched     map[int]sourceStatus // statuses of the sources the state file mentions
	order       []int                // catalog indexes without a filter: urgent work first
	tab         listView             // the view shown
	orders      [viewCount][]int
	viewSize    [viewCount]int // how many sources each view lists
	firstRun    bool           // nothing is recorded at all: no source in the state
	browsed     bool           // the cursor has been moved (by key or mouse) at least once
	// How many sources of each view the filter matches, counted when a view other than
	// All is shown, so that an empty view can say where its matches are.
	matchesIn [viewCount]int

	// Recording a rotation done outside rotatetui: a date prompt for one source.
	recording   int // catalog index, or -1
	recordInput *textinput.Model
	recordErr   string
	rows        rowList // what is listed now
	cursor      int
	offset      int // first visible row
}

// listRow is one listed source; match is set (Matched) while a filter is active.
type listRow struct {
	source int
	match  filterMatch
}

// sourceStatus is what the list says about one source.
type sourceStatus struct {
	inProgress  bool
	waitUntil   *time.Time // the next step cannot be done before this
	revokeFirst bool       // the old key stops working before a new one exists
	due         state.Due
	done, total int
	updated     time.Time  // last change of the unfinished rotation
	lastRotated *time.Time // newest completed rotation or recorded date
}

func newSourcesModel(c *common, st *state.State) sourcesModel {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "type / to filter by name or category"
	// A steady cursor: a blinking one would keep a timer running while idle.
	in.Cursor.SetMode(cursor.CursorStatic)
	in.PromptStyle = c.styles.Prompt
	in.PlaceholderStyle = c.styles.Empty
	in.Cursor.Style = c.styles.TextCursor

	names := make([]string, len(c.catalog.Sources))
	aliases := make([][]string, len(c.catalog.Sources))
	categories := make([]string, len(c.catalog.Sources))
	for i, s := range c.catalog.Sources {
		names[i], aliases[i], categories[i] = s.Name, s.Aliases, s.Category
	}
	index := newFilterIndex(names, aliases).withCategories(categories)
	m := sourcesModel{c: c, input: &in, recording: -1, index: index, catalogView: newCatalogView(c.catalog)}
	return m.setState(st)
}

// catalogView is what the list derives from the catalog alone, computed once: a state
// change then only has to look at the sources the state file mentions, which is what
// keeps recording a check cheap on a catalog of 100,000 sources.
//
// It is kept small, because it is as long as the catalog: an untouched source's status
// is derived from the catalog when it is shown, not stored.
type catalogView struct {
	sources []catalog.Source
	byName  []int32 // catalog indexes by lower-cased name, ties in catalog order
	rank    []int32 // each source's place in byName
	byID    []int32 // catalog indexes sorted by id, for finding the sources a state mentions
}

func newCatalogView(cat *catalog.Catalog) catalogView {
	n := len(cat.Sources)
	v := catalogView{sources: cat.Sources, byName: make([]int32, n), rank: make([]int32, n), byID: make([]int32, n)}
	lower := make([]string, n) // only while sorting
	for i := range cat.Sources {
		v.byName[i], v.byID[i], lower[i] = int32(i), int32(i), strings.ToLower(cat.Sources[i].Name)
	}
	slices.SortStableFunc(v.byName, func(a, b int32) int { return strings.Compare(lower[a], lower[b]) })
	for r, i := range v.byName {
		v.rank[i] = int32(r)
	}
	slices.SortFunc(v.byID, func(a, b int32) int { return strings.Compare(cat.Sources[a].ID, cat.Sources[b].ID) })
	return v
}

// indexOf finds the catalog index of the source with this id.
func (v catalogView) indexOf(id string) (int, bool) {
	k, ok := slices.BinarySearchFunc(v.byID, id, func(i int32, id string) int { return strings.Compare(v.sources[i].ID, id) })
	if !ok {
		return -1, false
	}
	return int(v.byID[k]), true
}

// statusAt is what the list says about the source at catalog index i.
func (m sourcesModel) statusAt(i int) sourceStatus {
	if s, ok := m.touched[i]; ok {
		return s
	}
	// As if never touched: unknown, not in progress.
	s := statusOf(&m.sources[i], nil, time.Time{})
	s.due = state.Due{State: state.DueUnknown}
	return s
}

// setState recomputes statuses and order, keeping the cursor on the same source.
func (m sourcesModel) setState(st *state.State) sourcesModel {
	keep := m.selected()
	srcs := m.c.catalog.Sources
	now := m.c.now()
	// Only sources the state mentions can be in progress, waiting, due or rotated.
	m.touched = make(map[int]sourceStatus, len(st.Sources))
	m.firstRun = len(st.Sources) == 0
	var urgent []int
	isUrgent := make([]bool, len(srcs))
	for id, ss := range st.Sources {
		i, ok := m.indexOf(id)
		if !ok {
			continue // progress of a source no longer in the catalog
		}
		s := statusOf(&srcs[i], ss, now)
		s.due = state.ComputeDue(ss, time.Duration(m.c.catalog.Interval(&srcs[i], m.c.interval)), now)
		m.touched[i] = s
		if urgency(s) < 3 {
			urgent, isUrgent[i] = append(urgent, i), true
		}
	}
	orderSources(urgent, m.statusAt, m.rank)
	// Urgent work first, then everything else in the name order computed once.
	order := make([]int, 0, len(srcs))
	order = append(order, urgent...)
	for _, i := range m.byName {
		if !isUrgent[i] {
			order = append(order, int(i))
		}
	}
	m.order = order
	// Each view's list and count, once per state change rather than per frame. Every
	// view but All lists urgent sources only.
	for v := listView(1); v < viewCount; v++ {
		var in []int
		for _, i := range urgent {
			if v.includes(m.statusAt(i)) {
				in = append(in, i)
			}
		}
		m.orders[v], m.viewSize[v] = in, len(in)
	}
	m.orders[viewAll], m.viewSize[viewAll] = order, len(order)
	m = m.refilter()
	if keep >= 0 && m.rows.Len() > 0 {
		m = m.selectSource(keep)
	}
	m.offset = scrollWindow(m.offset, m.cursor, m.rows.Len(), listHeight(m.c.height))
	m.rows.rankTo(m.offset + listHeight(m.c.height))
	return m
}

func statusOf(src *catalog.Source, ss *state.SourceState, now time.Time) sourceStatus {
	st := sourceStatus{total: len(src.Steps)}
	_, st.revokeFirst = src.RevokesFirst()
	if ss == nil {
		return st
	}
	if cur := ss.Current; cur != nil {
		st.inProgress = true
		keys := src.StepKeys()
		st.done, _ = cur.Progress(keys)
		st.updated = cur.UpdatedAt
		// A checked step with a wait holds up the step after it.
		for i := 0; i+1 < len(keys); i++ {
			rec := cur.Steps[keys[i]]
			if rec != nil && rec.CheckedAt != nil && rec.WaitUntil != nil && now.Before(*rec.WaitUntil) && !cur.Handled(keys[i+1]) {
				st.waitUntil = rec.WaitUntil
			}
		}
	}
	if last := ss.LastCompleted(); last != nil && last.FinishedAt != nil {
		t := *last.FinishedAt
		st.lastRotated = &t
	}
	if ss.LastRotated != nil && (st.lastRotated == nil || ss.LastRotated.After(*st.lastRotated)) {
		t := *ss.LastRotated
		st.lastRotated = &t
	}
	return st
}

func (m sourcesModel) query() string { return strings.TrimSpace(m.input.Value()) }

func (m sourcesModel) refilter() sourcesModel {
	// The rows are the index's reused buffers, not a copy: only the newest model reads
	// them, on the UI goroutine (see filterIndex). No keystroke allocates a list as long
	// as the catalog.
	if q := m.query(); q != "" {
		m.rows = m.index.rows(q)
		if m.tab != viewAll {
			m = m.keepInView()
		}
	} else {
		m.rows = m.index.unfiltered(m.orders[m.tab])
	}
	m.cursor = min(m.cursor, max(m.rows.Len()-1, 0))
	return m
}

// keepInView drops the matches outside the view shown (into a new slice: the index owns
// its own), counting on the way how many each view holds.
func (m sourcesModel) keepInView() sourcesModel {
	var kept []listRow
	m.matchesIn = [viewCount]int{viewAll: m.rows.Len()}
	for i := range m.rows.Len() {
		r := m.rows.At(i)
		s := m.statusAt(r.source)
		for v := listView(1); v < viewCount; v++ {
			if v.includes(s) {
				m.matchesIn[v]++
			}
		}
		if m.tab.includes(s) {
			kept = append(kept, r)
		}
	}
	m.rows = rowList{plain: kept}
	return m
}

// setQuery fills the filter without focusing it (for `rotatetui snow`).
func (m sourcesModel) setQuery(q string) sourcesModel {
	m.input = inputWithValue(m.input, q)
	m.cursor, m.offset = 0, 0
	return m.refilter()
}

func (m sourcesModel) matchCount() int { return m.rows.Len() }

// selected is the catalog index under the cursor, or -1 for an empty list.
func (m sourcesModel) selected() int {
	if m.cursor < 0 || m.cursor >= m.rows.Len() {
		return -1
	}
	return m.rows.At(m.cursor).source
}

func (m sourcesModel) selectSource(source int) sourcesModel {
	for i := range m.rows.Len() {
		if m.rows.At(i).source == source {
			m.cursor = i
			break
		}
	}
	return m
}

func (m sourcesModel) update(msg tea.Msg) (sourcesModel, tea.Cmd, event) {
	m, cmd, ev := m.handle(msg)
	h := listHeight(m.c.height)
	m.offset = scrollWindow(m.offset, m.cursor, m.rows.Len(), h)
	// Ranking the rest of a large filter result (milliseconds at 100k) happens here,
	// when the window moves past the ranked head, not while drawing.
	m.rows.rankTo(max(m.offset+h, m.cursor+1))
	return m, cmd, ev
}

// listHeight is how many rows the list shows in a window of the given height: the body
// less the header, resume and filter lines and a blank one.
func listHeight(height int) int { return bodyHeight(height) - listTop }

// scrollWindow moves a window of size h over n rows as little as possible so that the
// cursor row is inside it, and returns its first row.
func scrollWindow(offset, cursor, n, h int) int {
	if h < 1 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	return max(min(offset, n-h), 0)
}

func (m sourcesModel) handle(msg tea.Msg) (sourcesModel, tea.Cmd, event) {
	if mouse, ok := msg.(tea.MouseMsg); ok {
		return m.mouse(mouse), nil, nil
	}
	keyMsg, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil, nil
	}
	if m.recording >= 0 {
		return m.updateRecord(keyMsg)
	}
	k := m.c.keys
	k.forFiltering(m.filtering)
	if key.Matches(keyMsg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom) {
		m.browsed = true
	}
	switch {
	case key.Matches(keyMsg, k.Up):
		m.cursor = max(m.cursor-1, 0)
		return m, nil, nil
	case key.Matches(keyMsg, k.Down):
		m.cursor = min(m.cursor+1, max(m.rows.Len()-1, 0))
		return m, nil, nil
	case key.Matches(keyMsg, k.PageUp):
		m.cursor = max(m.cursor-m.pageSize(), 0)
		return m, nil, nil
	case key.Matches(keyMsg, k.PageDown):
		m.cursor = min(m.cursor+m.pageSize(), max(m.rows.Len()-1, 0))
		return m, nil, nil
	case key.Matches(keyMsg, k.Top):
		m.cursor = 0
		return m, nil, nil
	case key.Matches(keyMsg, k.Bottom):
		m.cursor = max(m.rows.Len()-1, 0)
		return m, nil, nil
	case key.Matches(keyMsg, k.Open):
		if i := m.selected(); i >= 0 {
			return m.blur(), nil, openSourceEvent{index: i}
		}
		return m, nil, nil
	case key.Matches(keyMsg, k.ClearFilter):
		m.input = inputWithValue(m.input, "")
		m = m.blur().refilter()
		m.cursor, m.offset = 0, 0
		return m, nil, nil
	case key.Matches(keyMsg, k.AcceptQuery):
		return m.blur(), nil, nil
	case key.Matches(keyMsg, k.NextView), key.Matches(keyMsg, k.PrevView):
		step := listView(1)
		if key.Matches(keyMsg, k.PrevView) {
			step = viewCount - 1
		}
		m.tab = (m.tab + step) % viewCount
		m.cursor, m.offset = 0, 0
		return m.refilter(), nil, nil
	case key.Matches(keyMsg, k.Record):
		if i := m.selected(); i >= 0 {
			m.recording, m.recordErr = i, ""
			in := textinput.New()
			in.Prompt = "› "
			in.Placeholder = m.c.now().Local().Format("2006-01-02")
			in.CharLimit = 10
			in.Cursor.SetMode(cursor.CursorStatic)
			cmd := in.Focus()
			m.recordInput = &in
			return m, cmd, nil
		}
		return m, nil, nil
	case key.Matches(keyMsg, k.Filter):
		m.filtering = true
		k.forFiltering(true)
		var cmd tea.Cmd
		m.input, cmd = focusedInput(m.input)
		return m, cmd, nil
	}
	if !m.filtering {
		return m, nil, nil
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = updatedInput(m.input, msg)
	if m.input.Value() != before {
		// Best match first: a new query starts at the top.
		m.cursor, m.offset = 0, 0
		m = m.refilter()
	}
	return m, cmd, nil
}

// updateRecord handles the date prompt for a rotation done outside rotatetui.
func (m sourcesModel) updateRecord(msg tea.KeyMsg) (sourcesModel, tea.Cmd, event) {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.recording = -1
		return m, nil, statusEvent{text: "Nothing recorded."}
	case key.Matches(msg, k.Submit):
		now := m.c.now()
		at := now
		if text := strings.TrimSpace(m.recordInput.Value()); text != "" {
			day, err := time.ParseInLocation("2006-01-02", text, now.Location())
			switch {
			case err != nil:
				m.recordErr = "write the date as YYYY-MM-DD"
				return m, nil, nil
			case day.After(now):
				m.recordErr = "that date is in the future"
				return m, nil, nil
			}
			at = day
		}
		src := m.c.catalog.Sources[m.recording]
		m.recording = -1
		c := state.Change{Kind: state.RecordRotated, Source: src.ID, At: at.UTC()}
		return m, nil, changeEvent{changes: []state.Change{c}, status: fmt.Sprintf("Recorded: %s was last rotated on %s.", src.Name, at.Format("2006-01-02"))}
	}
	var cmd tea.Cmd
	m.recordInput, cmd = updatedInput(m.recordInput, msg)
	m.recordErr = ""
	return m, cmd, nil
}

// listTop is the screen row of the first listed source: below the header, the info
// line, the filter and a blank line.
const listTop = 5

// mouse: the wheel moves the cursor, a click selects the source under it.
func (m sourcesModel) mouse(msg tea.MouseMsg) sourcesModel {
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		m.cursor, m.browsed = max(m.cursor-1, 0), true
	case msg.Button == tea.MouseButtonWheelDown:
		m.cursor, m.browsed = min(m.cursor+1, max(m.rows.Len()-1, 0)), true
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress:
		if row := m.offset + msg.Y - listTop; msg.Y >= listTop && row < m.rows.Len() && msg.Y-listTop < listHeight(m.c.height) {
			m.cursor, m.browsed = row, true
		}
	}
	return m
}

func (m sourcesModel) blur() sourcesModel {
	m.filtering = false
	m.input = blurredInput(m.input)
	m.c.keys.forFiltering(false)
	return m
}

func (m sourcesModel) helpKeys() sourcesHelp {
	m.c.keys.forFiltering(m.filtering)
	sel := m.selected()
	never := sel >= 0 && !m.statusAt(sel).inProgress && m.statusAt(sel).due.State == state.DueUnknown
	views := m.viewSize[viewInProgress]+m.viewSize[viewDueSoon]+m.viewSize[viewOverdue] > 0
	return sourcesHelp{k: m.c.keys, filtering: m.filtering, filtered: m.query() != "", recording: m.recording >= 0, record: never, views: views}
}

// pageSize is how many rows a page holds at the current height (an estimate that only
// needs to be close: it drives pgup/pgdn).
func (m sourcesModel) pageSize() int { return max(listHeight(m.c.height)-1, 1) }

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
		b.WriteString(st.Prompt.Render(truncate(fmt.Sprintf("When was %s's key last rotated outside rotatetui? (YYYY-MM-DD, empty = today)", m.c.catalog.Sources[m.recording].Name), width)))
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
	// The names first: how wide the widest is decides how wide the category can be.
	names, widest := make([]string, end-offset), 0
	for i := range names {
		names[i] = m.nameCell(offset+i, width >= minCategoryColumns)
		widest = max(widest, ansi.StringWidth(names[i]))
	}
	cols := m.columns(width, widest)
	for i := offset; i < end; i++ {
		b.WriteString(m.rowWith(i, names[i-offset], cols))
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
		return fmt.Sprintf("No source matches %q. esc clears the filter.", catalog.PrintableLine(q))
	case m.tab != viewAll:
		return fmt.Sprintf("No source is %s. tab shows the next view.", strings.ToLower(m.tab.title()))
	}
	return "No sources."
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

// counts is the header's count: of the rows shown, and of the whole catalog when that
// is not all of it.
func (m sourcesModel) counts() string {
	if m.query() != "" || m.tab != viewAll {
		return count(m.rows.Len()) + " of " + count(len(m.sources))
	}
	return plural(len(m.sources), "source", "sources")
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
		text := fmt.Sprintf("⚠ %s: the old key stops working before the new one exists: plan a window.", m.c.catalog.Sources[sel].Name)
		return st.Warning.Render(truncate(text, width))
	}
	if s := m.statusAt(max(sel, 0)); sel >= 0 && s.inProgress {
		text := fmt.Sprintf("▶ %s is in progress (%d/%d): press enter to resume where you stopped.", m.c.catalog.Sources[sel].Name, s.done, s.total)
		return st.Resume.Render(truncate(text, width))
	}
	if n := m.viewSize[viewInProgress]; n > 0 && m.query() == "" {
		return st.Resume.Render(truncate(fmt.Sprintf("▶ %s in progress, pinned at the top.", plural(n, "rotation", "rotations")), width))
	}
	if firstRun {
		return st.Resume.Render(truncate(firstRunHint, width))
	}
	return st.Subtitle.Render(truncate("Pick a source and press enter to open its checklist.", width))
}

// firstRunHint is the list's first line while nothing is recorded: "unknown" on every
// row is only true until the person says when each key was last rotated.
const firstRunHint = "First run: press r to record when the key under the cursor was last rotated."

// rowView is row i drawn alone in width cells, laid out for its own name.
func (m sourcesModel) rowView(i, width int) string {
	name := m.nameCell(i, width >= minCategoryColumns)
	return m.rowWith(i, name, m.columns(width, ansi.StringWidth(name)))
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

// nameCell is row i's name with what goes beside it (the alias or category it matched
// through, ⚠, the custom badge), before it is fitted to its column.
func (m sourcesModel) nameCell(i int, showCategory bool) string {
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := &m.c.catalog.Sources[row.source]
	nameStyle := st.Row
	if i == m.cursor {
		nameStyle = st.RowSelected
	}
	// Written into a builder rather than added up: a row is drawn for every visible
	// source on every frame.
	var nb strings.Builder
	nb.Grow(2 * len(src.Name))
	nb.WriteString(m.highlight(src.Name, row, -1, nameStyle))
	if row.match.Matched() && row.match.Alias >= 0 {
		nb.WriteString(st.Category.Render(" aka "))
		nb.WriteString(m.highlight(src.Aliases[row.match.Alias], row, row.match.Alias, st.Category))
	}
	if row.match.Matched() && row.match.Alias == aliasCategory && !showCategory {
		// Matched through a category that has no column here: say which.
		nb.WriteString(st.Category.Render(" in "))
		nb.WriteString(m.highlight(src.Category, row, aliasCategory, st.Category))
	}
	if m.statusAt(row.source).revokeFirst {
		nb.WriteByte(' ')
		nb.WriteString(st.Warning.Render("⚠"))
	}
	if src.Custom() {
		nb.WriteByte(' ')
		nb.WriteString(m.c.styles.Badge("custom"))
	}
	return nb.String()
}

// rowWith is row i with its name cell (see nameCell), in the columns cols.
func (m sourcesModel) rowWith(i int, name string, cols listColumns) string {
	st := &m.c.styles.Paint
	row := m.rows.At(i)
	src := &m.c.catalog.Sources[row.source]
	marker := "  "
	if i == m.cursor {
		marker = st.Cursor.Render("› ")
	}
	nameW := cols.name
	name = truncate(name, nameW)
	var b strings.Builder
	b.Grow(len(marker) + len(name) + 2*(nameW+cols.category+statusWidth))
	b.WriteString(marker)
	b.WriteString(name)
	for w := ansi.StringWidth(name); w < nameW; w++ {
		b.WriteByte(' ')
	}
	b.WriteByte(' ')
	if cols.category > 0 {
		b.WriteString(pad(truncate(m.highlight(src.Category, row, aliasCategory, st.Category), cols.category), cols.category))
		b.WriteByte(' ')
	}
	b.WriteString(m.statusView(m.statusAt(row.source)))
	return b.String()
}

// highlight renders text, marking the characters the filter matched when this row
// matched through this text (alias -1 is the name, aliasCategory the category).
func (m sourcesModel) highlight(text string, row listRow, alias int32, base interface{ Render(...string) string }) string {
	if !row.match.Matched() || row.match.Alias != alias {
		return base.Render(text)
	}
	var pos []int
	if alias == aliasCategory {
		pos = categoryPositions(text, m.query())
	} else {
		pos = m.index.positions(row.match, m.query())
	}
	if len(pos) == 0 {
		return base.Render(text)
	}
	if !utf8.ValidString(text) {
		// Invalid bytes turn into U+FFFD as runes; keep that exact rendering.
		text = string([]rune(text))
	}
	// pos is ascending: walk the runes once, rendering the unmatched runs whole and each
	// matched rune on its own.
	var b strings.Builder
	run, ri := 0, 0
	for i, r := range text {
		if len(pos) > 0 && pos[0] == ri {
			pos = pos[1:]
			if run < i {
				b.WriteString(base.Render(text[run:i]))
			}
			size := utf8.RuneLen(r)
			b.WriteString(m.c.styles.Paint.Match.Render(text[i : i+size]))
			run = i + size
		}
		ri++
	}
	if run < len(text) {
		b.WriteString(base.Render(text[run:]))
	}
	return b.String()
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
