package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestColumnsLayOutAsTabwriter: the tables of status and history look as they did
// when text/tabwriter laid them out, for cells of any width, empty ones and
// multi-byte ones included.
func TestColumnsLayOutAsTabwriter(t *testing.T) {
	words := []string{"", "-", "x", "Snowflake", "in progress", "2026-01-02 (in 10 days)", "Zoë", "日本語", "Fivetran HVR", "3/8"}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		nCells := 1 + rng.IntN(6)
		nRows := 1 + rng.IntN(8)
		var c columns
		var want strings.Builder
		tw := tabwriter.NewWriter(&want, 0, 0, columnGap, ' ', 0)
		for r := 0; r < nRows; r++ {
			cells := make([]string, nCells)
			for i := range cells {
				cells[i] = words[rng.IntN(len(words))]
			}
			c.add(cells...)
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		if err := c.writeTo(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("trial %d:\ngot\n%q\nwant (tabwriter)\n%q", trial, got.String(), want.String())
		}
	}
}
