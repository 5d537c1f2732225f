package ui

import (
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// colors is a set of the colours the program uses.
type colors struct {
	accent, subtle, faint, ok, warn, bad, match, text lipgloss.TerminalColor
}

// palette holds every colour the program uses. Each adapts to light and dark terminals.
// Under NO_COLOR there are none (see newStylesFor), and the layout still reads in
// monochrome, because state is always also shown as text ([x], ›, "in progress").
var palette = colors{
	accent: lipgloss.AdaptiveColor{Light: "#5A3FD9", Dark: "#A78BFA"},
	subtle: lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"},
	faint:  lipgloss.AdaptiveColor{Light: "#9E9E9E", Dark: "#5C5C5C"},
	ok:     lipgloss.AdaptiveColor{Light: "#137333", Dark: "#7FD28A"},
	warn:   lipgloss.AdaptiveColor{Light: "#9A5B00", Dark: "#F2C14E"},
	bad:    lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF8A80"},
	match:  lipgloss.AdaptiveColor{Light: "#C2185B", Dark: "#FF79C6"},
	text:   lipgloss.AdaptiveColor{Light: "#1F1F1F", Dark: "#E6E6E6"},
}

// resolved returns the palette as this terminal shows it (see resolved).
func (c colors) resolved() colors {
	return colors{accent: resolved(c.accent), subtle: resolved(c.subtle), faint: resolved(c.faint), ok: resolved(c.ok),
		warn: resolved(c.warn), bad: resolved(c.bad), match: resolved(c.match), text: resolved(c.text)}
}

// resolved returns c as the terminal shows it, worked out once: the variant for its
// background, in its palette. lipgloss converts a colour for a 256- or 16-colour
// terminal on every Render, by a search for the nearest colour in a perceptual space;
// in a 16-colour terminal that made a frame of the list cost 0.21 ms instead of 0.09.
// The result renders exactly as c does (TestResolvedColorsRenderTheSame).
func resolved(c lipgloss.TerminalColor) lipgloss.TerminalColor {
	r := lipgloss.DefaultRenderer()
	var spec string
	switch c := c.(type) {
	case lipgloss.AdaptiveColor:
		spec = c.Light
		if r.HasDarkBackground() {
			spec = c.Dark
		}
	case lipgloss.Color:
		spec = string(c)
	default:
		return c
	}
	switch tc := r.ColorProfile().Color(spec).(type) {
	case termenv.ANSIColor:
		return lipgloss.Color(strconv.Itoa(int(tc)))
	case termenv.ANSI256Color:
		return lipgloss.Color(strconv.Itoa(int(tc)))
	case termenv.RGBColor:
		return lipgloss.Color(string(tc))
	}
	return lipgloss.NoColor{}
}

// Badge renders a tag beside a name, such as "[custom]": bracketed, so that it reads
// as a tag without its colour too.
func (s *Styles) Badge(text string) string { return s.Paint.Tag.Render("[" + text + "]") }

// resolvedStyle is s with its colours resolved.
func resolvedStyle(s lipgloss.Style) lipgloss.Style {
	return s.Foreground(resolved(s.GetForeground())).Background(resolved(s.GetBackground()))
}

// Styles is every style the views use, built once.
type Styles struct {
	App       lipgloss.Style // padding around the whole screen
	Title     lipgloss.Style
	Subtitle  lipgloss.Style
	Counts    lipgloss.Style
	Resume    lipgloss.Style
	Prompt    lipgloss.Style
	Empty     lipgloss.Style
	Status    lipgloss.Style
	StatusErr lipgloss.Style
	Warning   lipgloss.Style

	Cursor      lipgloss.Style // the › marker
	Row         lipgloss.Style
	RowSelected lipgloss.Style
	Match       lipgloss.Style
	Category    lipgloss.Style
	Tag         lipgloss.Style
	InProgress  lipgloss.Style
	Rotated     lipgloss.Style
	TextCursor  lipgloss.Style // the text inputs' cursor, which bubbles draws in reverse video

	StepNumber   lipgloss.Style
	BoxDone      lipgloss.Style
	BoxTodo      lipgloss.Style
	StepText     lipgloss.Style
	StepDone     lipgloss.Style
	StepSelected lipgloss.Style
	Command      lipgloss.Style
	URL          lipgloss.Style
	Note         lipgloss.Style
	Banner       lipgloss.Style
	Progress     lipgloss.Style
	Proof        lipgloss.Style // the mark of a step that proves the rotation (New key works, Old key refused)

	// Paints of the styles the list draws on every row (see paint).
	Paint struct {
		Cursor, Row, RowSelected, Match, Category, Tag, Warning, InProgress, Rotated, StatusErr paint
	}
}

// paint is a style reduced to the escape codes around its text. For one line of text
// and a style of only colours and attributes (no width, padding or borders), lipgloss
// renders exactly prefix + text + suffix; working that out once per style, instead of
// on every row of every frame, is most of what keeps the list's View cheap.
type paint struct{ pre, post string }

func newPaint(s lipgloss.Style) paint {
	// SGR escape codes hold digits, ';', '[' and 'm' only, so "x" marks the text.
	r := s.Render("x")
	i := strings.Index(r, "x")
	return paint{pre: r[:i], post: r[i+1:]}
}

// Render paints one line of text the way the style's Render would.
func (p paint) Render(text ...string) string {
	s := strings.Join(text, " ")
	if s == "" {
		return ""
	}
	return p.pre + s + p.post
}

// look is what a style of the views sets: a colour and attributes, nothing else.
type look struct {
	fg                      lipgloss.TerminalColor
	bold, italic, underline bool
}

func (l look) style(r *lipgloss.Renderer) lipgloss.Style {
	s := r.NewStyle().Foreground(l.fg)
	if l.bold {
		s = s.Bold(true)
	}
	if l.italic {
		s = s.Italic(true)
	}
	if l.underline {
		s = s.Underline(true)
	}
	return s
}

// newStyles builds the styles in colour, as the terminal shows it.
func newStyles() *Styles { return newStylesFor(false) }

// newStylesFor builds the styles, once: the screens share them through common and never
// change them. Held by pointer, because the set is 16 KB (a lipgloss.Style is 550
// bytes): the views used to begin by copying it.
//
// Under NO_COLOR (noColor) the program renders without colour (Run), which also drops
// bold, underline and reverse video. But NO_COLOR forbids colour, not attributes, and
// without them a match, the text cursor and the emphasis are invisible: so these styles
// have no colours and render their attributes through a renderer of their own.
func newStylesFor(noColor bool) *Styles {
	p, r := palette.resolved(), lipgloss.DefaultRenderer()
	if noColor {
		p = colors{}
		for _, c := range []*lipgloss.TerminalColor{&p.accent, &p.subtle, &p.faint, &p.ok, &p.warn, &p.bad, &p.match, &p.text} {
			*c = lipgloss.NoColor{}
		}
		r = lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI) // its attributes; there is no colour to render
	}
	s := &Styles{App: lipgloss.NewStyle().Padding(0, 1), TextCursor: r.NewStyle()}
	for _, l := range [...]struct {
		style *lipgloss.Style
		look
	}{
		{&s.Title, look{fg: p.accent, bold: true}},
		{&s.Subtitle, look{fg: p.subtle}},
		{&s.Counts, look{fg: p.subtle}},
		{&s.Resume, look{fg: p.warn}},
		{&s.Prompt, look{fg: p.accent}},
		{&s.Empty, look{fg: p.subtle, italic: true}},
		{&s.Status, look{fg: p.subtle}},
		{&s.StatusErr, look{fg: p.bad, bold: true}},
		{&s.Warning, look{fg: p.warn}},

		{&s.Cursor, look{fg: p.accent, bold: true}},
		{&s.Row, look{fg: p.text}},
		{&s.RowSelected, look{fg: p.accent, bold: true}},
		{&s.Match, look{fg: p.match, underline: true, bold: noColor}}, // without its colour, bold too
		{&s.Category, look{fg: p.faint}},
		{&s.Tag, look{fg: p.accent}},
		{&s.InProgress, look{fg: p.warn}},
		{&s.Rotated, look{fg: p.ok}},

		{&s.StepNumber, look{fg: p.subtle}},
		{&s.BoxDone, look{fg: p.ok}},
		{&s.BoxTodo, look{fg: p.subtle}},
		{&s.StepText, look{fg: p.text}},
		{&s.StepDone, look{fg: p.subtle}},
		{&s.StepSelected, look{fg: p.accent, bold: true}},
		{&s.Command, look{fg: p.match}},
		{&s.URL, look{fg: p.accent, underline: true}},
		{&s.Note, look{fg: p.subtle, italic: true}},
		{&s.Banner, look{fg: p.ok, bold: true}},
		{&s.Progress, look{fg: p.ok}},
		{&s.Proof, look{fg: p.accent, bold: true}},
	} {
		*l.style = l.look.style(r)
	}

	for _, pt := range [...]struct {
		paint *paint
		style *lipgloss.Style
	}{
		{&s.Paint.Cursor, &s.Cursor}, {&s.Paint.Row, &s.Row}, {&s.Paint.RowSelected, &s.RowSelected},
		{&s.Paint.Match, &s.Match}, {&s.Paint.Category, &s.Category}, {&s.Paint.Tag, &s.Tag},
		{&s.Paint.Warning, &s.Warning}, {&s.Paint.InProgress, &s.InProgress}, {&s.Paint.Rotated, &s.Rotated},
		{&s.Paint.StatusErr, &s.StatusErr},
	} {
		*pt.paint = newPaint(*pt.style)
	}
	return s
}
