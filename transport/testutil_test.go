package transport_test

// Shared helpers for the integration tests: a real Server behind
// httptest.NewServer (loopback only), a WebSocket client built on
// github.com/coder/websocket, LongPoll request helpers, a captured slog
// output, a Terminate recorder, and a goroutine-leak check run when each
// test ends.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

// ---------------------------------------------------------------------------
// captured logs

// logBuffer collects slog text output; safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the log lines containing every one of subs.
func (l *logBuffer) lines(subs ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		ok := line != ""
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Terminate recorder

type termRec struct {
	topic  string
	reason error
}

type terminations struct {
	mu   sync.Mutex
	recs []termRec
}

func (tr *terminations) add(topic string, reason error) {
	tr.mu.Lock()
	tr.recs = append(tr.recs, termRec{topic, reason})
	tr.mu.Unlock()
}

func (tr *terminations) all() []termRec {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]termRec(nil), tr.recs...)
}

func (tr *terminations) forTopic(topic string) []termRec {
	var out []termRec
	for _, r := range tr.all() {
		if r.topic == topic {
			out = append(out, r)
		}
	}
	return out
}

// wait waits until topic has terminated n times and returns those records.
func (tr *terminations) wait(t testing.TB, topic string, n int) []termRec {
	t.Helper()
	var got []termRec
	eventually(t, 2*time.Second, func() bool {
		got = tr.forTopic(topic)
		return len(got) >= n
	}, "Terminate for %q %d time(s)", topic, n)
	return got
}

// ---------------------------------------------------------------------------
// a test channel with controllable timing, mounted on "test:*"

// testChannel is a ChannelHandler for the cases the echo channel cannot
// express: slow or blocking callbacks and a slow or blocking Terminate.
//
// Join payload: {"slowTerminate": ms, "blockTerminate": true, "joinDelay":
// ms, "deny": true}.
// Events: "sleep" {"ms": n} replies ok after n ms; "block" replies ok after
// env.release is closed; "ping" replies ok with the payload.
type testChannel struct {
	env            *testEnv
	slowTerminate  time.Duration
	blockTerminate bool
}

func (h *testChannel) Join(c *transport.Channel, payload json.RawMessage) transport.Reply {
	var p struct {
		SlowTerminate  int  `json:"slowTerminate"`
		BlockTerminate bool `json:"blockTerminate"`
		JoinDelay      int  `json:"joinDelay"`
		Deny           bool `json:"deny"`
	}
	_ = json.Unmarshal(payload, &p)
	time.Sleep(time.Duration(p.JoinDelay) * time.Millisecond)
	if p.Deny {
		return transport.ErrorReason("denied")
	}
	h.slowTerminate = time.Duration(p.SlowTerminate) * time.Millisecond
	h.blockTerminate = p.BlockTerminate
	return transport.OK(map[string]string{"topic": c.Topic})
}

func (h *testChannel) HandleIn(c *transport.Channel, m transport.Message) *transport.Reply {
	var r transport.Reply
	switch m.Event {
	case "sleep":
		var p struct {
			MS int `json:"ms"`
		}
		_ = json.Unmarshal(m.Payload, &p)
		time.Sleep(time.Duration(p.MS) * time.Millisecond)
		r = transport.OK(nil)
	case "block":
		h.env.blocked <- struct{}{}
		<-h.env.release
		r = transport.OK(nil)
	default:
		r = transport.OK(m.Payload)
	}
	return &r
}

func (h *testChannel) HandleInfo(*transport.Channel, any) {}

func (h *testChannel) Terminate(c *transport.Channel, reason error) {
	if h.blockTerminate {
		<-h.env.release
	}
	time.Sleep(h.slowTerminate)
	h.env.terms.add(c.Topic, reason)
}

// ---------------------------------------------------------------------------
// the server under test

type testEnv struct {
	t     testing.TB
	srv   *transport.Server
	ts    *httptest.Server
	logs  *logBuffer
	terms *terminations
	held  bool // LongPoll without parking

	release     chan struct{} // closed to unblock testChannel "block"/blockTerminate
	blocked     chan struct{} // receives when a "block" event starts waiting
	releaseOnce sync.Once

	mu    sync.Mutex
	conns []*websocket.Conn
}

var testSecret = []byte("0123456789abcdef0123456789abcdef-longpoll-test-secret")

// newEnv starts a Server (echo on "echo:*", "lv:*" and "lvu:*", the test
// channel on "test:*") behind httptest.NewServer. configure may change the
// Config before the server is built. When the test ends, every client is
// closed, the server shut down, and the test fails if any goroutine started
// during the test is still running.
func newEnv(t testing.TB, configure func(*transport.Config)) *testEnv {
	t.Helper()
	return newEnvWith(t, configure, false, nil)
}

// newEnvHeld is newEnv without [transport.Server.Listener]: LongPoll holds
// each poll on its handler goroutine (a server whose listener is not
// wrapped, or whose writers cannot be hijacked).
func newEnvHeld(t testing.TB, configure func(*transport.Config)) *testEnv {
	t.Helper()
	return newEnvWith(t, configure, true, nil)
}

// newEnvWrapped is newEnv with the server's handler wrapped, as an app's
// middleware wraps it.
func newEnvWrapped(t testing.TB, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	return newEnvWith(t, nil, false, wrap)
}

func newEnvWith(t testing.TB, configure func(*transport.Config), held bool, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	e := &testEnv{t: t, held: held, logs: &logBuffer{}, terms: &terminations{}, release: make(chan struct{}), blocked: make(chan struct{}, 16)}
	// Registered first, so it runs last.
	t.Cleanup(func() { verifyNoLeaks(t, ignore) })

	r := &transport.Router{}
	echo.Register(r, "echo:*", e.terms.add)
	echo.Register(r, "lv:*", e.terms.add)
	echo.Register(r, "lvu:*", e.terms.add)
	r.Handle("test:*", func() transport.ChannelHandler { return &testChannel{env: e} })
	cfg := transport.Config{
		Router:         r,
		Secret:         testSecret,
		Logger:         slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LongPollWindow: 2 * time.Second,
	}
	if configure != nil {
		configure(&cfg)
	}
	e.srv = transport.NewServer(cfg)
	var h http.Handler = e.srv
	if wrap != nil {
		h = wrap(h)
	}
	e.ts = httptest.NewUnstartedServer(h)
	if !e.held {
		// LongPoll parks its connections, as in the binaries.
		e.ts.Listener = e.srv.Listener(e.ts.Listener)
	}
	e.ts.Start()
	t.Cleanup(func() {
		e.unblock()
		e.mu.Lock()
		conns := e.conns
		e.mu.Unlock()
		for _, c := range conns {
			c.CloseNow()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown at test end: %v", err)
		}
		e.ts.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", e.logs.String())
		}
	})
	return e
}

func (e *testEnv) unblock() { e.releaseOnce.Do(func() { close(e.release) }) }

// verifyNoLeaks fails t if goroutines started during the test outlive it.
// Sockets end asynchronously (close handshakes, channel goroutines running
// Terminate), so it retries for a few seconds before failing.
func verifyNoLeaks(t testing.TB, ignore goleak.Option) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := goleak.Find(ignore)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("goroutines outlived the test: %v", err)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eventually polls cond until it holds or d passes.
func eventually(t testing.TB, d time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for "+format, append([]any{d}, args...)...)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// socketIDs returns the ids of the server's open sockets.
func (e *testEnv) socketIDs() map[string]bool {
	out := map[string]bool{}
	for _, s := range transport.SocketsForTest(e.srv) {
		out[s.ID] = true
	}
	return out
}

// ---------------------------------------------------------------------------
// WebSocket client

func (e *testEnv) wsURL(query string) string {
	return "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/live/websocket?" + query
}

// dialRaw dials without the reading helper; the conn is closed at test end.
func (e *testEnv) dialRaw(query string, opts *websocket.DialOptions) (*websocket.Conn, *http.Response, error) {
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.HTTPClient = e.ts.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, e.wsURL(query), opts)
	if c != nil {
		c.SetReadLimit(64 << 20)
		e.mu.Lock()
		e.conns = append(e.conns, c)
		e.mu.Unlock()
	}
	return c, resp, err
}

type wsFrame struct {
	binary bool
	data   []byte
}

// wsClient reads every frame on its own goroutine so that tests can wait
// for a frame, or for its absence, without a read timeout (which makes the
// library drop the connection).
type wsClient struct {
	t      testing.TB
	c      *websocket.Conn
	frames chan wsFrame
	done   chan struct{}
	stop   chan struct{}
	err    error // why reading ended; valid after done
}

// dial connects with vsn=2.0.0 and extra query parameters.
func (e *testEnv) dial(extraQuery string) *wsClient {
	e.t.Helper()
	q := "vsn=2.0.0"
	if extraQuery != "" {
		q = extraQuery + "&" + q
	}
	return e.dialWith(q, nil)
}

func (e *testEnv) dialWith(query string, opts *websocket.DialOptions) *wsClient {
	e.t.Helper()
	c, _, err := e.dialRaw(query, opts)
	if err != nil {
		e.t.Fatalf("dial %s: %v", query, err)
	}
	w := &wsClient{t: e.t, c: c, frames: make(chan wsFrame, 4096), done: make(chan struct{}), stop: make(chan struct{})}
	go w.readLoop()
	e.t.Cleanup(func() {
		close(w.stop)
		c.CloseNow()
		<-w.done
	})
	return w
}

func (w *wsClient) readLoop() {
	defer close(w.done)
	for {
		typ, data, err := w.c.Read(context.Background())
		if err != nil {
			w.err = err
			return
		}
		select {
		case w.frames <- wsFrame{typ == websocket.MessageBinary, data}:
		case <-w.stop:
			return
		}
	}
}

func (w *wsClient) send(frame string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		w.t.Fatalf("write %s: %v", frame, err)
	}
}

func (w *wsClient) sendBinary(b []byte) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageBinary, b); err != nil {
		w.t.Fatalf("write binary: %v", err)
	}
}

// nextFrame returns the next frame, failing the test after 5 s.
func (w *wsClient) nextFrame() wsFrame {
	w.t.Helper()
	select {
	case f := <-w.frames:
		return f
	case <-w.done:
		select {
		case f := <-w.frames:
			return f
		default:
		}
		w.t.Fatalf("connection ended while waiting for a frame: %v", w.err)
	case <-time.After(5 * time.Second):
		w.t.Fatalf("no frame within 5s")
	}
	panic("unreachable")
}

// next returns the next text frame as a string.
func (w *wsClient) next() string {
	w.t.Helper()
	f := w.nextFrame()
	if f.binary {
		w.t.Fatalf("got binary frame %x, want text", f.data)
	}
	return string(f.data)
}

// expect fails unless the next frame is exactly want.
func (w *wsClient) expect(want string) {
	w.t.Helper()
	if got := w.next(); got != want {
		w.t.Fatalf("frame:\n got %s\nwant %s", got, want)
	}
}

// expectNone fails if any frame arrives within d.
func (w *wsClient) expectNone(d time.Duration) {
	w.t.Helper()
	select {
	case f := <-w.frames:
		w.t.Fatalf("unexpected frame %q", f.data)
	case <-time.After(d):
	}
}

// closed waits for the connection to end and returns the read error.
func (w *wsClient) closed(d time.Duration) error {
	w.t.Helper()
	for {
		select {
		case <-w.done:
			return w.err
		case <-w.frames: // discard anything still in flight
		case <-time.After(d):
			w.t.Fatalf("connection still open after %v", d)
		}
	}
}

// join joins topic with join_ref = ref and expects the echo ok reply.
func (w *wsClient) join(topic, ref string) {
	w.t.Helper()
	w.send(fmt.Sprintf(`[%q,%q,%q,"phx_join",{}]`, ref, ref, topic))
	w.expect(fmt.Sprintf(`[%q,%q,%q,"phx_reply",{"status":"ok","response":{"topic":%q}}]`, ref, ref, topic, topic))
}

// ping sends an echo ping and expects its reply.
func (w *wsClient) ping(topic, joinRef, ref string) {
	w.t.Helper()
	w.send(fmt.Sprintf(`[%q,%q,%q,"ping",{"n":%q}]`, joinRef, ref, topic, ref))
	w.expect(fmt.Sprintf(`[%q,%q,%q,"phx_reply",{"status":"ok","response":{"n":%q}}]`, joinRef, ref, topic, ref))
}

// heartbeat sends a heartbeat and expects its reply.
func (w *wsClient) heartbeat(ref string) {
	w.t.Helper()
	w.send(`[null,"` + ref + `","phoenix","heartbeat",{}]`)
	w.expect(`[null,"` + ref + `","phoenix","phx_reply",{"status":"ok","response":{}}]`)
}

// ---------------------------------------------------------------------------
// LongPoll client

type lpResp struct {
	httpStatus int
	header     http.Header
	raw        string
	Status     int               `json:"status"`
	Token      string            `json:"token"`
	Messages   []json.RawMessage `json:"messages"`
}

// strings decodes messages, failing unless each is a JSON string.
func (r lpResp) strings(t testing.TB) []string {
	t.Helper()
	out := make([]string, len(r.Messages))
	for i, m := range r.Messages {
		if err := json.Unmarshal(m, &out[i]); err != nil {
			t.Fatalf("message %d is not a JSON string: %s", i, m)
		}
	}
	return out
}

func (e *testEnv) lpURL(query string) string { return e.ts.URL + "/live/longpoll?" + query }

func (e *testEnv) lpDo(req *http.Request) lpResp {
	e.t.Helper()
	r, err := e.lpTry(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// lpTry is lpDo for other goroutines: it reports errors instead of failing.
func (e *testEnv) lpTry(req *http.Request) (lpResp, error) {
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		return lpResp{}, fmt.Errorf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return lpResp{}, fmt.Errorf("reading body: %v", err)
	}
	r := lpResp{httpStatus: resp.StatusCode, header: resp.Header, raw: string(body)}
	if req.Method != http.MethodOptions {
		if err := json.Unmarshal(body, &r); err != nil {
			return r, fmt.Errorf("%s %s: body %q is not JSON: %v", req.Method, req.URL, body, err)
		}
		if resp.StatusCode != 200 {
			return r, fmt.Errorf("%s %s: HTTP %d, LongPoll always answers 200", req.Method, req.URL, resp.StatusCode)
		}
	}
	return r, nil
}

func (e *testEnv) lpRequest(method, query, ctype, body string, hdr map[string]string) *http.Request {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.lpURL(query), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

// lpOpen opens a session and returns its token.
func (e *testEnv) lpOpen() string {
	e.t.Helper()
	r := e.lpDo(e.lpRequest("GET", "vsn=2.0.0&", "", "", nil))
	if r.Status != 410 || r.Token == "" {
		e.t.Fatalf("open: got %s, want status 410 with a token", r.raw)
	}
	return r.Token
}

func (e *testEnv) lpGet(token string) lpResp {
	e.t.Helper()
	return e.lpDo(e.lpRequest("GET", "vsn=2.0.0&token="+urlEscape(token), "", "", nil))
}

// lpPost posts an ndjson body and returns the response.
func (e *testEnv) lpPost(token, body string) lpResp {
	e.t.Helper()
	return e.lpDo(e.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(token), "application/x-ndjson", body, nil))
}

// lpCollect polls until n messages have arrived (or 3 s pass) and returns
// them in order.
func (e *testEnv) lpCollect(token string, n int) []string {
	e.t.Helper()
	var out []string
	deadline := time.Now().Add(3 * time.Second)
	for len(out) < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("got %d of %d messages: %q", len(out), n, out)
		}
		r := e.lpGet(token)
		switch r.Status {
		case 200:
			out = append(out, r.strings(e.t)...)
		case 204:
		default:
			e.t.Fatalf("poll: %s", r.raw)
		}
	}
	return out
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", "#", "%23", " ", "%20", "=", "%3D")
	return r.Replace(s)
}

// ---------------------------------------------------------------------------
// protocol vectors (copied from the shared protocol repository into
// testdata/vectors)

type vectorFile struct {
	Frames []struct {
		Dir   string          `json:"dir"`
		Frame json.RawMessage `json:"frame"`
	} `json:"frames"`
	Exchanges []struct {
		Dir        string            `json:"dir"`
		Method     string            `json:"method"`
		Path       string            `json:"path"`
		Headers    map[string]string `json:"headers"`
		HTTPStatus int               `json:"http_status"`
		Body       json.RawMessage   `json:"body"`
		BodyText   string            `json:"body_text"`
	} `json:"exchanges"`
	BinaryLineExample struct {
		Line        string `json:"line"`
		FrameFields struct {
			JoinRef    string `json:"join_ref"`
			Ref        string `json:"ref"`
			Topic      string `json:"topic"`
			Event      string `json:"event"`
			PayloadHex string `json:"payload_hex"`
		} `json:"frame_fields"`
	} `json:"binary_line_example"`
}

func loadVector(tb testing.TB, name string) vectorFile {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vectors", name))
	if err != nil {
		tb.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return v
}

// compactJSON returns the wire text of a vector frame.
func compactJSON(tb testing.TB, raw []byte) string {
	tb.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// vectorFrames returns the compact wire text of every frame in the named
// vector files, for fuzz seeds.
func vectorFrames(tb testing.TB, names ...string) []string {
	var out []string
	for _, n := range names {
		for _, f := range loadVector(tb, n).Frames {
			out = append(out, compactJSON(tb, f.Frame))
		}
	}
	return out
}
