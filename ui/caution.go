package ui

import (
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
