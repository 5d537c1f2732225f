package main

import (
	"os"
	"strings"
	"testing"
)

// teamKeysHead is how commentedKeys begins, up to the fields of its first key, which
// the tests change.
const teamKeysHead = `# Team keys. Ask #data-platform first.
version = 1

# The warehouse.
[[keys]]
source = "snowflake"
name = "prod"
`

// commentedKeys is a keys file a person wrote, comments and all.
const commentedKeys = teamKeysHead + `owner = "ana"   # on call this quarter
tags = { env = "prod" }

# One per shop.
[[keys]]
source = "shopware"
name = "de"
`

// readKeys returns the keys file's bytes, "" when there is none.
func (c *cli) readKeys() string {
	data, err := os.ReadFile(c.keysPath())
	if err != nil && !os.IsNotExist(err) {
		c.t.Fatal(err)
	}
	return string(data)
}

func TestKeyAddEditRetireRewriteKeysTomlKeepingComments(t *testing.T) {
	c := newCLI(t)
	c.write("config/rotatetui/keys.toml", commentedKeys)
	out := c.mustRun("key", "add", "Snowflake", "eu", "--owner", "bo", "--every", "30d", "--tag", "env=prod", "--tag", "region=eu", "--value", "account=xy12345", "--description", "EU account")
	if !strings.HasPrefix(out, "added snowflake/eu (") {
		t.Errorf("add said %q", out)
	}
	c.mustRun("key", "edit", "snowflake/prod", "--owner", "cy", "--tag", "team=data", "--every", "60d")
	c.mustRun("key", "edit", "snowflake/eu", "--no-description", "--value", "account=")
	out = c.mustRun("key", "retire", "shopware")
	if !strings.Contains(out, "retired shopware/de: it leaves the list; its history stays") {
		t.Errorf("retire said %q", out)
	}
	want := teamKeysHead + `owner = "cy"   # on call this quarter
tags = { env = "prod", team = "data" }
rotate_every = "60d"

# One per shop.
[[keys]]
source = "shopware"
name = "de"
retired = true

[[keys]]
source = "snowflake"
name = "eu"
owner = "bo"
rotate_every = "30d"
tags = { env = "prod", region = "eu" }
`
	if got := c.readKeys(); got != want {
		t.Errorf("keys.toml\n%s\nwant\n%s", got, want)
	}
	info, err := os.Stat(c.keysPath())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("keys.toml mode %v, want 0600 (%v)", info.Mode(), err)
	}
	list := c.mustRun("key", "list")
	if listRow(list, "shopware/de") != "" || listRow(list, "shopware") == "" || listRow(list, "snowflake/eu") == "" {
		t.Errorf("after retire, shopware is listed by its implicit key:\n%s", list)
	}
}

func TestKeyAddCreatesKeysToml(t *testing.T) {
	c := newCLI(t)
	c.mustRun("key", "add", "smarp", "eu", "--value", "subdomain=acme-eu")
	want := newKeysFile + "\n[[keys]]\nsource = \"smarp\"\nname = \"eu\"\nvalues = { subdomain = \"acme-eu\" }\n"
	if got := c.readKeys(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A value for a placeholder the source does not use is kept, with a warning.
	_, errOut, code := c.run("key", "add", "snowflake", "prod", "--value", "account=xy12345")
	if code != exitOK || !strings.Contains(errOut, "warning: snowflake/prod: Snowflake uses no placeholders: {account} fills nothing") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestKeyCommandsRefuseAndChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown source", []string{"key", "add", "snowflak", "x"}, `no source "snowflak"; did you mean: Snowflake (snowflake)`},
		{"bad name", []string{"key", "add", "snowflake", "Prod EU"}, `key name "Prod EU" is not valid`},
		{"existing key", []string{"key", "add", "snowflake", "prod"}, "key snowflake/prod is already declared"},
		{"bad duration", []string{"key", "add", "adjust", "a", "--every", "3 months"}, `--every: bad duration "3 months"`},
		{"bad tag", []string{"key", "add", "adjust", "a", "--tag", "env"}, "--tag env: give name=value"},
		{"bad tag name", []string{"key", "add", "adjust", "a", "--tag", "my env=x"}, `--tag: tag name "my env" is not valid`},
		{"bad placeholder name", []string{"key", "add", "adjust", "a", "--value", "1st=x"}, `--value: "1st" is no placeholder name`},
		{"a secret value", []string{"key", "add", "adjust", "a", "--value", "account=ghp_abcdefghijklmnopqrstuvwxyz0123456789"}, "values.account looks like a GitHub token: rotatetui never stores a secret"},
		{"control characters", []string{"key", "add", "adjust", "a", "--owner", "a\x1b[31mb"}, "--owner holds a line break or control character"},
		{"edit an implicit key", []string{"key", "edit", "adjust", "--owner", "x"}, "adjust declares no key: it has its implicit one"},
		{"edit an unknown key", []string{"key", "edit", "snowflake/nope", "--owner", "x"}, `no key or source "snowflake/nope"; did you mean: Snowflake · prod (snowflake/prod)`},
		{"retire an implicit key", []string{"key", "retire", "adjust"}, "adjust declares no key"},
		{"add with a flag of edit", []string{"key", "add", "adjust", "a", "--no-owner"}, "--no-owner does not go with 'key add'"},
		{"add without a name", []string{"key", "add", "adjust"}, "usage: rotatetui key add SOURCE NAME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.write("config/rotatetui/keys.toml", commentedKeys)
			_, errOut, code := c.run(tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
			if strings.Contains(errOut, "\x1b") || strings.Contains(errOut, "ghp_") {
				t.Errorf("stderr holds an escape or the secret: %q", errOut)
			}
			if got := c.readKeys(); got != commentedKeys {
				t.Errorf("a refusal changed keys.toml:\n%s", got)
			}
		})
	}
}

func TestKeyCommandsRefuseAFileTheyCannotRewrite(t *testing.T) {
	for name, file := range map[string]string{
		"inline array":      "keys = [{ source = \"snowflake\", name = \"prod\" }]\n",
		"tags in a table":   "[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\n[keys.tags]\nenv = \"prod\"\n",
		"invalid keys.toml": "[[keys]]\nsource = \"snowflake\"\nname = \"prod\"\nownr = \"x\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t)
			c.write("config/rotatetui/keys.toml", file)
			_, errOut, code := c.run("key", "edit", "snowflake/prod", "--tag", "env=staging")
			if code != exitUsage || errOut == "" {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
			if name != "invalid keys.toml" && !strings.Contains(errOut, "rotatetui cannot rewrite this keys file safely") {
				t.Errorf("stderr %q", errOut)
			}
			if got := c.readKeys(); got != file {
				t.Errorf("keys.toml changed:\n%s", got)
			}
		})
	}
}

func TestKeyEditWithNothingToChangeWritesNothing(t *testing.T) {
	c := newCLI(t)
	p := c.write("config/rotatetui/keys.toml", commentedKeys)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := c.mustRun("key", "edit", "snowflake/prod", "--owner", "ana"); !strings.Contains(out, "nothing to change") {
		t.Errorf("said %q", out)
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o644 {
		t.Error("an edit that changes nothing must not rewrite the file")
	}
	if out := c.mustRun("key", "retire", "snowflake/prod"); !strings.Contains(out, "retired") {
		t.Fatal(out)
	}
	if out := c.mustRun("key", "retire", "snowflake/prod"); !strings.Contains(out, "retired already") {
		t.Errorf("retiring twice said %q", out)
	}
}

func TestKeyCommandsRewriteOneAtATime(t *testing.T) {
	c := newCLI(t)
	// Eight adds at once: each reads, changes and writes keys.toml under the lock, so
	// none loses another's key.
	done := make(chan int)
	for i := range 8 {
		go func() {
			_, _, code := c.run("key", "add", "adjust", "app"+string(rune('a'+i)))
			done <- code
		}()
	}
	for range 8 {
		if code := <-done; code != exitOK {
			t.Errorf("exit %d", code)
		}
	}
	if got := strings.Count(c.readKeys(), "[[keys]]"); got != 8 {
		t.Errorf("%d keys in keys.toml, want 8:\n%s", got, c.readKeys())
	}
	if _, errOut, code := c.run("key", "add", "adjust", "z", "--json"); code != exitUsage || !strings.Contains(errOut, "--json does not go with 'key add'") {
		t.Errorf("--json with add: %d %q", code, errOut)
	}
}
