package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_check.go: `rotatetui check SOURCE STEP...` and `rotatetui uncheck SOURCE STEP...`.

// runCheck checks (or unchecks) the steps named on the command line, all in one save,
// and says what each did.
func runCheck(e *env) int {
	src, code := e.sourceArg(len(e.opts.args) >= 2)
	if src == nil {
		return code
	}
	indexes, code := e.stepArgs(src, e.opts.args[1:])
	if indexes == nil {
		return code
	}
	kind := state.Check
	if e.cmd.name == "uncheck" {
		kind = state.Uncheck
	}
	changes := stepChanges(src, kind, indexes, e.now().UTC(), actor(e.opts))
	before, err := e.store.Load()
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	after, err := e.store.Apply(changes...)
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	e.reportSteps(src, kind, indexes, before.Source(src.ID))
	e.reportProgress(src, before.Source(src.ID), after.Source(src.ID))
	return exitOK
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

// stepChanges is the change of each step, in the order given.
func stepChanges(src *catalog.Source, kind state.ChangeKind, indexes []int, at time.Time, by string) []state.Change {
	keys := src.StepKeys()
	changes := make([]state.Change, 0, len(indexes))
	for _, i := range indexes {
		changes = append(changes, state.Change{Kind: kind, Source: src.ID, Step: keys[i], Steps: keys, At: at, By: by})
	}
	return changes
}

// reportSteps says what the change did to each step, given the source as it was
// before.
func (e *env) reportSteps(src *catalog.Source, kind state.ChangeKind, indexes []int, before *state.SourceState) {
	keys := src.StepKeys()
	var prev *state.Rotation
	if before != nil {
		prev = before.Current
	}
	for _, i := range indexes {
		was := prev != nil && prev.Checked(keys[i])
		switch {
		case kind == state.Check && was:
			fmt.Fprintf(e.stdout, "%s: step %d was already checked\n", src.Name, i+1)
		case kind == state.Check:
			fmt.Fprintf(e.stdout, "%s: checked step %d: %s\n", src.Name, i+1, oneLine(src.Steps[i].Text))
		case was:
			fmt.Fprintf(e.stdout, "%s: unchecked step %d: %s\n", src.Name, i+1, oneLine(src.Steps[i].Text))
		default:
			fmt.Fprintf(e.stdout, "%s: step %d was not checked\n", src.Name, i+1)
		}
	}
}

// reportProgress says how far the rotation is now, or that it is complete.
func (e *env) reportProgress(src *catalog.Source, before, after *state.SourceState) {
	switch {
	case after != nil && after.Current != nil:
		done, total := after.Current.Progress(src.StepKeys())
		fmt.Fprintf(e.stdout, "%s: %d/%d steps done\n", src.Name, done, total)
	case completedCount(after) > completedCount(before):
		fmt.Fprintf(e.stdout, "%s: rotation complete\n", src.Name)
	}
}

func completedCount(ss *state.SourceState) int {
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
