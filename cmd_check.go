package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_check.go: `rotatetui check KEY STEP...` and `rotatetui uncheck KEY STEP...`. The
// progress is the key's; the steps are its source's.

// runCheck checks (or unchecks) the steps named on the command line, all in one save,
// and says what each did. As on screen, a step whose wait has not passed is refused
// (unless --force), and a revoke while no new key exists is asked about (or needs
// --yes), and a proof step needs a note on how it was verified (--note); any refusal
// saves nothing.
func runCheck(e *env) int {
	ref, code, ok := e.keyArg(len(e.opts.args) >= 2)
	if !ok {
		return code
	}
	src, id := ref.src, ref.key.ID
	indexes, code := e.stepArgs(src, e.opts.args[1:])
	if indexes == nil {
		return code
	}
	before, err := e.store.Load()
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	if code, ok := e.refuseClaimed(ref, before.Key(id)); !ok {
		return code
	}
	at := e.now().UTC()
	var changes []state.Change
	var plan []stepCheck
	kind := state.Check
	if e.cmd.name == "uncheck" {
		kind = state.Uncheck
		changes = uncheckChanges(ref, indexes, at, actor(e.opts))
	} else {
		if code, ok := e.refuseRetired(ref); !ok {
			return code
		}
		plan = planChecks(src, current(before.Key(id)), indexes, at)
		if code, ok := e.guardProofNotes(ref, current(before.Key(id)), plan); !ok {
			return code
		}
		if code, ok := e.guardChecks(ref, plan); !ok {
			return code
		}
		changes = checkChanges(ref, plan, at, actor(e.opts), e.opts.note)
	}
	e.unlessJoined(changes)
	after, err := e.store.Apply(changes...)
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	if code, ok := e.lostClaimRace(ref, after.Key(id)); !ok {
		return code
	}
	e.reportSteps(ref, kind, indexes, before.Key(id))
	e.reportOverrides(ref, plan)
	e.reportProgress(ref, before.Key(id), after.Key(id))
	return exitOK
}

// current is the source's rotation in progress, or nil.
func current(ss *state.KeyState) *state.Rotation {
	if ss == nil {
		return nil
	}
	return ss.Current
}

// stepArgs resolves STEP arguments (numbers from 1, or step ids) to step indexes. On
// a step the source does not have, it says which steps there are and returns nil and
// exitUsage.
func (e *env) stepArgs(src *catalog.Source, refs []string) ([]int, int) {
	var indexes []int
	for _, ref := range refs {
		i := src.StepIndex(ref)
		if i < 0 {
			return nil, e.fail(exitUsage, "%s has no step %q; its steps are 1 to %d%s", src.Name, catalog.PrintableLine(ref), len(src.Steps), stepIDsText(src))
		}
		indexes = append(indexes, i)
	}
	return indexes, exitOK
}

// stepIDsText is " or the ids a, b" for a source whose steps have ids, else "".
func stepIDsText(src *catalog.Source) string {
	var ids []string
	for _, st := range src.Steps {
		if st.ID != "" {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return " or the ids " + strings.Join(ids, ", ")
}

// uncheckChanges is the change of each step, in the order given.
func uncheckChanges(ref keyRef, indexes []int, at time.Time, by string) []state.Change {
	keys := ref.src.StepKeys()
	changes := make([]state.Change, 0, len(indexes))
	for _, i := range indexes {
		changes = append(changes, state.Change{Kind: state.Uncheck, Key: ref.key.ID, Step: keys[i], Steps: keys, At: at, By: by})
	}
	return changes
}

// reportSteps says what the change did to each step, given the key's progress as it
// was before.
func (e *env) reportSteps(ref keyRef, kind state.ChangeKind, indexes []int, before *state.KeyState) {
	src, name := ref.src, ref.title()
	keys := src.StepKeys()
	var prev *state.Rotation
	if before != nil {
		prev = before.Current
	}
	for _, i := range indexes {
		was := prev != nil && prev.Checked(keys[i])
		switch {
		case kind == state.Check && was:
			fmt.Fprintf(e.stdout, "%s: step %d was already checked\n", name, i+1)
		case kind == state.Check:
			fmt.Fprintf(e.stdout, "%s: checked step %d: %s\n", name, i+1, oneLine(src.Steps[i].Text))
		case was:
			fmt.Fprintf(e.stdout, "%s: unchecked step %d: %s\n", name, i+1, oneLine(src.Steps[i].Text))
		default:
			fmt.Fprintf(e.stdout, "%s: step %d was not checked\n", name, i+1)
		}
	}
}

// reportProgress says how far the rotation is now, or that it is complete.
func (e *env) reportProgress(ref keyRef, before, after *state.KeyState) {
	name := ref.title()
	switch {
	case after != nil && after.Current != nil:
		done, total := after.Current.Progress(ref.src.StepKeys())
		fmt.Fprintf(e.stdout, "%s: %d/%d steps done\n", name, done, total)
	case completedCount(after) > completedCount(before):
		fmt.Fprintf(e.stdout, "%s: rotation complete\n", name)
	case before != nil && before.Current != nil:
		// The last handled step was taken back: the state drops a rotation with no
		// work, so there is nothing in progress and nothing for the history.
		fmt.Fprintf(e.stdout, "%s: no step is done any more, so no rotation is in progress\n", name)
	}
}

func completedCount(ss *state.KeyState) int {
	n := 0
	if ss != nil {
		for _, r := range ss.History {
			if r.Outcome == state.Completed {
				n++
			}
		}
	}
	return n
}

// stepCheck is one step that check checks, worked out before anything is saved.
type stepCheck struct {
	index   int
	already bool // checked before, or earlier on this command line: nothing to do
	// waiting is when the wait of the step before ends, if it has not yet: the step
	// is refused, or with --force checked anyway (the wait is then overridden).
	waiting *time.Time
	// unguarded: it revokes the old key while no new key exists. It is checked only
	// once confirmed (y, or --yes); caution says what it does.
	unguarded bool
	caution   string
}

// overrides are the safety rules checking sc overrides, once it is allowed to.
func (sc stepCheck) overrides() []state.Override {
	var o []state.Override
	if sc.waiting != nil {
		o = append(o, state.OverrideWait)
	}
	if sc.unguarded {
		o = append(o, state.OverrideCaution)
	}
	return o
}

// planChecks works out what checking each step does, in the order given, on top of
// rot (nil before the first check) as the steps before it on the line leave it: a step
// checked first can make the new key, or start the wait of the step after it.
func planChecks(src *catalog.Source, rot *state.Rotation, indexes []int, at time.Time) []stepCheck {
	keys := src.StepKeys()
	checkedNow := map[string]bool{}
	p := progress{src: src, isSet: func(key string) (checked, skipped bool) {
		if checkedNow[key] || rot.Checked(key) {
			return true, false
		}
		return false, rot.Handled(key)
	}}
	plan := make([]stepCheck, 0, len(indexes))
	for _, i := range indexes {
		sc := stepCheck{index: i, already: checkedNow[keys[i]] || rot.Checked(keys[i])}
		if !sc.already {
			if until := waitBefore(src, rot, checkedNow, i, at); until != nil && at.Before(*until) {
				sc.waiting = until
			}
			if sc.unguarded = src.RevokeUnguarded(i, p.isSet); sc.unguarded {
				sc.caution = p.revokeCaution(i)
			}
		}
		checkedNow[keys[i]] = true
		plan = append(plan, sc)
	}
	return plan
}

// waitBefore is when step i becomes possible, if the step before it is checked with a
// wait: as recorded in rot, or starting at when this command checks it.
func waitBefore(src *catalog.Source, rot *state.Rotation, checkedNow map[string]bool, i int, at time.Time) *time.Time {
	if i == 0 {
		return nil
	}
	prev := src.Steps[i-1]
	switch {
	case rot.Checked(prev.Key):
		return rot.Steps[prev.Key].WaitUntil
	case checkedNow[prev.Key] && prev.Wait > 0:
		until := at.Add(time.Duration(prev.Wait))
		return &until
	}
	return nil
}

// guardChecks refuses a step whose wait has not passed (unless --force), and asks
// before a revoke while no new key exists (--yes answers for scripts). When it
// refuses it has said why and returns exitFailed and false.
func (e *env) guardChecks(ref keyRef, plan []stepCheck) (int, bool) {
	for _, sc := range plan {
		if sc.waiting != nil && !e.opts.force {
			return e.fail(exitFailed, "step %d of %s is possible from %s, in %s: the wait after step %d has not passed.\nNothing was checked. To check it anyway, add --force.",
				sc.index+1, catalog.PrintableLine(ref.title()), e.clockTime(*sc.waiting), untilText(sc.waiting.Sub(e.now())), sc.index), false
		}
	}
	var risky []int
	caution := ""
	for _, sc := range plan {
		if sc.unguarded {
			risky = append(risky, sc.index)
			caution = cmp.Or(caution, sc.caution)
		}
	}
	if len(risky) == 0 || e.opts.yes {
		return exitOK, true
	}
	return e.confirmRevoke(caution, risky)
}

// confirmRevoke asks whether to check the revoke steps risky (indexes) anyway, on a
// terminal; elsewhere it refuses and names --yes. caution says what the first does.
func (e *env) confirmRevoke(caution string, risky []int) (int, bool) {
	if !e.interactive {
		return e.fail(exitFailed, "%s.\nNothing was checked. To check %s anyway, add --yes.", caution, stepsText(risky)), false
	}
	fmt.Fprintf(e.stderr, "rotatetui: %s.\nCheck %s anyway? [y/N] ", caution, stepsText(risky))
	answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a == "y" || a == "yes" {
		return exitOK, true
	}
	return e.fail(exitFailed, "nothing was checked."), false
}

// stepsText names steps by number: "step 3", "steps 3 and 4", "steps 3, 4 and 5".
func stepsText(indexes []int) string {
	var nums []string
	for _, i := range indexes {
		nums = append(nums, strconv.Itoa(i+1))
	}
	if len(nums) == 1 {
		return "step " + nums[0]
	}
	return "steps " + strings.Join(nums[:len(nums)-1], ", ") + " and " + nums[len(nums)-1]
}

// guardProofNotes refuses to check by hand a step that establishes a fact of the
// proof (New key works, Old key refused, a source's verify step standing for New key
// works) without a note on how it was verified: --note gives it, and a note the step
// has already is that evidence. (A passing check command, rotatetui verify, is its
// own.) --note with no such step among those checked is refused too: it would record
// nothing. Either refusal saves nothing, and returns exitUsage and false.
func (e *env) guardProofNotes(ref keyRef, rot *state.Rotation, plan []stepCheck) (int, bool) {
	keys := ref.src.StepKeys()
	proof := false
	for _, sc := range plan {
		st := ref.src.Steps[sc.index]
		if st.Proves == catalog.FactNone || sc.already {
			continue
		}
		proof = true
		if e.opts.note != "" || rot != nil && rot.Steps[keys[sc.index]] != nil && strings.TrimSpace(rot.Steps[keys[sc.index]].Note) != "" {
			continue
		}
		alt := ""
		if ref.key.CheckCommand(st.Proves) != "" {
			alt = ", or run its check: rotatetui verify " + ref.key.ID + " --" + string(st.Proves)
		}
		return e.fail(exitUsage, "step %d of %s proves that the %s: check it with --note \"how you verified it\" (a ticket, what you ran, what it said)%s.\nNothing was checked.",
			sc.index+1, catalog.PrintableLine(ref.title()), st.Proves.Phrase(), alt), false
	}
	if e.opts.note != "" && !proof {
		return e.fail(exitUsage, "--note is the note of a proof step (New key works, Old key refused) checked now, and none of the steps given is one still to check.\nNothing was checked."), false
	}
	return exitOK, true
}

// checkChanges is what checking the steps of plan records: this is the one place where
// a check made on the command line becomes a change. A step checked with a wait also
// starts that wait, as on screen. note (--note), if not "", is set on each proof step
// checked, before its check: a check that completes the rotation ends it, and a note
// after it would start another.
//
// The change records the safety rules the check overrode, with c.By as who overrode
// them: sc.waiting (reached only with --force, the wait that was cut short) and
// sc.unguarded (a revoke confirmed, with y or --yes, while no new key existed).
func checkChanges(ref keyRef, plan []stepCheck, at time.Time, by, note string) []state.Change {
	src := ref.src
	keys := src.StepKeys()
	changes := make([]state.Change, 0, len(plan))
	for _, sc := range plan {
		if note != "" && !sc.already && src.Steps[sc.index].Proves != catalog.FactNone {
			changes = append(changes, state.Change{Kind: state.SetNote, Key: ref.key.ID, Step: keys[sc.index], Steps: keys, At: at, By: by, Text: note})
		}
		c := state.Change{Kind: state.Check, Key: ref.key.ID, Step: keys[sc.index], Steps: keys, At: at, By: by}
		if !sc.already {
			c.Overrides = sc.overrides()
		}
		changes = append(changes, c)
		if w := src.Steps[sc.index].Wait; w > 0 && !sc.already {
			until := at.Add(time.Duration(w))
			changes = append(changes, state.Change{Kind: state.SetWait, Key: ref.key.ID, Step: keys[sc.index], Steps: keys, At: at, By: by, Until: &until})
		}
	}
	return changes
}

// reportOverrides says which steps were checked before their wait ended (--force).
func (e *env) reportOverrides(ref keyRef, plan []stepCheck) {
	for _, sc := range plan {
		if sc.waiting != nil {
			fmt.Fprintf(e.stdout, "%s: step %d was checked before its wait ended (at %s), as --force asked\n", catalog.PrintableLine(ref.title()), sc.index+1, e.clockTime(*sc.waiting))
		}
	}
}

// clockTime is a time to come as a person reads it: "15:02" today, else with the date.
func (e *env) clockTime(t time.Time) string {
	t, today := local(t), local(e.now())
	if t.YearDay() == today.YearDay() && t.Year() == today.Year() {
		return t.Format("15:04")
	}
	return t.Format(dateTimeLayout)
}

// untilText is how long until something, rounded up to the minute: "29 min",
// "2 h 5 min", "3 d 4 h".
func untilText(d time.Duration) string {
	mins := int((d + time.Minute - 1) / time.Minute)
	switch h := mins / 60; {
	case h >= 24:
		return fmt.Sprintf("%d d %d h", h/24, h%24)
	case h > 0 && mins%60 == 0:
		return fmt.Sprintf("%d h", h)
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, mins%60)
	}
	return fmt.Sprintf("%d min", max(mins, 1))
}

// setCheckNote is check --note TEXT: a note is recorded, so it is never empty and
// never looks like a secret.
func setCheckNote(o *options, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return errors.New("--note needs a text: how you verified it, e.g. --note \"curl /me answered 200\"")
	}
	if what, secret := state.LooksLikeSecret(v); secret {
		return fmt.Errorf("--note looks like %s, and rotatetui never stores secrets: say how you verified it without the key", what)
	}
	o.note = v
	return nil
}
