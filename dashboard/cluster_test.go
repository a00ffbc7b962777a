package dashboard

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cluster"
	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/pubsub"
)

// fakeCluster is a ClusterSource whose nodes the test sets. Their times
// move with the clock, so the ages the page shows (uptime, heartbeat,
// link down for) stay what the test set however slow the machine is.
type fakeCluster struct {
	mu    sync.Mutex
	nodes []cluster.NodeInfo
	setAt time.Time
}

func (f *fakeCluster) Nodes() []cluster.NodeInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	shift := time.Since(f.setAt)
	ns := append([]cluster.NodeInfo(nil), f.nodes...)
	for i := range ns {
		n := &ns[i]
		for _, t := range []*time.Time{&n.Started, &n.LastSeen, &n.Load.PubSub.Since} {
			if !t.IsZero() {
				*t = t.Add(shift)
			}
		}
	}
	return ns
}

// set takes nodes whose times are relative to now.
func (f *fakeCluster) set(ns []cluster.NodeInfo) {
	f.mu.Lock()
	f.nodes = ns
	f.setAt = time.Now()
	f.mu.Unlock()
}

// TestClusterPageSingleNode: without a cluster the page shows this node
// alone, its own connections and views by name (the dashboard's own view
// among them), and says the PubSub is in-process.
func TestClusterPageSingleNode(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		d, err := New(Config{Engine: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		d.Register(mux)
	})
	v := env.Live("/dashboard/cluster")
	if got := v.Text(`[data-card="Mode"] .dash-card-value`); got != "single node, in-process PubSub" {
		t.Errorf("mode = %q", got)
	}
	if got := v.Text(`[data-card="Nodes alive"] .dash-card-value`); got != "1 of 1" {
		t.Errorf("nodes alive = %q", got)
	}
	host, _ := os.Hostname()
	cells := v.Texts("#node-self td")
	if len(cells) != 10 || cells[0] != host+" (this node)" || cells[3] != "alive" {
		t.Errorf("this node's row = %q", cells)
	}
	// This very view is connected: the next refresh counts it.
	deadline := time.Now().Add(5 * time.Second)
	for v.Text(`[data-card="Live views (cluster)"] .dash-card-value`) != "1" {
		if time.Now().After(deadline) {
			t.Fatalf("live views never 1:\n%s", v.HTML())
		}
		time.Sleep(50 * time.Millisecond)
		if err := v.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	equal(t, "views by name", v.Texts(`[id="view-dashboard.page"] td`), []string{"dashboard.page", "1", host + ": 1"})
	if got := v.Text("#cluster-pubsub tbody tr:first-child td:nth-child(2)"); !strings.HasPrefix(got, "in-process") {
		t.Errorf("pubsub = %q", got)
	}
}

// TestClusterPage: every node with its state, uptime, heartbeat age and
// counts; totals and views by name over the nodes alive only; this node's
// PubSub link; and the page follows changes live.
func TestClusterPage(t *testing.T) {
	now := time.Now()
	fc := &fakeCluster{}
	linkDown := cluster.PubSubState{Clustered: true, LinkUp: false, Since: now.Add(-5 * time.Second), LastError: "connection refused", Backlog: 12, QueueUsage: 0.5, Reconnects: 3, Published: 40, Sent: 28}
	fc.set([]cluster.NodeInfo{
		{ID: "n1", Name: "node1", URL: "http://127.0.0.1:4001", Self: true, Alive: true, Started: now.Add(-time.Hour), LastSeen: now,
			Load: cluster.Load{WebSockets: 2, LongPolls: 1, Views: 3, ViewsByName: map[string]int{"movies.index": 2, "examples.counter": 1}, PubSub: linkDown}},
		{ID: "n2", Name: "node2", URL: "http://127.0.0.1:4002", Alive: true, Leaving: true, Started: now.Add(-time.Minute), LastSeen: now.Add(-300 * time.Millisecond),
			Load: cluster.Load{WebSockets: 5, Views: 5, ViewsByName: map[string]int{"movies.index": 5}, PubSub: cluster.PubSubState{Clustered: true, LinkUp: true}}},
		{ID: "n3", Name: "node3", URL: "http://127.0.0.1:4003", Alive: false, Started: now.Add(-time.Minute), LastSeen: now.Add(-20 * time.Second),
			Load: cluster.Load{WebSockets: 100, Views: 100, ViewsByName: map[string]int{"movies.index": 100}}},
	})
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		d, err := New(Config{Engine: e, Cluster: fc, Refresh: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		d.Register(mux)
	})
	v := env.Live("/dashboard/cluster")
	card := func(name string) string { return v.Text(`[data-card="` + name + `"] .dash-card-value`) }
	if got := card("Mode"); got != "cluster, PubSub over PostgreSQL" {
		t.Errorf("mode = %q", got)
	}
	for name, want := range map[string]string{
		"Nodes alive": "2 of 3", "WebSocket connections (cluster)": "7", "LongPoll sessions (cluster)": "1", "Live views (cluster)": "8",
	} {
		if got := card(name); got != want {
			t.Errorf("%s = %q, want %q (the dead node's stale counts excluded)", name, got, want)
		}
	}
	equal(t, "node1", v.Texts("#node-n1 td"), []string{"node1 (this node)", "n1", "http://127.0.0.1:4001", "alive", "1h0m0s", "–", "2", "1", "3", "DOWN, backlog 12"})
	row2 := v.Texts("#node-n2 td")
	if row2[3] != "leaving" || row2[4] != "1m0s" || !strings.HasSuffix(row2[5], "s ago") || row2[9] != "up" {
		t.Errorf("node2 = %q", row2)
	}
	row3 := v.Texts("#node-n3 td")
	if row3[3] != "dead" || row3[5] != "20s ago" || row3[9] != "in-process" {
		t.Errorf("node3 = %q", row3)
	}
	equal(t, "row classes", v.Attrs("#cluster-nodes tbody tr", "class"), []string{"node-alive", "node-leaving state-degraded", "node-dead state-down"})
	equal(t, "views", v.Texts("#cluster-views tbody td"), []string{
		"movies.index", "7", "node1: 2, node2: 5",
		"examples.counter", "1", "node1: 1",
	})
	link := v.Text("#pubsub-link td:nth-child(2)")
	// The age is measured at render time, so a loaded machine may show
	// 5.1s or more; it must still be about five seconds, not zero.
	if age, ok := parenAge(link); !strings.HasPrefix(link, "DOWN since ") || !ok || age < 5*time.Second || age > 7*time.Second {
		t.Errorf("link = %q", link)
	}
	equal(t, "link class", v.Attrs("#pubsub-link", "class"), []string{"state-down"})
	for id, want := range map[string]string{"last": "connection refused", "backlog": "12", "server": "50.0%", "reconnects": "3", "published": "40", "sent": "28"} {
		if got := v.Text("#pubsub-" + id + " td:nth-child(2)"); got != want {
			t.Errorf("pubsub %s = %q, want %q", id, got, want)
		}
	}

	// node3 is forgotten, node2 has left: the page follows.
	ns := fc.Nodes()
	ns[1].Alive = false
	fc.set(ns[:2])
	waitText(t, v, `[data-card="Nodes alive"] .dash-card-value`, "1 of 2")
	if got := v.Texts("#node-n2 td")[3]; got != "left" {
		t.Errorf("node2 state = %q", got)
	}
	if v.Has("#node-n3") {
		t.Errorf("forgotten node still shown")
	}
	equal(t, "views after", v.Texts("#cluster-views tbody td"), []string{
		"movies.index", "2", "node1: 2",
		"examples.counter", "1", "node1: 1",
	})
}

// TestClusterPageWithNode: the page reads a real cluster.Node (two nodes
// on one in-process PubSub).
func TestClusterPageWithNode(t *testing.T) {
	ps := pubsub.NewLocal()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(id string, port int, load cluster.Load) *cluster.Node {
		n, err := cluster.Start(context.Background(), cluster.Config{
			NodeID: id, Name: "node-" + id, URL: fmt.Sprintf("http://127.0.0.1:%d", port), PubSub: ps,
			Interval: 20 * time.Millisecond, Logger: quiet, Load: func() cluster.Load { return load },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		return n
	}
	a := start("a", 4001, cluster.Load{WebSockets: 1})
	start("b", 4002, cluster.Load{LongPolls: 4, Views: 4, ViewsByName: map[string]int{"status.index": 4}})
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		d, err := New(Config{Engine: e, Cluster: a, Refresh: 20 * time.Millisecond, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		d.Register(mux)
	})
	v := env.Live("/dashboard/cluster")
	waitText(t, v, `[data-card="Nodes alive"] .dash-card-value`, "2 of 2")
	if got := v.Text(`[data-card="Mode"] .dash-card-value`); got != "cluster, in-process PubSub" {
		t.Errorf("mode = %q", got)
	}
	equal(t, "names", v.Texts("#cluster-nodes tbody td:first-child"), []string{"node-a (this node)", "node-b"})
	waitText(t, v, `[data-card="LongPoll sessions (cluster)"] .dash-card-value`, "4")
	equal(t, "views", v.Texts("#cluster-views tbody td"), []string{"status.index", "4", "node-b: 4"})
}

// parenAge reads the duration in the trailing "(…)" of a link cell.
func parenAge(s string) (time.Duration, bool) {
	i := strings.LastIndex(s, "(")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return 0, false
	}
	d, err := time.ParseDuration(s[i+1 : len(s)-1])
	return d, err == nil
}
