package main

// Mount-failure scenarios of issue 7, reproduced with the real
// phoenix_live_view client in Chromium against the server started
// in-process (app.New, as main does), each asserting what the person sees
// (banner, error state, countdown, progress bar, reloads) and what the
// client sent (_mounts and _mount_attempts of every join payload and
// socket URL, read from the browser's traffic by assets/e2e/failures_lib.mjs).
//
// TestFailuresBrowser runs assets/e2e/failures_browser.mjs once per
// scenario (E2E_SCENARIO), each with its own servers and Chromium:
//
//	healthy    _mounts 0 → 1 → 2 across two server restarts, attempts
//	           reset; during a real outage a banner that goes away by
//	           itself on recovery
//	tls        PHX_HOST=example.com behind a TLS proxy; the browser is at
//	           https://example.com (port 443, no port in the Origin)
//	origin-1.2 page from 127.0.0.1, PHX_HOST=localhost: banner, no storm
//	origin-1.0 the same with the incident's client line
//	wsproxy    a proxy that refuses WebSocket upgrades: LongPoll works
//	cookie     a proxy that drops the Cookie header on /live/*: banner,
//	           the reload loop stops
//	mount      a view whose mount panics, one whose mount returns an error
//	db         the database stops under a connected view, then returns
//	secret     SECRET_KEY_BASE rotated between the dead render and the join
//
// Every page URL carries ?run=<name>; the server-side recorder files each
// request under the run named in its URL or Referer (WebSocket upgrades
// carry no Referer and are filed under ""). The script reaches the test
// through a control server:
//
//	GET  /stats              the recorder, socket and engine stats, failure
//	                         counts of the current server
//	POST /restart?mode=M&secret=S&downMs=N
//	                         replace the server by a new one on the same port
//	                         (mode swap: socket hand-over; stop: a real
//	                         outage, the port closed for N ms); secret
//	                         "rotated" or "original" sets SECRET_KEY_BASE
//	POST /db?up=0|1          stop or start the fake database
//
// The tls scenario also runs the doctor through its TLS proxy with the
// browser's origin. TestFailuresDoctor runs the doctor (cmd/doctor/check)
// against the broken set-ups of the other scenarios that cmd/doctor/check's
// own tests do not cover (the origin taken from the page URL; mounts that
// fail or panic only once connected).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/cmd/doctor/check"
	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

const (
	failSecret        = "failures-e2e-secret-key-base-0123456789abcdefghijklmn"
	failSecretRotated = "failures-e2e-ROTATED-secret-key-base-9876543210zyxwvu"
)

// --- test views --------------------------------------------------------------

// fakeDB stands in for a database the views depend on: while down every
// query fails with an error wrapping live.ErrUnavailable.
type fakeDB struct {
	down    atomic.Bool
	queries atomic.Int64
}

func (d *fakeDB) Query() (int, error) {
	d.queries.Add(1)
	if d.down.Load() {
		return 0, fmt.Errorf("fake database: connection refused: %w", live.ErrUnavailable)
	}
	return 42, nil
}

func rawHTML(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

// failLayout is a page layout like an app's: a header with a plain link
// and a GET search form (outside the live view: they must keep working
// whatever happens to the live connection), then the live container.
func failLayout(p live.Page) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		title := p.Title
		if title == "" {
			title = "failures"
		}
		_, err := io.WriteString(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`+
			`<meta name="csrf-token" content="`+templ.EscapeString(p.CSRFToken)+`">`+
			`<title>`+templ.EscapeString(title)+`</title><link rel="icon" href="data:,">`+
			`<link phx-track-static rel="stylesheet" href="`+templ.EscapeString(p.Stylesheet)+`">`+
			`<script defer phx-track-static type="text/javascript" src="`+templ.EscapeString(p.Script)+`"></script>`+
			`</head><body><header><a id="static-link" href="/fail/static?from=link">A plain link</a>`+
			`<form id="search" action="/fail/static" method="get"><input id="search-q" name="q">`+
			`<button id="search-go" type="submit">Search</button></form></header><main>`)
		if err != nil {
			return err
		}
		if err := p.Body.Render(ctx, w); err != nil {
			return err
		}
		_, err = io.WriteString(w, `</main></body></html>`)
		return err
	})
}

// failPage is a healthy view: a counter and static content.
type failPage struct{ count int }

func (v *failPage) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle("Failure lab")
	return nil
}

func (v *failPage) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		v.count++
	}
	return nil
}

func (v *failPage) Render() templ.Component {
	return rawHTML(`<section id="fail-page"><h1>Failure lab</h1><p>Count: <span id="count">` +
		strconv.Itoa(v.count) + `</span></p><button id="inc" phx-click="inc">+1</button></section>`)
}

// failPanic panics in every Mount (dead render and join), or with
// ?on=join only once connected.
type failPanic struct{}

func (failPanic) Mount(s *live.Socket, p live.Params) error {
	if p.Get("on") != "join" || s.Connected() {
		panic("failtest: mount exploded")
	}
	return nil
}

func (failPanic) Render() templ.Component { return rawHTML(`<p id="panic-page">fine until joined</p>`) }

// failError's Mount returns an error once connected: the dead render
// succeeds, the join does not (a dependency only the live view uses).
type failError struct{}

func (failError) Mount(s *live.Socket, _ live.Params) error {
	if s.Connected() {
		return errors.New("failtest: cannot load the catalogue")
	}
	return nil
}

func (failError) Render() templ.Component {
	return rawHTML(`<section id="error-page"><h1>Catalogue</h1></section>`)
}

// failDBView reads the fake database in Mount and polls it every 200 ms
// once connected.
type failDBView struct {
	db           *fakeDB
	rows, polls  int
	pollInterval time.Duration
}

type failDBTick struct{}

func (v *failDBView) Mount(s *live.Socket, _ live.Params) error {
	n, err := v.db.Query()
	if err != nil {
		return err
	}
	v.rows = n
	s.SendAfter(v.pollInterval, failDBTick{})
	return nil
}

func (v *failDBView) HandleInfo(s *live.Socket, msg any) error {
	if _, ok := msg.(failDBTick); !ok {
		return nil
	}
	n, err := v.db.Query()
	if err != nil {
		return err
	}
	v.rows = n
	v.polls++
	s.SendAfter(v.pollInterval, failDBTick{})
	return nil
}

func (v *failDBView) Render() templ.Component {
	return rawHTML(`<section id="db-page"><h1>Catalogue</h1><p id="db-rows">rows: ` + strconv.Itoa(v.rows) +
		`</p><p id="db-polls">polls: ` + strconv.Itoa(v.polls) + `</p></section>`)
}

// registerFailViews mounts the test views, a plain page and /metrics.
func registerFailViews(st *app.Stack, db *fakeDB) {
	ls := st.Engine.Session("fail")
	ls.Handle(st.Mux, "GET /fail/page", "fail-page", func() live.View { return &failPage{} })
	ls.Handle(st.Mux, "GET /fail/panic", "fail-panic", func() live.View { return failPanic{} })
	ls.Handle(st.Mux, "GET /fail/error", "fail-error", func() live.View { return failError{} })
	ls.Handle(st.Mux, "GET /fail/db", "fail-db", func() live.View {
		return &failDBView{db: db, pollInterval: 200 * time.Millisecond}
	})
	st.Mux.HandleFunc("GET /fail/static", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Static</title><link rel="icon" href="data:,"></head>`+
			`<body><h1 id="static">Static page</h1><p id="static-q">q=%s</p></body></html>`,
			templ.EscapeString(r.URL.Query().Get("q")))
	})
	st.Mux.Handle("GET /metrics", st.MetricsHandler())
}

// --- traffic recorder ------------------------------------------------------

// failRunTraffic is what the server saw of one run.
type failRunTraffic struct {
	// Loads are the GETs of /fail/* pages, as "path@server" (server 1 is
	// the first, each restart adds one).
	Loads            []string
	WebSocket        int // upgrade requests reaching the app
	LongPollGets     int
	LongPollPosts    int
	LongPollSessions int // GETs answered {"status":410}: sessions created
	LongPollRefused  int // answered {"status":403}
	Diagnose         int
	// Origins are the Origin headers of socket requests.
	Origins map[string]int
	// WithoutCookie counts socket requests that came without a Cookie.
	WithoutCookie int
}

type failTraffic struct {
	mu   sync.Mutex
	runs map[string]*failRunTraffic
}

func (f *failTraffic) run(name string) *failRunTraffic {
	if f.runs == nil {
		f.runs = map[string]*failRunTraffic{}
	}
	r := f.runs[name]
	if r == nil {
		r = &failRunTraffic{Origins: map[string]int{}}
		f.runs[name] = r
	}
	return r
}

func (f *failTraffic) snapshot() map[string]failRunTraffic {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]failRunTraffic{}
	for k, v := range f.runs {
		c := *v
		c.Loads = append([]string(nil), v.Loads...)
		c.Origins = map[string]int{}
		for o, n := range v.Origins {
			c.Origins[o] = n
		}
		out[k] = c
	}
	return out
}

// runOf names the run a request belongs to: ?run= of its URL, else of its
// Referer.
func runOf(r *http.Request) string {
	if v := r.URL.Query().Get("run"); v != "" {
		return v
	}
	if ref, err := url.Parse(r.Referer()); err == nil {
		return ref.Query().Get("run")
	}
	return ""
}

// sniffWriter keeps the start of a response body (LongPoll answers are
// small JSON objects).
type sniffWriter struct {
	http.ResponseWriter
	head []byte
}

func (w *sniffWriter) Write(p []byte) (int, error) {
	if n := 256 - len(w.head); n > 0 {
		w.head = append(w.head, p[:min(n, len(p))]...)
	}
	return w.ResponseWriter.Write(p)
}

func (w *sniffWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var lpStatus = regexp.MustCompile(`"status"\s*:\s*(\d+)`)

// --- restartable app -----------------------------------------------------

// failApp is the server of one scenario, restartable on its port.
type failApp struct {
	t       *testing.T
	log     *slog.Logger
	addr    string
	db      *fakeDB
	traffic *failTraffic

	restartMu sync.Mutex
	mu        sync.Mutex
	cfg       app.Config
	st        *app.Stack
	ln        *failListener
	stop      context.CancelFunc
	done      chan error
	servers   int
}

func newFailApp(t *testing.T, cfg app.Config) *failApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	if cfg.SecretKeyBase == nil {
		cfg.SecretKeyBase = []byte(failSecret)
	}
	a := &failApp{t: t, log: e2e.Logger(t), addr: ln.Addr().String(), db: &fakeDB{}, traffic: &failTraffic{}, cfg: cfg}
	if err := a.start(ln); err != nil {
		ln.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.shutdown(); err != nil {
			t.Errorf("server shutdown: %v", err)
		}
	})
	return a
}

func (a *failApp) URL() string { return "http://" + a.addr }

func (a *failApp) Port() int {
	_, p, _ := net.SplitHostPort(a.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// failListener remembers the connections it accepted, so that a server
// replaced in a swap can close them once its sockets are drained (as its
// process exiting would); otherwise browsers keep talking to it over
// kept-alive connections.
type failListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *failListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *failListener) closeConns() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

func (a *failApp) start(plain net.Listener) error {
	ln := &failListener{Listener: plain}
	a.mu.Lock()
	cfg := a.cfg
	a.mu.Unlock()
	st, err := app.New(cfg, a.log, failLayout)
	if err != nil {
		return err
	}
	registerFailViews(st, a.db)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	a.mu.Lock()
	a.st, a.ln, a.stop, a.done = st, ln, cancel, done
	a.servers++
	server := a.servers
	a.mu.Unlock()
	go func() { done <- st.ServeListener(ctx, ln, a.handler(st, server)) }()
	return nil
}

// handler records the traffic of st (server number server), then serves it.
func (a *failApp) handler(st *app.Stack, server int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if !strings.HasPrefix(p, "/live/") {
			if r.Method == http.MethodGet && strings.HasPrefix(p, "/fail/") {
				a.traffic.mu.Lock()
				run := a.traffic.run(runOf(r))
				run.Loads = append(run.Loads, p+"@"+strconv.Itoa(server))
				a.traffic.mu.Unlock()
			}
			st.Mux.ServeHTTP(w, r)
			return
		}
		name := runOf(r)
		note := func(f func(*failRunTraffic)) {
			a.traffic.mu.Lock()
			f(a.traffic.run(name))
			a.traffic.mu.Unlock()
		}
		socket := strings.HasSuffix(p, "/websocket") || strings.HasSuffix(p, "/longpoll")
		if socket {
			note(func(t *failRunTraffic) {
				if o := r.Header.Get("Origin"); o != "" {
					t.Origins[o]++
				}
				if r.Header.Get("Cookie") == "" {
					t.WithoutCookie++
				}
			})
		}
		switch {
		case strings.HasSuffix(p, "/websocket"):
			note(func(t *failRunTraffic) { t.WebSocket++ })
			st.Mux.ServeHTTP(w, r)
		case strings.HasSuffix(p, "/longpoll"):
			sw := &sniffWriter{ResponseWriter: w}
			st.Mux.ServeHTTP(sw, r)
			status := 0
			if m := lpStatus.FindSubmatch(sw.head); m != nil {
				status, _ = strconv.Atoi(string(m[1]))
			}
			note(func(t *failRunTraffic) {
				switch r.Method {
				case http.MethodGet:
					t.LongPollGets++
					if status == 410 {
						t.LongPollSessions++
					}
				case http.MethodPost:
					t.LongPollPosts++
				}
				if status == 403 {
					t.LongPollRefused++
				}
			})
		default:
			if strings.HasSuffix(p, "/diagnose") {
				note(func(t *failRunTraffic) { t.Diagnose++ })
			}
			st.Mux.ServeHTTP(w, r)
		}
	})
}

func (a *failApp) stack() *app.Stack {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st
}

func (a *failApp) detach() (*app.Stack, *failListener, context.CancelFunc, chan error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, ln, stop, done := a.st, a.ln, a.stop, a.done
	a.stop, a.done = nil, nil
	return st, ln, stop, done
}

func failWaitServe(done chan error) error {
	select {
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
			err = nil
		}
		return err
	case <-time.After(15 * time.Second):
		return errors.New("ServeListener did not return within 15 s")
	}
}

func (a *failApp) shutdown() error {
	_, _, stop, done := a.detach()
	if stop == nil {
		return nil
	}
	stop()
	return failWaitServe(done)
}

func (a *failApp) listenAgain() (net.Listener, error) {
	for deadline := time.Now().Add(5 * time.Second); ; {
		ln, err := net.Listen("tcp", a.addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			if err != nil {
				return nil, fmt.Errorf("listening again on %s: %w", a.addr, err)
			}
			return ln, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restart replaces the server by a new Stack on the same port, with secret
// as SECRET_KEY_BASE if not empty. Mode "stop": the old server drains and
// stops, then the new one starts (clients see an outage). Mode "swap": the
// new server listens before the old socket server drains (hand-over).
// down is how long the port stays closed in mode stop.
func (a *failApp) restart(mode, secret string, down time.Duration) error {
	a.restartMu.Lock()
	defer a.restartMu.Unlock()
	if secret != "" {
		a.mu.Lock()
		a.cfg.SecretKeyBase = []byte(secret)
		a.mu.Unlock()
	}
	switch mode {
	case "stop", "":
		if err := a.shutdown(); err != nil {
			return err
		}
		time.Sleep(down)
		ln, err := a.listenAgain()
		if err != nil {
			return err
		}
		if err := a.start(ln); err != nil {
			ln.Close()
			return err
		}
	case "swap":
		old, oldLn, stop, done := a.detach()
		if stop == nil {
			return errors.New("no server running")
		}
		oldLn.Close()
		err := failWaitServe(done)
		stop()
		if err != nil {
			return err
		}
		ln, err := a.listenAgain()
		if err != nil {
			return err
		}
		if err := a.start(ln); err != nil {
			ln.Close()
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := old.Socket.Shutdown(ctx); err != nil {
			return fmt.Errorf("draining the old socket server: %w", err)
		}
		oldLn.closeConns()
	default:
		return fmt.Errorf("restart mode %q: want stop or swap", mode)
	}
	a.t.Logf("server restarted (%s, new secret: %v) on %s", mode, secret != "", a.addr)
	return nil
}

func (a *failApp) control(t *testing.T) *e2e.Control {
	ctl := e2e.NewControl(t)
	ctl.Handle("GET /stats", func(*http.Request) (any, error) {
		st := a.stack()
		es := st.Engine.Stats()
		a.mu.Lock()
		servers := a.servers
		a.mu.Unlock()
		return map[string]any{
			"servers":  servers,
			"runs":     a.traffic.snapshot(),
			"socket":   st.Socket.Stats(),
			"failures": st.Socket.FailureCounts(),
			"db":       map[string]any{"down": a.db.down.Load(), "queries": a.db.queries.Load()},
			"engine": map[string]int64{
				"Views": es.Views.Load(), "Joins": es.Joins.Load(), "JoinErrors": es.JoinErrors.Load(),
				"MountErrors": es.MountErrors.Load(), "DeadRenders": es.DeadRenders.Load(), "Crashes": es.Crashes.Load(),
			},
		}, nil
	})
	ctl.Handle("POST /restart", func(r *http.Request) (any, error) {
		secret := ""
		switch r.URL.Query().Get("secret") {
		case "rotated":
			secret = failSecretRotated
		case "original":
			secret = failSecret
		}
		down, _ := strconv.Atoi(r.URL.Query().Get("downMs"))
		if err := a.restart(r.URL.Query().Get("mode"), secret, time.Duration(down)*time.Millisecond); err != nil {
			return nil, err
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		return map[string]int{"servers": a.servers}, nil
	})
	ctl.Handle("POST /db", func(r *http.Request) (any, error) {
		a.db.down.Store(r.URL.Query().Get("up") != "1")
		return map[string]bool{"down": a.db.down.Load()}, nil
	})
	return ctl
}

// --- proxies ---------------------------------------------------------------

// failProxy is a reverse proxy in front of an app: it keeps the browser's
// Host and Origin, and can refuse WebSocket upgrades or drop the Cookie
// header under a path, as misconfigured proxies do.
func failProxy(target string, blockUpgrade bool, stripCookieUnder string) http.Handler {
	tu, _ := url.Parse(target)
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(tu)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		// The browser aborts requests when pages navigate or close.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if blockUpgrade && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "WebSocket upgrades are not allowed here", http.StatusBadRequest)
			return
		}
		if stripCookieUnder != "" && strings.HasPrefix(r.URL.Path, stripCookieUnder) {
			r.Header.Del("Cookie")
		}
		rp.ServeHTTP(w, r)
	})
}

// --- the browser scenarios -------------------------------------------------

type failScenario struct {
	name string
	line string
	// setup starts the servers and returns the page base URL, the app
	// itself (for the control server) and extra environment.
	setup func(t *testing.T) (base string, a *failApp, env map[string]string)
	// after checks, on the server side, what the run left behind.
	after func(t *testing.T, a *failApp)
}

func failScenarios() []failScenario {
	plain := func(cfg app.Config) func(t *testing.T) (string, *failApp, map[string]string) {
		return func(t *testing.T) (string, *failApp, map[string]string) {
			a := newFailApp(t, cfg)
			return a.URL(), a, nil
		}
	}
	behind := func(block bool, strip string) func(t *testing.T) (string, *failApp, map[string]string) {
		return func(t *testing.T) (string, *failApp, map[string]string) {
			a := newFailApp(t, app.Config{})
			front := e2e.NewServer(t, failProxy(a.URL(), block, strip))
			return front.URL(), a, map[string]string{"E2E_APP": a.URL()}
		}
	}
	originNoStorm := func(t *testing.T, a *failApp) {
		for name, r := range a.traffic.snapshot() {
			if r.LongPollSessions != 0 || r.LongPollPosts != 0 {
				t.Errorf("run %q: %d LongPoll sessions created and %d POSTs for a refused origin, want 0", name, r.LongPollSessions, r.LongPollPosts)
			}
		}
		if s := a.stack().Socket.Stats(); s.FramesIn != 0 || s.LongPollSessions != 0 {
			t.Errorf("refused origin: %d frames in, %d LongPoll sessions on the server, want 0", s.FramesIn, s.LongPollSessions)
		}
	}
	return []failScenario{
		{name: "healthy", setup: plain(app.Config{})},
		{name: "tls", setup: func(t *testing.T) (string, *failApp, map[string]string) {
			a := newFailApp(t, app.Config{PhxHost: "example.com"})
			front := httptest.NewUnstartedServer(failProxy(a.URL(), false, ""))
			front.Config.ErrorLog = log.New(io.Discard, "", 0)
			front.StartTLS()
			t.Cleanup(front.Close)
			fu, _ := url.Parse(front.URL)
			t.Cleanup(func() { failDoctorTLS(t, a, front) })
			return "https://example.com", a, map[string]string{
				"E2E_HOST_RULES": "MAP example.com:443 " + fu.Host,
				"E2E_APP":        a.URL(),
			}
		}},
		{name: "origin-1.2", line: "1.2", setup: plain(app.Config{PhxHost: "localhost"}), after: originNoStorm},
		{name: "origin-1.0", line: "1.0", setup: plain(app.Config{PhxHost: "localhost", ClientLine: "1.0"}), after: originNoStorm},
		{name: "wsproxy", setup: behind(true, ""), after: func(t *testing.T, a *failApp) {
			for name, r := range a.traffic.snapshot() {
				if r.WebSocket != 0 {
					t.Errorf("run %q: %d WebSocket upgrades reached the app through a proxy that refuses them", name, r.WebSocket)
				}
			}
		}},
		{name: "cookie", setup: behind(false, "/live/"), after: func(t *testing.T, a *failApp) {
			for name, r := range a.traffic.snapshot() {
				if name == "" {
					continue
				}
				n := 0
				for _, l := range r.Loads {
					if strings.HasPrefix(l, "/fail/page@") {
						n++
					}
				}
				if n > 3 {
					t.Errorf("run %q: %d loads of /fail/page %v, want ≤ 3 (the reload loop must stop)", name, n, r.Loads)
				}
			}
		}},
		{name: "mount", setup: plain(app.Config{})},
		{name: "db", setup: plain(app.Config{})},
		{name: "secret", setup: plain(app.Config{}), after: func(t *testing.T, a *failApp) {
			for name, r := range a.traffic.snapshot() {
				if !strings.HasPrefix(name, "secret-") {
					continue
				}
				if len(r.Loads) != 2 {
					t.Errorf("run %q: page loads %v, want exactly 2 (one reload)", name, r.Loads)
				}
			}
		}},
	}
}

// TestFailuresBrowser reproduces each mount failure with the real client.
func TestFailuresBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.0.js")
	for _, sc := range failScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			base, a, extra := sc.setup(t)
			ctl := a.control(t)
			line := sc.line
			if line == "" {
				line = "1.2"
			}
			env := map[string]string{
				"E2E_SCENARIO":    sc.name,
				"E2E_URL":         base,
				"E2E_APP":         a.URL(),
				"E2E_CONTROL":     ctl.URL(),
				"CHROMIUM_PATH":   chromium,
				"E2E_CLIENT_LINE": line,
				"E2E_CLIENT_VSN":  a.cfg.ClientVersion(),
			}
			for k, v := range extra {
				env[k] = v
			}
			if sc.after != nil {
				defer sc.after(t, a)
			}
			defer func() {
				for name, r := range a.traffic.snapshot() {
					t.Logf("run %q: server saw %+v", name, r)
				}
				t.Logf("failure counts: %v", a.stack().Socket.FailureCounts())
			}()
			e2e.RunNode(t, "failures_browser.mjs", env, 90*time.Second)
		})
	}
}

// --- the doctor ------------------------------------------------------------

func failDoctor(t *testing.T, client *http.Client, rawURL, origin string) check.Report {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *client
	c.Jar = jar
	c.Timeout = 5 * time.Second
	ck := &check.Checker{Client: &c, Origin: origin, Timeout: 5 * time.Second}
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	rep := ck.Run(context.Background(), u)
	for _, s := range rep.Steps {
		t.Logf("doctor %s: ok=%v cause=%q detail=%q fix=%q", s.Name, s.OK, s.Cause, s.Detail, s.Fix)
	}
	if rep.Server != nil {
		t.Logf("doctor: server diagnosis cause=%q message=%q fix=%q", rep.Server.Cause, rep.Server.Message, rep.Server.Fix)
	}
	return rep
}

func failStep(t *testing.T, rep check.Report, name string) check.Step {
	t.Helper()
	for _, s := range rep.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("doctor report has no step %q: %+v", name, rep.Steps)
	return check.Step{}
}

// failDoctorTLS runs the doctor through the TLS proxy of the tls scenario
// with the browser's origin (https://example.com, no port): it passes.
func failDoctorTLS(t *testing.T, a *failApp, front *httptest.Server) {
	rep := failDoctor(t, front.Client(), front.URL+"/fail/page", "https://example.com")
	if !rep.OK {
		t.Errorf("doctor through the TLS proxy with origin https://example.com against PHX_HOST=example.com failed: %+v", rep.Steps)
	}
	for _, n := range []string{"websocket join", "longpoll join"} {
		if !failStep(t, rep, n).OK {
			t.Errorf("doctor step %s failed", n)
		}
	}
}

// TestFailuresDoctor runs the doctor against the broken set-ups of the
// browser scenarios that cmd/doctor/check's tests do not already cover
// (those cover a refused explicit -origin, a proxy refusing upgrades, a
// proxy dropping the cookie, a mount failing in the dead render, and
// mismatched secrets between nodes).
func TestFailuresDoctor(t *testing.T) {
	t.Parallel()
	client := &http.Client{}

	// Scenario 3: the page is served from 127.0.0.1 but PHX_HOST says
	// localhost; the doctor uses the page's own origin (no -origin).
	t.Run("origin from the page URL", func(t *testing.T) {
		a := newFailApp(t, app.Config{PhxHost: "localhost"})
		origin := "http://127.0.0.1:" + strconv.Itoa(a.Port())
		rep := failDoctor(t, client, a.URL()+"/fail/page", "")
		if rep.OK || rep.Origin != origin {
			t.Fatalf("report ok=%v origin=%q, want a failure for origin %s", rep.OK, rep.Origin, origin)
		}
		for _, n := range []string{"websocket upgrade", "longpoll open"} {
			s := failStep(t, rep, n)
			if s.OK || s.Cause != transport.CauseOriginRefused {
				t.Errorf("%s: ok=%v cause=%q, want %s", n, s.OK, s.Cause, transport.CauseOriginRefused)
			}
			for _, want := range []string{"origin " + origin + " refused", "CHECK_ORIGIN=" + origin, "PHX_HOST=127.0.0.1", `"localhost"`} {
				if !strings.Contains(s.Fix, want) {
					t.Errorf("%s fix %q does not contain %q", n, s.Fix, want)
				}
			}
		}
		if rep.Server == nil || rep.Server.Cause != transport.CauseOriginRefused || !strings.Contains(rep.Server.Message, origin) {
			t.Errorf("server diagnosis %+v, want %s naming %s", rep.Server, transport.CauseOriginRefused, origin)
		}
	})

	// Scenario 6: mounts that fail only once connected (the dead render is
	// fine, so only a join shows it), over both transports.
	t.Run("mount error on join", func(t *testing.T) {
		a := newFailApp(t, app.Config{})
		rep := failDoctor(t, client, a.URL()+"/fail/error", "")
		if rep.OK || !failStep(t, rep, "page").OK {
			t.Fatalf("report ok=%v; want the page to render and the joins to fail", rep.OK)
		}
		for _, n := range []string{"websocket join", "longpoll join"} {
			s := failStep(t, rep, n)
			if s.OK || s.Cause != transport.CauseMountError || !strings.Contains(s.Fix, "request id") {
				t.Errorf("%s: ok=%v cause=%q fix=%q, want %s and a pointer to the request id", n, s.OK, s.Cause, s.Fix, transport.CauseMountError)
			}
		}
		if n := a.stack().Socket.FailureCounts()[transport.CauseMountError]; n != 2 {
			t.Errorf("server counted %d mount errors for the doctor's two joins, want 2", n)
		}
	})

	// Scenario 6: a mount that panics once connected. The doctor sees the
	// error state in the join reply; the server counts a mount_panic.
	t.Run("mount panic on join", func(t *testing.T) {
		a := newFailApp(t, app.Config{})
		rep := failDoctor(t, client, a.URL()+"/fail/panic?on=join", "")
		if rep.OK || !failStep(t, rep, "page").OK {
			t.Fatalf("report ok=%v; want the page to render and the joins to fail", rep.OK)
		}
		for _, n := range []string{"websocket join", "longpoll join"} {
			s := failStep(t, rep, n)
			if s.OK || (s.Cause != transport.CauseMountError && s.Cause != transport.CauseMountPanic) {
				t.Errorf("%s: ok=%v cause=%q, want a mount failure", n, s.OK, s.Cause)
			}
		}
		if n := a.stack().Socket.FailureCounts()[transport.CauseMountPanic]; n != 2 {
			t.Errorf("server counted %d mount panics for the doctor's two joins, want 2", n)
		}
	})
}
