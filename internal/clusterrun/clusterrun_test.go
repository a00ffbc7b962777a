package clusterrun

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/assets"
	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
)

type pgMain struct{ m *testing.M }

func (p pgMain) Run() int { return pgtest.Main(p.m) }

func TestMain(m *testing.M) { goleak.VerifyTestMain(pgMain{m}) }

func migrate(ctx context.Context, dsn string) error {
	_, err := movies.Migrate(ctx, dsn, slog.New(slog.DiscardHandler))
	return err
}

// servedBy GETs path through the proxy n times and returns the nodes that
// answered, in order.
func servedBy(t *testing.T, c *Cluster, path string, n int) []string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	var out []string
	for range n {
		res, err := client.Get(c.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("GET %s through the proxy = %d", path, res.StatusCode)
		}
		out = append(out, res.Header.Get("X-Golive-Node"))
	}
	return out
}

func get(t *testing.T, url string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s = %d, %v", url, res.StatusCode, err)
	}
	return string(b)
}

func converge(t *testing.T, c *Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
}

func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

// TestCluster runs three real nodes on one PostgreSQL behind the proxy and
// does what the cluster tests will: SIGKILL a node and start it again, a
// rolling restart step, a crash restarted by the supervisor; and stops
// with no process left behind.
func TestCluster(t *testing.T) {
	dsn := pgtest.Seeded(t, migrate)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := &syncWriter{}
	c, err := Start(ctx, Options{
		DatabaseURL: dsn, DrainPeriod: 200 * time.Millisecond, Heartbeat: 100 * time.Millisecond,
		Restart: true, Logger: slog.New(slog.DiscardHandler), Output: out,
		// One node with a setting of its own: it loads the 1.0 bundle.
		NodeEnv: func(name string) []string {
			if name == "node2" {
				return []string{"LV_CLIENT=1.0"}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	var pids []int
	defer func() {
		if !stopped {
			_ = c.Stop(context.Background())
		}
	}()
	if len(c.Nodes) != 3 || !strings.HasPrefix(c.URL, "http://127.0.0.1:") {
		t.Fatalf("nodes %d, url %s", len(c.Nodes), c.URL)
	}
	converge(t, c)

	for _, n := range c.Nodes {
		want := assets.Path("app.js")
		if n.Name == "node2" {
			want = assets.Path("app-1.0.js")
		}
		if page := get(t, n.URL+"/examples/counter"); !strings.Contains(page, `src="`+want+`"`) {
			t.Errorf("%s's page does not load %s (NodeEnv):\n%.600s", n.Name, want, page)
		}
		m, err := n.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m["golive_pubsub_link_up"] != 1 || m[`golive_cluster_nodes{state="alive"}`] != 3 {
			t.Errorf("%s's metrics: link up %v, alive nodes %v", n.Name, m["golive_pubsub_link_up"], m[`golive_cluster_nodes{state="alive"}`])
		}
	}

	// Round robin with no stickiness: every node in turn.
	got := servedBy(t, c, "/healthz", 6)
	if names := slices.Sorted(slices.Values(got)); strings.Join(names, " ") != "node1 node1 node2 node2 node3 node3" {
		t.Errorf("served by %v", got)
	}
	servedBy(t, c, "/movies", 3)

	// SIGKILL node2: the others see it go, the proxy skips it.
	n2 := c.Node("node2")
	pids = append(pids, n2.PID())
	if err := n2.Kill(); err != nil {
		t.Fatal(err)
	}
	converge(t, c)
	if got := servedBy(t, c, "/healthz", 4); slices.Contains(got, "node2") {
		t.Errorf("a killed node served: %v", got)
	}
	if err := n2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	converge(t, c)

	// A rolling-restart step: node1 leaves, drains, comes back.
	n1 := c.Node("node1")
	pids = append(pids, n1.PID())
	if err := n1.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	converge(t, c)
	if n1.Starts() != 2 || n1.Crashes() != 0 || n2.Crashes() != 0 {
		t.Errorf("starts %d, crashes %d %d: Kill and Restart are not crashes", n1.Starts(), n1.Crashes(), n2.Crashes())
	}
	if !strings.Contains(out.String(), "node1 | ") {
		t.Errorf("no prefixed node output")
	}
	if b, _ := os.ReadFile(n1.LogPath); !strings.Contains(string(b), "cluster: leaving") {
		t.Errorf("node1 did not leave the cluster on SIGTERM:\n%s", b)
	}

	// A crash from outside: reported and restarted (Options.Restart).
	n3 := c.Node("node3")
	pid := n3.PID()
	pids = append(pids, pid)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for n3.Starts() < 2 || !n3.Running() {
		if time.Now().After(deadline) {
			t.Fatal("node3 was not restarted after its crash")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n3.Crashes() != 1 {
		t.Errorf("crashes = %d", n3.Crashes())
	}
	converge(t, c)

	for _, n := range c.Nodes {
		pids = append(pids, n.PID())
	}
	stopped = true
	sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer scancel()
	if err := c.Stop(sctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
	for _, pid := range pids {
		if !gone(pid) {
			t.Errorf("process %d still running after Stop", pid)
		}
	}
	for _, n := range c.Nodes {
		if n.Crashes() != 0 && n != n3 {
			t.Errorf("%s crashed during Stop", n.Name)
		}
	}
	if _, err := os.Stat(c.dir); !os.IsNotExist(err) {
		t.Errorf("temp dir left: %v", err)
	}
}

func TestParseMetrics(t *testing.T) {
	m, err := ParseMetrics(strings.NewReader(`# HELP golive_pubsub_link_up 1 while up.
# TYPE golive_pubsub_link_up gauge
golive_pubsub_link_up 1
golive_connections{transport="websocket"} 12
golive_failures_total{cause="origin refused"} 3 1700000000000
go_gc_duration_seconds{quantile="0.5"} 1.5e-05
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Metrics{
		"golive_pubsub_link_up": 1, `golive_connections{transport="websocket"}`: 12,
		`golive_failures_total{cause="origin refused"}`: 3, `go_gc_duration_seconds{quantile="0.5"}`: 1.5e-05,
	}
	if len(m) != len(want) {
		t.Errorf("got %v, want %v", m, want)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if _, err := ParseMetrics(strings.NewReader("golive_x{a=\"b\" \n")); err == nil {
		t.Error("a line without a value parsed")
	}
}

// syncWriter is a strings.Builder safe for concurrent use.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(b)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
