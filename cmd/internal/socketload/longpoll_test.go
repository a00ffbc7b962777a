package socketload

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

// echoNode is a transport server with the echo channel at /socket, one
// node of a cluster.
type echoNode struct {
	srv *transport.Server
	ts  *httptest.Server
}

type peerURLs map[string]*url.URL

func (p peerURLs) PeerURL(node string) (*url.URL, bool) {
	u, ok := p[node]
	return u, ok
}

// startEchoPair starts nodes a and b sharing the LongPoll secret, each
// forwarding to the other.
func startEchoPair(t *testing.T) (a, b *echoNode) {
	t.Helper()
	peers := peerURLs{}
	secret := []byte("a secret both nodes share, 32+ bytes")
	node := func(id string) *echoNode {
		router := &transport.Router{}
		echo.Register(router, "echo:*", nil)
		srv := transport.NewServer(transport.Config{
			Router: router, Secret: secret, Origin: transport.OriginOff(),
			Logger: slog.New(slog.DiscardHandler), NodeID: id, Peers: peers,
		})
		mux := http.NewServeMux()
		mux.Handle("/socket/", srv)
		return &echoNode{srv: srv, ts: httptest.NewServer(mux)} // 127.0.0.1
	}
	a, b = node("a"), node("b")
	for id, n := range map[string]*echoNode{"a": a, "b": b} {
		u, _ := url.Parse(n.ts.URL)
		peers[id] = u
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, n := range []*echoNode{b, a} {
			_ = n.srv.Shutdown(ctx)
		}
		for _, n := range []*echoNode{b, a} {
			n.ts.CloseClientConnections()
			n.ts.Close()
		}
	})
	return a, b
}

// With AltURL, sessions opened on node a are polled and posted through
// node b: b forwards every request and holds no session, and the pings
// are all answered.
func TestLongPollAltURLGoesThroughTheOtherNode(t *testing.T) {
	const sessions = 10
	a, b := startEchoPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	load, open, err := Open(ctx, Config{
		URL: a.ts.URL + "/socket", AltURL: b.ts.URL + "/socket", Transport: LongPoll, Sockets: sessions,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer load.Close()
	if open.Joined != sessions {
		t.Fatalf("open: %s", open.Text())
	}
	f0 := b.srv.Stats().Forwarded
	tr, err := load.Traffic(ctx, TrafficConfig{Rate: 200, Duration: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Received != tr.Sent || tr.Sent < 90 || tr.Errors != 0 {
		t.Fatalf("traffic: %s", tr.Text())
	}
	sa, sb := a.srv.Stats(), b.srv.Stats()
	if sa.LongPollSessions != sessions || sb.LongPollSessions != 0 {
		t.Errorf("sessions on a %d, on b %d; want %d, 0", sa.LongPollSessions, sb.LongPollSessions, sessions)
	}
	// Every poll and POST of the traffic went through b (polls held when
	// the count was read may fall either side).
	if fwd := sb.Forwarded - f0; fwd == 0 || fwd < tr.Polls+tr.Posts-sessions {
		t.Errorf("b forwarded %d requests during %d polls and %d posts", fwd, tr.Polls, tr.Posts)
	}
	if sa.Forwarded != 0 || sa.ForwardFailures+sb.ForwardFailures != 0 {
		t.Errorf("a forwarded %d, forward failures %d", sa.Forwarded, sa.ForwardFailures+sb.ForwardFailures)
	}
}

// AltURL is for LongPoll only, and must be a URL.
func TestAltURLValidated(t *testing.T) {
	for _, c := range []Config{
		{URL: "http://127.0.0.1:1/socket", AltURL: "http://127.0.0.1:2/socket", Transport: WebSocket},
		{URL: "http://127.0.0.1:1/socket", AltURL: "127.0.0.1:2", Transport: LongPoll},
	} {
		if err := c.setDefaults(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
