package main

import (
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_key_list.go: `rotatetui key list [--all] [--json]`, the keys declared and the
// implicit ones.

// keyJSON is one key of `key list --json`.
type keyJSON struct {
	ID          string            `json:"id"`
	Source      string            `json:"source"`
	SourceName  string            `json:"source_name"`
	Name        string            `json:"name"`
	Title       string            `json:"title"`
	Owner       string            `json:"owner"`
	Description string            `json:"description"`
	RotateEvery string            `json:"rotate_every"` // the key's own; "" when it sets none
	Interval    string            `json:"interval"`     // the one that applies
	Tags        map[string]string `json:"tags"`
	Values      map[string]string `json:"values"`
	Implicit    bool              `json:"implicit"`
	Retired     bool              `json:"retired"`
	Origin      string            `json:"origin"` // the file that declared it; "" for an implicit key
}

// runKeyList prints every live key, implicit ones included, in source order; --all
// adds the retired ones.
func runKeyList(e *env, args []string) int {
	if len(args) > 0 {
		return e.keyUsageError("list")
	}
	if !e.keyFlagsOnly("list", "--all") {
		return exitUsage
	}
	keys := e.listedKeys()
	if e.opts.json {
		out := make([]keyJSON, len(keys))
		for i := range keys {
			out[i] = e.keyJSON(&keys[i])
		}
		return e.printJSON(out)
	}
	var table columns
	table.add("KEY", "NAME", "OWNER", "EVERY", "TAGS")
	for i := range keys {
		k := &keys[i]
		title := k.Title(e.source(k.Source))
		if k.Retired {
			title += " (retired)"
		}
		table.add(k.ID, title, orDash(k.Owner), e.keyInterval(k).String(), orDash(formatPairs(k.Tags, ", ")))
	}
	if err := table.writeTo(e.stdout); err != nil {
		return e.failErr(exitFailed, err)
	}
	return exitOK
}

// listedKeys are the keys `key list` shows: every live key, and with --all the retired
// ones after their source's live keys.
func (e *env) listedKeys() []catalog.Key {
	live := e.cat.AllKeys()
	if !e.opts.key.all {
		return live
	}
	retired := map[string][]catalog.Key{}
	for _, k := range e.cat.Keys {
		if k.Retired {
			retired[k.Source] = append(retired[k.Source], k)
		}
	}
	keys := make([]catalog.Key, 0, len(live)+len(retired))
	for i, k := range live {
		keys = append(keys, k)
		if i+1 == len(live) || live[i+1].Source != k.Source {
			keys = append(keys, retired[k.Source]...)
		}
	}
	return keys
}

func (e *env) keyJSON(k *catalog.Key) keyJSON {
	src := e.source(k.Source)
	name := ""
	if src != nil {
		name = src.Name
	}
	return keyJSON{
		ID: k.ID, Source: k.Source, SourceName: name, Name: k.Name, Title: k.Title(src),
		Owner: k.Owner, Description: k.Description, RotateEvery: k.RotateEvery.String(),
		Interval: e.keyInterval(k).String(), Tags: nonNil(k.Tags), Values: nonNil(k.Values),
		Implicit: k.Implicit(), Retired: k.Retired, Origin: k.Origin,
	}
}

// keyInterval is how often k should be rotated: its own rotate_every, else its
// source's schedule (schedule.interval).
func (e *env) keyInterval(k *catalog.Key) catalog.Duration {
	return e.sched.interval(k, e.source(k.Source))
}

// source is the catalog's source with the id, or nil.
func (e *env) source(id string) *catalog.Source {
	for i := range e.cat.Sources {
		if e.cat.Sources[i].ID == id {
			return &e.cat.Sources[i]
		}
	}
	return nil
}

// formatPairs writes a map as "k=v" pairs in name order, joined by sep.
func formatPairs(m map[string]string, sep string) string {
	parts := make([]string, 0, len(m))
	for _, k := range catalog.SortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, sep)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
