package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/state/checkrun"
)

// checkrun.go: v on a proof step runs the key's check command (check_new, check_old,
// from the user's own keys file) after a y/N that shows the exact command, from a
// command, never in Update; its last lines stream to the screen made inert, and the
// result is recorded on the step (state.RunCheck): a passing run checks it.

// checkView is a check command on this screen: running, or the last one run.
type checkView struct {
	step    int    // the step it proves
	stepKey string // that step's key
	// started is the start of the rotation on screen when the check started, nil
	// when none was: its result is recorded on that rotation only, never on another.
	started *time.Time
	fact    catalog.Fact // the fact it proves
	command string       // as run, placeholders filled
	lines   []string     // its last lines of output, made printable
	done    bool
	result  string // how it ended, in words, once done
	passed  bool
	// checked: its passing result checked the step on screen. Once the step is not
	// checked any more (u, space), the panel goes: it would say passed over an open
	// step (see dropUndoneCheck).
	checked bool
}

// checkStartedMsg is sent by startCheck once the command runs (run set), or when it
// could not be started (err: the keys file is not trusted, say).
type checkStartedMsg struct {
	keyID string
	run   *checkrun.Run
	err   error
}

// checkOutputMsg is sent by waitCheck with the command's last lines of output, and its
// result once it has ended (res set).
type checkOutputMsg struct {
	keyID string
	run   *checkrun.Run
	lines []string
	res   *checkrun.Result
}

// startCheck checks that the key's commands may run and starts command.
func startCheck(trust func(*catalog.Key) error, key catalog.Key, spec checkrun.Spec) tea.Cmd {
	return func() tea.Msg {
		if err := trust(&key); err != nil {
			return checkStartedMsg{keyID: key.ID, err: err}
		}
		return checkStartedMsg{keyID: key.ID, run: checkrun.Start(spec)}
	}
}

// waitCheck waits for more output of run, or its end.
func waitCheck(keyID string, run *checkrun.Run) tea.Cmd {
	return func() tea.Msg {
		lines, res := run.Next()
		return checkOutputMsg{keyID: keyID, run: run, lines: lines, res: res}
	}
}

// canVerify says whether v applies to step i: a proof step whose fact the key has a
// command for, not checked yet, with no check running.
func (m checklistModel) canVerify(i int) bool {
	f := m.src.Steps[i].Proves
	return f != catalog.FactNone && m.key.CheckCommand(f) != "" && !m.checked(i) && !m.finished && !m.checkRunning()
}

func (m checklistModel) checkRunning() bool { return m.verifying != nil && !m.verifying.done }

// refuseWhileChecking says why step i cannot be checked, unchecked or skipped now, or
// nil: its check command is running, and its result is what will mark the step.
func (m checklistModel) refuseWhileChecking(i int) event {
	if !m.checkRunning() || m.verifying.step != i {
		return nil
	}
	return statusEvent{text: fmt.Sprintf("Step %d's check is running: wait for its result (at most its time limit).", i+1), isErr: true}
}

// verify is v: it asks before running the step's check command, showing it.
func (m checklistModel) verify() (checklistModel, tea.Cmd, event) {
	i := m.cursor
	f := m.src.Steps[i].Proves
	switch {
	case m.checkRunning():
		return m, nil, statusEvent{text: "A check is running: wait for its result.", isErr: true}
	case f == catalog.FactNone:
		return m, nil, statusEvent{text: "v runs a check command on the steps New key works and Old key refused."}
	case m.key.CheckCommand(f) == "":
		return m, nil, statusEvent{text: fmt.Sprintf("%s has no %s: add one to its [[keys]] in keys.toml (README: Proving a rotation), or check this step by hand with a note.", m.title(), f.CheckField()), isErr: true}
	case m.checked(i):
		return m, nil, statusEvent{text: fmt.Sprintf("Step %d is checked already; uncheck it to run its check again.", i+1)}
	}
	command, err := checkrun.Fill(m.key.CheckCommand(f), m.key.Values)
	if err != nil {
		return m, nil, statusEvent{text: "Not run: " + err.Error(), isErr: true}
	}
	want := "exits 0 when the new key works"
	switch {
	case f == catalog.FactOldKey && len(m.key.CheckOldExit) > 0:
		want = fmt.Sprintf("exits %s when the provider refuses the old key", exitList(m.key.CheckOldExit))
	case f == catalog.FactOldKey:
		want = "fails when the provider refuses the old key"
	}
	question := fmt.Sprintf("Run %s? It %s:  $ %s", f.CheckField(), want, catalog.PrintableLine(command))
	if f == catalog.FactOldKey {
		// Only a caution: a refusal before the revoke may be the provider's doing.
		if caution := m.src.RevokeCaution(m.handled); caution != "" {
			question = "Caution: " + caution + ". " + question
		}
	}
	m.prompt = newConfirm(question, confirmCheck, i)
	m.prompt.command = &command
	return m, nil, nil
}

// exitList writes exit statuses as "22", "22 or 7".
func exitList(codes []int) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = fmt.Sprint(c)
	}
	return strings.Join(words, " or ")
}

// runConfirmed starts the check of step i, once confirmed: command is the text the
// question showed, placeholders filled, and the very text that runs.
func (m checklistModel) runConfirmed(i int, command string) (checklistModel, tea.Cmd, event) {
	f := m.src.Steps[i].Proves
	m.verifying = &checkView{step: i, stepKey: m.keys[i], fact: f, command: command}
	if m.rot != nil && !m.finished {
		started := m.rot.StartedAt
		m.verifying.started = &started
	}
	spec := checkrun.Spec{Command: command, Values: m.key.Values, Timeout: m.c.checkTimeout}
	return m, startCheck(m.c.trustChecks, *m.key, spec), statusEvent{text: fmt.Sprintf("Running %s…", f.CheckField())}
}

// checkStarted follows the command started by startCheck.
func (m checklistModel) checkStarted(msg checkStartedMsg) (checklistModel, tea.Cmd, event) {
	if msg.keyID != m.key.ID || m.verifying == nil {
		return m, nil, nil
	}
	if msg.err != nil {
		m.verifying = nil
		return m, nil, statusEvent{text: "Not run: " + msg.err.Error(), isErr: true}
	}
	return m, waitCheck(msg.keyID, msg.run), nil
}

// checkOutput shows the command's last lines and, once it has ended, records how.
func (m checklistModel) checkOutput(msg checkOutputMsg) (checklistModel, tea.Cmd, event) {
	v := m.verifying
	if msg.keyID != m.key.ID || v == nil || v.done {
		return m, nil, nil
	}
	v.lines = v.lines[:0]
	for _, l := range msg.lines {
		v.lines = append(v.lines, checkrun.ShowLine(l))
	}
	if msg.res == nil {
		return m, waitCheck(msg.keyID, msg.run), nil
	}
	res := *msg.res
	if res.Stopped {
		// Stopped as rotatetui ends: it proves nothing, and nothing is recorded.
		v.done, v.result = true, "stopped"
		return m, nil, nil
	}
	if res.Err != nil {
		v.done, v.result = true, "could not run: "+res.Err.Error()
		return m, nil, statusEvent{text: "The check could not be run: " + res.Err.Error(), isErr: true}
	}
	fact := state.FactNewKey
	if v.fact == catalog.FactOldKey {
		fact = state.FactOldKey
	}
	rec := checkrun.Record(fact, v.command, m.key.CheckOldExit, res)
	v.done, v.passed, v.result = true, rec.Passed(), rec.Outcome()
	if !m.onSameRotation(v) {
		// The rotation it ran for is no longer on screen (it was completed or
		// abandoned while the check ran): the result goes to that rotation only, and
		// the store drops it if it has ended; it never starts a new one.
		c := state.Change{Kind: state.RunCheck, Key: m.key.ID, Step: v.stepKey, Steps: m.keys, At: m.c.now().UTC(), Run: rec, Started: v.started}
		if v.started == nil {
			return m, nil, statusEvent{text: fmt.Sprintf("Check %s: its rotation ended while it ran; not recorded.", rec.Outcome())}
		}
		return m, nil, changeEvent{changes: []state.Change{m.guardClaim(c)}, status: fmt.Sprintf("Check %s: its rotation ended while it ran.", rec.Outcome())}
	}
	c := m.change(state.RunCheck, v.step, "")
	c.Run = rec
	if v.fact == catalog.FactOldKey && m.src.RevokeCaution(m.handled) != "" {
		// Run before the revoke step, as the y/N cautioned: recorded as set aside.
		c.Overrides = []state.Override{state.OverrideCaution}
	}
	if v.passed {
		v.checked = true
		return m.emitWithStatus(fmt.Sprintf("check of step %d", v.step+1), fmt.Sprintf("Check %s: step %d checked.", rec.Outcome(), v.step+1), c)
	}
	status := fmt.Sprintf("Check %s: step %d stays open; the attempt is recorded.", rec.Outcome(), v.step+1)
	if rec.OldKeyStillWorks() {
		status = fmt.Sprintf("OLD KEY STILL WORKS (check_old exited 0): revoke it; step %d stays open.", v.step+1)
	}
	return m.emitWithStatus("check run", status, c)
}

// dropUndoneCheck clears the panel of a passing check whose step is no longer
// checked: the check was undone (or the step unchecked), and its record with it.
func (m checklistModel) dropUndoneCheck() checklistModel {
	v := m.verifying
	if v == nil || !v.checked {
		return m
	}
	if i := indexOfKey(m.keys, v.stepKey); i < 0 || !m.checked(i) {
		m.verifying = nil
	}
	return m
}

// onSameRotation reports whether the rotation on screen, still open, is the one v's
// check started for (or v started with none and the screen's rotation began since),
// and v's step is where it was.
func (m checklistModel) onSameRotation(v *checkView) bool {
	if m.finished || v.step >= len(m.keys) || m.keys[v.step] != v.stepKey {
		return false
	}
	switch {
	case v.started == nil:
		return true // the run starts the rotation, or joins the one begun while it ran
	case m.rot == nil:
		return false
	}
	return m.rot.StartedAt.Equal(*v.started)
}

// checkLines are the lines the check shows under the steps: the command, its last
// lines of output, how it ended.
func (m checklistModel) checkLines(width int) []string {
	v := m.verifying
	if v == nil {
		return nil
	}
	st := m.c.styles
	head := fmt.Sprintf("%s of step %d: running…", v.fact.CheckField(), v.step+1)
	style := st.InProgress
	if v.done {
		head, style = fmt.Sprintf("%s of step %d: %s", v.fact.CheckField(), v.step+1, v.result), st.StatusErr
		if v.passed {
			style = st.Rotated
		}
	}
	lines := []string{"", style.Render(ansi.Truncate(head, width, "…"))}
	lines = append(lines, st.Command.Render(ansi.Truncate("$ "+catalog.PrintableLine(v.command), width, "…")))
	for _, l := range v.lines {
		lines = append(lines, st.Subtitle.Render(ansi.Truncate("│ "+strings.TrimRight(l, " "), width, "…")))
	}
	return lines
}
