package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/pubsub"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// wire is a PubSub that sends every message through the cross-node
// encoding (pubsub.Marshal, then Unmarshal), as the PostgreSQL one does:
// what a node hears is what survived JSON.
type wire struct{ *pubsub.Local }

func (w wire) Publish(ctx context.Context, topic string, msg any) error {
	name, data, err := pubsub.Marshal(msg)
	if err != nil {
		return err
	}
	v, err := pubsub.Unmarshal(name, data)
	if err != nil {
		return err
	}
	return w.Local.Publish(ctx, topic, v)
}

func start(t *testing.T, ps pubsub.PubSub, name string, port int, mod func(*Config)) *Node {
	t.Helper()
	cfg := Config{
		NodeID: name + "-" + fmt.Sprint(time.Now().UnixNano()%100000), Name: name,
		URL: fmt.Sprintf("http://127.0.0.1:%d", port), PubSub: ps,
		Interval: 20 * time.Millisecond, Logger: quiet,
	}
	if mod != nil {
		mod(&cfg)
	}
	n, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func byName(ns []NodeInfo) map[string]NodeInfo {
	out := map[string]NodeInfo{}
	for _, n := range ns {
		out[n.Name] = n
	}
	return out
}

func states(ns []NodeInfo) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "%s=%s ", n.Name, n.State())
	}
	return strings.TrimSpace(b.String())
}

// TestJoin: nodes on one PubSub learn each other, sorted, with their URLs;
// a newcomer is answered at once, not after an interval (the interval here
// is an hour).
func TestJoin(t *testing.T) {
	ps := &counting{wire: wire{pubsub.NewLocal()}}
	hour := func(c *Config) { c.Interval = time.Hour }
	// Each node starts once the previous ones' first heartbeats are out,
	// so only an answer to the newcomer can tell it about them.
	c := start(t, ps, "node3", 4103, hour)
	eventually(t, "node3's first heartbeat", func() bool { return ps.n.Load() >= 1 })
	a := start(t, ps, "node1", 4101, hour)
	eventually(t, "node1's first heartbeat", func() bool { return ps.n.Load() >= 2 })
	b := start(t, ps, "node2", 4102, hour)
	for _, n := range []*Node{a, b, c} {
		eventually(t, n.Name()+" to see three nodes", func() bool {
			return states(n.Nodes()) == "node1=alive node2=alive node3=alive"
		})
	}
	ns := b.Nodes()
	if !ns[1].Self || ns[0].Self || ns[2].Self {
		t.Errorf("Self flags wrong: %+v", ns)
	}
	for _, peer := range []*Node{a, c} {
		u, ok := b.PeerURL(peer.ID())
		if !ok || u.String() != peer.url.String() {
			t.Errorf("PeerURL(%s) = %v, %v", peer.Name(), u, ok)
		}
		u.Host = "changed" // a copy
	}
	if u, _ := b.PeerURL(a.ID()); u.Host != "127.0.0.1:4101" {
		t.Errorf("PeerURL returned a shared URL: %v", u)
	}
	if u, ok := b.PeerURL("nobody"); ok {
		t.Errorf("PeerURL(unknown) = %v", u)
	}
	if u, ok := b.PeerURL(b.ID()); !ok || u.Port() != "4102" {
		t.Errorf("PeerURL(self) = %v, %v", u, ok)
	}
}

// counting counts publications.
type counting struct {
	wire
	n atomic.Int64
}

func (c *counting) Publish(ctx context.Context, topic string, msg any) error {
	c.n.Add(1)
	return c.wire.Publish(ctx, topic, msg)
}

// TestDeathAfterDeadAfter: a node that stops without leaving is alive for
// DeadAfter after its last heartbeat, then dead (PeerURL false), then
// forgotten.
func TestDeathAfterDeadAfter(t *testing.T) {
	ps := pubsub.NewLocal()
	const dead = 200 * time.Millisecond
	short := func(c *Config) { c.DeadAfter = dead }
	a := start(t, ps, "a", 1, short)
	b := start(t, ps, "b", 2, short)
	eventually(t, "a to see b", func() bool { _, ok := a.PeerURL(b.ID()); return ok })
	// A few heartbeats, then b crashes.
	time.Sleep(60 * time.Millisecond)
	b.Close()
	stopped := time.Now()
	eventually(t, "b to be presumed dead", func() bool { _, ok := a.PeerURL(b.ID()); return !ok })
	if took := time.Since(stopped); took < dead-50*time.Millisecond {
		t.Errorf("b presumed dead %v after its last heartbeat, before DeadAfter (%v)", took, dead)
	}
	if got := states(a.Nodes()); got != "a=alive b=dead" {
		t.Errorf("states = %s", got)
	}
	if got := states(b.Nodes()); got != "a=dead b=dead" && got != "a=alive b=dead" {
		// b's view of a ages too; b itself is closed.
		t.Errorf("b's view after Close = %s", got)
	}
	eventually(t, "b to be forgotten", func() bool { return len(a.Nodes()) == 1 })
}

// TestLeave: peers stop forwarding to a leaving node at once; once it goes
// silent it is "left", not "dead".
func TestLeave(t *testing.T) {
	ps := pubsub.NewLocal()
	short := func(c *Config) { c.DeadAfter = 150 * time.Millisecond }
	a := start(t, ps, "a", 1, short)
	b := start(t, ps, "b", 2, short)
	eventually(t, "a to see b", func() bool { _, ok := a.PeerURL(b.ID()); return ok })
	if err := b.Leave(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The announcement is synchronous on a local PubSub: no waiting.
	if u, ok := a.PeerURL(b.ID()); ok {
		t.Fatalf("PeerURL(leaving node) = %v", u)
	}
	if _, ok := b.PeerURL(b.ID()); ok {
		t.Errorf("a leaving node offers itself")
	}
	if got := states(a.Nodes()); got != "a=alive b=leaving" {
		t.Errorf("a sees %s", got)
	}
	if got := states(b.Nodes()); got != "a=alive b=leaving" {
		t.Errorf("b sees %s", got)
	}
	// Later heartbeats keep saying so.
	time.Sleep(60 * time.Millisecond)
	if _, ok := a.PeerURL(b.ID()); ok {
		t.Errorf("a forwards to b again after a heartbeat")
	}
	b.Close()
	eventually(t, "b to have left", func() bool { return states(a.Nodes()) == "a=alive b=left" })
}

// TestRestartOnSameURL: a node started on the URL of a known node replaces
// it at once (the old process no longer holds the port).
func TestRestartOnSameURL(t *testing.T) {
	ps := pubsub.NewLocal()
	a := start(t, ps, "a", 1, nil)
	b := start(t, ps, "b", 2, nil)
	eventually(t, "a to see b", func() bool { _, ok := a.PeerURL(b.ID()); return ok })
	b.Close()
	b2 := start(t, ps, "b", 2, func(c *Config) { c.NodeID = "b-second" })
	eventually(t, "a to see the new b", func() bool { _, ok := a.PeerURL(b2.ID()); return ok })
	if _, ok := a.PeerURL(b.ID()); ok {
		t.Errorf("the old b is still a peer")
	}
	ns := a.Nodes()
	if len(ns) != 2 || ns[1].ID != "b-second" {
		t.Errorf("nodes = %+v", ns)
	}
}

// TestLoad: each node's Load, sampled per heartbeat, reaches the others
// intact through the cross-node encoding; this node's own is sampled
// fresh by Nodes; per-name counts are bounded.
func TestLoad(t *testing.T) {
	ps := wire{pubsub.NewLocal()}
	var mu sync.Mutex
	bLoad := Load{
		WebSockets: 3, LongPolls: 2, Views: 4, ViewsByName: map[string]int{"movies.index": 3, "examples.counter": 1},
		PubSub: PubSubState{Clustered: true, LinkUp: true, Since: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Backlog: 7, Reconnects: 2, QueueUsage: 0.25},
	}
	a := start(t, ps, "a", 1, func(c *Config) { c.Load = func() Load { return Load{WebSockets: 1} } })
	start(t, ps, "b", 2, func(c *Config) {
		c.Load = func() Load { mu.Lock(); defer mu.Unlock(); return bLoad }
	})
	eventually(t, "b's load at a", func() bool {
		got := byName(a.Nodes())["b"].Load
		return got.WebSockets == 3 && got.LongPolls == 2 && got.Views == 4 &&
			maps.Equal(got.ViewsByName, bLoad.ViewsByName) && got.PubSub == bLoad.PubSub
	})
	if got := byName(a.Nodes())["a"].Load.WebSockets; got != 1 {
		t.Errorf("a's own load = %d websockets", got)
	}
	// A change shows in the next heartbeat.
	mu.Lock()
	bLoad.WebSockets = 9
	mu.Unlock()
	eventually(t, "b's new load at a", func() bool { return byName(a.Nodes())["b"].Load.WebSockets == 9 })

	many := map[string]int{}
	for i := range 150 {
		many[fmt.Sprintf("v%03d", i)] = i + 1
	}
	n := &Node{cfg: Config{Load: func() Load { return Load{ViewsByName: many} }}}
	got := n.load().ViewsByName
	if len(got) != maxViewNames+1 {
		t.Fatalf("%d names kept", len(got))
	}
	// The biggest counts (v149 … v050) are kept; v000 … v049 (1 … 50) summed.
	if got["v149"] != 150 || got["v050"] != 51 || got[OtherViews] != 50*51/2 {
		t.Errorf("kept v149=%d v050=%d other=%d", got["v149"], got["v050"], got[OtherViews])
	}
}

// failing is a PubSub whose Publish fails until ok is set.
type failing struct {
	*pubsub.Local
	mu sync.Mutex
	ok bool
}

func (f *failing) Publish(ctx context.Context, topic string, msg any) error {
	f.mu.Lock()
	ok := f.ok
	f.mu.Unlock()
	if !ok {
		return errors.New("link down")
	}
	return f.Local.Publish(ctx, topic, msg)
}

// TestHeartbeatFailures: a failing PubSub is logged once (not per
// heartbeat), and recovery once.
func TestHeartbeatFailures(t *testing.T) {
	var logs syncBuf
	ps := &failing{Local: pubsub.NewLocal()}
	start(t, ps, "a", 1, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	time.Sleep(100 * time.Millisecond)
	ps.mu.Lock()
	ps.ok = true
	ps.mu.Unlock()
	eventually(t, "recovery logged", func() bool { return strings.Contains(logs.String(), "heartbeats sent again") })
	if n := strings.Count(logs.String(), "heartbeat not sent"); n != 1 {
		t.Errorf("failure logged %d times:\n%s", n, logs.String())
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConfigErrors(t *testing.T) {
	ps := pubsub.NewLocal()
	for _, c := range []Config{
		{URL: "http://127.0.0.1:1", PubSub: ps},
		{NodeID: "x", URL: "http://127.0.0.1:1"},
		{NodeID: "x", URL: "127.0.0.1:4000", PubSub: ps},
		{NodeID: "x", URL: "ftp://h", PubSub: ps},
	} {
		if n, err := Start(context.Background(), c); err == nil {
			n.Close()
			t.Errorf("Start(%+v) accepted", c)
		}
	}
}

// TestCloseEndsWithContext: the heartbeat goroutine ends with Start's
// context too; Close afterwards still returns.
func TestCloseEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n, err := Start(ctx, Config{NodeID: "x", URL: "http://127.0.0.1:1", PubSub: pubsub.NewLocal(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-n.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the heartbeat goroutine outlived its context")
	}
	n.Close()
	n.Close()
}

// TestLeader: exactly one node leads, the first alive one by name; the
// next takes over when it leaves or dies.
func TestLeader(t *testing.T) {
	ps := pubsub.NewLocal()
	short := func(c *Config) { c.DeadAfter = 150 * time.Millisecond }
	a := start(t, ps, "a", 1, short)
	b := start(t, ps, "b", 2, short)
	c := start(t, ps, "c", 3, short)
	leaders := func() string {
		out := ""
		for _, n := range []*Node{a, b, c} {
			if n.Leader() {
				out += n.Name()
			}
		}
		return out
	}
	eventually(t, "all to know each other", func() bool { return len(c.Nodes()) == 3 && len(a.Nodes()) == 3 })
	if got := leaders(); got != "a" {
		t.Fatalf("leaders = %q, want a", got)
	}
	if err := a.Leave(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := leaders(); got != "b" {
		t.Fatalf("after a leaves: leaders = %q, want b", got)
	}
	b.Close() // crashes: c takes over once b is presumed dead
	eventually(t, "c to lead", func() bool { return c.Leader() })
}
