package catalog

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodCatalog = `version = 1
title = "Test catalog"
rotate_every = "30d"

[[sources]]
id = "snowflake"
name = "Snowflake"
aliases = ["snow"]
category = "Data warehouse"
docs = "https://docs.snowflake.com/"
note = "Needs ACCOUNTADMIN."

  [[sources.steps]]
  id = "login"
  text = "Log in."
  kind = "navigate"

  [[sources.steps]]
  text = """
Run the first command:"""
  command = 'ALTER SECURITY INTEGRATION "App" REFRESH OAUTH_CLIENT_SECRET_2;'
  kind = "create"
  wait = "30m"

[[sources]]
id = "smarp"
name = "Smarp"

  [[sources.steps]]
  text = "Open settings."
  url = "https://{subdomain}.smarpshare.com/#/profile/settings"
`

func TestParseGoodCatalog(t *testing.T) {
	c, err := Parse("good.toml", []byte(goodCatalog))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Title != "Test catalog" || c.RotateEvery != Duration(30*24*time.Hour) {
		t.Errorf("title/rotate_every = %q/%v", c.Title, c.RotateEvery)
	}
	if len(c.Sources) != 2 {
		t.Fatalf("got %d sources, want 2", len(c.Sources))
	}
	snow := c.Sources[0]
	if snow.ID != "snowflake" || snow.Name != "Snowflake" || snow.Category != "Data warehouse" ||
		snow.Docs != "https://docs.snowflake.com/" || snow.Note != "Needs ACCOUNTADMIN." ||
		len(snow.Aliases) != 1 || snow.Aliases[0] != "snow" {
		t.Errorf("snowflake source decoded wrong: %+v", snow)
	}
	if len(snow.Steps) != 2 {
		t.Fatalf("got %d steps, want 2", len(snow.Steps))
	}
	if st := snow.Steps[0]; st.Key != "login" || st.Kind != KindNavigate {
		t.Errorf("explicit id should be the key: %+v", st)
	}
	st := snow.Steps[1]
	if st.Command != `ALTER SECURITY INTEGRATION "App" REFRESH OAUTH_CLIENT_SECRET_2;` || st.Kind != KindCreate || st.Wait != Duration(30*time.Minute) {
		t.Errorf("second step decoded wrong: %+v", st)
	}
	if !strings.HasPrefix(st.Key, "t-") || st.Key != derivedKey("Run the first command:") {
		t.Errorf("derived key = %q", st.Key)
	}
	if got := c.Sources[1].Steps[0].URL; got != "https://{subdomain}.smarpshare.com/#/profile/settings" {
		t.Errorf("url = %q", got)
	}
}

func TestDerivedKeysIgnoreCaseAndSpacingButNotWords(t *testing.T) {
	if derivedKey("Click  Delete.") != derivedKey("click delete.") {
		t.Error("case and spacing changed the key")
	}
	if derivedKey("Click Delete.") == derivedKey("Click Revoke.") {
		t.Error("different words gave the same key")
	}
}

func TestDuplicateStepTextGetsDistinctKeys(t *testing.T) {
	c, err := Parse("dup.toml", []byte(`title = "t"
[[sources]]
id = "a"
name = "A"
[[sources.steps]]
text = "Confirm."
[[sources.steps]]
text = "Confirm."
`))
	if err != nil {
		t.Fatal(err)
	}
	if k := c.Sources[0].StepKeys(); k[0] == k[1] {
		t.Errorf("keys collide: %v", k)
	}
}

// TestParseReportsEveryProblemWithItsPosition covers each kind of bad file: the message
// must carry the file name, the line and column of the offending key, and what is wrong.
func TestParseReportsEveryProblemWithItsPosition(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want []string // each must appear, in order, one per problem
	}{
		{"syntax error", "title = \"x\"\n[[sources]\n", []string{"bad.toml:2:"}},
		{"no sources", "title = \"x\"\n", []string{"bad.toml:1:1: no sources"}},
		{"empty sources", "title = \"x\"\nsources = []\n", []string{"bad.toml:2:1: no sources"}},
		{"id like a derived key", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\nid = \"t-b992b55069\"\ntext = \"x\"\n",
			[]string{`bad.toml:5:1: step id "t-b992b55069" looks like a generated key`}},
		{"newer version", "version = 2\ntitle = \"x\"\n", []string{"bad.toml:1:1: catalog format version 2 is newer"}},
		{"empty step text", "title = \"x\"\n[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"  \"\n",
			[]string{"bad.toml:6:1: empty step text"}},
		{"missing step text", "[[sources]]\nid = \"a\"\nname = \"A\"\n  [[sources.steps]]\n  kind = \"create\"\n",
			[]string{"bad.toml:4:3: step has no text"}},
		{"duplicate source ids", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n[[sources]]\nid = \"a\"\nname = \"B\"\n[[sources.steps]]\ntext = \"t\"\n",
			[]string{`bad.toml:7:1: duplicate source id "a" (first used at line 2)`}},
		{"duplicate step ids", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\nid = \"s\"\ntext = \"t\"\n[[sources.steps]]\nid = \"s\"\ntext = \"u\"\n",
			[]string{`bad.toml:8:1: duplicate step id "s"`}},
		{"unknown key", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntxt = \"t\"\n",
			[]string{"bad.toml:4:1: step has no text", `bad.toml:5:1: unknown key "txt" in [[sources.steps]] (known keys: id, text, kind, command, url, wait); did you mean "text"?`}},
		{"misspelt sources table", "[[source]]\nid = \"a\"\n",
			[]string{`bad.toml:1:1: unknown key "source" at the top level (known keys: version, title, rotate_every); did you mean [[sources]]?`, "no sources"}},
		{"misspelt steps table", "[[sources]]\nid = \"a\"\nname = \"A\"\n\n[[sources.step]]\ntext = \"t\"\n",
			[]string{`source "a" has no steps`, `bad.toml:5:1: unknown key "step" in [[sources]] (known keys: id, name, aliases, category, docs, note, rotate_every, disabled); did you mean [[sources.steps]]?`}},
		{"wrong type", "title = 3\n[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n",
			[]string{"bad.toml:1:1: title must be a string, not an integer"}},
		{"bad id", "[[sources]]\nid = \"Snow Flake\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n",
			[]string{`bad.toml:2:1: source id "Snow Flake" is not a lower-case slug`}},
		{"no steps", "[[sources]]\nid = \"a\"\nname = \"A\"\n", []string{`bad.toml:1:1: source "a" has no steps`}},
		{"bad duration", "rotate_every = \"3 months\"\n[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\nwait = \"0m\"\n",
			[]string{"bad.toml:1:1: rotate_every: bad duration", "bad.toml:7:1: wait: duration \"0m\" must be longer than zero"}},
		{"unknown kind", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\nkind = \"delete\"\n",
			[]string{`bad.toml:6:1: unknown step kind "delete"`}},
		{"nameless placeholder", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\nurl = \"https://{}.example.com/\"\n",
			[]string{"bad.toml:6:1: placeholder with no name"}},
		{"invalid utf-8", "title = \"ok\"\n[[sources]]\nid = \"a\"\nname = \"\xff\"\n",
			[]string{"bad.toml:4:9: invalid UTF-8"}},
		{"several problems at once", "[[sources]]\nid = \"a\"\n[[sources.steps]]\ntext = \"\"\nkind = \"nope\"\n",
			[]string{`bad.toml:1:1: source "a" has no name`, "bad.toml:4:1: empty step text", `bad.toml:5:1: unknown step kind "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.toml", []byte(tt.toml))
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("want *Error, got %v", err)
			}
			if len(cerr.Problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(cerr.Problems), len(tt.want), err)
			}
			for i, want := range tt.want {
				if got := cerr.Problems[i].String(); !strings.Contains(got, want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got, want)
				}
			}
		})
	}
}

// TestNearestKeySuggestsOnlyCloseKeys: a suggestion must be likely, or it misleads.
func TestNearestKeySuggestsOnlyCloseKeys(t *testing.T) {
	known := []string{"id", "name", "aliases", "rotate_every", "steps"}
	for typed, want := range map[string]string{
		"txt": "", "nmae": "name", "alias": "aliases", "step": "steps", "Name": "name",
		"rotate_evry": "rotate_every", "colour": "", "rotate": "", "": "",
	} {
		if got := nearestKey(typed, known); got != want {
			t.Errorf("nearestKey(%q) = %q, want %q", typed, got, want)
		}
	}
}

func TestLoadFileSetsOriginAndNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(good, []byte(goodCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sources[0].Origin != good || !c.Sources[0].Custom() {
		t.Errorf("origin = %q", c.Sources[0].Origin)
	}
	bad := filepath.Join(dir, "broken.toml")
	if err := os.WriteFile(bad, []byte("title = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":1:") {
		t.Errorf("error should start with %s:1:, got %v", bad, err)
	}
}

func TestMergeReplacesAddsAndHides(t *testing.T) {
	base := &Catalog{Title: "base", Sources: []Source{{ID: "a", Name: "A", Origin: BuiltinOrigin}, {ID: "b", Name: "B", Origin: BuiltinOrigin}, {ID: "c", Name: "C", Origin: BuiltinOrigin}}}
	user := &Catalog{Sources: []Source{{ID: "b", Name: "B mine", Origin: "u.toml"}, {ID: "d", Name: "D", Origin: "u.toml"}, {ID: "c", Disabled: true}}}
	got := Merge(base, user)
	if got.Title != "base" {
		t.Errorf("title = %q, an overlay without title must keep the base title", got.Title)
	}
	var names []string
	for _, s := range got.Sources {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "A,B mine,D" {
		t.Errorf("merged = %v, want A,B mine,D", names)
	}
	if !got.Sources[1].Custom() || got.Sources[0].Custom() {
		t.Error("origin not kept through merge")
	}
}

func TestLookup(t *testing.T) {
	c := &Catalog{Sources: []Source{{ID: "snowflake", Name: "Snowflake"}, {ID: "close-crm", Name: "Close CRM", Aliases: []string{"Close.io"}}}}
	if s, _ := c.Lookup("SNOWFLAKE"); s == nil || s.ID != "snowflake" {
		t.Error("name lookup is not case-insensitive")
	}
	if s, _ := c.Lookup("close-crm"); s == nil {
		t.Error("id lookup failed")
	}
	if s, near := c.Lookup("close"); s != nil || len(near) != 1 || near[0].ID != "close-crm" {
		t.Errorf("partial query should suggest, got %v %v", s, near)
	}
	src := &Source{Steps: []Step{{ID: "a", Key: "a"}, {Key: "t-1"}}}
	for ref, want := range map[string]int{"1": 0, "2": 1, "3": -1, "0": -1, "a": 0, "t-1": 1, "x": -1, "01": -1} {
		if got := src.StepIndex(ref); got != want {
			t.Errorf("StepIndex(%q) = %d, want %d", ref, got, want)
		}
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "12h": 12 * time.Hour, "30m": 30 * time.Minute, "1d12h": 36 * time.Hour, "2w": 14 * 24 * time.Hour} {
		got, err := ParseDuration(in)
		if err != nil || time.Duration(got) != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "90", "d", "3 months", "1h1d", "0d", "-5d", "1.5h", "90x", "999999999d", "100000w", "15251w", "36501d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{"90d": "90d", "36h": "1d12h", "30m": "30m", "2w": "14d"} {
		d, _ := ParseDuration(in)
		if d.String() != want {
			t.Errorf("%s prints as %q, want %q", in, d.String(), want)
		}
	}
}

func TestBuiltinCatalogLoads(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	if len(c.Sources) != 51 {
		t.Errorf("built-in catalog has %d sources, want 51", len(c.Sources))
	}
	for _, s := range c.Sources {
		if len(s.Steps) == 0 {
			t.Errorf("%s has no steps", s.ID)
		}
		if s.Custom() {
			t.Errorf("%s: origin %q, want builtin", s.ID, s.Origin)
		}
	}
	snow, _ := c.Lookup("snowflake")
	if snow == nil {
		t.Fatal("no snowflake")
	}
	var commands int
	for _, st := range snow.Steps {
		if st.Command != "" {
			commands++
		}
	}
	if commands != 3 {
		t.Errorf("snowflake has %d SQL commands, want 3", commands)
	}
	// A second call must not share slices with the first: callers may edit their copy.
	again, _ := Builtin()
	again.Sources[0].Steps[0].Text = "changed"
	if c.Sources[0].Steps[0].Text == "changed" {
		t.Error("Builtin returns shared data")
	}
}

// TestASCIINormalizedAgreesWithTheWords: the shortcut for step keys gives exactly the
// normalised words, or declines.
func TestASCIINormalizedAgreesWithTheWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	alphabet := []byte("aZ .\t\n\v\x00\x7f-")
	declined := 0
	for range 20000 {
		text := make([]byte, rng.IntN(8))
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(10) == 0 {
			text = append(text, "é\u00a0\u0085"[rng.IntN(3)*2:][:2]...)
		}
		got, ok := asciiNormalized(string(text), nil)
		if !ok {
			declined++
			continue
		}
		if want := normalizedWords(string(text)); string(got) != want {
			t.Fatalf("asciiNormalized(%q) = %q, want %q", text, got, want)
		}
	}
	if declined == 0 || declined == 20000 {
		t.Errorf("declined %d of 20000: the test does not exercise both paths", declined)
	}
}

func TestIsSlugAgreesWithThePattern(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("az09-_A. ")
	for range 20000 {
		s := make([]byte, rng.IntN(6))
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if got, want := isSlug(string(s)), slugPattern().MatchString(string(s)); got != want {
			t.Fatalf("isSlug(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
