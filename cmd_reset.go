package main

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_reset.go: `rotatetui reset KEY`, abandoning the rotation in progress.

// resetJSON is the output of `reset --json`: id is the key's id and name its title,
// as in `status --json`.
type resetJSON struct {
	keyNameJSON
	Abandoned bool                `json:"abandoned"` // false: there was nothing to reset
	Rotation  *state.JSONRotation `json:"rotation"`  // the rotation abandoned, or null
}

// runReset abandons the key's rotation in progress; it stays in the history.
func runReset(e *env) int {
	ref, code, ok := e.keyArg(len(e.opts.args) == 1)
	if !ok {
		return code
	}
	src, k := ref.src, ref.key
	before, err := e.store.Load()
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	if code, ok := e.refuseClaimed(ref, before.Key(k.ID)); !ok {
		return code
	}
	after, err := e.store.Apply(state.Change{Kind: state.Reset, Key: k.ID, At: e.now().UTC(), By: actor(e.opts), IfUnclaimed: !e.opts.join})
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	if code, ok := e.lostClaimRace(ref, after.Key(k.ID)); !ok {
		return code
	}
	abandoned := newlyAbandoned(before.Key(k.ID), after.Key(k.ID))
	if e.opts.json {
		out := resetJSON{keyNameJSON: ref.json(), Abandoned: abandoned != nil}
		if abandoned != nil {
			rj := state.NewExportRotation(exportSource(ref), abandoned, catalog.Printable).JSON()
			out.Rotation = &rj
		}
		return e.printJSON(out)
	}
	name := catalog.PrintableLine(ref.title())
	if abandoned == nil {
		fmt.Fprintf(e.stdout, "%s: nothing to reset: no rotation in progress\n", name)
		return exitOK
	}
	done, total := abandoned.Progress(src.StepKeys())
	fmt.Fprintf(e.stdout, "%s: abandoned the rotation started %s (%d/%d steps done); it stays in the history as abandoned\n",
		name, local(abandoned.StartedAt).Format(dateTimeLayout), done, total)
	return exitOK
}

// newlyAbandoned is the rotation a reset added to the history as abandoned, or nil.
func newlyAbandoned(before, after *state.KeyState) *state.Rotation {
	if after == nil || len(after.History) <= len(historyOf(before)) {
		return nil
	}
	if last := &after.History[len(after.History)-1]; last.Outcome == state.Abandoned {
		return last
	}
	return nil
}

func historyOf(ss *state.KeyState) []state.Rotation {
	if ss == nil {
		return nil
	}
	return ss.History
}
