package ui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rotatetui/rotatetui/state"
)

// fakeEffects records what the checklist does outside the window.
type fakeEffects struct {
	mu        sync.Mutex
	terminal  bytes.Buffer
	clipboard []string
	opened    []string
	openErr   error
}

func (f *fakeEffects) effects() Effects {
	return Effects{
		Terminal: writerFunc(func(p []byte) (int, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.terminal.Write(p)
		}),
		SystemClipboard: func(s string) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.clipboard = append(f.clipboard, s)
			return nil
		},
		OpenURL: func(u string) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.opened = append(f.opened, u)
			return f.openErr
		},
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// osc52Seq is the clipboard escape sequence a terminal receives for text.
func osc52Seq(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}

// clock is a test clock that can move forward.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openSource(t *testing.T, store *memStore, fx *fakeEffects, query string, clk *clock) Model {
	t.Helper()
	opts := Options{Query: query, Effects: fx.effects()}
	m := newTestModel(t, store, opts)
	if clk != nil {
		m.c.now = clk.now
	}
	if m.screen != checklistScreen {
		t.Fatalf("%q did not open a checklist", query)
	}
	return m
}

func TestCopyPutsTheCommandOnTheClipboard(t *testing.T) {
	fx := &fakeEffects{}
	m := openSource(t, newMemStore(), fx, "snowflake", nil)
	m = press(t, m, "j", "j", "c")
	sql := `ALTER SECURITY INTEGRATION "Supermetrics App" REFRESH OAUTH_CLIENT_SECRET_2;`
	if got := fx.terminal.String(); got != osc52Seq(sql) {
		t.Errorf("terminal got %q, want the OSC 52 copy of the statement", got)
	}
	if len(fx.clipboard) != 1 || fx.clipboard[0] != sql {
		t.Errorf("system clipboard got %q", fx.clipboard)
	}
	if !strings.Contains(m.View(), "Copied 1 SQL statement.") {
		t.Errorf("status does not say what was copied:\n%s", m.View())
	}
	// A step without a command copies its text; y is copy too.
	m = press(t, m, "g", "y")
	if last := fx.clipboard[len(fx.clipboard)-1]; last != "Log in to Snowflake and click SYSADMIN." {
		t.Errorf("copied %q", last)
	}
	if !strings.Contains(m.View(), "Copied the step's text.") {
		t.Error("status for a text copy")
	}
}

func TestPlaceholdersAreAskedOnceRememberedAndEditable(t *testing.T) {
	fx := &fakeEffects{}
	store := newMemStore()
	m := openSource(t, store, fx, "smarp", nil)
	m = press(t, m, "c")
	if m.checklist.prompt.kind != promptValue || !strings.Contains(m.View(), "Value of {subdomain} for Smarp") {
		t.Fatalf("no prompt for {subdomain}:\n%s", m.View())
	}
	// Typing q in a prompt types a q; it does not quit.
	m = typeText(t, m, "acmeq")
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyBackspace})
	if m.quitting {
		t.Fatal("q quit from a prompt")
	}
	m = press(t, m, "enter")
	want := "https://acme.smarpshare.com/#/profile/settings"
	if len(fx.clipboard) != 1 || fx.clipboard[0] != want {
		t.Fatalf("clipboard = %q, want the filled URL", fx.clipboard)
	}
	if got := store.snapshot().Key("smarp").Placeholders["subdomain"]; got != "acme" {
		t.Errorf("stored value %q", got)
	}
	if !strings.Contains(m.View(), want) {
		t.Error("the URL is not shown filled in")
	}
	// Asked once: the next copy goes straight through.
	m = press(t, m, "c")
	if m.checklist.prompt.kind != noPrompt || len(fx.clipboard) != 2 {
		t.Error("asked again for a known value")
	}
	// e edits it; a value that looks like a credential is refused.
	m = press(t, m, "e")
	if m.checklist.prompt.input.Value() != "acme" {
		t.Errorf("edit prompt prefilled with %q", m.checklist.prompt.input.Value())
	}
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = typeText(t, m, "ghp_16C7e42F292c6912E7710c838347Ae178B4a")
	m = press(t, m, "enter")
	if m.checklist.prompt.kind != promptValue || !strings.Contains(m.View(), "looks like a GitHub token") {
		t.Errorf("credential accepted:\n%s", m.View())
	}
	if got := store.snapshot().Key("smarp").Placeholders["subdomain"]; got != "acme" {
		t.Errorf("value changed to %q", got)
	}
	m = press(t, m, "esc")
	if m.checklist.prompt.kind != noPrompt {
		t.Error("esc did not close the prompt")
	}
}

func TestOpenUsesTheBrowserOrCopiesWithoutOne(t *testing.T) {
	fx := &fakeEffects{}
	store := newMemStore()
	if _, err := store.Apply(state.Change{Kind: state.SetPlaceholder, Key: "smarp", Name: "subdomain", Text: "acme", At: fixedNow}); err != nil {
		t.Fatal(err)
	}
	m := openSource(t, store, fx, "smarp", nil)
	m = press(t, m, "o")
	if len(fx.opened) != 1 || fx.opened[0] != "https://acme.smarpshare.com/#/profile/settings" {
		t.Errorf("opened %q", fx.opened)
	}
	fx.openErr = errNoBrowser
	m = press(t, m, "o")
	if !strings.Contains(m.View(), "No browser here") || fx.terminal.String() != osc52Seq("https://acme.smarpshare.com/#/profile/settings") {
		t.Errorf("without a browser the URL should be copied:\n%s", m.View())
	}
	// A step with no link, in a source with no docs: o does not apply.
	m = press(t, m, "j")
	if m.checklist.helpKeys().hasURL {
		t.Error("open offered on a step without a link")
	}
}

func TestWaitCountsDownAndBlocksTheNextStep(t *testing.T) {
	fx := &fakeEffects{}
	clk := &clock{t: fixedNow}
	store := newMemStore()
	m := openSource(t, store, fx, "appsflyer", clk)
	m = press(t, m, "enter", "enter", "enter")
	m, cmd := pressCmd(t, m, "enter") // step 4 creates the token: wait 30m
	rec := store.snapshot().Key("appsflyer").Current.Steps["create-token"]
	if rec == nil || rec.WaitUntil == nil || !rec.WaitUntil.Equal(fixedNow.Add(30*time.Minute)) {
		t.Fatalf("wait deadline not stored: %+v", rec)
	}
	if cmd == nil || !m.checklist.ticking {
		t.Fatal("no countdown started")
	}
	if !strings.Contains(m.View(), "not yet possible: available in 30:00, at 10:00") {
		t.Errorf("no countdown on step 5:\n%s", m.View())
	}
	m = press(t, m, "space")
	if store.snapshot().Key("appsflyer").Current.Checked("delete-old-token") {
		t.Error("step 5 was checked during the wait")
	}
	if !strings.Contains(m.View(), "not possible yet") {
		t.Error("no explanation why step 5 cannot be checked")
	}
	clk.t = fixedNow.Add(29*time.Minute + 41*time.Second)
	m = deliver(t, m, waitTickMsg{gen: m.checklist.tickGen})
	if !strings.Contains(m.View(), "available in 0:19") {
		t.Errorf("countdown did not move:\n%s", m.View())
	}
	clk.t = fixedNow.Add(31 * time.Minute)
	m = deliver(t, m, waitTickMsg{gen: m.checklist.tickGen})
	if !strings.Contains(m.View(), "The wait is over: step 5 can be done now.") || fx.terminal.String() != "\a" {
		t.Errorf("end of wait not announced (terminal %q):\n%s", fx.terminal.String(), m.View())
	}
	if m.checklist.ticking {
		t.Error("still ticking with nothing to count down")
	}
	// Only once.
	m = deliver(t, m, waitTickMsg{gen: m.checklist.tickGen})
	if fx.terminal.String() != "\a" {
		t.Error("the bell rang twice")
	}
	m = press(t, m, "space")
	if !store.snapshot().Key("appsflyer").Current.Checked("delete-old-token") {
		t.Error("step 5 cannot be checked after the wait")
	}
	// The list says which sources are waiting.
	clk.t = fixedNow
	m = press(t, m, "esc")
	if !strings.Contains(m.View(), "in progress 5/6") {
		t.Errorf("list:\n%s", m.View())
	}
}

// pressCmd delivers one key and returns the model and the command it produced, for
// tests that look at the command rather than run it.
func pressCmd(t *testing.T, m Model, k string) (Model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(keyMsg(k))
	m = next.(Model)
	// Run everything but timers and quit, as deliver does.
	for _, msg := range run(t, cmd) {
		if !isHeld(msg) {
			m = deliver(t, m, msg)
		}
	}
	return m, cmd
}

func TestWaitingSourceShowsInTheList(t *testing.T) {
	store := newMemStore()
	clk := &clock{t: fixedNow}
	m := openSource(t, store, &fakeEffects{}, "appsflyer", clk)
	m = press(t, m, "enter", "enter", "enter", "enter", "esc")
	if !regexp.MustCompile(`4/6 waiting 30m(\s|$)`).MatchString(m.View()) {
		t.Errorf("list does not show the wait:\n%s", m.View())
	}
}

func TestNotesAreSavedShownAndSecretsRefused(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "n")
	if m.checklist.prompt.kind != promptNote {
		t.Fatal("n did not open the note input")
	}
	m = typeText(t, m, "key AKIAIOSFODNN7EXAMPLE")
	m = press(t, m, "enter")
	if m.checklist.prompt.kind != promptNote || !strings.Contains(m.View(), "looks like an AWS access key id") {
		t.Fatalf("secret note accepted:\n%s", m.View())
	}
	if ss := store.snapshot().Key("snowflake"); ss != nil {
		t.Error("something was stored")
	}
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyCtrlU}) // textarea: delete to line start
	m = typeText(t, m, "ticket OPS-2379")
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyEnter, Alt: true})
	m = typeText(t, m, "used the staging account")
	m = press(t, m, "enter")
	rec := store.snapshot().Key("snowflake").Current.Steps["login"]
	if rec == nil || rec.Note != "ticket OPS-2379\nused the staging account" {
		t.Fatalf("note stored as %+v", rec)
	}
	if rec.CheckedAt != nil {
		t.Error("a note must not check the step")
	}
	view := m.View()
	if !strings.Contains(view, "✎ ticket OPS-2379") || !strings.Contains(view, "used the staging account") {
		t.Errorf("note not shown under the step:\n%s", view)
	}
}

func TestSkipNeedsAReasonAndCountsAsHandled(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "awin", nil)
	m = press(t, m, "s", "enter")
	if !strings.Contains(m.View(), "Say why") {
		t.Error("a skip without a reason was accepted")
	}
	m = typeText(t, m, "no access to the admin panel")
	m = press(t, m, "enter")
	rot := store.snapshot().Key("awin").Current
	rec := rot.Steps[m.checklist.keys[0]]
	if rec == nil || rec.SkippedAt == nil || rec.CheckedAt != nil || rec.SkipReason != "no access to the admin panel" {
		t.Fatalf("skip stored as %+v", rec)
	}
	if !strings.Contains(m.View(), "[-] Click on") || !strings.Contains(m.View(), "skipped: no access to the admin panel") || !strings.Contains(m.View(), "1/3") {
		t.Errorf("skip not shown as handled-but-skipped:\n%s", m.View())
	}
	// s on a skipped step takes the skip back.
	m = press(t, m, "s")
	// Taking back the only skip leaves the rotation without work, so it goes.
	if store.snapshot().Key("awin").Current.Handled(m.checklist.keys[0]) {
		t.Error("s did not unskip")
	}
}

func TestUndoSeveralLevelsIncludingACompletion(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "enter", "enter", "n")
	m = typeText(t, m, "ticket OPS-1")
	m = press(t, m, "enter")
	cur := func() *state.Rotation { return store.snapshot().Key("snowflake").Current }
	if !cur().Checked("login") || !cur().Checked("accountadmin-role") || cur().Steps["refresh-secret"].Note == "" {
		t.Fatal("setup")
	}
	m = press(t, m, "u")
	if rec := cur().Steps["refresh-secret"]; rec != nil && rec.Note != "" {
		t.Error("undo did not remove the note")
	}
	if !strings.Contains(m.View(), "Undid the note on step 3.") {
		t.Errorf("undo not reported:\n%s", m.View())
	}
	m = press(t, m, "u")
	if cur().Checked("accountadmin-role") || !cur().Checked("login") {
		t.Error("second undo should uncheck step 2 only")
	}
	// Unchecking is undone by checking again, with the original time.
	m = press(t, m, "g", "space")
	m = press(t, m, "u")
	if rec := cur().Steps["login"]; rec == nil || rec.CheckedAt == nil || !rec.CheckedAt.Equal(fixedNow) {
		t.Errorf("undo of an uncheck should restore the check: %+v", rec)
	}

	// Undoing the check that completed a rotation reopens it.
	awin := openSource(t, newMemStore(), &fakeEffects{}, "awin", nil)
	awinStore := awin.store.(*memStore)
	awin = press(t, awin, "enter", "enter", "y", "enter")
	if !awin.checklist.finished {
		t.Fatal("awin not finished")
	}
	awin = press(t, awin, "u")
	ss := awinStore.snapshot().Key("awin")
	if ss.Current == nil || len(ss.History) != 0 || ss.Current.Checked(awin.checklist.keys[2]) {
		t.Fatalf("undo of the completing check: %+v", ss)
	}
	if awin.checklist.finished || !strings.Contains(awin.View(), "2/3") {
		t.Errorf("checklist after undoing completion:\n%s", awin.View())
	}
	if m := press(t, awin, "u", "u", "u"); !strings.Contains(m.View(), "Nothing to undo") {
		t.Error("undo past the first change should say so")
	}
}

func TestStartOverAsksAndKeepsTheAttempt(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "enter", "R")
	if m.checklist.prompt.kind != confirmReset {
		t.Fatal("R did not ask")
	}
	m = press(t, m, "n")
	if store.snapshot().Key("snowflake").Current == nil {
		t.Fatal("n abandoned the rotation")
	}
	m = press(t, m, "R", "y")
	ss := store.snapshot().Key("snowflake")
	if ss.Current != nil || len(ss.History) != 1 || ss.History[0].Outcome != state.Abandoned {
		t.Fatalf("after reset: %+v", ss)
	}
	if !strings.Contains(m.View(), "0/8") || !strings.Contains(m.View(), "abandoned attempt is kept") {
		t.Errorf("view after reset:\n%s", m.View())
	}
}

func TestRevokeFirstSourcesWarnAndConfirm(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "activecampaign", nil)
	// ActiveCampaign's "Reset API key" makes the new key as it revokes the old one
	// (no create step): the caution says what happens, not that no new key exists
	// (issue 15, item 8).
	if !strings.Contains(m.View(), "Step 3 revokes the old key and makes the new one in one action: the old key") {
		t.Errorf("no caution:\n%s", m.View())
	}
	m = press(t, m, "enter", "enter", "enter")
	if m.checklist.prompt.kind != confirmRevokeNext {
		t.Fatalf("no confirmation before step 3 (Reset API key)")
	}
	if q := m.checklist.prompt.label; !strings.Contains(q, "makes the new one in one action: the old key stops working at once, and the connection is down until you update it") || strings.Contains(q, "no new key exists") {
		t.Errorf("question: %q", q)
	}
	m = press(t, m, "n")
	if store.snapshot().Key("activecampaign").Current.Checked("reset-api-key") {
		t.Error("n checked the revoke step")
	}
	m = press(t, m, "space", "y")
	if !store.snapshot().Key("activecampaign").Current.Checked("reset-api-key") {
		t.Error("y did not check it")
	}
	overrides := func() []state.Override {
		if rec := store.snapshot().Key("activecampaign").Current.Steps["reset-api-key"]; rec != nil {
			return rec.Overrides
		}
		return nil
	}
	if got := overrides(); !slices.Equal(got, []state.Override{state.OverrideCaution}) {
		t.Errorf("confirmed revoke recorded overrides %v, want the caution", got)
	}
	// Asked only the first time on this screen; a check after that still records
	// the caution it overrides, and undoing an uncheck keeps the record.
	m = press(t, m, "space", "space")
	if m.checklist.prompt.kind != noPrompt {
		t.Error("asked again after confirming")
	}
	m = press(t, m, "space", "u")
	if got := overrides(); !slices.Equal(got, []state.Override{state.OverrideCaution}) {
		t.Errorf("after undoing the uncheck, overrides %v, want the caution", got)
	}
	// A source that revokes first and creates after says that no new key exists yet.
	m = openSource(t, newMemStore(), &fakeEffects{}, "tradedoubler", nil)
	if !strings.Contains(m.View(), "old key stops working before the new one exists: plan a window") {
		t.Errorf("no caution on Tradedoubler:\n%s", m.View())
	}
	m = press(t, m, "enter")
	if q := m.checklist.prompt.label; !strings.Contains(q, "Step 1 revokes the old key, and no new key exists yet: whatever still uses it stops working now.") {
		t.Errorf("Tradedoubler's question: %q", q)
	}
	// Sources that create the new key first do not ask.
	m = openSource(t, newMemStore(), &fakeEffects{}, "bigcommerce", nil)
	if strings.Contains(m.View(), "plan a window") {
		t.Error("caution on a source that creates first")
	}
	m = press(t, m, "esc", "esc", "g")
	view := m.View()
	if !strings.Contains(view, "ActiveCampaign ⚠") || !strings.Contains(view, "⚠ ActiveCampaign: the old key stops working before the new one exists") {
		t.Errorf("list has no caution for ActiveCampaign:\n%s", view)
	}
	if strings.Contains(view, "BigCommerce ⚠") {
		t.Error("caution on BigCommerce")
	}
}

func TestContactSourcesSaySoUpFront(t *testing.T) {
	m := openSource(t, newMemStore(), &fakeEffects{}, "affluent", nil)
	if !strings.Contains(m.View(), "needs another person (step 1). Press n on that step") {
		t.Errorf("no contact notice:\n%s", m.View())
	}
}

func TestMouseWheelMovesAndClickOnABoxToggles(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = deliver(t, m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if m.checklist.cursor != 1 {
		t.Errorf("wheel: cursor %d", m.checklist.cursor)
	}
	// Find the screen row of step 2's box and click it.
	lines := strings.Split(m.View(), "\n")
	row, col := -1, -1
	for y, l := range lines {
		if i := strings.Index(l, "2. [ ]"); i >= 0 {
			row, col = y, len([]rune(l[:i]))+3
		}
	}
	if row < 0 {
		t.Fatal("step 2 not on screen")
	}
	m = deliver(t, m, tea.MouseMsg{X: col + 1, Y: row, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if !store.snapshot().Key("snowflake").Current.Checked("accountadmin-role") {
		t.Error("click on the box did not check step 2")
	}
	// A click on the text only moves the cursor.
	for y, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, "5. [ ]") {
			m = deliver(t, m, tea.MouseMsg{X: 30, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
		}
	}
	if m.checklist.cursor != 4 || store.snapshot().Key("snowflake").Current.Checked("open-output") {
		t.Errorf("click on text: cursor %d", m.checklist.cursor)
	}
}

func TestHelpShowsOnlyWhatApplies(t *testing.T) {
	m := openSource(t, newMemStore(), &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "?")
	view := m.View()
	for _, want := range []string{"copy", "note", "skip", "check+next"} {
		if !strings.Contains(view, want) {
			t.Errorf("full help lacks %q", want)
		}
	}
	for _, absent := range []string{"open link", "edit values", "undo", "start over"} {
		if strings.Contains(view, absent) {
			t.Errorf("full help offers %q, which does nothing here", absent)
		}
	}
	m = press(t, m, "space")
	if !strings.Contains(m.View(), "undo") || !strings.Contains(m.View(), "start over") {
		t.Error("undo and start over not offered once a rotation is under way")
	}
}

func TestCodeWrapsWithAVisibleMarker(t *testing.T) {
	pieces := wrapCode("SELECT a_very_long_identifier_that_does_not_fit FROM t;", 20)
	var texts []string
	for _, p := range pieces {
		if len([]rune(p.text)) > 20 {
			t.Errorf("piece %q is wider than 20", p.text)
		}
		texts = append(texts, p.text)
	}
	if !pieces[1].broken || pieces[0].broken {
		t.Errorf("pieces %+v: the long token must be marked where it breaks", pieces)
	}
	if joined := strings.Join(texts, ""); strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll("SELECTa_very_long_identifier_that_does_not_fitFROMt;", " ", "") {
		t.Errorf("text lost: %q", joined)
	}
}

func TestMouseOnTheList(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m = deliver(t, m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	m = deliver(t, m, tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if m.sources.cursor != 2 {
		t.Errorf("wheel: cursor on row %d", m.sources.cursor)
	}
	for y, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, "Awin") {
			m = deliver(t, m, tea.MouseMsg{X: 5, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
		}
	}
	if got := m.c.catalog.Sources[m.sources.selected()].Name; got != "Awin" {
		t.Errorf("click selected %s", got)
	}
	if !strings.Contains(m.View(), "› Awin") {
		t.Error("cursor not drawn on the clicked row")
	}
}

// TestHostileProgressFileTextIsInert: notes, skip reasons and placeholder values come
// from a file a person can edit; none may drive the terminal.
func TestHostileProgressFileTextIsInert(t *testing.T) {
	st := state.New()
	snow, _ := builtin(t).Lookup("smarp")
	for _, c := range []state.Change{
		{Kind: state.SetPlaceholder, Key: "smarp", Name: "subdomain", Text: "x\x1b]0;pwned\x07", At: fixedNow},
		{Kind: state.SetNote, Key: "smarp", Step: "domain-settings", Steps: snow.StepKeys(), Text: "n\x1b[2J\u202e", At: fixedNow},
		{Kind: state.Skip, Key: "smarp", Step: "access-token-tab", Steps: snow.StepKeys(), Text: "r\x9b31m", At: fixedNow},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	fx := &fakeEffects{}
	store := &memStore{st: st}
	m := openSource(t, store, fx, "smarp", nil)
	assertNoControl(t, "checklist", m.View())
	m = press(t, m, "c")
	for _, got := range fx.clipboard {
		if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0x07) {
			t.Errorf("control characters reached the clipboard: %q", got)
		}
	}
	// The value cannot go in the link's host name, so it is not used at all: it is
	// asked for again (issue 20, item 9), and the question is inert too.
	if len(fx.clipboard) != 0 || m.checklist.prompt.kind != promptValue {
		t.Errorf("a saved value that is no host name was used (clipboard %q)", fx.clipboard)
	}
	assertNoControl(t, "value prompt", m.View())
}

// TestStartOverNeverAbandonsAnotherInstancesRotation: R on a screen that still shows an
// old rotation, after another instance reset it and began a new one, leaves the new one.
func TestStartOverNeverAbandonsAnotherInstancesRotation(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "space")
	snow, _ := builtin(t).Lookup("snowflake")
	later := fixedNow.Add(time.Hour)
	for _, c := range []state.Change{
		{Kind: state.Reset, Key: "snowflake", At: later},
		{Kind: state.Check, Key: "snowflake", Step: "accountadmin-role", Steps: snow.StepKeys(), At: later},
	} {
		if _, err := store.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	// This screen has not seen the other instance's changes yet.
	m = press(t, m, "R", "y")
	ss := store.snapshot().Key("snowflake")
	if ss.Current == nil || !ss.Current.StartedAt.Equal(later) {
		t.Fatalf("the other instance's rotation was abandoned: %+v", ss)
	}
}

// TestUndoNeverOverwritesAnotherInstancesWork: undo on a screen that has not yet seen
// another instance's note or skip on the same step leaves that work in place; once the
// screen has seen it, undo says nothing was undone. An undo of a step nobody else
// touched still applies.
func TestUndoNeverOverwritesAnotherInstancesWork(t *testing.T) {
	snow, _ := builtin(t).Lookup("snowflake")
	later := fixedNow.Add(time.Minute)
	other := func(t *testing.T, store *memStore, c state.Change) {
		t.Helper()
		c.Key, c.Steps, c.At = "snowflake", snow.StepKeys(), later
		if _, err := store.Apply(c); err != nil {
			t.Fatal(err)
		}
	}
	step := func(store *memStore, key string) *state.StepRecord {
		return store.snapshot().Key("snowflake").Current.Steps[key]
	}

	// A note, replaced elsewhere before this screen saw it.
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "n")
	m = typeText(t, m, "mine")
	m = press(t, m, "enter")
	other(t, store, state.Change{Kind: state.SetNote, Step: "login", Text: "theirs"})
	m = press(t, m, "u")
	if rec := step(store, "login"); rec == nil || rec.Note != "theirs" {
		t.Fatalf("a stale undo overwrote the other instance's note: %+v", rec)
	}
	// The screen learnt of it only from the save, which skipped the undo: it must not
	// claim to have undone anything.
	if v := m.View(); !strings.Contains(v, "Nothing undone: the note") || strings.Contains(v, "Undid") {
		t.Errorf("an undo the save skipped was reported as done:\n%s", v)
	}

	// A check, turned into a skip elsewhere, which this screen has seen.
	store = newMemStore()
	m = openSource(t, store, &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "space", "down", "space")
	other(t, store, state.Change{Kind: state.Skip, Step: "accountadmin-role", Text: "done by the DBA"})
	m = deliver(t, m, fileChangedMsg{})
	m = press(t, m, "u")
	if rec := step(store, "accountadmin-role"); rec == nil || rec.SkipReason != "done by the DBA" {
		t.Fatalf("undo overwrote the other instance's skip: %+v", rec)
	}
	if !strings.Contains(m.View(), "Nothing undone") {
		t.Errorf("an undo that did nothing was not reported:\n%s", m.View())
	}
	// The check of step 1, which nobody else touched, is still undone.
	m = press(t, m, "u")
	if rec := step(store, "login"); rec != nil && rec.CheckedAt != nil {
		t.Errorf("undo of an untouched step did nothing: %+v", rec)
	}
	if !strings.Contains(m.View(), "Undid the check of step 1.") {
		t.Errorf("undo not reported:\n%s", m.View())
	}
}

// TestInputsNeverShowBidiControls: bubbles' inputs drop C0/C1 controls but keep
// bidirectional overrides; text prefilled from the state file or pasted into any input
// must not reorder what the terminal shows either.
func TestInputsNeverShowBidiControls(t *testing.T) {
	st := state.New()
	smarp, _ := builtin(t).Lookup("smarp")
	for _, c := range []state.Change{
		{Kind: state.SetPlaceholder, Key: "smarp", Name: "subdomain", Text: "acme\u202eevil", At: fixedNow},
		{Kind: state.SetNote, Key: "smarp", Step: "domain-settings", Steps: smarp.StepKeys(), Text: "note\u2066x", At: fixedNow},
	} {
		if _, err := c.Apply(st); err != nil {
			t.Fatal(err)
		}
	}
	m := openSource(t, &memStore{st: st}, &fakeEffects{}, "smarp", nil)
	m = press(t, m, "e") // prefilled with the stored value
	assertNoControl(t, "value prompt", m.View())
	m = press(t, m, "esc", "n") // prefilled with the stored note
	assertNoControl(t, "note prompt", m.View())
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("pasted\u202ehere"), Paste: true})
	assertNoControl(t, "note after a paste", m.View())
	m = press(t, m, "esc", "esc", "/")
	m = deliver(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("sn\u202eow"), Paste: true})
	assertNoControl(t, "filter after a paste", m.View())
}

// TestChecklistSaysWhenTheKeyWasLastRotated: a source opened again after a rotation
// says when that was, so the person can tell whether another is due.
func TestChecklistSaysWhenTheKeyWasLastRotated(t *testing.T) {
	store := seededStore(t) // awin completed 12 days before fixedNow
	onDate := time.Date(2026, 1, 2, 0, 0, 0, 0, time.Local)
	if _, err := store.Apply(state.Change{Kind: state.RecordRotated, Key: "adjust", At: onDate.UTC()}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{"awin", "Last rotated " + fixedNow.Add(-12*24*time.Hour).Local().Format("2006-01-02 15:04") +
			"; next due on " + fixedNow.Add((90-12)*24*time.Hour).Local().Format("2006-01-02") + ". Check the first step to start a new rotation."},
		{"adjust", "Last rotated on 2026-01-02 (recorded by hand); next due on 2026-04-02. Check the first step to start a new rotation."},
		{"brevo", "Not started. Check the first step when you have done it."},
	} {
		m := newTestModel(t, store, Options{Query: tt.query})
		m = deliver(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
		if m.screen != checklistScreen || !strings.Contains(m.View(), tt.want) {
			t.Errorf("%s: want %q on the checklist:\n%s", tt.query, tt.want, m.View())
		}
	}
}

// TestCheckOnAStaleScreenDoesNotStartARotation: another rotatetui completed the
// rotation this screen still shows in progress. A check made here before the screen
// hears of it belongs to that rotation, so it does nothing, rather than start a new
// rotation with one step done.
func TestCheckOnAStaleScreenDoesNotStartARotation(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m = press(t, m, "space") // starts the rotation, saved
	snow, _ := builtin(t).Lookup("snowflake")
	var others []state.Change
	for _, k := range snow.StepKeys()[1:] {
		others = append(others, state.Change{Kind: state.Check, Key: "snowflake", Step: k, Steps: snow.StepKeys(), At: fixedNow})
	}
	if _, err := store.Apply(others...); err != nil { // the other instance finishes it
		t.Fatal(err)
	}
	m = press(t, m, "down", "space") // this screen has not re-read the file yet
	if strings.Contains(m.status, "was not") {
		t.Errorf("the other instance checked that step too, yet: %q", m.status)
	}
	ss := store.snapshot().Key("snowflake")
	if ss.Current != nil {
		t.Fatalf("a check on a rotation completed elsewhere started a new one: %+v", ss.Current)
	}
	if len(ss.History) != 1 || ss.History[0].Outcome != state.Completed {
		t.Fatalf("history: %+v", ss.History)
	}
}

// TestChangeForAnAbandonedRotationIsReported: a check or note made on a rotation that
// another rotatetui abandoned meanwhile is recorded nowhere; the screen says so, with
// the note's text, rather than let it vanish.
func TestChangeForAnAbandonedRotationIsReported(t *testing.T) {
	for _, tt := range []struct {
		name string
		act  func(Model) Model
		want string
	}{
		{"check", func(m Model) Model { return press(t, m, "down", "space") },
			"Step 2 of Snowflake was not checked: that rotation was finished or reset in another rotatetui."},
		{"note", func(m Model) Model { return press(t, typeText(t, press(t, m, "n"), "asked Bob"), "enter") },
			"Step 1 of Snowflake got no note (asked Bob): that rotation was finished or reset in another rotatetui."},
	} {
		store := newMemStore()
		m := newTestModel(t, store, Options{Query: "snowflake"})
		m = press(t, m, "space")
		// Another rotatetui abandons the rotation; this screen has not heard yet.
		if _, err := store.Apply(state.Change{Kind: state.Reset, Key: "snowflake", At: fixedNow}); err != nil {
			t.Fatal(err)
		}
		m = tt.act(m)
		if m.status != tt.want {
			t.Errorf("%s: status %q, want %q", tt.name, m.status, tt.want)
		}
		if cur := store.snapshot().Key("snowflake").Current; cur != nil {
			t.Errorf("%s: a rotation was started: %+v", tt.name, cur)
		}
	}
}

// TestDroppedNoteIsKept: the text of a note recorded nowhere, as above, is handed to
// Options.KeepText (a rescue file, in main), and the status says where to find it;
// when it cannot be kept, the status keeps showing the text.
func TestDroppedNoteIsKept(t *testing.T) {
	for _, fail := range []bool{false, true} {
		store := newMemStore()
		var kept []state.Change
		m := newTestModel(t, store, Options{Query: "snowflake", KeepText: func(cs []state.Change) error {
			kept = append(kept, cs...)
			if fail {
				return errors.New("disk full")
			}
			return nil
		}})
		m = press(t, m, "space")
		if _, err := store.Apply(state.Change{Kind: state.Reset, Key: "snowflake", At: fixedNow}); err != nil {
			t.Fatal(err)
		}
		m = press(t, typeText(t, press(t, m, "n"), "asked Bob"), "enter")
		if len(kept) != 1 || kept[0].Kind != state.SetNote || kept[0].Text != "asked Bob" {
			t.Errorf("fail=%v: kept %+v, want the note", fail, kept)
		}
		want := "Step 1 of Snowflake got no note: another rotatetui ended that rotation; rotatetui restore shows the text."
		if fail {
			want = "Step 1 of Snowflake got no note (asked Bob): that rotation was finished or reset in another rotatetui."
		}
		if m.status != want {
			t.Errorf("fail=%v: status %q, want %q", fail, m.status, want)
		}
	}
}

// TestQuitWaitsForKeptText: quitting while a dropped note's text is being kept waits
// for it, so the text is not lost with the program.
func TestQuitWaitsForKeptText(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{Query: "snowflake"})
	m.keeping = 1
	m, _ = m.quit()
	if m.status != "Quitting once the save under way is done…" {
		t.Fatalf("quit did not wait: status %q", m.status)
	}
	next, cmd := m.Update(textKeptMsg{dropped: droppedChanges{told: "t", ifKept: "k"}})
	if cmd == nil {
		t.Fatal("no quit once the text was kept")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok || next.(Model).status != "k" {
		t.Errorf("after the text was kept: status %q, command %T", next.(Model).status, cmd())
	}

	// The last save failing on the way out does not end the program before the text
	// is kept either.
	m.inFlight = 1
	next, cmd = m.Update(saveFailedMsg{err: errors.New("disk full"), count: 1})
	if cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("quit after a failed save while the text was still being kept")
		}
	}
	next, cmd = next.(Model).Update(textKeptMsg{dropped: droppedChanges{told: "t", ifKept: "k"}})
	if cmd == nil {
		t.Fatal("no quit once the text was kept after a failed save")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Errorf("after the text was kept: command %T", cmd())
	}
}

// Issue 15 item 1: enter is "done, next"; on a step already checked or skipped it
// moves on and changes nothing. Only space and x take a check back.
func TestEnterNeverUnticks(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "wix", nil)
	m = press(t, m, "enter", "k", "enter")
	rot := store.snapshot().Key("wix-commerce").Current
	if rot == nil || !rot.Checked("api-keys-page") {
		t.Fatalf("enter on a checked step unchecked it: %+v", rot)
	}
	if m.checklist.cursor != 1 {
		t.Errorf("enter on a checked step: cursor on step %d, want the next open one, 2", m.checklist.cursor+1)
	}
	// A skipped step: enter moves on, the skip stays.
	m = press(t, m, "j", "s")
	m = typeText(t, m, "no access")
	m = press(t, m, "enter", "k", "k", "j", "j", "enter")
	rot = store.snapshot().Key("wix-commerce").Current
	if rec := rot.Steps["reconnect"]; rec == nil || rec.SkippedAt == nil || rec.CheckedAt != nil {
		t.Errorf("enter on a skipped step changed it: %+v", rec)
	}
	if m.checklist.cursor != 1 {
		t.Errorf("cursor on step %d, want 2, the only open step", m.checklist.cursor+1)
	}
	// space still unchecks.
	m = press(t, m, "g", "space")
	if store.snapshot().Key("wix-commerce").Current.Checked("api-keys-page") {
		t.Error("space did not uncheck step 1")
	}
}

// Issue 15 item 3: a skipped create step is no new key. Revoking the old one is then
// as risky as on a source that revokes first, and the checklist asks.
func TestSkippedCreateStepIsNoNewKey(t *testing.T) {
	store := newMemStore()
	m := openSource(t, store, &fakeEffects{}, "appsflyer", nil)
	m = press(t, m, "enter", "enter", "enter", "s")
	m = typeText(t, m, "made by the account manager")
	m = press(t, m, "enter", "j")
	if m.checklist.cursor != 4 {
		t.Fatalf("cursor on step %d, want 5", m.checklist.cursor+1)
	}
	m = press(t, m, "enter")
	if m.checklist.prompt.kind != confirmRevokeNext {
		t.Fatalf("no confirmation before revoking with the create step skipped:\n%s", m.View())
	}
	if !strings.Contains(m.checklist.prompt.label, "no new key exists yet (step 4, which creates it, was skipped)") {
		t.Errorf("the question does not say why: %q", m.checklist.prompt.label)
	}
	m = press(t, m, "n")
	if store.snapshot().Key("appsflyer").Current.Checked("delete-old-token") {
		t.Error("n checked the revoke step")
	}
	m = press(t, m, "space", "y")
	if !store.snapshot().Key("appsflyer").Current.Checked("delete-old-token") {
		t.Error("y did not check it")
	}
}

// Issue 15 item 8: the reason there is no browser is said once, in words.
func TestNoBrowserSaysWhyOnce(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the display check is for Linux and the BSDs")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("SSH_CONNECTION", "")
	fx := &fakeEffects{}
	effects := fx.effects()
	effects.OpenURL = openInBrowser // the real one: here it finds no display
	msg := openCmd(effects, "https://example.com/docs")()
	status, ok := msg.(statusMsg)
	if !ok || status.text != "No browser here (no display); copied the link to example.com instead." {
		t.Errorf("status = %+v", msg)
	}
	if fx.terminal.String() != osc52Seq("https://example.com/docs") {
		t.Errorf("URL not copied: %q", fx.terminal.String())
	}
}
