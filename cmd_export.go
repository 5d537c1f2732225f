package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// cmd_export.go: `rotatetui export`, every rotation and its steps as audit evidence.

// exportFormats are the formats of `export --format`.
var exportFormats = map[string]func(io.Writer, *state.Export) error{
	"markdown": state.WriteMarkdown, "csv": state.WriteCSV, "json": state.WriteJSON,
}

// runExport writes the export in the format asked for, to stdout or (-o) to a file
// replaced atomically.
func runExport(e *env) int {
	o := e.opts
	if len(o.args) > 0 {
		return e.fail(exitUsage, "export takes no arguments; to export one source, use --source SOURCE")
	}
	format, code := e.exportFormat()
	if format == "" {
		return code
	}
	at := e.now()
	x := &state.Export{Title: catalog.PrintableLine(e.cat.Title), GeneratedAt: at, Location: at.Location()}
	onlyID, code, ok := e.exportFilters(x)
	if !ok {
		return code
	}
	outPath, code, ok := e.exportPath()
	if !ok {
		return code
	}
	st, code, ok := e.exportState()
	if !ok {
		return code
	}
	x.Rotations, x.RecordedByHand = collectExport(e.cat, st, x.Since, onlyID)

	var buf bytes.Buffer
	if err := exportFormats[format](&buf, x); err != nil {
		return e.fail(exitFailed, "export: %v", err)
	}
	if outPath == "" {
		// Every text in it is printable already (records.go); as it is, it is what -o writes.
		if _, err := e.rawStdout.Write(buf.Bytes()); err != nil {
			return e.fail(exitFailed, "export: %v", err)
		}
		return exitOK
	}
	if err := state.WriteFileAtomic(outPath, buf.Bytes()); err != nil {
		return e.fail(exitFailed, "export: %v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s (%s) to %s\n", plural(len(x.Rotations), "rotation", "rotations"), format, o.output)
	return exitOK
}

// exportState is the progress the export is made from: for a store with an
// append-only event log (the database), the state that log tells, with a warning
// naming the keys whose rows say otherwise; else the progress as loaded.
func (e *env) exportState() (*state.State, int, bool) {
	logged, ok := e.store.(state.EventLog)
	if !ok {
		return e.st, exitOK, true
	}
	st, differ, damaged, err := logged.Logged()
	if err != nil {
		return nil, e.fail(exitFailed, "export: %v", err), false
	}
	if len(damaged) > 0 {
		e.warn(fmt.Sprintf("the row of %s in %s cannot be read (damaged, or changed by hand); the export follows the event log, which cannot be changed: %s",
			plural(len(damaged), "key", "keys"), e.store.Path(), catalog.PrintableLine(strings.Join(damaged, ", "))))
	}
	if len(differ) > 0 {
		e.warn(fmt.Sprintf("the state of %s in %s differs from its event log (changed outside rotatetui?); the export follows the event log, which cannot be changed: %s",
			plural(len(differ), "key", "keys"), e.store.Path(), catalog.PrintableLine(strings.Join(differ, ", "))))
	}
	return st, exitOK, true
}

// exportFormat is the format of --format and --json, one of exportFormats; "" and the
// exit status when they are wrong.
func (e *env) exportFormat() (string, int) {
	o := e.opts
	format := strings.ToLower(o.format)
	if format == "md" {
		format = "markdown"
	}
	if o.json {
		if format != "" && format != "json" {
			return "", e.fail(exitUsage, "--json and --format %s contradict each other", catalog.PrintableLine(o.format))
		}
		format = "json"
	}
	if format == "" {
		format = "markdown"
	}
	if _, ok := exportFormats[format]; !ok {
		return "", e.fail(exitUsage, "unknown export format %q (use markdown, csv or json)", catalog.PrintableLine(o.format))
	}
	return format, exitOK
}

// exportFilters sets --since and --source (a KEY) in x, and returns the state file's
// id of the key, "" for every key.
func (e *env) exportFilters(x *state.Export) (onlyID string, code int, ok bool) {
	o := e.opts
	if o.since != "" {
		since, err := parseDate(o.since, x.Location)
		if err != nil {
			return "", e.fail(exitUsage, "--since: %v", err), false
		}
		x.Since = &since
	}
	if o.source != "" {
		r, err := resolveRecorded(e.cat, e.st, o.source)
		if err != nil {
			return "", e.fail(exitUsage, "--source: %v", err), false
		}
		x.SourceID, x.SourceName, onlyID = r.id, r.title(), r.id
	}
	return onlyID, exitOK, true
}

// exportPath is the absolute path of -o, "" for stdout. It refuses the files
// rotatetui keeps and anything that is not a plain file (see checkOutputPath).
func (e *env) exportPath() (path string, code int, ok bool) {
	o := e.opts
	if o.output == "" || o.output == "-" {
		return "", exitOK, true
	}
	path, err := filepath.Abs(o.output)
	if err != nil {
		return "", e.fail(exitFailed, "-o %s: %v", o.output, err), false
	}
	if err := checkOutputPath(path, e.keptFiles()); err != nil {
		return "", e.fail(exitUsage, "-o %s %v; nothing was written", o.output, err), false
	}
	return path, exitOK, true
}

// collectExport gathers every rotation (completed, abandoned and in progress) and every
// date recorded by hand, of every key or only onlyID, that ended (or, in progress,
// last changed) at or after since. Rotations are in order of their start; retired keys
// and sources the catalog no longer has are included.
func collectExport(cat *catalog.Catalog, st *state.State, since *time.Time, onlyID string) ([]state.ExportRotation, []state.ExportManual) {
	var rots []state.ExportRotation
	var manual []state.ExportManual
	for _, s := range recordedKeys(cat, st) {
		if onlyID != "" && s.id != onlyID {
			continue
		}
		ss := st.Key(s.id)
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
			manual = append(manual, state.ExportManual{SourceID: s.es.ID, SourceName: s.es.Name, Key: s.es.Key, LastRotated: *ss.LastRotated, By: catalog.PrintableLine(ss.LastRotatedBy)})
		}
	}
	sort.SliceStable(rots, func(i, j int) bool { return rots[i].StartedAt.Before(rots[j].StartedAt) })
	return rots, manual
}
