// Command rotatetui is a full-screen terminal checklist for rotating API keys by hand,
// source by source, with progress saved after every check.
//
// main.go wires the packages together: the command table says what each command needs
// (the catalog, the progress file) and run prepares that, then runs the terminal UI or
// one of the non-interactive commands (which never start the UI). Each command lives in
// its own cmd_*.go file; cli.go reads the command line, paths.go and load.go find and
// load the files.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
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

// need is how much a command needs loaded before it runs.
type need int

const (
	needNothing need = iota // it reads what it needs itself
	needCatalog             // the layered catalog and config.toml
	needState               // those and the progress file
)

// command is one entry of the command table.
type command struct {
	name   string // the word that selects it; "" is the UI
	usage  string // its arguments, for "usage: rotatetui NAME USAGE"
	flags  []flag // the command flags it owns (refused with any other command)
	needs  need
	writes bool // it may save progress: temp files of killed saves are cleaned first
	json   bool // it takes --json
	// remindsRescue: it warns on stderr when rescue files wait to be restored. Only
	// commands that save do (those that only read stay quick); the UI says so on
	// screen, and restore is the cure itself.
	remindsRescue bool
	screen        bool // full screen: refused early without a terminal
	// quick: it starts as fast as it can, as cron and prompts run it, and shows no text of
	// the progress file, so it does not look for texts there that look like secrets
	// (the secret guard costs more than the rest of its own work).
	quick bool
	// fromLog: it is made from the store's event log where the store has one (export),
	// so a key's row that cannot be read does not stop it.
	fromLog bool
	run     func(e *env) int
}

// joinFlag is --join of the commands that act on a key's rotation (check, uncheck,
// reset, verify): act on one someone else started (see claim.go).
var joinFlag = flag{names: []string{"--join"}, set: func(o *options, _ string) error { o.join = true; return nil }}

// commands is every command, in the order --help lists them.
var commands = []command{
	{name: "", needs: needState, writes: true, screen: true, run: runUI},
	{name: "check", usage: "KEY STEP...", needs: needState, writes: true, remindsRescue: true, run: runCheck, flags: []flag{
		{names: []string{"--force"}, set: func(o *options, _ string) error { o.force = true; return nil }},
		{names: []string{"-y", "--yes"}, set: func(o *options, _ string) error { o.yes = true; return nil }},
		{names: []string{"--note"}, value: true, set: setCheckNote},
		joinFlag,
	}},
	{name: "uncheck", usage: "KEY STEP...", needs: needState, writes: true, remindsRescue: true, run: runCheck, flags: []flag{
		joinFlag,
	}},
	{name: "status", needs: needState, json: true, quick: true, run: runStatus, flags: []flag{
		{names: []string{"--check"}, set: func(o *options, _ string) error { o.check = true; return nil }},
		{names: []string{"--require-proof"}, set: func(o *options, _ string) error { o.requireProof = true; return nil }},
		sinceFlag,
	}},
	{name: "verify", usage: "KEY [--new|--old] | --old --all [--since 30d]", needs: needState, writes: true, remindsRescue: true, run: runVerify, flags: verifyFlags},
	{name: "history", usage: "KEY", needs: needState, json: true, run: runHistory},
	{name: "export", needs: needState, json: true, fromLog: true, run: runExport, flags: []flag{
		{names: []string{"--format"}, value: true, set: func(o *options, v string) error { o.format = v; return nil }},
		{names: []string{"--since"}, value: true, set: func(o *options, v string) error { o.since = v; return nil }},
		{names: []string{"--source"}, value: true, set: func(o *options, v string) error { o.source = v; return nil }},
		{names: []string{"-o", "--output"}, value: true, set: func(o *options, v string) error { o.output = v; return nil }},
	}},
	{name: "reset", usage: "KEY", needs: needState, writes: true, json: true, remindsRescue: true, run: runReset, flags: []flag{
		joinFlag,
	}},
	{name: "rotated", usage: "KEY... --on DATE", needs: needState, writes: true, json: true, remindsRescue: true, run: runRotated, flags: []flag{
		{names: []string{"--on"}, value: true, set: func(o *options, v string) error { o.on = v; return nil }},
	}},
	{name: "restore", usage: "[FILE...]", needs: needState, writes: true, run: runRestore},
	{name: "validate", usage: "[FILE...]", needs: needNothing, run: runValidate},
	{name: "state", usage: "copy FROM TO [--overwrite]", needs: needNothing, run: runState, flags: []flag{
		{names: []string{"--overwrite"}, set: func(o *options, _ string) error { o.overwrite = true; return nil }},
	}},
	{name: "catalog", usage: "--json", needs: needCatalog, json: true, run: runCatalog},
	{name: "key", usage: "add|list|edit|retire|import ...", needs: needCatalog, json: true, run: runKey, flags: keyFlags},
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

// run is the whole program but for the process: it reads args, writes to stdout and
// stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	return runWithInput(os.Stdin, isTerminal(os.Stdin), args, stdout, stderr)
}

// runWithInput is run with the standard input given: a question (y/N) is only asked
// when it is a terminal, someone who can answer.
func runWithInput(stdin io.Reader, interactive bool, args []string, rawStdout, rawStderr io.Writer) int {
	// Messages echo untrusted text (file names, values, catalog and state texts): no
	// byte of it drives the terminal. JSON and exports are written to rawStdout.
	stdout, stderr := newPrintableWriter(rawStdout), newPrintableWriter(rawStderr)
	defer func() { _, _ = stdout.Flush(), stderr.Flush() }()
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
	}
	e := &env{opts: o, cmd: findCommand(o.command), stdin: stdin, interactive: interactive, stdout: stdout, rawStdout: rawStdout, stderr: stderr, now: now, liftHeapLimit: func() {}}
	defer func() { e.liftHeapLimit() }()
	if code, ok := e.prepare(); !ok {
		return code
	}
	defer func() {
		if e.store != nil {
			_ = e.store.Close()
		}
	}()
	return e.cmd.run(e)
}

// prepare loads what the command needs. When that fails it has said why on stderr and
// returns the exit status and false.
func (e *env) prepare() (int, bool) {
	if e.cmd.needs == needNothing {
		return exitOK, true
	}
	if e.cmd.writes && e.opts.actor == "" {
		// Only commands that record changes use it (--actor was checked as it was read).
		if err := actorSecret("$ROTATETUI_ACTOR", os.Getenv("ROTATETUI_ACTOR")); err != nil {
			return e.failErr(exitUsage, err), false
		}
	}
	typo := commandTypo(e.opts)
	if e.cmd.screen && typo == "" {
		// Before any loading: a large catalog takes a second to read for nothing.
		if code, ok := e.needTerminal(); !ok {
			return code, false
		}
	}
	if code, ok := e.loadCatalog(); !ok {
		return code, false
	}
	if typo != "" {
		if code, ok := e.refuseTypo(typo); !ok {
			return code, false
		}
		if code, ok := e.needTerminal(); !ok {
			return code, false
		}
	}
	if e.cmd.needs == needCatalog {
		return exitOK, true
	}
	return e.openStore()
}

// needTerminal refuses to start the full-screen UI where it cannot be drawn.
func (e *env) needTerminal() (int, bool) {
	if why := whyNoUI(os.Stdin, os.Stdout, os.Getenv("TERM")); why != "" {
		return e.fail(exitUsage, "%s", why), false
	}
	return exitOK, true
}

// refuseTypo refuses a first word that is close to a command when it matches no
// source: it was meant as that command, not as a filter that would show nothing.
func (e *env) refuseTypo(typo string) (int, bool) {
	word := e.opts.args[0]
	if src, near := e.cat.Lookup(word); src != nil || len(near) > 0 {
		return exitOK, true
	}
	return e.fail(exitUsage, "unknown command %s; did you mean %s?\nRun 'rotatetui --help' for usage.", catalog.PrintableLine(word), typo), false
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

// now is the clock of everything main does; tests replace it.
var now = time.Now

// storeOptions configures every store.
var storeOptions []state.Option

// defaultVerify is verify when config.toml sets none. Tests written before proof
// steps existed set it to off (ROTATETUI_TEST_VERIFY in the binaries they build),
// so that their step counts stay those of the catalog.
var defaultVerify = catalog.VerifyOffered

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
	if v := os.Getenv("ROTATETUI_TEST_VERIFY"); v != "" {
		defaultVerify = catalog.Verify(v)
	}
	// A lock that never comes free fails a save in this time rather than in 10s.
	if d, err := time.ParseDuration(os.Getenv("ROTATETUI_TEST_LOCK_TIMEOUT")); err == nil {
		storeOptions = append(storeOptions, state.WithLockTimeout(d))
	}
	// A database server that is down fails a save after one retry this long rather
	// than after two seconds of them.
	if d, err := time.ParseDuration(os.Getenv("ROTATETUI_TEST_PG_RETRY")); err == nil {
		storeOptions = append(storeOptions, state.WithRetryDelays(d))
	}
}
