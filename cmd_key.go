package main

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_key.go: `rotatetui key add|list|edit|retire|import`, the keys of the sources,
// declared in keys.toml (see keysfile.go).

// keyOptions are the flags of `rotatetui key`.
type keyOptions struct {
	owner, description, every *string  // nil when not given
	tags, values              []string // --tag k=v, --value k=v, as given
	clear                     []string // the fields --no-owner, --no-tags... empty
	all                       bool     // key list --all: retired keys too
	dryRun                    bool     // key import --dry-run
}

// keyFlags are the flags of `rotatetui key`, for its entry in the command table.
var keyFlags = []flag{
	{names: []string{"--owner"}, value: true, set: func(o *options, v string) error { o.key.owner = &v; return nil }},
	{names: []string{"--description"}, value: true, set: func(o *options, v string) error { o.key.description = &v; return nil }},
	{names: []string{"--every"}, value: true, set: func(o *options, v string) error { o.key.every = &v; return nil }},
	{names: []string{"--tag"}, value: true, set: func(o *options, v string) error { o.key.tags = append(o.key.tags, v); return nil }},
	{names: []string{"--value"}, value: true, set: func(o *options, v string) error { o.key.values = append(o.key.values, v); return nil }},
	clearFlag("--no-owner", "owner"),
	clearFlag("--no-description", "description"),
	clearFlag("--no-every", "rotate_every"),
	clearFlag("--no-tags", "tags"),
	clearFlag("--no-values", "values"),
	{names: []string{"--all"}, set: func(o *options, _ string) error { o.key.all = true; return nil }},
	{names: []string{"--dry-run"}, set: func(o *options, _ string) error { o.key.dryRun = true; return nil }},
}

func clearFlag(name, field string) flag {
	return flag{names: []string{name}, set: func(o *options, _ string) error {
		o.key.clear = append(o.key.clear, field)
		return nil
	}}
}

// keyUsage is how each key subcommand is used.
var keyUsage = map[string]string{
	"add":    "key add SOURCE NAME [--owner O] [--description D] [--every 30d] [--tag k=v]... [--value k=v]...",
	"list":   "key list [--all] [--json]",
	"edit":   "key edit KEY [--owner O] [--description D] [--every 30d] [--tag k=v]... [--value k=v]... [--no-owner] [--no-description] [--no-every] [--no-tags] [--no-values]",
	"retire": "key retire KEY",
	"import": "key import FILE.csv|FILE.json [--dry-run]",
}

// keySubcommands runs each key subcommand.
var keySubcommands = map[string]func(e *env, args []string) int{
	"add":    runKeyAdd,
	"list":   runKeyList,
	"edit":   runKeyEdit,
	"retire": runKeyRetire,
	"import": runKeyImport,
}

// fieldFlags are the flags that set a key's fields, for add and edit.
var fieldFlags = []string{"--owner", "--description", "--every", "--tag", "--value"}

// clearFlags are the flags that empty a key's fields, for edit.
var clearFlags = []string{"--no-owner", "--no-description", "--no-every", "--no-tags", "--no-values"}

// runKey runs `rotatetui key SUBCOMMAND ...`.
func runKey(e *env) int {
	if len(e.opts.args) == 0 {
		return e.keyUsageError("")
	}
	sub, args := e.opts.args[0], e.opts.args[1:]
	run, ok := keySubcommands[sub]
	if !ok {
		return e.keyUsageError(sub)
	}
	return run(e, args)
}

// keyUsageError says how sub is used (every subcommand when sub is none) and returns
// exitUsage.
func (e *env) keyUsageError(sub string) int {
	if u, ok := keyUsage[sub]; ok {
		return e.fail(exitUsage, "usage: rotatetui %s", u)
	}
	lines := make([]string, 0, len(keyUsage))
	for _, name := range []string{"add", "list", "edit", "retire", "import"} {
		lines = append(lines, "  rotatetui "+keyUsage[name])
	}
	what := "a subcommand"
	if sub != "" {
		what = fmt.Sprintf("a subcommand, not %q", catalog.PrintableLine(sub))
	}
	return e.fail(exitUsage, "key needs %s:\n%s", what, strings.Join(lines, "\n"))
}

// keyFlagsOnly refuses the key flags that sub does not take, and --json but for list.
func (e *env) keyFlagsOnly(sub string, allowed ...string) bool {
	if e.opts.json && sub != "list" {
		e.fail(exitUsage, "--json does not go with 'key %s'\nusage: rotatetui %s", sub, keyUsage[sub])
		return false
	}
	for _, f := range e.opts.commandFlags {
		if !contains(allowed, f) {
			e.fail(exitUsage, "%s does not go with 'key %s'\nusage: rotatetui %s", f, sub, keyUsage[sub])
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keyJSON is one key of `key list --json`.
type keyJSON struct {
	ID          string            `json:"id"`
	Source      string            `json:"source"`
	SourceName  string            `json:"source_name"`
	Name        string            `json:"name"`
	Title       string            `json:"title"`
	Owner       string            `json:"owner"`
	Description string            `json:"description"`
	RotateEvery string            `json:"rotate_every"` // the key's own; "" when it sets none
	Interval    string            `json:"interval"`     // the one that applies
	Tags        map[string]string `json:"tags"`
	Values      map[string]string `json:"values"`
	Implicit    bool              `json:"implicit"`
	Retired     bool              `json:"retired"`
	Origin      string            `json:"origin"` // the file that declared it; "" for an implicit key
}

// runKeyList prints every live key, implicit ones included, in source order; --all
// adds the retired ones.
func runKeyList(e *env, args []string) int {
	if len(args) > 0 {
		return e.keyUsageError("list")
	}
	if !e.keyFlagsOnly("list", "--all") {
		return exitUsage
	}
	keys := e.listedKeys()
	if e.opts.json {
		out := make([]keyJSON, len(keys))
		for i := range keys {
			out[i] = e.keyJSON(&keys[i])
		}
		return e.printJSON(out)
	}
	var table columns
	table.add("KEY", "NAME", "OWNER", "EVERY", "TAGS")
	for i := range keys {
		k := &keys[i]
		title := k.Title(e.source(k.Source))
		if k.Retired {
			title += " (retired)"
		}
		table.add(k.ID, title, orDash(k.Owner), e.keyInterval(k).String(), orDash(formatPairs(k.Tags, ", ")))
	}
	if err := table.writeTo(e.stdout); err != nil {
		return e.failErr(exitFailed, err)
	}
	return exitOK
}

// listedKeys are the keys `key list` shows: every live key, and with --all the retired
// ones after their source's live keys.
func (e *env) listedKeys() []catalog.Key {
	live := e.cat.AllKeys()
	if !e.opts.key.all {
		return live
	}
	retired := map[string][]catalog.Key{}
	for _, k := range e.cat.Keys {
		if k.Retired {
			retired[k.Source] = append(retired[k.Source], k)
		}
	}
	keys := make([]catalog.Key, 0, len(live)+len(retired))
	for i, k := range live {
		keys = append(keys, k)
		if i+1 == len(live) || live[i+1].Source != k.Source {
			keys = append(keys, retired[k.Source]...)
		}
	}
	return keys
}

func (e *env) keyJSON(k *catalog.Key) keyJSON {
	src := e.source(k.Source)
	name := ""
	if src != nil {
		name = src.Name
	}
	return keyJSON{
		ID: k.ID, Source: k.Source, SourceName: name, Name: k.Name, Title: k.Title(src),
		Owner: k.Owner, Description: k.Description, RotateEvery: k.RotateEvery.String(),
		Interval: e.keyInterval(k).String(), Tags: nonNil(k.Tags), Values: nonNil(k.Values),
		Implicit: k.Implicit(), Retired: k.Retired, Origin: k.Origin,
	}
}

// keyInterval is how often k should be rotated: its own rotate_every, else its
// source's schedule (schedule.interval).
func (e *env) keyInterval(k *catalog.Key) catalog.Duration {
	return e.sched.interval(k, e.source(k.Source))
}

// source is the catalog's source with the id, or nil.
func (e *env) source(id string) *catalog.Source {
	for i := range e.cat.Sources {
		if e.cat.Sources[i].ID == id {
			return &e.cat.Sources[i]
		}
	}
	return nil
}

// formatPairs writes a map as "k=v" pairs in name order, joined by sep.
func formatPairs(m map[string]string, sep string) string {
	parts := make([]string, 0, len(m))
	for _, k := range catalog.SortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, sep)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// errNoKeysFile is returned where keys.toml is needed and there is no config directory.
var errNoKeysFile = errors.New("no home directory to keep keys.toml in (set XDG_CONFIG_HOME)")

// runKeyAdd declares a new key: key add SOURCE NAME [flags].
func runKeyAdd(e *env, args []string) int {
	if len(args) != 2 {
		return e.keyUsageError("add")
	}
	if !e.keyFlagsOnly("add", fieldFlags...) {
		return exitUsage
	}
	src, err := findSource(e.cat, args[0])
	if err != nil {
		return e.failErr(exitUsage, err)
	}
	if err := catalog.CheckKeyName(args[1]); err != nil {
		return e.failErr(exitUsage, err)
	}
	k := catalog.Key{ID: catalog.KeyID(src.ID, args[1]), Source: src.ID, Name: args[1]}
	if old, ok := e.cat.FindKey(k.ID); ok {
		return e.fail(exitUsage, "key %s is already declared (in %s)%s", k.ID, catalog.PrintableLine(old.Origin), editAdvice(old))
	}
	if code, ok := e.setKeyFields(&k); !ok {
		return code
	}
	return e.rewriteKeys(func(ed *catalog.KeysEdit) error { return ed.Add(k) }, says("added "+k.ID), false)
}

// editAdvice tells how to change a key that exists.
func editAdvice(k *catalog.Key) string {
	if k.Retired {
		return "; it is retired: to use the name again, remove its retired = true by hand"
	}
	return "; change it with 'rotatetui key edit " + k.ID + "'"
}

// runKeyEdit changes a declared key's fields: key edit KEY [flags].
func runKeyEdit(e *env, args []string) int {
	if len(args) != 1 {
		return e.keyUsageError("edit")
	}
	if !e.keyFlagsOnly("edit", append(fieldFlags, clearFlags...)...) {
		return exitUsage
	}
	old, code, ok := e.declaredKey(args[0])
	if !ok {
		return code
	}
	k := cloneKey(old)
	if code, ok := e.setKeyFields(&k); !ok {
		return code
	}
	if catalog.KeysEqual(old, &k) {
		fmt.Fprintf(e.stdout, "%s: nothing to change\n", k.ID)
		return exitOK
	}
	done := fmt.Sprintf("changed %s (%s)", k.ID, strings.Join(catalog.ChangedFields(old, &k), ", "))
	return e.rewriteKeys(func(ed *catalog.KeysEdit) error { return ed.Update(k) }, says(done), false)
}

// runKeyRetire takes a key out of the list, keeping its history: key retire KEY.
func runKeyRetire(e *env, args []string) int {
	if len(args) != 1 {
		return e.keyUsageError("retire")
	}
	if !e.keyFlagsOnly("retire") {
		return exitUsage
	}
	old, code, ok := e.declaredKey(args[0])
	if !ok {
		return code
	}
	if old.Retired {
		fmt.Fprintf(e.stdout, "%s is retired already\n", old.ID)
		return exitOK
	}
	k := cloneKey(old)
	k.Retired = true
	done := fmt.Sprintf("retired %s: it leaves the list; its history stays", k.ID)
	return e.rewriteKeys(func(ed *catalog.KeysEdit) error { return ed.Update(k) }, says(done), false)
}

// declaredKey resolves KEY to a key keys.toml declares, retired ones included. An
// implicit key, or one another file declares, is refused with what to do instead.
func (e *env) declaredKey(query string) (*catalog.Key, int, bool) {
	k, ok := e.cat.FindKey(strings.ToLower(strings.TrimSpace(query)))
	if !ok {
		var err error
		if k, _, err = e.cat.LookupKey(query); err != nil {
			return nil, e.failErr(exitUsage, err), false
		}
	}
	switch {
	case k.Implicit():
		return nil, e.fail(exitUsage, "%s declares no key: it has its implicit one (add one with 'rotatetui key add %s NAME')", k.ID, k.Source), false
	case k.Origin != userKeysPath():
		return nil, e.fail(exitUsage, "key %s is declared in %s, not in keys.toml: change it there", k.ID, catalog.PrintableLine(k.Origin)), false
	}
	return k, exitOK, true
}

// cloneKey copies k, its maps too, so that changing the copy leaves the catalog's.
func cloneKey(k *catalog.Key) catalog.Key {
	c := *k
	c.Tags = maps.Clone(k.Tags)
	c.Values = maps.Clone(k.Values)
	return c
}

// setKeyFields applies the flags to k: the --no-* ones first, then those that set.
// A bad value is refused, naming its flag.
func (e *env) setKeyFields(k *catalog.Key) (int, bool) {
	ko := e.opts.key
	for _, f := range ko.clear {
		clearKeyField(k, f)
	}
	err := setKeyText(&k.Owner, "--owner", ko.owner)
	if err == nil {
		err = setKeyText(&k.Description, "--description", ko.description)
	}
	if err == nil && ko.every != nil {
		if k.RotateEvery, err = catalog.ParseDuration(*ko.every); err != nil {
			err = fmt.Errorf("--every: %v", err)
		}
	}
	if err == nil {
		k.Tags, err = setPairs(k.Tags, "--tag", ko.tags, catalog.CheckTag)
	}
	if err == nil {
		k.Values, err = setPairs(k.Values, "--value", ko.values, catalog.CheckValue)
	}
	if err == nil {
		err = keySecrets(k)
	}
	if err != nil {
		return e.failErr(exitUsage, err), false
	}
	for _, w := range e.cat.KeyWarnings(k) {
		e.warn(k.ID + ": " + w.Msg)
	}
	return exitOK, true
}

func clearKeyField(k *catalog.Key, field string) {
	switch field {
	case "owner":
		k.Owner = ""
	case "description":
		k.Description = ""
	case "rotate_every":
		k.RotateEvery = 0
	case "tags":
		k.Tags = nil
	case "values":
		k.Values = nil
	}
}

func setKeyText(field *string, flag string, v *string) error {
	if v == nil {
		return nil
	}
	if err := catalog.CheckKeyText(flag, *v); err != nil {
		return err
	}
	*field = strings.TrimSpace(*v)
	return nil
}

// setPairs applies "name=value" flags to m: each sets its name, and "name=" removes it.
func setPairs(m map[string]string, flag string, pairs []string, check func(name, value string) error) (map[string]string, error) {
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok {
			return nil, fmt.Errorf("%s %s: give name=value, e.g. %s env=prod", flag, catalog.PrintableLine(p), flag)
		}
		if value == "" {
			delete(m, name)
			continue
		}
		if err := check(name, value); err != nil {
			return nil, fmt.Errorf("%s: %v", flag, err)
		}
		if m == nil {
			m = map[string]string{}
		}
		m[name] = value
	}
	return m, nil
}

// keySecrets refuses a key with a field that looks like a secret, naming the field,
// never the text.
func keySecrets(k *catalog.Key) error {
	if problems := keySecretProblems(k); len(problems) > 0 {
		return errors.New(problems[0].Msg)
	}
	return nil
}

// rewriteKeys makes a change to keys.toml: read it, change it, check the result as
// loading would, and replace the file atomically; then print done(). Anything refused
// changes nothing, and so does a dry run (which checks all the same).
func (e *env) rewriteKeys(change func(*catalog.KeysEdit) error, done func() string, dryRun bool) int {
	path := userKeysPath()
	if path == "" {
		return e.failErr(exitFailed, errNoKeysFile)
	}
	unlock, err := lockKeysFile(path)
	if err != nil {
		return e.fail(exitFailed, "cannot lock %s: %v", catalog.PrintableLine(path), err)
	}
	defer func() { _ = unlock() }()
	ed, _, err := openKeysEdit(path)
	if err != nil {
		return e.fail(exitUsage, "keys refused:\n%v", err)
	}
	if err := change(ed); err != nil {
		return e.failErr(exitUsage, err)
	}
	data, err := ed.Bytes()
	if err != nil {
		return e.failErr(exitFailed, err)
	}
	if _, err := checkKeysFile(path, data, e.cat); err != nil {
		return e.fail(exitUsage, "the change is refused, nothing was written:\n%v", err)
	}
	if !dryRun {
		if err := writeKeysFile(path, data); err != nil {
			return e.fail(exitFailed, "cannot save %s: %v", catalog.PrintableLine(path), err)
		}
	}
	fmt.Fprintf(e.stdout, "%s (%s)\n", done(), catalog.PrintableLine(path))
	return exitOK
}

// says is a done message for rewriteKeys that is known before the change.
func says(msg string) func() string { return func() string { return msg } }

// importChange is a key an import adds (old nil) or updates.
type importChange struct {
	line int
	key  catalog.Key
	old  *catalog.Key
}

// importPlan is what an import would do.
type importPlan struct {
	changes   []importChange
	unchanged int
	warnings  []importProblem
}

// runKeyImport declares or updates keys from an inventory: key import FILE.csv|FILE.json
// [--dry-run]. All or nothing: with any bad row, every bad row is named by its line and
// nothing is written. A key already declared with the same fields is left as it is, so
// importing the same file again changes nothing.
func runKeyImport(e *env, args []string) int {
	if len(args) != 1 {
		return e.keyUsageError("import")
	}
	if !e.keyFlagsOnly("import", "--dry-run") {
		return exitUsage
	}
	file := args[0]
	data, err := catalog.ReadFile(file, e.opts.maxCatalogSize)
	if err != nil {
		return e.fail(exitFailed, "%s: cannot read: %v", catalog.PrintableLine(file), bareError(err))
	}
	rows, problems, err := readInventory(file, data)
	if err != nil {
		return e.failErr(exitUsage, err)
	}
	plan, planProblems := e.planImport(rows)
	if problems = append(problems, planProblems...); len(problems) > 0 {
		return e.refuseImport(file, problems)
	}
	for _, w := range plan.warnings {
		e.warn(fmt.Sprintf("%s:%d: %s", catalog.PrintableLine(file), w.line, w.msg))
	}
	if len(plan.changes) == 0 {
		fmt.Fprintf(e.stdout, "nothing to change: %s as in the file\n", plural(plan.unchanged, "key is", "keys are"))
		return exitOK
	}
	return e.applyImport(plan)
}

// refuseImport names every bad row, sorted by line, and returns exitUsage.
func (e *env) refuseImport(file string, problems []importProblem) int {
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].line < problems[j].line })
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", catalog.PrintableLine(file), p.line, p.msg)
	}
	return e.fail(exitUsage, "nothing imported: %s", plural(len(problems), "problem", "problems"))
}

// planImport works out what importing rows does, or what is wrong with them.
func (e *env) planImport(rows []importRow) (importPlan, []importProblem) {
	var plan importPlan
	var problems []importProblem
	first := map[string]int{}
	for _, row := range rows {
		k, old, rowProblems := e.importKey(row)
		if len(rowProblems) > 0 {
			problems = append(problems, rowProblems...)
			continue
		}
		if line, dup := first[k.ID]; dup {
			problems = append(problems, importProblem{row.line, fmt.Sprintf("key %s is on line %d already", k.ID, line)})
			continue
		}
		first[k.ID] = row.line
		for _, w := range e.cat.KeyWarnings(&k) {
			plan.warnings = append(plan.warnings, importProblem{row.line, k.ID + ": " + w.Msg})
		}
		if old != nil && catalog.KeysEqual(old, &k) {
			plan.unchanged++
			continue
		}
		plan.changes = append(plan.changes, importChange{row.line, k, old})
	}
	return plan, problems
}

// importKey is the key a row declares: the existing key with the row's cells applied,
// or a new one. old is the existing key, nil for a new one.
func (e *env) importKey(row importRow) (k catalog.Key, old *catalog.Key, problems []importProblem) {
	fail := func(err error) (catalog.Key, *catalog.Key, []importProblem) {
		return catalog.Key{}, nil, []importProblem{{row.line, err.Error()}}
	}
	src, err := findSource(e.cat, row.cells["source"])
	if err != nil {
		return fail(err)
	}
	name := row.cells["name"]
	if err := catalog.CheckKeyName(name); err != nil {
		return fail(err)
	}
	k = catalog.Key{ID: catalog.KeyID(src.ID, name), Source: src.ID, Name: name}
	if found, ok := e.cat.FindKey(k.ID); ok {
		if found.Origin != userKeysPath() {
			return fail(fmt.Errorf("key %s is declared in %s, not in keys.toml: change it there", k.ID, catalog.PrintableLine(found.Origin)))
		}
		old, k = found, cloneKey(found)
	}
	for _, col := range importColumns[2:] {
		if cell, ok := row.cells[col]; ok {
			if err := setImportField(&k, col, cell); err != nil {
				problems = append(problems, importProblem{row.line, err.Error()})
			}
		}
	}
	if err := keySecrets(&k); err != nil && len(problems) == 0 {
		problems = append(problems, importProblem{row.line, err.Error()})
	}
	return k, old, problems
}

// setImportField sets one field of k from its cell; an empty cell clears it.
func setImportField(k *catalog.Key, col, cell string) error {
	var err error
	switch col {
	case "owner":
		err, k.Owner = catalog.CheckKeyText("owner", cell), cell
	case "description":
		err, k.Description = catalog.CheckKeyText("description", cell), cell
	case "rotate_every":
		k.RotateEvery = 0
		if cell != "" {
			k.RotateEvery, err = catalog.ParseDuration(cell)
		}
	case "tags":
		k.Tags, err = parsePairs(cell, catalog.CheckTag)
	case "values":
		k.Values, err = parsePairs(cell, catalog.CheckValue)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", col, err)
	}
	return nil
}

// applyImport writes the plan's changes to keys.toml (with --dry-run, only says what
// they would be).
func (e *env) applyImport(plan importPlan) int {
	dry := e.opts.key.dryRun
	var lines []string
	added := 0
	change := func(ed *catalog.KeysEdit) error {
		for _, c := range plan.changes {
			var err error
			if c.old == nil {
				added++
				err = ed.Add(c.key)
				lines = append(lines, pick(dry, "would add ", "added ")+c.key.ID)
			} else {
				err = ed.Update(c.key)
				lines = append(lines, fmt.Sprintf("%s%s (%s)", pick(dry, "would update ", "updated "), c.key.ID, strings.Join(catalog.ChangedFields(c.old, &c.key), ", ")))
			}
			if err != nil {
				return fmt.Errorf("line %d: %w", c.line, err)
			}
		}
		return nil
	}
	done := func() string {
		counts := fmt.Sprintf("%d added, %d updated, %d unchanged", added, len(plan.changes)-added, plan.unchanged)
		if dry {
			counts = fmt.Sprintf("%d to add, %d to update, %d unchanged; dry run, nothing written", added, len(plan.changes)-added, plan.unchanged)
		}
		return strings.Join(append(lines, counts), "\n")
	}
	return e.rewriteKeys(change, done, dry)
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}
