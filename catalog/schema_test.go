package catalog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaDocPath is the user documentation whose ```toml examples must be valid catalogs.
var schemaDocPath = filepath.Join("..", "docs", "catalog.md")

// schemaLoad reads schema.json as a JSON value.
func schemaLoad(t *testing.T) map[string]any { return schemaLoadFile(t, "schema.json") }

// schemaLoadFile reads a schema file as a JSON value.
func schemaLoadFile(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("%s is not a JSON object", name)
	}
	return m
}

// schemaCompile compiles schema.json; the compiler also checks it against the draft-07
// meta-schema.
func schemaCompile(t *testing.T) *jsonschema.Schema { return schemaCompileFile(t, "schema.json") }

// schemaCompileFile compiles a schema file (schema.json, keys.schema.json).
func schemaCompileFile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	doc := schemaLoadFile(t, name)
	id, _ := doc["$id"].(string)
	if id == "" {
		t.Fatalf("%s has no $id", name)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return sch
}

// schemaInstance decodes TOML the way an editor sees it and turns it into the JSON
// values the validator works on.
func schemaInstance(t *testing.T, src string) any {
	t.Helper()
	var raw map[string]any
	if _, err := toml.Decode(src, &raw); err != nil {
		t.Fatalf("TOML: %v\n%s", err, src)
	}
	data, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemaAcceptsBuiltinCatalog(t *testing.T) {
	sch := schemaCompile(t)
	if err := sch.Validate(schemaInstance(t, string(readBuiltinTOML(t)))); err != nil {
		t.Errorf("builtin.toml does not satisfy schema.json:\n%v", err)
	}
}

// schemaOneSource wraps source keys and step keys into an otherwise valid catalog.
func schemaOneSource(sourceKeys, stepKeys string) string {
	return "version = 1\n[[sources]]\nid = \"a\"\nname = \"A\"\n" + sourceKeys +
		"[[sources.steps]]\ntext = \"Do it.\"\n" + stepKeys
}

// schemaCases are catalogs the schema must judge as Parse does, apart from the
// listed places where it is deliberately stricter.
var schemaCases = []schemaCase{
	{"minimal", schemaOneSource("", ""), true, true},
	{"no version", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n", true, true},
	{"every step key", schemaOneSource("", "id = \"s-1\"\nkind = \"wait\"\ncommand = 'x {a_b-c}'\nurl = \"https://{sub}.example.com/{p}?q=1\"\nwait = \"1d12h\"\n"), true, true},
	{"every source key", schemaOneSource("aliases = [\"x\", \"\"]\ncategory = \"C\"\ndocs = \"http://example.com\"\nnote = \"n\\nn\"\nrotate_every = \"2w\"\ndisabled = false\n", ""), true, true},
	{"disabled needs only an id", "[[sources]]\nid = \"adjust\"\ndisabled = true\n", true, true},
	{"upper-case URL scheme", schemaOneSource("docs = \"HTTPS://example.com/\"\n", ""), true, true},
	{"unpaired brace is no placeholder", schemaOneSource("", "url = \"https://example.com/{a\"\ncommand = \"} {\"\n"), true, true},
	{"zero part in a non-zero duration", schemaOneSource("rotate_every = \"0d12h\"\n", ""), true, true},
	{"leading zeros", schemaOneSource("rotate_every = \"007d\"\n", ""), true, true},
	{"largest number", schemaOneSource("", "wait = \"100000s\"\n"), true, true},

	{"unknown top-level key", "titel = \"x\"\n" + schemaOneSource("", ""), false, false},
	{"unknown source key", schemaOneSource("url = \"https://example.com/\"\n", ""), false, false},
	{"unknown step key", schemaOneSource("", "txt = \"typo\"\n"), false, false},
	{"bad kind", schemaOneSource("", "kind = \"delete\"\n"), false, false},
	{"missing text", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\nkind = \"create\"\n", false, false},
	{"blank text", "[[sources]]\nid = \"a\"\nname = \"A\"\n[[sources.steps]]\ntext = \" \\n\\t \"\n", false, false},
	{"bad source slug", strings.Replace(schemaOneSource("", ""), `id = "a"`, `id = "Close CRM"`, 1), false, false},
	{"double hyphen slug", strings.Replace(schemaOneSource("", ""), `id = "a"`, `id = "close--crm"`, 1), false, false},
	{"bad step slug", schemaOneSource("", "id = \"Step_1\"\n"), false, false},
	{"empty step id", schemaOneSource("", "id = \"\"\n"), false, false},
	{"missing source id", "[[sources]]\nname = \"A\"\n[[sources.steps]]\ntext = \"t\"\n", false, false},
	{"missing name", "[[sources]]\nid = \"a\"\n[[sources.steps]]\ntext = \"t\"\n", false, false},
	{"blank name", "[[sources]]\nid = \"a\"\nname = \"  \"\n[[sources.steps]]\ntext = \"t\"\n", false, false},
	{"missing steps", "[[sources]]\nid = \"a\"\nname = \"A\"\n", false, false},
	{"empty steps", "[[sources]]\nid = \"a\"\nname = \"A\"\nsteps = []\n", false, false},
	{"disabled false still needs steps", "[[sources]]\nid = \"a\"\nname = \"A\"\ndisabled = false\n", false, false},
	{"no sources", "title = \"x\"\n", false, false},
	{"version 2", "version = 2\n" + schemaOneSource("", "")[len("version = 1\n"):], false, false},
	{"version 0", "version = 0\n" + schemaOneSource("", "")[len("version = 1\n"):], false, false},
	{"title not a string", "title = 3\n" + schemaOneSource("", ""), false, false},
	{"disabled not a boolean", schemaOneSource("disabled = \"yes\"\n", ""), false, false},
	{"aliases not strings", schemaOneSource("aliases = [1]\n", ""), false, false},
	{"months", "rotate_every = \"3 months\"\n" + schemaOneSource("", ""), false, false},
	{"units out of order", schemaOneSource("", "wait = \"1h1d\"\n"), false, false},
	{"zero duration", schemaOneSource("", "wait = \"0m\"\n"), false, false},
	{"empty duration", schemaOneSource("rotate_every = \"\"\n", ""), false, false},
	{"fractional duration", schemaOneSource("", "wait = \"1.5h\"\n"), false, false},
	{"number too large", schemaOneSource("", "wait = \"100001s\"\n"), false, false},
	{"docs not http", schemaOneSource("docs = \"ftp://example.com/\"\n", ""), false, false},
	{"docs without host", schemaOneSource("docs = \"https:///path\"\n", ""), false, false},
	{"url relative", schemaOneSource("", "url = \"/settings\"\n"), false, false},
	{"nameless placeholder", schemaOneSource("", "url = \"https://{}.example.com/\"\n"), false, false},
	{"blank placeholder", schemaOneSource("", "command = \"use { }\"\n"), false, false},
	{"placeholder with a space", schemaOneSource("", "url = \"https://{sub domain}.example.com/\"\n"), false, false},
	{"placeholder starting with a digit", schemaOneSource("", "command = \"{1st}\"\n"), false, false},
	{"braces in a command", schemaOneSource("", "command = '{\"a\": 1}'\n"), false, false},
	{"empty sources array", "sources = []\n", false, false},

	// Parse accepts these, but they are degenerate: the schema flags them.
	{"empty kind", schemaOneSource("", "kind = \"\"\n"), false, true},
	{"empty docs", schemaOneSource("docs = \"\"\n", ""), false, true},
	{"empty url", schemaOneSource("", "url = \"\"\n"), false, true},
	{"spaces around a duration", schemaOneSource("rotate_every = \" 90d \"\n", ""), false, true},
	{"bad step in a disabled source", "[[sources]]\nid = \"a\"\ndisabled = true\n[[sources.steps]]\ntxt = \"x\"\n", false, true},
}

func TestSchemaJudgesCatalogsAsParseDoes(t *testing.T) {
	judgeAlike(t, schemaCompile(t), schemaCases, "catalog", "Parse", func(name string, data []byte) error {
		_, err := Parse(name, data)
		return err
	})
}

// schemaCase is a file for a schema and a parser to judge.
type schemaCase struct {
	name   string
	toml   string
	valid  bool // the schema accepts it
	parses bool // the parser accepts it (differs from valid only where the schema is stricter)
}

// judgeAlike checks that the schema and the parser (parse, called parser in messages)
// judge each case as it says; what names the kind of file.
func judgeAlike(t *testing.T, sch *jsonschema.Schema, cases []schemaCase, what, parser string, parse func(name string, data []byte) error) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := sch.Validate(schemaInstance(t, tc.toml))
			switch {
			case tc.valid && err != nil:
				t.Errorf("schema rejects a valid %s:\n%v\n%s", what, err, tc.toml)
			case !tc.valid && err == nil:
				t.Errorf("schema accepts an invalid %s:\n%s", what, tc.toml)
			case err != nil:
				t.Logf("schema: %v", err)
			}
			perr := parse("case.toml", []byte(tc.toml))
			switch {
			case tc.parses && perr != nil:
				t.Errorf("%s rejects it: %v", parser, perr)
			case !tc.parses && perr == nil:
				t.Errorf("%s accepts it:\n%s", parser, tc.toml)
			}
		})
	}
}

// schemaDocExamples returns the ```toml blocks of docs/catalog.md with the line each starts on.
func schemaDocExamples(t *testing.T) (blocks []string, lines []int) {
	t.Helper()
	data, err := os.ReadFile(schemaDocPath)
	if err != nil {
		t.Fatal(err)
	}
	var cur *strings.Builder
	for i, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```toml":
			cur = &strings.Builder{}
			lines = append(lines, i+2)
		case cur != nil && trimmed == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line)
			cur.WriteByte('\n')
		}
	}
	if cur != nil {
		t.Fatalf("%s: unterminated ```toml block", schemaDocPath)
	}
	return blocks, lines
}

// TestSchemaDocExamplesAreValid checks every example: a catalog against Parse and
// schema.json, a keys file (see IsKeysFile) against ParseKeys and keys.schema.json.
func TestSchemaDocExamplesAreValid(t *testing.T) {
	sch := schemaCompile(t)
	keysSch := schemaCompileFile(t, "keys.schema.json")
	blocks, lines := schemaDocExamples(t)
	if len(blocks) < 2 {
		t.Fatalf("%s has %d ```toml examples, want the complete example and the overlay", schemaDocPath, len(blocks))
	}
	for i, block := range blocks {
		where := schemaDocPath + ":" + strconv.Itoa(lines[i])
		parse, schema, schemaName := func() error { _, err := Parse(where, []byte(block)); return err }, sch, "schema.json"
		if IsKeysFile([]byte(block)) {
			parse, schema, schemaName = func() error { _, err := ParseKeys(where, []byte(block)); return err }, keysSch, "keys.schema.json"
		}
		if err := parse(); err != nil {
			t.Errorf("example at %s does not parse:\n%v", where, err)
		}
		if err := schema.Validate(schemaInstance(t, block)); err != nil {
			t.Errorf("example at %s does not satisfy %s:\n%v", where, schemaName, err)
		}
	}
}

// TestSchemaDocHasACompleteExample checks that one example uses every key the schema
// defines, and that the examples show every step kind.
func TestSchemaDocHasACompleteExample(t *testing.T) {
	doc := schemaLoad(t)
	defs := doc["definitions"].(map[string]any)
	want := map[string][]string{
		"top":    schemaPropertyNames(doc),
		"source": schemaPropertyNames(defs["source"].(map[string]any)),
		"step":   schemaPropertyNames(defs["step"].(map[string]any)),
	}
	blocks, _ := schemaDocExamples(t)
	complete := false
	kinds := map[string]bool{}
	for _, block := range blocks {
		var raw map[string]any
		if _, err := toml.Decode(block, &raw); err != nil {
			t.Fatal(err)
		}
		used := map[string]map[string]bool{"top": {}, "source": {}, "step": {}}
		for k := range raw {
			used["top"][k] = true
		}
		srcs, _ := raw["sources"].([]map[string]any)
		for _, src := range srcs {
			for k := range src {
				used["source"][k] = true
			}
			steps, _ := src["steps"].([]map[string]any)
			for _, st := range steps {
				for k, v := range st {
					used["step"][k] = true
					if k == "kind" {
						kinds[v.(string)] = true
					}
				}
			}
		}
		all := true
		for level, keys := range want {
			for _, k := range keys {
				all = all && used[level][k]
			}
		}
		complete = complete || all
	}
	if !complete {
		t.Errorf("no example in %s uses every key of the schema (%v)", schemaDocPath, want)
	}
	for _, k := range Kinds {
		if !kinds[string(k)] {
			t.Errorf("no example in %s shows kind %q", schemaDocPath, k)
		}
	}
}

func schemaPropertyNames(obj map[string]any) []string {
	var names []string
	for k := range obj["properties"].(map[string]any) {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// TestSchemaMatchesTheCode keeps schema.json in step with the Go definitions it mirrors.
func TestSchemaMatchesTheCode(t *testing.T) {
	doc := schemaLoad(t)
	defs := doc["definitions"].(map[string]any)
	step := defs["step"].(map[string]any)["properties"].(map[string]any)

	var enum []string
	for _, v := range step["kind"].(map[string]any)["enum"].([]any) {
		enum = append(enum, v.(string))
	}
	var kinds []string
	for _, k := range Kinds {
		kinds = append(kinds, string(k))
	}
	if !slices.Equal(enum, kinds) {
		t.Errorf("schema kinds %v, code kinds %v", enum, kinds)
	}
	if got := defs["slug"].(map[string]any)["pattern"]; got != slugPattern().String() {
		t.Errorf("schema slug pattern %v, code %v", got, slugPattern())
	}
	if v := doc["properties"].(map[string]any)["version"].(map[string]any)["const"]; v != json.Number(strconv.Itoa(FormatVersion)) {
		t.Errorf("schema version const %v, code FormatVersion %d", v, FormatVersion)
	}

	// Every property, at any depth, is documented for editor hover and completion.
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			// The conditions of if/then/else only refine properties documented above.
			if props, ok := v["properties"].(map[string]any); ok && !strings.HasSuffix(path, ".if") {
				for name, p := range props {
					if d, _ := p.(map[string]any)["description"].(string); strings.TrimSpace(d) == "" {
						t.Errorf("%s.properties.%s has no description", path, name)
					}
				}
			}
			for k, child := range v {
				walk(path+"."+k, child)
			}
		case []any:
			for i, child := range v {
				walk(path+"["+strconv.Itoa(i)+"]", child)
			}
		}
	}
	walk("#", doc)

	// The duration pattern accepts exactly what ParseDuration does, for the spans people
	// write. (ParseDuration also caps the total at 100 years, which a pattern cannot sum.)
	durDef := defs["duration"].(map[string]any)
	shape := regexp.MustCompile(durDef["pattern"].(string))
	nonZero := regexp.MustCompile(durDef["allOf"].([]any)[0].(map[string]any)["pattern"].(string))
	for _, s := range []string{"90d", "1d12h", "2w", "30m", "45s", "1w2d3h4m5s", "0d1s", "36500d", "100001d", "0d", "", "d", "90", "1h1d", "1d1d", "3 months", "1.5h", "-5d", "90D", "1y"} {
		_, err := ParseDuration(s)
		if schemaOK := shape.MatchString(s) && nonZero.MatchString(s); schemaOK != (err == nil) {
			t.Errorf("duration %q: schema accepts=%v, ParseDuration error=%v", s, schemaOK, err)
		}
	}
}
