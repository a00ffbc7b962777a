package transport_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// peerMap is a fixed cluster membership for tests.
type peerMap struct {
	mu sync.Mutex
	m  map[string]string
}

func (p *peerMap) set(node, base string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]string{}
	}
	p.m[node] = base
}

func (p *peerMap) PeerURL(node string) (*url.URL, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.m[node]
	if !ok {
		return nil, false
	}
	u, err := url.Parse(s)
	return u, err == nil
}

// twoNodes starts nodes "a" and "b" that know each other.
func twoNodes(t *testing.T, configure func(*transport.Config)) (a, b *testEnv, peers *peerMap) {
	peers = &peerMap{}
	node := func(id string) *testEnv {
		return newEnv(t, func(c *transport.Config) {
			c.NodeID = id
			c.Peers = peers
			if configure != nil {
				configure(c)
			}
		})
	}
	a, b = node("a"), node("b")
	peers.set("a", a.ts.URL)
	peers.set("b", b.ts.URL)
	// Each env checks for leaked goroutines when it ends; stop both nodes
	// first, since each holds connections to the other.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, e := range []*testEnv{b, a} {
			e.unblock()
			_ = e.srv.Shutdown(ctx)
		}
		for _, e := range []*testEnv{b, a} {
			e.ts.CloseClientConnections()
			e.ts.Close()
		}
	})
	return a, b, peers
}

func tokenNode(tok string) string {
	node, _, _ := strings.Cut(tok, "~")
	return node
}

// A client whose requests a load balancer spreads over the nodes works as
// on one node: every request reaching the other node is served by the node
// holding the session.
func TestLongPollForwardedToTheNodeHoldingTheSession(t *testing.T) {
	a, b, _ := twoNodes(t, nil)
	tok := a.lpOpen()
	if tokenNode(tok) != "a" {
		t.Fatalf("token %q does not name node a", tok)
	}
	// Join through b, read the reply through b, ping through a, read
	// through b: all one session on a.
	if r := b.lpPost(tok, `["1","1","echo:x","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatalf("forwarded POST: %s", r.raw)
	}
	got := b.lpCollect(tok, 1)
	if want := `["1","1","echo:x","phx_reply",{"status":"ok","response":{"topic":"echo:x"}}]`; got[0] != want {
		t.Fatalf("join reply via b = %s, want %s", got[0], want)
	}
	if r := a.lpPost(tok, `["1","2","echo:x","ping",{"n":1}]`); r.raw != `{"status":200}` {
		t.Fatalf("POST on a: %s", r.raw)
	}
	got = b.lpCollect(tok, 1)
	if want := `["1","2","echo:x","phx_reply",{"status":"ok","response":{"n":1}}]`; got[0] != want {
		t.Fatalf("ping reply via b = %s, want %s", got[0], want)
	}
	if n := b.srv.Stats().LongPollSessions; n != 0 {
		t.Errorf("node b holds %d LongPoll sessions, want 0 (it forwards)", n)
	}
	if n := a.srv.Stats().LongPollSessions; n != 1 {
		t.Errorf("node a holds %d LongPoll sessions, want 1", n)
	}
	if n := b.srv.Stats().Forwarded; n < 3 {
		t.Errorf("node b forwarded %d requests, want ≥ 3", n)
	}
	if n := a.srv.Stats().Forwarded; n != 0 {
		t.Errorf("node a forwarded %d requests, want 0", n)
	}
}

// A poll held on the owner through another node is answered when a message
// arrives, like a local one.
func TestLongPollForwardedPollIsHeld(t *testing.T) {
	a, b, _ := twoNodes(t, nil)
	tok := a.lpOpen()
	a.lpPost(tok, `["1","1","echo:x","phx_join",{}]`)
	a.lpCollect(tok, 1)
	done := make(chan lpResp, 1)
	go func() {
		r, err := b.lpTry(b.lpRequest("GET", "vsn=2.0.0&token="+urlEscape(tok), "", "", nil))
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	eventually(t, 2*time.Second, func() bool { return transport.LongPollPollsForTest(a.srv, tok) == 1 }, "poll held on a")
	a.lpPost(tok, `["1","2","echo:x","ping",{}]`)
	select {
	case r := <-done:
		if r.Status != 200 || len(r.Messages) != 1 {
			t.Fatalf("held poll via b: %s", r.raw)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("held poll via b not answered")
	}
}

// The owner judges the origin on the client's own Host and Origin, which
// the forwarding node passes through unchanged.
func TestLongPollForwardKeepsOriginAndHost(t *testing.T) {
	a, b, _ := twoNodes(t, nil)
	tok := b.lpOpen()
	// The client reached the load balancer at lb.example; through a, b
	// must see that Host and Origin (same-as-request accepts them).
	lb := map[string]string{"Origin": "http://lb.example:8080"}
	req := a.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(tok), "application/x-ndjson", `["1","1","echo:x","phx_join",{}]`, lb)
	req.Host = "lb.example:8080"
	if r := a.lpDo(req); r.raw != `{"status":200}` {
		t.Fatalf("forwarded POST with the client's Host: %s", r.raw)
	}
	if n := a.srv.Stats().Forwarded; n != 1 {
		t.Fatalf("node a forwarded %d requests, want 1", n)
	}
	// A foreign origin is refused by the owner, through the forwarder.
	req = a.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(tok), "application/x-ndjson", `["1","2","echo:x","ping",{}]`,
		map[string]string{"Origin": "https://evil.example"})
	req.Host = "lb.example:8080"
	if r := a.lpDo(req); r.Status != 403 {
		t.Fatalf("forwarded POST from a foreign origin: %s, want status 403", r.raw)
	}
}

// A session whose node is gone (unknown to the membership, or not
// answering) is answered as a session that no longer exists, at once: GET
// starts a new session on this node, POST gets 410.
func TestLongPollSessionOnDeadNode(t *testing.T) {
	a, b, peers := twoNodes(t, nil)
	tok := a.lpOpen()

	// a "dies": its address refuses connections.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	peers.set("a", dead)

	start := time.Now()
	r := b.lpGet(tok)
	if r.Status != 410 || r.Token == "" || tokenNode(r.Token) != "b" {
		t.Fatalf("GET for a dead node's session: %s, want 410 with a new token of node b", r.raw)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("answer took %v; a dead node must not stall the client", d)
	}
	if r := b.lpPost(tok, `["1","1","echo:x","phx_join",{}]`); r.raw != `{"status":410}` {
		t.Fatalf("POST for a dead node's session: %s, want {\"status\":410}", r.raw)
	}
	// Node a forgotten by the membership: the same answers, no attempt.
	fails := b.srv.Stats().ForwardFailures
	peers.mu.Lock()
	delete(peers.m, "a")
	peers.mu.Unlock()
	if r := b.lpPost(tok, `["1","1","echo:x","phx_join",{}]`); r.raw != `{"status":410}` {
		t.Fatalf("POST for an unknown node's session: %s", r.raw)
	}
	if n := b.srv.Stats().ForwardFailures; n != fails+1 {
		t.Errorf("ForwardFailures = %d, want %d", n, fails+1)
	}
	if !strings.Contains(b.logs.String(), "unknown node") || !strings.Contains(b.logs.String(), "unreachable") {
		t.Errorf("the dead and the unknown node are not logged:\n%s", b.logs.String())
	}
}

// Forged tokens are never forwarded, and a forwarded request is never
// forwarded again.
func TestLongPollForwardRefusesForgedTokensAndLoops(t *testing.T) {
	a, b, _ := twoNodes(t, nil)
	tok := a.lpOpen()
	forged := tok[:strings.LastIndexByte(tok, '.')+1] + "AAAAAAAAAAAAAAAAAAAAAAAA"
	if r := b.lpPost(forged, `["1","1","echo:x","phx_join",{}]`); r.raw != `{"status":410}` {
		t.Fatalf("POST with a forged token: %s", r.raw)
	}
	if n := b.srv.Stats().Forwarded; n != 0 {
		t.Fatalf("a forged token was forwarded (%d)", n)
	}
	req := b.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(tok), "application/x-ndjson", `["1","1","echo:x","phx_join",{}]`,
		map[string]string{"X-Golive-Forwarded-From": "c"})
	if r := b.lpDo(req); r.raw != `{"status":410}` {
		t.Fatalf("already forwarded POST: %s", r.raw)
	}
	if n := b.srv.Stats().Forwarded; n != 0 {
		t.Fatalf("an already forwarded request was forwarded again (%d)", n)
	}
}

// Shutdown with a DrainPeriod tells clients to reconnect in batches spread
// over the period, and refuses new sockets meanwhile with 503.
func TestShutdownDrainsInBatches(t *testing.T) {
	const n = 20
	e := newEnv(t, func(c *transport.Config) { c.DrainPeriod = 600 * time.Millisecond })
	var clients []*wsClient
	for range n {
		clients = append(clients, e.dial(""))
	}
	eventually(t, 2*time.Second, func() bool { return e.srv.Stats().WebSockets == n }, "%d sockets", n)

	closedAt := make(chan time.Time, n)
	for _, c := range clients {
		go func() {
			c.closed(5 * time.Second)
			closedAt <- time.Now()
		}()
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- e.srv.Shutdown(t.Context()) }()

	// New sockets are refused while draining.
	eventually(t, time.Second, func() bool {
		_, resp, err := e.dialRaw("vsn=2.0.0", nil)
		return err != nil && resp != nil && resp.StatusCode == 503
	}, "a new WebSocket refused with 503 while draining")

	var first, last time.Time
	for i := range n {
		at := <-closedAt
		if i == 0 {
			first = at
		}
		last = at
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if spread := last.Sub(first); spread < 300*time.Millisecond {
		t.Errorf("all %d sockets closed within %v; want them spread over the drain period", n, spread)
	}
	if d := last.Sub(start); d > 2*time.Second {
		t.Errorf("drain took %v for a 600 ms period", d)
	}
}
