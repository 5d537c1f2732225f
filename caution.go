package main

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
)

// caution.go words, for the command line, the rules that make checking a step risky
// (catalog's caution.go, which the checklist applies too): the command line is as safe
// as the screen.

// progress is a rotation as it will be once the steps before the one in question are
// checked: the rotation on disk (nil before its first check) plus the steps this
// command checks first. The rules themselves are the catalog's (caution.go there),
// the same the checklist applies.
type progress struct {
	src   *catalog.Source
	isSet catalog.StepMarks
}

// revokeCaution says what checking the unguarded revoke step i does, in the words the
// checklist uses.
func (p progress) revokeCaution(i int) string {
	name := catalog.PrintableLine(p.src.Name)
	if p.src.ReplacesInOneAction() {
		return fmt.Sprintf("step %d of %s replaces the key in one action: the old key stops working at once, and the connection is down until you update it with the new key", i+1, name)
	}
	why := ""
	if j := p.src.SkippedCreate(p.isSet); j >= 0 {
		why = fmt.Sprintf(" (step %d, which creates it, was skipped)", j+1)
	}
	return fmt.Sprintf("step %d of %s revokes the old key, and no new key exists yet%s: whatever still uses it stops working now", i+1, name, why)
}
