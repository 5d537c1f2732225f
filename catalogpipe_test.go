package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestCatalogFromPipeReadOnce: --catalog <(printf ...) names a pipe (/dev/fd/N), which
// can be read only once. It used to be read twice (once to look it up in the catalog
// cache, once to parse), so the parse saw nothing and reported "no sources". Its own
// problems must be reported, naming it, or the pipe refused by name; never "no sources".
func TestCatalogFromPipeReadOnce(t *testing.T) {
	c := newCLI(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Smaller than a pipe's buffer: written whole before anything reads it, as printf does.
	if _, err := w.WriteString("version = 1\n[[sources]]\nid = \"Bad Id\"\nname = \"B\"\n[[sources.steps]]\ntext = \"Do it.\"\n"); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	pipe := fmt.Sprintf("/dev/fd/%d", r.Fd())
	_, errOut, code := c.run("status", "--no-builtin", "--catalog", pipe)
	if code != exitUsage || !strings.Contains(errOut, pipe) || strings.Contains(errOut, "no sources") {
		t.Errorf("exit %d, want 2 and a message naming %s:\n%s", code, pipe, errOut)
	}
}
