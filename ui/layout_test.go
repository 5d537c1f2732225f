package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// TestUpdateUsesTheFrameViewDraws widens the App style's margin: a click on a step's
// box as drawn must still check it, since update lays the screen out with the same
// functions as View (step 2 wraps in the narrower body, moving step 3 down a line).
func TestUpdateUsesTheFrameViewDraws(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "snowflake"})
	m.c.styles.App = lipgloss.NewStyle().Padding(0, 4)
	m = deliver(t, m, tea.WindowSizeMsg{Width: 60, Height: 14})
	if m.screen != checklistScreen {
		t.Fatal("snowflake did not open")
	}
	view := m.View()
	assertFits(t, view, 60, 14)
	lines := strings.Split(view, "\n")
	row, col := -1, -1
	for y, l := range lines {
		if i := strings.Index(l, "3. [ ]"); i >= 0 {
			row, col = y, len([]rune(l[:i]))+len("3. ")
			break
		}
	}
	if row < 0 {
		t.Fatalf("step 3's box is not drawn:\n%s", view)
	}
	m = deliver(t, m, tea.MouseMsg{X: col + 1, Y: row, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if !strings.Contains(m.View(), "3. [x]") {
		t.Errorf("a click inside step 3's box at column %d did not check it:\n%s", col+1, m.View())
	}
}
