package ui

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// The rule for when checking a revoke step is risky is the catalog's (caution.go
// there), shared with the command line; this file words it for the checklist.

// marksOf reads rot (nil before the first check) as the catalog's rules ask for it.
func marksOf(rot *state.Rotation) catalog.StepMarks {
	return func(key string) (checked, skipped bool) {
		checked = rot.Checked(key)
		return checked, !checked && rot.Handled(key)
	}
}

// revokeUnguarded reports whether checking step i of src, in rot, revokes the old key
// while no new key exists (catalog's RevokeUnguarded). The checklist asks first.
func revokeUnguarded(src *catalog.Source, rot *state.Rotation, i int) bool {
	return src.RevokeUnguarded(i, marksOf(rot))
}

// revokeQuestion is the y/N question asked before checking the unguarded revoke step i
// (see revokeUnguarded), in the words that fit the source.
func revokeQuestion(src *catalog.Source, rot *state.Rotation, i int) string {
	if src.ReplacesInOneAction() {
		return fmt.Sprintf("Step %d revokes the old key and makes the new one in one action: the old key stops working at once, and the connection is down until you update it with the new key. Go ahead?", i+1)
	}
	why := ""
	if j := src.SkippedCreate(marksOf(rot)); j >= 0 {
		why = fmt.Sprintf(" (step %d, which creates it, was skipped)", j+1)
	}
	return fmt.Sprintf("Step %d revokes the old key, and no new key exists yet%s: whatever still uses it stops working now. Go ahead?", i+1, why)
}

// revokeCaution is the warning the checklist's header gives for a source that revokes
// the old key before a new one is in use, or "" for one that does not.
func revokeCaution(src *catalog.Source) string {
	i, risky := src.RevokesFirst()
	switch {
	case !risky:
		return ""
	case src.ReplacesInOneAction():
		return fmt.Sprintf("⚠ Step %d revokes the old key and makes the new one in one action: the old key stops working at once, and the connection is down until you update it. Plan a window.", i+1)
	}
	return "⚠ The old key stops working before the new one exists: plan a window."
}
