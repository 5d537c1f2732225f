package ui

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/ui/internal/fuzzy/fuzzytest"
)

// Benchmarks for the source list at 50, 10,000 and 100,000 sources, and (the -keys
// sizes) at 10,000 and 100,000 keys declared over the 51 built-in sources. The catalogs
// are synthetic and deterministic, built only when a benchmark asks for them, so plain
// `go test ./ui/` stays fast. Results and the commands that produce them are in
// BENCHMARKS.md at the repository root.

// benchSize is one catalog the benchmarks run on: n sources, or with keys n keys over
// the built-in sources.
type benchSize struct {
	name string
	n    int
	keys bool
}

var benchSizes = []benchSize{{"50", 50, false}, {"10k", 10_000, false}, {"100k", 100_000, false}}

// keySizes are the catalogs of many keys, for the benchmarks of start-up, the filter
// and the list's rendering.
var keySizes = []benchSize{{"10k-keys", 10_000, true}, {"100k-keys", 100_000, true}}

// withKeySizes is benchSizes and keySizes.
func withKeySizes() []benchSize { return append(slices.Clone(benchSizes), keySizes...) }

// keysCatalogOf returns the built-in catalog with n keys declared over its sources,
// round robin, with names, owners and tags such as an inventory holds.
func keysCatalogOf(n int) *catalog.Catalog {
	cat, err := catalog.Builtin()
	if err != nil {
		panic(err)
	}
	names := []string{"prod", "staging", "eu", "us-east", "shop-de", "shop-fr", "app-ios", "app-android", "reporting", "backfill"}
	owners := []string{"ana", "bo", "chen", "dara", "emeka", "farah", "goran", "hana", "ines", "jon", "kofi", "lea"}
	envs := []string{"prod", "staging", "dev"}
	cat.Keys = make([]catalog.Key, n)
	for i := range n {
		src := &cat.Sources[i%len(cat.Sources)]
		name := fmt.Sprintf("%s-%d", names[(i/len(cat.Sources))%len(names)], i)
		cat.Keys[i] = catalog.Key{
			ID: catalog.KeyID(src.ID, name), Source: src.ID, Name: name,
			Owner: owners[i%len(owners)],
			Tags:  map[string]string{"env": envs[i%len(envs)], "team": owners[(i/7)%len(owners)]},
		}
	}
	return cat
}

// syntheticCatalog returns n sources with realistic names (see fuzzytest.Sources), the
// same as the filter's own benchmarks search.
func syntheticCatalog(n int) *catalog.Catalog {
	fake := fuzzytest.Sources(n)
	srcs := make([]catalog.Source, n)
	for i, f := range fake {
		srcs[i] = catalog.Source{
			ID:       fmt.Sprintf("src-%d", i),
			Name:     f.Name,
			Aliases:  f.Aliases,
			Category: f.Category,
			Origin:   catalog.BuiltinOrigin,
			Steps:    []catalog.Step{{Key: "login", Text: "Log in"}},
		}
	}
	return &catalog.Catalog{Version: 1, Title: "Synthetic", Sources: srcs}
}

var benchCatalogs struct {
	sync.Mutex
	bySize map[benchSize]*catalog.Catalog
}

// benchCatalog is the catalog of n sources (see benchCatalogOf).
func benchCatalog(n int) *catalog.Catalog { return benchCatalogOf(benchSize{n: n}) }

// benchCatalogOf builds each size once per process, on first use.
func benchCatalogOf(size benchSize) *catalog.Catalog {
	size.name = ""
	benchCatalogs.Lock()
	defer benchCatalogs.Unlock()
	if benchCatalogs.bySize == nil {
		benchCatalogs.bySize = map[benchSize]*catalog.Catalog{}
	}
	c, ok := benchCatalogs.bySize[size]
	if !ok {
		if size.keys {
			c = keysCatalogOf(size.n)
		} else {
			c = syntheticCatalog(size.n)
		}
		benchCatalogs.bySize[size] = c
	}
	return c
}

// withColor renders in true colour for the benchmark (the package's tests render in plain
// ASCII, which would skip the styling work a real terminal pays for).
func withColor(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
}

var (
	runeKey   = func(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} }
	backspace = tea.KeyMsg{Type: tea.KeyBackspace}
	benchSink string
)

// benchModel is the root model at 80x24 on the list of n sources with the filter
// focused.
func benchModel(b *testing.B, n int) Model {
	b.Helper()
	return benchModelOf(b, benchSize{n: n})
}

// benchModelOf is benchModel on the catalog of size: its list has size.n rows.
func benchModelOf(b *testing.B, size benchSize) Model {
	b.Helper()
	n := size.n
	m := New(Options{Catalog: benchCatalogOf(size), State: state.New(), Now: func() time.Time { return fixedNow }})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, _ = next.(Model).Update(keyMsg("/"))
	m = next.(Model)
	if !m.sources.filtering || m.sources.rows.Len() != n {
		b.Fatalf("setup: filtering=%v rows=%d", m.sources.filtering, m.sources.rows.Len())
	}
	return m
}

// step is one key press through the root model followed by a render: what the user waits
// for between pressing a key and seeing the result.
func step(m Model, k tea.KeyMsg) Model {
	next, _ := m.Update(k)
	m = next.(Model)
	benchSink = m.View()
	return m
}

// BenchmarkFirstKeystroke: "s" typed into an empty, focused filter. Between iterations
// (untimed) a backspace empties the query again, so every timed key press searches the
// whole catalog.
func BenchmarkFirstKeystroke(b *testing.B) { benchFirstKeystroke(b, false) }

// BenchmarkFirstUseOfALetter is BenchmarkFirstKeystroke the first time "s" is typed in
// a session: the search also builds the table of where "s" is in every name (see
// fuzzy.Index.positionsOf), which later keystrokes reuse. Between iterations (untimed)
// the tables are dropped.
func BenchmarkFirstUseOfALetter(b *testing.B) { benchFirstKeystroke(b, true) }

func benchFirstKeystroke(b *testing.B, firstUse bool) {
	for _, size := range withKeySizes() {
		b.Run(size.name, func(b *testing.B) {
			withColor(b)
			m := benchModelOf(b, size)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				next := step(m, runeKey('s'))
				b.StopTimer()
				if next.sources.rows.Len() == 0 || next.sources.query() != "s" {
					b.Fatalf("'s' left %d rows", next.sources.rows.Len())
				}
				if next.sources.index.fz.PositionTables() == 0 {
					b.Fatal("no position table was built")
				}
				m = step(next, backspace)
				if firstUse {
					m.sources.index.dropPositionTables()
				}
				b.StartTimer()
			}
		})
	}
}

// dropPositionTables forgets every position table, as if no letter had been typed.
func (idx *filterIndex) dropPositionTables() { idx.fz.DropPositionTables() }

// BenchmarkExtendQuery: with "s" typed, "n" extends the query. Between iterations
// (untimed) a backspace returns to "s", so every timed key press is a real extension
// that searches the matches of "s".
func BenchmarkExtendQuery(b *testing.B) {
	for _, size := range withKeySizes() {
		b.Run(size.name, func(b *testing.B) {
			withColor(b)
			m := step(benchModelOf(b, size), runeKey('s'))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				next := step(m, runeKey('n'))
				b.StopTimer()
				if next.sources.query() != "sn" {
					b.Fatalf("query %q", next.sources.query())
				}
				m = step(next, backspace)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkKeystrokeSequence types "snow", deletes two letters, types "ap" and clears
// the filter, timing every key press (Update and View) on its own. ns/op is the whole
// sequence; p50-ns, p99-ns and max-ns are per key press.
func BenchmarkKeystrokeSequence(b *testing.B) {
	keys := []tea.KeyMsg{
		runeKey('s'), runeKey('n'), runeKey('o'), runeKey('w'),
		backspace, backspace, runeKey('a'), runeKey('p'),
		{Type: tea.KeyEsc},
	}
	// Through Update, as Bubble Tea's renderer runs the model, and updated in place, as
	// the program runs it on the display (see framed).
	viaUpdate := func(m *Model, k tea.KeyMsg) { *m = step(*m, k) }
	inPlace := func(m *Model, k tea.KeyMsg) {
		m.updateInPlace(k)
		benchSink = m.View()
	}
	for _, size := range benchSizes[1:2] {
		for _, path := range []struct {
			name  string
			press func(*Model, tea.KeyMsg)
		}{{"", viaUpdate}, {"/display", inPlace}} {
			b.Run(size.name+path.name, func(b *testing.B) {
				withColor(b)
				m := benchModel(b, size.n)
				lat := make([]time.Duration, 0, b.N*len(keys))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					for _, k := range keys {
						t0 := time.Now()
						path.press(&m, k)
						lat = append(lat, time.Since(t0))
					}
					b.StopTimer()
					if m.sources.query() != "" || m.sources.rows.Len() != size.n {
						b.Fatalf("after clearing: query %q, %d rows", m.sources.query(), m.sources.rows.Len())
					}
					m = step(m, keyMsg("/"))
					b.StartTimer()
				}
				b.StopTimer()
				slices.Sort(lat)
				pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) }
				b.ReportMetric(pct(0.50), "p50-ns")
				b.ReportMetric(pct(0.99), "p99-ns")
				b.ReportMetric(float64(lat[len(lat)-1]), "max-ns")
			})
		}
	}
}

// BenchmarkView renders the list without and with a filter ("s", which matches most of
// the catalog): the work must not grow with the catalog.
func BenchmarkView(b *testing.B) {
	for _, size := range withKeySizes() {
		for _, q := range []string{"", "s"} {
			name := size.name + "/plain"
			if q != "" {
				name = size.name + "/filtered"
			}
			b.Run(name, func(b *testing.B) {
				withColor(b)
				m := benchModelOf(b, size)
				for _, r := range q {
					m = step(m, runeKey(r))
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					benchSink = m.View()
				}
			})
		}
	}
}

// BenchmarkDisplayKeystroke is ExtendQuery/10k as the program runs it on the display:
// through framed, which updates the model in place and hands the frame to the
// display's goroutine (writing to nowhere).
func BenchmarkDisplayKeystroke(b *testing.B) {
	withColor(b)
	m := step(benchModel(b, 10_000), runeKey('s'))
	d := newDisplay(io.Discard)
	b.Cleanup(d.stop)
	var model tea.Model = framed{model: &m, display: d}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		model, _ = model.Update(runeKey('n'))
		b.StopTimer()
		model, _ = model.Update(backspace)
		b.StartTimer()
	}
}

// BenchmarkViewColourProfiles is View/10k/filtered in terminals of 16 and 256 colours
// as well as true colour: lipgloss converts colours for the smaller palettes, which
// the styles avoid by resolving each colour once (see resolved).
func BenchmarkViewColourProfiles(b *testing.B) {
	for _, p := range []struct {
		name    string
		profile termenv.Profile
	}{{"truecolor", termenv.TrueColor}, {"256", termenv.ANSI256}, {"16", termenv.ANSI}} {
		b.Run(p.name, func(b *testing.B) {
			lipgloss.SetColorProfile(p.profile)
			b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
			m := step(benchModel(b, 10_000), runeKey('s'))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				benchSink = m.View()
			}
		})
	}
}

// stockItem is the simplest item the stock bubbles list can show and filter.
type stockItem struct{ name, category string }

func (i stockItem) Title() string       { return i.name }
func (i stockItem) Description() string { return i.category }
func (i stockItem) FilterValue() string { return i.name }

// BenchmarkStockList is the baseline: the stock bubbles list with its default filter on
// the same names, at the same size, receiving the same first key press. Its filter runs
// in a command; the benchmark runs it synchronously and feeds the result back, so the
// filtering is measured, then renders.
func BenchmarkStockList(b *testing.B) {
	for _, size := range benchSizes[1:] {
		b.Run(size.name, func(b *testing.B) {
			withColor(b)
			cat := benchCatalog(size.n)
			items := make([]list.Item, len(cat.Sources))
			for i, s := range cat.Sources {
				items[i] = stockItem{name: s.Name, category: s.Category}
			}
			l := list.New(items, list.NewDefaultDelegate(), 80, 24)
			l.FilterInput.Cursor.SetMode(cursor.CursorStatic) // as ours: no blink timer
			l, _ = l.Update(keyMsg("/"))
			if l.FilterState() != list.Filtering {
				b.Fatal("the stock list is not filtering")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				next, cmd := l.Update(runeKey('s'))
				for _, msg := range runSync(cmd) {
					next, _ = next.Update(msg)
				}
				benchSink = next.View()
				b.StopTimer()
				if len(next.VisibleItems()) == 0 || next.FilterValue() != "s" {
					b.Fatalf("stock list: %d visible for %q", len(next.VisibleItems()), next.FilterValue())
				}
				b.StartTimer()
			}
		})
	}
}

// runSync runs a command and the batches it returns on this goroutine, returning the
// filter results. (With a static cursor the stock list returns no timers.)
func runSync(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runSync(c)...)
		}
		return out
	case list.FilterMatchesMsg:
		return []tea.Msg{msg}
	}
	return nil
}

// BenchmarkBuildIndex times what start-up spends on the filter: lower-casing and laying
// out every name and alias once.
func BenchmarkBuildIndex(b *testing.B) {
	for _, size := range keySizes {
		// What the list indexes of each key: its title, its source's aliases and
		// category, its owner and tags (see newListFilter).
		b.Run(size.name, func(b *testing.B) {
			view := newCatalogView(benchCatalogOf(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				newListFilter(view)
			}
		})
	}
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			cat := benchCatalog(size.n)
			names, aliases := catalogText(cat)
			categories := catalogCategories(cat)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				newFilterIndex(names, aliases).withCategories(categories)
			}
		})
	}
}

// catalogCategories is each source's category, as the list gives them to the index.
func catalogCategories(cat *catalog.Catalog) []string {
	out := make([]string, len(cat.Sources))
	for i, s := range cat.Sources {
		out[i] = s.Category
	}
	return out
}

func catalogText(cat *catalog.Catalog) (names []string, aliases [][]string) {
	names = make([]string, len(cat.Sources))
	aliases = make([][]string, len(cat.Sources))
	for i, s := range cat.Sources {
		names[i], aliases[i] = s.Name, s.Aliases
	}
	return names, aliases
}

// BenchmarkFilter times the index alone (no Update, no View): the first key press ("s"),
// an extension ("s" → "sn"), and one that also starts a category's word ("a" → "an",
// Analytics: a sixth of the catalog). Each op also resets the query, which costs next
// to nothing (an empty query, or a backspace to the cached level), so no timer is
// stopped. It reports how many sources matched.
func BenchmarkFilter(b *testing.B) {
	for _, size := range withKeySizes() {
		newIndex := func() *filterIndex {
			if size.keys {
				return newListFilter(newCatalogView(benchCatalogOf(size)))
			}
			cat := benchCatalog(size.n)
			return newFilterIndex(catalogText(cat)).withCategories(catalogCategories(cat))
		}
		for _, tc := range []struct{ name, from, to string }{{"first", "", "s"}, {"extend", "s", "sn"}, {"category", "a", "an"}} {
			b.Run(size.name+"/"+tc.name, func(b *testing.B) {
				idx := newIndex()
				idx.rows(tc.from)
				b.ReportAllocs()
				b.ResetTimer()
				var n int
				for range b.N {
					n = idx.rows(tc.to).Len()
					idx.rows(tc.from)
				}
				b.ReportMetric(float64(n), "matches")
			})
		}
	}
}

// BenchmarkRecordCheck is one check recorded through the root Update (applying the
// change, recomputing what the list shows, queueing the save): it must not grow with
// the catalog, because it runs on every box the user ticks.
func BenchmarkRecordCheck(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			cat := benchCatalog(size.n)
			src := &cat.Sources[size.n/2]
			m := New(Options{Catalog: cat, State: state.New(), Now: func() time.Time { return fixedNow }})
			next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			m = next.(Model)
			keys := src.StepKeys()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				kind := state.Check
				if i%2 == 1 {
					kind = state.Uncheck
				}
				ev := changeEvent{changes: []state.Change{{Kind: kind, Key: src.ID, Step: keys[0], Steps: keys, At: fixedNow}}}
				m, _ = m.handleEvent(ev)
				m.pending = nil // no store: keep the queue from growing
			}
		})
	}
}

// BenchmarkModelMemory reports what the list keeps for a catalog, beyond the catalog
// itself: the root model with the filter open and two letters typed (so the index and
// two levels of its prefix cache are built), measured as the live heap after a
// collection. The figure to read is retained-MB; ns/op is the time to build it.
func BenchmarkModelMemory(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			cat := benchCatalog(size.n)
			var retained int64
			for range b.N {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				m := New(Options{Catalog: cat, State: state.New(), Now: func() time.Time { return fixedNow }})
				var next tea.Model = m
				for _, k := range []string{"/", "s", "n"} {
					next, _ = next.(Model).Update(keyMsg(k))
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				retained = max(int64(after.HeapAlloc)-int64(before.HeapAlloc), 0)
				runtime.KeepAlive(next)
			}
			b.ReportMetric(float64(retained)/1e6, "retained-MB")
		})
	}
}

// idleEnv names the renderer TestHelperIdle runs the UI with.
const idleEnv = "ROTATETUI_UI_IDLE"

// TestHelperIdle is not a test: docs/bench.sh runs the test binary with it in tmux and
// counts the CPU ticks and context switches of the UI left alone, on the built-in
// catalog, drawn by the display (ROTATETUI_UI_IDLE=display, as Run draws on a
// terminal) or by Bubble Tea's own renderer (=bubbletea, as Run draws where there is
// no display), in the same binary: the event-driven display's gain.
func TestHelperIdle(t *testing.T) {
	mode := os.Getenv(idleEnv)
	if mode == "" {
		t.Skip("run by docs/bench.sh in a terminal")
	}
	lipgloss.SetColorProfile(termenv.TrueColor) // TestMain chose plain text for the goldens
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Catalog: cat, State: state.New(), Store: newMemStore(), Now: time.Now}
	switch mode {
	case "display":
		_, err = Run(opts)
	case "bubbletea":
		// Run's own path where there is no display (see Run).
		_, err = tea.NewProgram(New(opts), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithInput(os.Stdin)).Run()
	default:
		t.Fatalf("%s=%q: want display or bubbletea", idleEnv, mode)
	}
	if err != nil {
		t.Fatal(err)
	}
}
