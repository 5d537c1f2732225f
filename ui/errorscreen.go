package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
)

// errorModel is the screen shown instead of the checklist when rotatetui cannot start
// safely, e.g. because the progress file cannot be read. It explains and waits for q.
type errorModel struct {
	title, detail string
	width, height int
	styles        *Styles
	keys          *keyMap
}

// ShowError shows a full-screen explanation until the user presses q, esc or ctrl+c.
func ShowError(title, detail string, noColor bool) error {
	if noColor {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	m := errorModel{title: title, detail: detail, width: 80, height: 24, styles: newStyles(), keys: newKeyMap()}
	_, err := tea.NewProgram(m, tea.WithAltScreen()).Run()
	return err
}

func (m errorModel) Init() tea.Cmd { return nil }

func (m errorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.Quit, m.keys.ForceQ, m.keys.Back) {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m errorModel) View() string {
	st := m.styles
	w := max(m.width-st.App.GetHorizontalFrameSize(), 10)
	body := st.StatusErr.Render(catalog.PrintableLine(m.title)) + "\n\n" +
		ansi.Wrap(catalog.Printable(m.detail), w, "") + "\n\n" +
		st.Subtitle.Render("q quits")
	return st.App.Render(fitHeight(body, m.height))
}
