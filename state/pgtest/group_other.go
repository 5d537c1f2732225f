//go:build !unix

package pgtest

import "syscall"

// ownGroup is nil where there are no process groups.
func ownGroup() *syscall.SysProcAttr { return nil }
