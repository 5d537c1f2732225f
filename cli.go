package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cli.go reads the command line: the help text, the flags and which command a line
// names. The commands themselves are in the table in main.go.

const usage = `rotatetui: a checklist for rotating API keys by hand, source by source.

Usage:
  rotatetui [flags] [QUERY]          open the source list (filtered by QUERY; a single
                                     match opens its checklist directly)
  rotatetui -r | --resume            open the most recently touched unfinished rotation
  rotatetui check KEY STEP... [--force] [--yes] [--note TEXT] [--join]
                                     check steps (STEP: number from 1, or step id)
  rotatetui uncheck KEY STEP... [--join]
                                     uncheck steps
  rotatetui status [KEY...] [--json] [--check [--require-proof [--since 7d]]]
                                     every key (or those named): state, progress,
                                     last rotated, next due; in the order of the list
  rotatetui verify KEY [--new|--old] [--yes] [--join]
                                     run the key's check_new / check_old (keys.toml)
                                     and record the result on its proof step
  rotatetui verify --old --all [--since 30d]
                                     re-run check_old of the keys rotated since;
                                     exit 1 if an old key still works
  rotatetui history KEY [--json]     the rotations of one key, newest first
  rotatetui export [--format F] [--since DATE] [--source KEY] [-o FILE]
                                     every rotation and its steps, as audit evidence
  rotatetui reset KEY [--join]       abandon the rotation in progress (kept in the history)
  rotatetui rotated KEY... --on DATE
                                     record rotations done outside rotatetui on DATE
  rotatetui restore [FILE...]        save changes an earlier run could not, kept in
                                     rescue files (default: those of the state file)
  rotatetui validate [FILE...]       check catalog files (default: the ones in use)
  rotatetui state copy FROM TO [--overwrite]
                                     copy all progress and history from a file or
                                     postgres:// database to another, all or nothing
  rotatetui catalog --json           print the catalog in use as JSON
  rotatetui key add SOURCE NAME [--owner O] [--description D] [--every 30d]
                [--tag k=v]... [--value k=v]...
                                     declare a key of a source in keys.toml
  rotatetui key list [--all] [--json]
                                     every key (--all: retired ones too)
  rotatetui key edit KEY [the flags of add] [--no-owner] [--no-description]
                [--no-every] [--no-tags] [--no-values]
                                     change a key (--tag k= removes a tag)
  rotatetui key retire KEY           take a key out of the list; its history stays
  rotatetui key import FILE.csv|FILE.json [--dry-run]
                                     declare or update keys from an inventory

Flags (anywhere on the line):
  --catalog FILE     layer a catalog over the built-in one (repeatable)
  --no-builtin       start from an empty catalog instead of the built-in one
  --state FILE|URL   progress file, or a postgres://host/db URL for a team's
                     database (default: $ROTATETUI_STATE, else state = "…" in
                     config.toml, else $XDG_STATE_HOME/rotatetui/state.json, else
                     ~/.local/state/rotatetui/state.json)
  --actor NAME       who is recorded with each change (default: $ROTATETUI_ACTOR,
                     else $USER@hostname); one that looks like a secret is refused
  --max-state-size SIZE
                     refuse a progress file larger than SIZE (default 256M;
                     SIZE is bytes, or a number with K, M or G after it)
  --max-catalog-size SIZE
                     refuse a catalog or config.toml larger than SIZE (default 64M)
  -r, --resume       open the most recent unfinished rotation
      --json         machine-readable output (status, history, export, reset,
                     rotated, catalog, key list)
  -h, --help         show this help
      --version      print the version

Command flags (also anywhere on the line):
  check --force      check a step whose wait has not passed yet (else refused, exit 1)
  check --yes, -y    check a revoke step while no create step is done, without asking
                     (a terminal asks y/N; elsewhere it is refused, exit 1). A skipped
                     create step is no new key.
  check --note TEXT  how you verified it, recorded as the note of each proof step
                     checked (New key works, Old key refused, a source's verify
                     step); needed for one with no note yet (else refused, exit 2)
  check --join       act on a rotation someone else started (also uncheck, reset,
                     verify); without it, a key another actor is rotating is left
                     alone, exit 1
  status --check     exit 1 if a key is overdue or a rotation has been in
                     progress for more than 7 days (which, on stderr); else 0
  status --require-proof
                     with --check: exit 1 also for a rotation completed since
                     --since (default 7d) without both facts proven (new key
                     works, old key refused), by a check or by hand
  verify --new, --old
                     run only check_new, or only check_old (default: those the key has)
  verify --all       with --old: every key with a check_old rotated since --since
                     (default 30d); nothing is recorded
  verify --yes, -y   run without asking (a terminal asks y/N after showing the command)
  export --format F  markdown (default), csv or json
  export --since DATE
                     only rotations finished (or, if unfinished, last changed) on or
                     after DATE
  export --source KEY
                     only this key
  export -o, --output FILE
                     write to FILE (mode 0600, replaced atomically), not stdout;
                     never a file rotatetui keeps, nor one that is not a plain file
  rotated --on DATE  the day the keys were rotated: a date, today or yesterday
                     (not in the future)

KEY is a key id (snowflake/prod), or a source id or name when the source has one
key (a source without keys declared in keys.toml has one, named as the source); a
source with several is refused with their list (exit 2).

A first word that is no command filters the list; one close to a command that
matches no source is refused as a typo (exit 2), as are unknown flags.

Dates are YYYY-MM-DD in local time (or RFC 3339, e.g. 2026-01-02T15:04:05Z);
durations are like 90d, 12h or 30m. Times are stored in UTC and shown in local time.

Files:
  $XDG_CONFIG_HOME/rotatetui/catalog.toml   your catalog, layered over the built-in one
                                            (default ~/.config/rotatetui/catalog.toml)
  $XDG_CONFIG_HOME/rotatetui/keys.toml      the keys of your sources (several
                                            accounts of one provider)
  $XDG_CONFIG_HOME/rotatetui/config.toml    settings: rotate_every = "90d",
                                            verify = "offered"|"required"|"off",
                                            check_timeout = 30 (seconds)

Environment:
  ROTATETUI_STATE    progress file, as --state
  ROTATETUI_ACTOR    who is recorded with each change, as --actor
  NO_COLOR           monochrome screen
`

// options is the parsed command line.
type options struct {
	command   string // "" for the UI
	args      []string
	catalogs  []string
	noBuiltin bool
	statePath string
	resume    bool
	json      bool
	help      bool
	version   bool
	actor     string // --actor; "" when not given
	// Size limits in bytes (--max-state-size, --max-catalog-size); 0: the default.
	maxStateSize, maxCatalogSize int64

	// Command flags: each belongs to one command (its flags in the command table).
	check  bool   // status --check
	on     string // rotated --on DATE
	format string // export --format
	since  string // export --since DATE; status and verify --since DATE|DURATION
	// verify --new, --old, --all; status --require-proof.
	verifyNew, verifyOld, verifyAll, requireProof bool
	source                                        string     // export --source SOURCE
	output                                        string     // export -o FILE
	force                                         bool       // check --force: check a step whose wait has not passed
	yes                                           bool       // check --yes: revoke the old key while no new key exists
	note                                          string     // check --note TEXT: how a proof step was verified
	join                                          bool       // check/uncheck/reset --join: act on a rotation someone else started
	overwrite                                     bool       // state copy --overwrite, replacing the keys the target has too
	key                                           keyOptions // the flags of `key` (cmd_key.go)
	// commandFlags lists the command flags given, to refuse them on other commands.
	commandFlags []string
}

// flag is one flag of the command line.
type flag struct {
	names []string // its spellings, e.g. "-o", "--output"
	value bool     // it takes a value (--state FILE, --state=FILE); else it is a switch
	// set records the flag in the options; v is its value, "" for a switch.
	set func(o *options, v string) error
}

// globalFlags are the flags that go with every command. Command flags belong to one
// command each and are listed with it in the command table.
var globalFlags = []flag{
	{names: []string{"--catalog"}, value: true, set: func(o *options, v string) error { o.catalogs = append(o.catalogs, v); return nil }},
	{names: []string{"--state"}, value: true, set: func(o *options, v string) error { o.statePath = v; return nil }},
	{names: []string{"--no-builtin"}, set: func(o *options, _ string) error { o.noBuiltin = true; return nil }},
	{names: []string{"-r", "--resume"}, set: func(o *options, _ string) error { o.resume = true; return nil }},
	{names: []string{"--json"}, set: func(o *options, _ string) error { o.json = true; return nil }},
	{names: []string{"--actor"}, value: true, set: setActor},
	{names: []string{"--max-state-size"}, value: true, set: sizeFlag("--max-state-size", func(o *options) *int64 { return &o.maxStateSize })},
	{names: []string{"--max-catalog-size"}, value: true, set: sizeFlag("--max-catalog-size", func(o *options) *int64 { return &o.maxCatalogSize })},
	{names: []string{"-h", "--help", "-help"}, set: func(o *options, _ string) error { o.help = true; return nil }},
	{names: []string{"--version", "-version"}, set: func(o *options, _ string) error { o.version = true; return nil }},
}

func setActor(o *options, v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("--actor needs a name, e.g. --actor alice@laptop")
	}
	if err := actorSecret("--actor", v); err != nil {
		return err
	}
	o.actor = v
	return nil
}

// actorSecret refuses an actor name that looks like a secret (where says where it came
// from): it is recorded with every change, in the progress file and its exports, which
// never hold one. The name is not echoed.
func actorSecret(where, actor string) error {
	if what, secret := state.ActorLooksLikeSecret(actor); secret {
		return fmt.Errorf("%s looks like %s, and rotatetui records it with every change, where no secret may go: give a name, e.g. alice@laptop", where, what)
	}
	return nil
}

// findFlag looks a flag up by any of its spellings, among the global flags and every
// command's; owner is the command a command flag belongs to, "" for a global flag.
func findFlag(name string) (f *flag, owner string) {
	if f := flagNamed(globalFlags, name); f != nil {
		return f, ""
	}
	for i := range commands {
		if f := flagNamed(commands[i].flags, name); f != nil {
			return f, commands[i].name
		}
	}
	return nil, ""
}

// flagNames is every spelling of every flag, global flags first.
func flagNames() []string {
	var names []string
	for _, f := range globalFlags {
		names = append(names, f.names...)
	}
	for _, c := range commands {
		for _, f := range c.flags {
			names = append(names, f.names...)
		}
	}
	return names
}

// didYouMean is "; did you mean WORD?", or "" without a suggestion.
func didYouMean(word string) string {
	if word == "" {
		return ""
	}
	return "; did you mean " + word + "?"
}

func flagNamed(flags []flag, name string) *flag {
	for i := range flags {
		for _, n := range flags[i].names {
			if n == name {
				return &flags[i]
			}
		}
	}
	return nil
}

// findCommand is the command named name; "" (and any word that names no command) is
// the UI, for which the words are a query.
func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// commandNames lists the words that name a command.
func commandNames() []string {
	var names []string
	for _, c := range commands {
		if c.name != "" {
			names = append(names, c.name)
		}
	}
	return names
}

// parseArgs reads flags wherever they appear, before or after the subcommand and its
// arguments, as git and gh users expect. "--" ends the flags.
func parseArgs(args []string) (options, error) {
	var o options
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		next, err := parseFlag(&o, args, i)
		if err != nil {
			return o, err
		}
		i = next
	}
	if len(positional) > 0 && positional[0] != "" && findCommand(positional[0]) != nil {
		o.command, positional = positional[0], positional[1:]
	}
	o.args = positional
	if err := checkFlagsFit(o); err != nil {
		if typo := commandTypo(o); typo != "" {
			// statsu --json: the flags fit the command meant, not the list.
			return o, fmt.Errorf("unknown command %s; did you mean %s?", catalog.PrintableLine(o.args[0]), typo)
		}
		return o, err
	}
	return o, nil
}

// commandTypo is the command that the first word of the UI's query is probably a typo
// of ("statsu": status), or "".
func commandTypo(o options) string {
	if o.command != "" || len(o.args) == 0 {
		return ""
	}
	return nearest(o.args[0], commandNames())
}

// parseFlag records the flag at args[i] (and its value) in o, and returns the index of
// the last argument it used.
func parseFlag(o *options, args []string, i int) (int, error) {
	name, value, hasValue := strings.Cut(args[i], "=")
	f, owner := findFlag(name)
	if f == nil {
		return i, fmt.Errorf("unknown flag %s%s", catalog.PrintableLine(name), didYouMean(nearest(name, flagNames())))
	}
	switch {
	case !f.value && hasValue:
		return i, fmt.Errorf("%s takes no value", name)
	case f.value && !hasValue:
		if i+1 >= len(args) {
			return i, fmt.Errorf("%s needs a value", name)
		}
		i++
		value = args[i]
	}
	if err := f.set(o, value); err != nil {
		return i, err
	}
	if owner != "" {
		o.commandFlags = append(o.commandFlags, name)
	}
	return i, nil
}

// checkFlagsFit refuses flags given to a command they do not belong to.
func checkFlagsFit(o options) error {
	cmd := findCommand(o.command)
	if o.json && !cmd.json {
		return errors.New("--json works with " + jsonCommandNames())
	}
	for _, f := range o.commandFlags {
		// A flag may belong to several commands (--since, --yes, --join): each sets
		// the same option.
		if flagNamed(cmd.flags, f) != nil {
			continue
		}
		_, owner := findFlag(f)
		return fmt.Errorf("%s works only with %s (rotatetui %s %s ...)", f, flagOwners(f), owner, f)
	}
	if o.resume && o.command != "" {
		return errors.New("--resume opens the checklist; it does not go with a subcommand")
	}
	if o.resume && len(o.args) > 0 {
		return fmt.Errorf("--resume opens the most recent unfinished rotation: it takes no QUERY (got %q)", catalog.PrintableLine(strings.Join(o.args, " ")))
	}
	return nil
}

// flagOwners names the commands that take command flag name: "'export'", "'status'
// or 'verify'".
func flagOwners(name string) string {
	var owners []string
	for i := range commands {
		if flagNamed(commands[i].flags, name) != nil {
			owners = append(owners, "'"+commands[i].name+"'")
		}
	}
	if len(owners) <= 1 {
		return strings.Join(owners, "")
	}
	return strings.Join(owners[:len(owners)-1], ", ") + " or " + owners[len(owners)-1]
}

// jsonCommandNames lists the commands that take --json, e.g. "status, history and
// catalog".
func jsonCommandNames() string {
	var names []string
	for _, c := range commands {
		if c.json {
			names = append(names, c.name)
		}
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " and " + names[last]
}
