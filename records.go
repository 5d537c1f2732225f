package main

import (
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// records.go: the sources of history and export, which must still show what was
// recorded for a source that has since left the catalog.

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
