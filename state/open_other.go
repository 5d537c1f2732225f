//go:build !unix

package state

// openNoFollow is 0 where the system has no O_NOFOLLOW: Lock looks at the lock file
// with Lstat before opening it instead.
const openNoFollow = 0

// openNonBlock is 0 where opening a named pipe does not wait for a writer.
const openNonBlock = 0
