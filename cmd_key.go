package main

import (
	"errors"
	"fmt"
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
	"list": runKeyList,
}

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

// keyFlagsOnly refuses the key flags that sub does not take.
func (e *env) keyFlagsOnly(sub string, allowed ...string) bool {
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
// source's schedule.
func (e *env) keyInterval(k *catalog.Key) catalog.Duration {
	if k.RotateEvery > 0 {
		return k.RotateEvery
	}
	return e.sched.interval(e.source(k.Source))
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
