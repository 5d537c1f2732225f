package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// proofModel opens awin/main, a key with the check commands given, with verify v.
func proofModel(t *testing.T, store *memStore, v catalog.Verify, checkNew, checkOld string, trust error) Model {
	t.Helper()
	cat := builtin(t)
	cat.LayerKeys([]catalog.Key{{ID: "awin/main", Source: "awin", Name: "main", CheckNew: checkNew, CheckOld: checkOld, Origin: "keys.toml"}})
	m := newTestModel(t, store, Options{Catalog: cat, Query: "awin/main", Verify: v, TrustChecks: func(*catalog.Key) error { return trust }})
	if m.screen != checklistScreen {
		t.Fatal("awin/main did not open")
	}
	return m
}

func TestTheChecklistEndsWithTheProofSteps(t *testing.T) {
	m := proofModel(t, newMemStore(), catalog.VerifyOffered, "", "", nil)
	view := m.View()
	for _, want := range []string{"4. [ ] ◆ New key works", "5. [ ] ◆ Old key refused", "0/5"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if m := proofModel(t, newMemStore(), catalog.VerifyOff, "", "", nil); strings.Contains(m.View(), "New key works") {
		t.Error("verify off shows the proof steps")
	}
}

func TestVRunsTheCheckAfterShowingItAndRecordsThePass(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, `printf 'checking\033]52;c;aGk=\007\n'; echo "HTTP 200"`, "exit 22", nil)
	m = press(t, m, "G", "k")
	if !strings.Contains(m.View(), "v run check") {
		t.Errorf("the help line does not offer v on a proof step with a command:\n%s", m.View())
	}
	m = press(t, m, "v")
	if view := m.View(); !strings.Contains(view, "Run check_new? It exits 0 when the new key works:  $ printf") || m.checklist.prompt.kind != confirmCheck {
		t.Fatalf("no y/N showing the command:\n%s", view)
	}
	if rec := store.snapshot().Key("awin/main"); rec != nil {
		t.Fatal("something ran or was recorded before the y")
	}
	m = press(t, m, "y")
	view := m.View()
	// The escape line is shown inert ("checking^[]52;c;aGk=^G"): the secret guard judges
	// it without its escape sequences ("checking"), not as spelt out.
	for _, want := range []string{"check_new of step 4: passed (exit 0)", "│ HTTP 200", "│ checking^[]52;c;aGk=^G", "Check passed (exit 0): step 4 checked."} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.ContainsAny(view, "\x1b\x07") {
		t.Errorf("the command's escape sequences reached the screen: %q", view)
	}
	rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofNewStep]
	if rec == nil || rec.CheckedAt == nil || rec.Run == nil || !rec.Run.Passed() || rec.Run.Output != "HTTP 200" || rec.Run.By != "tester@host" {
		t.Fatalf("recorded %+v", rec)
	}
	// u takes the check back, and the run with it; the panel no longer says passed
	// over the open step (nit 11 of the review).
	m = press(t, m, "u")
	if r := store.snapshot().Key("awin/main"); r != nil && r.Current != nil && r.Current.Steps[state.ProofNewStep] != nil {
		t.Errorf("undo left %+v", r.Current.Steps[state.ProofNewStep])
	}
	if view := m.View(); strings.Contains(view, "passed (exit 0)") || m.checklist.verifying != nil {
		t.Errorf("the panel outlived the undone check:\n%s", view)
	}
}

// TestAFailedCheckPanelStays: a failing attempt stays on record, and its panel with it.
func TestAFailedCheckPanelStays(t *testing.T) {
	m := proofModel(t, newMemStore(), catalog.VerifyOffered, "", "exit 0", nil)
	m = press(t, m, "G", "v", "y", "k", "n")
	m = press(t, typeText(t, m, "a note elsewhere"), "enter")
	if !strings.Contains(m.View(), "check_old of step 5: failed (exit 0)") {
		t.Errorf("the failed attempt's panel went:\n%s", m.View())
	}
}

func TestAFailingCheckKeepsTheStepOpen(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, "", "echo still accepted; exit 0", nil)
	m = press(t, m, "G", "v", "y")
	// exit 0 of check_old: the provider accepted the old key, which is said as such.
	if view := m.View(); !strings.Contains(view, "check_old of step 5: failed (exit 0)") || !strings.Contains(view, "OLD KEY STILL WORKS (check_old exited 0): revoke it; step 5 stays open.") {
		t.Errorf("view:\n%s", view)
	}
	rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofOldStep]
	if rec == nil || rec.CheckedAt != nil || rec.Run == nil || rec.Run.Passed() {
		t.Errorf("recorded %+v", rec)
	}
}

func TestAnUntrustedKeysFileRunsNothing(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, "touch /nonexistent/ran", "", errors.New("keys.toml has mode 0664: run: chmod go-w keys.toml"))
	m = press(t, m, "G", "k", "v", "y")
	if view := m.View(); !strings.Contains(view, "Not run: keys.toml has mode 0664: run: chmod go-w keys.toml") {
		t.Errorf("view:\n%s", view)
	}
	if store.snapshot().Key("awin/main") != nil {
		t.Error("something was recorded")
	}
}

func TestVerifyRequiredRefusesSkippingAProofStep(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyRequired, "", "", nil)
	m = press(t, m, "G", "s")
	// At 80 columns the status line is cut, but after the remedy.
	if m.checklist.prompt.kind != noPrompt || !strings.Contains(m.View(), "Check step 5 with a note on how you verified it: it cannot") {
		t.Errorf("prompt %v, view:\n%s", m.checklist.prompt.kind, m.View())
	}
	// At 120, whole, with v when the key has a check command (nit 12 of the review).
	wide := proofModel(t, newMemStore(), catalog.VerifyRequired, "", "exit 22", nil)
	wide = deliver(t, wide, tea.WindowSizeMsg{Width: 120, Height: 30})
	wide = press(t, wide, "G", "s")
	if want := `Check step 5 with a note on how you verified it, or v to run its check: it cannot be skipped (verify = "required").`; !strings.Contains(wide.View(), want) {
		t.Errorf("at 120 columns the message is not whole:\n%s", wide.View())
	}
	if help := m.checklist.helpKeys(); help.canSkip {
		t.Error("the help offers s on a step that cannot be skipped")
	}
	// Offered: the skip asks for a reason.
	m = proofModel(t, newMemStore(), catalog.VerifyOffered, "", "", nil)
	if m = press(t, m, "G", "s"); m.checklist.prompt.kind != promptSkip {
		t.Error("offered: no skip prompt")
	}
	// Without a command, v says what to do.
	if m = press(t, m, "esc", "v"); !strings.Contains(m.View(), "has no check_old: add one to its [[keys]] in keys.toml") {
		t.Errorf("v without a command:\n%s", m.View())
	}
}

// TestAProvenRotationDoesNotAskForProofAgain: the finished screen's reminder to confirm
// the new key works is for rotations without a step that asked for it; with the proof
// steps, it would contradict the record.
func TestAProvenRotationDoesNotAskForProofAgain(t *testing.T) {
	const reminder = "Before you call it done"
	for _, tt := range []struct {
		verify catalog.Verify
		steps  int
		want   bool
	}{{catalog.VerifyOffered, 5, false}, {catalog.VerifyOff, 3, true}} {
		m := proofModel(t, newMemStore(), tt.verify, "", "", nil)
		m = press(t, m, "enter", "enter", "y") // step 2 revokes the old key: confirmed
		for i := 2; i < tt.steps; i++ {
			if m = press(t, m, "enter"); m.checklist.prompt.kind == promptProofNote {
				m = press(t, typeText(t, m, "checked by hand"), "enter")
			}
		}
		view := m.View()
		if !strings.Contains(view, "Rotation complete") {
			t.Fatalf("verify %s: not complete after %d steps:\n%s", tt.verify, tt.steps, view)
		}
		if got := strings.Contains(view, reminder); got != tt.want {
			t.Errorf("verify %s: the reminder shown %v, want %v:\n%s", tt.verify, got, tt.want, view)
		}
	}
}

// TestVRefusesAValueTheShellWouldActOn: a {placeholder} value holding $(…) is never
// put into the command: v asks nothing and says which value, and what to write.
func TestVRefusesAValueTheShellWouldActOn(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "INJ")
	cat := builtin(t)
	cat.LayerKeys([]catalog.Key{{ID: "awin/main", Source: "awin", Name: "main", Values: map[string]string{"host": "x$(touch " + marker + ")"},
		CheckOld: "curl -f https://{host}/", Origin: "keys.toml"}})
	m := newTestModel(t, newMemStore(), Options{Catalog: cat, Query: "awin/main", Verify: catalog.VerifyOffered, TrustChecks: func(*catalog.Key) error { return nil }})
	m = press(t, m, "G", "v")
	if m.checklist.prompt.kind == confirmCheck || m.checklist.verifying != nil {
		t.Fatal("v offered to run a command with a value the shell would act on")
	}
	if view := m.View(); !strings.Contains(view, "Not run: the value of {host}") {
		t.Errorf("view:\n%s", view)
	}
	m = press(t, m, "y")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the value ran as code")
	}
}

// startCheckHeld answers the y/N of v on the step under the cursor and starts the
// check, returning the command that waits for its output, not yet run: the test
// decides when the result arrives.
func startCheckHeld(t *testing.T, m Model) (Model, tea.Cmd) {
	t.Helper()
	m = press(t, m, "v")
	if m.checklist.prompt.kind != confirmCheck {
		t.Fatalf("v asked nothing:\n%s", m.View())
	}
	next, cmd := m.Update(keyMsg("y"))
	m = next.(Model)
	var wait tea.Cmd
	for _, msg := range run(t, cmd) {
		if started, ok := msg.(checkStartedMsg); ok {
			next, wait = m.Update(started)
			m = next.(Model)
		}
	}
	if wait == nil || !m.checklist.checkRunning() {
		t.Fatal("the check did not start")
	}
	return m, wait
}

// TestAStaleCheckResultNeverStartsARotation: the reviewer's repro. While a check of
// New key works runs, the step cannot be checked by hand on this screen; checked by
// another rotatetui, which completes the rotation, the check's result arrives for a
// rotation that has ended: it is recorded on nothing, and no new rotation appears.
func TestAStaleCheckResultNeverStartsARotation(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, "sleep 0.3; echo HTTP 200", "", nil)
	m = press(t, m, "enter", "enter", "y", "enter") // steps 1 to 3; the revoke asks first
	m = press(t, m, "G", "s")
	m = typeText(t, m, "provider has no API")
	m = press(t, m, "enter", "k") // step 5 skipped; the cursor on step 4
	if m.checklist.cursor != 3 || !m.checklist.handled(4) || m.checklist.handled(3) {
		t.Fatalf("cursor %d:\n%s", m.checklist.cursor, m.View())
	}
	m, wait := startCheckHeld(t, m)
	for _, k := range []string{"enter", " ", "s"} {
		m = press(t, m, k)
		if m.checklist.handled(3) || m.checklist.prompt.kind != noPrompt {
			t.Fatalf("%q on the step whose check runs changed it", k)
		}
		if !strings.Contains(m.View(), "Step 4's check is running") {
			t.Errorf("%q: no word of why:\n%s", k, m.View())
		}
	}
	// Another rotatetui checks step 4 by hand: the rotation completes.
	cur := store.snapshot().Key("awin/main").Current
	started := cur.StartedAt
	if _, err := store.Apply(state.Change{Kind: state.Check, Key: "awin/main", Step: state.ProofNewStep, Steps: cur.StepKeys, At: fixedNow.Add(time.Minute), Started: &started}); err != nil {
		t.Fatal(err)
	}
	m = deliver(t, m, fileChangedMsg{})
	if !m.checklist.finished {
		t.Fatalf("the rotation did not complete on screen:\n%s", m.View())
	}
	m = deliver(t, m, run(t, wait)[0]) // the check's output, then its result
	ss := store.snapshot().Key("awin/main")
	if ss.Current != nil {
		t.Fatalf("a stale check result started a rotation: %+v", ss.Current)
	}
	if len(ss.History) != 1 || ss.History[0].Outcome != state.Completed {
		t.Errorf("history %+v", ss.History)
	}
	if view := m.View(); !strings.Contains(view, "Check passed (exit 0): its rotation ended while it ran.") {
		t.Errorf("view:\n%s", view)
	}
}

// TestTheCheckPanelWithholdsSecretLines: a line of output that looks like a secret is
// not shown under the steps.
func TestTheCheckPanelWithholdsSecretLines(t *testing.T) {
	token := "ghp_aBc" + strings.Repeat("d4E5", 9)
	m := proofModel(t, newMemStore(), catalog.VerifyOffered, "echo token="+token+"; echo HTTP 200", "", nil)
	m = press(t, m, "G", "k", "v", "y")
	// (The command line shows it: a keys file's command holding one is refused.)
	if view := m.View(); strings.Count(view, token[:12]) != 1 || !strings.Contains(view, "│ "+state.Withheld) || !strings.Contains(view, "│ HTTP 200") {
		t.Errorf("view:\n%s", view)
	}
}

// TestAProofStepCheckedByHandAsksHowItWasVerified: the reviewer's finding 7. space on
// New key works asks how it was verified, refuses an empty answer and a secret, and
// checks the step with the note as one action, undone by one u; a step with a note
// already is checked without asking; esc leaves the step open.
func TestAProofStepCheckedByHandAsksHowItWasVerified(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyRequired, "", "", nil)
	m = press(t, m, "G", "k") // step 4, New key works
	if help := m.checklist.helpKeys(); !strings.Contains(m.View(), "space/x check with note") || !help.needsNote {
		t.Errorf("the help line does not say space asks for a note:\n%s", m.View())
	}
	m = press(t, m, " ")
	if m.checklist.prompt.kind != promptProofNote || !strings.Contains(m.View(), "How did you verify that the new key works?") {
		t.Fatalf("space on a proof step asked nothing:\n%s", m.View())
	}
	if store.snapshot().Key("awin/main") != nil {
		t.Fatal("checked before the note was given")
	}
	if !strings.Contains(m.View(), "enter check") {
		t.Errorf("the help line does not say enter checks:\n%s", m.View())
	}
	// Empty: refused, still asking.
	if m = press(t, m, "enter"); m.checklist.prompt.kind != promptProofNote || !strings.Contains(m.View(), "Say how, so the record shows it") {
		t.Fatalf("an empty note was accepted:\n%s", m.View())
	}
	// A secret: refused like any note.
	token := "ghp_aBc" + strings.Repeat("d4E5", 9)
	m = press(t, typeText(t, m, token), "enter")
	if m.checklist.prompt.kind != promptProofNote || !strings.Contains(m.View(), "rotatetui never stores secrets") || store.snapshot().Key("awin/main") != nil {
		t.Fatalf("a secret-looking note was accepted:\n%s", m.View())
	}
	// esc: not checked, nothing recorded.
	if m = press(t, m, "esc"); m.checklist.prompt.kind != noPrompt || m.checklist.checked(3) || !strings.Contains(m.View(), "Step 4 not checked") {
		t.Fatalf("esc:\n%s", m.View())
	}
	m = press(t, m, " ")
	m = press(t, typeText(t, m, "curl /me answered 200"), "enter")
	rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofNewStep]
	if rec == nil || rec.CheckedAt == nil || rec.Note != "curl /me answered 200" {
		t.Fatalf("recorded %+v", rec)
	}
	if !strings.Contains(m.View(), "Step 4 checked, with your note") {
		t.Errorf("view:\n%s", m.View())
	}
	// One u takes back the check and the note together.
	m = press(t, m, "u")
	if ss := store.snapshot().Key("awin/main"); ss != nil && ss.Current != nil && ss.Current.Steps[state.ProofNewStep] != nil {
		t.Fatalf("one undo left %+v", ss.Current.Steps[state.ProofNewStep])
	}
	// A note written first (n) is the evidence: space checks without asking.
	m = press(t, m, "n")
	m = press(t, typeText(t, m, "ticket OPS-7: the API answered 200"), "enter")
	if help := m.checklist.helpKeys(); help.needsNote {
		t.Error("the help says a note is needed on a step that has one")
	}
	m = press(t, m, " ")
	if m.checklist.prompt.kind != noPrompt || !m.checklist.checked(3) {
		t.Fatalf("a proof step with a note asked again:\n%s", m.View())
	}
	// An ordinary step asks nothing.
	m = press(t, m, "g", " ")
	if m.checklist.prompt.kind != noPrompt || !m.checklist.checked(0) {
		t.Errorf("space on step 1 asked %v", m.checklist.prompt.kind)
	}
}

// TestEnterOnAProofStepChecksWithTheNoteAndMovesOn: enter asks too, and once the note
// is given, checks and moves to the next open step.
func TestEnterOnAProofStepChecksWithTheNoteAndMovesOn(t *testing.T) {
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, "", "", nil)
	m = press(t, m, "G", "k", "enter")
	if m.checklist.prompt.kind != promptProofNote {
		t.Fatalf("enter on a proof step asked nothing:\n%s", m.View())
	}
	m = press(t, typeText(t, m, "saw the new key in use"), "enter")
	if !m.checklist.checked(3) || m.checklist.cursor != 4 {
		t.Errorf("checked %v, cursor %d", m.checklist.checked(3), m.checklist.cursor)
	}
	if rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofNewStep]; rec == nil || rec.Note != "saw the new key in use" {
		t.Errorf("recorded %+v", rec)
	}
}
