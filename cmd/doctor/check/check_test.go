package check

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/transport"
)

type failingView struct{}

func (failingView) Mount(*live.Socket, live.Params) error { return errors.New("boom in mount") }
func (failingView) Render() templ.Component               { return templ.Raw("<p>never</p>") }

// stack starts a real server (the same wiring as cmd/server) on loopback.
func stack(t *testing.T, phxHost, secret string) (*app.Stack, *httptest.Server) {
	t.Helper()
	cfg := app.Config{SecretKeyBase: []byte(secret), PhxHost: phxHost}
	st, err := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	examples.Register(st.Engine, st.Mux)
	st.Engine.Session("broken").Handle(st.Mux, "GET /broken", "broken", func() live.View { return failingView{} })
	srv := httptest.NewServer(st.Mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st.Socket.Shutdown(ctx)
		srv.Close()
	})
	return st, srv
}

func run(t *testing.T, rawURL, origin string) Report {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &Checker{Client: &http.Client{Jar: jar, Timeout: 5 * time.Second}, Origin: origin, Timeout: 5 * time.Second}
	u, _ := url.Parse(rawURL)
	return c.Run(context.Background(), u)
}

func step(t *testing.T, rep Report, name string) Step {
	t.Helper()
	for _, s := range rep.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no step %q in %+v", name, rep.Steps)
	return Step{}
}

const secret = "0123456789abcdef0123456789abcdef0123456789abcdef"

func TestHealthy(t *testing.T) {
	_, srv := stack(t, "", secret)
	rep := run(t, srv.URL+"/examples/counter", "")
	if !rep.OK {
		t.Fatalf("healthy server reported failures: %+v", rep.Steps)
	}
	for _, n := range []string{"page", "websocket upgrade", "websocket heartbeat", "websocket join", "longpoll open", "longpoll join"} {
		if !step(t, rep, n).OK {
			t.Errorf("step %s failed", n)
		}
	}
}

// A real page's join reply is larger than a WebSocket library's default
// read limit (32 KiB): the doctor must still read it.
func TestLargePage(t *testing.T) {
	_, srv := stack(t, "", secret)
	rep := run(t, srv.URL+"/examples/grid?cards=300", "")
	if !rep.OK || !step(t, rep, "websocket join").OK {
		t.Fatalf("large page: %+v", rep.Steps)
	}
}

func TestOriginRefusedNamesTheFix(t *testing.T) {
	_, srv := stack(t, "example.org", secret)
	rep := run(t, srv.URL+"/examples/counter", "https://example.com")
	if rep.OK {
		t.Fatal("refused origin reported OK")
	}
	for _, n := range []string{"websocket upgrade", "longpoll open"} {
		s := step(t, rep, n)
		if s.OK || s.Cause != transport.CauseOriginRefused {
			t.Fatalf("%s: %+v", n, s)
		}
		if !strings.Contains(s.Fix, "CHECK_ORIGIN=https://example.com") || !strings.Contains(s.Fix, "PHX_HOST=example.com") ||
			!strings.Contains(s.Fix, `"example.org"`) {
			t.Fatalf("%s fix does not name the change: %q", n, s.Fix)
		}
	}
}

func TestTLSProxyOriginWithPhxHost(t *testing.T) {
	// Browser origin https://example.com (port 443 implied) against a server
	// on plain HTTP with PHX_HOST=example.com: allowed, no port tricks.
	_, srv := stack(t, "example.com", secret)
	rep := run(t, srv.URL+"/examples/counter", "https://example.com")
	if !rep.OK {
		t.Fatalf("PHX_HOST origin refused: %+v", rep.Steps)
	}
}

func TestMountErrorIsReported(t *testing.T) {
	_, srv := stack(t, "", secret)
	rep := run(t, srv.URL+"/broken", "")
	// The dead render answers 500 with the error state: the page step fails.
	s := step(t, rep, "page")
	if s.OK || !strings.Contains(s.Detail, "500") || s.Cause != transport.CauseMountError || !strings.Contains(s.Fix, "request id ") {
		t.Fatalf("page step: %+v", s)
	}
}

// The page comes from one node, the socket from another with a different
// secret: the tokens are refused ("stale") and the fix names the secret.
func TestSecretMismatchBetweenNodes(t *testing.T) {
	_, a := stack(t, "", secret)
	_, b := stack(t, "", strings.Repeat("z", 48))
	bu, _ := url.Parse(b.URL)
	mux := http.NewServeMux()
	proxyTo := func(target string) http.Handler {
		tu, _ := url.Parse(target)
		return &httputilProxy{target: tu}
	}
	mux.Handle("/live/", proxyTo(bu.String()))
	mux.Handle("/", proxyTo(a.URL))
	front := httptest.NewServer(mux)
	defer front.Close()
	rep := run(t, front.URL+"/examples/counter", "")
	js := step(t, rep, "websocket join")
	if js.OK {
		t.Fatal("join with foreign tokens succeeded")
	}
	if !strings.Contains(js.Fix, "SECRET_KEY_BASE") && !strings.Contains(js.Fix, "session") {
		t.Fatalf("fix does not point at the secret or session: %q", js.Fix)
	}
}

// A proxy that refuses WebSocket upgrades: LongPoll still works, and the
// report says how to restore WebSocket.
func TestWebSocketBlockedLongPollWorks(t *testing.T) {
	_, srv := stack(t, "", secret)
	su, _ := url.Parse(srv.URL)
	p := &httputilProxy{target: su, blockUpgrade: true}
	front := httptest.NewServer(p)
	defer front.Close()
	rep := run(t, front.URL+"/examples/counter", "")
	ws := step(t, rep, "websocket upgrade")
	if ws.OK || ws.Cause != "websocket_blocked" {
		t.Fatalf("websocket step: %+v", ws)
	}
	if !step(t, rep, "longpoll join").OK {
		t.Fatalf("longpoll should work: %+v", rep.Steps)
	}
	if !strings.Contains(step(t, rep, "summary").Fix, "WebSocket") {
		t.Fatal("summary does not explain the fallback")
	}
}

// The session cookie does not reach /live (a proxy drops it): the join
// is refused and the server's diagnosis names the cookie.
func TestSessionCookieNotReachingSocket(t *testing.T) {
	_, srv := stack(t, "", secret)
	su, _ := url.Parse(srv.URL)
	p := &httputilProxy{target: su, stripCookieUnder: "/live/"}
	front := httptest.NewServer(p)
	defer front.Close()
	rep := run(t, front.URL+"/examples/counter", "")
	js := step(t, rep, "websocket join")
	if js.OK {
		t.Fatal("join without session cookie succeeded")
	}
	if rep.Server == nil || rep.Server.Cause != transport.CauseSessionMissing {
		t.Fatalf("server diagnosis = %+v, want %s", rep.Server, transport.CauseSessionMissing)
	}
	if !strings.Contains(js.Fix, "cookie") {
		t.Fatalf("fix does not mention the cookie: %q", js.Fix)
	}
}

func TestServerUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	rep := run(t, addr+"/movies", "")
	if rep.OK || step(t, rep, "page").Cause != "server_unreachable" {
		t.Fatalf("unreachable server: %+v", rep.Steps)
	}
}
