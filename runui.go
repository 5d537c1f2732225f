package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
	"github.com/rotatetui/rotatetui/state/checkrun"
	"github.com/rotatetui/rotatetui/ui"
)

// runui.go runs the full-screen checklist and, when it ends, keeps what it could not
// save.

// runUI runs the checklist until the person quits. Its exit status says whether
// everything was saved (exitUnsaved: kept in a rescue file) and, after a signal, which.
func runUI(e *env) int {
	if e.largeCatalogs {
		// What is loaded is what the UI keeps: pace the heap by it from now on.
		e.liftHeapLimit()
		collectOftenWithLargeCatalogs(e.catalogBytes)
	}
	// A check command runs in a process group of its own, out of reach of the
	// terminal's signals: however the UI ends, no check may outlive it.
	defer checkrun.KillAll()
	o, store := e.opts, e.store
	notice := store.PermissionWarning()
	_, noColor := os.LookupEnv("NO_COLOR")
	ctx, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	changes, err := store.Watch(ctx)
	if err != nil {
		// Progress made elsewhere then shows up at our next save instead of at once.
		changes = nil
	}
	restore := e.restoreCommand()
	keeper := &textKeeper{store: store, restore: restore}
	res, err := ui.Run(ui.Options{
		Catalog:      e.sched.cat,
		Interval:     e.sched.interval,
		State:        e.st,
		Store:        store,
		Query:        strings.Join(o.args, " "),
		Resume:       o.resume,
		Actor:        actor(o),
		Now:          e.now,
		NoColor:      noColor,
		Notice:       notice,
		Changes:      changes,
		PendingWork:  func() string { return screenReminder(store, restore) },
		KeepText:     keeper.keep,
		Verify:       e.cfg.Verify,
		CheckTimeout: e.cfg.CheckTimeout,
		TrustChecks:  trustChecks,
	})
	// Before the saving below, which may wait for a lock: a check still running
	// (q or Ctrl+C pressed while it ran) is killed now.
	checkrun.KillAll()
	code := exitOK
	if err != nil {
		code = e.failErr(exitFailed, err)
	}
	saved := saveUnsaved(store, restore, res.Unsaved, e.stderr)
	if kept := keeper.atExit(e.stderr); !saved || !kept {
		return exitUnsaved
	}
	if sig, ok := res.Signal.(syscall.Signal); ok && code == exitOK {
		// As a shell reports a program the signal killed: whoever sent it can tell.
		return 128 + int(sig)
	}
	return code
}

// textKeeper keeps in rescue files the notes and skip reasons the UI could record
// nowhere (ui.Options.KeepText). Those that no rescue file could keep wait here for the
// exit, when one more rescue file is tried and, failing that, they are printed.
type textKeeper struct {
	store   state.Backend
	restore string     // the command that restores the store's rescue files (env.restoreCommand)
	mu      sync.Mutex // keep runs in the UI's commands, atExit after them
	unkept  []state.Change
}

// keep writes changes to a rescue file, or holds them for atExit.
func (k *textKeeper) keep(changes []state.Change) error {
	_, err := state.WriteRescueFor(k.store, changes)
	if err != nil {
		k.mu.Lock()
		k.unkept = append(k.unkept, changes...)
		k.mu.Unlock()
	}
	return err
}

// atExit makes one more attempt at a rescue file for the texts keep could not keep and,
// if that fails too, prints them in full. It reports whether there were none.
func (k *textKeeper) atExit(stderr io.Writer) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.unkept) == 0 {
		return true
	}
	fmt.Fprintf(stderr, "rotatetui: %s could be recorded nowhere: their rotation ended before they were saved.\n", plural(len(k.unkept), "note or skip reason", "notes and skip reasons"))
	path, err := state.WriteRescueFor(k.store, k.unkept)
	if err != nil {
		printLastResort(stderr, err, k.unkept)
		return false
	}
	fmt.Fprintf(stderr, "rotatetui: they are kept in %s (JSON); %s shows them.\n", path, k.restore)
	return false
}

// saveUnsaved makes one more attempt at changes the UI could not confirm on disk and,
// if that fails too, keeps them in a rescue file and says where. It reports whether
// nothing was lost.
func saveUnsaved(store state.Backend, restore string, unsaved []state.Change, stderr io.Writer) bool {
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
	where := " to " + store.Path()
	if strings.Contains(err.Error(), store.Path()) {
		where = "" // the error names the store already
	}
	fmt.Fprintf(stderr, "rotatetui: %s could not be saved%s: %v\n", plural(len(unsaved), "change", "changes"), where, err)
	path, rerr := state.WriteRescueFor(store, unsaved)
	if rerr != nil {
		// Their journal entries, if the disk took them, stay for the next save to make.
		printLastResort(stderr, rerr, unsaved)
		return false
	}
	// The rescue file has them now: the journal's copy would make them twice.
	store.Forget()
	fmt.Fprintf(stderr, "rotatetui: they are kept in %s (JSON); nothing you did is lost.\nOnce the problem is fixed, run: %s\n", path, restore)
	return false
}

// printLastResort lists changes that no file could keep, with the full text of every
// note, skip reason and value, each line as it was typed: the terminal is then the
// only copy of what the person wrote.
func printLastResort(w io.Writer, why error, changes []state.Change) {
	fmt.Fprintf(w, "rotatetui: no rescue file could be written either (%v). The changes were (copy them now: this is their only copy):\n", why)
	for _, c := range changes {
		fmt.Fprintf(w, "  %s at %s\n", changeHeading(c), c.At.Format(time.RFC3339))
		if c.Text == "" && (c.Kind == state.SetNote || c.Kind == state.SetPlaceholder) {
			fmt.Fprintln(w, "    (cleared)")
		}
		if c.Text != "" {
			for _, line := range strings.Split(catalog.Printable(c.Text), "\n") {
				fmt.Fprintf(w, "    | %s\n", line)
			}
		}
	}
}

// changeHeading names a change by its kind, source and step (or placeholder), e.g.
// "note snowflake step refresh-secret".
func changeHeading(c state.Change) string {
	where := "step " + catalog.PrintableLine(c.Step)
	switch {
	case c.Kind == state.SetPlaceholder:
		where = "{" + catalog.PrintableLine(c.Name) + "}"
	case c.Step == "":
		where = ""
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s", catalog.PrintableLine(string(c.Kind)), catalog.PrintableLine(c.Key), where))
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
