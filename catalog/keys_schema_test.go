package catalog

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// schemaOneKey wraps fields into a keys file with one key.
func schemaOneKey(fields string) string {
	return "version = 1\n[[keys]]\nsource = \"a\"\nname = \"prod\"\n" + fields
}

// keysSchemaCases are keys files the keys schema must judge as ParseKeys does, apart
// from the listed places where it is deliberately stricter.
var keysSchemaCases = []schemaCase{
	{"minimal", schemaOneKey(""), true, true},
	{"no keys", "version = 1\n", true, true},
	{"empty file", "", true, true},
	{"every field", schemaOneKey("owner = \"ana\"\ndescription = \"Prod\"\nrotate_every = \"30d\"\ntags = { env = \"prod\" }\nvalues = { account = \"xy12345\" }\nretired = false\n"), true, true},
	{"sub-tables", schemaOneKey("[keys.tags]\nenv = \"prod\"\n[keys.values]\naccount = \"x\"\n"), true, true},
	{"name with _ and -", strings.Replace(schemaOneKey(""), `"prod"`, `"eu_west-1"`, 1), true, true},
	{"longest name", strings.Replace(schemaOneKey(""), `"prod"`, `"`+strings.Repeat("a", 64)+`"`, 1), true, true},

	{"unknown field", schemaOneKey("ownr = \"ana\"\n"), false, false},
	{"unknown top-level key", "title = \"x\"\n" + schemaOneKey(""), false, false},
	{"no source", "[[keys]]\nname = \"prod\"\n", false, false},
	{"no name", "[[keys]]\nsource = \"a\"\n", false, false},
	{"bad source slug", strings.Replace(schemaOneKey(""), `"a"`, `"A b"`, 1), false, false},
	{"upper-case name", strings.Replace(schemaOneKey(""), `"prod"`, `"Prod"`, 1), false, false},
	{"name starting with _", strings.Replace(schemaOneKey(""), `"prod"`, `"_p"`, 1), false, false},
	{"name too long", strings.Replace(schemaOneKey(""), `"prod"`, `"`+strings.Repeat("a", 65)+`"`, 1), false, false},
	{"name with a slash", strings.Replace(schemaOneKey(""), `"prod"`, `"a/b"`, 1), false, false},
	{"bad duration", schemaOneKey("rotate_every = \"3 months\"\n"), false, false},
	{"zero duration", schemaOneKey("rotate_every = \"0d\"\n"), false, false},
	{"owner not a string", schemaOneKey("owner = 1\n"), false, false},
	{"retired not a boolean", schemaOneKey("retired = \"yes\"\n"), false, false},
	{"tags not a table", schemaOneKey("tags = \"env=prod\"\n"), false, false},
	{"tag not a string", schemaOneKey("tags = { env = 1 }\n"), false, false},
	{"bad tag name", schemaOneKey("tags = { \"my env\" = \"x\" }\n"), false, false},
	{"tag with a line break", schemaOneKey("tags = { env = \"a\\nb\" }\n"), false, false},
	{"bad placeholder name", schemaOneKey("values = { 1st = \"x\" }\n"), false, false},
	{"blank value", schemaOneKey("values = { account = \" \" }\n"), false, false},
	{"version 2", "version = 2\n", false, false},
	{"keys not tables", "keys = 3\n", false, false},
}

func TestKeysSchemaJudgesKeysFilesAsParseKeysDoes(t *testing.T) {
	judgeAlike(t, schemaCompileFile(t, "keys.schema.json"), keysSchemaCases, "keys file", "ParseKeys", func(name string, data []byte) error {
		_, err := ParseKeys(name, data)
		return err
	})
}

// TestCatalogSchemaTakesKeysTables checks [[keys]] in a catalog the same way.
func TestCatalogSchemaTakesKeysTables(t *testing.T) {
	sch := schemaCompile(t)
	for _, tc := range []struct {
		fields string
		valid  bool
	}{
		{"owner = \"ana\"\nvalues = { account = \"x\" }\n", true},
		{"ownr = \"ana\"\n", false},
		{"rotate_every = \"1 month\"\n", false},
	} {
		cat := schemaOneSource("", "") + "\n[[keys]]\nsource = \"a\"\nname = \"prod\"\n" + tc.fields
		err := sch.Validate(schemaInstance(t, cat))
		_, perr := Parse("case.toml", []byte(cat))
		if (err == nil) != tc.valid || (perr == nil) != tc.valid {
			t.Errorf("%q: schema error %v, Parse error %v; want valid = %v", tc.fields, err, perr, tc.valid)
		}
	}
}

// TestKeysSchemaSharesTheCatalogSchemaDefinitions keeps the two schemas' key
// definitions the same, and the name pattern the same as IsKeyName.
func TestKeysSchemaSharesTheCatalogSchemaDefinitions(t *testing.T) {
	cat := schemaLoad(t)["definitions"].(map[string]any)
	keys := schemaLoadFile(t, "keys.schema.json")
	for name, def := range keys["definitions"].(map[string]any) {
		if !reflect.DeepEqual(def, cat[name]) {
			t.Errorf("definition %q differs between keys.schema.json and schema.json", name)
		}
	}
	if v := keys["properties"].(map[string]any)["version"].(map[string]any)["const"]; v != json.Number(strconv.Itoa(KeysFormatVersion)) {
		t.Errorf("keys schema version const %v, code KeysFormatVersion %d", v, KeysFormatVersion)
	}
	pattern := regexp.MustCompile(cat["keyName"].(map[string]any)["pattern"].(string))
	for _, name := range []string{"prod", "eu_west-1", "1", "a-", "a_", "-a", "_a", "A", "a b", "a/b", "", "é", strings.Repeat("z", 64), strings.Repeat("z", 65)} {
		if pattern.MatchString(name) != IsKeyName(name) {
			t.Errorf("key name %q: schema %v, IsKeyName %v", name, pattern.MatchString(name), IsKeyName(name))
		}
	}
	// The key fields the schema lists are those the parser reads.
	var props []string
	for k := range cat["key"].(map[string]any)["properties"].(map[string]any) {
		props = append(props, k)
	}
	if !sameSet(props, keyFields) {
		t.Errorf("schema key fields %v, parser's %v", props, keyFields)
	}
}

// TestKeysDocHasACompleteExample checks that one keys file example in docs/catalog.md
// uses every field of a key.
func TestKeysDocHasACompleteExample(t *testing.T) {
	blocks, _ := schemaDocExamples(t)
	for _, block := range blocks {
		if !IsKeysFile([]byte(block)) {
			continue
		}
		var raw struct{ Keys []map[string]any }
		if _, err := toml.Decode(block, &raw); err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		for _, k := range raw.Keys {
			for f := range k {
				used[f] = true
			}
		}
		if len(used) == len(keyFields) {
			return
		}
	}
	t.Errorf("no keys file example in %s uses every field (%v)", schemaDocPath, keyFields)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}
