package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/ui"
)

// load.go loads what a command needs: the layered catalogs, keys.toml and config.toml
// (with the heap kept in check while large catalogs load), then the progress file.

// loadCatalog layers the catalogs and keys.toml and reads config.toml into e. When one
// is refused it has said why and returns exitUsage and false.
func (e *env) loadCatalog() (int, bool) {
	o := e.opts
	files := catalogFiles(o)
	e.catalogBytes = totalSize(files)
	e.liftHeapLimit, e.largeCatalogs = limitHeapWhileLoading(e.catalogBytes)
	stopNotice := func() {}
	if len(files) > 0 {
		// Only files can take long: the built-in catalog is compiled in. The notice's
		// timer is not free at start-up either.
		stopNotice = noticeIfSlow(e.stderr, loadingNoticeAfter, func() string { return "rotatetui: loading " + describeCatalogSize(o, files) + "…" })
	}
	cat, builtinEvery, err := loadCatalogs(o, files)
	stopNotice()
	if err != nil {
		return e.failErr(exitUsage, err), false
	}
	if err := loadKeysFile(userKeysPath(), cat, o.maxCatalogSize); err != nil {
		return e.fail(exitUsage, "keys refused:\n%v", err), false
	}
	cfg, err := loadConfig(o.maxCatalogSize)
	if err != nil {
		return e.failErr(exitUsage, err), false
	}
	e.cat = cat
	e.stateSetting = cfg.State
	if cfg.Verify == "" {
		cfg.Verify = defaultVerify
	}
	e.cfg = cfg
	e.sched = schedule{cat: cat, config: cfg.RotateEvery, builtin: builtinEvery}
	return exitOK, true
}

// openStore opens and reads the progress file into e, and warns on stderr about what
// the person should know before a command runs. A file that cannot be read is left as
// it is: it has said why and returns exitFailed and false.
func (e *env) openStore() (int, bool) {
	if code, ok := e.newStore(); !ok {
		return code, false
	}
	var err error
	if e.st, err = e.store.Load(); err != nil {
		if st, ok := e.logInstead(err); ok {
			e.st, err = st, nil
		}
	}
	if err != nil {
		advice := loadAdvice(e.store, err)
		if e.cmd.screen && isTerminal(os.Stdout) {
			_, noColor := os.LookupEnv("NO_COLOR")
			_ = ui.ShowError("rotatetui cannot use its progress file", err.Error()+"\n\n"+advice, noColor)
		}
		return e.fail(exitFailed, "%v\n%s", err, advice), false
	}
	if e.cmd.writes {
		// Temp files are only left behind by a save that was killed halfway. Commands
		// that only read leave them to the next one that writes: reading the directory
		// is a tenth of the start of `status`.
		_ = e.store.CleanTemp()
		e.recoverJournal()
	}
	if warning := e.store.PermissionWarning(); warning != "" && !e.cmd.screen {
		// The UI shows it in its status line; scripts get it on stderr.
		e.warn(warning)
	}
	if !e.cmd.screen && !e.cmd.quick {
		// The UI says so too, in its status line (screenReminder).
		e.warnSuspects(state.SuspectTexts(e.st))
	}
	if e.cmd.remindsRescue {
		reminder, ignored := rescueReminder(e.store, "run", e.restoreCommand())
		for _, ig := range ignored {
			e.warn(ig)
		}
		if reminder != "" {
			e.warn(reminder)
		}
	}
	return exitOK, true
}

// logInstead is, for a command made from the store's event log (export), the state
// that log tells when a key's row could not be read: the log cannot be changed, and
// the command warns which rows it could not read (exportState). Any other failure
// stands.
func (e *env) logInstead(err error) (*state.State, bool) {
	logged, ok := e.store.(state.EventLog)
	if !e.cmd.fromLog || !ok || !errors.Is(err, state.ErrDamagedRow) {
		return nil, false
	}
	st, _, _, lerr := logged.Logged()
	return st, lerr == nil
}

// loadAdvice is what to do about a store that could not be read, by what went wrong:
// the text under the error.
func loadAdvice(store state.Backend, err error) string {
	database := store.Path() != store.RescuePath()
	left := "The file was left exactly as it is."
	if database {
		left = "The database was left exactly as it is."
	}
	switch {
	case errors.Is(err, state.ErrNewerVersion):
		return left + " A newer rotatetui wrote it: upgrade rotatetui to use it, or use --state to point elsewhere."
	case errors.Is(err, state.ErrTooLarge):
		return left + " If it really is that large, raise the limit with --max-state-size SIZE (e.g. --max-state-size 1G)."
	case !database:
		return left + " Fix or move it, or use --state to point elsewhere."
	case errors.Is(err, state.ErrDamagedRow):
		return left + " Fix the key's row in the table rotatetui_keys by hand, or delete it to start the key afresh (its history stays in rotatetui_events, which `rotatetui export` reads)."
	case errors.Is(err, state.ErrNoTLS):
		return left + " The server does not offer TLS, which the URL's sslmode asks for: enable ssl on the server (managed servers have it), or, only for a server on this machine or a private network you trust, connect with sslmode=disable."
	case errors.Is(err, state.ErrUnreachable):
		return left + " Check that the server is up and that the host and port in the URL (or $PGHOST, $PGPORT) are right, or use --state to point elsewhere."
	case errors.Is(err, state.ErrAccessDenied):
		return left + " Check the database name, the role and its password in ~/.pgpass (or the file $PGPASSFILE names), and that the server's pg_hba.conf lets the role in."
	}
	return left + " Check that the server is up and the URL, the role and ~/.pgpass are right, or use --state to point elsewhere."
}

// storeOptions are the options of the command's store: those of every store, the
// --max-state-size limit, and for the UI a journal kept while a save fails, since the
// UI keeps what it could not save on screen and sends it again (state.WithJournalKept):
// a kill -9 in between then loses nothing.
func (e *env) storeOptions() []state.Option {
	opts := slices.Clone(storeOptions)
	if e.opts.maxStateSize > 0 {
		opts = append(opts, state.WithMaxFileSize(e.opts.maxStateSize))
	}
	if e.cmd.screen {
		opts = append(opts, state.WithJournalKept())
	}
	return opts
}

// recoverJournal saves what rotatetui processes killed before they could save had
// journaled, and says so. It is not fatal when it cannot (the lock is busy): the
// changes stay journaled, and the next save makes them.
func (e *env) recoverJournal() {
	// It waits for the lock only when there is something to save.
	stopNotice := noticeIfSlow(e.stderr, loadingNoticeAfter, func() string {
		return "rotatetui: saving what a rotatetui that was killed had not saved…"
	})
	n, err := e.store.Recover()
	stopNotice()
	if err != nil {
		e.warn(fmt.Sprintf("the changes a rotatetui that was killed had not saved could not be saved yet (%v); the next save will", err))
		return
	}
	if n > 0 {
		// n counts journal entries, not changes: a save the UI retried after a failure
		// journals its changes again, and a restore makes each once.
		fmt.Fprintf(e.stderr, "rotatetui: saved the changes a rotatetui that was killed had not saved (%s of its journal)\n", plural(n, "entry", "entries"))
	}
}

// loadingNoticeAfter is how long loading may take before the person is told what is
// going on: a large generated catalog takes seconds to parse, and a terminal that
// stays blank that long looks hung.
const loadingNoticeAfter = 250 * time.Millisecond

// noticeIfSlow prints msg to w (only if it is a terminal) when the work it guards is
// still running after delay. The returned func ends the wait; it is safe to call once.
func noticeIfSlow(w io.Writer, delay time.Duration, msg func() string) (stop func()) {
	if terminalOf(w) == nil {
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

// loadCatalogs layers the built-in catalog and files: the user's catalog and every
// --catalog file, as catalogFiles lists them (the caller lists them once, for the heap
// limit and the loading notice too). Every problem of every file is reported, not just
// the first file's.
//
// The merged catalog's RotateEvery is the last one set by a user catalog: the built-in
// catalog's interval is returned apart, as builtinEvery, because it is only a default
// that config.toml overrides (see state.Intervals).
func loadCatalogs(o options, files []string) (cat *catalog.Catalog, builtinEvery catalog.Duration, err error) {
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
		c, err := catalog.LoadFileFor(f, o.maxCatalogSize, userKeysPath())
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
	if problems := checkCatalogKeys(layers, merged); len(problems) > 0 {
		return nil, 0, fmt.Errorf("catalog refused:\n%s", strings.Join(problems, "\n"))
	}
	return merged, builtinEvery, nil
}

// describeCatalogError is the line that says why a catalog (or config.toml) file was
// refused: its problems as file:line:col: message, or what kind of file it is, or that
// it is over the size limit and which flag raises that.
func describeCatalogError(file string, err error) string {
	var cerr *catalog.Error
	if errors.As(err, &cerr) {
		return cerr.Error()
	}
	raise := ""
	if errors.Is(err, catalog.ErrTooLarge) {
		raise = "; if it really is that large, raise the limit with --max-catalog-size SIZE (e.g. --max-catalog-size 256M)"
	}
	var perr *os.PathError
	if errors.As(err, &perr) {
		return fmt.Sprintf("%s: cannot read: %v%s", file, perr.Err, raise)
	}
	return fmt.Sprintf("%s: %v%s", file, err, raise)
}

// config is config.toml: settings that belong to neither a catalog nor the progress.
type config struct {
	RotateEvery  catalog.Duration // the default rotation interval; zero when unset
	State        string           // state = "…": the progress store, after --state and $ROTATETUI_STATE
	Verify       catalog.Verify   // the proof steps: "" (offered), required or off
	CheckTimeout time.Duration    // the time limit of a check command; zero: catalog.DefaultCheckTimeout
}

// loadConfig reads config.toml; a missing file is the empty config. A file with
// problems is refused, each problem as file:line:col: message, like a catalog, and so
// is one that is not a regular file (a named pipe would hang the read) or is larger
// than maxSize bytes (0: catalog.DefaultMaxSize).
func loadConfig(maxSize int64) (config, error) {
	p := userConfigPath()
	if p == "" {
		return config{}, nil
	}
	data, err := catalog.ReadFile(p, maxSize)
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
	return config{RotateEvery: settings.RotateEvery, State: settings.State, Verify: settings.Verify, CheckTimeout: settings.CheckTimeout}, err
}

// newStore makes the command's store, a file or a database, as --state,
// $ROTATETUI_STATE or config.toml's state say (resolveStateSpec). A password in a URL
// on the command line is refused: every user of the machine can read the command
// line (ps). In $ROTATETUI_STATE or config.toml it is used, and never printed.
func (e *env) newStore() (int, bool) {
	if state.IsPGURL(e.opts.statePath) && state.URLPassword(e.opts.statePath) {
		return e.fail(exitUsage, "--state: a password in the URL is visible to every user of this machine (ps). Put it in ~/.pgpass instead, one line host:port:database:user:password with mode 0600 (or the file $PGPASSFILE names), and leave it out of the URL."), false
	}
	spec, err := resolveStateSpec(e.opts.statePath, e.stateSetting)
	if errors.Is(err, errConnString) {
		return e.failErr(exitUsage, err), false
	}
	if err != nil {
		return e.failErr(exitFailed, err), false
	}
	store, err := openBackend(spec, e.storeOptions()...)
	if err != nil {
		return e.failErr(exitUsage, err), false
	}
	e.store = store
	return exitOK, true
}

// openBackend opens the store spec names: a database for a postgres:// URL, whose
// journal and rescue files go in the user's state directory, else a file.
func openBackend(spec string, opts ...state.Option) (state.Backend, error) {
	if !state.IsPGURL(spec) {
		return state.NewStore(spec, opts...), nil
	}
	dir, err := stateDir()
	if err != nil {
		return nil, err
	}
	return state.NewPGStore(spec, dir, opts...)
}
