package transport_test

// End-to-end tests of the socket server with the real phoenix npm client,
// in Node and in Chromium. Each test starts the server on 127.0.0.1 with
// transport/echo mounted on "echo:*", runs a script from assets/e2e
// (internal/e2e.RunNode) and checks the server-side record of what the
// client did. Scripts reach the test through a control server:
//
//	GET  /stats    the current server's Stats, restarts, Connect calls,
//	               Terminate calls and every socket request seen
//	POST /restart  ?mode=graceful|abrupt&downMs=N: stop the server (graceful:
//	               Server.Shutdown first; abrupt: cut every connection), stay
//	               down N ms, start a new Server on the same port

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

// e2eTerm is one Terminate call seen by the echo channel.
type e2eTerm struct {
	Topic, Reason string
	Server        int // which server (0 = first, 1 after one restart…)
}

// e2eRequest is one request to /socket/*, as the harness saw it.
type e2eRequest struct {
	Transport string // "longpoll" or "websocket"
	Method    string
	// Status: for LongPoll the protocol status from the JSON body (HTTP is
	// always 200); for WebSocket the HTTP status (101 when upgraded).
	Status int
	// Source is the host:port of the page that made the request, from the
	// Origin header or else the Referer; "" for non-browser clients.
	Source string
	AtMS   int64 // since the harness started
	Server int
	// Frames is what a LongPoll POST carried (its ndjson lines), for
	// diagnostics.
	Frames []string `json:",omitempty"`
}

type e2eOptions struct {
	Origin *transport.OriginPolicy // nil: the server's default
	Page   http.Handler            // served at "/"
}

type e2eHarness struct {
	t     *testing.T
	opts  e2eOptions
	app   *e2e.Server
	ctl   *e2e.Control
	start time.Time
	asset http.Handler
	log   *slog.Logger // one for every server, so all log until the end

	restartMu sync.Mutex // one restart at a time

	mu       sync.Mutex
	srv      *transport.Server
	servers  []*transport.Server
	terms    []e2eTerm
	reqs     []e2eRequest
	connects map[string]int // Connect calls by Source
}

func newE2EHarness(t *testing.T, opts e2eOptions) *e2eHarness {
	t.Helper()
	h := &e2eHarness{t: t, opts: opts, start: time.Now(), asset: e2e.AssetHandler(), log: e2e.Logger(t), connects: map[string]int{}}
	h.srv = h.newServer(0)
	h.servers = []*transport.Server{h.srv}
	t.Cleanup(h.shutdownAll) // runs after the servers below have stopped
	h.app = e2e.NewServer(t, h)
	h.ctl = e2e.NewControl(t)
	h.ctl.Handle("GET /stats", func(*http.Request) (any, error) { return h.snapshot(), nil })
	h.ctl.Handle("POST /restart", h.restartHandler)
	return h
}

func (h *e2eHarness) newServer(index int) *transport.Server {
	r := &transport.Router{}
	echo.Register(r, "echo:*", func(topic string, reason error) {
		h.mu.Lock()
		h.terms = append(h.terms, e2eTerm{Topic: topic, Reason: reason.Error(), Server: index})
		h.mu.Unlock()
	})
	return transport.NewServer(transport.Config{
		Router: r,
		Origin: h.opts.Origin,
		Secret: []byte("e2e-test-secret-0123456789abcdef"),
		Logger: h.log,
		Connect: func(info *transport.ConnInfo) error {
			src := info.Origin.Origin
			if src == "" {
				src = info.Referer
			}
			if src != "" {
				src = e2eHostOf(src)
			}
			h.mu.Lock()
			h.connects[src]++
			h.mu.Unlock()
			return nil
		},
	})
}

func (h *e2eHarness) shutdownAll() {
	h.mu.Lock()
	servers := h.servers
	h.mu.Unlock()
	for _, s := range servers {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.Shutdown(ctx); err != nil {
			h.t.Errorf("server shutdown: %v", err)
		}
		cancel()
	}
}

// env is the environment for a script: the app and control URLs, the
// browser, plus extra.
func (h *e2eHarness) env(chromium string, extra map[string]string) map[string]string {
	m := map[string]string{"E2E_URL": h.app.URL(), "E2E_CONTROL": h.ctl.URL()}
	if chromium != "" {
		m["CHROMIUM_PATH"] = chromium
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (h *e2eHarness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/":
		if h.opts.Page == nil {
			http.NotFound(w, r)
			return
		}
		h.opts.Page.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/assets/"):
		h.asset.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/socket/"):
		h.serveSocket(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveSocket passes the request to the current server and records what it
// answered.
func (h *e2eHarness) serveSocket(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	srv, index := h.srv, len(h.servers)-1
	h.mu.Unlock()
	rec := e2eRequest{Method: r.Method, Source: e2eRequestSource(r), Server: index}
	rw := &e2eRecordingWriter{ResponseWriter: w}
	switch {
	case strings.HasSuffix(r.URL.Path, "/longpoll"):
		rec.Transport = "longpoll"
		rw.keepBody = true
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			for line := range strings.SplitSeq(string(body), "\n") {
				if len(line) > 300 {
					line = line[:300] + "…"
				}
				rec.Frames = append(rec.Frames, line)
			}
		}
	case strings.HasSuffix(r.URL.Path, "/websocket"):
		rec.Transport = "websocket"
	}
	srv.ServeHTTP(rw, r)
	switch {
	case rw.hijacked:
		rec.Status = http.StatusSwitchingProtocols
	case rec.Transport == "longpoll":
		var body struct {
			Status int `json:"status"`
		}
		if err := json.Unmarshal(rw.body.Bytes(), &body); err != nil {
			rec.Status = -1 // not the protocol's JSON: phoenix.js reads it as status 0
		} else {
			rec.Status = body.Status
		}
	default:
		rec.Status = rw.code
		if rec.Status == 0 {
			rec.Status = http.StatusOK
		}
	}
	rec.AtMS = time.Since(h.start).Milliseconds()
	h.mu.Lock()
	h.reqs = append(h.reqs, rec)
	h.mu.Unlock()
}

// e2eRequestSource is the host:port of the page behind a browser request.
func e2eRequestSource(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return e2eHostOf(o)
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		return e2eHostOf(ref)
	}
	return ""
}

func e2eHostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return u.Host
}

type e2eRecordingWriter struct {
	http.ResponseWriter
	code     int
	keepBody bool
	body     bytes.Buffer
	hijacked bool
}

func (w *e2eRecordingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *e2eRecordingWriter) Write(p []byte) (int, error) {
	if w.keepBody && w.body.Len() < 1<<20 {
		w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

func (w *e2eRecordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *e2eRecordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("not a Hijacker")
	}
	c, brw, err := hj.Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, brw, err
}

func (w *e2eRecordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type e2eSnapshot struct {
	Stats        transport.StatsSnapshot `json:"stats"`
	Server       int                     `json:"server"`
	Restarts     int                     `json:"restarts"`
	Connects     map[string]int          `json:"connects"`
	Terminations []e2eTerm               `json:"terminations"`
	Requests     []e2eRequest            `json:"requests"`
}

func (h *e2eHarness) snapshot() e2eSnapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	connects := make(map[string]int, len(h.connects))
	for k, v := range h.connects {
		connects[k] = v
	}
	return e2eSnapshot{
		Stats:        h.srv.Stats(),
		Server:       len(h.servers) - 1,
		Restarts:     len(h.servers) - 1,
		Connects:     connects,
		Terminations: append([]e2eTerm(nil), h.terms...),
		Requests:     append([]e2eRequest(nil), h.reqs...),
	}
}

func (h *e2eHarness) restartHandler(r *http.Request) (any, error) {
	mode := r.URL.Query().Get("mode")
	if mode != "graceful" && mode != "abrupt" {
		return nil, fmt.Errorf("mode %q: want graceful or abrupt", mode)
	}
	down, _ := strconv.Atoi(r.URL.Query().Get("downMs"))
	if err := h.restart(mode == "graceful", time.Duration(down)*time.Millisecond); err != nil {
		return nil, err
	}
	s := h.snapshot()
	return map[string]int{"restarts": s.Restarts, "server": s.Server}, nil
}

// restart stops the server and starts a new one on the same port.
func (h *e2eHarness) restart(graceful bool, down time.Duration) error {
	h.restartMu.Lock()
	defer h.restartMu.Unlock()
	h.mu.Lock()
	old := h.srv
	index := len(h.servers)
	h.mu.Unlock()
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := old.Shutdown(ctx)
		cancel()
		if err != nil {
			return fmt.Errorf("graceful shutdown: %w", err)
		}
	}
	h.app.Stop(graceful)
	time.Sleep(down)
	srv := h.newServer(index)
	h.mu.Lock()
	h.srv = srv
	h.servers = append(h.servers, srv)
	h.mu.Unlock()
	return h.app.Start()
}

// requests returns the recorded socket requests matching keep.
func (h *e2eHarness) requests(keep func(e2eRequest) bool) []e2eRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []e2eRequest
	for _, r := range h.reqs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func TestPhoenixClientNode(t *testing.T) {
	t.Parallel()
	for _, tr := range []string{"websocket", "longpoll"} {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			e2e.RequireNode(t)
			h := newE2EHarness(t, e2eOptions{})
			e2e.RunNode(t, "channel_node.mjs", h.env("", map[string]string{"E2E_TRANSPORT": tr}), 90*time.Second)
			h.checkOnlyTransport(t, tr)
		})
	}
}

func TestPhoenixClientBrowser(t *testing.T) {
	t.Parallel()
	for _, tr := range []string{"websocket", "longpoll"} {
		t.Run(tr, func(t *testing.T) {
			// Each subtest has its own servers, ports and browser.
			t.Parallel()
			chromium := e2e.RequireChromium(t)
			e2e.RequireAssets(t, "phoenix.js")
			h := newE2EHarness(t, e2eOptions{Page: e2e.PhoenixPage("phoenix channel e2e", "")})
			e2e.RunNode(t, "channel_browser.mjs", h.env(chromium, map[string]string{"E2E_TRANSPORT": tr}), 90*time.Second)
			h.checkOnlyTransport(t, tr)
		})
	}
}

// checkOnlyTransport checks, from the server's side, that the client used
// transport tr and never the other one, and that the suite's restarts
// happened.
func (h *e2eHarness) checkOnlyTransport(t *testing.T, tr string) {
	t.Helper()
	other := map[string]string{"websocket": "longpoll", "longpoll": "websocket"}[tr]
	if n := len(h.requests(func(r e2eRequest) bool { return r.Transport == other })); n != 0 {
		t.Errorf("%d requests to /socket/%s; the client should only use %s", n, other, tr)
	}
	opened := h.requests(func(r e2eRequest) bool {
		return r.Transport == tr && (r.Status == http.StatusSwitchingProtocols || r.Method == http.MethodGet && r.Status == 410)
	})
	servers := map[int]bool{}
	for _, r := range opened {
		servers[r.Server] = true
	}
	// Two restarts: the client must have opened a socket on all three servers.
	if len(servers) != 3 {
		t.Errorf("%s sockets opened on servers %v, want on each of 0, 1, 2 (%d opens)", tr, servers, len(opened))
	}
}

// e2eStormPage connects like a LiveView page does: on load, LongPoll forced,
// joining a channel, recording what happens for the test to read.
const e2eStormPage = `
window.storm = {opens: 0, errors: 0, closes: 0, joinOk: 0, joinError: 0, joinTimeout: 0, chanErrors: 0}
const socket = new Phoenix.Socket("/socket", {transport: Phoenix.LongPoll, params: {page: location.host}})
socket.onOpen(() => storm.opens++)
socket.onError(() => storm.errors++)
socket.onClose(() => storm.closes++)
socket.connect()
const channel = socket.channel("echo:storm", {from: location.host})
channel.onError(() => storm.chanErrors++)
channel.join()
  .receive("ok", () => storm.joinOk++)
  .receive("error", () => storm.joinError++)
  .receive("timeout", () => storm.joinTimeout++)
window.stormSocket = socket
window.stormChannel = channel
`

var e2eStormLine = regexp.MustCompile(`(?m)^STORM (\{.*\})$`)

// TestOriginStormLongPoll reproduces the refused-origin storm recorded from
// a real Phoenix server (protocol/captures/origin_failure_browser_*): a
// page whose origin the server refuses, on LongPoll, joining a channel.
// Phoenix let the Origin-less GET open a session and refused the POST with
// the join, so the client started over at once: 568 sessions in 10 s. Here
// the GET is refused too (its Referer names the refused origin), so no
// session is created, no join reaches the server, and the client's
// reconnect backoff bounds the requests.
func TestOriginStormLongPoll(t *testing.T) {
	t.Parallel()
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "phoenix.js")
	h := newE2EHarness(t, e2eOptions{
		Origin: transport.OriginHostOnly("localhost"),
		Page:   e2e.PhoenixPage("origin storm", e2eStormPage),
	})
	const window = 10 * time.Second
	var out string
	// The server-side account runs even when the script failed (RunNode
	// stops the test with t.Fatal, which still runs deferred calls).
	defer func() { h.checkStorm(t, window, out) }()
	out = e2e.RunNode(t, "origin_storm.mjs", h.env(chromium, map[string]string{
		"E2E_STORM_MS": strconv.FormatInt(window.Milliseconds(), 10),
	}), 60*time.Second)
}

// checkStorm accounts, from the server's record, for the requests of the
// refused page (127.0.0.1) and of the positive control (localhost).
func (h *e2eHarness) checkStorm(t *testing.T, window time.Duration, out string) {
	t.Helper()
	refusedHost := "127.0.0.1:" + strconv.Itoa(h.app.Port())
	allowedHost := "localhost:" + strconv.Itoa(h.app.Port())
	storm := h.requests(func(r e2eRequest) bool { return r.Source == refusedHost })
	var gets, posts, sessions int
	statuses := map[string]int{}
	times := make([]int64, 0, len(storm))
	for _, r := range storm {
		statuses[r.Method+" "+strconv.Itoa(r.Status)]++
		switch r.Method {
		case http.MethodGet:
			gets++
			times = append(times, r.AtMS)
		case http.MethodPost:
			posts++
		}
		if r.Status == 410 {
			sessions++
		}
	}
	if len(times) > 0 {
		for i := range times[1:] {
			times[i+1] -= times[0]
		}
		times[0] = 0
	}
	t.Logf("refused origin %s over %v: %d LongPoll requests (%d GET, %d POST), statuses %v, sessions created %d, Connect calls %d; GETs at ms %v",
		refusedHost, window, len(storm), gets, posts, statuses, sessions, h.connectsFrom(refusedHost), times)
	switch m := e2eStormLine.FindStringSubmatch(out); {
	case m != nil:
		t.Logf("browser side: %s", m[1])
	case out != "": // "" when the script failed; RunNode showed its output
		t.Errorf("the script printed no STORM summary line")
	}
	if sessions != 0 || h.connectsFrom(refusedHost) != 0 {
		t.Errorf("refused origin created %d LongPoll sessions (%d Connect calls), want 0", sessions, h.connectsFrom(refusedHost))
	}
	if posts != 0 {
		t.Errorf("refused origin made %d POSTs (the join must never reach the server)", posts)
	}
	if gets < 3 || gets >= 30 {
		t.Errorf("refused origin made %d GETs in %v; want the reconnect backoff's ~11 (>= 3, < 30)", gets, window)
	}
	if statuses["GET 403"] != gets {
		t.Errorf("GET statuses %v, want every GET answered 403", statuses)
	}
	if n := len(h.requests(func(r e2eRequest) bool { return r.Transport == "websocket" })); n != 0 {
		t.Errorf("%d WebSocket requests; the page forces LongPoll", n)
	}

	allowed := h.requests(func(r e2eRequest) bool { return r.Source == allowedHost })
	var opened, joined int
	for _, r := range allowed {
		if r.Method == http.MethodGet && r.Status == 410 {
			opened++
		}
		if r.Method == http.MethodPost && r.Status == 200 {
			joined++
		}
	}
	if opened != 1 || joined == 0 || h.connectsFrom(allowedHost) != 1 {
		t.Errorf("positive control from %s: %d sessions opened, %d POSTs accepted, %d Connect calls; want 1, >= 1, 1",
			allowedHost, opened, joined, h.connectsFrom(allowedHost))
	}
}

func (h *e2eHarness) connectsFrom(source string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.connects[source]
}
