package catalog

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// keysCatalog has a source with placeholders (snowflake), one without (adjust) and one
// whose id is close to another's (shopware).
const keysCatalog = `[[sources]]
id = "snowflake"
name = "Snowflake"
aliases = ["snow"]

  [[sources.steps]]
  text = "Open the worksheet."
  url = "https://app.snowflake.com/{region}/{account}/worksheets"

  [[sources.steps]]
  text = "Refresh."
  command = 'ALTER SECURITY INTEGRATION "{integration}" REFRESH;'

[[sources]]
id = "adjust"
name = "Adjust"

  [[sources.steps]]
  text = "Reset the token."

[[sources]]
id = "shopware"
name = "Shopware"

  [[sources.steps]]
  text = "Create a key."
`

func keysTestCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := Parse("cat.toml", []byte(keysCatalog))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const goodKeysFile = `version = 1

# Production.
[[keys]]
source = "snowflake"
name = "prod"
owner = "ana"
description = "Production account, eu-central-1"
rotate_every = "30d"
tags = { env = "prod", team = "data" }
values = { account = "xy12345", region = "eu-central-1" }

[[keys]]
source = "snowflake"
name = "eu"
retired = true

[[keys]]
source = "adjust"
name = "app_1"
[keys.tags]
env = "staging"
`

// plain drops what a parsed key keeps for problem reports, so keys compare as data.
func plain(keys []Key) []Key {
	out := make([]Key, len(keys))
	for i, k := range keys {
		k.at = nil
		out[i] = k
	}
	return out
}

func TestParseKeysReadsEveryField(t *testing.T) {
	keys, err := ParseKeys("keys.toml", []byte(goodKeysFile))
	if err != nil {
		t.Fatal(err)
	}
	want := []Key{
		{ID: "snowflake/prod", Source: "snowflake", Name: "prod", Owner: "ana", Description: "Production account, eu-central-1",
			Tags: map[string]string{"env": "prod", "team": "data"}, RotateEvery: Duration(30 * 24 * time.Hour),
			Values: map[string]string{"account": "xy12345", "region": "eu-central-1"}, Origin: "keys.toml"},
		{ID: "snowflake/eu", Source: "snowflake", Name: "eu", Retired: true, Origin: "keys.toml"},
		{ID: "adjust/app_1", Source: "adjust", Name: "app_1", Tags: map[string]string{"env": "staging"}, Origin: "keys.toml"},
	}
	if got := plain(keys); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if err := ValidateKeys("keys.toml", keys, keysTestCatalog(t)); err != nil {
		t.Errorf("ValidateKeys: %v", err)
	}
	if !IsKeysFile([]byte(goodKeysFile)) || IsKeysFile([]byte(keysCatalog)) || IsKeysFile([]byte("not = [toml")) {
		t.Error("IsKeysFile tells keys files from catalogs by their content")
	}
	empty, err := ParseKeys("keys.toml", []byte("version = 1\n# no keys yet\n"))
	if err != nil || len(empty) != 0 {
		t.Errorf("a keys file without keys: %v %v", empty, err)
	}
}

// keysProblemCases are keys files with one problem each (or, where said, several),
// and every line ParseKeys or ValidateKeys must report.
var keysProblemCases = []struct {
	name string
	file string
	want []string
}{
	{"unknown source with a near match", "[[keys]]\nsource = \"snowflak\"\nname = \"prod\"\n",
		[]string{`k.toml:2:1: no source "snowflak" in the catalog; did you mean "snowflake"?`}},
	{"unknown source without a near match", "[[keys]]\nsource = \"zzzz\"\nname = \"prod\"\n",
		[]string{`k.toml:2:1: no source "zzzz" in the catalog ('rotatetui status' lists every source)`}},
	{"duplicate key id", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n",
		[]string{`k.toml:7:1: duplicate key id "adjust/a" (first declared at line 1)`}},
	{"bad key name", "[[keys]]\nsource = \"adjust\"\nname = \"Prod EU\"\n",
		[]string{`k.toml:3:1: key name "Prod EU" is not valid`}},
	{"key name starting with a hyphen", "[[keys]]\nsource = \"adjust\"\nname = \"-x\"\n",
		[]string{`k.toml:3:1: key name "-x" is not valid`}},
	{"key name too long", "[[keys]]\nsource = \"adjust\"\nname = \"" + strings.Repeat("a", 65) + "\"\n",
		[]string{`k.toml:3:1: key name "aaaa`}},
	{"bad source slug", "[[keys]]\nsource = \"Snow Flake\"\nname = \"p\"\n",
		[]string{`k.toml:2:1: source id "Snow Flake" is not valid`}},
	{"missing source and name", "[[keys]]\nowner = \"ana\"\n",
		[]string{`k.toml:1:1: [[keys]] has no source`, `k.toml:1:1: [[keys]] has no name`}},
	{"empty name", "[[keys]]\nsource = \"adjust\"\nname = \"\"\n", []string{`k.toml:3:1: empty key name`}},
	{"bad duration", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nrotate_every = \"3 months\"\n",
		[]string{`k.toml:4:1: rotate_every: bad duration "3 months": unknown unit "months"`}},
	{"duration not a string", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nrotate_every = 30\n",
		[]string{`k.toml:4:1: rotate_every must be a string such as "30d", not an integer`}},
	{"unknown field with a near match", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nownr = \"ana\"\n",
		[]string{`k.toml:4:1: unknown key "ownr" in [[keys]] (known keys: source, name, owner, description, rotate_every, tags, values, retired, check_new, check_old, check_old_exit); did you mean "owner"?`}},
	{"unknown top-level key", "[[key]]\nsource = \"adjust\"\n",
		[]string{`k.toml:1:1: unknown key "key" at the top level of a keys file (known keys: version, [[keys]]); did you mean [[keys]]?`}},
	{"owner not a string", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = 3\n", []string{`k.toml:4:1: owner must be a string, not an integer`}},
	{"retired not a boolean", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nretired = \"yes\"\n", []string{`k.toml:4:1: retired must be true or false, not a string`}},
	{"tags not a table", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\ntags = \"env=prod\"\n",
		[]string{`k.toml:4:1: tags must be a table of strings such as { env = "prod" }, not a string`}},
	{"a value not a string", "[[keys]]\nsource = \"snowflake\"\nname = \"a\"\nvalues = { region = \"eu\", account = 12 }\n",
		[]string{`k.toml:4:27: values.account must be a string, not an integer`}},
	{"bad tag name", "[[keys]]\nsource = \"adjust\"\nname = \"a\"\ntags = { \"my env\" = \"x\" }\n",
		[]string{`k.toml:4:10: tags: tag name "my env" is not valid: use letters, digits, - and _`}},
	{"empty value", "[[keys]]\nsource = \"snowflake\"\nname = \"a\"\n[keys.values]\naccount = \" \"\n",
		[]string{`k.toml:5:1: empty value for {account}: leave it out instead`}},
	{"keys not tables", "keys = 3\n", []string{`k.toml:1:1: keys must be [[keys]] tables, not an integer`}},
	{"version newer, reported alone", "version = 2\nbogus = 1\n",
		[]string{`k.toml:1:1: keys file format version 2 is newer than this rotatetui understands (1): upgrade rotatetui`}},
	{"version zero", "version = 0\n", []string{`k.toml:1:1: version must be 1`}},
	{"TOML syntax", "[[keys]]\nsource = \"adjust\nname = \"a\"\n", []string{`k.toml:2:`, `TOML syntax`}},
	{"every problem at once, in file order", "[[keys]]\nsource = \"nope\"\nname = \"A\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"b\"\nrotate_every = \"0d\"\n",
		[]string{"k.toml:3:1: key name \"A\" is not valid", "\nk.toml:8:1: rotate_every: duration \"0d\" must be longer than zero"}},
}

// parseAndValidateKeys is what loading a keys file does in the catalog package.
func parseAndValidateKeys(t *testing.T, file string) error {
	keys, err := ParseKeys("k.toml", []byte(file))
	if err != nil {
		return err
	}
	return ValidateKeys("k.toml", keys, keysTestCatalog(t))
}

func TestKeysFileProblemsAreReportedWithFileLineAndColumn(t *testing.T) {
	for _, tc := range keysProblemCases {
		t.Run(tc.name, func(t *testing.T) {
			err := parseAndValidateKeys(t, tc.file)
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("got %v, want an *Error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
			if strings.Contains(tc.name, "alone") && len(cerr.Problems) != 1 {
				t.Errorf("%d problems, want the version alone: %v", len(cerr.Problems), err)
			}
		})
	}
}

func TestKeysFileTextIsMadeInert(t *testing.T) {
	file := "[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = \"ana\\u001b]0;pwned\\u0007\"\ndescription = \"line\\nbreak\"\n"
	keys, err := ParseKeys("k.toml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if keys[0].Owner != "ana^[]0;pwned^G" || keys[0].Description != "line break" {
		t.Errorf("owner %q, description %q: control characters must be inert", keys[0].Owner, keys[0].Description)
	}
	// Echoed in messages, bad text is inert too.
	_, err = ParseKeys("k.toml", []byte("[[keys]]\nsource = \"adjust\"\nname = \"\\u001b[31m\"\n"))
	if err == nil || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("error %q must not hold an escape", err)
	}
}

func TestKeyProblemPlacesFieldsAfterParsing(t *testing.T) {
	keys, err := ParseKeys("keys.toml", []byte(goodKeysFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key   int
		field string
		want  string
	}{
		{0, "owner", "keys.toml:7:1: x"},
		{0, "values.region", "keys.toml:11:33: x"},
		{0, "values.nope", "keys.toml:11:1: x"},
		{2, "tags.env", "keys.toml:22:1: x"},
		{1, "", "keys.toml:13:1: x"},
	} {
		if got := keys[tc.key].Problem(tc.field, "x").String(); got != tc.want {
			t.Errorf("key %d field %q at %s, want %s", tc.key, tc.field, got, tc.want)
		}
	}
}

// keysTestCatalogWith is the test catalog with the keys of a keys file layered on.
func keysTestCatalogWith(t *testing.T, file string) *Catalog {
	t.Helper()
	c := keysTestCatalog(t)
	keys, err := ParseKeys("keys.toml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	c.LayerKeys(keys)
	return c
}

func TestKeysOfAllKeysAndFindKey(t *testing.T) {
	c := keysTestCatalogWith(t, goodKeysFile)
	ids := func(keys []Key) []string {
		var out []string
		for _, k := range keys {
			out = append(out, k.ID)
		}
		return out
	}
	if got := ids(c.KeysOf("snowflake")); !reflect.DeepEqual(got, []string{"snowflake/prod"}) {
		t.Errorf("KeysOf(snowflake) = %v: the retired key is left out", got)
	}
	if got := ids(c.KeysOf("shopware")); !reflect.DeepEqual(got, []string{"shopware"}) {
		t.Errorf("KeysOf(shopware) = %v, want its implicit key", got)
	}
	if got := ids(c.AllKeys()); !reflect.DeepEqual(got, []string{"snowflake/prod", "adjust/app_1", "shopware"}) {
		t.Errorf("AllKeys = %v", got)
	}
	if k, ok := c.FindKey("snowflake/eu"); !ok || !k.Retired {
		t.Errorf("FindKey finds a retired key by id: %v %v", k, ok)
	}
	if k, ok := c.FindKey("shopware"); !ok || !k.Implicit() || k.Source != "shopware" {
		t.Errorf("FindKey(shopware) = %v %v, want the implicit key", k, ok)
	}
	if _, ok := c.FindKey("snowflake"); ok {
		t.Error("snowflake declares a key: it has no implicit key")
	}
	prod, _ := c.FindKey("snowflake/prod")
	if got := prod.Title(&c.Sources[0]); got != "Snowflake · prod" {
		t.Errorf("Title = %q", got)
	}
	shop, _ := c.FindKey("shopware")
	if got := shop.Title(&c.Sources[2]); got != "Shopware" {
		t.Errorf("implicit Title = %q", got)
	}
}

func TestLookupKeyResolvesWhatUsersType(t *testing.T) {
	c := keysTestCatalogWith(t, goodKeysFile+"\n[[keys]]\nsource = \"adjust\"\nname = \"app_2\"\n")
	for _, q := range []string{"snowflake/prod", "Snowflake/PROD", "snowflake", " Snowflake "} {
		k, _, err := c.LookupKey(q)
		if err != nil || k.ID != "snowflake/prod" {
			t.Errorf("LookupKey(%q) = %v, %v; want snowflake/prod, its one live key", q, k, err)
		}
	}
	if k, _, err := c.LookupKey("shopware"); err != nil || k.ID != "shopware" {
		t.Errorf("LookupKey(shopware) = %v %v", k, err)
	}
	_, keys, err := c.LookupKey("adjust")
	var amb *AmbiguousKeyError
	if !errors.As(err, &amb) || len(keys) != 2 || err.Error() != "Adjust has 2 keys: name one of adjust/app_1, adjust/app_2" {
		t.Errorf("LookupKey(adjust) = %v %v", keys, err)
	}
	_, near, err := c.LookupKey("app")
	var unknown *UnknownKeyError
	if !errors.As(err, &unknown) || len(near) != 2 || !strings.Contains(err.Error(), "did you mean: Adjust · app_1 (adjust/app_1), Adjust · app_2 (adjust/app_2)") {
		t.Errorf("LookupKey(app) = %v %v", near, err)
	}
	if _, _, err := c.LookupKey("snowflake/nope"); !errors.As(err, &unknown) {
		t.Errorf("an unknown key name: %v", err)
	}
	if _, _, err := c.LookupKey("shopware/"); !errors.As(err, &unknown) {
		t.Errorf("an empty key name: %v", err)
	}
}

func TestCatalogKeysAreLayeredLikeSources(t *testing.T) {
	layer := keysCatalog + "\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = \"ana\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"b\"\n"
	first, err := Parse("first.toml", []byte(layer))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Keys) != 2 || first.Keys[0].Origin != "first.toml" || first.Keys[0].Owner != "ana" {
		t.Fatalf("keys of a catalog: %+v", first.Keys)
	}
	second, err := Parse("second.toml", []byte("[[sources]]\nid = \"x\"\nname = \"X\"\n[[sources.steps]]\ntext = \"t\"\n\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = \"bo\"\n\n[[keys]]\nsource = \"x\"\nname = \"c\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := Merge(first, second)
	var got []string
	for _, k := range m.Keys {
		got = append(got, k.ID+" "+k.Owner+" "+k.Origin)
	}
	want := []string{"adjust/a bo second.toml", "adjust/b  first.toml", "x/c  second.toml"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged keys %q, want %q: a later key replaces the earlier whole, in place", got, want)
	}
	// A problem in a catalog's [[keys]] is placed in the catalog file, among its sources.
	_, err = Parse("bad.toml", []byte(keysCatalog+"\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\nowner = 1\n"))
	if err == nil || !strings.Contains(err.Error(), "bad.toml:31:1: owner must be a string, not an integer") {
		t.Errorf("got %v", err)
	}
}

func TestLargeCatalogsKeepTheirKeys(t *testing.T) {
	defer func(size, chunk int) { chunkedMinSize, chunkSize = size, chunk }(chunkedMinSize, chunkSize)
	chunkedMinSize, chunkSize = 100, 100
	for name, file := range map[string]string{
		"keys first": "[[keys]]\nsource = \"adjust\"\nname = \"a\"\n\n" + keysCatalog,
		"keys last":  keysCatalog + "\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n",
	} {
		c, err := Parse("big.toml", []byte(file))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(c.Keys) != 1 || len(c.Sources) != 3 {
			t.Errorf("%s: %d keys, %d sources: a catalog parsed in pieces must not lose its keys", name, len(c.Keys), len(c.Sources))
		}
	}
}

func TestLoadedCatalogKeepsItsKeys(t *testing.T) {
	path := t.TempDir() + "/cat.toml"
	if err := os.WriteFile(path, []byte(keysCatalog+"\n[[keys]]\nsource = \"adjust\"\nname = \"a\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys) != 1 || c.Keys[0].Origin != path {
		t.Errorf("keys %+v, want one from %s", c.Keys, path)
	}
}

func TestKeyNamesTagsAndValuesForTheCommandLine(t *testing.T) {
	for name, ok := range map[string]bool{"prod": true, "eu_west-1": true, "1st": true, "Prod": false, "_x": false, "a b": false, "": false, "a/b": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false} {
		if got := CheckKeyName(name) == nil; got != ok {
			t.Errorf("CheckKeyName(%q) ok = %v, want %v", name, got, ok)
		}
	}
	if CheckTag("env", "prod") != nil || CheckTag("my env", "x") == nil || CheckTag("env", "a\nb") == nil {
		t.Error("CheckTag")
	}
	if CheckValue("account", "xy") != nil || CheckValue("1st", "x") == nil || CheckValue("account", "") == nil ||
		CheckValue("host", "a.example.com$(touch x)") == nil || CheckValue("host", "a`id`") == nil || CheckValue("org", "a;b") == nil || CheckValue("org", "My Org") != nil {
		t.Error("CheckValue")
	}
	if CheckKeyText("owner", "ana") != nil || CheckKeyText("owner", "a\x1bb") == nil {
		t.Error("CheckKeyText")
	}
}

func TestValuesForPlaceholdersTheSourceDoesNotUseAreWarnings(t *testing.T) {
	file := "[[keys]]\nsource = \"snowflake\"\nname = \"a\"\nvalues = { acount = \"x\", region = \"eu\" }\n\n[[keys]]\nsource = \"adjust\"\nname = \"b\"\nvalues = { account = \"x\" }\n"
	if err := parseAndValidateKeys(t, file); err != nil {
		t.Fatalf("an unused value is no error: %v", err)
	}
	keys, _ := ParseKeys("k.toml", []byte(file))
	c := keysTestCatalog(t)
	var got []string
	for i := range keys {
		for _, w := range c.KeyWarnings(&keys[i]) {
			got = append(got, keys[i].Problem(w.Field, "%s", w.Msg).String())
		}
	}
	want := []string{
		"k.toml:4:12: Snowflake uses no placeholder {acount} (its placeholders: account, integration, region); did you mean {account}?",
		"k.toml:9:12: Adjust uses no placeholders: {account} fills nothing (kept as a description of the key)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
}
