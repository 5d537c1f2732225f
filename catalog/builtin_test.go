package catalog

import (
	"fmt"
	"os"
	"reflect"
	"testing"
)

// readBuiltinTOML reads builtin.toml, the source of the generated builtin_gen.go.
func readBuiltinTOML(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("builtin.toml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parsedBuiltin is builtin.toml read the way genbuiltin reads it.
func parsedBuiltin(t testing.TB) *Catalog {
	t.Helper()
	c, err := Parse("builtin.toml", readBuiltinTOML(t))
	if err != nil {
		t.Fatalf("builtin.toml is invalid:\n%v", err)
	}
	for i := range c.Sources {
		c.Sources[i].Origin = BuiltinOrigin
	}
	return c
}

// TestBuiltinGenIsFresh fails when builtin.toml (or the parser) changed and
// builtin_gen.go was not generated again.
func TestBuiltinGenIsFresh(t *testing.T) {
	want := parsedBuiltin(t)
	if reflect.DeepEqual(&builtinCatalog, want) {
		return
	}
	where := "the catalog's header"
	for i := range max(len(want.Sources), len(builtinCatalog.Sources)) {
		if i >= len(want.Sources) || i >= len(builtinCatalog.Sources) || !reflect.DeepEqual(builtinCatalog.Sources[i], want.Sources[i]) {
			where = fmt.Sprintf("sources[%d]", i)
			break
		}
	}
	t.Fatalf("builtin_gen.go is stale (first difference in %s): run\n\n\tgo generate ./catalog\n\nand commit builtin_gen.go with builtin.toml", where)
}

// TestBuiltinCopiesAreIndependent: every call hands out data of its own, and an
// append to one source's slices cannot reach its neighbour in the shared arrays.
func TestBuiltinCopiesAreIndependent(t *testing.T) {
	a, _ := Builtin()
	b, _ := Builtin()
	if !reflect.DeepEqual(a, parsedBuiltin(t)) {
		t.Fatal("Builtin differs from builtin.toml")
	}
	a.Title = "changed"
	a.Sources[0].Name = "changed"
	a.Sources[0].Steps[0].Text = "changed"
	a.Sources[0].Aliases = append(a.Sources[0].Aliases, "appended")
	a.Sources[0].Steps = append(a.Sources[0].Steps, Step{Key: "appended"})
	if b.Title == "changed" || b.Sources[0].Name == "changed" || b.Sources[0].Steps[0].Text == "changed" {
		t.Error("two calls share data")
	}
	if builtinCatalog.Sources[0].Steps[0].Text == "changed" {
		t.Error("a caller changed the generated data")
	}
	next := a.Sources[1]
	if len(next.Aliases) > 0 && next.Aliases[0] == "appended" || next.Steps[0].Key == "appended" {
		t.Error("an append to one source overwrote the next one's data")
	}
}
