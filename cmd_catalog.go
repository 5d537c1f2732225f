package main

import (
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_catalog.go: `rotatetui catalog --json`, the catalog in use.

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

// runCatalog prints the layered catalog as JSON.
func runCatalog(e *env) int {
	if !e.opts.json {
		return e.fail(exitUsage, "catalog prints JSON: use 'rotatetui catalog --json'")
	}
	if len(e.opts.args) > 0 {
		return e.fail(exitUsage, "catalog takes no arguments (got %q): it prints the whole catalog in use", catalog.PrintableLine(strings.Join(e.opts.args, " ")))
	}
	cat := e.cat
	out := catalogJSON{Title: cat.Title, Sources: make([]sourceJSON, 0, len(cat.Sources))}
	for _, s := range cat.Sources {
		sj := sourceJSON{ID: s.ID, Name: s.Name, Aliases: append([]string{}, s.Aliases...), Category: s.Category,
			Docs: s.Docs, Note: s.Note, RotateEvery: s.RotateEvery.String(), Origin: s.Origin, Steps: []stepJSON{}}
		for _, st := range s.Steps {
			sj.Steps = append(sj.Steps, stepJSON{ID: st.ID, Text: st.Text, Kind: string(st.Kind), Command: st.Command, URL: st.URL, Wait: st.Wait.String()})
		}
		out.Sources = append(out.Sources, sj)
	}
	return e.printJSON(out)
}
