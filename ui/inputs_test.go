package ui

import (
	"testing"
	"unsafe"
)

// The inputs are held by pointer (see inputs.go), and what the models change in them
// goes through a copy: a model taken before a key press keeps its input's state. (The
// text itself is bubbles' business: its inputs edit their buffers in place, held by
// value or not.) Were an input blurred in place, the earlier model's filter would lose
// its focus too.
func TestModelCopiesKeepTheirInputs(t *testing.T) {
	m := press(t, newTestModel(t, newMemStore(), Options{}), "/")
	m = typeText(t, m, "sno")
	before := m
	m = press(t, m, "tab") // keeps the query, blurs the filter
	if !before.sources.input.Focused() || m.sources.input.Focused() {
		t.Errorf("filter focused: earlier model %v (want true), later %v (want false)",
			before.sources.input.Focused(), m.sources.input.Focused())
	}
	if got := before.sources.query(); got != "sno" {
		t.Errorf("filter of the earlier model: %q, want %q", got, "sno")
	}
}

// Every update passes the root model by value through several methods, each with a
// few copies of it on its stack: a model of 32 KB gave frames of 190 KB, and a stack
// that was grown and copied again whenever the collector had shrunk it. An input or
// any other large part must be held by pointer, like the inputs are.
func TestRootModelStaysSmall(t *testing.T) {
	const limit = 2 << 10
	sizes := map[string]uintptr{
		"Model":          unsafe.Sizeof(Model{}),
		"sourcesModel":   unsafe.Sizeof(sourcesModel{}),
		"checklistModel": unsafe.Sizeof(checklistModel{}),
	}
	for name, size := range sizes {
		if size > limit {
			t.Errorf("%s is %d bytes, over %d: hold its large parts by pointer (see inputs.go)", name, size, limit)
		}
	}
}
