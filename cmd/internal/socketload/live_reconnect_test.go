package socketload

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/views"
)

// TestMain fails the package if a goroutine of the clients (readers,
// keepers, timers) or of the test servers outlives the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// liveNode is the live examples served in-process the way cmd/liveserver
// serves them, on a loopback port it can give up and take again.
type liveNode struct {
	t      *testing.T
	addr   string
	st     *app.Stack
	hs     *http.Server
	ln     *trackingListener
	served chan error
}

func startLiveNode(t *testing.T, addr string, secret string) *liveNode {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	st, err := app.New(app.Config{Addr: addr, SecretKeyBase: []byte(secret), CheckOrigin: "false"}, log, views.Layout)
	if err != nil {
		t.Fatal(err)
	}
	examples.Register(st.Engine, st.Mux)
	var ln net.Listener
	// The port was just given up; the kernel may need a moment.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	n := &liveNode{t: t, st: st, ln: &trackingListener{Listener: ln, conns: map[net.Conn]struct{}{}},
		hs: &http.Server{Handler: st.Mux, ReadHeaderTimeout: 5 * time.Second}, served: make(chan error, 1)}
	n.addr = ln.Addr().String()
	go func() { n.served <- n.hs.Serve(n.ln) }()
	return n
}

func (n *liveNode) base() string { return "http://" + n.addr }

// drain stops the node as SIGTERM does: sockets are told to go away
// (close 1001), then HTTP stops.
func (n *liveNode) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.st.Socket.Shutdown(ctx); err != nil {
		n.t.Errorf("socket shutdown: %v", err)
	}
	if err := n.hs.Shutdown(ctx); err != nil {
		n.t.Errorf("http shutdown: %v", err)
	}
	n.wait()
}

// kill stops the node as SIGKILL would look to its clients: every
// connection, upgraded ones included, is closed at once, unannounced. The
// socket server is then shut down only so that no goroutine outlives the
// test.
func (n *liveNode) kill() {
	n.hs.Close()
	n.ln.closeAll()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.st.Socket.Shutdown(ctx); err != nil {
		n.t.Errorf("socket shutdown: %v", err)
	}
	n.wait()
}

func (n *liveNode) wait() {
	select {
	case err := <-n.served:
		if !errors.Is(err, http.ErrServerClosed) {
			n.t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		n.t.Error("server did not stop serving")
	}
}

// trackingListener remembers accepted connections, so that a kill can
// close the hijacked (WebSocket) ones http.Server no longer tracks.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns[c] = struct{}{}
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, as from a killed process
		}
		c.Close()
	}
}

const testSecret = "0123456789abcdef0123456789abcdef-the-same-on-every-node"

// fastBackoff keeps the tests short: 20–60 ms between attempts.
func fastBackoff(int) time.Duration {
	return 20*time.Millisecond + time.Duration(time.Now().UnixNano()%40)*time.Millisecond
}

func openReconnecting(t *testing.T, base string, clients int, hb time.Duration) *LiveLoad {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l, pages, joins, err := OpenLive(ctx, LiveConfig{
		Base: base, Path: "/examples/counter", Clients: clients, Concurrency: 10,
		JoinTimeout: 3 * time.Second, Reconnect: true, Heartbeat: hb, Backoff: fastBackoff,
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages.OK != clients || joins.OK != clients {
		l.Close()
		t.Fatalf("pages %+v, joins %+v", pages, joins)
	}
	return l
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitJoined(t *testing.T, l *LiveLoad, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := l.WaitJoined(ctx, n); err != nil {
		t.Fatalf("%v; stats %+v", err, l.ReconnectStats())
	}
}

// checkTotals asserts the figures every run must agree on.
func checkTotals(t *testing.T, l *LiveLoad, s LiveReconnectStats) {
	t.Helper()
	var attempts, failed, reconnects, disconnects, pages int
	maxAttempts := 0
	for _, c := range l.ClientStats() {
		attempts += c.JoinAttempts
		failed += c.FailedJoins
		reconnects += c.Reconnects
		disconnects += c.Disconnects
		pages += c.PageFetches
		maxAttempts = max(maxAttempts, c.JoinAttempts)
		if c.Reconnects > 0 && c.MaxRejoinMs <= 0 {
			t.Errorf("client %d reconnected with no rejoin time", c.Index)
		}
	}
	if int64(attempts) != s.JoinAttempts || int64(failed) != s.FailedJoins || int64(reconnects) != s.Reconnects ||
		int64(disconnects) != s.Disconnects || int64(pages) != s.PageFetches || maxAttempts != s.MaxJoinAttempts {
		t.Errorf("per-client sums (attempts %d, failed %d, reconnects %d, disconnects %d, pages %d, max attempts %d) disagree with %+v",
			attempts, failed, reconnects, disconnects, pages, maxAttempts, s)
	}
	// Every attempt either joined (first joins, late joins, recoveries)
	// or failed.
	if joins := int64(s.Clients) + s.Reconnects; s.JoinAttempts != joins+s.FailedJoins {
		t.Errorf("%d attempts ≠ %d joins + %d failed", s.JoinAttempts, joins, s.FailedJoins)
	}
	if s.Rejoin.Count != int(s.Reconnects) {
		t.Errorf("%d rejoin times for %d reconnects", s.Rejoin.Count, s.Reconnects)
	}
}

// A node drained and started again on the same port, with the same
// secret: every client is told to go away (1001), reconnects through the
// same address and rejoins with the tokens it has.
func TestLiveReconnectAfterDrain(t *testing.T) {
	const clients = 20
	n := startLiveNode(t, "127.0.0.1:0", testSecret)
	l := openReconnecting(t, n.base(), clients, time.Second)
	defer l.Close()
	views := n.st.Engine.Stats().Views.Load()
	if views != clients {
		t.Fatalf("server has %d views, want %d", views, clients)
	}

	n.drain()
	waitFor(t, 5*time.Second, "every client noticed", func() bool { return l.ReconnectStats().Disconnects == clients })
	// Down long enough that reconnects are refused a few times.
	time.Sleep(150 * time.Millisecond)
	if got := l.JoinedNow(); got != 0 {
		t.Errorf("%d clients joined while the node is down", got)
	}
	n = startLiveNode(t, n.addr, testSecret)
	defer n.drain()
	waitJoined(t, l, clients)

	s := l.ReconnectStats()
	t.Logf("%+v", s)
	if s.Reconnects != clients || s.GoingAway != clients || s.HeartbeatTimeouts != 0 {
		t.Errorf("reconnects %d, going away %d, heartbeat timeouts %d; want %d, %d, 0", s.Reconnects, s.GoingAway, s.HeartbeatTimeouts, clients, clients)
	}
	if s.ConnectFailures == 0 || s.FailedJoins != s.ConnectFailures || s.PageFetches != 0 {
		t.Errorf("with the node down and the tokens still good, want only connect failures and no page fetch: %+v", s)
	}
	if s.MaxRecoveryAttempts < 2 {
		t.Errorf("the most attempts a recovery took is %d; the node was down ≥ 150 ms", s.MaxRecoveryAttempts)
	}
	for _, c := range l.ClientStats() {
		if c.Reconnects != 1 || c.MaxRejoinMs < 150 {
			t.Errorf("client %d: %d reconnects, rejoined after %.1f ms; the node was down ≥ 150 ms", c.Index, c.Reconnects, c.MaxRejoinMs)
		}
	}
	if got := n.st.Engine.Stats().Views.Load(); got != clients {
		t.Errorf("restarted server has %d views, want %d", got, clients)
	}
	checkTotals(t, l, s)
	// Still live: a click on the restarted node is answered.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if r, err := l.Click(ctx, 3, "inc"); err != nil || r.Status != "ok" {
		t.Errorf("click after the restart: %+v, %v", r, err)
	}
}

// A node killed (connections reset, nothing announced) and replaced by one
// with another secret: the old tokens are refused as stale, so each client
// GETs the page again and joins with fresh ones.
func TestLiveReconnectAfterKillWithNewTokens(t *testing.T) {
	const clients = 10
	n := startLiveNode(t, "127.0.0.1:0", testSecret)
	l := openReconnecting(t, n.base(), clients, time.Second)
	defer l.Close()

	n.kill()
	waitFor(t, 5*time.Second, "every client noticed", func() bool { return l.ReconnectStats().Disconnects == clients })
	n = startLiveNode(t, n.addr, strings.Repeat("another secret, ", 4))
	defer n.drain()
	waitJoined(t, l, clients)

	s := l.ReconnectStats()
	t.Logf("%+v", s)
	if s.Reconnects != clients || s.GoingAway != 0 {
		t.Errorf("reconnects %d, going away %d; want %d, 0", s.Reconnects, s.GoingAway, clients)
	}
	if s.JoinRefusals < clients || s.PageFetches < clients || s.PageFailures != 0 {
		t.Errorf("want every client refused as stale and the page fetched again: %+v", s)
	}
	if !strings.Contains(s.FirstError, "stale") && s.ConnectFailures == 0 {
		t.Errorf("first error %q", s.FirstError)
	}
	checkTotals(t, l, s)
}

// A connection that silently stops carrying data (a dead peer, no reset)
// is noticed by the heartbeat and replaced.
func TestLiveHeartbeatNoticesDeadConnection(t *testing.T) {
	const clients = 5
	n := startLiveNode(t, "127.0.0.1:0", testSecret)
	defer n.drain()
	p := startBlackholeProxy(t, n.addr)
	defer p.close()
	l := openReconnecting(t, "http://"+p.addr(), clients, 100*time.Millisecond)
	defer l.Close()

	time.Sleep(300 * time.Millisecond) // heartbeats answered meanwhile
	if s := l.ReconnectStats(); s.HeartbeatTimeouts != 0 || s.Disconnects != 0 {
		t.Fatalf("answered heartbeats timed out: %+v", s)
	}
	p.freeze()
	waitFor(t, 5*time.Second, "heartbeat timeouts", func() bool { return l.ReconnectStats().HeartbeatTimeouts == clients })
	waitJoined(t, l, clients)
	s := l.ReconnectStats()
	t.Logf("%+v", s)
	if s.Reconnects != clients || s.Disconnects != clients || s.PageFetches != 0 {
		t.Errorf("want %d reconnects with the same tokens: %+v", clients, s)
	}
	checkTotals(t, l, s)
}

// Close ends every goroutine, also while clients are between connections
// (the server is gone and they are backing off or dialling).
func TestLiveCloseWhileReconnecting(t *testing.T) {
	n := startLiveNode(t, "127.0.0.1:0", testSecret)
	l := openReconnecting(t, n.base(), 5, time.Second)
	n.kill()
	waitFor(t, 5*time.Second, "attempts while the node is down", func() bool { return l.ReconnectStats().ConnectFailures >= 5 })
	done := make(chan struct{})
	go func() { l.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	// goleak (TestMain) checks that nothing is left.
}

// blackholeProxy forwards TCP connections to a server until frozen: then
// the connections open at that moment stay open but carry nothing more
// (as when the peer's machine vanished), while new ones work.
type blackholeProxy struct {
	ln     net.Listener
	target string
	gen    atomic.Int64 // connections from generations below it are frozen
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

func startBlackholeProxy(t *testing.T, target string) *blackholeProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &blackholeProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.serve()
	return p
}

func (p *blackholeProxy) addr() string { return p.ln.Addr().String() }

func (p *blackholeProxy) freeze() { p.gen.Add(1) }

func (p *blackholeProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		gen := p.gen.Load()
		p.wg.Add(2)
		go p.pipe(c, s, gen)
		go p.pipe(s, c, gen)
	}
}

// pipe copies from → to, dropping everything once frozen.
func (p *blackholeProxy) pipe(from, to net.Conn, gen int64) {
	defer p.wg.Done()
	defer to.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 && p.gen.Load() == gen {
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *blackholeProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
