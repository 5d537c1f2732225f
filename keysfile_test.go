package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rotatetui/rotatetui/catalog"
)

func (c *cli) keysPath() string { return filepath.Join(c.home, "config", "rotatetui", "keys.toml") }

func TestBadKeysFileStopsRotatetuiWithFileLineAndExit2(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"unknown source":        {"version = 1\n\n[[keys]]\nsource = \"snowflak\"\nname = \"prod\"\n", `keys.toml:4:1: no source "snowflak" in the catalog; did you mean "snowflake"?`},
		"bad field":             {"[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\nownr = \"ana\"\n", `keys.toml:4:1: unknown key "ownr" in [[keys]]`},
		"secret value":          {"[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\nvalues = { account = \"AKIAIOSFODNN7EXAMPLE\" }\n", `keys.toml:4:12: values.account looks like an AWS access key id: rotatetui never stores a secret`},
		"every problem at once": {"[[keys]]\nsource = \"snowflak\"\nname = \"prod\"\nownr = \"ana\"\n", "keys.toml:2:1: no source \"snowflak\" in the catalog; did you mean \"snowflake\"?\n" + "KEYS:4:1: unknown key \"ownr\""},
		"secret owner":          {"[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\nowner = \"token: abcdef123456\"\n", `keys.toml:4:1: owner looks like a key or token: rotatetui never stores a secret`},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t)
			p := c.write("config/rotatetui/keys.toml", tc.file)
			_, errOut, code := c.run("status")
			if code != exitUsage || !strings.Contains(errOut, "rotatetui: keys refused:\n"+p) || !strings.Contains(errOut, strings.ReplaceAll(tc.want, "KEYS", p)) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
			if _, err := os.Stat(c.statePath()); err == nil {
				t.Error("a refused keys file must change nothing on disk")
			}
			if data, _ := os.ReadFile(p); string(data) != tc.file {
				t.Error("the keys file was changed")
			}
		})
	}
}

func TestGoodKeysFileIsLoaded(t *testing.T) {
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", "[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\nvalues = { account = \"xy12345\" }\n")
	if _, errOut, code := c.run("status"); code != exitOK {
		t.Fatalf("status with a good keys file: exit %d, %s", code, errOut)
	}
	out, errOut, code := c.run("key", "list")
	if code != exitOK || !strings.Contains(out, "snowflake/prod") {
		t.Errorf("key list: exit %d\n%s%s", code, out, errOut)
	}
}

func TestCatalogKeysAreCheckedAgainstTheMergedCatalog(t *testing.T) {
	c := newCLI(t)
	cat := c.write("mine.toml", "[[sources]]\nid = \"mine\"\nname = \"Mine\"\n[[sources.steps]]\ntext = \"t\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n\n[[keys]]\nsource = \"nope\"\nname = \"b\"\n")
	_, errOut, code := c.run("--catalog", cat, "status")
	if code != exitUsage || !strings.Contains(errOut, cat+`:12:1: no source "nope" in the catalog`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestValidateChecksKeysFiles(t *testing.T) {
	c := newCLI(t)
	bad := c.write("k.toml", "[[keys]]\nsource = \"snowflake\"\nname = \"Prod\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\nvalues = { acount = \"x\" }\n")
	out, _, code := c.run("validate", bad)
	if code != exitFailed || !strings.Contains(out, bad+`:3:1: key name "Prod" is not valid`) || !strings.Contains(out, "1 file checked: 1 problem") {
		t.Errorf("exit %d\n%s", code, out)
	}
	bad2 := c.write("k2.toml", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nvalues = { acount = \"x\" }\n")
	out, _, code = c.run("validate", bad2)
	if code != exitOK || !strings.Contains(out, bad2+`:4:12: warning: Adjust uses no placeholders: {acount} fills nothing`) {
		t.Errorf("checked against the catalog, a value that fills nothing is a warning: exit %d\n%s", code, out)
	}
	bad3 := c.write("k3.toml", "[[keys]]\nsource = \"adjustt\"\nname = \"a\"\n")
	if out, _, code := c.run("validate", bad3); code != exitFailed || !strings.Contains(out, bad3+`:2:1: no source "adjustt" in the catalog; did you mean "adjust"?`) {
		t.Errorf("checked against the catalog: exit %d\n%s", code, out)
	}
	good := c.write("config/rotatetui/keys.toml", "version = 1\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n")
	if out, _, code := c.run("validate", good); code != exitOK || !strings.Contains(out, "no problems") {
		t.Errorf("good keys file: exit %d\n%s", code, out)
	}
	// Without arguments, keys.toml is checked with the catalogs in use.
	c.write("config/rotatetui/keys.toml", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = 1\n")
	if out, _, code := c.run("validate"); code != exitFailed || !strings.Contains(out, "keys.toml:4:1: owner must be a string") {
		t.Errorf("validate without arguments: exit %d\n%s", code, out)
	}
}

func TestKeyListShowsEveryLiveKeyImplicitOnesIncluded(t *testing.T) {
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", `[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
rotate_every = "30d"
tags = { env = "prod", team = "data" }

[[keys]]
source = "snowflake"
name = "eu"
retired = true
`)
	out, errOut, code := c.run("key", "list")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := listRow(out, "KEY"); got != "KEY NAME OWNER EVERY TAGS" {
		t.Errorf("header %q", got)
	}
	if got := listRow(out, "snowflake/prod"); got != "snowflake/prod Snowflake · prod ana 30d env=prod, team=data" {
		t.Errorf("row %q", got)
	}
	if got := listRow(out, "adjust"); got != "adjust Adjust - 90d -" {
		t.Errorf("an implicit key's row %q", got)
	}
	if strings.Contains(out, "snowflake/eu") || strings.Contains(out, "\nsnowflake ") {
		t.Errorf("the retired key and snowflake's implicit key are not listed:\n%s", out)
	}
	all, _, _ := c.run("key", "list", "--all")
	if got := listRow(all, "snowflake/eu"); got != "snowflake/eu Snowflake · eu (retired) - 90d -" {
		t.Errorf("key list --all:\n%s", all)
	}
	js, _, code := c.run("key", "list", "--json")
	var keys []keyJSON
	if err := json.Unmarshal([]byte(js), &keys); err != nil || code != exitOK {
		t.Fatalf("key list --json: %v\n%s", err, js)
	}
	byID := map[string]keyJSON{}
	for _, k := range keys {
		byID[k.ID] = k
	}
	if k := byID["snowflake/prod"]; k.Interval != "30d" || k.RotateEvery != "30d" || k.Tags["env"] != "prod" || k.Implicit || k.Title != "Snowflake · prod" || k.Owner != "ana" {
		t.Errorf("key list --json: %+v", k)
	}
	if k, ok := byID["adjust"]; !ok || !k.Implicit || k.Interval != "90d" || k.RotateEvery != "" || k.Origin != "" {
		t.Errorf("key list --json, an implicit key: %+v", k)
	}
	if _, ok := byID["snowflake/eu"]; ok || len(keys) != 51 {
		t.Errorf("key list --json: %d keys, want the 51 live ones", len(keys))
	}
	if _, errOut, code := c.run("key", "list", "--owner", "x"); code != exitUsage || !strings.Contains(errOut, "--owner does not go with 'key list'") {
		t.Errorf("a flag of another subcommand: %d %q", code, errOut)
	}
	if _, errOut, code := c.run("key", "lst"); code != exitUsage || !strings.Contains(errOut, `key needs a subcommand, not "lst"`) {
		t.Errorf("an unknown subcommand: %d %q", code, errOut)
	}
}

// listRow is the line of a table that starts with first, its cells single-spaced.
func listRow(out, first string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == first {
			return strings.Join(f, " ")
		}
	}
	return ""
}

// TestACheckCommandWithPrintfEscapesIsNotASecret: colour escapes spelt out in a check
// command do not make it look like a password; a key in it is still refused.
func TestACheckCommandWithPrintfEscapesIsNotASecret(t *testing.T) {
	k := &catalog.Key{ID: "awin/main", Source: "awin", Name: "main", CheckNew: `printf '\033[32mOK\033[0m 200\n'; curl -fsS https://example.com/`}
	if p := keySecretProblems(k); len(p) != 0 {
		t.Errorf("printf escapes: %v", p)
	}
	k.CheckNew = `printf '\033[32m'; curl -H "Authorization: Bearer sk_live_51HxAbCdEfGhIjKlMnOpQrStUv" https://example.com/`
	if p := keySecretProblems(k); len(p) == 0 {
		t.Error("a key in the command, with escapes beside it, was not refused")
	}
}
