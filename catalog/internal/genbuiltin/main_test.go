package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedFileIsCurrent regenerates builtin_gen.go into a temporary file and
// compares bytes, which also catches a change to this generator that was never run.
// (catalog's TestBuiltinGenIsFresh compares the data itself.)
func TestGeneratedFileIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "builtin_gen.go")
	if err := generate(filepath.Join("..", "..", "builtin.toml"), out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "builtin_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("catalog/builtin_gen.go is not what the generator writes: run\n\n\tgo generate ./catalog\n")
	}
}

func TestGenerateRefusesAnInvalidCatalog(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(in, []byte("[[sources]]\nid = \"Bad\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.go")
	if err := generate(in, out); err == nil {
		t.Fatal("an invalid catalog was compiled")
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an invalid catalog left a generated file behind")
	}
}
