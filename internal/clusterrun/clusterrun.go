// Package clusterrun runs a local cluster of the movies server: several
// cmd/server processes on loopback sharing one PostgreSQL (the embedded
// one by default), in cluster mode, behind the round-robin proxy of
// package rrproxy with no stickiness. `make run-cluster` (cmd/cluster) is a
// thin command around it, and the cluster end-to-end tests drive nodes
// through it: [Node.Kill] (SIGKILL), [Node.Stop] (SIGTERM: leave, drain),
// [Node.Start] and [Node.Restart], and read them through [Node.Metrics].
//
// Any command built on cmd/internal/app runs the same way: build it with
// [BuildPackage] (the status app: "github.com/cortex-cinegraph/golive/cmd/status")
// and pass it as Options.Binary; Options.NodeEnv gives nodes different
// settings.
//
// Everything listens on 127.0.0.1. Each node process runs in its own
// process group (a terminal's Ctrl-C reaches only the parent, which stops
// the nodes in order) and, on Linux, gets SIGTERM if the parent dies.
// [Cluster.Stop] stops the nodes, then the proxy, then the database it
// started, last.
package clusterrun

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"go/build"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/internal/rrproxy"
	"github.com/cortex-cinegraph/golive/movies"
)

// Options configure a [Cluster]. The zero value runs three nodes on free
// ports with the embedded database under var/.
type Options struct {
	// Nodes is how many nodes to run; default 3.
	Nodes int
	// Port is the proxy's port; the nodes listen on Port+1 … Port+Nodes.
	// 0 picks free ports for all (tests).
	Port int
	// Binary is a built cmd/server (or another command built on
	// cmd/internal/app, see [BuildPackage]); empty builds cmd/server into
	// Dir with [Build].
	Binary string
	// Dir holds the binary and the nodes' logs; empty makes a temporary
	// directory, removed by Stop.
	Dir string
	// DatabaseURL is the PostgreSQL database the nodes share, both as
	// DATABASE_URL (the movies) and CLUSTER_DATABASE_URL (the PubSub); it
	// must be a direct connection. Empty starts the embedded database
	// (movies.StartEmbedded) in DataDir, as `make run` does, and stops it
	// last.
	DatabaseURL string
	// DataDir is the embedded database's directory; default "var".
	DataDir string
	// SecretKeyBase is shared by all nodes; empty generates one.
	SecretKeyBase string
	// DrainPeriod is each node's DRAIN_PERIOD; default 2 s.
	DrainPeriod time.Duration
	// Heartbeat is each node's CLUSTER_HEARTBEAT; 0 keeps the nodes'
	// default (1 s).
	Heartbeat time.Duration
	// Env is added to every node's environment (KEY=VALUE, overriding).
	Env []string
	// NodeEnv, if set, is called with a node's name (node1 …) at every
	// start of it and adds to that node's environment after Env, e.g. a
	// setting only one node has. The cluster's own settings (PORT,
	// NODE_NAME, NODE_URL, …) must not be overridden.
	NodeEnv func(name string) []string
	// Output receives the nodes' output, each line prefixed with the
	// node's name; nil keeps it in the log files only (Node.LogPath).
	Output io.Writer
	// Restart restarts a node that exits without being asked to, after a
	// second. Default: it is reported and stays down.
	Restart bool
	// StartTimeout bounds each node's start until it answers /healthz;
	// default 60 s.
	StartTimeout time.Duration
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Cluster is a running local cluster.
type Cluster struct {
	// URL is the proxy's base URL, e.g. http://127.0.0.1:4000: what a
	// browser opens.
	URL string
	// DatabaseURL is the database the nodes share.
	DatabaseURL string
	// Nodes are the nodes, node1 … nodeN.
	Nodes []*Node
	// Proxy is the round-robin proxy (its Stats count requests per node).
	Proxy *rrproxy.Proxy

	opts    Options
	log     *slog.Logger
	bin     string
	dir     string
	tempDir bool
	secret  string
	origins string

	ctx       context.Context // ends with Stop: pending restarts are dropped
	cancel    context.CancelFunc
	wg        sync.WaitGroup // waiters and restarts
	stopProxy context.CancelFunc
	proxyDone chan error
	stopDB    func()
	outMu     sync.Mutex
	stopOnce  sync.Once
	stopErr   error
}

// Start starts the database (unless Options.DatabaseURL), the nodes and
// the proxy, and returns once every node answers /healthz. ctx bounds the
// start only; call [Cluster.Stop] to stop everything.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if opts.Nodes <= 0 {
		opts.Nodes = 3
	}
	if opts.DataDir == "" {
		opts.DataDir = "var"
	}
	if opts.DrainPeriod == 0 {
		opts.DrainPeriod = 2 * time.Second
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	c = &Cluster{opts: opts, log: opts.Logger, dir: opts.Dir, secret: opts.SecretKeyBase, DatabaseURL: opts.DatabaseURL, stopDB: func() {}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			_ = c.Stop(context.Background())
		}
	}()
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "golive-cluster-"); err != nil {
			return c, err
		}
		c.tempDir = true
	} else if err = os.MkdirAll(c.dir, 0o755); err != nil {
		return c, err
	}
	if c.dir, err = filepath.Abs(c.dir); err != nil {
		return c, err
	}
	if c.secret == "" {
		b := make([]byte, 48)
		_, _ = rand.Read(b)
		c.secret = base64.StdEncoding.EncodeToString(b) // 64 characters
	}
	if c.bin = opts.Binary; c.bin == "" {
		if c.bin, err = Build(ctx, c.dir); err != nil {
			return c, err
		}
	}

	// The proxy's listener first: with Port 0 its port is the one free
	// port that cannot be taken meanwhile.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)))
	if err != nil {
		return c, fmt.Errorf("proxy: %w", err)
	}
	proxyPort := ln.Addr().(*net.TCPAddr).Port
	c.URL = "http://" + ln.Addr().String()
	origins := []string{"http://127.0.0.1:" + strconv.Itoa(proxyPort), "http://localhost:" + strconv.Itoa(proxyPort)}
	var backends []string
	for i := 1; i <= opts.Nodes; i++ {
		port := 0
		if opts.Port != 0 {
			port = opts.Port + i
		} else if port, err = freePort(); err != nil {
			ln.Close()
			return c, err
		}
		n := &Node{Name: "node" + strconv.Itoa(i), Port: port, URL: "http://127.0.0.1:" + strconv.Itoa(port), c: c}
		n.LogPath = filepath.Join(c.dir, n.Name+".log")
		c.Nodes = append(c.Nodes, n)
		backends = append(backends, n.URL)
		// A page opened on a node directly works too.
		origins = append(origins, n.URL, "http://localhost:"+strconv.Itoa(port))
	}
	c.origins = strings.Join(origins, ",")
	if c.Proxy, err = rrproxy.New(backends, c.log); err != nil {
		ln.Close()
		return c, err
	}

	if c.DatabaseURL == "" {
		dsn, stop, err := movies.StartEmbedded(ctx, opts.DataDir, c.log)
		if err != nil {
			ln.Close()
			return c, fmt.Errorf("%w\n(or set DATABASE_URL to a cinegraph PostgreSQL database)", err)
		}
		c.DatabaseURL, c.stopDB = dsn, stop
	}

	pctx, cancel := context.WithCancel(context.Background())
	c.stopProxy, c.proxyDone = cancel, make(chan error, 1)
	go func() { c.proxyDone <- rrproxy.Serve(pctx, ln, c.Proxy) }()

	// The nodes start one after another: on a small machine that is
	// quicker than all at once.
	for _, n := range c.Nodes {
		if err := n.Start(ctx); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Build builds cmd/server into dir and returns the binary's path. It runs
// `go build` in the module of the working directory.
func Build(ctx context.Context, dir string) (string, error) {
	return BuildPackage(ctx, dir, "github.com/cortex-cinegraph/golive/cmd/server")
}

// BuildPackage builds the main package pkg (an import path, or a
// directory as `go build` takes it, relative to the working directory)
// into dir as golive-<last element of pkg> and returns the binary's path.
func BuildPackage(ctx context.Context, dir, pkg string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building %s: %w", pkg, err)
	}
	name := path.Base(pkg)
	if build.IsLocalImport(pkg) {
		abs, err := filepath.Abs(pkg)
		if err != nil {
			return "", err
		}
		name = filepath.Base(abs)
	}
	bin := filepath.Join(dir, "golive-"+name)
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, pkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out.String())
	}
	return bin, nil
}

// Node returns the node with the given name (node1 …), or nil.
func (c *Cluster) Node(name string) *Node {
	for _, n := range c.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Secret is the SECRET_KEY_BASE the nodes share.
func (c *Cluster) Secret() string { return c.secret }

// WaitConverged waits until every running node sees exactly the running
// nodes alive (each node's /healthz lists the nodes it sees alive).
func (c *Cluster) WaitConverged(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	var last string
	for {
		var want []string
		for _, n := range c.Nodes {
			if n.Running() {
				want = append(want, n.Name)
			}
		}
		ok := true
		for _, n := range c.Nodes {
			if !n.Running() {
				continue
			}
			alive, err := aliveSeenBy(ctx, client, n.URL)
			if err != nil || !slices.Equal(alive, want) {
				ok = false
				last = fmt.Sprintf("%s sees %v (err %v), want %v", n.Name, alive, err, want)
				break
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster did not converge: %s: %w", last, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// aliveSeenBy reads the "alive:" line of a node's /healthz.
func aliveSeenBy(ctx context.Context, client *http.Client, base string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "alive:"); ok {
			v = strings.TrimSpace(v)
			if v == "" {
				return nil, nil
			}
			names := strings.Split(v, ",")
			slices.Sort(names)
			return names, nil
		}
	}
	return nil, fmt.Errorf("%s/healthz has no alive line (not in cluster mode?): %q", base, b)
}

// Stop stops every node (SIGTERM, in parallel: each leaves and drains;
// SIGKILL for those still running when ctx ends), then the proxy, then the
// database it started. It is safe to call more than once.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		c.cancel()
		var wg sync.WaitGroup
		errs := make([]error, len(c.Nodes))
		for i, n := range c.Nodes {
			wg.Go(func() {
				if n.Running() {
					errs[i] = n.Stop(ctx)
				}
			})
		}
		wg.Wait()
		// Nothing may outlive the cluster, whatever happened meanwhile.
		for _, n := range c.Nodes {
			if n.Running() {
				_ = n.Kill()
			}
		}
		c.wg.Wait()
		if c.stopProxy != nil {
			c.stopProxy()
			errs = append(errs, <-c.proxyDone)
			c.Proxy.CloseIdleConnections()
		}
		c.stopDB()
		if c.tempDir {
			errs = append(errs, os.RemoveAll(c.dir))
		}
		c.stopErr = errors.Join(errs...)
	})
	return c.stopErr
}

// output writes a node's output: to its log file, and to Options.Output
// with the node's name before each line.
func (c *Cluster) output(n *Node, f *os.File) io.Writer {
	if c.opts.Output == nil {
		return f
	}
	return io.MultiWriter(f, &prefixWriter{c: c, prefix: []byte(fmt.Sprintf("%-6s| ", n.Name))})
}

type prefixWriter struct {
	c      *Cluster
	prefix []byte
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.c.outMu.Lock()
		_, _ = p.c.opts.Output.Write(append(append([]byte(nil), p.prefix...), p.buf[:i+1]...))
		p.c.outMu.Unlock()
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// env is a node's environment: this process's, minus what would confuse
// a node, plus the cluster's settings, plus Options.Env.
func (c *Cluster) env(n *Node) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PHX_HOST", "MOVIES_DATA_DIR", "DASHBOARD_PASSWORD", "TASK_PASSWORD":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PORT="+strconv.Itoa(n.Port),
		"BIND=127.0.0.1",
		"DATABASE_URL="+c.DatabaseURL,
		"CLUSTER_DATABASE_URL="+c.DatabaseURL,
		"NODE_NAME="+n.Name,
		"NODE_URL="+n.URL,
		"SECRET_KEY_BASE="+c.secret,
		"CHECK_ORIGIN="+c.origins,
		"DRAIN_PERIOD="+c.opts.DrainPeriod.String(),
	)
	if c.opts.Heartbeat > 0 {
		env = append(env, "CLUSTER_HEARTBEAT="+c.opts.Heartbeat.String())
	}
	// exec uses the last value of a repeated key.
	env = append(env, c.opts.Env...)
	if c.opts.NodeEnv != nil {
		env = append(env, c.opts.NodeEnv(n.Name)...)
	}
	return env
}

// Node is one server process of the cluster.
type Node struct {
	Name string // node1 …
	Port int
	// URL is the node's own base URL (not through the proxy).
	URL string
	// LogPath is the file the node's output goes to (appended to across
	// restarts).
	LogPath string

	c *Cluster

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the current process has exited
	expected bool          // the current process is being stopped on purpose
	crashes  int
	starts   int
}

// Running reports whether the node's process is running.
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.running()
}

func (n *Node) running() bool {
	if n.exited == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// PID is the current process's id (0 when not running).
func (n *Node) PID() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.running() {
		return 0
	}
	return n.cmd.Process.Pid
}

// Crashes counts the times the node exited without being asked to.
func (n *Node) Crashes() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.crashes
}

// Starts counts the node's starts.
func (n *Node) Starts() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.starts
}

// Start starts the node's process (it must not be running) and waits
// until it answers GET /healthz, it exits, or ctx or
// Options.StartTimeout ends.
func (n *Node) Start(ctx context.Context) error {
	n.mu.Lock()
	if n.running() {
		n.mu.Unlock()
		return fmt.Errorf("%s is already running", n.Name)
	}
	if n.c.ctx.Err() != nil {
		n.mu.Unlock()
		return fmt.Errorf("%s: the cluster is stopped", n.Name)
	}
	f, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		n.mu.Unlock()
		return err
	}
	fmt.Fprintf(f, "---- %s start %d at %s\n", n.Name, n.starts+1, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(n.c.bin)
	cmd.Dir = n.c.dir
	cmd.Env = n.c.env(n)
	out := n.c.output(n, f)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		f.Close()
		n.mu.Unlock()
		return fmt.Errorf("%s: %w", n.Name, err)
	}
	exited := make(chan struct{})
	n.cmd, n.exited, n.expected = cmd, exited, false
	n.starts++
	n.mu.Unlock()
	n.c.log.Info("cluster: node started", "node", n.Name, "pid", cmd.Process.Pid, "url", n.URL)

	n.c.wg.Add(1)
	go func() {
		defer n.c.wg.Done()
		err := cmd.Wait()
		f.Close()
		n.mu.Lock()
		close(exited)
		unexpected := !n.expected
		if unexpected {
			n.crashes++
		}
		n.mu.Unlock()
		if unexpected {
			n.c.log.Warn("cluster: node exited unexpectedly", "node", n.Name, "error", err, "log", n.LogPath)
			if n.c.opts.Restart {
				n.restartLater()
			}
		}
	}()
	return n.waitReady(ctx, exited)
}

// restartLater restarts a crashed node after a second, unless the cluster
// stops meanwhile.
func (n *Node) restartLater() {
	n.c.wg.Add(1)
	go func() {
		defer n.c.wg.Done()
		t := time.NewTimer(time.Second)
		defer t.Stop()
		select {
		case <-n.c.ctx.Done():
			return
		case <-t.C:
		}
		if err := n.Start(n.c.ctx); err != nil && n.c.ctx.Err() == nil {
			n.c.log.Error("cluster: restarting a node failed", "node", n.Name, "error", err)
		}
	}()
}

func (n *Node) waitReady(ctx context.Context, exited chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, n.c.opts.StartTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.URL+"/healthz", nil)
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited during start:\n%s", n.Name, tail(n.LogPath, 20))
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer /healthz: %w\n%s", n.Name, ctx.Err(), tail(n.LogPath, 20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// signal sends sig to the running process, marking its exit as expected.
func (n *Node) signal(sig syscall.Signal) (chan struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.running() {
		return nil, fmt.Errorf("%s is not running", n.Name)
	}
	n.expected = true
	if err := n.cmd.Process.Signal(sig); err != nil {
		return nil, fmt.Errorf("%s: %w", n.Name, err)
	}
	return n.exited, nil
}

// Kill kills the node's process with SIGKILL (a crash: no leave, no
// drain) and waits until it has exited.
func (n *Node) Kill() error {
	exited, err := n.signal(syscall.SIGKILL)
	if err != nil {
		return err
	}
	select {
	case <-exited:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s did not exit 10 s after SIGKILL", n.Name)
	}
}

// Stop sends SIGTERM (the node leaves the cluster, then drains over its
// DRAIN_PERIOD) and waits until it has exited; when ctx ends first the
// process is killed.
func (n *Node) Stop(ctx context.Context) error {
	exited, err := n.signal(syscall.SIGTERM)
	if err != nil {
		return err
	}
	select {
	case <-exited:
		return nil
	case <-ctx.Done():
		_ = n.Kill()
		return fmt.Errorf("%s did not stop in time after SIGTERM; killed: %w", n.Name, ctx.Err())
	}
}

// Restart stops the node gracefully (see Stop) and starts it again on the
// same port (see Start): one step of a rolling restart.
func (n *Node) Restart(ctx context.Context) error {
	if n.Running() {
		if err := n.Stop(ctx); err != nil {
			return err
		}
	}
	return n.Start(ctx)
}

// tail returns the last lines of a file, for error messages.
func tail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		out = append(out, sc.Text())
		if len(out) > lines {
			out = out[1:]
		}
	}
	return strings.Join(out, "\n")
}

// freePort returns a loopback port nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
