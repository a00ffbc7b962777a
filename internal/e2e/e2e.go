package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// MinNodeMajor is the oldest Node the scripts in assets/e2e run on.
const MinNodeMajor = 20

// DefaultChromium is where Debian's chromium package installs the browser.
const DefaultChromium = "/usr/bin/chromium"

var assetsDir = sync.OnceValues(func() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if fileExists(filepath.Join(dir, "go.mod")) {
			a := filepath.Join(dir, "assets")
			if !fileExists(filepath.Join(a, "package.json")) {
				return "", fmt.Errorf("e2e: module root %s has no assets/package.json", dir)
			}
			return a, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("e2e: no go.mod above %s", wd)
		}
		dir = parent
	}
})

// AssetsDir returns the absolute path of the repository's assets directory,
// found by walking up from the working directory (a package directory under
// `go test`) to the module root.
func AssetsDir() (string, error) { return assetsDir() }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// missing fails the test, or skips it under -short: `make test` installs
// every dependency, so outside -short a missing one is breakage.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if testing.Short() {
		t.Skip("-short: " + msg)
	}
	t.Fatal(msg + " (`make test` installs it; under `go test -short` a missing dependency skips the test instead)")
}

func mustAssetsDir(t testing.TB) string {
	t.Helper()
	dir, err := AssetsDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

var nodeVersion = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("node", "--version").Output()
	return strings.TrimSpace(string(out)), err
})

// RequireNode checks that node (≥ 20) is on PATH and that the npm packages
// the scripts import are installed in assets/node_modules.
func RequireNode(t testing.TB) {
	t.Helper()
	v, err := nodeVersion()
	if err != nil {
		missing(t, "node is not on PATH: %v", err)
	}
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(v, "v"), ".", 2)[0])
	if major < MinNodeMajor {
		missing(t, "node %s is too old; the e2e scripts need Node ≥ %d", v, MinNodeMajor)
	}
	dir := mustAssetsDir(t)
	for _, pkg := range []string{"phoenix", "playwright-core"} {
		if !fileExists(filepath.Join(dir, "node_modules", pkg, "package.json")) {
			missing(t, "npm package %s is not installed in %s/node_modules (cd assets && npm ci)", pkg, dir)
		}
	}
}

// RequireChromium checks Node (see [RequireNode]) and the Chromium binary,
// and returns the browser's path: $CHROMIUM_PATH if set, else Debian's
// /usr/bin/chromium, else chromium on PATH. Pass it to scripts as
// CHROMIUM_PATH.
func RequireChromium(t testing.TB) string {
	t.Helper()
	RequireNode(t)
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		path = DefaultChromium
		if !fileExists(path) {
			if p, err := exec.LookPath("chromium"); err == nil {
				path = p
			}
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		missing(t, "Chromium not found at %s (apt-get install chromium)", path)
	}
	return path
}

// RequireProgram returns the path of the program name: on PATH, else in
// /usr/sbin or /usr/bin (Debian puts nginx in /usr/sbin, which is not on
// every PATH). A missing program fails the test, naming the Debian
// package that provides it (skips it under -short).
func RequireProgram(t testing.TB, name, debPackage string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	missing(t, "%s not found on PATH, in /usr/sbin or /usr/bin (apt-get install %s)", name, debPackage)
	return ""
}

// RequireAssets checks that the named bundles exist in assets/dist.
func RequireAssets(t testing.TB, names ...string) {
	t.Helper()
	dir := mustAssetsDir(t)
	for _, n := range names {
		if !fileExists(filepath.Join(dir, "dist", n)) {
			missing(t, "assets/dist/%s is not built (make assets)", n)
		}
	}
}

// summaryLine is the last thing every lib.mjs script prints.
var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

// NodeResult is what a script run produced.
type NodeResult struct {
	Stdout, Stderr string
	ExitCode       int    // -1 if killed by a signal
	Exit           string // how it ended, e.g. "exit status 1", "signal: killed"
	Elapsed        time.Duration
	TimedOut       bool
	Passed, Failed int // from the summary line; -1 if there was none
}

// RunNode runs `node e2e/<script>` with the assets directory as its working
// directory and returns its stdout. The environment is the test's plus env,
// plus E2E_DEADLINE_MS (the script stops itself before timeout) and
// E2E_WATCH_STDIN=1 (the script exits when its stdin, a pipe from this
// process, closes, so it never outlives a killed test binary).
//
// The test fails, with the script's stdout and stderr, if the script exits
// non-zero, runs past timeout (its whole process group, Chromium included,
// is then killed), or does not end with a summary "N passed, 0 failed" with
// N > 0.
func RunNode(t testing.TB, script string, env map[string]string, timeout time.Duration) string {
	t.Helper()
	RequireNode(t)
	res, err := runNode(mustAssetsDir(t), script, env, timeout)
	if err != nil {
		t.Fatalf("node e2e/%s: %v", script, err)
	}
	t.Logf("node e2e/%s: %s after %v\n--- stdout\n%s", script, res.Exit, res.Elapsed.Round(time.Millisecond), res.Stdout)
	if res.Stderr != "" {
		t.Logf("--- stderr of e2e/%s\n%s", script, res.Stderr)
	}
	switch {
	case res.TimedOut:
		t.Fatalf("node e2e/%s killed after the %v timeout (output above)", script, timeout)
	case res.ExitCode != 0 && res.Passed < 0:
		t.Fatalf("node e2e/%s ended (%s) before printing a summary (output above)", script, res.Exit)
	case res.ExitCode != 0:
		t.Fatalf("node e2e/%s ended (%s): %d passed, %d failed (output above)", script, res.Exit, res.Passed, res.Failed)
	case res.Passed < 0:
		t.Fatalf(`node e2e/%s exited 0 without a final "N passed, N failed" line (output above)`, script)
	case res.Failed != 0 || res.Passed == 0:
		t.Fatalf("node e2e/%s: %d passed, %d failed (output above)", script, res.Passed, res.Failed)
	}
	return res.Stdout
}

func runNode(dir, script string, env map[string]string, timeout time.Duration) (NodeResult, error) {
	res := NodeResult{Passed: -1, Failed: -1}
	path := filepath.Join("e2e", script)
	if !fileExists(filepath.Join(dir, path)) {
		return res, fmt.Errorf("no script %s in %s", path, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", path)
	cmd.Dir = dir
	// The script winds down (closing Chromium) a little before we kill it:
	// 10% of the timeout, at least 2 s, at most half of it.
	deadline := timeout - min(max(timeout/10, 2*time.Second), timeout/2)
	cmd.Env = append(os.Environ(),
		"E2E_DEADLINE_MS="+strconv.FormatInt(deadline.Milliseconds(), 10),
		"E2E_WATCH_STDIN=1",
	)
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	// Chromium's profile and anything else the script writes to the
	// temporary directory go under a directory we remove afterwards.
	tmp, err := os.MkdirTemp("", "golive-e2e-node-")
	if err != nil {
		return res, err
	}
	defer removeAllRetry(tmp)
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)

	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return res, err
	}
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	res.Exit = "exit status 0"
	err = cmd.Wait()
	killGroup(cmd)
	stdin.Close()
	res.Elapsed = time.Since(start)
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	res.TimedOut = ctx.Err() != nil
	if m := summaryLine.FindAllStringSubmatch(res.Stdout, -1); len(m) > 0 {
		last := m[len(m)-1]
		res.Passed, _ = strconv.Atoi(last[1])
		res.Failed, _ = strconv.Atoi(last[2])
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
		res.Exit = exit.Error()
	case res.TimedOut:
		res.ExitCode, res.Exit = -1, err.Error()
	default:
		return res, err
	}
	return res, nil
}

// removeAllRetry removes dir; a browser process that is still exiting may
// write into it for a moment.
func removeAllRetry(dir string) {
	for range 20 {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Logger returns a logger that writes to t's log until the test ends and
// is discarded afterwards (servers may log from goroutines that outlive
// the test by a moment, and t.Log would then panic).
func Logger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		sc := bufio.NewScanner(bytes.NewReader(p))
		sc.Buffer(nil, len(p)+1)
		for sc.Scan() {
			w.t.Log(sc.Text())
		}
	}
	return len(p), nil
}

var _ io.Writer = (*testWriter)(nil)
