package main

// The status app as a cluster (issue #8 a): three cmd/status processes
// (internal/clusterrun) share one PostgreSQL for their PubSub, and a
// service update published by one node reaches the status pages that real
// browsers (Chromium, the 1.2 client, assets/e2e/status_cluster.mjs) hold
// on the other two, one over WebSocket and one over LongPoll.
//
// "Published on one node" is isolated by giving the nodes different
// Symbiont APIs (stand-ins in this process, per-node environment):
//
//   - node1 asks stand-in A every 300 ms (STATUS_CHECK_INTERVAL) and
//     publishes what it gets; A is the one the test changes, and no other
//     node can reach it;
//   - node2 and node3 are given stand-in B (a single service, "b-local")
//     and an interval of an hour: at most one check each, at start, before
//     the pages open (none once their checkers defer to the cluster's
//     leader, node1); the test checks that B was asked at most twice and
//     that the pages never show "b-local".
//
// The pages are opened on node2 and node3 directly, not through the
// proxy, so A's services, and then A's change, can only come from node1
// through the PostgreSQL PubSub. The script asks the Go test (POST
// /check) to read every node's /metrics while both pages are connected:
// the WebSocket is open on node2, the LongPoll session on node3, nothing
// on node1, and no LongPoll request was forwarded between nodes. Finally
// node1 is killed (SIGKILL): the pages on node2 and node3 stay connected,
// the other two nodes see it gone and keep serving.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/clusterrun"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
)

// nodePanic finds a Go panic or fatal error in the nodes' prefixed output.
var nodePanic = regexp.MustCompile(`(?m)^node\d+ *\| (panic|fatal error): `)

// TestMain stops the throwaway PostgreSQL the cluster test starts.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// clusterServices parses "name:state,…" into the stand-in's services.
func clusterServices(set string) ([]standin.Service, error) {
	var svcs []standin.Service
	now := time.Now().UTC().Format(time.RFC3339)
	for _, kv := range strings.Split(set, ",") {
		name, state, ok := strings.Cut(kv, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("services %q: want name:state,…", set)
		}
		s := standin.Service{Name: name, State: state, CheckedAt: now}
		if state != "up" {
			s.Error = name + " is " + state
		}
		svcs = append(svcs, s)
	}
	return svcs, nil
}

// clusterOutput keeps the nodes' output for the test log.
type clusterOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *clusterOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *clusterOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// nodeConns is what one node's /metrics says about a moment.
type nodeConns struct {
	Running   bool    `json:"running"`
	WebSocket float64 `json:"websocket"`
	LongPoll  float64 `json:"longpoll"`
	Views     float64 `json:"views"`
	Forwarded float64 `json:"forwarded"`
	LinkUp    float64 `json:"link_up"`
}

func TestStatusCheckIntervalFromEnv(t *testing.T) {
	for _, c := range []struct {
		v    string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, // the Checker's default (5 s)
		{"300ms", 300 * time.Millisecond, false},
		{"1h", time.Hour, false},
		{"0s", 0, true},
		{"-1s", 0, true},
		{"soon", 0, true},
	} {
		t.Setenv("STATUS_CHECK_INTERVAL", c.v)
		o, err := optionsFromEnv(app.Config{})
		if (err != nil) != c.bad || !c.bad && o.CheckInterval != c.want {
			t.Errorf("STATUS_CHECK_INTERVAL=%q: interval %v, error %v", c.v, o.CheckInterval, err)
		}
	}
}

// TestStatusCluster: see the file comment.
func TestStatusCluster(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js")
	t0 := time.Now()
	dsn := pgtest.Empty(t) // the PubSub needs no schema

	apiA, apiB := standin.New(), standin.New()
	baseline, _ := clusterServices("api:up,worker:up,scheduler:degraded")
	apiA.SetServices(baseline)
	bOnly, _ := clusterServices("b-local:up")
	apiB.SetServices(bOnly)
	srvA, srvB := httptest.NewServer(apiA), httptest.NewServer(apiB)
	t.Cleanup(srvA.Close)
	t.Cleanup(srvB.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin, err := clusterrun.BuildPackage(ctx, t.TempDir(), "github.com/cortex-cinegraph/golive/cmd/status")
	if err != nil {
		t.Fatal(err)
	}
	out := &clusterOutput{}
	// Registered first, so it runs last: after the nodes have stopped.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- the nodes' output\n%s", out.String())
		}
	})
	c, err := clusterrun.Start(ctx, clusterrun.Options{
		Binary: bin, DatabaseURL: dsn, DrainPeriod: 500 * time.Millisecond, Heartbeat: 250 * time.Millisecond,
		Output: out, Logger: e2e.Logger(t),
		NodeEnv: func(name string) []string {
			if name == "node1" {
				return []string{"SYMBIONT_URL=" + srvA.URL, "STATUS_CHECK_INTERVAL=300ms"}
			}
			return []string{"SYMBIONT_URL=" + srvB.URL, "STATUS_CHECK_INTERVAL=1h"}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer scancel()
		if err := c.Stop(sctx); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	if err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	// node1 is checking A (and so publishing).
	for deadline := time.Now().Add(20 * time.Second); apiA.Calls(standin.EpStatus) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("node1 does not ask stand-in A (%d calls)", apiA.Calls(standin.EpStatus))
		}
	}
	bAtStart := apiB.Calls(standin.EpStatus)
	t.Logf("cluster of 3 status nodes up and converged in %v", time.Since(t0).Round(time.Millisecond))
	node1, node2, node3 := c.Node("node1"), c.Node("node2"), c.Node("node3")

	conns := func(ctx context.Context) (map[string]nodeConns, error) {
		res := map[string]nodeConns{}
		for _, n := range c.Nodes {
			if !n.Running() {
				res[n.Name] = nodeConns{}
				continue
			}
			m, err := n.Metrics(ctx)
			if err != nil {
				return nil, err
			}
			res[n.Name] = nodeConns{
				Running: true, WebSocket: m[`golive_connections{transport="websocket"}`], LongPoll: m[`golive_connections{transport="longpoll"}`],
				Views: m["golive_live_views"], Forwarded: m[`golive_longpoll_forwarded_total{result="ok"}`] + m[`golive_longpoll_forwarded_total{result="failed"}`],
				LinkUp: m["golive_pubsub_link_up"],
			}
		}
		return res, nil
	}

	// Written by the control handlers, read after the script.
	var (
		mu        sync.Mutex
		checks    []map[string]nodeConns
		published time.Time
	)
	ctl := e2e.NewControl(t)
	ctl.Handle("POST /check", func(r *http.Request) (any, error) {
		got, err := conns(r.Context())
		if err != nil {
			return nil, err
		}
		mu.Lock()
		checks = append(checks, got)
		mu.Unlock()
		n1, n2, n3 := got["node1"], got["node2"], got["node3"]
		var bad []string
		if n2.WebSocket < 1 || n2.LongPoll != 0 || n2.Views < 1 {
			bad = append(bad, fmt.Sprintf("node2 should hold the WebSocket page: %+v", n2))
		}
		if n3.LongPoll < 1 || n3.WebSocket != 0 || n3.Views < 1 {
			bad = append(bad, fmt.Sprintf("node3 should hold the LongPoll page: %+v", n3))
		}
		if n1.Running && (n1.WebSocket != 0 || n1.LongPoll != 0 || n1.Views != 0) {
			bad = append(bad, fmt.Sprintf("node1 should hold no page: %+v", n1))
		}
		for name, n := range got {
			if n.Forwarded != 0 {
				bad = append(bad, fmt.Sprintf("%s forwarded LongPoll requests: %+v", name, n))
			}
		}
		if bad != nil {
			return nil, errors.New(strings.Join(bad, "; "))
		}
		return got, nil
	})
	ctl.Handle("POST /services", func(r *http.Request) (any, error) {
		svcs, err := clusterServices(r.URL.Query().Get("set"))
		if err != nil {
			return nil, err
		}
		// No CheckOnce here: node1's own checker picks it up.
		apiA.SetServices(svcs)
		mu.Lock()
		published = time.Now()
		mu.Unlock()
		return map[string]int{"a_calls": apiA.Calls(standin.EpStatus)}, nil
	})
	ctl.Handle("POST /kill", func(r *http.Request) (any, error) {
		if err := node1.Kill(); err != nil {
			return nil, err
		}
		wctx, wcancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer wcancel()
		if err := c.WaitConverged(wctx); err != nil {
			return nil, err
		}
		return conns(r.Context())
	})

	e2e.RunNode(t, "status_cluster.mjs", map[string]string{
		"E2E_NODE2_URL":  node2.URL,
		"E2E_NODE3_URL":  node3.URL,
		"E2E_CONTROL":    ctl.URL(),
		"CHROMIUM_PATH":  chromium,
		"E2E_CLIENT_VSN": app.Config{}.ClientVersion(),
	}, 100*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if !published.IsZero() {
		t.Logf("stand-in A changed %v before the end of the browser run", time.Since(published).Round(time.Millisecond))
	}
	for i, ch := range checks {
		t.Logf("metrics sample %d: %+v", i+1, ch)
	}

	// The pages' updates came from node1 alone: node2 and node3 asked B
	// at most once each, at start (STATUS_CHECK_INTERVAL=1h honoured),
	// node1 kept asking A.
	if got := apiB.Calls(standin.EpStatus); got > 2 || got != bAtStart {
		t.Errorf("stand-in B was asked %d times (%d before the pages opened); want at most 2, all at start", got, bAtStart)
	}
	if got := apiA.Calls(standin.EpStatus); got < 5 {
		t.Errorf("stand-in A was asked %d times; node1 should ask every 300 ms", got)
	}
	if node1.Running() {
		t.Error("node1 still runs after the kill")
	}
	for _, n := range []*clusterrun.Node{node2, node3} {
		if !n.Running() || n.Crashes() != 0 || n.Starts() != 1 {
			t.Errorf("%s: running %v, crashes %d, starts %d; want running, 0, 1", n.Name, n.Running(), n.Crashes(), n.Starts())
		}
		m, err := n.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m["golive_pubsub_link_up"] != 1 || m[`golive_cluster_nodes{state="alive"}`] != 2 || m["golive_live_crashes_total"] != 0 {
			t.Errorf("%s after node1's kill: link up %v, alive nodes %v, view crashes %v", n.Name,
				m["golive_pubsub_link_up"], m[`golive_cluster_nodes{state="alive"}`], m["golive_live_crashes_total"])
		}
	}
	if logs := out.String(); nodePanic.MatchString(logs) {
		t.Errorf("a node panicked:\n%s", logs)
	}
	t.Logf("TestStatusCluster took %v", time.Since(t0).Round(time.Millisecond))
}

// TestStatusClusterOneChecker: with every node on the same API and the
// same short interval, only the leader (node1) asks; when it dies the next
// node takes over.
func TestStatusClusterOneChecker(t *testing.T) {
	dsn := pgtest.Empty(t)
	api := standin.New()
	svcs, _ := clusterServices("api:up")
	api.SetServices(svcs)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin, err := clusterrun.BuildPackage(ctx, t.TempDir(), "github.com/cortex-cinegraph/golive/cmd/status")
	if err != nil {
		t.Fatal(err)
	}
	const every = 100 * time.Millisecond
	c, err := clusterrun.Start(ctx, clusterrun.Options{
		Binary: bin, DatabaseURL: dsn, DrainPeriod: 200 * time.Millisecond, Heartbeat: 100 * time.Millisecond,
		Logger: e2e.Logger(t),
		Env:    []string{"SYMBIONT_URL=" + srv.URL, "STATUS_CHECK_INTERVAL=" + every.String()},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer scancel()
		_ = c.Stop(sctx)
	})
	if err := c.WaitConverged(ctx); err != nil {
		t.Fatal(err)
	}
	rate := func(d time.Duration) float64 {
		n0 := api.Calls(standin.EpStatus)
		time.Sleep(d)
		return float64(api.Calls(standin.EpStatus)-n0) / d.Seconds()
	}
	// One node at 10/s; three would be 30/s.
	if r := rate(2 * time.Second); r < 5 || r > 15 {
		t.Fatalf("the API is asked %.1f times/s by three nodes checking every %v; want one node's rate (~10/s)", r, every)
	}
	if err := c.Node("node1").Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // the others presume it dead after three heartbeats
	if r := rate(2 * time.Second); r < 5 || r > 15 {
		t.Fatalf("after the leader died the API is asked %.1f times/s; want one node's rate (~10/s)", r)
	}
}
