//go:build !linux

package clusterrun

import "syscall"

// sysProcAttr: outside Linux the nodes share the parent's process group
// and get no parent-death signal; stop the cluster with Stop.
func sysProcAttr() *syscall.SysProcAttr { return nil }
