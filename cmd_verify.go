package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/state/checkrun"
)

// cmd_verify.go: `rotatetui verify KEY [--new|--old]`, which runs a key's check
// commands (check_new, check_old, from the user's own keys file) and records the
// result on the proof step of the rotation in progress, as `v` does on screen; and
// `rotatetui verify --old --all [--since 30d]`, which re-runs check_old for the keys
// rotated in the window, for cron: the revoke that did not happen is the most common
// way a rotation fails silently.

// sinceFlag is --since of status and verify (export has its own, a date only).
var sinceFlag = flag{names: []string{"--since"}, value: true, set: func(o *options, v string) error { o.since = v; return nil }}

// verifyFlags are the flags of verify.
var verifyFlags = []flag{
	{names: []string{"--new"}, set: func(o *options, _ string) error { o.verifyNew = true; return nil }},
	{names: []string{"--old"}, set: func(o *options, _ string) error { o.verifyOld = true; return nil }},
	// key list has an --all too; the first command's flag in the table is the one
	// parsed, so this one sets key's option as well.
	{names: []string{"--all"}, set: func(o *options, _ string) error { o.verifyAll, o.key.all = true, true; return nil }},
	{names: []string{"-y", "--yes"}, set: func(o *options, _ string) error { o.yes = true; return nil }},
	sinceFlag,
	joinFlag,
}

// defaultVerifyWindow is how far back verify --old --all looks without --since.
const defaultVerifyWindow = "30d"

func runVerify(e *env) int {
	defer stopChecksOnSignal()()
	o := e.opts
	if o.verifyAll {
		// A word left over is named first: it is the mistake, not the flags around it
		// ("--since 3 months" leaves "months").
		left := catalog.PrintableLine(strings.Join(o.args, " "))
		switch {
		case len(o.args) > 0 && o.since != "":
			return e.fail(exitUsage, "verify --old --all takes no key, but %q is left over: --since takes one word, such as --since 90d or --since 2026-01-02", left)
		case len(o.args) > 0:
			return e.fail(exitUsage, "verify --all checks every key rotated in the window and takes no key (%q): to check one, rotatetui verify KEY --old", left)
		case !o.verifyOld || o.verifyNew:
			return e.fail(exitUsage, "verify --all goes with --old alone: rotatetui verify --old --all [--since 30d]")
		}
		return e.verifyAllOld()
	}
	if o.since != "" {
		return e.fail(exitUsage, "--since goes with verify --old --all")
	}
	ref, code, ok := e.keyArg(len(o.args) == 1)
	if !ok {
		return code
	}
	facts := verifyFacts(ref.key, o.verifyNew, o.verifyOld)
	if len(facts) == 0 {
		return e.fail(exitUsage, "%s has no check command: add check_new or check_old to its [[keys]] in %s", ref.title(), userKeysPath())
	}
	if err := trustChecks(ref.key); err != nil {
		return e.failErr(exitUsage, err)
	}
	// The runs are recorded on the rotation in progress: someone else's is left
	// alone without --join, as check leaves it.
	if code, ok := e.refuseClaimed(ref, e.st.Key(ref.key.ID)); !ok {
		return code
	}
	worst := exitOK
	for _, f := range facts {
		if code := e.verifyFact(ref, f); code > worst {
			worst = code
		}
	}
	return worst
}

// stopChecksOnSignal makes Ctrl+C (or TERM, HUP) stop the check running and any to
// come: a check runs in a process group of its own, which the terminal's Ctrl+C does
// not reach, so without this it would run on after rotatetui. The returned function
// puts the signals back as they were.
func stopChecksOnSignal() (restore func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			checkrun.KillAll()
		case <-done:
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

// verifyFacts are the facts to check: those asked for, else those the key has a
// command for.
func verifyFacts(k *catalog.Key, onlyNew, onlyOld bool) []catalog.Fact {
	var facts []catalog.Fact
	for _, f := range []catalog.Fact{catalog.FactNewKey, catalog.FactOldKey} {
		asked := onlyNew && f == catalog.FactNewKey || onlyOld && f == catalog.FactOldKey
		if asked || !onlyNew && !onlyOld && k.CheckCommand(f) != "" {
			facts = append(facts, f)
		}
	}
	return facts
}

// trustChecks says why k's check commands may not run: the verdict made on its keys
// file as it was read (see loadKeysFile), never a fresh look at the path.
func trustChecks(k *catalog.Key) error {
	err := k.Checks.Err()
	if errors.Is(err, catalog.ErrChecksNotJudged) {
		from := "the key was not declared in a keys file"
		if k.Origin != "" {
			from = fmt.Sprintf("%s is not your keys file", k.Origin)
		}
		return fmt.Errorf("%s: check commands are read only from your own keys file, %s", from, userKeysPath())
	}
	return err
}

// stateFact is the state's name of a fact.
func stateFact(f catalog.Fact) string {
	if f == catalog.FactOldKey {
		return state.FactOldKey
	}
	return state.FactNewKey
}

// proofStepOf is the index of the step of src (as withProof gives it) that
// establishes f, or -1.
func proofStepOf(src *catalog.Source, f catalog.Fact) int {
	for i, st := range src.Steps {
		if st.Proves == f {
			return i
		}
	}
	return -1
}

// verifyFact runs the key's command for f, after showing it (and, on a terminal, a
// y/N unless --yes), says what it showed and records it on the step that
// establishes f in the rotation in progress. The exit status is 0 when the fact is
// proven.
func (e *env) verifyFact(ref keyRef, f catalog.Fact) int {
	name, field := ref.title(), f.CheckField()
	command := ref.key.CheckCommand(f)
	if command == "" {
		return e.fail(exitUsage, "%s has no %s in %s", name, field, ref.key.Origin)
	}
	filled, err := checkrun.Fill(command, ref.key.Values)
	if err != nil {
		return e.fail(exitUsage, "%s: %s in %s: %v", name, field, ref.key.Origin, err)
	}
	fmt.Fprintf(e.stderr, "rotatetui: %s: %s (proves that the %s) runs:\n  %s\n", name, field, f.Phrase(), catalog.PrintableLine(filled))
	if caution := e.revokeCaution(ref, f); caution != "" {
		fmt.Fprintf(e.stderr, "rotatetui: caution: %s\n", caution)
	}
	if e.interactive && !e.opts.yes && !e.ask("Run it?") {
		return e.fail(exitFailed, "nothing was run.")
	}
	res := e.runCheck(filled, ref.key.Values, "")
	if res.Stopped || errors.Is(res.Err, checkrun.ErrStopped) {
		return e.fail(exitFailed, "%s: %s was stopped (interrupted): it proves nothing, and nothing was recorded", name, field)
	}
	if res.Err != nil {
		return e.fail(exitFailed, "%s: %s could not be run: %v", name, field, res.Err)
	}
	rec := checkrun.Record(stateFact(f), filled, ref.key.CheckOldExit, res)
	verdict := "not proven"
	switch {
	case rec.Passed():
		verdict = "proven"
	case rec.OldKeyStillWorks():
		verdict = "NO, the OLD KEY STILL WORKS: check_old exited 0; revoke it (the rotation's revoke step did not take)"
	}
	fmt.Fprintf(e.stdout, "%s: %s: %s (%s)\n", name, f.Phrase(), verdict, rec.Outcome())
	if code := e.recordRun(ref, f, rec); code != exitOK {
		return code // proven or not, the record a script counts on is not there
	}
	if !rec.Passed() {
		return exitFailed
	}
	return exitOK
}

// revokeCaution is, for a check of the old key's refusal on the key's rotation in
// progress, the caution that its revoke steps are not all done (see
// catalog.Source.RevokeCaution); "" otherwise. It only warns: the check runs.
func (e *env) revokeCaution(ref keyRef, f catalog.Fact) string {
	cur := current(e.st.Key(ref.key.ID))
	if f != catalog.FactOldKey || cur == nil {
		return ""
	}
	return ref.src.RevokeCaution(func(i int) bool { return cur.Handled(ref.src.Steps[i].Key) })
}

// runCheck runs a check command (as Fill gave it) to its end, its output on stderr, made inert, as it
// comes. whose, when set, heads every line: the key id, when several keys' commands
// run one after another (verify --old --all), so that a line says which key it is
// about.
func (e *env) runCheck(command string, values map[string]string, whose string) checkrun.Result {
	head := "  |"
	if whose != "" {
		head = "  " + catalog.PrintableLine(whose) + " |"
	}
	return checkrun.Start(checkrun.Spec{Command: command, Values: values, Timeout: e.cfg.CheckTimeout, OnLine: func(line string) {
		fmt.Fprintf(e.stderr, "%s %s\n", head, checkrun.ShowLine(line))
	}}).Wait()
}

// ask asks a y/N question on the terminal.
func (e *env) ask(question string) bool {
	fmt.Fprintf(e.stderr, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

// recordRun records the run on the step that establishes f in the key's rotation in
// progress, and says so, or why it was not recorded. It returns exitFailed when the
// store could not take the record.
func (e *env) recordRun(ref keyRef, f catalog.Fact, rec *state.CheckRun) int {
	name := ref.title()
	before, err := e.store.Load()
	if err != nil {
		return e.fail(exitFailed, "%s: the run was not recorded: %v", name, err)
	}
	cur := current(before.Key(ref.key.ID))
	i := proofStepOf(ref.src, f)
	switch {
	case cur == nil:
		fmt.Fprintf(e.stdout, "%s: not recorded: no rotation is in progress\n", name)
		return exitOK
	case i < 0:
		fmt.Fprintf(e.stdout, "%s: not recorded: the rotation in progress has no step for it (it started without proof steps, or config.toml sets verify = \"off\")\n", name)
		return exitOK
	case cur.Checked(ref.src.Steps[i].Key):
		fmt.Fprintf(e.stdout, "%s: not recorded: step %d is checked already (uncheck it to record a new run)\n", name, i+1)
		return exitOK
	}
	started := cur.StartedAt
	c := state.Change{Kind: state.RunCheck, Key: ref.key.ID, Step: ref.src.Steps[i].Key, Steps: ref.src.StepKeys(),
		At: e.now().UTC(), By: actor(e.opts), Run: rec, Started: &started, IfUnclaimed: !e.opts.join}
	if e.revokeCaution(ref, f) != "" {
		// Run before the revoke step: recorded as a caution set aside.
		c.Overrides = []state.Override{state.OverrideCaution}
	}
	after, err := e.store.Apply(c)
	if err != nil {
		return e.fail(exitFailed, "%s: the run was not recorded: %v", name, err)
	}
	if code, ok := e.lostClaimRace(ref, after.Key(ref.key.ID)); !ok {
		return code
	}
	what := "recorded on"
	if rec.Passed() {
		what = "checked"
	}
	fmt.Fprintf(e.stdout, "%s: %s step %d: %s\n", name, what, i+1, oneLine(ref.src.Steps[i].Text))
	e.reportProgress(ref, before.Key(ref.key.ID), after.Key(ref.key.ID))
	return exitOK
}

// parseWindow reads --since of status and verify: a duration back from now ("30d")
// or a date.
func parseWindow(s string, now time.Time) (time.Time, error) {
	if d, err := catalog.ParseDuration(s); err == nil {
		return now.Add(-time.Duration(d)), nil
	}
	t, err := parseDate(s, now.Location())
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a duration (30d) nor a date (2026-01-02)", catalog.PrintableLine(s))
	}
	return t, nil
}

// lastRotatedAt is when the key was last rotated: its last completed rotation's end,
// or the date recorded by hand, whichever is later; nil when never.
func lastRotatedAt(ss *state.KeyState) *time.Time {
	var last *time.Time
	if r := ss.LastCompleted(); r != nil && r.FinishedAt != nil {
		last = r.FinishedAt
	}
	if ss != nil && ss.LastRotated != nil && (last == nil || ss.LastRotated.After(*last)) {
		last = ss.LastRotated
	}
	return last
}

// rotatedSince lists the live keys with a check_old that were rotated at or after
// since, and counts those rotated then that have none (nothing can check them).
func (e *env) rotatedSince(since time.Time) (refs []keyRef, unchecked int) {
	for _, ref := range liveKeys(e.cat) {
		last := lastRotatedAt(e.st.Key(ref.key.ID))
		switch {
		case last == nil || last.Before(since):
		case ref.key.CheckOld != "":
			refs = append(refs, ref)
		default:
			unchecked++
		}
	}
	return refs, unchecked
}

// oldKeyRefused runs ref's check_old, filled (see checkrun.Fill), and says what it
// proved, reporting whether the old key is shown refused.
func (e *env) oldKeyRefused(ref keyRef, filled string) bool {
	res := e.runCheck(filled, ref.key.Values, ref.key.ID)
	rec := checkrun.Record(state.FactOldKey, filled, ref.key.CheckOldExit, res)
	switch {
	case rec.Passed():
		fmt.Fprintf(e.stdout, "%s (%s): old key refused (%s)\n", ref.title(), ref.key.ID, rec.Outcome())
		return true
	case res.Err == nil && rec.OldKeyStillWorks():
		e.fail(exitFailed, "%s (%s): the OLD KEY STILL WORKS: check_old exited 0; revoke it (the rotation's revoke step did not take)", ref.title(), ref.key.ID)
	default:
		e.fail(exitFailed, "%s (%s): check_old proves nothing: %s", ref.title(), ref.key.ID, rec.Outcome())
	}
	return false
}

// verifyAllOld is verify --old --all: check_old of every live key that has one and
// was rotated in the window. Nothing is recorded (the rotations are finished); the
// exit status is 1 if an old key still works, or a check proved nothing.
func (e *env) verifyAllOld() int {
	window := e.opts.since
	if window == "" {
		window = defaultVerifyWindow
	}
	since, err := parseWindow(window, e.now())
	if err != nil {
		return e.fail(exitUsage, "--since: %v", err)
	}
	refs, unchecked := e.rotatedSince(since)
	if unchecked > 0 {
		// Said, so that cron's mail shows what no command looks at.
		fmt.Fprintf(e.stdout, "%s rotated since %s %s no check_old: not checked\n", plural(unchecked, "key", "keys"), local(since).Format(dateLayout), map[bool]string{true: "has", false: "have"}[unchecked == 1])
	}
	if len(refs) == 0 {
		fmt.Fprintf(e.stdout, "no key with a check_old was rotated since %s\n", local(since).Format(dateLayout))
		return exitOK
	}
	// Every command is judged, and filled, before any runs. An untrusted keys file
	// refuses the whole run (every key's commands come from it); a value the shell
	// would act on is that key's problem, told and counted, and the others still run:
	// one bad value must not hide that another old key still works.
	filled := make([]string, len(refs))
	problems := 0
	runnable := refs[:0:0]
	var runFilled []string
	for i, ref := range refs {
		if err := trustChecks(ref.key); err != nil {
			return e.failErr(exitUsage, err)
		}
		var err error
		if filled[i], err = checkrun.Fill(ref.key.CheckOld, ref.key.Values); err != nil {
			problems++
			e.fail(exitFailed, "%s (%s): check_old in %s not run: %v", ref.title(), ref.key.ID, ref.key.Origin, err)
			continue
		}
		runnable, runFilled = append(runnable, ref), append(runFilled, filled[i])
	}
	total := len(refs)
	refs, filled = runnable, runFilled
	if e.interactive && !e.opts.yes && len(refs) > 0 {
		for i, ref := range refs {
			fmt.Fprintf(e.stderr, "rotatetui: %s: check_old runs: %s\n", ref.title(), catalog.PrintableLine(filled[i]))
		}
		if !e.ask(fmt.Sprintf("Run %s?", plural(len(refs), "command", "commands"))) {
			return e.fail(exitFailed, "nothing was run.")
		}
	}
	for i, ref := range refs {
		if !e.oldKeyRefused(ref, filled[i]) {
			problems++
		}
	}
	if problems > 0 {
		return e.fail(exitFailed, "verify --old --all: %s of %d", plural(problems, "problem", "problems"), total)
	}
	return exitOK
}
