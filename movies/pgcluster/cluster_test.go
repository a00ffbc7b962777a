package pgcluster

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// childDirEnv makes the test binary a child that starts an Ephemeral
// cluster, says so, and waits to be killed.
const childDirEnv = "PGCLUSTER_TEST_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := Start(ctx, Config{Dir: dir, TCP: true, Ephemeral: true}); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(2)
		}
		os.Stdout.WriteString("started\n")
		select {}
	}
	os.Exit(m.Run())
}

// A test binary killed by its -timeout never runs its cleanups; its
// throwaway cluster must still go away rather than linger for ever.
func TestEphemeralStopsWhenOwnerIsKilled(t *testing.T) {
	if _, err := FindBinDir(); err != nil {
		t.Skip(err) // the Makefile's deps-system installs them for make test
	}
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "data")

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childDirEnv+"="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "started" {
		_ = child.Process.Kill()
		_ = child.Wait()
		t.Fatalf("child did not start its cluster (said %q)", line)
	}
	if !Reachable(dir) {
		t.Fatal("cluster not reachable while its owner runs")
	}
	pid, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	postmaster := "/proc/" + strings.SplitN(string(pid), "\n", 2)[0]

	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	deadline := time.Now().Add(30 * time.Second)
	for {
		if gone(postmaster) {
			return
		}
		if time.Now().After(deadline) {
			c := &Cluster{dir: dir}
			c.cred, _ = runAs()
			bin, _ := FindBinDir()
			c.binDir = bin
			_ = c.pgctl(context.Background(), "stop", "-m", "immediate")
			t.Fatal("postmaster still running 30 s after its owner was killed")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// gone says whether the process at /proc path has exited (a zombie counts:
// whether PID 1 reaps it is not ours to test).
func gone(proc string) bool {
	b, err := os.ReadFile(proc + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}
