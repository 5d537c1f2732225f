package main

import (
	"maps"
	"slices"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
	"github.com/rotatetui/rotatetui/state"
)

// records.go: the keys of history and export, which must still show what was recorded
// for a key that has since left the list (retired, no longer declared) or whose source
// has left the catalog.

// exportSource describes a key and its source for state.NewExportRotation, every text
// made printable.
func exportSource(ref keyRef) state.ExportSource {
	src := ref.src
	es := state.ExportSource{ID: src.ID, Name: catalog.PrintableLine(src.Name), InCatalog: true, Key: exportKey(ref.key)}
	for _, st := range src.Steps {
		es.Steps = append(es.Steps, state.ExportStepInfo{Key: st.Key, Text: catalog.Printable(st.Text)})
	}
	if i := src.VerifyStep(); i >= 0 {
		es.VerifyStep = src.Steps[i].Key
	}
	return es
}

func exportKey(k *catalog.Key) state.ExportKey {
	return state.ExportKey{ID: catalog.PrintableLine(k.ID), Name: catalog.PrintableLine(k.Name), Owner: catalog.PrintableLine(k.Owner), Retired: k.Retired}
}

// goneKey describes an entry of the state file that names no key of the catalog: the
// key of a source the catalog no longer has, or, when its source is still there, a key
// no longer declared (or the implicit key of a source that declares keys since), which
// is shown as retired.
func goneKey(cat *catalog.Catalog, id string) state.ExportSource {
	srcID, name, _ := strings.Cut(id, "/")
	k := &catalog.Key{ID: id, Source: srcID, Name: name, Retired: true}
	if src := sourceByID(cat, srcID); src != nil {
		return exportSource(keyRef{k, src})
	}
	k.Retired = false // the source is gone, which says more
	return state.ExportSource{ID: catalog.PrintableLine(srcID), Name: catalog.PrintableLine(srcID), Key: exportKey(k)}
}

// recorded is a key of history and export: its id in the state file and how it is
// shown.
type recorded struct {
	id string
	es state.ExportSource
}

// title is how the key is shown: "Snowflake · prod", or the source's name alone.
func (r recorded) title() string {
	if r.es.Key.Name == "" {
		return r.es.Name
	}
	return r.es.Name + " · " + r.es.Key.Name
}

// json names the key in JSON output, as keyRef.json does.
func (r recorded) json() keyNameJSON {
	k := r.es.Key
	return keyNameJSON{ID: k.ID, Name: r.title(), KeyID: k.ID, KeyName: k.Name, SourceID: r.es.ID, Owner: k.Owner}
}

// resolveRecorded finds KEY as findKey does and, failing that, accepts the exact id of
// an entry of the state file that names no live key (see goneKey): its history stays.
func resolveRecorded(cat *catalog.Catalog, st *state.State, query string) (recorded, error) {
	ref, err := findKey(cat, query)
	if err == nil {
		return recorded{ref.key.ID, exportSource(ref)}, nil
	}
	if id := strings.TrimSpace(query); st.Key(id) != nil {
		return recorded{id, goneKey(cat, id)}, nil
	}
	return recorded{}, err
}

// recordedKeys lists the keys of the catalog's sources in its order, each source's
// declared keys (retired ones too) in declared order, or its implicit key; then the
// entries of the state file that name none of them, by id.
func recordedKeys(cat *catalog.Catalog, st *state.State) []recorded {
	declared := map[string][]*catalog.Key{}
	live := map[string]bool{}
	for i := range cat.Keys {
		k := &cat.Keys[i]
		declared[k.Source] = append(declared[k.Source], k)
		live[k.Source] = live[k.Source] || !k.Retired
	}
	var out []recorded
	known := map[string]bool{}
	add := func(ref keyRef) {
		known[ref.key.ID] = true
		out = append(out, recorded{ref.key.ID, exportSource(ref)})
	}
	for i := range cat.Sources {
		src := &cat.Sources[i]
		if !live[src.ID] {
			add(keyRef{&catalog.Key{ID: src.ID, Source: src.ID}, src})
		}
		for _, k := range declared[src.ID] {
			add(keyRef{k, src})
		}
	}
	if st != nil {
		for _, id := range slices.Sorted(maps.Keys(st.Keys)) {
			if !known[id] {
				out = append(out, recorded{id, goneKey(cat, id)})
			}
		}
	}
	return out
}

// rotationsOf lists a key's rotations oldest first: its history, then the one in
// progress.
func rotationsOf(es state.ExportSource, ss *state.KeyState) []state.ExportRotation {
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
