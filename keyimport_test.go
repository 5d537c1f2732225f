package main

import (
	"os"
	"strings"
	"testing"
)

const inventoryCSV = `source,name,owner,rotate_every,tags,values
snowflake,prod,dana,30d,env=prod,
Snowflake,eu,bo,,env=prod;region=eu,
smarp,de,,90d,,subdomain=acme-de
`

func TestKeyImportAddsUpdatesAndIsIdempotent(t *testing.T) {
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", commentedKeys)
	inv := c.write("inventory.csv", inventoryCSV)

	// A dry run says what would change and writes nothing.
	out := c.mustRun("key", "import", inv, "--dry-run")
	for _, want := range []string{"would update snowflake/prod (owner, rotate_every)\n", "would add snowflake/eu\n", "would add smarp/de\n", "2 to add, 1 to update, 0 unchanged; dry run, nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if got := c.readKeys(); got != commentedKeys {
		t.Fatalf("a dry run wrote keys.toml:\n%s", got)
	}

	out = c.mustRun("key", "import", inv)
	if !strings.Contains(out, "updated snowflake/prod (owner, rotate_every)\nadded snowflake/eu\nadded smarp/de\n2 added, 1 updated, 0 unchanged") {
		t.Errorf("import said:\n%s", out)
	}
	want := teamKeysHead + `owner = "dana"   # on call this quarter
tags = { env = "prod" }
rotate_every = "30d"

# One per shop.
[[keys]]
source = "shopware"
name = "de"

[[keys]]
source = "snowflake"
name = "eu"
owner = "bo"
tags = { env = "prod", region = "eu" }

[[keys]]
source = "smarp"
name = "de"
rotate_every = "90d"
values = { subdomain = "acme-de" }
`
	if got := c.readKeys(); got != want {
		t.Errorf("keys.toml\n%s\nwant\n%s", got, want)
	}

	// The same file again changes nothing.
	out = c.mustRun("key", "import", inv)
	if !strings.Contains(out, "nothing to change: 3 keys are as in the file") {
		t.Errorf("second import said:\n%s", out)
	}
	if got := c.readKeys(); got != want {
		t.Errorf("a second import changed keys.toml:\n%s", got)
	}
}

func TestKeyImportReadsJSON(t *testing.T) {
	c := newCLI(t)
	inv := c.write("inventory.json", `[
  {"source": "snowflake", "name": "prod", "owner": "ana", "tags": {"env": "prod"}, "rotate_every": "30d"},
  {"source": "smarp", "name": "de", "values": "subdomain=acme-de", "description": null}
]`)
	if out := c.mustRun("key", "import", inv); !strings.Contains(out, "2 added, 0 updated, 0 unchanged") {
		t.Errorf("import said:\n%s", out)
	}
	want := newKeysFile + `
[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
rotate_every = "30d"
tags = { env = "prod" }

[[keys]]
source = "smarp"
name = "de"
values = { subdomain = "acme-de" }
`
	if got := c.readKeys(); got != want {
		t.Errorf("keys.toml\n%s\nwant\n%s", got, want)
	}
	if out := c.mustRun("key", "import", inv); !strings.Contains(out, "nothing to change") {
		t.Errorf("second import said:\n%s", out)
	}
}

func TestKeyImportIsAllOrNothingAndNamesEveryBadRow(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                []string
	}{
		{"bad rows", "inv.csv", `source,name,owner,rotate_every,tags,values
snowflake,ok,,,,
snowflak,prod,,,,
adjust,Prod EU,,,,
adjust,a,,3 months,,
adjust,b,,,env,
adjust,c,,,,account=AKIAIOSFODNN7EXAMPLE
snowflake,ok,,,,
`, []string{
			"inv.csv:3: no source \"snowflak\"; did you mean: Snowflake (snowflake)",
			"inv.csv:4: key name \"Prod EU\" is not valid",
			"inv.csv:5: rotate_every: bad duration \"3 months\"",
			"inv.csv:6: tags: \"env\" is no name=value pair",
			"inv.csv:7: values.account looks like an AWS access key id",
			"inv.csv:8: key snowflake/ok is on line 2 already",
			"rotatetui: nothing imported: 6 problems",
		}},
		{"unknown column", "inv.csv", "source,name,ownr\nadjust,a,x\n", []string{`inv.csv:1: unknown column "ownr" (columns: source,name,owner,description,rotate_every,tags,values); did you mean owner?`}},
		{"no name column", "inv.csv", "source,owner\nadjust,x\n", []string{`inv.csv:1: no "name" column`}},
		{"bad CSV", "inv.csv", "source,name\nadjust,\"a\n", []string{"inv.csv:2: CSV: "}},
		{"ragged CSV", "inv.csv", "source,name\nadjust,a,extra\n", []string{"inv.csv:2: CSV: wrong number of fields"}},
		{"JSON rows", "inv.json", "[\n  {\"source\": \"adjust\", \"name\": \"a\"},\n\n  {\"source\": \"adjust\", \"nam\": \"b\"},\n  {\"source\": \"adjust\", \"name\": \"c\", \"tags\": 3}\n]\n", []string{
			`inv.json:4: unknown field "nam"`, `inv.json:5: tags must be an object of strings`}},
		{"JSON not an array", "inv.json", `{"source": "adjust"}`, []string{"inv.json:1: JSON: the file must be an array of objects"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.write("config/rotatetui/keys.toml", commentedKeys)
			inv := c.write(tc.file, tc.content)
			_, errOut, code := c.run("key", "import", inv)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			dir := strings.TrimSuffix(inv, tc.file)
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) && !strings.Contains(errOut, dir+w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(errOut, "AKIA") {
				t.Errorf("stderr repeats the secret:\n%s", errOut)
			}
			if got := c.readKeys(); got != commentedKeys {
				t.Errorf("a refused import changed keys.toml:\n%s", got)
			}
		})
	}
	c := newCLI(t)
	if _, errOut, code := c.run("key", "import", c.write("inv.txt", "x")); code != exitUsage || !strings.Contains(errOut, "give a .csv or a .json file") {
		t.Errorf("another extension: %d %q", code, errOut)
	}
}

// TestReadmeKeysExamplesWork runs the README's keys.toml and CSV examples.
func TestReadmeKeysExamplesWork(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(data)[strings.Index(string(data), "## Several accounts of one provider"):]
	block := func(fence string) string {
		start := strings.Index(section, "```"+fence+"\n") + len(fence) + 4
		return section[start : start+strings.Index(section[start:], "```")]
	}
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", block("toml"))
	if out := c.mustRun("key", "list", "--all"); listRow(out, "snowflake/prod") == "" || listRow(out, "snowflake/eu") == "" {
		t.Errorf("the README's keys.toml:\n%s", out)
	}
	inv := c.write("keys.csv", block("csv"))
	if out := c.mustRun("key", "import", inv); !strings.Contains(out, "1 added, 0 updated, 1 unchanged") {
		t.Errorf("the README's CSV:\n%s", out)
	}
}
