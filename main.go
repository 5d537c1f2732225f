// Command rotatetui is a full-screen terminal checklist for rotating API keys by hand,
// source by source, with progress saved after every check.
//
// main.go wires the packages together: it parses the command line, resolves file
// locations, layers the catalogs, opens the state store and then either runs the
// terminal UI or one of the non-interactive subcommands (which never start the UI).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
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
  rotatetui status [--json]          progress of every source
  rotatetui validate [FILE...]       check catalog files (default: the ones in use)
  rotatetui catalog --json           print the catalog in use as JSON

Flags (anywhere on the line):
  --catalog FILE     layer a catalog over the built-in one (repeatable)
  --no-builtin       start from an empty catalog instead of the built-in one
  --state FILE       progress file (default: $ROTATETUI_STATE, else
                     $XDG_STATE_HOME/rotatetui/state.json, else
                     ~/.local/state/rotatetui/state.json)
  -r, --resume       open the most recent unfinished rotation
      --json         machine-readable output (status, catalog)
  -h, --help         show this help
      --version      print the version

Files:
  $XDG_CONFIG_HOME/rotatetui/catalog.toml   your catalog, layered over the built-in one
                                            (default ~/.config/rotatetui/catalog.toml)

Environment:
  ROTATETUI_STATE    progress file, as --state
  ROTATETUI_ACTOR    who is recorded with each change (default $USER@hostname)
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
}

var subcommands = map[string]bool{"check": true, "uncheck": true, "status": true, "validate": true, "catalog": true}

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
		if hasValue && (name == "--no-builtin" || name == "-r" || name == "--resume" || name == "--json") {
			return o, fmt.Errorf("%s takes no value", name)
		}
	}
	if len(positional) > 0 && subcommands[positional[0]] {
		o.command, positional = positional[0], positional[1:]
	}
	o.args = positional
	if o.json && o.command != "status" && o.command != "catalog" {
		return o, errors.New("--json works with status and catalog")
	}
	if o.resume && o.command != "" {
		return o, errors.New("--resume opens the checklist; it does not go with a subcommand")
	}
	return o, nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
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

	cat, err := loadCatalogs(o)
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitUsage
	}
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
	// Temp files are only left behind by a save that was killed halfway.
	_ = store.CleanTemp()

	switch o.command {
	case "check", "uncheck":
		return runCheck(o, cat, store, stdout, stderr)
	case "status":
		return runStatus(o, cat, st, stdout)
	}
	return runUI(o, cat, store, st, stderr)
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

// userCatalogPath is the catalog a user keeps beside their config, if they made one.
func userCatalogPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rotatetui", "catalog.toml")
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

// loadCatalogs layers the built-in catalog, the user's catalog and every --catalog file.
// Every problem of every file is reported, not just the first file's.
func loadCatalogs(o options) (*catalog.Catalog, error) {
	var layers []*catalog.Catalog
	if !o.noBuiltin {
		b, err := catalog.Builtin()
		if err != nil {
			return nil, err
		}
		layers = append(layers, b)
	}
	var problems []string
	for _, f := range catalogFiles(o) {
		c, err := catalog.LoadFile(f)
		if err != nil {
			problems = append(problems, describeCatalogError(f, err))
			continue
		}
		layers = append(layers, c)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("catalog refused:\n%s", strings.Join(problems, "\n"))
	}
	merged := catalog.Merge(layers...)
	if len(merged.Sources) == 0 {
		return nil, errors.New("the catalog has no sources (with --no-builtin, add one with --catalog FILE)")
	}
	return merged, nil
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

// actor is who gets recorded with each change.
func actor() string {
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

func runUI(o options, cat *catalog.Catalog, store *state.Store, st *state.State, stderr io.Writer) int {
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
		Catalog: cat,
		State:   st,
		Store:   store,
		Query:   strings.Join(o.args, " "),
		Resume:  o.resume,
		Actor:   actor(),
		NoColor: noColor,
		Notice:  notice,
		Changes: changes,
	})
	code := exitOK
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		code = exitFailed
	}
	if !saveUnsaved(store, res.Unsaved, stderr) {
		return exitUnsaved
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
	_, err := store.Apply(unsaved...)
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
	fmt.Fprintf(stderr, "rotatetui: they are kept in %s (JSON); nothing you did is lost.\n", path)
	return false
}

// isTerminal reports whether f is a terminal, so a full-screen error is only shown to
// a person.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// storeOptions configures every store.
var storeOptions []state.Option

// testHooks is "on" only in binaries the tests build with
// -ldflags "-X main.testHooks=on"; a normal build has no way to switch locking off.
var testHooks = ""

func init() {
	if testHooks == "on" && os.Getenv("ROTATETUI_TEST_NO_LOCK") == "1" {
		storeOptions = append(storeOptions, state.WithoutLockingForTests(2*time.Millisecond))
	}
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
	if len(o.args) < 2 {
		fmt.Fprintf(stderr, "rotatetui: usage: rotatetui %s SOURCE STEP...\n", o.command)
		return exitUsage
	}
	src, err := findSource(cat, o.args[0])
	if err != nil {
		fmt.Fprintf(stderr, "rotatetui: %v\n", err)
		return exitUsage
	}
	kind := state.Check
	if o.command == "uncheck" {
		kind = state.Uncheck
	}
	keys := src.StepKeys()
	now := time.Now().UTC()
	by := actor()
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
		changes = append(changes, state.Change{Kind: kind, Source: src.ID, Step: keys[i], Steps: keys, At: now, By: by})
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

// sourceStatusJSON is one element of `status --json`.
type sourceStatusJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	State       string     `json:"state"` // "in_progress", "rotated" or "unknown"
	Done        int        `json:"done"`
	Total       int        `json:"total"`
	StartedAt   *time.Time `json:"started_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
	LastRotated *time.Time `json:"last_rotated"`
}

func statusOf(src *catalog.Source, ss *state.SourceState) sourceStatusJSON {
	s := sourceStatusJSON{ID: src.ID, Name: src.Name, State: "unknown", Total: len(src.Steps)}
	if ss == nil {
		return s
	}
	if last := ss.LastCompleted(); last != nil && last.FinishedAt != nil {
		t := last.FinishedAt.UTC()
		s.LastRotated, s.State = &t, "rotated"
	}
	if ss.LastRotated != nil && (s.LastRotated == nil || ss.LastRotated.After(*s.LastRotated)) {
		t := ss.LastRotated.UTC()
		s.LastRotated, s.State = &t, "rotated"
	}
	if r := ss.Current; r != nil {
		s.State = "in_progress"
		s.Done, _ = r.Progress(src.StepKeys())
		started, updated := r.StartedAt.UTC(), r.UpdatedAt.UTC()
		s.StartedAt, s.UpdatedAt = &started, &updated
	}
	return s
}

func runStatus(o options, cat *catalog.Catalog, st *state.State, stdout io.Writer) int {
	rows := make([]sourceStatusJSON, 0, len(cat.Sources))
	for i := range cat.Sources {
		rows = append(rows, statusOf(&cat.Sources[i], st.Source(cat.Sources[i].ID)))
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rows)
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATE\tPROGRESS\tLAST ROTATED")
	for _, r := range rows {
		progress, last := "", "-"
		if r.State == "in_progress" {
			progress = fmt.Sprintf("%d/%d", r.Done, r.Total)
		}
		if r.LastRotated != nil {
			last = r.LastRotated.Local().Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", catalog.PrintableLine(r.Name), strings.ReplaceAll(r.State, "_", " "), progress, last)
	}
	_ = tw.Flush()
	return exitOK
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
