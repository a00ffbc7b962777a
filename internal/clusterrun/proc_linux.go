package clusterrun

import "syscall"

// sysProcAttr puts a node in its own process group, so a terminal's Ctrl-C
// reaches only the parent (which stops the nodes in order), and has the
// kernel send it SIGTERM should the parent die.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
