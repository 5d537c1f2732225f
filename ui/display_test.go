package ui

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// TestPainterRewritesOnlyWhatChanged: the first frame is drawn whole, an unchanged
// frame sends nothing, a changed one rewrites only its changed lines, a shorter one
// clears below, and after forget everything is drawn again.
func TestPainterRewritesOnlyWhatChanged(t *testing.T) {
	var p painter
	first := p.paint("title\nline one\nline two", 20, 10)
	for _, want := range []string{ansi.CursorHomePosition, "title" + ansi.EraseLineRight + "\r\n", "line one" + ansi.EraseLineRight + "\r\n", "line two" + ansi.EraseLineRight, ansi.CursorPosition(0, 3)} {
		if !strings.Contains(first, want) {
			t.Errorf("first frame lacks %q: %q", want, first)
		}
	}
	if out := p.paint("title\nline one\nline two", 20, 10); out != "" {
		t.Errorf("an unchanged frame was drawn again: %q", out)
	}
	changed := p.paint("title\nline 1\nline two", 20, 10)
	if strings.Contains(changed, "title") || strings.Contains(changed, "line two") || !strings.Contains(changed, "line 1"+ansi.EraseLineRight) {
		t.Errorf("a one-line change rewrote other lines: %q", changed)
	}
	shorter := p.paint("title", 20, 10)
	if !strings.Contains(shorter, ansi.EraseScreenBelow) {
		t.Errorf("a shorter frame left the old lines below: %q", shorter)
	}
	p.forget()
	if again := p.paint("title", 20, 10); !strings.Contains(again, "title") {
		t.Errorf("after forget the frame was not drawn: %q", again)
	}
	p.paint("one\ntwo\nthree", 20, 10)
	p.forget()
	if again := p.paint("one", 20, 10); !strings.Contains(again, ansi.EraseScreenBelow) {
		t.Errorf("after forget, a shorter frame left the old lines below: %q", again)
	}
}

// TestPainterFitsTheTerminal: lines wider than the terminal are cut (wide characters
// and styles included), and of a frame taller than it the bottom lines are kept.
func TestPainterFitsTheTerminal(t *testing.T) {
	var p painter
	out := p.paint("\x1b[1mabcdefghij\x1b[0m\n日本語日本語", 6, 10)
	for _, line := range strings.Split(strings.TrimSuffix(out, ansi.CursorPosition(0, 2)), "\r\n") {
		if w := ansi.StringWidth(line); w > 6 {
			t.Errorf("line %q is %d cells wide on a 6-cell terminal", line, w)
		}
	}
	if strings.Contains(out, "ghij") {
		t.Errorf("the wide line was not cut: %q", out)
	}
	var q painter
	tall := ansi.Strip(q.paint("one\ntwo\nthree\nfour", 10, 2))
	if strings.Contains(tall, "one") || strings.Contains(tall, "two") || !strings.Contains(tall, "three") || !strings.Contains(tall, "four") {
		t.Errorf("a 4-line frame on 2 lines should show lines 3 and 4: %q", tall)
	}
}

// recorder is a terminal that keeps what it is sent.
type recorder struct {
	mu     sync.Mutex
	writes []string
}

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, string(b))
	return len(b), nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.writes)
}

// waitUntil polls done until it holds, failing the test after 10 s with what it
// waited for.
func waitUntil(t *testing.T, done func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !done(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.writes, "")
}

// TestDisplayDrawsEachFrameOnce: a queued frame is drawn when the drawing goroutine
// wakes, the same frame again sends nothing, frames queued in between are replaced by
// the newest, a resize redraws the next frame whole, and stop draws the frame still
// queued.
func TestDisplayDrawsEachFrameOnce(t *testing.T) {
	rec := &recorder{}
	// Without its goroutine, to draw when the test says.
	d := &display{out: rec, wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{})}
	d.resize(40, 10)
	d.show("hello")
	d.drawPending()
	d.show("hello")
	d.drawPending()
	if len(rec.writes) != 1 || !strings.Contains(rec.writes[0], "hello") {
		t.Fatalf("writes %q, want hello drawn once", rec.writes)
	}
	d.show("skipped")
	d.show("newest")
	d.drawPending()
	if out := rec.all(); strings.Contains(out, "skipped") || !strings.Contains(out, "newest") {
		t.Errorf("a replaced frame was drawn, or the newest was not: %q", out)
	}
	d.resize(30, 10)
	d.show("newest")
	d.drawPending()
	if len(rec.writes) != 3 {
		t.Errorf("after a resize the frame was not drawn again: %q", rec.writes)
	}
	d.resize(25, 10)
	d.drawPending() // a wake left over from a frame already drawn
	d.show("newest")
	d.drawPending()
	if len(rec.writes) != 4 {
		t.Errorf("a resize noted while nothing was pending was lost: %q", rec.writes)
	}

	live := newDisplay(rec)
	live.show("last words")
	live.stop()
	if !strings.Contains(rec.all(), "last words") {
		t.Errorf("stop did not draw the frame still queued: %q", rec.all())
	}
}

// TestFramedShowsEveryUpdate: the wrapped model's view after each update, and after
// a resize at the new size, is what the display draws.
func TestFramedShowsEveryUpdate(t *testing.T) {
	rec := &recorder{}
	d := newDisplay(rec)
	m := newTestModel(t, newMemStore(), Options{Effects: (&fakeEffects{}).effects()})
	var model tea.Model = framed{model: &m, display: d} // as Run has it: updated in place
	model, _ = model.Update(tea.WindowSizeMsg{Width: 70, Height: 20})
	model, _ = model.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
	for _, r := range "snow" {
		model, _ = model.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	d.stop()
	if model.View() != "" {
		t.Error("framed's own View should be empty: nothing renders it")
	}
	if q := model.(framed).model.(*Model).sources.query(); q != "snow" {
		t.Errorf("the model kept has the query %q, want snow", q)
	}
	if out := ansi.Strip(rec.all()); !strings.Contains(out, "Snowflake") || !strings.Contains(out, "1 of 51") {
		t.Errorf("the filtered list never reached the terminal: %q", out)
	}
	for _, frame := range rec.writes {
		for _, line := range strings.FieldsFunc(ansi.Strip(frame), func(r rune) bool { return r == '\n' || r == '\r' }) {
			if w := ansi.StringWidth(line); w > 70 {
				t.Errorf("a line is %d cells wide on a 70-cell terminal: %q", w, line)
			}
		}
	}
}

// panicky is a model that panics where it is told to.
type panicky struct {
	updates int
	in      string // "update", "view" or "command": where the next key panics
}

func (p panicky) Init() tea.Cmd { return nil }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	p.updates++
	switch p.in {
	case "update":
		panic("boom in update")
	case "command":
		return p, tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("boom in a command") })
	}
	return p, nil
}

func (p panicky) View() string {
	if p.in == "view" && p.updates > 0 {
		panic("boom in view")
	}
	return "ok"
}

// TestFramedContainsPanics: a panic in Update, in View or in a command (one of a batch)
// stops the program with the crash and its stack kept for the report, and with the
// model as it was after the last Update that returned.
func TestFramedContainsPanics(t *testing.T) {
	isQuit := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		_, ok := cmd().(tea.QuitMsg)
		return ok
	}
	key := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}
	for _, where := range []string{"update", "view"} {
		d := newDisplay(&recorder{})
		next, cmd := framed{model: panicky{in: where}, display: d}.Update(key)
		d.stop()
		f := next.(framed)
		if f.crash == nil || !strings.Contains(f.crash.Error(), "boom in "+where) || !strings.Contains(f.crash.Error(), "panicky") || !isQuit(cmd) {
			t.Fatalf("panic in %s: crash %v, quit %v", where, f.crash, isQuit(cmd))
		}
		if want := map[string]int{"update": 0, "view": 1}[where]; f.model.(panicky).updates != want {
			t.Errorf("panic in %s: the model kept has %d updates, want %d", where, f.model.(panicky).updates, want)
		}
	}

	if msg := (&crash{value: "evil \x1b]52;c;aGk=\x07 name"}).Error(); strings.ContainsAny(msg, "\x1b\x07") {
		t.Errorf("a panic value reached the report with its control characters: %q", msg)
	}

	d := newDisplay(&recorder{})
	defer d.stop()
	next, cmd := framed{model: panicky{in: "command"}, display: d}.Update(key)
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatalf("the batch did not come through: %T", cmd())
	}
	var msg tea.Msg
	for _, c := range batch {
		if m := c(); m != nil { // would panic without guard
			msg = m
		}
	}
	next, cmd = next.Update(msg)
	if f := next.(framed); f.crash == nil || !strings.Contains(f.crash.Error(), "boom in a command") || !isQuit(cmd) {
		t.Errorf("panic in a command: crash %v, quit %v", f.crash, isQuit(cmd))
	}
}

// viewCounter counts its Views, and panics in them if told to.
type viewCounter struct {
	views  *int
	panics bool
}

func (v viewCounter) Init() tea.Cmd                       { return nil }
func (v viewCounter) Update(tea.Msg) (tea.Model, tea.Cmd) { return v, nil }
func (v viewCounter) View() string {
	*v.views++
	if v.panics {
		panic("boom in the first view")
	}
	return "first frame"
}

// TestFirstFrameDrawnBeforeTheProgram: drawFirst puts the first frame on the display,
// and Init, which Bubble Tea calls next, does not render it again. A panic in that
// first View is contained like any other.
func TestFirstFrameDrawnBeforeTheProgram(t *testing.T) {
	rec := &recorder{}
	d := newDisplay(rec)
	views := 0
	f, crashed := framed{model: viewCounter{views: &views}, display: d}.drawFirst()
	f.Init()
	d.stop()
	if crashed != nil || views != 1 || !strings.Contains(rec.all(), "first frame") {
		t.Errorf("crash %v, %d views (want 1), drawn %q", crashed, views, rec.all())
	}

	d = newDisplay(&recorder{})
	defer d.stop()
	if _, crashed := (framed{model: viewCounter{views: &views, panics: true}, display: d}).drawFirst(); crashed == nil ||
		!strings.Contains(crashed.Error(), "boom in the first view") {
		t.Errorf("a panic in the first View was not contained: %v", crashed)
	}
}

// TestShowNowDrawsBeforeReturning: the first frame is written on the caller's
// goroutine, before showNow returns; frames shown after it still go out in order.
func TestShowNowDrawsBeforeReturning(t *testing.T) {
	rec := &recorder{}
	d := newDisplay(rec)
	d.showNow("first frame")
	if !strings.Contains(rec.all(), "first frame") {
		t.Fatalf("showNow returned before drawing: %q", rec.all())
	}
	d.show("second frame")
	d.stop()
	out := rec.all()
	if i, j := strings.Index(out, "first frame"), strings.Index(out, "second frame"); i < 0 || j < i {
		t.Errorf("frames out of order or missing: %q", out)
	}
}

// fakeTerminal plays back what a program wrote to a terminal and keeps the screen it
// leaves. It knows the sequences the display sends (cursor position, erase to the end
// of the line or the screen, styles, which it ignores) and fails the test on any other:
// a sequence it cannot place could make the screen differ from what it says.
type fakeTerminal struct {
	t             *testing.T
	width, height int
	cells         [][]string // [row][col]: a grapheme, or "" under the right half of a wide one
	row, col      int
}

func newFakeTerminal(t *testing.T, width, height int) *fakeTerminal {
	ft := &fakeTerminal{t: t, width: width, height: height, cells: make([][]string, height)}
	for r := range ft.cells {
		ft.cells[r] = ft.blankRow()
	}
	return ft
}

func (ft *fakeTerminal) blankRow() []string {
	row := make([]string, ft.width)
	for c := range row {
		row[c] = " "
	}
	return row
}

// play applies out to the screen.
func (ft *fakeTerminal) play(out string) {
	ft.t.Helper()
	p := ansi.NewParser()
	var state byte
	for len(out) > 0 {
		seq, width, n, next := ansi.DecodeSequence(out, state, p)
		state, out = next, out[n:]
		switch {
		case width > 0:
			ft.print(seq, width)
		case seq == "\r":
			ft.col = 0
		case seq == "\n":
			ft.lineFeed()
		case ansi.HasCsiPrefix(seq):
			ft.csi(seq, p)
		default:
			ft.t.Fatalf("the fake terminal got %q, which it does not know", seq)
		}
	}
}

func (ft *fakeTerminal) print(grapheme string, width int) {
	if ft.col+width > ft.width {
		ft.t.Fatalf("%q written past the last column, at row %d column %d: the line would wrap", grapheme, ft.row+1, ft.col+1)
	}
	ft.cells[ft.row][ft.col] = grapheme
	for i := 1; i < width; i++ {
		ft.cells[ft.row][ft.col+i] = ""
	}
	ft.col += width
}

func (ft *fakeTerminal) lineFeed() {
	if ft.row < ft.height-1 {
		ft.row++
		return
	}
	ft.cells = append(ft.cells[1:], ft.blankRow())
}

func (ft *fakeTerminal) csi(seq string, p *ansi.Parser) {
	ft.t.Helper()
	param := func(i, def int) int { v, _ := p.Param(i, def); return v }
	switch ansi.Cmd(p.Command()).Final() {
	case 'H': // cursor position, 1-based
		ft.row, ft.col = min(max(param(0, 1), 1), ft.height)-1, min(max(param(1, 1), 1), ft.width)-1
	case 'K': // erase to the end of the line
		if param(0, 0) != 0 {
			ft.t.Fatalf("erase line %q: only to the end is known", seq)
		}
		for c := ft.col; c < ft.width; c++ {
			ft.cells[ft.row][c] = " "
		}
	case 'J': // erase to the end of the screen
		if param(0, 0) != 0 {
			ft.t.Fatalf("erase screen %q: only below is known", seq)
		}
		for c := ft.col; c < ft.width; c++ {
			ft.cells[ft.row][c] = " "
		}
		for r := ft.row + 1; r < ft.height; r++ {
			ft.cells[r] = ft.blankRow()
		}
	case 'm': // styles: the screen keeps text only
	default:
		ft.t.Fatalf("the fake terminal got %q, which it does not know", seq)
	}
}

// screen is what the terminal shows, one string per row, without trailing blanks.
func (ft *fakeTerminal) screen() string {
	rows := make([]string, ft.height)
	for r, cells := range ft.cells {
		rows[r] = strings.TrimRight(strings.Join(cells, ""), " ")
	}
	return strings.Join(rows, "\n")
}

// TestFakeTerminalPlaysTheDisplay: the fake terminal places text, wide characters,
// line ends and erasures as a terminal does, and refuses what it does not know.
func TestFakeTerminalPlaysTheDisplay(t *testing.T) {
	ft := newFakeTerminal(t, 8, 3)
	ft.play(ansi.CursorHomePosition + "abcdefgh\r\n日本" + ansi.EraseLineRight + "\x1b[1mx\x1b[0m")
	ft.play(ansi.CursorPosition(3, 1) + ansi.EraseLineRight + "\r\n\r\n" + "zz")
	if got, want := ft.screen(), "ab\n日本x\nzz"; got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
	ft.play(ansi.CursorPosition(1, 2) + ansi.EraseScreenBelow)
	if got, want := ft.screen(), "ab\n\n"; got != want {
		t.Errorf("after erasing below: %q, want %q", got, want)
	}
}

// displayQuitter runs framed as Run does (the root model updated in place, each frame
// handed to the display) and ends the program once told to and no save is pending,
// so the frame compared is the one after the last save.
type displayQuitter struct {
	framed
	quitting bool
}

func (q displayQuitter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if _, ok := msg.(quitWhenIdleMsg); ok {
		q.quitting = true
	} else {
		var next tea.Model
		next, cmd = q.framed.Update(msg)
		q.framed = next.(framed)
	}
	if q.crash != nil {
		return q, cmd
	}
	if m := q.model.(*Model); q.quitting && m.inFlight == 0 && len(m.pending) == 0 && m.keeping == 0 {
		return q, tea.Batch(cmd, tea.Quit)
	}
	return q, cmd
}

// TestGoldenChecklistOnTheDisplay: what reaches the terminal through the program's own
// display (framed, the display's goroutine, the painter's partial rewrites; Bubble
// Tea's renderer off, as in Run) leaves on screen exactly the TestGoldenChecklist
// golden, which compares View's text. Two checks are made on the way, so lines are
// rewritten in place, not drawn once.
func TestGoldenChecklistOnTheDisplay(t *testing.T) {
	const width, height = 80, 24
	store := seededStore(t)
	m := New(Options{Catalog: builtin(t), State: store.snapshot(), Store: store, Now: func() time.Time { return fixedNow }, Effects: (&fakeEffects{}).effects()})
	rec := &recorder{}
	d := newDisplay(rec)
	// As runOn: the size first, then the first frame, then the program.
	d.resize(width, height)
	m, _ = m.step(tea.WindowSizeMsg{Width: width, Height: height})
	f, crashed := framed{model: &m, display: d}.drawFirst()
	if crashed != nil {
		t.Fatal(crashed)
	}
	p := tea.NewProgram(displayQuitter{framed: f}, tea.WithoutRenderer(), tea.WithoutCatchPanics(), tea.WithoutSignalHandler(),
		tea.WithInput(nil), tea.WithOutput(io.Discard))
	ended := make(chan error, 1)
	go func() { _, err := p.Run(); ended <- err }()
	for _, k := range []string{"enter", "enter"} {
		// The display draws only the newest of the frames queued while it was busy,
		// so each check waits for its frame: the lines are then rewritten in place
		// twice, whatever the machine's load.
		before := rec.count()
		p.Send(keyMsg(k))
		waitUntil(t, func() bool { return rec.count() > before }, "the frame of "+k)
	}
	p.Send(quitWhenIdleMsg{})
	select {
	case err := <-ended:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		p.Kill()
		t.Fatal("the program did not end within 10 s")
	}
	d.stop()

	ft := newFakeTerminal(t, width, height)
	ft.play(rec.all())
	want, err := os.ReadFile(filepath.Join("testdata", "TestGoldenChecklist.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ft.screen(), trimLines(string(want), height); got != want {
		t.Errorf("the terminal shows\n%s\n\nthe golden holds\n%s", got, want)
	}
	if len(rec.writes) < 3 {
		t.Errorf("%d frames written, want the first and one per check at least", len(rec.writes))
	}
}

// trimLines is text as a screen of height rows shows it: each line without trailing
// blanks, blank rows added below.
func trimLines(text string, height int) string {
	lines := strings.Split(text, "\n")
	for len(lines) < height {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
