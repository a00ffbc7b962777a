//go:build !unix

package e2e

import "os/exec"

// setProcessGroup: without process groups only the script itself is
// killed on timeout.
func setProcessGroup(cmd *exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {}
