package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/status"
)

type pgMain struct{ m *testing.M }

func (p pgMain) Run() int { return pgtest.Main(p.m) }

// Every test's stacks, connections and goroutines are gone at the end;
// the throwaway PostgreSQL is stopped after the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(pgMain{m}) }

const secret = "app test secret, at least thirty-two characters long"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestFromEnvCluster(t *testing.T) {
	t.Setenv("PORT", "4100")
	t.Setenv("CLUSTER_DATABASE_URL", "")
	t.Setenv("DRAIN_PERIOD", "")
	t.Setenv("CLUSTER_HEARTBEAT", "")
	c, err := FromEnv(4000)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterDatabaseURL != "" || c.DrainPeriod != 2*time.Second || c.Heartbeat != 0 {
		t.Errorf("defaults: %+v", c)
	}
	t.Setenv("CLUSTER_DATABASE_URL", "postgres://db/x")
	t.Setenv("NODE_NAME", "n1")
	t.Setenv("NODE_URL", "http://10.0.0.1:4100")
	t.Setenv("DRAIN_PERIOD", "500ms")
	t.Setenv("CLUSTER_HEARTBEAT", "250ms")
	c, err = FromEnv(4000)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClusterDatabaseURL != "postgres://db/x" || c.NodeName != "n1" || c.NodeURL != "http://10.0.0.1:4100" ||
		c.DrainPeriod != 500*time.Millisecond || c.Heartbeat != 250*time.Millisecond {
		t.Errorf("from the environment: %+v", c)
	}
	for _, bad := range []string{"2", "-1s", "soon"} {
		t.Setenv("DRAIN_PERIOD", bad)
		if _, err := FromEnv(4000); err == nil || !strings.Contains(err.Error(), "DRAIN_PERIOD") {
			t.Errorf("DRAIN_PERIOD=%q: %v", bad, err)
		}
	}
}

func TestNodeURL(t *testing.T) {
	host, _ := os.Hostname()
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Addr: "127.0.0.1:4101"}, "http://127.0.0.1:4101"},
		{Config{Addr: "0.0.0.0:4101"}, "http://" + net.JoinHostPort(host, "4101")},
		{Config{Addr: "[::]:4101"}, "http://" + net.JoinHostPort(host, "4101")},
		{Config{Addr: "127.0.0.1:0", NodeURL: "http://x:1"}, "http://x:1"},
		{Config{Addr: "127.0.0.1:0"}, ""},
	} {
		got, err := c.cfg.nodeURL()
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("%+v: %q, %v; want %q", c.cfg, got, err, c.want)
		}
	}
}

// TestSingleNode: without CLUSTER_DATABASE_URL nothing changes: an
// in-process PubSub, no cluster, a plain health check.
func TestSingleNode(t *testing.T) {
	st, err := New(Config{SecretKeyBase: []byte(secret)}, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.PubSub.(*pubsub.Local); !ok || st.Engine.PubSub() != st.PubSub {
		t.Errorf("PubSub = %T", st.PubSub)
	}
	if st.Cluster != nil || st.ClusterSource() != nil || st.PubSubState().Clustered {
		t.Errorf("a cluster without CLUSTER_DATABASE_URL")
	}
	st.OnPubSubReconnect(func() {}) // no-op
	rec := httptest.NewRecorder()
	st.Health().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Errorf("health = %d %q", rec.Code, rec.Body.String())
	}
}

func TestClusterNeedsReachablePostgres(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = New(Config{SecretKeyBase: []byte(secret), Addr: "127.0.0.1:4100", ClusterDatabaseURL: "postgres://u@" + addr + "/db?connect_timeout=2"}, quiet, nil)
	if err == nil || !strings.Contains(err.Error(), "CLUSTER_DATABASE_URL") || !strings.Contains(err.Error(), "PgBouncer in transaction mode") {
		t.Errorf("err = %v", err)
	}
}

// node is one clustered stack serving on loopback.
type node struct {
	st   *Stack
	url  string
	stop context.CancelFunc
	done chan error
}

func startNode(t *testing.T, dsn, name string) *node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Config{
		Addr: ln.Addr().String(), SecretKeyBase: []byte(secret), ClusterDatabaseURL: dsn, NodeName: name,
		Heartbeat: 100 * time.Millisecond, DrainPeriod: 200 * time.Millisecond,
	}, quiet, nil)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	st.Mux.Handle("GET /healthz", st.Health())
	st.Mux.Handle("GET /metrics", st.MetricsHandler())
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{st: st, url: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1)}
	go func() { n.done <- st.ServeListener(ctx, ln, st.Mux) }()
	t.Cleanup(n.shutdown)
	return n
}

// shutdown stops the node and waits for Serve to return (once; later
// calls return at once).
func (n *node) shutdown() {
	n.stop()
	select {
	case err := <-n.done:
		n.done <- err
	case <-time.After(15 * time.Second):
		panic("a node did not stop within 15 s")
	}
}

func get(t *testing.T, url string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	c.CloseIdleConnections()
	return res.StatusCode, res.Header, string(b)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestCluster: two nodes on one PostgreSQL find each other, share PubSub,
// forward LongPoll requests to the node holding the session, name
// themselves in a header, and a stopping node leaves (peers see "left",
// never "dead") before it drains.
func TestCluster(t *testing.T) {
	dsn := pgtest.Empty(t)
	a := startNode(t, dsn, "alpha")
	b := startNode(t, dsn, "beta")
	g := startNode(t, dsn, "gamma")
	eventually(t, "three nodes alive on alpha", func() bool {
		_, _, body := get(t, a.url+"/healthz", nil)
		return strings.Contains(body, "alive: alpha,beta,gamma\n")
	})
	// gamma, with nothing to drain, stops at once: its departure must
	// still be heard (left, not dead).
	gammaID := g.st.Cluster.ID()
	g.shutdown()
	eventually(t, "alpha to stop forwarding to gamma", func() bool {
		_, ok := a.st.Cluster.PeerURL(gammaID)
		return !ok
	})
	for _, n := range a.st.Cluster.Nodes() {
		if n.ID == gammaID && n.State() != "leaving" && n.State() != "left" {
			t.Errorf("gamma is %s on alpha, want leaving or left", n.State())
		}
	}
	code, h, body := get(t, b.url+"/healthz", nil)
	if code != 200 || h.Get(NodeHeader) != "beta" || !strings.HasPrefix(body, "ok\nnode: beta\nid: beta-") {
		t.Errorf("beta's health: %d %q %q", code, h.Get(NodeHeader), body)
	}
	if a.st.Engine.PubSub() != a.st.PubSub || !a.st.PubSubState().Clustered || !a.st.PubSubState().LinkUp {
		t.Errorf("alpha's engine PubSub is not the cluster one: %+v", a.st.PubSubState())
	}

	// A message published on alpha reaches beta's subscribers.
	got := make(chan any, 1)
	cancel := b.st.PubSub.Subscribe("app-test", func(m any) {
		select {
		case got <- m:
		default:
		}
	})
	defer cancel()
	if err := a.st.PubSub.Publish(context.Background(), "app-test", "hello"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != "hello" {
			t.Errorf("beta got %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a message published on alpha never reached beta")
	}

	// So does the status app's service update, as a status.Update.
	updates := make(chan any, 1)
	cancelU := b.st.PubSub.Subscribe(status.Topic, func(m any) {
		select {
		case updates <- m:
		default:
		}
	})
	defer cancelU()
	sent := status.Update{Services: []status.Service{{Name: "api", State: "down", Error: "timeout"}}, At: time.Now().UTC().Truncate(time.Millisecond)}
	if err := a.st.PubSub.Publish(context.Background(), status.Topic, sent); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-updates:
		u, ok := m.(status.Update)
		if !ok || len(u.Services) != 1 || u.Services[0] != sent.Services[0] || !u.At.Equal(sent.At) {
			t.Errorf("beta got %#v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a status update published on alpha never reached beta")
	}

	// A LongPoll session opened on alpha, polled through beta: beta
	// forwards to alpha (the token names it).
	_, _, body = get(t, a.url+"/live/longpoll?vsn=2.0.0", map[string]string{"Origin": a.url})
	var lp struct {
		Status int
		Token  string
	}
	if err := json.Unmarshal([]byte(body), &lp); err != nil || lp.Token == "" || !strings.HasPrefix(lp.Token, a.st.Cluster.ID()+"~") {
		t.Fatalf("LongPoll open on alpha: %s (%v)", body, err)
	}
	before := b.st.Socket.Stats().Forwarded
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Held until alpha's poll timeout or the shutdown; its answer
		// does not matter, only that beta forwarded it.
		get(t, b.url+"/live/longpoll?vsn=2.0.0&token="+url.QueryEscape(lp.Token), map[string]string{"Origin": b.url})
	}()
	eventually(t, "beta to forward the poll", func() bool { return b.st.Socket.Stats().Forwarded > before })
	if n := b.st.Socket.Stats().LongPollSessions; n != 0 {
		t.Errorf("beta holds %d LongPoll sessions; it should forward", n)
	}

	// The cluster metrics.
	_, _, metrics := get(t, a.url+"/metrics", nil)
	for _, want := range []string{`golive_cluster_nodes{state="alive"} 2`, "golive_pubsub_link_up 1", `golive_pubsub_messages_total{kind="sent"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// alpha stops: beta hears it leave first, and it never looks dead.
	alphaID := a.st.Cluster.ID()
	a.stop()
	eventually(t, "beta to see alpha leaving", func() bool {
		_, ok := b.st.Cluster.PeerURL(alphaID)
		return !ok
	})
	for _, n := range b.st.Cluster.Nodes() {
		if n.ID == alphaID && n.State() != "leaving" && n.State() != "left" {
			t.Errorf("alpha is %s on beta, want leaving or left", n.State())
		}
	}
	select {
	case err := <-a.done:
		a.done <- err // for the cleanup
		if err != nil {
			t.Errorf("alpha's Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("alpha did not stop")
	}
	<-done
}

// A connection opened ahead of use (as proxies do) that never sends a
// request does not hold up the stop: http.Server alone would wait 5 s.
func TestShutdownClosesSilentNewConnections(t *testing.T) {
	st, err := New(Config{SecretKeyBase: []byte(secret)}, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.ServeListener(ctx, ln, st.Mux) }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(100 * time.Millisecond) // accepted, in StateNew
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeListener: %v", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the stop waits for a connection that never sent a request")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
}

func TestFromEnvPublicURL(t *testing.T) {
	t.Setenv("SECRET_KEY_BASE", strings.Repeat("k", 64))
	for _, c := range []struct{ env, host, public, want, err string }{
		{"", "", "", "", ""},
		{"", "cinegraph.example", "", "", ""}, // development: the request's
		{"prod", "cinegraph.example", "", "https://cinegraph.example", ""},
		{"prod", "cinegraph.example", "http://inner:8080", "http://inner:8080", ""},
		{"", "", "cinegraph.example", "", "PUBLIC_URL"},
		{"", "", "ftp://x", "", "PUBLIC_URL"},
	} {
		t.Setenv("APP_ENV", c.env)
		t.Setenv("PHX_HOST", c.host)
		t.Setenv("PUBLIC_URL", c.public)
		cfg, err := FromEnv(4000)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: error %v, want one naming %s", c, err, c.err)
			}
			continue
		}
		if err != nil || cfg.PublicURL != c.want {
			t.Errorf("%+v: PublicURL %q, error %v; want %q", c, cfg.PublicURL, err, c.want)
		}
	}
}
