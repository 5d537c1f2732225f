//go:build !unix

package catalog

// openFlags: only Unix has named pipes that block an open.
const openFlags = 0
