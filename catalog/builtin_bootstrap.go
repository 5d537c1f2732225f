//go:build genbuiltin

package catalog

// builtinCatalog stands in for builtin_gen.go while genbuiltin builds (with the
// genbuiltin tag): the generator needs this package's parser, and must still build
// when a stale builtin_gen.go no longer compiles, e.g. after a field was renamed.
var builtinCatalog Catalog
