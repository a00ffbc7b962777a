package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/internal/e2e"
)

// unitFor renders docs/deploy/golive-<app>.service for a test: the
// binary, environment file and working directory moved to dir.
func unitFor(t *testing.T, app, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../docs/deploy", "golive-"+app+".service"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for old, new := range map[string]string{
		"ExecStart=/opt/golive/golive-" + app:         "ExecStart=" + filepath.Join(dir, "golive-"+app),
		"EnvironmentFile=/etc/golive/" + app + ".env": "EnvironmentFile=" + filepath.Join(dir, app+".env"),
		"WorkingDirectory=/opt/golive":                "WorkingDirectory=" + dir,
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("golive-%s.service lacks %q", app, old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	return s
}

// TestSystemdUnits checks the shipped units with systemd's own parser
// (any warning fails: systemd ignores unknown keys, which would silently
// drop a setting) and its security score, and that the status unit takes
// the Elixir release's place.
func TestSystemdUnits(t *testing.T) {
	analyze := e2e.RequireProgram(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	var units []string
	for _, app := range []string{"movies", "status"} {
		if err := os.WriteFile(filepath.Join(dir, "golive-"+app), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, app+".env"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		u := filepath.Join(dir, "golive-"+app+".service")
		if err := os.WriteFile(u, []byte(unitFor(t, app, dir)), 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
	}
	var out bytes.Buffer
	cmd := exec.Command(analyze, append([]string{"verify"}, units...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || out.Len() > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out.String())
	}
	for _, u := range units {
		// Exposure is 0 (locked down) to 10 (unrestricted); ours are 1.8.
		sec := exec.Command(analyze, "security", "--offline=yes", "--threshold=20", u)
		if b, err := sec.CombinedOutput(); err != nil {
			t.Errorf("%s: exposure above 2.0 or check failed: %v\n%s", filepath.Base(u), err, b)
		}
	}
	status, _ := os.ReadFile(units[1])
	if !strings.Contains(string(status), "\nConflicts=symbiont-ex-api.service\n") {
		t.Error("golive-status.service does not conflict with symbiont-ex-api.service")
	}
}

// startUnderSystemd installs bin's unit as a runtime unit, starts it,
// checks /health and stops it: only where PID 1 is systemd and the test
// runs as root (elsewhere it says why it cannot).
func startUnderSystemd(t *testing.T, app, bin string, env []string) {
	t.Helper()
	if fi, err := os.Stat("/run/systemd/system"); err != nil || !fi.IsDir() {
		comm, _ := os.ReadFile("/proc/1/comm")
		t.Skipf("PID 1 is %q, not systemd: the unit is verified (TestSystemdUnits) but cannot be started here", strings.TrimSpace(string(comm)))
	}
	if os.Geteuid() != 0 {
		t.Skip("starting a system unit needs root")
	}
	// Not under /tmp: the unit's PrivateTmp would hide it from the service.
	dir, err := os.MkdirTemp("/run", "golive-unit-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "golive-"+app), b, 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	envFile := strings.Join(append(env, fmt.Sprintf("PORT=%d", port)), "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, app+".env"), []byte(envFile), 0o600); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("golive-test-%s-%d.service", app, os.Getpid())
	unit := strings.Replace(unitFor(t, app, dir), "User=golive\nGroup=golive\n", "DynamicUser=yes\n", 1)
	path := filepath.Join("/run/systemd/system", name)
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	systemctl := func(args ...string) string {
		out, err := exec.Command("systemctl", args...).CombinedOutput()
		if err != nil {
			t.Errorf("systemctl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		exec.Command("systemctl", "stop", name).Run()
		os.Remove(path)
		exec.Command("systemctl", "daemon-reload").Run()
	})
	systemctl("daemon-reload")
	systemctl("start", name)
	url := fmt.Sprintf("http://127.0.0.1:%d/health", port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if ctx.Err() != nil {
			out, _ := exec.Command("journalctl", "-u", name, "--no-pager", "-n", "40").CombinedOutput()
			t.Fatalf("%s did not answer %s in 30 s:\n%s", name, url, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	systemctl("stop", name)
	if got := systemctl("show", "-p", "Result", "-p", "ExecMainStatus", name); !strings.Contains(got, "Result=success") || !strings.Contains(got, "ExecMainStatus=0") {
		t.Errorf("%s after stop: %s", name, got)
	}
}
