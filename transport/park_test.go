package transport_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// rawLP is a LongPoll client on one raw HTTP/1.1 connection, for what
// net/http's client does not do: pipelining, and going away mid-poll.
type rawLP struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	host string
}

func (e *testEnv) rawLP(t *testing.T) *rawLP {
	u, _ := url.Parse(e.ts.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawLP{t: t, conn: c, br: bufio.NewReader(c), host: u.Host}
}

func (r *rawLP) get(tok string) string {
	return fmt.Sprintf("GET /live/longpoll?vsn=2.0.0&token=%s HTTP/1.1\r\nHost: %s\r\n\r\n", url.QueryEscape(tok), r.host)
}

func (r *rawLP) post(tok, body string) string {
	return fmt.Sprintf("POST /live/longpoll?vsn=2.0.0&token=%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n%s",
		url.QueryEscape(tok), r.host, len(body), body)
}

func (r *rawLP) send(reqs ...string) {
	r.t.Helper()
	if _, err := io.WriteString(r.conn, strings.Join(reqs, "")); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawLP) read() (*http.Response, string) {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp, string(b)
}

// A held poll and the connection between POSTs are parked off net/http,
// and the exchange is the same: the poll is answered when frames arrive,
// with the headers net/http would have sent, on a connection that is kept
// alive and serves the next request.
func TestLongPollParked(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	rc := e.rawLP(t)
	rc.send(rc.post(tok, `["1","1","echo:p","phx_join",{}]`))
	if resp, body := rc.read(); body != `{"status":200}` || resp.Close {
		t.Fatalf("POST: %s (close %v)", body, resp.Close)
	}
	// Between requests the connection waits parked.
	eventually(t, 2*time.Second, func() bool { return e.srv.Stats().ParkedConns == 1 }, "the POST connection parked")
	e.lpCollect(tok, 1)
	// The same connection, given back, carries a poll, which parks.
	rc.send(rc.get(tok))
	eventually(t, 2*time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the poll held")
	e.srv.Broadcast("echo:p", "news", map[string]int{"n": 1})
	resp, body := rc.read()
	if body != `{"status":200,"token":"`+tok+`","messages":["[null,null,\"echo:p\",\"news\",{\"n\":1}]"]}` {
		t.Fatalf("parked poll answered %s", body)
	}
	for k, want := range map[string]string{"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// Pipelined: a POST and a poll in one write, answered in order.
	rc.send(rc.post(tok, `["1","2","echo:p","push",{"x":1}]`), rc.get(tok))
	if _, body := rc.read(); body != `{"status":200}` {
		t.Fatalf("pipelined POST: %s", body)
	}
	if _, body := rc.read(); !strings.Contains(body, `\"pushed\",{\"x\":1}`) {
		t.Fatalf("pipelined poll: %s", body)
	}
}

// A client that goes away during a parked poll loses nothing: the poll
// ends, and frames wait for the next poll.
func TestLongPollParkedClientGone(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:g","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	e.lpCollect(tok, 1)
	rc := e.rawLP(t)
	rc.send(rc.get(tok))
	eventually(t, 2*time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the poll held")
	rc.conn.Close()
	eventually(t, 2*time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 0 }, "the poll ended with its connection")
	e.srv.Broadcast("echo:g", "news", map[string]int{"n": 2})
	if got := e.lpCollect(tok, 1); got[0] != `[null,null,"echo:g","news",{"n":2}]` {
		t.Fatalf("next poll: %q", got)
	}
}

// Without Server.Listener, LongPoll holds polls on their handler
// goroutines: the same exchange, nothing parked.
func TestLongPollHeld(t *testing.T) {
	e := newEnvHeld(t, nil)
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:h","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	e.lpCollect(tok, 1)
	done := make(chan lpResp, 1)
	go func() { r, _ := e.lpTry(e.lpRequest("GET", "vsn=2.0.0&token="+urlEscape(tok), "", "", nil)); done <- r }()
	eventually(t, 2*time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the poll held")
	// The held poll's window timer, besides the session's expiry timer.
	if n := e.srv.Stats().Timers; n != 2 {
		t.Errorf("held poll: Timers = %d, want 2", n)
	}
	e.srv.Broadcast("echo:h", "news", map[string]int{"n": 3})
	select {
	case r := <-done:
		if got := r.strings(t); len(got) != 1 || got[0] != `[null,null,"echo:h","news",{"n":3}]` {
			t.Fatalf("held poll: %s", r.raw)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("held poll not answered")
	}
	if n := e.srv.Stats().ParkedConns; n != 0 {
		t.Fatalf("%d parked connections without the Listener", n)
	}
}

// A connection that goes back and forth between net/http and parking many
// times is wrapped once for the replayed bytes, not once per request (a
// LongPoll client's long-lived connection nested a wrapper per poll, and
// the soak's memory grew with every request).
func TestLongPollParkedNoNesting(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	rc := e.rawLP(t)
	rc.send(rc.post(tok, `["1","1","echo:p","phx_join",{}]`))
	if _, body := rc.read(); body != `{"status":200}` {
		t.Fatalf("POST: %s", body)
	}
	for i := 2; i <= 30; i++ {
		rc.send(rc.post(tok, fmt.Sprintf(`["1","%d","echo:p","push",{"x":%d}]`, i, i)))
		if _, body := rc.read(); body != `{"status":200}` {
			t.Fatalf("POST %d: %s", i, body)
		}
	}
	eventually(t, 2*time.Second, func() bool { return e.srv.Stats().ParkedConns == 1 }, "the POST connection parked")
	if d := transport.ParkedWrapDepthForTest(e.srv); d != 1 {
		t.Fatalf("after 30 requests on one connection it is wrapped %d deep, want 1", d)
	}
	// And every pushed frame came through, in order.
	e.lpCollect(tok, 30)
}

// mwHandler is an app's middleware: a header on every answer, a route of
// its own, and a panic on demand.
func mwHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Middleware", "yes")
		if r.Header.Get("X-Panic") != "" {
			panic("middleware panic for the test")
		}
		if r.URL.Path == "/other" {
			io.WriteString(w, "other page")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// The requests after the first on a parked connection are served on the
// parked goroutine through the http.Server's whole handler (its
// middleware included), not handed back to net/http; anything but a plain
// LongPoll request still goes to net/http, and the connection comes back
// to parking after it.
func TestLongPollParkedServesNext(t *testing.T) {
	e := newEnvWrapped(t, mwHandler)
	tok := e.lpOpen()
	rc := e.rawLP(t)
	rc.send(rc.post(tok, `["1","1","echo:s","phx_join",{}]`))
	if _, body := rc.read(); body != `{"status":200}` {
		t.Fatalf("POST: %s", body)
	}
	before := e.srv.Stats().ParkServed
	for i := 2; i <= 21; i++ {
		rc.send(rc.post(tok, fmt.Sprintf(`["1","%d","echo:s","push",{"x":%d}]`, i, i)))
		resp, body := rc.read()
		if body != `{"status":200}` || resp.Header.Get("X-Middleware") != "yes" || resp.Close {
			t.Fatalf("POST %d: %s %v (close %v)", i, body, resp.Header, resp.Close)
		}
	}
	if n := e.srv.Stats().ParkServed - before; n != 20 {
		t.Fatalf("%d of 20 requests served on the parked connection", n)
	}
	e.lpCollect(tok, 21)

	// Answered without parking (an unknown session's POST gets 410): the
	// answer is written with its length and the connection serves on.
	rc.send(rc.post("nope", `["1","1","echo:s","push",{}]`))
	if resp, body := rc.read(); body != `{"status":410}` || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		resp.Header.Get("X-Middleware") != "yes" || resp.ContentLength != int64(len(body)) || resp.Close {
		t.Fatalf("unknown session: %s %v", body, resp.Header)
	}
	// The preflight too.
	rc.send(fmt.Sprintf("OPTIONS /live/longpoll?vsn=2.0.0 HTTP/1.1\r\nHost: %s\r\nAccess-Control-Request-Headers: x-phoenix-longpoll-token\r\n\r\n", rc.host))
	if resp, _ := rc.read(); resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Headers") != "x-phoenix-longpoll-token" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}

	// Another path goes to net/http, and LongPoll after it parks again.
	served := e.srv.Stats().ParkServed
	rc.send(fmt.Sprintf("GET /other HTTP/1.1\r\nHost: %s\r\n\r\n", rc.host))
	if resp, body := rc.read(); body != "other page" || resp.Header.Get("X-Middleware") != "yes" {
		t.Fatalf("/other: %s %v", body, resp.Header)
	}
	// So does a request with Expect: 100-continue.
	rc.send(strings.Replace(rc.post(tok, `["1","30","echo:s","push",{"x":30}]`), "\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n", 1))
	resp, body := rc.read()
	if resp.StatusCode == http.StatusContinue {
		resp, body = rc.read()
	}
	if body != `{"status":200}` {
		t.Fatalf("POST with Expect: %d %s", resp.StatusCode, body)
	}
	if n := e.srv.Stats().ParkServed; n != served {
		t.Fatalf("/other or the Expect POST was served on the parked connection (%d → %d)", served, n)
	}
	// The Expect POST parked its connection: the poll after it is served
	// there again, answered at once with the reply waiting.
	rc.send(rc.get(tok))
	if _, body := rc.read(); !strings.Contains(body, `\"pushed\",{\"x\":30}`) {
		t.Fatalf("poll: %s", body)
	}
	if n := e.srv.Stats().ParkServed; n != served+1 {
		t.Fatalf("the poll after /other: ParkServed %d, want %d", n, served+1)
	}
}

// Bad input on a parked connection: a malformed head gets 400 and the
// connection is closed; a handler that panics closes only its connection;
// a body over the limit ends its session, as on a fresh connection; the
// server and other sessions go on.
func TestLongPollParkedBadInput(t *testing.T) {
	e := newEnvWrapped(t, mwHandler)
	parked := func(t *testing.T) (*rawLP, string) {
		tok := e.lpOpen()
		rc := e.rawLP(t)
		rc.send(rc.post(tok, `["1","1","echo:b","phx_join",{}]`))
		if _, body := rc.read(); body != `{"status":200}` {
			t.Fatalf("POST: %s", body)
		}
		return rc, tok
	}
	closed := func(t *testing.T, rc *rawLP) {
		t.Helper()
		rc.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		// A reset, when the server closed with bytes unread, is closed too.
		if n, err := rc.br.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("connection not closed: %d bytes, %v", n, err)
		}
	}
	t.Run("malformed header", func(t *testing.T) {
		rc, _ := parked(t)
		rc.send(fmt.Sprintf("GET /live/longpoll?vsn=2.0.0 HTTP/1.1\r\nHost: %s\r\nno colon here\r\n\r\n", rc.host))
		if resp, _ := rc.read(); resp.StatusCode != 400 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		closed(t, rc)
	})
	t.Run("garbage", func(t *testing.T) {
		rc, _ := parked(t)
		rc.send("\x00\x01 not http at all\r\n\r\n")
		if resp, _ := rc.read(); resp.StatusCode != 400 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		closed(t, rc)
	})
	t.Run("panic", func(t *testing.T) {
		rc, tok := parked(t)
		rc.send(strings.Replace(rc.post(tok, `["1","2","echo:b","push",{}]`), "\r\n\r\n", "\r\nX-Panic: 1\r\n\r\n", 1))
		closed(t, rc)
		eventually(t, 2*time.Second, func() bool { return strings.Contains(e.logs.String(), "middleware panic for the test") }, "the panic logged")
		// The session is still there for a new connection.
		if r := e.lpPost(tok, `["1","3","echo:b","push",{"y":1}]`); r.raw != `{"status":200}` {
			t.Fatalf("after the panic: %s", r.raw)
		}
	})
	t.Run("body over the limit", func(t *testing.T) {
		rc, tok := parked(t)
		// Past the limit by more than is read away to keep a connection.
		big := strings.Repeat("x", 17<<20)
		rc.send(rc.post(tok, big))
		if _, body := rc.read(); body != `{"status":410}` {
			t.Fatalf("over the limit: %s", body)
		}
		closed(t, rc)
		eventually(t, 2*time.Second, func() bool { return transport.LongPollSocketForTest(e.srv, tok) == nil }, "the session closed")
	})
	// Another session was never disturbed.
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:ok","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
}
