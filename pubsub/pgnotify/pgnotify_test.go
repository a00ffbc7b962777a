package pgnotify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/status"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// event is a registered struct that crosses nodes.
type event struct {
	N    int
	Text string
	At   time.Time
}

// unregistered is never registered.
type unregistered struct{ X int }

func init() { pubsub.Register[event]("pgnotify_test.event") }

// The PubSub must satisfy the interface the engine and the apps use.
var _ pubsub.PubSub = (*PubSub)(nil)

// logBuf collects a node's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuf) count(s string) int { return strings.Count(l.String(), s) }

type node struct {
	*PubSub
	logs *logBuf
}

// startNode starts a PubSub named id on dsn, closed at the end of the test
// (its log is printed if the test failed).
func startNode(t *testing.T, dsn, id string, configure ...func(*Config)) *node {
	t.Helper()
	logs := &logBuf{}
	cfg := Config{ConnString: dsn, NodeID: id,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, f := range configure {
		f(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ps, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start %s: %v", id, err)
	}
	t.Cleanup(func() {
		ps.Close()
		if t.Failed() {
			t.Logf("log of node %s:\n%s", id, logs)
		}
	})
	return &node{ps, logs}
}

// inbox collects what a subscription receives without blocking.
type inbox struct {
	ch chan any
}

func subscribe(t *testing.T, ps pubsub.PubSub, topic string) *inbox {
	in := &inbox{ch: make(chan any, 20000)}
	cancel := ps.Subscribe(topic, func(m any) {
		select {
		case in.ch <- m:
		default:
			t.Errorf("inbox for %q full", topic)
		}
	})
	t.Cleanup(cancel)
	return in
}

// next returns the next message or fails the test after d.
func (in *inbox) next(t *testing.T, d time.Duration) any {
	t.Helper()
	select {
	case m := <-in.ch:
		return m
	case <-time.After(d):
		t.Fatalf("no message within %s", d)
		return nil
	}
}

// empty fails the test if a message is waiting.
func (in *inbox) empty(t *testing.T) {
	t.Helper()
	select {
	case m := <-in.ch:
		t.Fatalf("unexpected message %#v", m)
	default:
	}
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func publish(t *testing.T, ps pubsub.PubSub, topic string, msg any) {
	t.Helper()
	if err := ps.Publish(context.Background(), topic, msg); err != nil {
		t.Fatalf("Publish(%q, %T): %v", topic, msg, err)
	}
}

func TestCrossNodeDelivery(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	c := startNode(t, dsn, "c")
	inA, inB, inC := subscribe(t, a, "news"), subscribe(t, b, "news"), subscribe(t, c, "news")
	otherB := subscribe(t, b, "other")

	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	publish(t, a, "news", "changed")
	publish(t, a, "news", event{N: 7, Text: "héllo | world", At: at})

	for name, in := range map[string]*inbox{"a": inA, "b": inB, "c": inC} {
		if m := in.next(t, 5*time.Second); m != "changed" {
			t.Fatalf("%s got %#v, want the string \"changed\"", name, m)
		}
		m := in.next(t, 5*time.Second)
		ev, ok := m.(event)
		if !ok {
			t.Fatalf("%s got %T, want pgnotify.event", name, m)
		}
		if ev.N != 7 || ev.Text != "héllo | world" || !ev.At.Equal(at) {
			t.Fatalf("%s got %+v", name, ev)
		}
	}

	// Own messages are not delivered twice: a's listener also hears a's
	// notifications. c's reply is committed after them, so by the time a
	// has it, a copy of a's own messages would have been delivered too.
	inA2 := subscribe(t, a, "reply")
	publish(t, c, "reply", "done")
	if m := inA2.next(t, 5*time.Second); m != "done" {
		t.Fatalf("a got %#v", m)
	}
	inA.empty(t)
	otherB.empty(t)
	inB.empty(t)

	waitFor(t, 5*time.Second, "stats settle", func() bool {
		return a.Stats().Sent == 2 && b.Stats().Received == 3 && c.Stats().Received == 2 && a.Stats().Received == 1
	})
	st := a.Stats()
	if !st.LinkUp || st.Published != 2 || st.Backlog != 0 || st.Dropped != 0 || st.Reconnects != 0 {
		t.Fatalf("a's stats: %+v", st)
	}
}

func TestOrderAndBigMessages(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	in := subscribe(t, b, "seq")

	big := bigText(1<<20, 7) // 1 MiB of mixed 1- to 4-byte characters
	const n = 3000
	for i := range n {
		var msg any = event{N: i}
		if i == n/2 {
			msg = event{N: i, Text: big}
		}
		publish(t, a, "seq", msg)
	}
	for i := range n {
		m := in.next(t, 10*time.Second)
		ev, ok := m.(event)
		if !ok || ev.N != i {
			t.Fatalf("message %d: got %#v", i, m)
		}
		if i == n/2 && ev.Text != big {
			t.Fatalf("the 1 MiB message arrived altered (%d bytes, want %d)", len(ev.Text), len(big))
		}
	}
	in.empty(t)
	st := b.Stats()
	if st.Received != n || st.Dropped != 0 {
		t.Fatalf("b's stats: %+v", st)
	}
}

func TestUnregisteredTypeStaysLocal(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	inA, inB := subscribe(t, a, "t"), subscribe(t, b, "t")

	for range 2 {
		err := a.Publish(context.Background(), "t", unregistered{X: 1})
		if err == nil {
			t.Fatal("Publish of an unregistered type returned no error")
		}
		for _, want := range []string{"pgnotify.unregistered", "pubsub.Register", "this node only"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		if m := inA.next(t, time.Second); m != (unregistered{X: 1}) {
			t.Fatalf("a's own subscriber got %#v", m)
		}
	}
	if n := a.logs.count("does not cross nodes"); n != 1 {
		t.Fatalf("logged %d times, want once per type", n)
	}
	publish(t, a, "t", "after")
	if m := inB.next(t, 5*time.Second); m != "after" {
		t.Fatalf("b got %#v, want only the registered message", m)
	}
	inB.empty(t)
}

// Notifications on the channel from something else, and a message whose
// type this node does not know, are counted and skipped.
func TestForeignPayloadsAreSkipped(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	in := subscribe(t, a, "t")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, p := range []string{"hello", "g1|x|e|1|0|1|1|t6|nobody", "g1|x|e|2|0|1|junk"} {
		if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", DefaultChannel, p); err != nil {
			t.Fatal(err)
		}
	}
	good, err := encode("x", "e", 3, "t", "string", []byte(`"ok"`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", DefaultChannel, good[0]); err != nil {
		t.Fatal(err)
	}
	if m := in.next(t, 5*time.Second); m != "ok" {
		t.Fatalf("got %#v", m)
	}
	if st := a.Stats(); st.Undecodable != 3 || st.Received != 1 {
		t.Fatalf("stats %+v, want 3 undecodable, 1 received", st)
	}
}

func TestStartFailureNamesServerNotPassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	dsn := fmt.Sprintf("postgres://bob:s3cretpw@127.0.0.1:%d/filmsdb?sslmode=disable&connect_timeout=2", port)
	ps, err := Start(context.Background(), Config{ConnString: dsn, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		ps.Close()
		t.Fatal("Start succeeded without a server")
	}
	msg := err.Error()
	for _, want := range []string{fmt.Sprintf("127.0.0.1:%d", port), "filmsdb"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "s3cretpw") {
		t.Errorf("error shows the password: %q", msg)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	dsn := pgtest.Empty(t) // the shared cluster first: it outlives the test
	ignore := goleak.IgnoreCurrent()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := Start(ctx, Config{ConnString: dsn, NodeID: "a", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Start(ctx, Config{ConnString: dsn, NodeID: "b", Logger: logger})
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	got := make(chan any, 10)
	b.Subscribe("t", func(m any) { got <- m })
	if err := a.Publish(ctx, "t", "x"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	a.Close()
	b.Close()

	a.Close() // idempotent
	if err := a.Publish(ctx, "t", "y"); err != ErrClosed {
		t.Fatalf("Publish after Close: %v, want ErrClosed", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := goleak.Find(ignore)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines outlived Close: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// privateCluster starts a throwaway cluster of the test's own, so
// stopping it does not disturb the tests sharing pgtest's.
func privateCluster(t *testing.T) *pgcluster.Cluster {
	t.Helper()
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "pgnotify-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The postgres user must reach the data directory when we are root.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(dir, "data"), TCP: true, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if err := c.CreateDatabase(ctx, "pubsub"); err != nil {
		t.Fatal(err)
	}
	return c
}

// setTiming shortens the ping period and timeouts for one test; the
// cleanup is registered first so it runs after the test's nodes closed.
func setTiming(t *testing.T, ping, timeout, connect time.Duration) {
	pe, pt, ct := pingEvery, pingTimeout, connectTimeout
	t.Cleanup(func() { pingEvery, pingTimeout, connectTimeout = pe, pt, ct })
	pingEvery, pingTimeout, connectTimeout = ping, timeout, connect
}

func TestSurvivesServerRestart(t *testing.T) {
	cluster := privateCluster(t)
	dsn := cluster.DSN("pubsub")
	setTiming(t, 200*time.Millisecond, time.Second, 5*time.Second)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	// The sender holds messages after an outage until as many nodes listen
	// as before it: that count must have been seen.
	waitFor(t, 5*time.Second, "a sees both listeners", func() bool { return a.Stats().Listeners == 2 })
	var reconA, reconB atomic.Int32
	a.OnReconnect(func() { reconA.Add(1) })
	b.OnReconnect(func() { reconB.Add(1) })
	inA, inB := subscribe(t, a, "t"), subscribe(t, b, "t")

	// Before: both directions work (and a's sender has a connection that
	// the outage will break).
	publish(t, a, "t", "before")
	if m := inB.next(t, 5*time.Second); m != "before" {
		t.Fatalf("b got %#v", m)
	}
	<-inA.ch
	// b hears it a moment before a has the reply (see
	// TestHeldWhilePublishersLinkIsDown).
	waitFor(t, 5*time.Second, "a has the reply", func() bool { st := a.Stats(); return st.Sent == 1 && st.Backlog == 0 })

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "both links down", func() bool { return !a.Stats().LinkUp && !b.Stats().LinkUp })
	if st := a.Stats(); st.LastError == "" || st.Since.IsZero() {
		t.Fatalf("a's stats while down: %+v", st)
	}

	// During the outage: local delivery goes on; the message waits.
	publish(t, a, "t", "during")
	if m := inA.next(t, time.Second); m != "during" {
		t.Fatalf("a's local subscriber got %#v during the outage", m)
	}
	time.Sleep(300 * time.Millisecond) // reconnect attempts fail meanwhile
	if st := a.Stats(); st.Backlog != 1 || st.LinkUp {
		t.Fatalf("a's stats during the outage: %+v", st)
	}

	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "both links up again", func() bool { return a.Stats().LinkUp && b.Stats().LinkUp })
	if m := inB.next(t, 15*time.Second); m != "during" {
		t.Fatalf("b got %#v, want the message published during the outage", m)
	}
	waitFor(t, 5*time.Second, "OnReconnect ran", func() bool { return reconA.Load() == 1 && reconB.Load() == 1 })
	publish(t, b, "t", "after")
	if m := inA.next(t, 5*time.Second); m != "after" {
		t.Fatalf("a got %#v", m)
	}
	<-inB.ch

	// pg_ctl restart, with traffic before and after.
	if err := cluster.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "second recovery", func() bool {
		return a.Stats().Reconnects == 2 && b.Stats().Reconnects == 2 && a.Stats().LinkUp && b.Stats().LinkUp
	})
	publish(t, a, "t", "after restart")
	if m := inB.next(t, 10*time.Second); m != "after restart" {
		t.Fatalf("b got %#v", m)
	}
	if reconA.Load() != 2 || reconB.Load() != 2 {
		t.Fatalf("OnReconnect ran %d and %d times, want 2", reconA.Load(), reconB.Load())
	}
	inB.empty(t)
	for _, n := range []*node{a, b} {
		if c := n.logs.count("lost the PostgreSQL link"); c != 2 {
			t.Errorf("node %s logged the loss %d times for 2 outages", n.NodeID(), c)
		}
		if c := n.logs.count("link restored"); c != 2 {
			t.Errorf("node %s logged the recovery %d times for 2 outages", n.NodeID(), c)
		}
		if st := n.Stats(); st.Dropped != 0 {
			t.Errorf("node %s dropped messages: %+v", n.NodeID(), st)
		}
	}
}

func TestTerminatedListenerRecovers(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	var recon atomic.Int32
	b.OnReconnect(func() { recon.Add(1) })
	in := subscribe(t, b, "t")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var killed bool
	if err := conn.QueryRow(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'golive-pubsub listen b' AND datname = current_database()`).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminating b's listener: %v %v", killed, err)
	}
	waitFor(t, 10*time.Second, "b reconnected", func() bool { st := b.Stats(); return st.Reconnects == 1 && st.LinkUp })
	if recon.Load() != 1 {
		t.Fatalf("OnReconnect ran %d times", recon.Load())
	}
	if st := b.Stats(); !strings.Contains(st.LastError, "terminat") {
		t.Fatalf("LastError %q does not say the backend was terminated", st.LastError)
	}
	publish(t, a, "t", "still here")
	if m := in.next(t, 5*time.Second); m != "still here" {
		t.Fatalf("b got %#v", m)
	}
}

// A link that goes silent (no reset, no answer) is noticed by the ping.
func TestSilentLossIsDetected(t *testing.T) {
	dsn := pgtest.Empty(t)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, fmt.Sprintf("%s:%d", cfg.Host, cfg.Port))
	proxied := fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", cfg.User, px.addr(), cfg.Database)
	setTiming(t, 300*time.Millisecond, 300*time.Millisecond, time.Second)

	a := startNode(t, dsn, "a")
	b := startNode(t, proxied, "b")
	in := subscribe(t, b, "t")
	publish(t, a, "t", "1")
	if m := in.next(t, 5*time.Second); m != "1" {
		t.Fatalf("b got %#v", m)
	}

	px.freeze()
	start := time.Now()
	waitFor(t, 5*time.Second, "the silent loss noticed", func() bool { return !b.Stats().LinkUp })
	t.Logf("silent loss noticed after %s", time.Since(start).Round(time.Millisecond))
	if st := b.Stats(); !strings.Contains(st.LastError, "ping") {
		t.Fatalf("LastError %q, want the ping's", st.LastError)
	}
	px.thaw() // cuts the frozen connections, forwards new ones
	waitFor(t, 10*time.Second, "b back", func() bool { return b.Stats().LinkUp })
	publish(t, a, "t", "2")
	if m := in.next(t, 5*time.Second); m != "2" {
		t.Fatalf("b got %#v", m)
	}
}

// proxy forwards TCP to a target; frozen, it stops moving bytes without
// closing anything, like a network that went silent.
type proxy struct {
	ln          net.Listener
	target      string
	mu          sync.Mutex
	frozen      bool
	repliesOnly bool // frozen only from the server to the client
	thawed      chan struct{}
	conns       []net.Conn
	wg          sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, thawed: make(chan struct{})}
	close(p.thawed)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		if p.frozen {
			close(p.thawed)
			p.frozen = false
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s, true)
		go p.pipe(s, c, false)
	}
}

func (p *proxy) pipe(dst, src net.Conn, replies bool) {
	defer p.wg.Done()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			gate := p.thawed
			if p.repliesOnly && !replies {
				gate = nil
			}
			p.mu.Unlock()
			if gate != nil {
				<-gate // held while frozen
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) freeze() { p.freezeSome(false) }

// freezeReplies holds what the server sends while letting the client's
// bytes through: statements run and commit, their replies never arrive.
func (p *proxy) freezeReplies() { p.freezeSome(true) }

func (p *proxy) freezeSome(repliesOnly bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen, p.repliesOnly = true, repliesOnly
	p.thawed = make(chan struct{})
}

// thaw closes every connection made so far (their bytes are lost, as
// after a long partition) and lets new ones through.
func (p *proxy) thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.frozen, p.repliesOnly = false, false
	close(p.thawed)
}

// The apps' messages cross nodes: the movies store's "changed" string and
// the status app's updates.
func TestAppMessagesCrossNodes(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	const moviesTopic = "movies:changed" // movies.ChangedTopic; not imported, to keep this test light
	inMovies, inStatus := subscribe(t, b, moviesTopic), subscribe(t, b, status.Topic)
	u := status.Update{Services: []status.Service{{Name: "api", State: "up"}}, At: time.Now().UTC().Truncate(time.Second)}
	publish(t, a, moviesTopic, "changed")
	publish(t, a, status.Topic, u)
	if m := inMovies.next(t, 5*time.Second); m != "changed" {
		t.Fatalf("movies topic got %#v", m)
	}
	m := inStatus.next(t, 5*time.Second)
	got, ok := m.(status.Update)
	if !ok || len(got.Services) != 1 || got.Services[0] != u.Services[0] || !got.At.Equal(u.At) {
		t.Fatalf("status topic got %#v", m)
	}
}

// Messages published concurrently on one node all arrive, each goroutine's
// in its order.
func TestConcurrentPublishers(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "a")
	b := startNode(t, dsn, "b")
	in := subscribe(t, b, "t")
	const goroutines, each = 8, 400
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := a.Publish(context.Background(), "t", event{N: g*each + i}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	next := make([]int, goroutines)
	for range goroutines * each {
		ev := in.next(t, 10*time.Second).(event)
		g, i := ev.N/each, ev.N%each
		if i != next[g] {
			t.Fatalf("goroutine %d: got message %d, want %d", g, i, next[g])
		}
		next[g]++
	}
	in.empty(t)
}

// A message published right before Close still reaches the other nodes:
// Close can cancel the send in flight (pgx then closes that connection),
// and the close-time flush must send it again on a new connection.
func TestPublishRightBeforeCloseArrives(t *testing.T) {
	dsn := pgtest.Empty(t)
	recv := startNode(t, dsn, "recv")
	in := subscribe(t, recv, "last")
	const rounds = 30
	for i := range rounds {
		sender := startNode(t, dsn, fmt.Sprintf("s%d", i))
		// Let the sender's connection exist and be idle, as a node's is
		// when it leaves.
		publish(t, sender, "warm", "w")
		waitFor(t, 5*time.Second, "warm-up sent", func() bool { return sender.Stats().Backlog == 0 })
		publish(t, sender, "last", fmt.Sprint(i))
		// Close at varying points of the send in flight.
		time.Sleep(time.Duration(i%10) * 50 * time.Microsecond)
		sender.Close()
		if n := sender.Stats().Dropped; n != 0 {
			t.Fatalf("round %d: Close dropped %d message(s):\n%s", i, n, sender.logs)
		}
	}
	seen := map[string]bool{}
	for len(seen) < rounds {
		seen[in.next(t, 5*time.Second).(string)] = true
	}
}

// A message held through an outage reaches every node that was there,
// even when the listener count was never sampled before the outage (it
// is sampled every pingEvery): the nodes heard from count too.
func TestHeldMessageReachesNodesHeardBefore(t *testing.T) {
	cluster := privateCluster(t)
	dsn := cluster.DSN("pubsub")
	setTiming(t, time.Hour, time.Second, 5*time.Second) // no new listener sample before the outage
	a, b, c := startNode(t, dsn, "a"), startNode(t, dsn, "b"), startNode(t, dsn, "c")
	inA, inB, inC := subscribe(t, a, "t"), subscribe(t, b, "t"), subscribe(t, c, "t")
	// Everyone hears everyone, as with cluster heartbeats.
	for _, n := range []*node{a, b, c} {
		publish(t, n, "hello", n.NodeID())
	}
	waitFor(t, 5*time.Second, "hellos received", func() bool {
		return a.Stats().Received == 2 && b.Stats().Received == 2 && c.Stats().Received == 2
	})
	// a sampled the listeners when it started, alone.
	if n := a.Stats().Listeners; n >= 3 {
		t.Fatalf("a sampled %d listeners: the test needs a stale count", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "links down", func() bool { return !a.Stats().LinkUp && !b.Stats().LinkUp && !c.Stats().LinkUp })
	publish(t, a, "t", "during")
	<-inA.ch
	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]*inbox{"b": inB, "c": inC} {
		if m := in.next(t, 15*time.Second); m != "during" {
			t.Fatalf("%s got %#v, want the message held through the outage", name, m)
		}
	}
}

// A node that is connected again but has not re-issued LISTEN yet does
// not hear what is sent: the held message must wait for its LISTEN, not
// for its connection.
func TestHeldMessageWaitsForListenNotConnect(t *testing.T) {
	cluster := privateCluster(t)
	dsn := cluster.DSN("pubsub")
	setTiming(t, 100*time.Millisecond, time.Second, 5*time.Second)
	// Once slow, b's listener waits between connecting and LISTEN. (Set
	// before the nodes start, cleared after they closed.)
	var slow atomic.Bool
	testBeforeListen = func(node string) {
		if node == "b" && slow.Load() {
			time.Sleep(1500 * time.Millisecond)
		}
	}
	t.Cleanup(func() { testBeforeListen = nil })
	a, b := startNode(t, dsn, "a"), startNode(t, dsn, "b")
	inB := subscribe(t, b, "t")
	waitFor(t, 5*time.Second, "a sees both listeners", func() bool { return a.Stats().Listeners == 2 })
	slow.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "links down", func() bool { return !a.Stats().LinkUp && !b.Stats().LinkUp })
	publish(t, a, "t", "during")
	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if m := inB.next(t, 15*time.Second); m != "during" {
		t.Fatalf("b got %#v, want the message held through the outage", m)
	}
	time.Sleep(300 * time.Millisecond)
	inB.empty(t)
}

// proxiedDSN returns dsn's database reached through a new proxy.
func proxiedDSN(t *testing.T, dsn string) (*proxy, string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, fmt.Sprintf("%s:%d", cfg.Host, cfg.Port))
	return px, fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", cfg.User, px.addr(), cfg.Database)
}

// The publisher's own link is down while the others' are up: what it
// publishes is held and delivered once, in order, when its link is back.
func TestHeldWhilePublishersLinkIsDown(t *testing.T) {
	dsn := pgtest.Empty(t)
	setTiming(t, 200*time.Millisecond, 300*time.Millisecond, time.Second)
	px, proxied := proxiedDSN(t, dsn)
	a, b := startNode(t, proxied, "a"), startNode(t, dsn, "b")
	var reconB atomic.Int32
	b.OnReconnect(func() { reconB.Add(1) })
	inB := subscribe(t, b, "t")
	publish(t, a, "t", "before")
	if m := inB.next(t, 5*time.Second); m != "before" {
		t.Fatalf("b got %#v", m)
	}
	// b hears a message once it is committed, a moment before a has the
	// reply; frozen in between, that reply is lost and "before" is sent
	// again (TestLostReplyIsNotDeliveredTwice), so the backlog below
	// would count it too.
	waitFor(t, 5*time.Second, "a has the reply", func() bool { st := a.Stats(); return st.Sent == 1 && st.Backlog == 0 })

	px.freeze()
	waitFor(t, 5*time.Second, "a's link down", func() bool { return !a.Stats().LinkUp })
	publish(t, a, "t", "held 1")
	publish(t, a, "t", "held 2")
	time.Sleep(500 * time.Millisecond)
	inB.empty(t) // held, not lost: a cannot reach the database
	if st := a.Stats(); st.Backlog != 2 {
		t.Fatalf("a's backlog while its link is down: %+v", st)
	}
	px.thaw()
	for _, want := range []string{"held 1", "held 2"} {
		if m := inB.next(t, 10*time.Second); m != want {
			t.Fatalf("b got %#v, want %q", m, want)
		}
	}
	time.Sleep(300 * time.Millisecond)
	inB.empty(t) // once
	if st := a.Stats(); st.Dropped != 0 || st.Backlog != 0 || !st.LinkUp {
		t.Fatalf("a after recovery: %+v", st)
	}
	if n := reconB.Load(); n != 0 {
		t.Fatalf("b's link never went down, yet OnReconnect ran %d times", n)
	}
}

// A message whose NOTIFY committed but whose reply was lost is sent again
// after the link is back, and the receivers drop the copy: delivered once.
func TestLostReplyIsNotDeliveredTwice(t *testing.T) {
	dsn := pgtest.Empty(t)
	setTiming(t, 200*time.Millisecond, 300*time.Millisecond, time.Second)
	px, proxied := proxiedDSN(t, dsn)
	a, b := startNode(t, proxied, "a"), startNode(t, dsn, "b")
	inB := subscribe(t, b, "t")
	publish(t, a, "t", "warm-up")
	if m := inB.next(t, 5*time.Second); m != "warm-up" {
		t.Fatalf("b got %#v", m)
	}
	waitFor(t, 5*time.Second, "warm-up sent", func() bool { st := a.Stats(); return st.Sent == 1 && st.Backlog == 0 })

	px.freezeReplies()
	publish(t, a, "t", "once")
	if m := inB.next(t, 5*time.Second); m != "once" {
		t.Fatalf("b got %#v; the statement should have committed", m)
	}
	waitFor(t, 10*time.Second, "a's link down", func() bool { return !a.Stats().LinkUp })
	if st := a.Stats(); st.Sent != 1 || st.Backlog != 1 {
		t.Fatalf("a without the reply: %+v; want the message back in its backlog", st)
	}
	px.thaw()
	waitFor(t, 15*time.Second, "a sent it again", func() bool { st := a.Stats(); return st.LinkUp && st.Sent == 2 && st.Backlog == 0 })
	publish(t, a, "t", "after")
	if m := inB.next(t, 5*time.Second); m != "after" {
		t.Fatalf("b got %#v, want the copy of \"once\" dropped and \"after\" next", m)
	}
	time.Sleep(300 * time.Millisecond)
	inB.empty(t)
	if st := a.Stats(); st.Dropped != 0 {
		t.Fatalf("a: %+v", st)
	}
}

// A receiver whose link is down when a message is sent misses it (at most
// once) and learns it by OnReconnect.
func TestReceiverDownMissesAndIsTold(t *testing.T) {
	dsn := pgtest.Empty(t)
	setTiming(t, 200*time.Millisecond, 300*time.Millisecond, time.Second)
	px, proxied := proxiedDSN(t, dsn)
	a, b := startNode(t, dsn, "a"), startNode(t, proxied, "b")
	var reconB atomic.Int32
	b.OnReconnect(func() { reconB.Add(1) })
	inB := subscribe(t, b, "t")

	px.freeze()
	waitFor(t, 5*time.Second, "b's link down", func() bool { return !b.Stats().LinkUp })
	publish(t, a, "t", "missed")
	waitFor(t, 5*time.Second, "a sent it", func() bool { return a.Stats().Sent == 1 })
	px.thaw()
	waitFor(t, 10*time.Second, "b's OnReconnect", func() bool { return reconB.Load() == 1 })
	publish(t, a, "t", "after")
	if m := inB.next(t, 5*time.Second); m != "after" {
		t.Fatalf("b got %#v, want only the message sent after its recovery", m)
	}
}

// Past the hold limit the oldest held messages are dropped, counted and
// logged; the rest arrive once, in order.
func TestHoldLimitDropsOldest(t *testing.T) {
	cluster := privateCluster(t)
	dsn := cluster.DSN("pubsub")
	setTiming(t, 100*time.Millisecond, time.Second, 5*time.Second)
	a := startNode(t, dsn, "a", func(c *Config) { c.MaxBacklog = 3 })
	b := startNode(t, dsn, "b")
	inB := subscribe(t, b, "t")
	waitFor(t, 5*time.Second, "a sees both listeners", func() bool { return a.Stats().Listeners == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "links down", func() bool { return !a.Stats().LinkUp && !b.Stats().LinkUp })
	for i := 1; i <= 5; i++ {
		publish(t, a, "t", event{N: i})
	}
	if st := a.Stats(); st.Dropped != 2 || st.Backlog != 3 {
		t.Fatalf("a's stats past the hold limit: %+v", st)
	}
	if a.logs.count("backlog full") != 1 {
		t.Fatalf("the drop was not logged once:\n%s", a.logs)
	}
	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 3; i <= 5; i++ {
		m := inB.next(t, 15*time.Second)
		if e, ok := m.(event); !ok || e.N != i {
			t.Fatalf("b got %#v, want event %d", m, i)
		}
	}
	time.Sleep(300 * time.Millisecond)
	inB.empty(t)
}

// A node that listens again only after the settle window misses what was
// held (the sender does not wait for ever) and learns it by OnReconnect.
func TestLateNodeMissesHeldAndIsTold(t *testing.T) {
	cluster := privateCluster(t)
	dsn := cluster.DSN("pubsub")
	setTiming(t, 100*time.Millisecond, time.Second, 5*time.Second)
	sm := settleMax
	t.Cleanup(func() { settleMax = sm })
	settleMax = time.Second
	var slow atomic.Bool
	testBeforeListen = func(node string) {
		if node == "c" && slow.Load() {
			time.Sleep(3 * time.Second)
		}
	}
	t.Cleanup(func() { testBeforeListen = nil })
	a, b, c := startNode(t, dsn, "a"), startNode(t, dsn, "b"), startNode(t, dsn, "c")
	var reconC atomic.Int32
	c.OnReconnect(func() { reconC.Add(1) })
	inB, inC := subscribe(t, b, "t"), subscribe(t, c, "t")
	waitFor(t, 5*time.Second, "a sees three listeners", func() bool { return a.Stats().Listeners == 3 })
	slow.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Halt(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "links down", func() bool { return !a.Stats().LinkUp && !b.Stats().LinkUp && !c.Stats().LinkUp })
	publish(t, a, "t", "during")
	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if m := inB.next(t, 15*time.Second); m != "during" {
		t.Fatalf("b got %#v", m)
	}
	waitFor(t, 15*time.Second, "c back and told", func() bool { return reconC.Load() == 1 })
	publish(t, a, "t", "after")
	if m := inC.next(t, 5*time.Second); m != "after" {
		t.Fatalf("c got %#v, want only the message sent after it listened again", m)
	}
}
