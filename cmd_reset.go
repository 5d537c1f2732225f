package main

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_reset.go: `rotatetui reset SOURCE`, abandoning the rotation in progress.

// resetJSON is the output of `reset --json`.
type resetJSON struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Abandoned bool                `json:"abandoned"` // false: there was nothing to reset
	Rotation  *state.JSONRotation `json:"rotation"`  // the rotation abandoned, or null
}

// runReset abandons the source's rotation in progress; it stays in the history.
func runReset(e *env) int {
	src, code := e.sourceArg(len(e.opts.args) == 1)
	if src == nil {
		return code
	}
	before, err := e.store.Load()
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	after, err := e.store.Apply(state.Change{Kind: state.Reset, Source: src.ID, At: e.now().UTC(), By: actor(e.opts)})
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	abandoned := newlyAbandoned(before.Source(src.ID), after.Source(src.ID))
	if e.opts.json {
		out := resetJSON{ID: src.ID, Name: src.Name, Abandoned: abandoned != nil}
		if abandoned != nil {
			rj := state.NewExportRotation(exportSource(src), abandoned, catalog.Printable).JSON()
			out.Rotation = &rj
		}
		return e.printJSON(out)
	}
	name := catalog.PrintableLine(src.Name)
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
func newlyAbandoned(before, after *state.SourceState) *state.Rotation {
	if after == nil || len(after.History) <= len(historyOf(before)) {
		return nil
	}
	if last := &after.History[len(after.History)-1]; last.Outcome == state.Abandoned {
		return last
	}
	return nil
}

func historyOf(ss *state.SourceState) []state.Rotation {
	if ss == nil {
		return nil
	}
	return ss.History
}
