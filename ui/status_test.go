package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// loadStateFile reads a state file with the real store, as main does.
func loadStateFile(t *testing.T, content string) *state.State {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := state.NewStore(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestListOfARotationWithoutWork: a current rotation with no step handled and no note,
// which files of older versions may hold, is neither pinned, counted in In progress,
// nor shown as in progress.
func TestListOfARotationWithoutWork(t *testing.T) {
	st := loadStateFile(t, `{
  "version": 1,
  "sources": {
    "awin": {
      "current": {"started_at": "2026-02-01T09:00:00Z", "updated_at": "2026-03-14T09:00:00Z", "outcome": "in_progress",
        "step_keys": ["api-credentials"]},
      "last_rotated": "2025-12-09T00:00:00Z"
    },
    "bigcommerce": {
      "current": {"started_at": "2026-02-01T09:00:00Z", "updated_at": "2026-03-14T09:10:00Z", "outcome": "in_progress",
        "step_keys": ["x"], "steps": {"x": {"wait_until": "2026-03-15T09:00:00Z", "by": "bo@laptop"}}}
    },
    "snowflake": {
      "current": {"started_at": "2026-03-13T09:00:00Z", "updated_at": "2026-03-13T09:00:00Z", "outcome": "in_progress",
        "step_keys": ["login"], "steps": {"login": {"checked_at": "2026-03-13T09:00:00Z"}}}
    }
  }
}
`)
	if st.Key("awin").Current == nil || st.Key("bigcommerce").Current == nil {
		t.Fatal("the file's rotations without work were not read: this test tests nothing")
	}
	m := newTestModel(t, newMemStore(), Options{State: st})
	if got := rowNames(m); !slices.Equal(got[:3], []string{"Snowflake", "Awin", "ActiveCampaign"}) {
		t.Errorf("order %q..., want Snowflake (in progress), Awin (overdue), then the rest by name", got[:3])
	}
	view := m.View()
	if !strings.Contains(view, "[All 51]  In progress 1   Due soon 0   Overdue 1") || !strings.Contains(view, "▶ Snowflake is in progress") {
		t.Errorf("header:\n%s", view)
	}
	for name, want := range map[string]string{"Awin": "overdue 5d", "BigCommerce": "unknown", "Snowflake": "in progress 1/"} {
		if row := m.sources.rowView(indexOfRow(m, name), 76); !strings.Contains(row, want) {
			t.Errorf("%s's row %q lacks %q", name, row, want)
		}
	}
	// -r resumes real work only: with Snowflake's check gone there is nothing to resume.
	delete(st.Keys, "snowflake")
	if m := newTestModel(t, newMemStore(), Options{State: st, Resume: true}); m.screen != sourcesScreen {
		t.Errorf("-r opened %s, a rotation without work", m.checklist.src.Name)
	}
}

// TestListTakesTheIntervalItIsGiven: the list asks Options.Interval, and without one
// falls back on the catalog's rotate_every, then on state.DefaultInterval.
func TestListTakesTheIntervalItIsGiven(t *testing.T) {
	store := newMemStore()
	if _, err := store.Apply(state.Change{Kind: state.RecordRotated, Key: "awin", At: fixedNow.Add(-40 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	every := func(d time.Duration) func(*catalog.Key, *catalog.Source) catalog.Duration {
		return func(*catalog.Key, *catalog.Source) catalog.Duration { return catalog.Duration(d) }
	}
	withCatalogEvery := builtin(t)
	withCatalogEvery.RotateEvery = catalog.Duration(45 * 24 * time.Hour)
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"given 30 days", Options{Interval: every(30 * 24 * time.Hour)}, "overdue 10d"},
		{"given 50 days", Options{Interval: every(50 * 24 * time.Hour)}, "due in 10d"},
		{"none given: the catalog's", Options{Catalog: withCatalogEvery}, "due in 5d"},
		{"none given: 90 days", Options{}, "✓ 40d ago"},
	} {
		m := newTestModel(t, store, tt.opts)
		if row := m.sources.rowView(indexOfRow(m, "Awin"), 76); !strings.Contains(row, tt.want) {
			t.Errorf("%s: Awin's row %q lacks %q", tt.name, row, tt.want)
		}
	}
}
