package ui

import (
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// Before the revoke step is done, the y/N of check_old cautions that a refusal may
// not be the revoke's doing; it still runs on y. Once the step is done, no caution.
func TestCheckOldBeforeTheRevokeIsCautioned(t *testing.T) {
	const caution = "Caution: step 2, which revokes the old key, is not done yet: a refusal now may not be the revoke's doing. Run check_old?"
	store := newMemStore()
	m := proofModel(t, store, catalog.VerifyOffered, "", "exit 22", nil)
	m = press(t, m, "G", "v")
	if view := m.View(); !strings.Contains(strings.Join(strings.Fields(view), " "), caution) || m.checklist.prompt.kind != confirmCheck {
		t.Fatalf("no caution in the y/N:\n%s", view)
	}
	m = press(t, m, "y")
	if view := m.View(); !strings.Contains(view, "check_old of step 5: passed (exit 22)") {
		t.Errorf("the check did not run after the caution:\n%s", view)
	}
	// Recorded with the caution set aside, as a cautioned check is.
	if rec := store.snapshot().Key("awin/main").Current.Steps[state.ProofOldStep]; rec == nil || len(rec.Overrides) != 1 || rec.Overrides[0] != state.OverrideCaution {
		t.Errorf("recorded %+v", rec)
	}

	m = proofModel(t, newMemStore(), catalog.VerifyOffered, "", "exit 22", nil)
	m = press(t, m, "g", "j", "space", "y")
	if !m.checklist.checked(1) {
		t.Fatalf("step 2 not checked:\n%s", m.View())
	}
	m = press(t, m, "G", "v")
	if view := m.View(); strings.Contains(view, "Caution:") || !strings.Contains(view, "Run check_old?") {
		t.Errorf("a caution with the revoke step done:\n%s", view)
	}
	// check_new is not about the revoke.
	m = proofModel(t, newMemStore(), catalog.VerifyOffered, "exit 0", "", nil)
	m = press(t, m, "G", "k", "v")
	if view := m.View(); strings.Contains(view, "Caution:") || !strings.Contains(view, "Run check_new?") {
		t.Errorf("check_new cautioned:\n%s", view)
	}
}
