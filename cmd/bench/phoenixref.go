package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// phoenix-ref is the real Phoenix 1.7 / LiveView 1.0 counter app
// (/work/shared/phoenix-ref): its build.sh exports every Elixir dependency
// from bare git mirrors (MIRRORS/OWNER+NAME/repo) and compiles it with
// Debian's Elixir, offline. The bench builds a scratch copy (never the
// shared folder), once per change of its sources, and runs it with run.sh,
// which exec's into the BEAM: the process started is the server.

// phoenixDep is one line of build.sh's DEPS list.
type phoenixDep struct{ Name, Mirror, Tag string }

// phoenixDeps reads the DEPS list of build.sh.
func phoenixDeps(buildSh []byte) ([]phoenixDep, error) {
	var deps []phoenixDep
	in := false
	sc := bufio.NewScanner(bytes.NewReader(buildSh))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "DEPS=$(cat <<"):
			in = true
		case in && line == "LIST":
			if len(deps) == 0 {
				return nil, errors.New("build.sh: the DEPS list is empty")
			}
			return deps, nil
		case in && line != "":
			f := strings.Fields(line)
			if len(f) != 3 {
				return nil, fmt.Errorf("build.sh: DEPS line %q: want name, mirror, tag", line)
			}
			deps = append(deps, phoenixDep{f[0], f[1], f[2]})
		}
	}
	return nil, errors.New("build.sh: no DEPS=$(cat <<'LIST' … LIST block")
}

// missingMirrors lists the deps whose mirror is not under mirrors.
func missingMirrors(deps []phoenixDep, mirrors string) []phoenixDep {
	var out []phoenixDep
	for _, d := range deps {
		if st, err := os.Stat(filepath.Join(mirrors, d.Mirror, "repo")); err != nil || !st.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

// missingMirrorsError says plainly which mirrors are missing and how to
// get them.
func missingMirrorsError(missing []phoenixDep, mirrors string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "phoenix-ref cannot be built: %d of its git mirrors are missing under %s:\n", len(missing), mirrors)
	for _, d := range missing {
		owner, name, _ := strings.Cut(d.Mirror, "+")
		fmt.Fprintf(&b, "  %-18s %s (%s)  ->  fetch github:%s/%s\n", d.Name, filepath.Join(mirrors, d.Mirror, "repo"), d.Tag, owner, name)
	}
	b.WriteString("Fetch each with the session's fetch tool (github:OWNER/NAME; call again while it says the copy is under way),\n")
	b.WriteString("or with git: git clone --mirror https://github.com/OWNER/NAME " + filepath.Join(mirrors, "OWNER+NAME", "repo") + "\n")
	b.WriteString("then run the target again (MIRRORS=<folder> to use another folder).")
	return errors.New(b.String())
}

// phoenixBuilt reports whether dir is a finished build of src: every file
// of src is in dir with the same content, and build.sh got to its end
// (it copies app.js into priv/static last).
func phoenixBuilt(src, dir string) bool {
	for _, p := range []string{"_build/prod/lib/phoenix_ref/ebin", "priv/static/app.js", "priv/static/assets/phoenix_live_view.js"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return false
		}
	}
	same := true
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !same {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(src, path)
		a, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil || !bytes.Equal(a, b) {
			same = false
		}
		return nil
	})
	return err == nil && same
}

// copyTree copies src's files into dir (writable by us: the shared copy
// is read-only).
func copyTree(src, dir string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		return os.WriteFile(to, data, mode)
	})
}

// preparePhoenixRef makes dir a built copy of src, building it (one
// Elixir compile, ~2 min on 2 cores) only when it is not already.
func preparePhoenixRef(ctx context.Context, src, dir, mirrors string, logf func(string, ...any)) error {
	buildSh, err := os.ReadFile(filepath.Join(src, "build.sh"))
	if err != nil {
		return fmt.Errorf("phoenix-ref sources: %w (set -phoenix-src)", err)
	}
	deps, err := phoenixDeps(buildSh)
	if err != nil {
		return err
	}
	if phoenixBuilt(src, dir) {
		logf("phoenix-ref: %s is built and current", dir)
		return nil
	}
	if missing := missingMirrors(deps, mirrors); len(missing) > 0 {
		return missingMirrorsError(missing, mirrors)
	}
	for _, tool := range []string{"elixir", "mix", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("phoenix-ref needs %s (apt-get install -y elixir erlang erlang-dev erlang-src git): %w", tool, err)
		}
	}
	logf("phoenix-ref: copying %s to %s and building it (MIRRORS=%s, one Elixir compile)…", src, dir, mirrors)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := copyTree(src, dir); err != nil {
		return err
	}
	logFile := filepath.Join(dir, "build.log")
	out, err := os.Create(logFile)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, "./build.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MIRRORS="+mirrors, "MIX_ENV=prod")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 3000 {
			tail = tail[len(tail)-3000:]
		}
		return fmt.Errorf("phoenix-ref build.sh: %v (log %s):\n%s", err, logFile, tail)
	}
	if !phoenixBuilt(src, dir) {
		return fmt.Errorf("phoenix-ref build.sh finished but %s does not look built (see %s)", dir, logFile)
	}
	logf("phoenix-ref: built")
	return nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startPhoenix runs dir/run.sh on a free loopback port, logging warnings
// only, with the socket origin check off (as cmd/liveserver's), and waits
// until /counter answers. The returned server's Pid is the BEAM's.
func startPhoenix(ctx context.Context, dir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("./run.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "MIX_ENV=prod", "LOG_LEVEL=warning",
		"CHECK_ORIGIN=false", "URL_HOST=127.0.0.1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s := &server{cmd: cmd, stderr: &tailBuffer{max: 64 << 10}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = s.stderr, s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.Pid = cmd.Process.Pid
	s.Addr = "127.0.0.1:" + strconv.Itoa(port)
	s.Base = "http://" + s.Addr
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+"/counter", nil)
		tr := &http.Transport{DisableKeepAlives: true}
		res, err := (&http.Client{Transport: tr, Timeout: 2 * time.Second}).Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("phoenix-ref exited at start: %v; output:\n%s", err, s.stderr)
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("phoenix-ref did not serve /counter within 60 s; output:\n%s", s.stderr)
		}
	}
	if comm, _ := os.ReadFile("/proc/" + strconv.Itoa(s.Pid) + "/comm"); !strings.HasPrefix(string(comm), "beam") {
		s.kill()
		return nil, fmt.Errorf("phoenix-ref's process %d is %q, not the BEAM: run.sh must exec into it", s.Pid, strings.TrimSpace(string(comm)))
	}
	return s, nil
}
