package catalog

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// editKeysHead is how editKeysFile begins, up to the fields of its first key, which
// the tests change.
const editKeysHead = `# Our keys. Ask #data-platform before adding one.
version = 1

# Production: rotated monthly.
[[keys]]
source = "snowflake"   # the warehouse
name = "prod"
`

// editKeysFile is a keys file a person wrote, comments and all.
const editKeysFile = editKeysHead + `owner = "ana"          # on call
description = "Production"

  # EU, since 2025.
[[keys]]
source = "snowflake"
name = "eu"
tags = { env = "prod" } # per env

` + editKeysApps

// editKeysApps is how editKeysFile ends: a key the tests leave as it is.
const editKeysApps = `# Apps.
[[keys]]
source = "adjust"
name = "app"
[keys.values]
account = "a1"
`

func editKeys(t *testing.T, data string) *KeysEdit {
	t.Helper()
	e, err := EditKeys("keys.toml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func keyOf(t *testing.T, e *KeysEdit, id string) Key {
	t.Helper()
	for _, k := range e.Keys() {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("no key %s", id)
	return Key{}
}

func mustBytes(t *testing.T, e *KeysEdit) string {
	t.Helper()
	out, err := e.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestKeysEditChangesOnlyTheLinesOfChangedFields(t *testing.T) {
	e := editKeys(t, editKeysFile)
	prod := keyOf(t, e, "snowflake/prod")
	prod.Owner = "bo \"the\" admin"
	prod.Description = ""
	prod.RotateEvery = Duration(30 * 24 * time.Hour)
	prod.Tags = map[string]string{"team": "data", "env": "prod"}
	if err := e.Update(prod); err != nil {
		t.Fatal(err)
	}
	eu := keyOf(t, e, "snowflake/eu")
	eu.Retired = true
	eu.Tags = map[string]string{"env": "staging"}
	if err := e.Update(eu); err != nil {
		t.Fatal(err)
	}
	if err := e.Add(Key{ID: "adjust/web", Source: "adjust", Name: "web", Owner: "cy", Values: map[string]string{"b": "2", "a": "1"}}); err != nil {
		t.Fatal(err)
	}
	want := editKeysHead + `owner = "bo \"the\" admin"          # on call
rotate_every = "30d"
tags = { env = "prod", team = "data" }

  # EU, since 2025.
[[keys]]
source = "snowflake"
name = "eu"
tags = { env = "staging" } # per env
retired = true

` + editKeysApps + `
[[keys]]
source = "adjust"
name = "web"
owner = "cy"
values = { a = "1", b = "2" }
`
	if got := mustBytes(t, e); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestKeysEditLeavesAnUnchangedFileByteForByte(t *testing.T) {
	e := editKeys(t, editKeysFile)
	for _, k := range e.Keys() {
		if err := e.Update(k); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustBytes(t, e); got != editKeysFile {
		t.Errorf("an update that changes nothing changed the file:\n%s", got)
	}
	// A second update of a key replaces the first, against the file as read.
	prod := keyOf(t, e, "snowflake/prod")
	prod.Owner = "x"
	_ = e.Update(prod)
	prod.Owner = "y"
	_ = e.Update(prod)
	if got := mustBytes(t, e); strings.Count(got, "owner =") != 1 || !strings.Contains(got, `owner = "y"`) {
		t.Errorf("two updates of one key:\n%s", got)
	}
}

func TestKeysEditAppendsToAFileWithoutATrailingNewlineOrKeys(t *testing.T) {
	for in, want := range map[string]string{
		"version = 1":               "version = 1\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n",
		"version = 1\n":             "version = 1\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n",
		"":                          "[[keys]]\nsource = \"adjust\"\nname = \"a\"\n",
		"# keys\r\nversion = 1\r\n": "# keys\r\nversion = 1\r\n\r\n[[keys]]\r\nsource = \"adjust\"\r\nname = \"a\"\r\n",
	} {
		e := editKeys(t, in)
		if err := e.Add(Key{ID: "adjust/a", Source: "adjust", Name: "a"}); err != nil {
			t.Fatal(err)
		}
		if got := mustBytes(t, e); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	e := editKeys(t, editKeysFile)
	if err := e.Add(Key{ID: "snowflake/prod", Source: "snowflake", Name: "prod"}); err == nil {
		t.Error("adding an id the file has must fail")
	}
}

func TestKeysEditKeepsCRLFLineEndings(t *testing.T) {
	in := "[[keys]]\r\nsource = \"adjust\"\r\nname = \"a\"\r\nowner = \"x\"\r\n"
	e := editKeys(t, in)
	k := keyOf(t, e, "adjust/a")
	k.Owner, k.Description = "y", "d"
	if err := e.Update(k); err != nil {
		t.Fatal(err)
	}
	if got, want := mustBytes(t, e), "[[keys]]\r\nsource = \"adjust\"\r\nname = \"a\"\r\nowner = \"y\"\r\ndescription = \"d\"\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestKeysEditReplacesAMultiLineValueWhole(t *testing.T) {
	in := "[[keys]]\nsource = \"adjust\"\nname = \"a\"\ndescription = \"\"\"\nProduction\"\"\"\nowner = \"x\"\n"
	e := editKeys(t, in)
	k := keyOf(t, e, "adjust/a")
	k.Description = "Staging"
	if err := e.Update(k); err != nil {
		t.Fatal(err)
	}
	if got, want := mustBytes(t, e), "[[keys]]\nsource = \"adjust\"\nname = \"a\"\ndescription = \"Staging\"\nowner = \"x\"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestKeysEditRefusesWhatItCannotRewrite(t *testing.T) {
	var nr *NotRewritableError
	if _, err := EditKeys("keys.toml", []byte("keys = [{ source = \"adjust\", name = \"a\" }]\n")); !errors.As(err, &nr) || !strings.Contains(err.Error(), "inline array") {
		t.Errorf("an inline array of keys: %v", err)
	}
	e := editKeys(t, editKeysFile)
	app := keyOf(t, e, "adjust/app")
	app.Values = map[string]string{"account": "a2"}
	if err := e.Update(app); !errors.As(err, &nr) || !strings.Contains(err.Error(), "keys.toml:18: rotatetui cannot rewrite this keys file safely: the values of key adjust/app are not written as one \"values = ...\" line") {
		t.Errorf("values in a [keys.values] table: %v", err)
	}
	if got := mustBytes(t, e); got != editKeysFile {
		t.Error("a refused update must change nothing")
	}
	if _, err := EditKeys("keys.toml", []byte("version = 1 # [[keys]]\n")); err != nil {
		t.Errorf("a header in a comment is no header: %v", err)
	}
}

func TestTomlStringRoundTrips(t *testing.T) {
	for _, s := range []string{"plain", `a "quoted" \ back`, "tab\there", "ünï", "ctl\x01\x7f"} {
		keys, err := ParseKeys("k.toml", []byte("[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = "+tomlString(s)+"\n"))
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := PrintableLine(s); keys[0].Owner != want {
			t.Errorf("%q read back as %q, want %q", s, keys[0].Owner, want)
		}
	}
}
