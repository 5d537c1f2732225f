package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// sourcesModel is the source list: every key with its status (see listkeys.go: a
// source without declared keys is one row), unfinished rotations pinned on top,
// narrowed by a fuzzy filter on names, aliases, categories and the keys' labels.
type sourcesModel struct {
	c         *common
	input     *textinput.Model // replaced, never changed in place (see inputs.go)
	filtering bool             // the filter input has focus
	index     *filterIndex

	*catalogView                      // what never changes for a catalog: keys, names, ids (shared)
	touched      map[int]sourceStatus // statuses of the keys the state file mentions
	order        []int                // key indexes without a filter: urgent work first
	tab          listView             // the view shown
	orders       [viewCount][]int
	viewSize     [viewCount]int // how many keys each view lists
	firstRun     bool           // nothing is recorded at all: no source in the state
	browsed      bool           // the cursor has been moved (by key or mouse) at least once
	// How many sources of each view the filter matches, counted when a view other than
	// All is shown, so that an empty view can say where its matches are.
	matchesIn [viewCount]int

	// Recording a rotation done outside rotatetui: a date prompt for one key.
	recording   int // key index, or -1
	recordInput *textinput.Model
	recordErr   string
	rows        rowList // what is listed now
	cursor      int
	offset      int // first visible row
}

// listRow is one listed key (its index in the list's keys; see catalogView); match is
// set (Matched) while a filter is active.
type listRow struct {
	key   int
	match filterMatch
}

// sourceStatus is what the list says about one key: a view of state.StatusOf on the
// key's entry, with what the catalog adds of its source.
type sourceStatus struct {
	inProgress  bool
	waitUntil   *time.Time // the next step cannot be done before this
	revokeFirst bool       // the old key stops working before a new one exists
	due         state.Due
	done, total int
	heldBy      string       // who started the rotation in progress, when not this rotatetui's actor (see claim.go)
	of          state.Status // what the fields above show: orderSources orders by it
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

	view := newCatalogView(c.catalog)
	if view.hasDeclaredKeys() {
		in.Placeholder = "type / to filter by name, category, owner or tag"
	}
	m := sourcesModel{c: c, input: &in, recording: -1, index: newListFilter(view), catalogView: view}
	return m.setState(st)
}

// statusAt is what the list says about key i.
func (m sourcesModel) statusAt(i int) sourceStatus {
	if s, ok := m.touched[i]; ok {
		return s
	}
	// As if never touched: unknown, not in progress.
	return statusOf(m.sourceOf(i), nil, 0, time.Time{}, m.c.verify, "")
}

// setState recomputes statuses and order, keeping the cursor on the same key.
func (m sourcesModel) setState(st *state.State) sourcesModel {
	keep := m.selected()
	n := m.keyCount()
	now := m.c.now()
	// Only keys the state mentions (by key id) can be in progress, waiting, due or
	// rotated.
	m.touched = make(map[int]sourceStatus, len(st.Keys))
	m.firstRun = len(st.Keys) == 0
	var urgent []int
	isUrgent := make([]bool, n)
	for id, ss := range st.Keys {
		i, ok := m.indexOf(id)
		if !ok {
			continue // progress of a key no longer listed (retired, or its source gone)
		}
		key, src := m.keyAt(i), m.sourceOf(i)
		s := statusOf(src, ss, m.c.interval(&key, src), now, m.c.verify, m.c.actor)
		m.touched[i] = s
		if s.of.Urgent() {
			urgent, isUrgent[i] = append(urgent, i), true
		}
	}
	orderSources(urgent, m.statusAt, m.rank)
	// Urgent work first, then everything else in the name order computed once.
	order := make([]int, 0, n)
	order = append(order, urgent...)
	for _, i := range m.byName {
		if !isUrgent[i] {
			order = append(order, int(i))
		}
	}
	m.order = order
	// Each view's list and count, once per state change rather than per frame. Every
	// view but All lists urgent keys only.
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
		m = m.selectKey(keep)
	}
	m.offset = scrollWindow(m.offset, m.cursor, m.rows.Len(), listHeight(m.c.height))
	m.rows.rankTo(m.offset + listHeight(m.c.height))
	return m
}

// statusOf is the list's view of state.StatusOf, with the proof steps of verify: a
// rotation under way has those it started with; the total of one not started counts
// those a new one would have, without copying the source. heldBy is for actor.
func statusOf(src *catalog.Source, ss *state.KeyState, interval catalog.Duration, now time.Time, verify catalog.Verify, actor string) sourceStatus {
	total := len(src.Steps) + src.ProofStepCount(verify)
	if ss != nil && ss.Current.HasWork() {
		src = src.WithProof(verify, ss.Current.StepKeys)
		total = len(src.Steps)
	}
	st := state.StatusOf(ss, src, time.Duration(interval), now)
	s := sourceStatus{inProgress: st.InProgress, waitUntil: st.WaitUntil, due: st.Due, done: st.Done, total: total, of: st}
	if st.InProgress {
		s.heldBy = heldBy(ss, src, actor)
	}
	_, s.revokeFirst = src.RevokesFirst()
	return s
}

// catalogInterval resolves a key's interval from its own, its source's and its
// catalog's rotate_every alone (state.Intervals), for callers of New that give no
// Options.Interval.
func catalogInterval(cat *catalog.Catalog) func(*catalog.Key, *catalog.Source) catalog.Duration {
	return func(k *catalog.Key, src *catalog.Source) catalog.Duration {
		return catalog.Duration(state.Intervals{Key: time.Duration(k.RotateEvery), Source: time.Duration(src.RotateEvery), Catalog: time.Duration(cat.RotateEvery)}.Interval())
	}
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
		s := m.statusAt(r.key)
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

// namedKey is the index of the listed key whose id q is ("snowflake/prod", the source
// part also by name, as catalog.LookupKey reads it), or -1: a key named whole opens
// even when the filter matches other keys too ("snowflake/prod" and
// "snowflake/production"). Other queries are left to the filter, as they always were.
func (m sourcesModel) namedKey(q string) int {
	if !strings.Contains(q, "/") {
		return -1
	}
	k, _, err := m.c.catalog.LookupKey(q)
	if err != nil || k.Retired {
		return -1
	}
	i, _ := m.indexOf(k.ID)
	return i
}

// selected is the index of the key under the cursor, or -1 for an empty list.
func (m sourcesModel) selected() int {
	if m.cursor < 0 || m.cursor >= m.rows.Len() {
		return -1
	}
	return m.rows.At(m.cursor).key
}

// selectKey puts the cursor on key i's row, if it is listed.
func (m sourcesModel) selectKey(key int) sourcesModel {
	for i := range m.rows.Len() {
		if m.rows.At(i).key == key {
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
	k := m.keys()
	if next, moved := m.moveKey(keyMsg, k); moved {
		return next, nil, nil
	}
	if next, cmd, ev, handled := m.commandKey(keyMsg, k); handled {
		return next, cmd, ev
	}
	if !m.filtering {
		return m, nil, nil
	}
	return m.typeFilter(msg)
}

// moveKey moves the cursor for the keys that do; moved is false for the others.
func (m sourcesModel) moveKey(msg tea.KeyMsg, k *keyMap) (next sourcesModel, moved bool) {
	if m.cursor, moved = moveCursor(msg, k, m.cursor, max(m.rows.Len()-1, 0), m.pageSize()); moved {
		m.browsed = true
	}
	return m, moved
}

// commandKey acts on the list's other keys; handled is false for keys it has none for.
func (m sourcesModel) commandKey(msg tea.KeyMsg, k *keyMap) (next sourcesModel, cmd tea.Cmd, ev event, handled bool) {
	switch {
	case key.Matches(msg, k.Open):
		if i := m.selected(); i >= 0 {
			return m.blur(), nil, openKeyEvent{index: i}, true
		}
	case key.Matches(msg, k.ClearFilter):
		m.input = inputWithValue(m.input, "")
		m = m.blur().refilter()
		m.cursor, m.offset = 0, 0
	case key.Matches(msg, k.AcceptQuery):
		m = m.blur()
	case key.Matches(msg, k.NextView):
		m = m.showView(1)
	case key.Matches(msg, k.PrevView):
		m = m.showView(viewCount - 1)
	case key.Matches(msg, k.Record):
		m, cmd = m.startRecord()
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.input, cmd = focusedInput(m.input)
	default:
		return m, nil, nil, false
	}
	return m, cmd, nil, true
}

// showView shows the view step places along (1: the next, viewCount-1: the one before),
// from the top of its list.
func (m sourcesModel) showView(step listView) sourcesModel {
	m.tab = (m.tab + step) % viewCount
	m.cursor, m.offset = 0, 0
	return m.refilter()
}

// startRecord asks when the key under the cursor was last rotated (see updateRecord).
func (m sourcesModel) startRecord() (sourcesModel, tea.Cmd) {
	i := m.selected()
	if i < 0 {
		return m, nil
	}
	m.recording, m.recordErr = i, ""
	in := textinput.New()
	in.Prompt = "› "
	in.Placeholder = m.c.now().Local().Format("2006-01-02")
	in.CharLimit = 10
	in.Cursor.SetMode(cursor.CursorStatic)
	cmd := in.Focus()
	m.recordInput = &in
	return m, cmd
}

// typeFilter hands a key to the filter input.
func (m sourcesModel) typeFilter(msg tea.Msg) (sourcesModel, tea.Cmd, event) {
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
		i := m.recording
		m.recording = -1
		c := state.Change{Kind: state.RecordRotated, Key: m.keyID(i), At: at.UTC()}
		return m, nil, changeEvent{changes: []state.Change{c}, status: fmt.Sprintf("Recorded: %s was last rotated on %s.", m.title(i), at.Format("2006-01-02"))}
	}
	var cmd tea.Cmd
	m.recordInput, cmd = updatedInput(m.recordInput, msg)
	m.recordErr = ""
	return m, cmd, nil
}

// listTop is the screen row of the first listed key: below the header, the info
// line, the filter and a blank line.
const listTop = 5

// mouse: the wheel moves the cursor, a click selects the key under it.
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
	return m
}

// keys is the list's key map: while the filter has focus, the one whose letters type.
func (m sourcesModel) keys() *keyMap {
	if m.filtering {
		return m.c.filterKeys
	}
	return m.c.keys
}

// helpKeys is what the help line shows for the list as it is.
func (m sourcesModel) helpKeys() sourcesHelp {
	sel := m.selected()
	never := sel >= 0 && !m.statusAt(sel).inProgress && m.statusAt(sel).due.State == state.DueUnknown
	views := m.viewSize[viewInProgress]+m.viewSize[viewDueSoon]+m.viewSize[viewOverdue] > 0
	return sourcesHelp{k: m.keys(), filtering: m.filtering, filtered: m.query() != "", recording: m.recording >= 0, record: never, views: views}
}

// pageSize is how many rows a page holds at the current height (an estimate that only
// needs to be close: it drives pgup/pgdn).
func (m sourcesModel) pageSize() int { return max(listHeight(m.c.height)-1, 1) }
