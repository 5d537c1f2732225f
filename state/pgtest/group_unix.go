//go:build unix

package pgtest

import "syscall"

// ownGroup puts a child in a process group of its own, out of reach of a signal sent
// to the test's group.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
