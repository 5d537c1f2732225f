package catalog

// The rules that make checking a step risky live here, as plain functions of a
// source's steps and of what has been done so far, so that the checklist and the
// command line ask the same question by the same rule.

// StepMarks says of a step (by its key) whether it is checked and whether it is
// skipped, in the rotation the question is about. Callers adapt their own record to it.
type StepMarks func(key string) (checked, skipped bool)

// NewKeyExists reports whether a new key exists: a create step of s is checked. A
// skipped create step does not count: skipping it records that the key was not made
// here, so nothing says a new one is there to switch to.
func (s *Source) NewKeyExists(marks StepMarks) bool {
	for _, st := range s.Steps {
		if checked, _ := marks(st.Key); st.Kind == KindCreate && checked {
			return true
		}
	}
	return false
}

// RevokeUnguarded reports whether checking step i revokes the old key while no new
// key exists: whatever still uses the old key stops working at once. Both the
// checklist and `rotatetui check` ask before such a check.
func (s *Source) RevokeUnguarded(i int, marks StepMarks) bool {
	return s.Steps[i].Kind == KindRevoke && !s.NewKeyExists(marks)
}

// SkippedCreate is the index of a skipped create step of s, or -1.
func (s *Source) SkippedCreate(marks StepMarks) int {
	for i, st := range s.Steps {
		if _, skipped := marks(st.Key); st.Kind == KindCreate && skipped {
			return i
		}
	}
	return -1
}

// RevokesFirst reports whether s revokes the old key before a new one exists (a
// revoke step before the first create step), and the index of that revoke step.
func (s *Source) RevokesFirst() (int, bool) {
	for i, st := range s.Steps {
		switch st.Kind {
		case KindCreate:
			return -1, false
		case KindRevoke:
			return i, true
		}
	}
	return -1, false
}

// ReplacesInOneAction reports whether s replaces its key in one action (Reset API
// key, Rotate): it has a revoke step and no create step, so the step that revokes the
// old key is the one that makes the new one. The new key then exists at once, but
// nothing uses it until the connection is updated.
func (s *Source) ReplacesInOneAction() bool {
	_, revokes := s.RevokesFirst()
	return revokes && !s.hasCreate()
}

func (s *Source) hasCreate() bool {
	for _, st := range s.Steps {
		if st.Kind == KindCreate {
			return true
		}
	}
	return false
}
