// Command rotatetui is a full-screen terminal checklist for rotating API keys by hand,
// source by source, with progress saved after every check.
//
// main.go wires the packages together: it parses the command line, resolves file
// locations, layers the catalogs, opens the state store and then either runs the
// terminal UI or one of the non-interactive subcommands (which never start the UI).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/ui"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; otherwise the
// module version from the build info is used.
var version = ""

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1 // a check failed or a file could not be used
	exitUsage   = 2 // bad command line, bad catalog, unknown source or step
	exitUnsaved = 3 // the UI ended with changes that could not be saved
)

const usage = `rotatetui: a checklist for rotating API keys by hand, source by source.

Usage:
  rotatetui [flags] [QUERY]          open the source list (filtered by QUERY; a single
                                     match opens its checklist directly)
  rotatetui -r | --resume            open the most recently touched unfinished rotation
  rotatetui check SOURCE STEP...     check steps (STEP: number from 1, or step id)
  rotatetui uncheck SOURCE STEP...   uncheck steps
  rotatetui status [--json] [--check]
                                     every source: state, progress, last rotated, next due
  rotatetui history SOURCE [--json]  the rotations of one source, newest first
  rotatetui export [--format F] [--since DATE] [--source SOURCE] [-o FILE]
                                     every rotation and its steps, as audit evidence
  rotatetui reset SOURCE             abandon the rotation in progress (kept in the history)
  rotatetui rotated SOURCE --on DATE
                                     record a rotation done outside rotatetui on DATE
  rotatetui restore [FILE...]        save changes an earlier run could not, kept in
                                     rescue files (default: those of the state file)
  rotatetui validate [FILE...]       check catalog files (default: the ones in use)
  rotatetui catalog --json           print the catalog in use as JSON

Flags (anywhere on the line):
  --catalog FILE     layer a catalog over the built-in one (repeatable)
  --no-builtin       start from an empty catalog instead of the built-in one
  --state FILE       progress file (default: $ROTATETUI_STATE, else
                     $XDG_STATE_HOME/rotatetui/state.json, else
                     ~/.local/state/rotatetui/state.json)
  --actor NAME       who is recorded with each change (default: $ROTATETUI_ACTOR,
                     else $USER@hostname)
  -r, --resume       open the most recent unfinished rotation
      --json         machine-readable output (status, history, export, reset,
                     rotated, catalog)
  -h, --help         show this help
      --version      print the version

Command flags (also anywhere on the line):
  status --check     exit 1 if a source is overdue or a rotation has been in
                     progress for more than 7 days (which, on stderr); else 0
  export --format F  markdown (default), csv or json
  export --since DATE
                     only rotations finished (or, if unfinished, last changed) on or
                     after DATE
  export --source SOURCE
                     only this source
  export -o, --output FILE
                     write to FILE (mode 0600, replaced atomically), not stdout
  rotated --on DATE  the day the source was rotated (not in the future)

Dates are YYYY-MM-DD in local time (or RFC 3339, e.g. 2026-01-02T15:04:05Z);
durations are like 90d, 12h or 30m. Times are stored in UTC and shown in local time.

Files:
  $XDG_CONFIG_HOME/rotatetui/catalog.toml   your catalog, layered over the built-in one
                                            (default ~/.config/rotatetui/catalog.toml)
  $XDG_CONFIG_HOME/rotatetui/config.toml    settings; for now only the default
                                            interval: rotate_every = "90d"

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

	// Command flags: each belongs to one command (commandFlags).
	check  bool   // status --check
	on     string // rotated --on DATE
	format string // export --format
	since  string // export --since DATE
	source string // export --source SOURCE
	output string // export -o FILE
	// commandFlags lists the command flags given, to refuse them on other commands.
	commandFlags []string
}

var subcommands = map[string]bool{"check": true, "uncheck": true, "status": true, "validate": true, "catalog": true,
	"history": true, "export": true, "reset": true, "rotated": true, "restore": true}

// commandFlagOwner says which command each command flag belongs to.
var commandFlagOwner = map[string]string{
	"--check": "status", "--on": "rotated",
	"--format": "export", "--since": "export", "--source": "export", "-o": "export", "--output": "export",
}

// writesState lists the commands that may save progress ("" is the UI).
var writesState = map[string]bool{"": true, "check": true, "uncheck": true, "reset": true, "rotated": true, "restore": true}

// jsonCommands are the commands that take --json.
var jsonCommands = map[string]bool{"status": true, "catalog": true, "history": true, "export": true, "reset": true, "rotated": true}

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
		name, value, hasValue := strings.Cut(a, "=")
		takeValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "--catalog":
			var v string
			if v, err = takeValue(); err == nil {
				o.catalogs = append(o.catalogs, v)
			}
		case "--state":
			o.statePath, err = takeValue()
		case "--no-builtin":
			o.noBuiltin = true
		case "-r", "--resume":
			o.resume = true
		case "--json":
			o.json = true
		case "--actor":
			if o.actor, err = takeValue(); err == nil && strings.TrimSpace(o.actor) == "" {
				err = errors.New("--actor needs a name, e.g. --actor alice@laptop")
			}
		case "--check":
			o.check = true
		case "--on":
			o.on, err = takeValue()
		case "--format":
			o.format, err = takeValue()
		case "--since":
			o.since, err = takeValue()
		case "--source":
			o.source, err = takeValue()
		case "-o", "--output":
			o.output, err = takeValue()
		case "-h", "--help", "-help":
			o.help = true
		case "--version", "-version":
			o.version = true
		default:
			return o, fmt.Errorf("unknown flag %s", name)
		}
		if err != nil {
			return o, err
		}
		if hasValue && (name == "--no-builtin" || name == "-r" || name == "--resume" || name == "--json" || name == "--check") {
			return o, fmt.Errorf("%s takes no value", name)
		}
		if commandFlagOwner[name] != "" {
			o.commandFlags = append(o.commandFlags, name)
		}
	}
	if len(positional) > 0 && subcommands[positional[0]] {
		o.command, positional = positional[0], positional[1:]
	}
	o.args = positional
	if o.json && !jsonCommands[o.command] {
		return o, errors.New("--json works with status, history, export, reset, rotated and catalog")
	}
	for _, f := range o.commandFlags {
		if owner := commandFlagOwner[f]; owner != o.command {
			return o, fmt.Errorf("%s works only with '%s' (rotatetui %s %s ...)", f, owner, owner, f)
		}
	}
	if o.resume && o.command != "" {
		return o, errors.New("--resume opens the checklist; it does not go with a subcommand")
	}
	return o, nil
}

func main() {
	// Commands print many short pieces (a line at a time); buffering keeps that to a
	// few system calls. The UI writes to the terminal itself, unbuffered here.
	stdout := bufio.NewWriterSize(os.Stdout, 64<<10)
	code := run(os.Args[1:], stdout, os.Stderr)
	if err := stdout.Flush(); err != nil && code == exitOK {
		fmt.Fprintf(os.Stderr, "rotatetui: writing output: %v\n", err)
		code = exitFailed
	}
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\nRun 'rotatetui --help' for usage.\n", err)
		return exitUsage
	}
	switch {
	case o.help:
		fmt.Fprint(stdout, usage)
		return exitOK
	case o.version:
		fmt.Fprintln(stdout, "rotatetui", buildVersion())
		return exitOK
	case o.command == "validate":
		return runValidate(o, stdout, stderr)
	}
	if o.command == "" {
		// Before any loading: a large catalog takes a second to read for nothing.
		if why := whyNoUI(os.Stdin, os.Stdout, os.Getenv("TERM")); why != "" {
			fmt.Fprintf(stderr, "rotatetui: %s\n", why)
			return exitUsage
		}
	}

	files := catalogFiles(o)
	catalogBytes := totalSize(files)
	liftHeapLimit, largeCatalogs := limitHeapWhileLoading(catalogBytes)
	defer liftHeapLimit()
	stopNotice := func() {}
	if len(files) > 0 {
		// Only files can take long: the built-in catalog is compiled in. The notice's
		// timer is not free at start-up either.
		stopNotice = noticeIfSlow(stderr, loadingNoticeAfter, func() string { return "rotatetui: loading " + describeCatalogSize(o, files) + "…" })
	}
	cat, builtinEvery, err := loadCatalogs(o, files)
	stopNotice()
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitUsage
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitUsage
	}
	sched := schedule{cat: cat, fallback: defaultInterval(cfg, builtinEvery)}
	if o.command == "catalog" {
		return runCatalog(o, cat, stdout, stderr)
	}

	statePath, err := resolveStatePath(o.statePath)
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	store := state.NewStore(statePath, storeOptions...)
	st, err := store.Load()
	if err != nil {
		const advice = "The file was left exactly as it is. Fix or move it, or use --state to point elsewhere."
		if o.command == "" && isTerminal(os.Stdout) {
			_, noColor := os.LookupEnv("NO_COLOR")
			_ = ui.ShowError("rotatetui cannot use its progress file", err.Error()+"\n\n"+advice, noColor)
		}
		fmt.Fprintf(stderr, "rotatetui: %v\n%s\n", err, advice)
		return exitFailed
	}
	if writesState[o.command] {
		// Temp files are only left behind by a save that was killed halfway. Commands
		// that only read leave them to the next one that writes: reading the directory
		// is a tenth of the start of `status`.
		_ = store.CleanTemp()
	}
	if warning := store.PermissionWarning(); warning != "" && o.command != "" {
		// The UI shows it in its status line; scripts get it on stderr.
		fmt.Fprintf(stderr, "rotatetui: warning: %s\n", warning)
	}
	if writesState[o.command] && o.command != "" && o.command != "restore" {
		// Commands that save are where a rescue can be noticed; those that only read
		// stay quick. The UI looks after its first frame.
		if reminder := rescueReminder(store, "run"); reminder != "" {
			fmt.Fprintf(stderr, "rotatetui: warning: %s\n", reminder)
		}
	}

	switch o.command {
	case "check", "uncheck":
		return runCheck(o, cat, store, stdout, stderr)
	case "status":
		return runStatus(o, sched, st, stdout, stderr)
	case "history":
		return runHistory(o, sched, st, stdout, stderr)
	case "export":
		return runExport(o, cat, store, st, stdout, stderr)
	case "reset":
		return runReset(o, sched, store, stdout, stderr)
	case "rotated":
		return runRotated(o, sched, store, stdout, stderr)
	case "restore":
		return runRestore(o, sched.cat, store, stdout, stderr)
	}
	if largeCatalogs {
		// What is loaded is what the UI keeps: pace the heap by it from now on.
		liftHeapLimit()
		collectOftenWithLargeCatalogs(catalogBytes)
	}
	return runUI(o, sched, store, st, stderr)
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// configDir is $XDG_CONFIG_HOME/rotatetui (default ~/.config/rotatetui), or "" without
// a home directory.
func configDir() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rotatetui")
}

// catalogCache keeps validated catalogs in $XDG_CACHE_HOME/rotatetui (default
// ~/.cache/rotatetui), so large catalogs are parsed once, not at every start. Entries
// belong to this exact executable; without one to identify, there is no cache.
func catalogCache() catalog.Cache {
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return catalog.Cache{}
		}
		dir = filepath.Join(home, ".cache")
	}
	exe, err := os.Executable()
	if err != nil {
		return catalog.Cache{}
	}
	info, err := os.Stat(exe)
	if err != nil {
		return catalog.Cache{}
	}
	identity := fmt.Sprintf("%s %d %d %s", exe, info.Size(), info.ModTime().UnixNano(), buildVersion())
	return catalog.Cache{Dir: filepath.Join(dir, "rotatetui"), Identity: identity}
}

// loadingNoticeAfter is how long loading may take before the person is told what is
// going on: a large generated catalog takes seconds to parse, and a terminal that
// stays blank that long looks hung.
const loadingNoticeAfter = 250 * time.Millisecond

// noticeIfSlow prints msg to w (only if it is a terminal) when the work it guards is
// still running after delay. The returned func ends the wait; it is safe to call once.
func noticeIfSlow(w io.Writer, delay time.Duration, msg func() string) (stop func()) {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return func() {}
	}
	// The message is only worked out (stat calls) if it is shown.
	timer := time.AfterFunc(delay, func() { fmt.Fprintln(w, msg()) })
	return func() { timer.Stop() }
}

// describeCatalogSize says how much catalog text is about to be read, e.g. "3
// catalogs (25.6 MB)".
func describeCatalogSize(o options, files []string) string {
	size := totalSize(files)
	n := len(files)
	if !o.noBuiltin {
		n++
	}
	return fmt.Sprintf("%s (%.1f MB)", plural(n, "catalog", "catalogs"), float64(size)/1e6)
}

// totalSize is how many bytes the files hold, leaving out those that cannot be read.
func totalSize(files []string) int64 {
	var size int64
	for _, f := range files {
		if info, err := os.Stat(f); err == nil {
			size += info.Size()
		}
	}
	return size
}

// limitHeapWhileLoading bounds the heap while large catalogs load and the commands
// that print and exit run, and returns what lifts the bound again (the UI does before
// it starts); large reports whether the catalogs are large (1 MB or more). Parsing a
// catalog makes garbage at several times its size; paced as usual, the collector would
// let the heap, and the resident memory, grow to about twice what the loaded catalog
// needs, and every page the heap touches for the first time costs a page fault. About
// four times the catalog text, plus room for the rest of the program, is what a loaded
// catalog needs. A lower limit set by the user (GOMEMLIMIT) stays.
func limitHeapWhileLoading(size int64) (lift func(), large bool) {
	if size < 1<<20 {
		return func() {}, false
	}
	limit := 4*size + 32<<20
	prev := debug.SetMemoryLimit(-1)
	if prev <= limit {
		return func() {}, true
	}
	debug.SetMemoryLimit(limit)
	return sync.OnceFunc(func() { debug.SetMemoryLimit(prev) }), true
}

// collectOftenFrom is the size of catalog text (about 30,000 generated sources) from
// which a session collects often (see collectOftenWithLargeCatalogs).
const collectOftenFrom = 8 << 20

// collectOftenWithLargeCatalogs paces the collector for a long session with catalogs
// of size bytes: once they are loaded, most of the heap is the catalog, which lives as
// long as the program, so the default pacing (collect when the heap has doubled) would
// let an hour of typing grow the resident memory to twice the catalog's. From
// collectOftenFrom on, it collects when the heap has grown by a quarter, which costs
// a collection every few hundred keystrokes at 100,000 sources. Below that the heap
// is small enough to double, and collecting four times as often made the slowest
// keystrokes at 10,000 sources a third slower (KeystrokeSequence/10k/display run with
// GOGC=25: p99 1.06 ms against 0.79). A GOGC set by the user stays.
func collectOftenWithLargeCatalogs(size int64) {
	if _, set := os.LookupEnv("GOGC"); !set && size >= collectOftenFrom {
		debug.SetGCPercent(25)
	}
}

// userCatalogPath is the catalog a user keeps beside their config, if they made one.
func userCatalogPath() string {
	if dir := configDir(); dir != "" {
		return filepath.Join(dir, "catalog.toml")
	}
	return ""
}

// catalogFiles lists the user catalog files in layering order.
func catalogFiles(o options) []string {
	var files []string
	if p := userCatalogPath(); p != "" {
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	return append(files, o.catalogs...)
}

// loadCatalogs layers the built-in catalog and files: the user's catalog and every
// --catalog file, as catalogFiles lists them (the caller lists them once, for the heap
// limit and the loading notice too). Every problem of every file is reported, not just
// the first file's.
//
// The merged catalog's RotateEvery is the last one set by a user catalog: the built-in
// catalog's interval is returned apart, as builtinEvery, because it is only a default
// that config.toml overrides (see defaultInterval).
func loadCatalogs(o options, files []string) (cat *catalog.Catalog, builtinEvery catalog.Duration, err error) {
	var cache catalog.Cache
	if len(files) > 0 {
		cache = catalogCache() // the built-in catalog needs none: it is compiled in
	}
	var layers []*catalog.Catalog
	if !o.noBuiltin {
		b, err := catalog.Builtin()
		if err != nil {
			return nil, 0, err
		}
		builtinEvery, b.RotateEvery = b.RotateEvery, 0
		layers = append(layers, b)
	}
	var problems []string
	for _, f := range files {
		c, err := cache.LoadFile(f)
		if err != nil {
			problems = append(problems, describeCatalogError(f, err))
			continue
		}
		layers = append(layers, c)
	}
	if len(problems) > 0 {
		return nil, 0, fmt.Errorf("catalog refused:\n%s", strings.Join(problems, "\n"))
	}
	merged := catalog.Merge(layers...)
	if len(merged.Sources) == 0 {
		return nil, 0, errors.New("the catalog has no sources (with --no-builtin, add one with --catalog FILE)")
	}
	return merged, builtinEvery, nil
}

func describeCatalogError(file string, err error) string {
	var cerr *catalog.Error
	if errors.As(err, &cerr) {
		return cerr.Error()
	}
	var perr *os.PathError
	if errors.As(err, &perr) {
		return fmt.Sprintf("%s: cannot read: %v", file, perr.Err)
	}
	return fmt.Sprintf("%s: %v", file, err)
}

// config is config.toml: settings that belong to neither a catalog nor the progress.
type config struct {
	RotateEvery catalog.Duration // the default rotation interval; zero when unset
}

// userConfigPath is $XDG_CONFIG_HOME/rotatetui/config.toml, or "" without a home.
func userConfigPath() string {
	if dir := configDir(); dir != "" {
		return filepath.Join(dir, "config.toml")
	}
	return ""
}

// loadConfig reads config.toml; a missing file is the empty config. A file with
// problems is refused, each problem as file:line:col: message, like a catalog.
func loadConfig() (config, error) {
	p := userConfigPath()
	if p == "" {
		return config{}, nil
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return config{}, nil
	}
	if err == nil {
		var cfg config
		if cfg, err = parseConfig(p, data); err == nil {
			return cfg, nil
		}
	}
	return config{}, fmt.Errorf("config refused:\n%s", describeCatalogError(p, err))
}

// parseConfig decodes config.toml with the catalog's strict decoder. Errors are
// *catalog.Error.
func parseConfig(name string, data []byte) (config, error) {
	settings, err := catalog.ParseSettings(name, data)
	return config{RotateEvery: settings.RotateEvery}, err
}

// resolveStatePath picks the progress file: --state, $ROTATETUI_STATE, then the XDG
// state directory.
func resolveStatePath(flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if env := os.Getenv("ROTATETUI_STATE"); env != "" {
		return filepath.Abs(env)
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory to keep progress in; use --state FILE: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rotatetui", "state.json"), nil
}

// actor is who gets recorded with each change: --actor, else $ROTATETUI_ACTOR, else
// $USER@hostname.
func actor(o options) string {
	if o.actor != "" {
		return catalog.PrintableLine(o.actor)
	}
	if a := os.Getenv("ROTATETUI_ACTOR"); a != "" {
		return catalog.PrintableLine(a)
	}
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		return catalog.PrintableLine(user)
	}
	return catalog.PrintableLine(user + "@" + host)
}

func runUI(o options, sched schedule, store *state.Store, st *state.State, stderr io.Writer) int {
	notice := store.PermissionWarning()
	_, noColor := os.LookupEnv("NO_COLOR")
	ctx, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	changes, err := store.Watch(ctx)
	if err != nil {
		// Progress made elsewhere then shows up at our next save instead of at once.
		changes = nil
	}
	res, err := ui.Run(ui.Options{
		Catalog:         sched.cat,
		DefaultInterval: sched.fallback,
		State:           st,
		Store:           store,
		Query:           strings.Join(o.args, " "),
		Resume:          o.resume,
		Actor:           actor(o),
		Now:             now,
		NoColor:         noColor,
		Notice:          notice,
		Changes:         changes,
		PendingWork:     func() string { return rescueReminder(store, "quit and run") },
		KeepText: func(changes []state.Change) error {
			_, err := state.WriteRescue(store.Path(), changes)
			return err
		},
	})
	code := exitOK
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		code = exitFailed
	}
	if !saveUnsaved(store, res.Unsaved, stderr) {
		return exitUnsaved
	}
	if sig, ok := res.Signal.(syscall.Signal); ok && code == exitOK {
		// As a shell reports a program the signal killed: whoever sent it can tell.
		return 128 + int(sig)
	}
	return code
}

// saveUnsaved makes one more attempt at changes the UI could not confirm on disk and,
// if that fails too, keeps them in a rescue file and says where. It reports whether
// nothing was lost.
func saveUnsaved(store *state.Store, unsaved []state.Change, stderr io.Writer) bool {
	if len(unsaved) == 0 {
		return true
	}
	// The UI has gone: without a word, a wait for the lock would look like a hang.
	stopNotice := noticeIfSlow(stderr, loadingNoticeAfter, func() string {
		return "rotatetui: saving " + plural(len(unsaved), "change", "changes") + " before exiting…"
	})
	_, err := store.Apply(unsaved...)
	stopNotice()
	if err == nil {
		return true
	}
	fmt.Fprintf(stderr, "rotatetui: %s could not be saved to %s: %v\n", plural(len(unsaved), "change", "changes"), store.Path(), err)
	path, rerr := state.WriteRescue(store.Path(), unsaved)
	if rerr != nil {
		fmt.Fprintf(stderr, "rotatetui: no rescue file could be written either (%v). The changes were:\n", rerr)
		for _, c := range unsaved {
			fmt.Fprintf(stderr, "  %s %s step %s at %s\n", c.Kind, c.Source, c.Step, c.At.Format(time.RFC3339))
		}
		return false
	}
	fmt.Fprintf(stderr, "rotatetui: they are kept in %s (JSON); nothing you did is lost.\nOnce the problem is fixed, run: %s\n", path, restoreCommand(store))
	return false
}

// whyNoUI says why the full-screen checklist cannot run here, or "" if it can. Run from
// a script or with its output redirected, it would draw where nobody sees it, or wait
// for keys that never come; a dumb terminal (an editor's shell buffer) shows text but
// cannot move the cursor.
func whyNoUI(stdin, stdout *os.File, term string) string {
	const instead = "the commands: status, check, uncheck, history, export (rotatetui --help)"
	if missing := notTerminals(stdin, stdout); missing != "" {
		return "the checklist is full-screen and needs a terminal, but " + missing + ".\nIn scripts, use " + instead + "."
	}
	if term == "dumb" {
		return "the checklist is full-screen, and this terminal (TERM=dumb) cannot draw one.\nUse " + instead + "."
	}
	return ""
}

// notTerminals names which of standard input and output are not terminals ("" when
// both are), for the message that the UI needs one.
func notTerminals(stdin, stdout *os.File) string {
	in, out := isTerminal(stdin), isTerminal(stdout)
	switch {
	case !in && !out:
		return "standard input and output are not terminals"
	case !in:
		return "standard input is not a terminal"
	case !out:
		return "standard output is not a terminal"
	}
	return ""
}

// isTerminal reports whether f is a terminal, so full-screen output is only shown to a
// person. (/dev/null is a character device too: the file mode cannot tell.)
func isTerminal(f *os.File) bool { return ui.IsTerminal(f) }

// now is the clock of everything main does; tests replace it.
var now = time.Now

// storeOptions configures every store.
var storeOptions []state.Option

// testHooks is "on" only in binaries the tests build with
// -ldflags "-X main.testHooks=on"; a normal build has no way to switch locking off.
var testHooks = ""

func init() {
	if testHooks != "on" {
		return
	}
	if os.Getenv("ROTATETUI_TEST_NO_LOCK") == "1" {
		storeOptions = append(storeOptions, state.WithoutLockingForTests(2*time.Millisecond))
	}
	// A lock that never comes free fails a save in this time rather than in 10s.
	if d, err := time.ParseDuration(os.Getenv("ROTATETUI_TEST_LOCK_TIMEOUT")); err == nil {
		storeOptions = append(storeOptions, state.WithLockTimeout(d))
	}
}

// sourceArg checks a command's arguments (argsOK) and resolves its SOURCE, the first of
// them. When either fails it says why on stderr and returns a nil source and the exit
// status, so every command that takes a source behaves the same way.
func sourceArg(o options, cat *catalog.Catalog, argsOK bool, usage string, stderr io.Writer) (*catalog.Source, int) {
	if !argsOK {
		fmt.Fprintf(stderr, "rotatetui: usage: rotatetui %s %s\n", o.command, usage)
		return nil, exitUsage
	}
	src, err := findSource(cat, o.args[0])
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return nil, exitUsage
	}
	return src, exitOK
}

// findSource resolves a SOURCE argument or explains what the user might have meant.
func findSource(cat *catalog.Catalog, query string) (*catalog.Source, error) {
	src, near := cat.Lookup(query)
	if src != nil {
		return src, nil
	}
	msg := fmt.Sprintf("no source %q", catalog.PrintableLine(query))
	if len(near) > 0 {
		var names []string
		for i, s := range near {
			if i == 8 {
				names = append(names, "…")
				break
			}
			names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.ID))
		}
		msg += "; did you mean: " + strings.Join(names, ", ")
	} else {
		msg += "; 'rotatetui status' lists every source"
	}
	return nil, errors.New(msg)
}

func runCheck(o options, cat *catalog.Catalog, store *state.Store, stdout, stderr io.Writer) int {
	src, code := sourceArg(o, cat, len(o.args) >= 2, "SOURCE STEP...", stderr)
	if src == nil {
		return code
	}
	kind := state.Check
	if o.command == "uncheck" {
		kind = state.Uncheck
	}
	keys := src.StepKeys()
	at := now().UTC()
	by := actor(o)
	var changes []state.Change
	var indexes []int
	for _, ref := range o.args[1:] {
		i := src.StepIndex(ref)
		if i < 0 {
			fmt.Fprintf(stderr, "rotatetui: %s has no step %q; its steps are 1 to %d", src.Name, catalog.PrintableLine(ref), len(src.Steps))
			var ids []string
			for _, st := range src.Steps {
				if st.ID != "" {
					ids = append(ids, st.ID)
				}
			}
			if len(ids) > 0 {
				fmt.Fprintf(stderr, " or the ids %s", strings.Join(ids, ", "))
			}
			fmt.Fprintln(stderr)
			return exitUsage
		}
		indexes = append(indexes, i)
		changes = append(changes, state.Change{Kind: kind, Source: src.ID, Step: keys[i], Steps: keys, At: at, By: by})
	}
	before, err := store.Load()
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	after, err := store.Apply(changes...)
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	var prev *state.Rotation
	if ss := before.Source(src.ID); ss != nil {
		prev = ss.Current
	}
	for _, i := range indexes {
		was := prev != nil && prev.Checked(keys[i])
		switch {
		case kind == state.Check && was:
			fmt.Fprintf(stdout, "%s: step %d was already checked\n", src.Name, i+1)
		case kind == state.Check:
			fmt.Fprintf(stdout, "%s: checked step %d: %s\n", src.Name, i+1, oneLine(src.Steps[i].Text))
		case was:
			fmt.Fprintf(stdout, "%s: unchecked step %d: %s\n", src.Name, i+1, oneLine(src.Steps[i].Text))
		default:
			fmt.Fprintf(stdout, "%s: step %d was not checked\n", src.Name, i+1)
		}
	}
	ss := after.Source(src.ID)
	switch {
	case ss != nil && ss.Current != nil:
		done, total := ss.Current.Progress(keys)
		fmt.Fprintf(stdout, "%s: %d/%d steps done\n", src.Name, done, total)
	case completedCount(after.Source(src.ID)) > completedCount(before.Source(src.ID)):
		fmt.Fprintf(stdout, "%s: rotation complete\n", src.Name)
	}
	return exitOK
}

func completedCount(ss *state.SourceState) int {
	n := 0
	if ss != nil {
		for _, r := range ss.History {
			if r.Outcome == state.Completed {
				n++
			}
		}
	}
	return n
}

func oneLine(s string) string {
	s = catalog.PrintableLine(s)
	if r := []rune(s); len(r) > 72 {
		return string(r[:71]) + "…"
	}
	return s
}

// Schedules.

// defaultRotateEvery is the interval of sources for which nothing sets one.
const defaultRotateEvery = catalog.Duration(90 * 24 * time.Hour)

// staleAfter is how long a rotation may stay in progress before status --check
// reports it.
const staleAfter = 7 * 24 * time.Hour

// schedule knows each source's rotation interval.
type schedule struct {
	cat      *catalog.Catalog
	fallback catalog.Duration // for sources whose catalogs set no interval
}

func (s schedule) interval(src *catalog.Source) catalog.Duration {
	return s.cat.Interval(src, s.fallback)
}

// defaultInterval is the interval of sources that neither they nor a user catalog give
// one: rotate_every in config.toml, else the built-in catalog's, else 90 days. The
// built-in catalog's interval ranks below config.toml because it is a default for
// everyone, not a choice the user made.
func defaultInterval(cfg config, builtinEvery catalog.Duration) catalog.Duration {
	switch {
	case cfg.RotateEvery > 0:
		return cfg.RotateEvery
	case builtinEvery > 0:
		return builtinEvery
	}
	return defaultRotateEvery
}

// Dates and times: read as ISO dates (local midnight) or RFC 3339, stored in UTC,
// shown in the local time of the clock.

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04"
)

// local is t in the location of the clock (the local time zone, except in tests).
func local(t time.Time) time.Time { return t.In(now().Location()) }

// showTime prints a time as a date when it is local midnight (as dates given with
// --on are), else as date and time.
func showTime(t time.Time) string {
	t = local(t)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(dateLayout)
	}
	return t.Format(dateTimeLayout)
}

// parseDate reads an ISO date (YYYY-MM-DD, midnight in loc) or an RFC 3339 time.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(dateLayout, s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD (e.g. 2026-01-02) or an RFC 3339 time (e.g. 2026-01-02T15:04:05Z)", catalog.PrintableLine(s))
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// sourceStatusJSON is one element of `status --json`. Times are RFC 3339 in UTC, or
// null.
type sourceStatusJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// State is "in_progress" while a rotation is, else the schedule state (Due).
	State       string     `json:"state"`
	Done        int        `json:"done"`
	Total       int        `json:"total"`
	StartedAt   *time.Time `json:"started_at"` // of the rotation in progress
	UpdatedAt   *time.Time `json:"updated_at"` // of the rotation in progress
	LastRotated *time.Time `json:"last_rotated"`
	NextDue     *time.Time `json:"next_due"`
	Overdue     bool       `json:"overdue"`
	// Due is the schedule state even while a rotation is in progress: overdue,
	// due_today, due_soon, ok or unknown (never rotated).
	Due string `json:"due"`
	// DaysUntilDue counts local calendar days to next_due: negative when overdue,
	// 0 on the day; null when never rotated.
	DaysUntilDue *int   `json:"days_until_due"`
	Interval     string `json:"interval"` // e.g. "90d"
}

func statusOf(src *catalog.Source, ss *state.SourceState, interval catalog.Duration, at time.Time) sourceStatusJSON {
	due := state.ComputeDue(ss, time.Duration(interval), at)
	s := sourceStatusJSON{ID: src.ID, Name: src.Name, State: string(due.State), Total: len(src.Steps),
		LastRotated: utcPtr(due.LastRotated), NextDue: utcPtr(due.NextDue), Overdue: due.State == state.DueOverdue,
		Due: string(due.State), Interval: interval.String()}
	if due.NextDue != nil {
		days := due.Days
		if due.State == state.DueOverdue {
			days = -days
		}
		s.DaysUntilDue = &days
	}
	if ss != nil && ss.Current != nil {
		r := ss.Current
		s.State = "in_progress"
		s.Done, _ = r.Progress(src.StepKeys())
		started, updated := r.StartedAt.UTC(), r.UpdatedAt.UTC()
		s.StartedAt, s.UpdatedAt = &started, &updated
	}
	return s
}

// plainState is how the STATE column of `status` words each state.
var plainState = map[string]string{
	"in_progress": "in progress", "overdue": "overdue", "due_today": "due today",
	"due_soon": "due soon", "ok": "rotated", "unknown": "unknown",
}

func nextDueText(r sourceStatusJSON) string {
	if r.NextDue == nil || r.DaysUntilDue == nil {
		return "-"
	}
	date := local(*r.NextDue).Format(dateLayout)
	switch days := *r.DaysUntilDue; {
	case days < 0:
		return fmt.Sprintf("%s (%s overdue)", date, plural(-days, "day", "days"))
	case days == 0:
		return date + " (today)"
	default:
		return fmt.Sprintf("%s (in %s)", date, plural(days, "day", "days"))
	}
}

func runStatus(o options, sched schedule, st *state.State, stdout, stderr io.Writer) int {
	at := now()
	cat := sched.cat
	rows := make([]sourceStatusJSON, 0, len(cat.Sources))
	for i := range cat.Sources {
		src := &cat.Sources[i]
		rows = append(rows, statusOf(src, st.Source(src.ID), sched.interval(src), at))
	}
	switch {
	case o.json:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rows)
	case !o.check:
		// With --check, a quiet run means all is well (cron mails only output).
		var table columns
		table.add("SOURCE", "STATE", "PROGRESS", "LAST ROTATED", "NEXT DUE")
		for _, r := range rows {
			progress, last := "", "-"
			if r.State == "in_progress" {
				progress = strconv.Itoa(r.Done) + "/" + strconv.Itoa(r.Total)
			}
			if r.LastRotated != nil {
				last = local(*r.LastRotated).Format(dateLayout)
			}
			table.add(catalog.PrintableLine(r.Name), plainState[r.State], progress, last, nextDueText(r))
		}
		_ = table.writeTo(stdout)
	}
	if !o.check {
		return exitOK
	}
	problems := 0
	for _, r := range rows {
		name := fmt.Sprintf("%s (%s)", catalog.PrintableLine(r.Name), r.ID)
		if r.Overdue {
			problems++
			fmt.Fprintf(stderr, "rotatetui: %s is overdue by %s: last rotated %s, due %s\n", name,
				plural(-*r.DaysUntilDue, "day", "days"), local(*r.LastRotated).Format(dateLayout), local(*r.NextDue).Format(dateLayout))
		}
		if r.StartedAt != nil && at.Sub(*r.StartedAt) > staleAfter {
			problems++
			fmt.Fprintf(stderr, "rotatetui: %s has had a rotation in progress for %s (since %s, %d/%d steps done): finish it, or abandon it with 'rotatetui reset %s'\n",
				name, state.FormatDuration(at.Sub(*r.StartedAt).Truncate(time.Hour)), local(*r.StartedAt).Format(dateTimeLayout), r.Done, r.Total, r.ID)
		}
	}
	if problems > 0 {
		fmt.Fprintf(stderr, "rotatetui: status --check: %s\n", plural(problems, "problem", "problems"))
		return exitFailed
	}
	return exitOK
}

// Sources for history and export, which must still show what was recorded for a
// source that has since left the catalog.

// exportSource describes a catalog source for state.NewExportRotation, every text made
// printable.
func exportSource(src *catalog.Source) state.ExportSource {
	es := state.ExportSource{ID: src.ID, Name: catalog.PrintableLine(src.Name), InCatalog: true}
	for _, st := range src.Steps {
		es.Steps = append(es.Steps, state.ExportStepInfo{Key: st.Key, Text: catalog.Printable(st.Text)})
	}
	return es
}

// goneSource describes a source the state file has and the catalog does not.
func goneSource(id string) state.ExportSource {
	return state.ExportSource{ID: catalog.PrintableLine(id), Name: catalog.PrintableLine(id)}
}

// resolveRecorded finds SOURCE as findSource does and, failing that, accepts the exact
// id of a source the state file has that the catalog no longer has. It returns the
// source and its id in the state file.
func resolveRecorded(cat *catalog.Catalog, st *state.State, query string) (state.ExportSource, string, error) {
	src, err := findSource(cat, query)
	if err == nil {
		return exportSource(src), src.ID, nil
	}
	if id := strings.TrimSpace(query); st.Source(id) != nil {
		return goneSource(id), id, nil
	}
	return state.ExportSource{}, "", err
}

// rotationsOf lists a source's rotations oldest first: its history, then the one in
// progress.
func rotationsOf(es state.ExportSource, ss *state.SourceState) []state.ExportRotation {
	if ss == nil {
		return nil
	}
	var out []state.ExportRotation
	for i := range ss.History {
		out = append(out, state.NewExportRotation(es, &ss.History[i], catalog.Printable))
	}
	if ss.Current != nil {
		out = append(out, state.NewExportRotation(es, ss.Current, catalog.Printable))
	}
	return out
}

// historyJSON is the output of `history --json`.
type historyJSON struct {
	ID                string               `json:"id"`
	Name              string               `json:"name"`
	LastRotatedByHand *time.Time           `json:"last_rotated_by_hand"` // set with `rotatetui rotated`
	Rotations         []state.JSONRotation `json:"rotations"`            // newest first, as in the JSON export
}

func runHistory(o options, sched schedule, st *state.State, stdout, stderr io.Writer) int {
	if len(o.args) != 1 {
		fmt.Fprintln(stderr, "rotatetui: usage: rotatetui history SOURCE")
		return exitUsage
	}
	es, id, err := resolveRecorded(sched.cat, st, o.args[0])
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitUsage
	}
	ss := st.Source(id)
	rots := rotationsOf(es, ss)
	slices.Reverse(rots)
	var byHand *time.Time
	if ss != nil {
		byHand = utcPtr(ss.LastRotated)
	}
	if o.json {
		out := historyJSON{ID: es.ID, Name: es.Name, LastRotatedByHand: byHand, Rotations: []state.JSONRotation{}}
		for _, r := range rots {
			out.Rotations = append(out.Rotations, r.JSON())
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return exitOK
	}
	summary := fmt.Sprintf("%s (%s): %s", es.Name, es.ID, plural(len(rots), "rotation", "rotations"))
	if byHand != nil {
		summary += "; recorded by hand as rotated on " + showTime(*byHand)
	}
	fmt.Fprintln(stdout, summary)
	if len(rots) == 0 {
		return exitOK
	}
	var table columns
	table.add("OUTCOME", "STARTED", "FINISHED", "DURATION", "DONE", "SKIPPED", "TOTAL", "STARTED BY")
	for _, r := range rots {
		finished, took := "-", "-"
		if r.FinishedAt != nil {
			finished = local(*r.FinishedAt).Format(dateTimeLayout)
		}
		if d, ok := r.Duration(); ok {
			took = state.FormatDuration(d)
		}
		done, skipped, _ := r.Counts()
		by := catalog.PrintableLine(r.StartedBy)
		if by == "" {
			by = "-"
		}
		table.add(strings.ReplaceAll(string(r.Outcome), "_", " "), local(r.StartedAt).Format(dateTimeLayout), finished, took,
			strconv.Itoa(done), strconv.Itoa(skipped), strconv.Itoa(len(r.Steps)), by)
	}
	_ = table.writeTo(stdout)
	return exitOK
}

// exportFormats are the formats of `export --format`.
var exportFormats = map[string]func(io.Writer, *state.Export) error{
	"markdown": state.WriteMarkdown, "csv": state.WriteCSV, "json": state.WriteJSON,
}

func runExport(o options, cat *catalog.Catalog, store *state.Store, st *state.State, stdout, stderr io.Writer) int {
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "rotatetui: "+format+"\n", args...)
		return exitUsage
	}
	if len(o.args) > 0 {
		return usageErr("export takes no arguments; to export one source, use --source SOURCE")
	}
	format := strings.ToLower(o.format)
	if format == "md" {
		format = "markdown"
	}
	if o.json {
		if format != "" && format != "json" {
			return usageErr("--json and --format %s contradict each other", catalog.PrintableLine(o.format))
		}
		format = "json"
	}
	if format == "" {
		format = "markdown"
	}
	write, ok := exportFormats[format]
	if !ok {
		return usageErr("unknown export format %q (use markdown, csv or json)", catalog.PrintableLine(o.format))
	}
	at := now()
	e := &state.Export{Title: catalog.PrintableLine(cat.Title), GeneratedAt: at, Location: at.Location()}
	if o.since != "" {
		since, err := parseDate(o.since, at.Location())
		if err != nil {
			return usageErr("--since: %v", err)
		}
		e.Since = &since
	}
	onlyID := ""
	if o.source != "" {
		es, id, err := resolveRecorded(cat, st, o.source)
		if err != nil {
			return usageErr("--source: %v", err)
		}
		e.SourceID, e.SourceName, onlyID = es.ID, es.Name, id
	}
	var outPath string
	if o.output != "" && o.output != "-" {
		var err error
		if outPath, err = filepath.Abs(o.output); err != nil {
			fmt.Fprintf(stderr, "rotatetui: -o %s: %v\n", o.output, err)
			return exitFailed
		}
		if outPath == store.Path() || outPath == store.Path()+".lock" {
			return usageErr("-o %s would overwrite the progress file; pick another file", o.output)
		}
	}
	e.Rotations, e.RecordedByHand = collectExport(cat, st, e.Since, onlyID)

	var buf bytes.Buffer
	if err := write(&buf, e); err != nil {
		fmt.Fprintf(stderr, "rotatetui: export: %v\n", err)
		return exitFailed
	}
	if outPath == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(stderr, "rotatetui: export: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if err := state.WriteFileAtomic(outPath, buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "rotatetui: export: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "Wrote %s (%s) to %s\n", plural(len(e.Rotations), "rotation", "rotations"), format, o.output)
	return exitOK
}

// collectExport gathers every rotation (completed, abandoned and in progress) and every
// date recorded by hand, of every source or only onlyID, that ended (or, in progress,
// last changed) at or after since. Rotations are in order of their start; sources the
// catalog no longer has are included.
func collectExport(cat *catalog.Catalog, st *state.State, since *time.Time, onlyID string) ([]state.ExportRotation, []state.ExportManual) {
	type recorded struct {
		id string
		es state.ExportSource
	}
	var sources []recorded
	known := map[string]bool{}
	for i := range cat.Sources {
		known[cat.Sources[i].ID] = true
		sources = append(sources, recorded{cat.Sources[i].ID, exportSource(&cat.Sources[i])})
	}
	if st != nil {
		for _, id := range slices.Sorted(maps.Keys(st.Sources)) {
			if !known[id] {
				sources = append(sources, recorded{id, goneSource(id)})
			}
		}
	}
	var rots []state.ExportRotation
	var manual []state.ExportManual
	for _, s := range sources {
		if onlyID != "" && s.id != onlyID {
			continue
		}
		ss := st.Source(s.id)
		for _, r := range rotationsOf(s.es, ss) {
			end := r.UpdatedAt
			if r.FinishedAt != nil {
				end = *r.FinishedAt
			}
			if since == nil || !end.Before(*since) {
				rots = append(rots, r)
			}
		}
		if ss != nil && ss.LastRotated != nil && (since == nil || !ss.LastRotated.Before(*since)) {
			manual = append(manual, state.ExportManual{SourceID: s.es.ID, SourceName: s.es.Name, LastRotated: *ss.LastRotated, By: catalog.PrintableLine(ss.LastRotatedBy)})
		}
	}
	sort.SliceStable(rots, func(i, j int) bool { return rots[i].StartedAt.Before(rots[j].StartedAt) })
	return rots, manual
}

// resetJSON is the output of `reset --json`.
type resetJSON struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Abandoned bool                `json:"abandoned"` // false: there was nothing to reset
	Rotation  *state.JSONRotation `json:"rotation"`  // the rotation abandoned, or null
}

func runReset(o options, sched schedule, store *state.Store, stdout, stderr io.Writer) int {
	src, code := sourceArg(o, sched.cat, len(o.args) == 1, "SOURCE", stderr)
	if src == nil {
		return code
	}
	before, err := store.Load()
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	after, err := store.Apply(state.Change{Kind: state.Reset, Source: src.ID, At: now().UTC(), By: actor(o)})
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	var abandoned *state.Rotation
	if ss := after.Source(src.ID); ss != nil && len(ss.History) > len(historyOf(before.Source(src.ID))) {
		if last := &ss.History[len(ss.History)-1]; last.Outcome == state.Abandoned {
			abandoned = last
		}
	}
	if o.json {
		out := resetJSON{ID: src.ID, Name: src.Name, Abandoned: abandoned != nil}
		if abandoned != nil {
			rj := state.NewExportRotation(exportSource(src), abandoned, catalog.Printable).JSON()
			out.Rotation = &rj
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return exitOK
	}
	name := catalog.PrintableLine(src.Name)
	if abandoned == nil {
		fmt.Fprintf(stdout, "%s: nothing to reset: no rotation in progress\n", name)
		return exitOK
	}
	done, total := abandoned.Progress(src.StepKeys())
	fmt.Fprintf(stdout, "%s: abandoned the rotation started %s (%d/%d steps done); it stays in the history as abandoned\n",
		name, local(abandoned.StartedAt).Format(dateTimeLayout), done, total)
	return exitOK
}

func historyOf(ss *state.SourceState) []state.Rotation {
	if ss == nil {
		return nil
	}
	return ss.History
}

func runRotated(o options, sched schedule, store *state.Store, stdout, stderr io.Writer) int {
	src, code := sourceArg(o, sched.cat, len(o.args) == 1, "SOURCE --on DATE", stderr)
	if src == nil {
		return code
	}
	if o.on == "" {
		fmt.Fprintln(stderr, "rotatetui: rotated needs --on DATE, the day the key was rotated (e.g. --on 2026-01-02)")
		return exitUsage
	}
	at := now()
	on, err := parseDate(o.on, at.Location())
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: --on: %v\n", err)
		return exitUsage
	}
	if on.After(at) {
		fmt.Fprintf(stderr, "rotatetui: --on %s is in the future: record a rotation once it is done\n", catalog.PrintableLine(o.on))
		return exitUsage
	}
	after, err := store.Apply(state.Change{Kind: state.RecordRotated, Source: src.ID, At: on.UTC(), By: actor(o)})
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	row := statusOf(src, after.Source(src.ID), sched.interval(src), at)
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(row)
		return exitOK
	}
	msg := fmt.Sprintf("%s: recorded as rotated on %s", catalog.PrintableLine(src.Name), showTime(on))
	if row.LastRotated != nil && row.LastRotated.After(on) {
		msg += fmt.Sprintf("; the rotation completed on %s is newer and still counts", showTime(*row.LastRotated))
	}
	fmt.Fprintf(stdout, "%s; next due %s\n", msg, nextDueText(row))
	return exitOK
}

// runRestore saves the changes that rescue files kept when a save failed (a full disk,
// a stuck lock), on top of the state file as it is now, and then removes those files.
// All or nothing: a file that cannot be used stops it before anything is saved.
func runRestore(o options, cat *catalog.Catalog, store *state.Store, stdout, stderr io.Writer) int {
	files := o.args
	if len(files) == 0 {
		found, err := state.FindRescues(store.Path())
		if err != nil {
			fmt.Fprintf(stderr, "rotatetui: looking for rescue files: %v\n", err)
			return exitFailed
		}
		if len(found) == 0 {
			fmt.Fprintf(stdout, "No rescue files for %s: nothing to restore.\n", store.Path())
			return exitOK
		}
		files = found
	}
	var changes []state.Change
	seen := map[string]bool{}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			if seen[abs] {
				continue // named twice: restored once
			}
			seen[abs] = true
		}
		r, err := state.ReadRescue(f)
		if err != nil {
			fmt.Fprintf(stderr, "rotatetui: %v\nNothing was restored.\n", err)
			return exitUsage
		}
		if !r.For(store.Path()) {
			fmt.Fprintf(stderr, "rotatetui: %s holds changes for %s, not for %s, the state file in use.\nNothing was restored. To restore them there: rotatetui restore --state %s %s\n",
				f, catalog.PrintableLine(r.StateFile), store.Path(), shellQuote(catalog.PrintableLine(r.StateFile)), shellQuote(f))
			return exitUsage
		}
		changes = append(changes, r.Changes...)
	}
	for i := range changes {
		// Hours may have passed: what was recorded since, in this rotatetui or another,
		// stays, and a rescued change it overtook is reported below.
		changes[i].OnlyIfLatest = true
	}
	after, applied, err := store.ApplyEach(changes...)
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\nNothing was restored; the rescue files are kept.\n", err)
		return exitFailed
	}
	restored := 0
	var moot []state.Change
	for i, c := range changes {
		if applied[i] {
			restored++
			fmt.Fprintf(stdout, "  %s\n", describeSavedChange(cat, c))
		} else {
			moot = append(moot, c)
		}
	}
	summary := fmt.Sprintf("Restored %s from %s into %s", plural(restored, "change", "changes"), plural(len(seen), "rescue file", "rescue files"), store.Path())
	if len(moot) > 0 {
		summary += fmt.Sprintf("; %s nothing to do: already saved, overtaken by what was recorded since, or for a rotation that has ended", plural(len(moot), "change had", "changes had"))
	}
	fmt.Fprintln(stdout, summary+".")
	// A note or skip reason for a rotation that has ended, or overtaken by a newer one,
	// is recorded nowhere: the rescue file is then the only copy of its text, and stays.
	var unrecorded []state.Change
	for _, c := range moot {
		if c.Text != "" && !textRecorded(after, c) {
			unrecorded = append(unrecorded, c)
		}
	}
	if len(unrecorded) > 0 {
		fmt.Fprintln(stdout, "Not restored, and recorded nowhere else:")
		for _, c := range unrecorded {
			fmt.Fprintf(stdout, "  %s — %s\n", describeSavedChange(cat, c), whyNotRestored(after, c))
		}
		fmt.Fprintf(stdout, "The rescue files are kept for their text; delete them once you have it: %s\n", strings.Join(files, " "))
		return exitOK
	}
	code := exitOK
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) { // a second restore at the same time
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err
			}
			// Restoring it again would be harmless for checks, but could put an old
			// note back over a newer one: say so.
			fmt.Fprintf(stderr, "rotatetui: %s could not be removed (%v); its changes are saved, so delete it by hand.\n", f, err)
			code = exitFailed
		}
	}
	return code
}

// whyNotRestored says why restore left a rescued change undone.
func whyNotRestored(st *state.State, c state.Change) string {
	ss := st.Source(c.Source)
	if c.Started != nil && (ss == nil || ss.Current == nil || !ss.Current.StartedAt.Equal(*c.Started)) {
		return "the rotation it was written for has ended"
	}
	if c.Kind == state.SetNote {
		return "a newer note was written on the step since"
	}
	return "the step was checked or skipped again since"
}

// textRecorded reports whether the text a change carries (a note, a skip reason, a
// placeholder value) is in the state: on that step in any rotation, or as that value.
func textRecorded(st *state.State, c state.Change) bool {
	ss := st.Source(c.Source)
	if ss == nil {
		return false
	}
	if c.Kind == state.SetPlaceholder {
		return ss.Placeholders[c.Name] == c.Text
	}
	rotations := slices.Clone(ss.History)
	if ss.Current != nil {
		rotations = append(rotations, *ss.Current)
	}
	for _, r := range rotations {
		if rec := r.Steps[c.Step]; rec != nil && (rec.Note == c.Text || rec.SkipReason == c.Text) {
			return true
		}
	}
	return false
}

// restoreCommand is the command line that restores the rescue files of store's state
// file: --state is spelled out unless it is the one rotatetui would use anyway.
func restoreCommand(store *state.Store) string {
	restore := "rotatetui restore"
	if def, err := resolveStatePath(""); err != nil || def != store.Path() {
		restore += " --state " + shellQuote(store.Path())
	}
	return restore
}

// rescueReminder says, when rescue files hold changes an earlier run could not save,
// how to save them ("quit and run", "run" the restore command); "" when there are none.
func rescueReminder(store *state.Store, how string) string {
	files, err := state.FindRescues(store.Path())
	if err != nil || len(files) == 0 {
		return ""
	}
	what := "A rescue file holds unsaved changes"
	if len(files) > 1 {
		what = fmt.Sprintf("%d rescue files hold unsaved changes", len(files))
	}
	return what + ": " + how + " " + restoreCommand(store) + "."
}

// shellQuote quotes s for a command line the person may paste into a shell, leaving it
// bare when it needs no quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@:+=,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// describeSavedChange says what a saved change did, in the catalog's words where it still
// has the source and step, for the person to check what was restored.
func describeSavedChange(cat *catalog.Catalog, c state.Change) string {
	name, step := catalog.PrintableLine(c.Source), c.Step // a rescue file is text on disk, like a catalog
	src, _ := cat.Lookup(c.Source)
	if src != nil && src.ID == c.Source {
		name = catalog.PrintableLine(src.Name)
		if i := src.StepIndex(c.Step); i >= 0 {
			step = strconv.Itoa(i + 1)
		}
	}
	step = "step " + catalog.PrintableLine(step)
	var what string
	switch c.Kind {
	case state.Check:
		what = "checked " + step
	case state.Uncheck:
		what = "unchecked " + step
	case state.Skip:
		what = "skipped " + step + ": " + catalog.PrintableLine(c.Text)
	case state.Unskip:
		what = "took back the skip of " + step
	case state.SetNote:
		what = "note on " + step + ": " + catalog.PrintableLine(c.Text)
		if c.Text == "" {
			what = "cleared the note on " + step
		}
	case state.SetWait:
		what = "wait on " + step
	case state.SetPlaceholder:
		what = "{" + catalog.PrintableLine(c.Name) + "} = " + catalog.PrintableLine(c.Text)
	case state.Reset:
		what = "started the rotation over"
	case state.RecordRotated:
		return fmt.Sprintf("%s: recorded as rotated on %s", name, showTime(c.At))
	case state.Reopen:
		what = "reopened the finished rotation"
	default:
		what = catalog.PrintableLine(string(c.Kind)) + " " + step
	}
	return fmt.Sprintf("%s: %s (%s)", name, what, local(c.At).Format(dateTimeLayout))
}

func runValidate(o options, stdout, stderr io.Writer) int {
	files := o.args
	checkBuiltin := false
	if len(files) == 0 {
		files = catalogFiles(o)
		checkBuiltin = !o.noBuiltin
	}
	problems := 0
	if checkBuiltin {
		if _, err := catalog.Builtin(); err != nil {
			fmt.Fprintln(stdout, err)
			problems++
		}
	}
	for _, f := range files {
		_, err := catalog.LoadFile(f)
		if err == nil {
			continue
		}
		var cerr *catalog.Error
		if errors.As(err, &cerr) {
			for _, p := range cerr.Problems {
				fmt.Fprintln(stdout, p.String())
			}
			problems += len(cerr.Problems)
		} else {
			fmt.Fprintln(stdout, describeCatalogError(f, err))
			problems++
		}
	}
	n := len(files)
	what := plural(n, "file", "files")
	if checkBuiltin {
		what = "the built-in catalog and " + what
	}
	if problems > 0 {
		fmt.Fprintf(stdout, "%s checked: %s\n", what, plural(problems, "problem", "problems"))
		return exitFailed
	}
	fmt.Fprintf(stdout, "%s checked: no problems\n", what)
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// catalogJSON is the shape of `catalog --json`: every optional field present, empty
// when unset, so scripts need no existence checks.
type catalogJSON struct {
	Title   string       `json:"title"`
	Sources []sourceJSON `json:"sources"`
}

type sourceJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Aliases     []string   `json:"aliases"`
	Category    string     `json:"category"`
	Docs        string     `json:"docs"`
	Note        string     `json:"note"`
	RotateEvery string     `json:"rotate_every"`
	Origin      string     `json:"origin"`
	Steps       []stepJSON `json:"steps"`
}

type stepJSON struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Kind    string `json:"kind"`
	Command string `json:"command"`
	URL     string `json:"url"`
	Wait    string `json:"wait"`
}

func runCatalog(o options, cat *catalog.Catalog, stdout, stderr io.Writer) int {
	if !o.json {
		fmt.Fprintln(stderr, "rotatetui: catalog prints JSON: use 'rotatetui catalog --json'")
		return exitUsage
	}
	out := catalogJSON{Title: cat.Title, Sources: make([]sourceJSON, 0, len(cat.Sources))}
	for _, s := range cat.Sources {
		sj := sourceJSON{ID: s.ID, Name: s.Name, Aliases: append([]string{}, s.Aliases...), Category: s.Category,
			Docs: s.Docs, Note: s.Note, RotateEvery: s.RotateEvery.String(), Origin: s.Origin, Steps: []stepJSON{}}
		for _, st := range s.Steps {
			sj.Steps = append(sj.Steps, stepJSON{ID: st.ID, Text: st.Text, Kind: string(st.Kind), Command: st.Command, URL: st.URL, Wait: st.Wait.String()})
		}
		out.Sources = append(out.Sources, sj)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitFailed
	}
	return exitOK
}
