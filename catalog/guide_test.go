package catalog

// Drift test: builtin.toml must transcribe the reference rotation guide
// (../../shared/reference/rotation-guide.txt) source by source and line by
// line, in the guide's words, with only the documented repairs below.
//
// The test decodes builtin.toml itself into private guide* structs so it does
// not depend on the package's loader API.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// guideReferencePath is the guide, relative to the package directory (the
// repository is cloned next to a shared/ folder).
var guideReferencePath = filepath.Join("..", "..", "shared", "reference", "rotation-guide.txt")

// guideSourceCount is the number of data sources in the guide.
const guideSourceCount = 51

// guideNameRepairs maps a source name as spelled in the guide to its name in
// the catalog.
var guideNameRepairs = map[string]string{
	"BingWebmaster Tools": "Bing Webmaster Tools",
}

// guideLineRepair splits one guide line, in which the guide ran several
// things together, into the fragments the catalog holds separately.
type guideLineRepair struct {
	source    string   // catalog source name
	line      string   // the guide line, verbatim
	fragments []string // what it stands for, in order
}

// guideLineRepairs are the documented repairs. Each must be used exactly once,
// so a changed guide makes a stale repair fail loudly.
var guideLineRepairs = []guideLineRepair{
	{
		// The URL and the following sentence were run together.
		source: "Smarp",
		line:   "https://{subdomain}.smarpshare.com/#/profile/settingsNavigate to Access token tab on the left-side menu.",
		fragments: []string{
			"https://{subdomain}.smarpshare.com/#/profile/settings",
			"Navigate to Access token tab on the left-side menu.",
		},
	},
	{
		// A statement and the next statement's label were run together.
		source: "Snowflake",
		line:   `ALTER SECURITY INTEGRATION "Supermetrics App" REFRESH OAUTH_CLIENT_SECRET_2;Second command:`,
		fragments: []string{
			`ALTER SECURITY INTEGRATION "Supermetrics App" REFRESH OAUTH_CLIENT_SECRET_2;`,
			"Second command:",
		},
	},
}

type guideCatalog struct {
	Version     int           `toml:"version"`
	Title       string        `toml:"title"`
	RotateEvery string        `toml:"rotate_every"`
	Sources     []guideSource `toml:"sources"`
}

type guideSource struct {
	ID          string      `toml:"id"`
	Name        string      `toml:"name"`
	Aliases     []string    `toml:"aliases"`
	Category    string      `toml:"category"`
	Docs        string      `toml:"docs"`
	Note        string      `toml:"note"`
	RotateEvery string      `toml:"rotate_every"`
	Disabled    bool        `toml:"disabled"`
	Steps       []guideStep `toml:"steps"`
}

type guideStep struct {
	ID      string `toml:"id"`
	Text    string `toml:"text"`
	Kind    string `toml:"kind"`
	Command string `toml:"command"`
	URL     string `toml:"url"`
	Wait    string `toml:"wait"`
}

// guideParsedSource is one source of the guide: its (repaired) name and its
// instruction fragments, in order.
type guideParsedSource struct {
	name      string
	fragments []string
}

var (
	guideSlugRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	guideDurationRE = regexp.MustCompile(`^[1-9][0-9]*[dhm]$`)
	guideKinds      = map[string]bool{
		"navigate": true, "create": true, "revoke": true, "verify": true,
		"reconnect": true, "contact": true, "wait": true,
	}
)

func guideLoadBuiltin(t *testing.T) guideCatalog {
	t.Helper()
	data, err := os.ReadFile("builtin.toml")
	if err != nil {
		t.Fatalf("reading builtin.toml: %v", err)
	}
	var c guideCatalog
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		t.Fatalf("decoding builtin.toml: %v", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		t.Fatalf("builtin.toml has unknown keys: %v", und)
	}
	return c
}

// guideParse parses the guide text. A line equal to a known source name
// (after guideNameRepairs) starts a source; other lines are its instructions.
// Line repairs are applied; the returned error reports unused repairs or
// instructions before the first source.
func guideParse(text string, known map[string]bool) ([]guideParsedSource, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "Instructions" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, errors.New(`guide has no "Instructions" line`)
	}
	used := make([]int, len(guideLineRepairs))
	var out []guideParsedSource
	for _, l := range lines[start:] {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		name := l
		if r, ok := guideNameRepairs[l]; ok {
			name = r
		}
		if known[name] {
			out = append(out, guideParsedSource{name: name})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("guide line %q comes before any known source", l)
		}
		cur := &out[len(out)-1]
		frags := []string{l}
		for i, r := range guideLineRepairs {
			if r.source == cur.name && r.line == l {
				frags = r.fragments
				used[i]++
			}
		}
		cur.fragments = append(cur.fragments, frags...)
	}
	for i, n := range used {
		if n != 1 {
			r := guideLineRepairs[i]
			return nil, fmt.Errorf("repair for %s line %q applied %d times, want 1", r.source, r.line, n)
		}
	}
	return out, nil
}

// guideField is one text-bearing field of a catalog step.
type guideField struct {
	step    string // step id
	name    string // "text", "url" or "command"
	value   string
	covered []bool // per byte: matched by a guide fragment
}

// guideCompare checks that the catalog holds exactly the guide's sources, in
// order, and that each source's steps hold exactly the guide's instruction
// fragments, in order: each fragment is found in the current or a later field
// (text, url, command of each step in turn), and every non-space byte of
// every field is covered by a fragment, so nothing is missing or invented.
func guideCompare(guide []guideParsedSource, c guideCatalog) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	if len(c.Sources) != len(guide) {
		bad("catalog has %d sources, guide has %d", len(c.Sources), len(guide))
	}
	for i := 0; i < len(c.Sources) && i < len(guide); i++ {
		if c.Sources[i].Name != guide[i].name {
			bad("source %d: catalog has %q, guide has %q", i+1, c.Sources[i].Name, guide[i].name)
		}
	}
	byName := map[string]*guideSource{}
	for i := range c.Sources {
		byName[c.Sources[i].Name] = &c.Sources[i]
	}
	inGuide := map[string]bool{}
	for _, g := range guide {
		inGuide[g.name] = true
		src := byName[g.name]
		if src == nil {
			bad("%s: source from the guide is missing from the catalog", g.name)
			continue
		}
		var fields []*guideField
		for _, st := range src.Steps {
			for _, f := range [][2]string{{"text", st.Text}, {"url", st.URL}, {"command", st.Command}} {
				if f[1] != "" {
					fields = append(fields, &guideField{step: st.ID, name: f[0], value: f[1], covered: make([]bool, len(f[1]))})
				}
			}
		}
		fi, off := 0, 0
		for _, frag := range g.fragments {
			found := false
			for j := fi; j < len(fields); j++ {
				from := 0
				if j == fi {
					from = off
				}
				k := strings.Index(fields[j].value[from:], frag)
				if k < 0 {
					continue
				}
				k += from
				for b := k; b < k+len(frag); b++ {
					fields[j].covered[b] = true
				}
				fi, off, found = j, k+len(frag), true
				break
			}
			if !found {
				bad("%s: guide line %q is missing from the catalog steps (or out of order)", g.name, frag)
			}
		}
		for _, f := range fields {
			var extra strings.Builder
			for b := 0; b < len(f.value); b++ {
				if !f.covered[b] {
					extra.WriteByte(f.value[b])
				}
			}
			if s := strings.TrimSpace(extra.String()); s != "" {
				bad("%s: step %q %s %q is not traceable to the guide (untraced: %q)", g.name, f.step, f.name, f.value, s)
			}
		}
	}
	for _, s := range c.Sources {
		if !inGuide[s.Name] {
			bad("%s: catalog source is not in the guide", s.Name)
		}
	}
	return errs
}

// guideClone deep-copies the parts of a catalog that tests mutate.
func guideClone(c guideCatalog) guideCatalog {
	out := c
	out.Sources = make([]guideSource, len(c.Sources))
	for i, s := range c.Sources {
		s.Steps = append([]guideStep(nil), s.Steps...)
		out.Sources[i] = s
	}
	return out
}

func guideFindSource(c *guideCatalog, id string) *guideSource {
	for i := range c.Sources {
		if c.Sources[i].ID == id {
			return &c.Sources[i]
		}
	}
	return nil
}

// readGuide reads the reference guide at path. Missing, it skips the test on a
// developer's machine but fails it in CI (CI set, as .ci/run does), where a skipped
// drift check would pass unseen.
func readGuide(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatalf("reference guide %s not found, and CI is set: the drift check must run there (the repository is cloned next to shared/)", path)
		}
		t.Skipf("reference guide %s not found; skipping drift check", path)
	}
	if err != nil {
		t.Fatalf("reading reference guide: %v", err)
	}
	return data
}

func TestBuiltinMatchesGuide(t *testing.T) {
	data := readGuide(t, guideReferencePath)
	c := guideLoadBuiltin(t)
	known := map[string]bool{}
	for _, s := range c.Sources {
		known[s.Name] = true
	}
	guide, err := guideParse(string(data), known)
	if err != nil {
		t.Fatalf("parsing reference guide: %v", err)
	}
	if len(guide) != guideSourceCount {
		t.Errorf("found %d of the guide's sources in the catalog, want %d", len(guide), guideSourceCount)
	}
	baseline := guideCompare(guide, c)
	for _, e := range baseline {
		t.Error(e)
	}

	// The comparison must be able to fail: each mutation of an in-memory
	// copy must produce an error naming the mutated source.
	mutations := []struct {
		name   string
		source string // name expected in an error
		mutate func(c *guideCatalog)
	}{
		{"step removed", "ActiveCampaign", func(c *guideCatalog) {
			s := guideFindSource(c, "activecampaign")
			s.Steps = append(s.Steps[:1], s.Steps[2:]...)
		}},
		{"words changed", "Adjust", func(c *guideCatalog) {
			s := guideFindSource(c, "adjust")
			s.Steps[2].Text = strings.Replace(s.Steps[2].Text, "Reset", "Rotate", 1)
		}},
		{"invented step", "Branch", func(c *guideCatalog) {
			s := guideFindSource(c, "branch")
			s.Steps = append(s.Steps, guideStep{ID: "extra", Text: "Wait a few minutes."})
		}},
		{"steps swapped", "Awin", func(c *guideCatalog) {
			s := guideFindSource(c, "awin")
			s.Steps[0], s.Steps[1] = s.Steps[1], s.Steps[0]
		}},
		{"command changed", "Snowflake", func(c *guideCatalog) {
			s := guideFindSource(c, "snowflake")
			for i := range s.Steps {
				if s.Steps[i].Command != "" {
					s.Steps[i].Command = strings.TrimSuffix(s.Steps[i].Command, ";")
					return
				}
			}
		}},
		{"url removed", "Smarp", func(c *guideCatalog) {
			s := guideFindSource(c, "smarp")
			s.Steps[0].URL = ""
		}},
		{"source renamed", "Bing Webmaster Tools", func(c *guideCatalog) {
			guideFindSource(c, "bing-webmaster-tools").Name = "BingWebmaster Tools"
		}},
		{"source dropped", "Yext", func(c *guideCatalog) {
			c.Sources = c.Sources[:len(c.Sources)-1]
		}},
	}
	for _, m := range mutations {
		t.Run("detects "+m.name, func(t *testing.T) {
			mc := guideClone(c)
			m.mutate(&mc)
			errs := guideCompare(guide, mc)
			if len(errs) == 0 {
				t.Fatalf("mutation %q produced no error", m.name)
			}
			for _, e := range errs {
				if strings.Contains(e, m.source) {
					return
				}
			}
			t.Errorf("no error names %q; got %q", m.source, errs)
		})
	}
	if errs := guideCompare(guide, c); len(errs) != len(baseline) {
		t.Errorf("mutations leaked into the loaded catalog: %q", errs)
	}
}

// TestGuideBuiltinWellFormed checks the shape of builtin.toml without the
// guide: ids, required fields, kinds and durations.
func TestGuideBuiltinWellFormed(t *testing.T) {
	c := guideLoadBuiltin(t)
	if c.Version != 1 {
		t.Errorf("version = %d, want 1", c.Version)
	}
	if strings.TrimSpace(c.Title) == "" {
		t.Error("title is empty")
	}
	if !guideDurationRE.MatchString(c.RotateEvery) {
		t.Errorf("rotate_every = %q, want a duration like 90d", c.RotateEvery)
	}
	if len(c.Sources) != guideSourceCount {
		t.Errorf("catalog has %d sources, want %d", len(c.Sources), guideSourceCount)
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for i, s := range c.Sources {
		where := fmt.Sprintf("source %d (%q)", i+1, s.ID)
		checkGuideID(t, where, "source", s.ID, ids)
		if strings.TrimSpace(s.Name) == "" {
			t.Errorf("%s: empty name", where)
		}
		if names[strings.ToLower(s.Name)] {
			t.Errorf("%s: duplicate name %q", where, s.Name)
		}
		names[strings.ToLower(s.Name)] = true
		if strings.TrimSpace(s.Category) == "" {
			t.Errorf("%s: no category", where)
		}
		for _, a := range s.Aliases {
			if strings.TrimSpace(a) == "" {
				t.Errorf("%s: empty alias", where)
			}
		}
		if s.RotateEvery != "" && !guideDurationRE.MatchString(s.RotateEvery) {
			t.Errorf("%s: bad rotate_every %q", where, s.RotateEvery)
		}
		if s.Docs != "" && !strings.HasPrefix(s.Docs, "https://") {
			t.Errorf("%s: docs %q is not an https URL", where, s.Docs)
		}
		if len(s.Steps) == 0 {
			t.Errorf("%s: no steps", where)
		}
		stepIDs := map[string]bool{}
		for j, st := range s.Steps {
			sw := fmt.Sprintf("%s step %d (%q)", where, j+1, st.ID)
			checkGuideID(t, sw, "step", st.ID, stepIDs)
			if strings.TrimSpace(st.Text) == "" {
				t.Errorf("%s: empty text", sw)
			}
			if st.Kind != "" && !guideKinds[st.Kind] {
				t.Errorf("%s: unknown kind %q", sw, st.Kind)
			}
			if st.Wait != "" && !guideDurationRE.MatchString(st.Wait) {
				t.Errorf("%s: bad wait %q", sw, st.Wait)
			}
			if st.URL != "" && !strings.HasPrefix(st.URL, "https://") {
				t.Errorf("%s: url %q is not an https URL", sw, st.URL)
			}
		}
	}
}

// checkGuideID reports an id (of a source or a step, kind says which) that is not a
// lower-case slug or is in seen already, and adds it to seen.
func checkGuideID(t *testing.T, where, kind, id string, seen map[string]bool) {
	t.Helper()
	if !guideSlugRE.MatchString(id) {
		t.Errorf("%s: id is not a lower-case slug", where)
	}
	if seen[id] {
		t.Errorf("%s: duplicate %s id", where, kind)
	}
	seen[id] = true
}

// endRecorder is a testing.TB whose Fatalf and Skipf record how the test would
// end, and end the goroutine as the real ones do.
type endRecorder struct {
	testing.TB
	ended string // "fatal" or "skip"
	msg   string
}

func (r *endRecorder) Helper() {}

func (r *endRecorder) Fatalf(format string, args ...any) { r.end("fatal", format, args) }
func (r *endRecorder) Skipf(format string, args ...any)  { r.end("skip", format, args) }

func (r *endRecorder) end(how, format string, args []any) {
	r.ended, r.msg = how, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestMissingGuideFailsInCI: without the guide, the drift check is skipped, except in
// CI, where it fails saying why.
func TestMissingGuideFailsInCI(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "rotation-guide.txt")
	for ci, want := range map[string]string{"": "skip", "true": "fatal"} {
		t.Setenv("CI", ci)
		rec := &endRecorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			readGuide(rec, missing)
		}()
		<-done
		if rec.ended != want || !strings.Contains(rec.msg, missing) {
			t.Errorf("CI=%q: the test would %s (%q), want %s", ci, rec.ended, rec.msg, want)
		}
	}
}
