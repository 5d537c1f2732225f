package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

func TestFilterNarrowsAsYouType(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	if got := m.sources.rows.Len(); got != 51 {
		t.Fatalf("list shows %d sources, want 51", got)
	}
	m = press(t, m, "/")
	if !m.sources.filtering {
		t.Fatal("/ did not focus the filter")
	}
	m = typeText(t, m, "sno")
	if n := m.sources.rows.Len(); n == 0 || n > 3 {
		t.Errorf("'sno' left %d rows: %v", n, rowNames(m))
	}
	m = typeText(t, m, "w")
	if got := rowNames(m); len(got) != 1 || got[0] != "Snowflake" {
		t.Fatalf("'snow' shows %v, want [Snowflake]", got)
	}
	if !strings.Contains(m.View(), "Snowflake") {
		t.Error("view does not show Snowflake")
	}
	// Typing q while filtering types a q instead of quitting.
	m = typeText(t, m, "q")
	if m.quitting || m.sources.query() != "snowq" {
		t.Errorf("q in the filter: quitting=%v query=%q", m.quitting, m.sources.query())
	}
	m = press(t, m, "esc")
	if m.sources.query() != "" || m.sources.filtering || m.sources.rows.Len() != 51 {
		t.Errorf("esc should clear the filter: query=%q filtering=%v rows=%d", m.sources.query(), m.sources.filtering, m.sources.rows.Len())
	}
}

// TestKeyBurstsAreSeparateKeys: a script or fast typing can deliver "/snow" in one
// read; it must act as five key presses, not as one unknown key.
func TestKeyBurstsAreSeparateKeys(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/snow")})
	if got := rowNames(m); len(got) != 1 || got[0] != "Snowflake" {
		t.Fatalf("burst /snow shows %v", got)
	}
	m = press(t, m, "enter")
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" j ")})
	rot := m.current.Key("snowflake").Current
	if rot == nil || !rot.Checked("login") || !rot.Checked("accountadmin-role") {
		t.Error("burst ' j ' should check steps 1 and 2")
	}
	// A real paste into the filter is text, not keys.
	m = press(t, m, "esc", "esc", "/")
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jq"), Paste: true})
	if m.quitting || m.sources.query() != "jq" {
		t.Errorf("paste: query %q quitting %v", m.sources.query(), m.quitting)
	}
}

func TestFilterIsFuzzyCaseInsensitiveAndSearchesAliases(t *testing.T) {
	for query, want := range map[string]string{
		"scom":        "Squarespace Commerce",
		"SNOW":        "Snowflake",
		"applovin":    "Axon (AppLovin)",
		"magento":     "Adobe Commerce (Magento 2)",
		"at internet": "Piano Analytics (AT Internet)",
		"sendinblue":  "Brevo",
		"sn":          "Snowflake",
	} {
		m := newTestModel(t, newMemStore(), Options{})
		m = press(t, m, "/")
		m = typeText(t, m, query)
		got := rowNames(m)
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: first match %v, want %q", query, got, want)
		}
	}
}

func TestFilterHighlightsMatchedCharacters(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m = press(t, m, "/")
	m = typeText(t, m, "scom")
	row := m.sources.rows.At(0)
	pos := m.sources.index.positions(row.match, "scom")
	name := []rune("Squarespace Commerce")
	var picked string
	for _, p := range pos {
		picked += string(name[p])
	}
	if !strings.EqualFold(picked, "scom") {
		t.Fatalf("highlighted %q at %v, want the letters of scom", picked, pos)
	}
	// The highlight must be visible in the rendered row: with colour off, the match
	// style underlines... which the ASCII profile drops, so check with a colour profile.
	lipgloss.SetColorProfile(termenv.ANSI)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	m.c.styles = newStyles()
	rendered := m.sources.rowView(0, 76)
	if !strings.Contains(rendered, "\x1b[") {
		t.Errorf("no styling in the matched row: %q", rendered)
	}
}

func TestOpenToggleAndBack(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{})
	m = press(t, m, "/")
	m = typeText(t, m, "snow")
	m = press(t, m, "enter")
	if m.screen != checklistScreen || m.checklist.src.ID != "snowflake" {
		t.Fatalf("enter did not open Snowflake (screen %v)", m.screen)
	}
	if m.checklist.cursor != 0 {
		t.Errorf("cursor on step %d, want 1", m.checklist.cursor+1)
	}
	m = press(t, m, "space")
	rot := store.snapshot().Key("snowflake").Current
	if rot == nil || !rot.Checked("login") {
		t.Fatal("space did not save a check of step 1")
	}
	if rot.Steps["login"].By != "tester@host" || !rot.Steps["login"].CheckedAt.Equal(fixedNow) {
		t.Errorf("check recorded %+v", rot.Steps["login"])
	}
	if m.checklist.cursor != 0 {
		t.Error("space must not move the cursor")
	}
	m = press(t, m, "x")
	if store.snapshot().Key("snowflake").Current.Checked("login") {
		t.Error("x did not uncheck step 1")
	}
	m = press(t, m, "space", "j", "enter")
	rot = store.snapshot().Key("snowflake").Current
	if !rot.Checked("login") || !rot.Checked("accountadmin-role") {
		t.Fatalf("steps 1 and 2 should be checked: %+v", rot.Steps)
	}
	if m.checklist.cursor != 2 {
		t.Errorf("enter should move to step 3, cursor on %d", m.checklist.cursor+1)
	}
	if !strings.Contains(m.View(), "2/8") {
		t.Error("checklist does not show 2/8")
	}
	m = press(t, m, "k", "down", "up")
	if m.checklist.cursor != 1 {
		t.Errorf("k/down/up: cursor on %d, want 2", m.checklist.cursor+1)
	}
	m = press(t, m, "esc")
	if m.screen != sourcesScreen {
		t.Fatal("esc did not go back")
	}
	if got := rowNames(m); got[0] != "Snowflake" {
		t.Errorf("in-progress source not pinned on top: %v", got[:3])
	}
	view := m.View()
	for _, want := range []string{"in progress 2/8", "press enter to resume"} {
		if !strings.Contains(view, want) {
			t.Errorf("list view lacks %q:\n%s", want, view)
		}
	}
	if len(m.Unsaved()) != 0 {
		t.Errorf("%d changes unsaved", len(m.Unsaved()))
	}
}

func TestResumeReopensWhereItStopped(t *testing.T) {
	store := newMemStore()
	keys := builtin(t).Sources[0].StepKeys()
	snow, _ := builtin(t).Lookup("snowflake")
	old := fixedNow.Add(-72 * time.Hour)
	for _, c := range []state.Change{
		{Kind: state.Check, Key: "activecampaign", Step: keys[0], Steps: keys, At: old},
		{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snow.StepKeys(), At: old.Add(time.Hour)},
		{Kind: state.Check, Key: "snowflake", Step: "accountadmin-role", Steps: snow.StepKeys(), At: old.Add(time.Hour)},
	} {
		if _, err := store.Apply(c); err != nil {
			t.Fatal(err)
		}
	}

	// A plain start pins both, the most recent first, with the cursor on it.
	m := newTestModel(t, store, Options{})
	if got := rowNames(m); got[0] != "Snowflake" || got[1] != "ActiveCampaign" {
		t.Errorf("pinned order %v", got[:2])
	}
	if m.sources.selected() != indexOf(m.c.catalog, "snowflake") {
		t.Error("cursor is not on the most recent rotation")
	}
	m = press(t, m, "enter")
	if m.checklist.cursor != 2 {
		t.Errorf("reopened with cursor on step %d, want 3", m.checklist.cursor+1)
	}

	// --resume opens it directly.
	m = newTestModel(t, store, Options{Resume: true})
	if m.screen != checklistScreen || m.checklist.src.ID != "snowflake" || m.checklist.cursor != 2 {
		t.Errorf("resume: screen %v source %v cursor %d", m.screen, m.checklist.src.ID, m.checklist.cursor)
	}

	// A query with one match opens it; with several it filters the list.
	m = newTestModel(t, newMemStore(), Options{Query: "snow"})
	if m.screen != checklistScreen {
		t.Error("a query with one match should open the checklist")
	}
	m = newTestModel(t, newMemStore(), Options{Query: "co"})
	if m.screen != sourcesScreen || m.sources.rows.Len() < 2 || m.sources.query() != "co" {
		t.Errorf("a query with several matches should filter the list: %d rows", m.sources.rows.Len())
	}
	m = newTestModel(t, newMemStore(), Options{Resume: true})
	if m.screen != sourcesScreen || !strings.Contains(m.View(), "Nothing to resume") {
		t.Error("resume with nothing in progress should say so")
	}
}

func indexOf(c *catalog.Catalog, id string) int {
	for i, s := range c.Sources {
		if s.ID == id {
			return i
		}
	}
	return -1
}

func TestCompletingARotation(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "awin"})
	if m.screen != checklistScreen {
		t.Fatal("awin did not open")
	}
	n := len(m.checklist.keys)
	m = press(t, m, "enter", "enter")
	// Step 2 revokes the old key before a new one exists: it asks first.
	if m.checklist.prompt.kind != confirmRevokeNext {
		t.Fatalf("no confirmation before the revoke step (prompt %v)", m.checklist.prompt.kind)
	}
	m = press(t, m, "y", "enter")
	ss := store.snapshot().Key("awin")
	if ss.Current != nil || len(ss.History) != 1 || ss.History[0].Outcome != state.Completed {
		t.Fatalf("rotation not recorded as completed: %+v", ss)
	}
	done := ss.History[0]
	if done.FinishedAt == nil || !done.StartedAt.Equal(fixedNow) || len(done.Steps) != n {
		t.Errorf("completed rotation lacks times: %+v", done)
	}
	view := m.View()
	if !strings.Contains(view, "Rotation complete") || !strings.Contains(view, strconv.Itoa(n)+"/"+strconv.Itoa(n)) {
		t.Errorf("checklist does not say it is complete:\n%s", view)
	}
	// A finished rotation is a record: toggling does nothing.
	calls := store.calls
	m = press(t, m, "space")
	if store.calls != calls {
		t.Error("space changed a finished rotation")
	}
	m = press(t, m, "esc")
	if !strings.Contains(m.View(), "✓ today") {
		t.Errorf("list does not show the rotation:\n%s", m.View())
	}
	// Opening it again starts afresh; the finished one stays in the history.
	m = press(t, m, "enter")
	if m.checklist.finished || m.checklist.rot != nil || !strings.Contains(m.View(), "0/"+strconv.Itoa(n)) {
		t.Error("reopening should show a new, empty rotation")
	}
	m = press(t, m, "space")
	ss = store.snapshot().Key("awin")
	if ss.Current == nil || len(ss.History) != 1 {
		t.Errorf("new rotation should start beside the history: %+v", ss)
	}
}

func TestFailedSaveIsShownKeptAndRetried(t *testing.T) {
	store := newMemStore()
	store.fail = errors.New("no space left on device")
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m, held := deliverAll(t, m, keyMsg("space"))
	if !strings.Contains(m.View(), "no space left on device") {
		t.Errorf("failure not shown:\n%s", m.View())
	}
	if !m.checklist.handled(0) {
		t.Error("the check vanished from the screen after a failed save")
	}
	if len(m.Unsaved()) != 1 {
		t.Fatalf("unsaved = %d, want 1", len(m.Unsaved()))
	}
	// The failure started a retry timer; firing it saves.
	timers := heldTimers(held)
	if len(timers) != 1 || timers[0].msg != (retrySaveMsg{}) || timers[0].after <= 0 {
		t.Fatalf("timers started: %#v, want one retry", timers)
	}
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	m = deliver(t, m, timers[0].msg)
	if len(m.Unsaved()) != 0 || !store.snapshot().Key("snowflake").Current.Checked("login") {
		t.Error("retry did not save the check")
	}
	if !strings.Contains(m.View(), "Saved") {
		t.Error("recovery not shown")
	}
}

func TestSaveProblemFitsTheStatusLine(t *testing.T) {
	save := func(err error) error {
		return fmt.Errorf("save /home/alice/.local/state/rotatetui/state.json: %w", &fs.PathError{Op: "write", Path: "/home/alice/.local/state/rotatetui/.state.json.tmp-0123456789abcdef", Err: err})
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{save(fmt.Errorf("timed out after 10s: %w", state.ErrLockHeld)), "another rotatetui is holding the lock"},
		{save(syscall.ENOSPC), "the disk is full"},
		{save(syscall.EROFS), "the file system is read-only"},
		{&state.FileError{Path: "postgres://ana@db/team", Problem: "written by a newer rotatetui (database schema version 3, state format 2; this build reads up to schema 2, format 2); upgrade rotatetui", Err: state.ErrNewerVersion},
			"a newer rotatetui upgraded the store; upgrade this one"},
		{errors.New("something else"), "something else"},
	} {
		if got := saveProblem(tt.err); got != tt.want {
			t.Errorf("saveProblem(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestChangesFromAnotherInstanceShowUp: when the file changes on disk, the screen
// re-reads it and shows the other instance's progress, keeping its own pending changes.
func TestChangesFromAnotherInstanceShowUp(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{})
	snow, _ := builtin(t).Lookup("snowflake")
	if _, err := store.Apply(state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snow.StepKeys(), At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	m = deliver(t, m, fileChangedMsg{})
	if !strings.Contains(m.View(), "in progress 1/8") || !strings.Contains(m.View(), "changed by another rotatetui") {
		t.Errorf("other instance's check not shown:\n%s", m.View())
	}
	// A reload that a save overtook is ignored.
	stale := stateLoadedMsg{state: state.New(), seq: m.saves - 1}
	m = deliver(t, m, stale)
	if !strings.Contains(m.View(), "in progress 1/8") {
		t.Error("a stale reload replaced newer progress")
	}
}

// TestPendingWorkIsRemindedAfterStart: a reminder of work waiting outside the screen (a
// rescue file to restore) is looked for by a command, not in New, and shown before the
// notice the screen started with.
func TestPendingWorkIsRemindedAfterStart(t *testing.T) {
	asked := 0
	find := func() string {
		asked++
		return "A rescue file holds unsaved changes: quit and run rotatetui restore."
	}
	m := newTestModel(t, newMemStore(), Options{Notice: "state.json is readable by others.", PendingWork: find})
	if asked != 0 {
		t.Fatal("New looked for pending work itself: that is I/O before the first frame")
	}
	for _, msg := range run(t, m.Init()) {
		m = deliver(t, m, msg)
	}
	if asked != 1 {
		t.Fatalf("looked %d times, want once", asked)
	}
	if !strings.Contains(m.status, "rescue file holds unsaved changes") || !strings.HasSuffix(m.status, "state.json is readable by others.") || !m.statusErr {
		t.Errorf("status = %q (error %v)", m.status, m.statusErr)
	}
	// Nothing pending: the notice stays as it was.
	m = newTestModel(t, newMemStore(), Options{Notice: "notice", PendingWork: func() string { return "" }})
	for _, msg := range run(t, m.Init()) {
		m = deliver(t, m, msg)
	}
	if m.status != "notice" {
		t.Errorf("status = %q, want the notice alone", m.status)
	}
}

// TestEndSignalQuitsAfterTheSaveInFlight: a signal that ends the program lets a save
// under way finish first, as q does.
func TestEndSignalQuitsAfterTheSaveInFlight(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m.inFlight = 1
	next, cmd := m.Update(endSignalMsg{signal: syscall.SIGTERM})
	if !next.(Model).quitting || cmd == nil {
		t.Fatal("the signal did not start quitting")
	}
	quitAtOnce := make(chan bool, 1)
	go func() { _, isQuit := cmd().(tea.QuitMsg); quitAtOnce <- isQuit }()
	select {
	case <-time.After(100 * time.Millisecond): // waiting for the save, as it should
	case isQuit := <-quitAtOnce:
		if isQuit {
			t.Error("quit at once, with a save in flight")
		}
	}
	waiting := next.(Model)
	if !strings.Contains(waiting.View(), "Quitting once the save under way is done") {
		t.Errorf("nothing says why the program has not quit yet:\n%s", waiting.View())
	}
	if again, cmd := waiting.Update(keyMsg("q")); cmd != nil || !again.(Model).quitting {
		t.Error("a second q while waiting started another wait")
	}
	m.inFlight = 0
	next, quitCmd := m.Update(endSignalMsg{signal: syscall.SIGHUP})
	if _, isQuit := quitCmd().(tea.QuitMsg); !next.(Model).quitting || !isQuit {
		t.Error("nothing in flight: the signal should quit at once")
	}
}

// TestCtrlCAsksBeforeDroppingText: ctrl+c in a note (or skip reason) with text not yet
// saved asks once; a second ctrl+c in a row quits. Nothing typed: it quits at once.
func TestCtrlCAsksBeforeDroppingText(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{Query: "snowflake"})
	m = press(t, m, "n")
	if m = press(t, m, "ctrl+c"); !m.quitting {
		t.Fatal("an empty note prompt asked before quitting")
	}

	m = newTestModel(t, newMemStore(), Options{Query: "snowflake"})
	m = typeText(t, press(t, m, "n"), "asked Bob")
	m = press(t, m, "ctrl+c")
	if m.quitting || !strings.Contains(m.View(), "Note not saved: enter saves it, esc drops it, ctrl+c again quits without it.") {
		t.Fatalf("ctrl+c dropped a note being written without a word (quitting %v):\n%s", m.quitting, m.View())
	}
	// Another key in between: the next ctrl+c asks again.
	m = press(t, typeText(t, m, "!"), "ctrl+c")
	if m.quitting {
		t.Fatal("a ctrl+c after more typing quit without asking")
	}
	if m = press(t, m, "ctrl+c"); !m.quitting {
		t.Fatal("a second ctrl+c in a row did not quit")
	}

	// A skip reason counts too; a saved note opened again unchanged does not.
	store := newMemStore()
	m = newTestModel(t, store, Options{Query: "snowflake"})
	m = press(t, typeText(t, press(t, m, "s"), "not ours"), "ctrl+c")
	if m.quitting || !strings.Contains(m.status, "Skip reason not saved") {
		t.Fatalf("skip reason: quitting %v, status %q", m.quitting, m.status)
	}
	m = newTestModel(t, store, Options{Query: "snowflake"})
	m = press(t, typeText(t, press(t, m, "n"), "asked Bob"), "enter")
	if m = press(t, press(t, m, "n"), "ctrl+c"); !m.quitting {
		t.Fatal("ctrl+c asked about a saved note that was not changed")
	}
}

// TestQuitKeys: q, and ctrl+c even in the filter, end the program: their command
// sends tea.QuitMsg, not merely some message.
func TestQuitKeys(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	next, cmd := m.Update(keyMsg("q"))
	if !next.(Model).quitting || !quits(run(t, cmd)) {
		t.Error("q does not quit")
	}
	m = press(t, m, "/")
	next, cmd = m.Update(keyMsg("ctrl+c"))
	if !next.(Model).quitting || !quits(run(t, cmd)) {
		t.Error("ctrl+c does not quit from the filter")
	}
}

func TestHelpToggles(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	short := m.View()
	if !strings.Contains(short, "/ filter") || strings.Contains(short, "page down") {
		t.Errorf("short help wrong:\n%s", short)
	}
	m = press(t, m, "?")
	if !strings.Contains(m.View(), "page down") {
		t.Error("? did not show the full help")
	}
	m = press(t, m, "enter")
	if !strings.Contains(m.View(), "check+next") {
		t.Error("checklist help lacks its keys")
	}
}

func TestWindowTooSmall(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 39, Height: 20})
	if !strings.Contains(next.(Model).View(), "Window too small") {
		t.Error("no notice at 39 columns")
	}
	next, _ = m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	if strings.Contains(next.(Model).View(), "Window too small") {
		t.Error("40x10 should be usable")
	}
	opened := press(t, m, "enter")
	for _, size := range [][2]int{{40, 10}, {80, 24}, {200, 60}} {
		for _, screen := range []Model{m, opened} {
			next, _ = screen.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			assertFits(t, next.(Model).View(), size[0], size[1])
			next, _ = next.(Model).Update(keyMsg("?"))
			assertFits(t, next.(Model).View(), size[0], size[1])
		}
		// With the full help open, or a note being typed, in the smallest window, a
		// checklist still says whose it is.
		next, _ = opened.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, k := range []string{"?", "?", "n"} {
			next, _ = next.(Model).Update(keyMsg(k))
			if title := opened.checklist.src.Name; !strings.Contains(next.(Model).View(), title) {
				t.Errorf("%dx%d after %q: the checklist's title %q is not shown:\n%s", size[0], size[1], k, title, next.(Model).View())
			}
		}
	}
}

func assertFits(t *testing.T, view string, width, height int) {
	t.Helper()
	if h := lipgloss.Height(view); h != height {
		t.Errorf("%dx%d: view is %d lines high", width, height, h)
	}
	if w := lipgloss.Width(view); w > width {
		t.Errorf("%dx%d: view is %d wide:\n%s", width, height, w, view)
	}
}

func TestStepsChangedSinceStartIsShown(t *testing.T) {
	store := newMemStore()
	snow, _ := builtin(t).Lookup("snowflake")
	oldKeys := append([]string{"gone-step"}, snow.StepKeys()...)
	if _, err := store.Apply(state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: oldKeys, At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, store, Options{Query: "snowflake"})
	if !strings.Contains(m.View(), "steps changed since this rotation started (1 step removed)") {
		t.Errorf("no warning:\n%s", m.View())
	}
}

func TestListScrollsWithTheCursor(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	for i := 0; i < 50; i++ {
		m = press(t, m, "j")
	}
	view := m.View()
	if !strings.Contains(view, "› Yext") {
		t.Errorf("last source not visible with the cursor on it:\n%s", view)
	}
	m = press(t, m, "k")
	if !strings.Contains(m.View(), "› WooCommerce") || !strings.Contains(m.View(), "Yext") {
		t.Error("moving up one row should not jump the window")
	}
	m = press(t, m, "g")
	if !strings.Contains(m.View(), "› ActiveCampaign") {
		t.Error("g should go to the top")
	}
}

func TestHostileCatalogTextIsInertOnScreen(t *testing.T) {
	cat, err := catalog.Parse("hostile.toml", []byte(`title = "t\u001b]0;pwned\u0007"
[[sources]]
id = "evil"
name = "Evil\u001b[2J\u009b31m\u202E"
note = "note\u001b]52;c;ZXZpbA==\u0007"
[[sources.steps]]
text = "step\r\u001bP+q\u001b\\"
command = "rm\u001b]8;;http://x\u001b\\"
`))
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, newMemStore(), Options{Catalog: cat})
	assertNoControl(t, "list", m.View())
	m = press(t, m, "enter")
	assertNoControl(t, "checklist", m.View())
}

func assertNoControl(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("%s: raw control %U reaches the screen", what, r)
		}
	}
}

// TestHelpLineFollowsTheState: the help line is drawn once and reused while nothing it
// shows changes; each thing it shows must still change it.
func TestHelpLineFollowsTheState(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	if v := m.View(); !strings.Contains(v, "/ filter") || strings.Contains(v, "browse matches") {
		t.Fatalf("list help wrong:\n%s", v)
	}
	m = press(t, m, "/")
	if v := m.View(); strings.Contains(v, "/ filter") || !strings.Contains(v, "browse matches") {
		t.Errorf("filtering help wrong:\n%s", v)
	}
	m = press(t, m, "esc")
	if v := m.View(); !strings.Contains(v, "/ filter") || strings.Contains(v, "browse matches") {
		t.Errorf("help after the filter closed wrong:\n%s", v)
	}
	m = press(t, m, "enter")
	if strings.Contains(m.View(), "undo") {
		t.Errorf("undo offered before anything was done:\n%s", m.View())
	}
	m = press(t, m, "space")
	if !strings.Contains(m.View(), "undo") {
		t.Errorf("undo not offered after a check:\n%s", m.View())
	}
}

// TestSuspendKey: ctrl+z suspends from anywhere, even while typing in the filter. With
// the event-driven display the model hands the stop to it (run through tea.Exec, so
// Bubble Tea stops reading keys meanwhile); with Bubble Tea's renderer, Bubble Tea
// suspends. A stop nothing could continue is reported, and nothing else changes.
func TestSuspendKey(t *testing.T) {
	m := press(t, newTestModel(t, newMemStore(), Options{}), "/")
	m = typeText(t, m, "sno")
	_, cmd := m.Update(keyMsg("ctrl+z"))
	if cmd == nil {
		t.Fatal("ctrl+z did nothing")
	}
	if _, ok := cmd().(tea.SuspendMsg); !ok {
		t.Errorf("without the display, ctrl+z should ask Bubble Tea to suspend, got %T", cmd())
	}

	calls := 0
	m.c.suspend = func() error { calls++; return errNoJobControl }
	_, cmd = m.Update(keyMsg("ctrl+z"))
	if cmd == nil {
		t.Fatal("ctrl+z did nothing with the display")
	}
	if _, ok := cmd().(tea.SuspendMsg); ok {
		t.Error("with the display, ctrl+z must not use Bubble Tea's suspend, which leaves our terminal set up")
	}
	if err := suspension(m.c.suspend).Run(); err != errNoJobControl || calls != 1 {
		t.Errorf("the suspension ran the display's suspend %d times, error %v", calls, err)
	}
	next, _ := m.Update(resumedMsg{err: errNoJobControl})
	m = next.(Model)
	if v := m.View(); !strings.Contains(v, "Not suspended: no shell with job control") || m.sources.query() != "sno" {
		t.Errorf("after an ignored stop: query %q, view:\n%s", m.sources.query(), v)
	}
	next, _ = m.Update(resumedMsg{err: errors.New("EIO")})
	if v := next.(Model).View(); !strings.Contains(v, "Back from ctrl+z, but the terminal could not be set up again") {
		t.Errorf("a failed set-up after the stop is not reported:\n%s", v)
	}
}

// TestTooSmallWindowIgnoresKeys: in a window too small to show the screens, only the
// keys the screen offers act: a check typed blind must not be recorded.
func TestTooSmallWindowIgnoresKeys(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 30, Height: 8})
	m = next.(Model)
	m = press(t, m, "space", "enter", "n")
	m = deliver(t, m, tea.MouseMsg{X: 3, Y: 6, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if ss := store.snapshot().Key("snowflake"); ss != nil {
		t.Errorf("keys acted in a window too small to show them: %+v", ss.Current)
	}
	if !strings.Contains(m.View(), "Window too small") {
		t.Fatalf("not the too-small screen:\n%s", m.View())
	}
	if _, cmd := m.Update(keyMsg("q")); cmd == nil {
		t.Error("q, which the screen offers, did not quit")
	}

	next, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, next.(Model), "space")
	if ss := store.snapshot().Key("snowflake"); ss == nil || ss.Current == nil {
		t.Error("once the window is large enough, keys act again")
	}
}

// TestWideWindowKeepsColumnsTogether: in a window much wider than the rows need, a
// source's category and status stay beside its name instead of at the far edge.
func TestWideWindowKeepsColumnsTogether(t *testing.T) {
	m := deliver(t, newTestModel(t, newMemStore(), Options{}), tea.WindowSizeMsg{Width: 220, Height: 30})
	for _, line := range strings.Split(ansi.Strip(m.View()), "\n") {
		if !strings.Contains(line, "Adtraction") {
			continue
		}
		at := strings.Index(line, "Affiliate marketing")
		if at < 0 || at+categoryWidth+1+statusWidth > 1+maxListWidth { // the margin, then the list
			t.Errorf("the category is at column %d, want the row within %d columns:\n%q", at, maxListWidth, line)
		}
		return
	}
	t.Fatalf("no Adtraction row:\n%s", m.View())
}

// Issue 15 item 5: a status message belongs to the screen it was said on. Leaving the
// screen clears it, and one said by an effect after its checklist was left is dropped;
// what is true everywhere (a failing save) stays.
func TestMessagesBelongToTheirMoment(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m = press(t, m, "n", "esc")
	if !strings.Contains(m.View(), "Note not changed.") {
		t.Fatalf("no status after cancelling a note:\n%s", m.View())
	}
	m = press(t, m, "esc", "esc", "/") // back, and clear the filter the query set
	m = typeText(t, m, "smarp")
	m = press(t, m, "enter")
	if m.screen != checklistScreen || m.checklist.src.ID != "smarp" {
		t.Fatalf("Smarp did not open")
	}
	if strings.Contains(m.View(), "Note not changed.") {
		t.Errorf("Snowflake's status followed to Smarp:\n%s", m.View())
	}
	m = press(t, m, "e")
	m = typeText(t, m, "acme")
	m = press(t, m, "enter")
	if !strings.Contains(m.View(), "{subdomain} = acme") {
		t.Fatalf("no status after setting a value:\n%s", m.View())
	}
	m = press(t, m, "esc")
	if strings.Contains(m.View(), "{subdomain} = acme") {
		t.Errorf("Smarp's status is still shown on the list:\n%s", m.View())
	}
	// A status an effect sends about a checklist no longer shown is dropped.
	m = deliver(t, m, statusMsg{text: "Copied the URL.", source: "smarp"})
	if strings.Contains(m.View(), "Copied the URL.") {
		t.Errorf("a late status about Smarp shown on the list:\n%s", m.View())
	}

	// A failing save is said everywhere, and the checklist stops promising that
	// every check is saved.
	store.mu.Lock()
	store.fail = errors.New("no space left on device")
	store.mu.Unlock()
	m = press(t, m, "esc", "/")
	m = typeText(t, m, "appsflyer")
	m = press(t, m, "enter", "space")
	view := m.View()
	if !strings.Contains(view, "Not saved") || strings.Contains(view, "Every check is saved as you make it") {
		t.Errorf("while saves fail:\n%s", view)
	}
	// The next check is not on disk either, before its own save has even failed.
	m = press(t, m, "j")
	next, _ := m.Update(keyMsg("space"))
	if !strings.Contains(next.(Model).View(), "Not saved") {
		t.Errorf("a second check hid the failing save:\n%s", next.(Model).View())
	}
	m = press(t, m, "space")
	m = press(t, m, "esc")
	if !strings.Contains(m.View(), "Not saved") {
		t.Errorf("leaving the checklist hid the failing save:\n%s", m.View())
	}
	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	m = deliver(t, m, retrySaveMsg{})
	m = press(t, m, "enter")
	if !strings.Contains(m.View(), "Every check is saved as you make it") {
		t.Errorf("the promise did not come back once saved:\n%s", m.View())
	}
}
