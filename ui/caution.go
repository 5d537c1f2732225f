package ui

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// The rule for when checking a revoke step is risky lives here, in plain functions of
// the catalog and the progress (no model, no terminal), so the command line can ask
// the same question by the same rule.

// newKeyExists reports whether a new key exists in rot: a create step of src is
// checked. A skipped create step does not count: skipping it records that the key was
// not made here, so nothing says a new one is there to switch to.
func newKeyExists(src *catalog.Source, rot *state.Rotation) bool {
	for _, st := range src.Steps {
		if st.Kind == catalog.KindCreate && rot.Checked(st.Key) {
			return true
		}
	}
	return false
}

// revokeUnguarded reports whether checking step i of src, in rot (nil before the first
// check), revokes the old key while no new key exists: whatever still uses the old key
// stops working at once. The checklist asks before such a check.
func revokeUnguarded(src *catalog.Source, rot *state.Rotation, i int) bool {
	return src.Steps[i].Kind == catalog.KindRevoke && !newKeyExists(src, rot)
}

// revokesFirst reports whether the source revokes the old key before a new one exists
// (a revoke step before the first create step), and the index of that revoke step.
func revokesFirst(src *catalog.Source) (int, bool) {
	for i, st := range src.Steps {
		switch st.Kind {
		case catalog.KindCreate:
			return -1, false
		case catalog.KindRevoke:
			return i, true
		}
	}
	return -1, false
}

// replacesInOneAction reports whether src replaces its key in one action (Reset API
// key, Rotate): it has a revoke step and no create step, so the step that revokes the
// old key is the one that makes the new one. The new key then exists at once, but
// nothing uses it until the connection is updated.
func replacesInOneAction(src *catalog.Source) bool {
	revokes := false
	for _, st := range src.Steps {
		switch st.Kind {
		case catalog.KindCreate:
			return false
		case catalog.KindRevoke:
			revokes = true
		}
	}
	return revokes
}

// revokeQuestion is the y/N question asked before checking the unguarded revoke step i
// (see revokeUnguarded), in the words that fit the source.
func revokeQuestion(src *catalog.Source, rot *state.Rotation, i int) string {
	if replacesInOneAction(src) {
		return fmt.Sprintf("Step %d revokes the old key and makes the new one in one action: the old key stops working at once, and the connection is down until you update it with the new key. Go ahead?", i+1)
	}
	why := ""
	if j := skippedCreate(src, rot); j >= 0 {
		why = fmt.Sprintf(" (step %d, which creates it, was skipped)", j+1)
	}
	return fmt.Sprintf("Step %d revokes the old key, and no new key exists yet%s: whatever still uses it stops working now. Go ahead?", i+1, why)
}

// skippedCreate is the index of a create step of src skipped in rot, or -1.
func skippedCreate(src *catalog.Source, rot *state.Rotation) int {
	for j, st := range src.Steps {
		if st.Kind == catalog.KindCreate && rot.Handled(st.Key) && !rot.Checked(st.Key) {
			return j
		}
	}
	return -1
}

// revokeCaution is the warning the checklist's header gives for a source that revokes
// the old key before a new one is in use, or "" for one that does not.
func revokeCaution(src *catalog.Source) string {
	i, risky := revokesFirst(src)
	switch {
	case !risky:
		return ""
	case replacesInOneAction(src):
		return fmt.Sprintf("⚠ Step %d revokes the old key and makes the new one in one action: the old key stops working at once, and the connection is down until you update it. Plan a window.", i+1)
	}
	return "⚠ The old key stops working before the new one exists: plan a window."
}
