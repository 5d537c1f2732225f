package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// keyargs.go resolves the KEY arguments of the commands that record or show progress:
// progress is kept per key (state file entries by key id), the steps are the source's.

// keyRef is a key with its source, as a KEY argument resolves.
type keyRef struct {
	key *catalog.Key
	src *catalog.Source
}

// title is how the key is shown: "Snowflake · prod", or the source's name alone for
// an implicit key. It is not made printable: callers do, as for a source's name.
func (r keyRef) title() string { return r.key.Title(r.src) }

// keyNameJSON names a key in the JSON output of status, history and reset, the same way
// in each: for a source without declared keys (its implicit key) id and source_id
// are the source's id, name its name, and key_name and owner "".
type keyNameJSON struct {
	ID       string `json:"id"`   // the key's id: "snowflake/prod", or "snowflake"
	Name     string `json:"name"` // the key's title: "Snowflake · prod", or "Snowflake"
	KeyID    string `json:"key_id"`
	KeyName  string `json:"key_name"` // "prod"; "" for an implicit key
	SourceID string `json:"source_id"`
	Owner    string `json:"owner"`
}

// json names the key in JSON output.
func (r keyRef) json() keyNameJSON {
	k := r.key
	return keyNameJSON{ID: k.ID, Name: r.title(), KeyID: k.ID, KeyName: k.Name, SourceID: r.src.ID, Owner: k.Owner}
}

// keyArg checks a command's arguments (argsOK) and resolves its KEY, the first of
// them. When either fails it says why on stderr and returns ok false and the exit
// status, so every command that takes a key behaves the same way.
func (e *env) keyArg(argsOK bool) (keyRef, int, bool) {
	if !argsOK {
		return keyRef{}, e.usageError(), false
	}
	ref, err := findKey(e.cat, e.opts.args[0])
	if err != nil {
		return keyRef{}, e.failErr(exitUsage, err), false
	}
	return e.withProof(ref), exitOK, true
}

// withProof is ref with its source's steps as the key's rotation has them: the
// source's own, then the proof steps (catalog.Source.WithProof), as config.toml's
// verify and the rotation in progress (which keeps the steps it started with) say.
func (e *env) withProof(ref keyRef) keyRef {
	var started []string
	if cur := current(e.st.Key(ref.key.ID)); cur != nil {
		started = cur.StepKeys
	}
	ref.src = ref.src.WithProof(e.cfg.Verify, started)
	return ref
}

// findKey resolves a KEY argument with catalog.LookupKey: a key id ("snowflake/prod"),
// or a source id or name whose source has one live key (that key). A source with
// several is an error that lists them; a query that names nothing, one that says what
// was meant.
func findKey(cat *catalog.Catalog, query string) (keyRef, error) {
	k, _, err := cat.LookupKey(query)
	if err == nil {
		return keyRef{k, sourceByID(cat, k.Source)}, nil
	}
	var ambiguous *catalog.AmbiguousKeyError
	if errors.As(err, &ambiguous) {
		ids := make([]string, len(ambiguous.Keys))
		for i, k := range ambiguous.Keys {
			ids[i] = k.ID
		}
		return keyRef{}, fmt.Errorf("%s has %d keys: %s; name one", ambiguous.Source.ID, len(ids), strings.Join(ids, ", "))
	}
	if !hasDeclaredKeys(cat) {
		// No key is declared: a key is a source, and is named as one.
		_, err := findSource(cat, query)
		return keyRef{}, err
	}
	return keyRef{}, err
}

// sourceByID is the catalog's source with the id (a key's source is in the catalog:
// the keys file is checked against it).
func sourceByID(cat *catalog.Catalog, id string) *catalog.Source {
	for i := range cat.Sources {
		if cat.Sources[i].ID == id {
			return &cat.Sources[i]
		}
	}
	return nil
}

// hasDeclaredKeys reports whether any key is declared (keys.toml, [[keys]]).
func hasDeclaredKeys(cat *catalog.Catalog) bool { return len(cat.Keys) > 0 }

// liveKeys is every live key of the catalog (catalog.AllKeys), each with its source,
// in the order of the catalog's sources.
func liveKeys(cat *catalog.Catalog) []keyRef {
	keys := cat.AllKeys()
	refs := make([]keyRef, len(keys))
	s := 0
	for i := range keys {
		// AllKeys gives every source's keys in source order, at least one each.
		for cat.Sources[s].ID != keys[i].Source {
			s++
		}
		refs[i] = keyRef{&keys[i], &cat.Sources[s]}
	}
	return refs
}

// keysOrAll resolves KEY arguments, each once, in the order given; without any it is
// every live key of the catalog. On a KEY that names none it says what was meant and
// returns exitUsage and false.
func (e *env) keysOrAll(args []string) ([]keyRef, int, bool) {
	if len(args) == 0 {
		return liveKeys(e.cat), exitOK, true
	}
	var refs []keyRef
	seen := map[string]bool{}
	for _, a := range args {
		ref, err := findKey(e.cat, a)
		if err != nil {
			return nil, e.failErr(exitUsage, err), false
		}
		if !seen[ref.key.ID] {
			seen[ref.key.ID] = true
			refs = append(refs, ref)
		}
	}
	return refs, exitOK, true
}

// refuseRetired refuses new work on a retired key: it has left the list, and only
// its history stays.
func (e *env) refuseRetired(ref keyRef) (int, bool) {
	if !ref.key.Retired {
		return exitOK, true
	}
	return e.fail(exitUsage, "%s (%s) is retired: its history stays, but it takes no new rotation", catalog.PrintableLine(ref.title()), catalog.PrintableLine(ref.key.ID)), false
}
