package main

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_key.go: `rotatetui key add|list|edit|retire|import`, the keys of the sources,
// declared in keys.toml (see keysfile.go): the subcommands' flags and dispatch, and
// add, edit and retire; list is in cmd_key_list.go, import in cmd_key_import.go.

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
