package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildEchoServer compiles cmd/echoserver into dir and returns the binary.
func buildEchoServer(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build cmd/echoserver: %w", err)
	}
	modFile, err := exec.CommandContext(ctx, goBin, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(modFile)))
	if root == "." || root == "" || strings.TrimSpace(string(modFile)) == os.DevNull {
		return "", errors.New("run cmd/bench inside the module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "echoserver")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/echoserver")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/echoserver: %v\n%s", err, out)
	}
	return bin, nil
}

// server is a running echoserver process.
type server struct {
	cmd    *exec.Cmd
	Addr   string // host:port
	Base   string // http://host:port
	Pid    int
	stderr *tailBuffer
	done   chan error
}

func startServer(ctx context.Context, bin string, args ...string) (*server, error) {
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	// If the bench dies, so does its server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// BENCH_SERVER_ENV adds variables for the servers only, not for the
	// bench's own clients (say GODEBUG=gctrace=1 or GOGC=400 while
	// profiling).
	if extra := strings.Fields(os.Getenv("BENCH_SERVER_ENV")); len(extra) > 0 {
		cmd.Env = append(os.Environ(), extra...)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, stderr: &tailBuffer{max: 64 << 10}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.Pid = cmd.Process.Pid
	first := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		line, _ := br.ReadString('\n')
		first <- line
		_, _ = io.Copy(io.Discard, br)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case line := <-first:
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
		if !ok {
			s.kill()
			return nil, fmt.Errorf("echoserver's first line is %q, want \"listening on ADDR\"; stderr:\n%s", line, s.stderr)
		}
		s.Addr = addr
		s.Base = "http://" + addr
	case err := <-s.done:
		return nil, fmt.Errorf("echoserver exited at start: %v; stderr:\n%s", err, s.stderr)
	case <-time.After(15 * time.Second):
		s.kill()
		return nil, errors.New("echoserver did not say where it listens within 15 s")
	case <-ctx.Done():
		s.kill()
		return nil, ctx.Err()
	}
	return s, nil
}

// stop sends SIGTERM (the server shuts down its sockets) and waits, killing
// it if it takes longer than 15 s.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			return fmt.Errorf("echoserver exit: %v; stderr tail:\n%s", err, s.stderr)
		}
		return nil
	case <-time.After(15 * time.Second):
		s.kill()
		return errors.New("echoserver did not exit within 15 s of SIGTERM; killed")
	}
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
}

// fetch GETs a path on the server into a file.
func (s *server) fetch(ctx context.Context, path, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Base+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}
