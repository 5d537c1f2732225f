package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/rotatetui/rotatetui/state"
)

// scheduleStore holds one source in each schedule state (90-day interval, fixedNow):
// Snowflake in progress, Awin overdue by 10 days, Adjust overdue by 5 (recorded by
// hand), BigCommerce due in 10 days, Mixpanel rotated 10 days ago, the rest unknown.
func scheduleStore(t *testing.T) *memStore {
	t.Helper()
	store := newMemStore()
	cat := builtin(t)
	day := 24 * time.Hour
	completeAt := func(id string, at time.Time) {
		src, _ := cat.Lookup(id)
		for _, k := range src.StepKeys() {
			if _, err := store.Apply(state.Change{Kind: state.Check, Key: id, Step: k, Steps: src.StepKeys(), At: at}); err != nil {
				t.Fatal(err)
			}
		}
	}
	completeAt("awin", fixedNow.Add(-100*day))
	completeAt("bigcommerce", fixedNow.Add(-80*day))
	completeAt("mixpanel", fixedNow.Add(-10*day))
	if _, err := store.Apply(state.Change{Kind: state.RecordRotated, Key: "adjust", At: fixedNow.Add(-95 * day)}); err != nil {
		t.Fatal(err)
	}
	snow, _ := cat.Lookup("snowflake")
	if _, err := store.Apply(state.Change{Kind: state.Check, Key: "snowflake", Step: "login", Steps: snow.StepKeys(), At: fixedNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestListOrderPutsUrgentWorkFirst(t *testing.T) {
	m := newTestModel(t, scheduleStore(t), Options{})
	got := rowNames(m)
	want := []string{"Snowflake", "Awin", "Adjust", "BigCommerce", "ActiveCampaign", "Adobe Commerce (Magento 2)", "Adtraction"}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("order %v..., want %v...", got[:len(want)], want)
		}
	}
	view := m.View()
	for _, w := range []string{"in progress 1/8", "overdue 10d", "overdue 5d", "due in 10d", "✓ 10d ago", "unknown"} {
		if !strings.Contains(view+m.sources.rowView(indexOfRow(m, "Mixpanel"), 76), w) {
			t.Errorf("list lacks %q:\n%s", w, view)
		}
	}
	if !strings.Contains(view, "[All 51]  In progress 1   Due soon 1   Overdue 2") {
		t.Errorf("header counts:\n%s", view)
	}
	// The rest is by name, whatever the catalog's order.
	rest := got[4:]
	for i := 1; i < len(rest); i++ {
		if strings.ToLower(rest[i-1]) > strings.ToLower(rest[i]) && rest[i] != "Mixpanel" && rest[i-1] != "Mixpanel" {
			t.Errorf("not by name: %q before %q", rest[i-1], rest[i])
		}
	}
}

func indexOfRow(m Model, name string) int {
	for i, n := range rowNames(m) {
		if n == name {
			return i
		}
	}
	return -1
}

func TestTabCyclesViews(t *testing.T) {
	m := newTestModel(t, scheduleStore(t), Options{})
	steps := []struct {
		key  string
		want []string
		tab  string
	}{
		{"tab", []string{"Snowflake"}, "[In progress 1]"},
		{"tab", []string{"BigCommerce"}, "[Due soon 1]"},
		{"tab", []string{"Awin", "Adjust"}, "[Overdue 2]"},
		{"tab", nil, "[All 51]"},
	}
	for _, s := range steps {
		m = press(t, m, s.key)
		got := rowNames(m)
		if s.want != nil && strings.Join(got, ",") != strings.Join(s.want, ",") {
			t.Errorf("after %s: %v, want %v", s.tab, got, s.want)
		}
		if !strings.Contains(m.View(), s.tab) {
			t.Errorf("header does not mark %s:\n%s", s.tab, m.View())
		}
	}
	if len(rowNames(m)) != 51 {
		t.Error("back to all")
	}
	m = deliver(t, m, keyShiftTab())
	if got := rowNames(m); strings.Join(got, ",") != "Awin,Adjust" {
		t.Errorf("shift+tab: %v", got)
	}
	// Filtering stays inside the view; while filtering, tab leaves the input instead.
	m = press(t, m, "/")
	m = typeText(t, m, "aw")
	if got := rowNames(m); strings.Join(got, ",") != "Awin" {
		t.Errorf("filter in the overdue view: %v", got)
	}
	m = press(t, m, "tab")
	if m.sources.filtering || m.sources.tab != viewOverdue {
		t.Error("tab while filtering should keep the view and leave the input")
	}
	m = press(t, m, "esc", "tab", "tab")
	if m.sources.tab != viewInProgress || strings.Contains(m.View(), "No source is") {
		t.Errorf("tab: %v", m.sources.tab)
	}
}

func TestEmptyViewSaysSo(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m = press(t, m, "tab", "tab", "tab")
	if !strings.Contains(m.View(), "No source is overdue. tab shows the next view.") {
		t.Errorf("empty view:\n%s", m.View())
	}
}

func TestRecordARotationDoneElsewhere(t *testing.T) {
	store := newMemStore()
	m := newTestModel(t, store, Options{Query: "clo"})
	m = press(t, m, "r")
	if m.sources.recording < 0 || !strings.Contains(m.View(), "last rotated outside rotatetui") {
		t.Fatalf("r did not ask for a date:\n%s", m.View())
	}
	name := m.c.catalog.Sources[m.sources.recording].Name
	id := m.c.catalog.Sources[m.sources.recording].ID
	// q types into the prompt; bad and future dates are refused.
	m = typeText(t, m, "q")
	if m.quitting {
		t.Fatal("q quit from the date prompt")
	}
	m = press(t, m, "enter")
	if !strings.Contains(m.View(), "write the date as YYYY-MM-DD") {
		t.Errorf("bad date accepted:\n%s", m.View())
	}
	m = deliver(t, m, keyBackspace())
	m = typeText(t, m, "2027-01-01")
	m = press(t, m, "enter")
	if !strings.Contains(m.View(), "that date is in the future") {
		t.Error("future date accepted")
	}
	for range 10 {
		m = deliver(t, m, keyBackspace())
	}
	m = typeText(t, m, "2026-03-04")
	m = press(t, m, "enter")
	ss := store.snapshot().Key(id)
	if ss == nil || ss.LastRotated == nil || ss.LastRotated.Format("2006-01-02") != "2026-03-04" || ss.LastRotatedBy != "tester@host" {
		t.Fatalf("recorded %+v", ss)
	}
	if !strings.Contains(m.View(), "Recorded: "+name+" was last rotated on 2026-03-04.") || !strings.Contains(m.View(), "✓ 10d ago") {
		t.Errorf("after recording:\n%s", m.View())
	}
	// Empty means today; esc cancels.
	m = press(t, m, "r", "esc")
	if m.sources.recording >= 0 || !strings.Contains(m.View(), "Nothing recorded.") {
		t.Error("esc did not cancel")
	}
}

func TestCountGroupsThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 51234: "51,234", 100051: "100,051", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWrapSentencesKeepsDatesWhole(t *testing.T) {
	plain := lipgloss.NewStyle()
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"done. Next due on 2027-02-24 (every 90d).", 24, []string{"done. Next due on", "2027-02-24 (every 90d)."}},
		{"a  b\tc", 10, []string{"a b c"}},
		{"abcdefghij xy", 4, []string{"abcd", "efgh", "ij", "xy"}},
		{"日本", 1, []string{"日", "本"}},
		{"", 10, []string{""}},
	}
	for _, tt := range tests {
		if got := wrapSentences(plain, tt.text, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("wrapSentences(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// TestFilterInAViewSaysWhereTheMatchesAre: a filter that matches only outside the view
// shown says how many match and which keys lead to them, not that nothing matches; the
// header counts the rows shown.
func TestFilterInAViewSaysWhereTheMatchesAre(t *testing.T) {
	m := newTestModel(t, scheduleStore(t), Options{})
	m = press(t, m, "tab") // In progress: Snowflake
	if !strings.Contains(m.View(), "1 of 51") {
		t.Errorf("the header does not count the one row shown:\n%s", m.View())
	}
	m = press(t, m, "/")
	m = typeText(t, m, "awin")
	// Awin is overdue: All is one shift+tab away, once tab has left the input.
	if want := "No match in In progress; 1 in All: tab, then shift+tab to see them."; !strings.Contains(m.View(), want) {
		t.Errorf("want %q:\n%s", want, m.View())
	}
	if strings.Contains(m.View(), "No source matches") || !strings.Contains(m.View(), "0 of 51") {
		t.Errorf("the empty view says nothing matches, or the header counts what is hidden:\n%s", m.View())
	}
	// In a narrow window it is wrapped, not cut.
	narrow, _ := m.Update(tea.WindowSizeMsg{Width: 50, Height: 24})
	if got := strings.Join(strings.Fields(ansi.Strip(narrow.(Model).View())), " "); !strings.Contains(got, "1 in All: tab, then shift+tab to see them.") || lipgloss.Width(narrow.(Model).View()) > 50 {
		t.Errorf("cut at 50 columns:\n%s", narrow.(Model).View())
	}
	m = resized(narrow.(Model), 80)
	m = press(t, m, "tab")
	if want := "No match in In progress; 1 in All: shift+tab to see them."; !strings.Contains(m.View(), want) {
		t.Errorf("want %q:\n%s", want, m.View())
	}
	// From Due soon, Overdue holds it and is nearer.
	m = press(t, m, "tab")
	if want := "No match in Due soon; 1 in Overdue: tab to see them."; !strings.Contains(m.View(), want) {
		t.Errorf("want %q:\n%s", want, m.View())
	}
	m = press(t, m, "tab")
	if got := rowNames(m); !slices.Equal(got, []string{"Awin"}) {
		t.Errorf("tab as told: %v", got)
	}
	// A filter that matches nothing at all still says so.
	m = press(t, m, "esc", "/")
	m = typeText(t, m, "zzzz")
	if want := `No source matches "zzzz".`; !strings.Contains(m.View(), want) {
		t.Errorf("want %q:\n%s", want, m.View())
	}
}

// TestFilterFindsEveryMemberOfACategory: "/analytics" lists every Analytics source,
// those named so first, each with the category's letters marked.
func TestFilterFindsEveryMemberOfACategory(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	m = press(t, m, "/")
	m = typeText(t, m, "analytics")
	got := rowNames(m)
	var want []string
	for _, s := range m.c.catalog.Sources {
		if s.Category == "Analytics" {
			want = append(want, s.Name)
		}
	}
	if len(want) < 5 {
		t.Fatalf("setup: %d Analytics sources", len(want))
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s (Analytics) is not listed: %v", w, got)
		}
	}
	// Matches by name rank first: Piano Analytics (AT Internet) is named so.
	if len(got) == 0 || got[0] != "Piano Analytics (AT Internet)" {
		t.Errorf("first %v, want the source named Analytics", got)
	}
	if t.Failed() {
		return
	}
	// The category's letters are marked in a row that matched by it.
	m.c.styles.Paint.Match = paint{pre: "\x1b[4m", post: "\x1b[24m"} // zero width, as real styles
	if row := m.sources.rowView(1, 76); strings.Count(row, "\x1b[4m") != len("analytics") || !strings.Contains(row, "\x1b[4mA\x1b[24m") {
		t.Errorf("category not marked: %q", row)
	}
	if row := m.sources.rowView(1, 60); !strings.Contains(ansi.Strip(row), " in Analytics") || !strings.Contains(row, "\x1b[4mA\x1b[24m") {
		t.Errorf("without a category column, the row does not say its category: %q", row)
	}
}

// TestCategoryColumnTakesTheRoomNamesLeave: a category longer than the column's usual
// width is shown whole when the names beside it leave room, and cut, not the names,
// when they do not.
func TestCategoryColumnTakesTheRoomNamesLeave(t *testing.T) {
	m := newTestModel(t, newMemStore(), Options{})
	row := ansi.Strip(m.sources.rowView(indexOfRow(m, "Smarp"), 78))
	if !strings.Contains(row, "Social & communications ") {
		t.Errorf("Smarp's category is cut at 80 columns: %q", row)
	}
	// A name that needs the room keeps it: the category gives way.
	long := strings.Repeat("N", 40)
	cat := builtin(t)
	src, _ := cat.Lookup("smarp")
	src.Name = long
	m = newTestModel(t, newMemStore(), Options{Catalog: cat})
	row = ansi.Strip(m.sources.rowView(indexOfRow(m, long), 78))
	if !strings.Contains(row, strings.Repeat("N", 33)+"…") || !strings.Contains(row, "Social & communicatio…") {
		t.Errorf("the long name lost cells to the category: %q", row)
	}
}
