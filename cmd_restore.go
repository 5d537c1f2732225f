package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_restore.go: `rotatetui restore [FILE...]`, saving what rescue files kept when a
// save failed, and the reminders that such files wait.

// runRestore saves the changes that rescue files kept when a save failed (a full disk,
// a stuck lock), on top of the state file as it is now, and then removes those files.
// All or nothing: a file that cannot be used stops it before anything is saved.
func runRestore(e *env) int {
	files, code := e.rescueFiles()
	if len(files) == 0 {
		return code
	}
	changes, read, code := e.readRescues(files)
	if code != exitOK {
		return code
	}
	for i := range changes {
		// Hours may have passed: what was recorded since, in this rotatetui or another,
		// stays, and a rescued change it overtook is reported below.
		changes[i].OnlyIfLatest = true
	}
	after, applied, err := e.store.ApplyEach(changes...)
	if err != nil {
		return e.fail(exitFailed, "%v\nNothing was restored; the rescue files are kept.", err)
	}
	moot := e.reportRestored(changes, applied, read)
	// A note or skip reason for a rotation that has ended, or overtaken by a newer one,
	// is recorded nowhere: the rescue file is then the only copy of its text, and stays.
	var unrecorded []state.Change
	for _, c := range moot {
		if c.Text != "" && !textRecorded(after, c) {
			unrecorded = append(unrecorded, c)
		}
	}
	if len(unrecorded) > 0 {
		fmt.Fprintln(e.stdout, "Not restored, and recorded nowhere else:")
		for _, c := range unrecorded {
			fmt.Fprintf(e.stdout, "  %s — %s\n", describeSavedChange(e.cat, c), whyNotRestored(after, c))
		}
		fmt.Fprintf(e.stdout, "The rescue files are kept for their text; delete them once you have it: %s\n", strings.Join(files, " "))
		return exitOK
	}
	return e.removeRescues(files)
}

// rescueFiles is the files named on the command line, else those of the state file
// in use. With none, it has said so and returns the exit status.
func (e *env) rescueFiles() ([]string, int) {
	if len(e.opts.args) > 0 {
		return e.opts.args, exitOK
	}
	found, ignored, err := state.ScanRescues(e.store.RescuePath())
	if err != nil {
		return nil, e.fail(exitFailed, "looking for rescue files: %v", err)
	}
	for _, ig := range ignored {
		e.warn(ig.String())
	}
	if len(found) == 0 {
		fmt.Fprintf(e.stdout, "No rescue files for %s: nothing to restore.\n", e.store.Path())
	}
	return found, exitOK
}

// readRescues reads the changes of every rescue file, each file once however often it
// is named, and how many files that is. A file that cannot be read, or that belongs
// to another state file, stops it: it says why and returns nil and exitUsage.
func (e *env) readRescues(files []string) (changes []state.Change, read int, code int) {
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
			return nil, 0, e.fail(exitUsage, "%v\nNothing was restored.", err)
		}
		if !r.For(e.store.RescuePath()) {
			return nil, 0, e.fail(exitUsage, "%s holds changes for %s, not for %s, the store in use.\nNothing was restored. To restore them there: rotatetui restore --state %s %s",
				f, catalog.PrintableLine(r.StoreName()), e.store.Path(), shellQuote(catalog.PrintableLine(r.StoreName())), shellQuote(f))
		}
		changes = append(changes, r.Changes...)
	}
	return changes, len(seen), exitOK
}

// reportRestored lists the changes restored and sums up; it returns those that had
// nothing to do.
func (e *env) reportRestored(changes []state.Change, applied []bool, files int) (moot []state.Change) {
	restored := 0
	for i, c := range changes {
		if applied[i] {
			restored++
			fmt.Fprintf(e.stdout, "  %s\n", describeSavedChange(e.cat, c))
		} else {
			moot = append(moot, c)
		}
	}
	summary := fmt.Sprintf("Restored %s from %s into %s", plural(restored, "change", "changes"), plural(files, "rescue file", "rescue files"), e.store.Path())
	if len(moot) > 0 {
		summary += fmt.Sprintf("; %s nothing to do: already saved, overtaken by what was recorded since, or for a rotation that has ended", plural(len(moot), "change had", "changes had"))
	}
	fmt.Fprintln(e.stdout, summary+".")
	return moot
}

// removeRescues removes the rescue files once their changes are saved.
func (e *env) removeRescues(files []string) int {
	code := exitOK
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) { // a second restore at the same time
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err
			}
			// Restoring it again would be harmless for checks, but could put an old
			// note back over a newer one: say so.
			code = e.fail(exitFailed, "%s could not be removed (%v); its changes are saved, so delete it by hand.", f, err)
		}
	}
	return code
}

// whyNotRestored says why restore left a rescued change undone.
func whyNotRestored(st *state.State, c state.Change) string {
	ss := st.Key(c.Key)
	if ss != nil && ss.Current != nil && (c.Started == nil || !ss.Current.StartedAt.Equal(*c.Started)) && state.ClaimOn(ss, ss.Current.StepKeys).HeldByOther(c.By) {
		return catalog.PrintableLine(state.WithholdActor(ss.Current.StartedBy)) + " started rotating it first, and it was not made on their rotation"
	}
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
	ss := st.Key(c.Key)
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

// restoreCommand is the command line that restores the rescue files of the command's
// store. Without --state, rotatetui restore finds the same store the same way
// ($ROTATETUI_STATE, config.toml, the default file), so none is spelled out: a URL
// spelled out would be without the password $ROTATETUI_STATE may carry, and --state
// would then override it. With --state, it is spelled out as storeRestoreCommand does.
func (e *env) restoreCommand() string {
	if e.opts.statePath == "" {
		return "rotatetui restore"
	}
	return storeRestoreCommand(e.store)
}

// storeRestoreCommand is the command line that restores the rescue files of store,
// named with --state (which holds no password: one there is refused): --state is
// spelled out unless it is the file rotatetui would use anyway.
func storeRestoreCommand(store state.Backend) string {
	restore := "rotatetui restore"
	if store.Path() != store.RescuePath() {
		// A database: the URL without its password, which $ROTATETUI_STATE may have.
		return restore + " --state " + shellQuote(store.Path())
	}
	if def, err := resolveStatePath(""); err != nil || def != store.Path() {
		restore += " --state " + shellQuote(store.Path())
	}
	return restore
}

// rescueReminder says, when rescue files hold changes an earlier run could not save,
// how to save them ("quit and run", "run" the restore command); "" when there are none.
// ignored lists, as warnings, the files of that name it left out because another user
// could have written them (see state.ScanRescues): restore would not use them either.
func rescueReminder(store state.Backend, how, restore string) (reminder string, ignored []string) {
	files, skipped, err := state.ScanRescues(store.RescuePath())
	if err != nil {
		return "", nil
	}
	for _, ig := range skipped {
		ignored = append(ignored, ig.String())
	}
	if len(files) == 0 {
		return "", ignored
	}
	what := "A rescue file holds unsaved changes"
	if len(files) > 1 {
		what = fmt.Sprintf("%d rescue files hold unsaved changes", len(files))
	}
	return what + ": " + how + " " + restore + ".", ignored
}

// screenReminder is what the screen's status line says once the first frame is drawn
// (ui.Options.PendingWork, off the UI loop): rescueReminder, with the ignored files
// counted (restore names them), and the texts of the progress file that look like
// secrets, counted (every command but status names them), which the file is read again
// for so that the first frame does not wait for the scan.
func screenReminder(store state.Backend, restore string) string {
	reminder, ignored := rescueReminder(store, "quit and run", restore)
	var notes []string
	if len(ignored) > 0 {
		notes = append(notes, "Ignored: "+plural(len(ignored), "rescue file", "rescue files")+" another user could have written (rotatetui restore names each).")
	}
	if st, err := store.Load(); err == nil {
		notes = append(notes, suspectNotice(state.SuspectTexts(st)))
	}
	return joinNotices(append([]string{reminder}, notes...)...)
}

// describeSavedChange says what a saved change did, in the catalog's words where it still
// has the source and step, for the person to check what was restored.
func describeSavedChange(cat *catalog.Catalog, c state.Change) string {
	name, step := catalog.PrintableLine(c.Key), c.Step // a rescue file is text on disk, like a catalog
	src, _ := cat.Lookup(c.Key)
	if src != nil && src.ID == c.Key {
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
