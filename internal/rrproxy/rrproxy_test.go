package rrproxy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// backend answers with its name, the Host it saw and the body it got; at
// /ws it echoes WebSocket messages prefixed with its name.
func backend(t *testing.T, name string, ln net.Listener) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, append([]byte(name+":"), b...)); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", name, r.Host, b)
	})
	s := httptest.NewUnstartedServer(mux)
	if ln != nil {
		s.Listener.Close()
		s.Listener = ln
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// proxy serves p on a loopback port until the test ends.
func proxy(t *testing.T, backends ...string) (*Proxy, string) {
	t.Helper()
	p, err := New(backends, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, p) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		p.CloseIdleConnections()
	})
	return p, "http://" + ln.Addr().String()
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func names(t *testing.T, url string, n int) []string {
	t.Helper()
	var out []string
	for range n {
		code, body := do(t, "GET", url, "")
		if code != 200 {
			t.Fatalf("GET %s = %d %q", url, code, body)
		}
		out = append(out, strings.Fields(body)[0])
	}
	return out
}

// TestRoundRobin: requests go to each backend in turn (one client, one
// keep-alive connection: no stickiness), with the Host the client sent.
func TestRoundRobin(t *testing.T) {
	a, b, c := backend(t, "a", nil), backend(t, "b", nil), backend(t, "c", nil)
	p, url := proxy(t, a.URL, b.URL, c.URL)
	got := strings.Join(names(t, url+"/x", 7), "")
	if got != "abcabca" {
		t.Errorf("served by %s, want abcabca", got)
	}
	_, body := do(t, "GET", url, "")
	if host := strings.Fields(body)[1]; "http://"+host != url {
		t.Errorf("backend saw Host %q, want the proxy's %s", host, url)
	}
	if s := p.Stats(); fmt.Sprint(s.Served) != "[3 3 2]" || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
}

// TestDeadBackendSkippedButKept: a backend refusing connections costs no
// request an error (bodies included); it stays in the rotation and serves
// again as soon as it is back on its address.
func TestDeadBackendSkippedButKept(t *testing.T) {
	a, c := backend(t, "a", nil), backend(t, "c", nil)
	dead := deadAddr(t)
	p, url := proxy(t, a.URL, "http://"+dead, c.URL)
	got := strings.Join(names(t, url, 6), "")
	// b's turns go to the backend after it.
	if got != "acccac" && got != "accacc" {
		t.Errorf("served by %s", got)
	}
	// A POST whose first choice is dead reaches the next one whole.
	for range 3 {
		code, body := do(t, "POST", url, "payload-123")
		if code != 200 || !strings.HasSuffix(body, " payload-123") {
			t.Errorf("POST = %d %q", code, body)
		}
	}
	if s := p.Stats(); s.Skipped[1] == 0 || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
	// b comes back on the same address.
	ln, err := net.Listen("tcp", dead)
	if err != nil {
		t.Fatalf("re-listening on %s: %v", dead, err)
	}
	backend(t, "b", ln)
	got = strings.Join(names(t, url, 6), "")
	if strings.Count(got, "b") != 2 {
		t.Errorf("after b came back: served by %s", got)
	}
}

// TestAllDead: with no backend reachable the answer is a 502 naming the
// cause, quickly.
func TestAllDead(t *testing.T) {
	p, url := proxy(t, "http://"+deadAddr(t), "http://"+deadAddr(t))
	start := time.Now()
	code, body := do(t, "GET", url, "")
	if code != http.StatusBadGateway || !strings.Contains(body, "refused") {
		t.Errorf("= %d %q", code, body)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if p.Stats().Failed != 1 {
		t.Errorf("stats = %+v", p.Stats())
	}
}

// TestWebSocket: upgrades are proxied round-robin too (a dead backend
// skipped), and stopping the proxy ends upgraded connections.
func TestWebSocket(t *testing.T) {
	a, b := backend(t, "a", nil), backend(t, "b", nil)
	p, err := New([]string{a.URL, "http://" + deadAddr(t), b.URL}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, p) }()
	defer p.CloseIdleConnections()
	wsURL := "ws://" + ln.Addr().String() + "/ws"
	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	var got []string
	var conns []*websocket.Conn
	for range 3 {
		c, _, err := websocket.Dial(dctx, wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if err := c.Write(dctx, websocket.MessageText, []byte("hi")); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.Read(dctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(msg))
	}
	if strings.Join(got, " ") != "a:hi b:hi b:hi" {
		t.Errorf("echoes %q", got)
	}
	// Stopping the proxy closes the upgraded connections.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return: upgraded connections outlived the proxy")
	}
	for _, c := range conns {
		rctx, rcancel := context.WithTimeout(context.Background(), 2*time.Second)
		if _, _, err := c.Read(rctx); err == nil || rctx.Err() != nil {
			t.Errorf("a WebSocket survived the proxy (%v)", err)
		}
		rcancel()
		c.CloseNow()
	}
}

func TestNewRejectsBadBackends(t *testing.T) {
	for _, bs := range [][]string{nil, {"127.0.0.1:4001"}, {"ftp://x"}} {
		if _, err := New(bs, nil); err == nil {
			t.Errorf("New(%q) accepted", bs)
		}
	}
}
