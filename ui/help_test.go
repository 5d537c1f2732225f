package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// helpLineOf is the last line of the screen: the short help.
func helpLineOf(m Model) string {
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func resized(m Model, width int) Model {
	next, _ := m.Update(tea.WindowSizeMsg{Width: width, Height: 24})
	return next.(Model)
}

// TestShortHelpKeepsTheWayOut: however narrow the window, the short help keeps "? help"
// and the way to quit, dropping other hints first; on every step of every source (each
// shows the keys that apply to it), and on the list, in use and on a first run.
func TestShortHelpKeepsTheWayOut(t *testing.T) {
	widths := []int{100, 80, 60, 50}
	check := func(what string, m Model, quit string) {
		t.Helper()
		for _, w := range widths {
			line := helpLineOf(resized(m, w))
			if !strings.Contains(line, quit) || quit == "q quit" && !strings.Contains(line, "? help") {
				t.Errorf("%s at %d columns: %q lacks ? help or %s", what, w, line, quit)
			}
			if ansi.StringWidth(line) > w-2 {
				t.Errorf("%s at %d columns: %q is wider than the window", what, w, line)
			}
		}
	}
	check("first run", newTestModel(t, newMemStore(), Options{}), "q quit")
	used := newTestModel(t, scheduleStore(t), Options{})
	check("list", used, "q quit")
	check("filtered list", press(t, press(t, used, "/", "a"), "tab"), "q quit")
	check("filter input", press(t, used, "/", "a"), "ctrl+c quit")
	for i, src := range builtin(t).Sources {
		m, _ := newTestModel(t, newMemStore(), Options{}).open(i)
		for i := range src.Steps {
			check(fmt.Sprintf("%s step %d", src.ID, i+1), m, "q quit")
			m = press(t, m, "j")
		}
		// With a check made, undo applies too: the most hints there are.
		if m = press(t, m, "g", "space"); m.checklist.prompt.kind != noPrompt {
			continue
		}
		for i := range src.Steps {
			check(fmt.Sprintf("%s step %d after a check", src.ID, i+1), m, "q quit")
			m = press(t, m, "j")
		}
	}
}

// TestShortHelpDropsTheLastHintsFirst: at 80 columns a checklist step with a command
// and a link keeps check, check+next, copy and undo, and drops the link's hint.
func TestShortHelpDropsTheLastHintsFirst(t *testing.T) {
	m := openSource(t, newMemStore(), &fakeEffects{}, "snowflake", nil)
	m = press(t, m, "space", "j", "j") // step 3: a command; undo applies
	keys := m.checklist.helpKeys()
	keys.hasURL = true
	line := m.c.keys.fitShortHelp(keys.ShortHelp(), 78, 3)
	var got []string
	for _, b := range line {
		got = append(got, b.Help().Key)
	}
	if want := "space/x enter c u ? q"; strings.Join(got, " ") != want {
		t.Errorf("kept %q, want %q", strings.Join(got, " "), want)
	}
}

// TestFirstRunSaysHowToRecordPastRotations: with nothing recorded, the list leads with
// r, not with a caution about the first source, and the short help shows r where the
// source under the cursor was never rotated.
func TestFirstRunSaysHowToRecordPastRotations(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	view := m.View()
	if !strings.Contains(view, "First run: press r to record when the key under the cursor was last rotated.") || strings.Contains(view, "plan a window") {
		t.Errorf("first run does not lead with r:\n%s", view)
	}
	if line := helpLineOf(m); !strings.Contains(line, "r record past rotation") {
		t.Errorf("r is not in the short help at 80 columns: %q", line)
	}
	// Moving to a source shows what there is to know about it.
	m = press(t, m, "j", "k")
	if !strings.Contains(m.View(), "⚠ ActiveCampaign: the old key stops working") {
		t.Errorf("no caution once the cursor is on the source:\n%s", m.View())
	}
	// Once something is recorded it is no longer a first run; r is offered on a
	// source never rotated, not on one in progress.
	used := newTestModel(t, scheduleStore(t), Options{})
	if strings.Contains(used.View(), "First run") {
		t.Errorf("not a first run:\n%s", used.View())
	}
	if line := helpLineOf(resized(used, 100)); strings.Contains(line, "record") {
		t.Errorf("r offered on a rotation in progress: %q", line)
	}
	used = press(t, used, "G")
	if line := helpLineOf(resized(used, 100)); !strings.Contains(line, "r record past rotation") || !strings.Contains(line, "tab next view") {
		t.Errorf("at 100 columns on a source never rotated: %q", line)
	}
}
