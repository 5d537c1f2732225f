package main

import (
	"fmt"

	"github.com/rotatetui/rotatetui/catalog"
)

// caution.go holds the rules that make checking a step risky, as the checklist applies
// them on screen (ui's revokeUnguarded, revokeQuestion, waitingOn): the command line
// is as safe as the screen.

// progress is a rotation as it will be once the steps before the one in question are
// checked: the rotation on disk (nil before its first check) plus the steps this
// command checks first.
type progress struct {
	src   *catalog.Source
	isSet func(key string) (checked, skipped bool)
}

// newKeyExists reports whether a create step is checked. A skipped one does not count:
// skipping it records that the key was not made here.
func (p progress) newKeyExists() bool {
	for _, st := range p.src.Steps {
		if checked, _ := p.isSet(st.Key); st.Kind == catalog.KindCreate && checked {
			return true
		}
	}
	return false
}

// revokeUnguarded reports whether checking step i revokes the old key while no new key
// exists: whatever still uses the old key stops working at once.
func (p progress) revokeUnguarded(i int) bool {
	return p.src.Steps[i].Kind == catalog.KindRevoke && !p.newKeyExists()
}

// skippedCreate is the index of a skipped create step, or -1.
func (p progress) skippedCreate() int {
	for j, st := range p.src.Steps {
		if _, skipped := p.isSet(st.Key); st.Kind == catalog.KindCreate && skipped {
			return j
		}
	}
	return -1
}

// replacesInOneAction reports whether src replaces its key in one action (Reset API
// key): it has a revoke step and no create step, so the step that revokes the old key
// is the one that makes the new one.
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

// revokeCaution says what checking the unguarded revoke step i does, in the words the
// checklist uses.
func (p progress) revokeCaution(i int) string {
	name := catalog.PrintableLine(p.src.Name)
	if replacesInOneAction(p.src) {
		return fmt.Sprintf("step %d of %s replaces the key in one action: the old key stops working at once, and the connection is down until you update it with the new key", i+1, name)
	}
	why := ""
	if j := p.skippedCreate(); j >= 0 {
		why = fmt.Sprintf(" (step %d, which creates it, was skipped)", j+1)
	}
	return fmt.Sprintf("step %d of %s revokes the old key, and no new key exists yet%s: whatever still uses it stops working now", i+1, name, why)
}
