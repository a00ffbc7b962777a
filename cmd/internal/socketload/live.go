package socketload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// This file is the live-view side of the load client: each client does
// what a browser tab does to go live — GET the page with its own cookie
// jar, read the csrf-token meta and the data-phx-main container's id,
// session and static tokens, open the WebSocket at /live/websocket (or a
// LongPoll session at /live/longpoll) with the session cookie, and join
// "lv:<id>" — and then sends phx-click events, open loop, measuring each
// reply (its round trip and its size on the wire). It works against golive
// servers and against Phoenix LiveView itself (see PhoenixRef in cmd/bench).

// DefaultLiveVsn is the client version the 1.2 bundle announces (_lv_vsn).
const DefaultLiveVsn = "1.2.12"

// LiveConfig describes a set of live-view clients on one page.
type LiveConfig struct {
	// Base is the server, e.g. "http://127.0.0.1:4000"; the socket is at
	// Base + "/live/websocket".
	Base string
	// Path is the page, e.g. "/examples/counter".
	Path string
	// Transport is WebSocket (the default) or LongPoll: a LongPoll client
	// opens its session at Base + "/live/longpoll" with the connect params
	// and the session cookie, as phoenix.js does, then polls on one
	// keep-alive connection and POSTs on another. LongPoll is for the
	// benchmarks; Reconnect and Heartbeat work with both.
	Transport string
	// PollTimeout bounds one LongPoll request (default 20 s, phoenix.js
	// longpollerTimeout).
	PollTimeout time.Duration
	// Clients is how many browser tabs to simulate.
	Clients int
	// Vsn is the _lv_vsn connect parameter (DefaultLiveVsn if empty); it
	// selects the diff encoding the server uses.
	Vsn string
	// Concurrency bounds clients fetching or joining at once (default 200).
	Concurrency int
	// JoinTimeout bounds one client's page GET, or its connect + join
	// (default 10 s); in a reconnect attempt, both together.
	JoinTimeout time.Duration

	// Reconnect keeps every client live, as a browser tab does: when its
	// connection ends (a draining node's close 1001, a reset from a killed
	// node, a heartbeat left unanswered) or its first join fails, it
	// connects again through Base after Backoff, rejoins with the same
	// tokens and, when the join is refused as stale, unauthorized, reload
	// or outdated, GETs the page again for fresh ones. Each client is kept
	// by its own goroutine until Close. See ReconnectStats.
	Reconnect bool
	// Heartbeat is the phoenix heartbeat interval on each joined
	// connection; a heartbeat still unanswered when the next one is due
	// closes the connection, as phoenix.js does (every 30 s), so a dead
	// TCP connection is noticed. Zero means 30 s with Reconnect and none
	// without (the benchmarks' behaviour); negative means none.
	Heartbeat time.Duration
	// Backoff is the wait before attempt n (1, 2, …) of one recovery; nil
	// means AppBackoff, the schedule of the browser bundle.
	Backoff func(attempt int) time.Duration
	// ViewsPerConn joins this many clients' views on one connection
	// (default 1), as a browser tab showing several live views does: each
	// group of ViewsPerConn clients shares one cookie jar (its pages are
	// fetched one after the other, so they share a session) and one
	// connection, opened by the group's first client. More views for the
	// same file descriptors, where a process's open-file limit bounds the
	// connections. Not with Reconnect or Heartbeat.
	ViewsPerConn int
}

// LiveLoad is a set of live-view clients.
type LiveLoad struct {
	cfg     LiveConfig
	clients []*liveClient // every client whose page was fetched
	joined  []*liveClient // those joined by Join

	ctx    context.Context // ends at Close; bounds the clients' own goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup // readers and keepers

	pageHTTP *http.Transport // page GETs: no keep-alive, so the server keeps no idle connection
	wsHTTP   *http.Client    // WebSocket handshakes (hijacked afterwards)
	dialer   *countingDialer

	// PageBytes is the size of the first page fetched (the dead render).
	PageBytes int
	// JoinBytes is the size of the first join reply frame.
	JoinBytes int

	lpStats     counters // LongPoll requests
	closing     atomic.Bool
	disconnects atomic.Int64
	pushes      atomic.Int64 // frames that were not replies
	malformed   atomic.Int64
	rec         atomic.Pointer[liveRecorder]
	re          reconnectCounters
}

type liveClient struct {
	l       *LiveLoad
	i       int
	lead    *liveClient // with ViewsPerConn > 1: the group's first client, whose connection c shares (nil for that one)
	jar     http.CookieJar
	pageURL string
	// The page's tokens: written and read only by whoever drives the
	// client's joins (a Join worker, then its keeper goroutine).
	csrf, id, sess, stat string
	mounts               int  // joins made with these tokens (_mounts)
	failedJoins          int  // failed attempts since the last join (_mount_attempts)
	stale                bool // the tokens were refused: GET the page again

	mu      sync.Mutex
	topic   string    // "lv:" + id; read by Events
	conn    *liveConn // the current connection, nil between connections
	nextRef uint64
	pending map[uint64]*liveReq
	hbRef   uint64      // the heartbeat last sent on conn
	st      clientStats // reconnect accounting
}

// liveConn is one connection of a client: a WebSocket or a LongPoll
// session.
type liveConn struct {
	ws     *websocket.Conn // WebSocket, or
	lp     *lpConn         // LongPoll
	joined atomic.Bool     // its join was answered ok
	done   chan struct{}   // closed when its reader has stopped

	// With ViewsPerConn > 1, the clients whose views are joined on the
	// connection, by topic: its reader hands each frame to its view's
	// client. Nil for a connection of one view.
	mu    sync.Mutex
	views map[string]*liveClient
}

// route returns the client a frame read on conn is for: owner (the client
// that opened conn) unless conn carries several views.
func (conn *liveConn) route(owner *liveClient, data []byte) *liveClient {
	if conn.views == nil {
		return owner
	}
	topic := frameTopic(data)
	conn.mu.Lock()
	c := conn.views[topic]
	conn.mu.Unlock()
	if c == nil {
		return owner // a frame for no view: owner counts it
	}
	return c
}

// addView and dropView keep conn.views.
func (conn *liveConn) addView(c *liveClient, topic string) {
	conn.mu.Lock()
	conn.views[topic] = c
	conn.mu.Unlock()
}

func (conn *liveConn) dropView(topic string) {
	conn.mu.Lock()
	delete(conn.views, topic)
	conn.mu.Unlock()
}

// stop is called once when conn's reader has stopped: every client on it
// is told, then conn.done is closed.
func (conn *liveConn) stop(owner *liveClient, err error) {
	defer close(conn.done)
	if conn.views == nil {
		owner.ended(conn, err)
		return
	}
	conn.mu.Lock()
	clients := make([]*liveClient, 0, len(conn.views))
	for _, c := range conn.views {
		clients = append(clients, c)
	}
	conn.mu.Unlock()
	if !slices.Contains(clients, owner) {
		clients = append(clients, owner)
	}
	for _, c := range clients {
		c.ended(conn, err)
	}
}

// frameTopic is the topic of a server frame, [join_ref, ref, topic, …]. The
// refs are null or strings of digits, so the topic is the third field; a
// frame of another shape is decoded in full.
func frameTopic(data []byte) string {
	rest := data
	for range 2 {
		i := bytes.IndexByte(rest, ',')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	if len(rest) > 0 && rest[0] == '"' {
		if end := bytes.IndexByte(rest[1:], '"'); end >= 0 && bytes.IndexByte(rest[1:end+1], '\\') < 0 {
			return string(rest[1 : end+1])
		}
	}
	var parts []json.RawMessage
	var topic string
	if json.Unmarshal(data, &parts) == nil && len(parts) >= 3 {
		_ = json.Unmarshal(parts[2], &topic)
	}
	return topic
}

// write sends one text frame (a LongPoll session queues it for its POST
// loop).
func (c *liveConn) write(ctx context.Context, b []byte) error {
	if c.lp != nil {
		return c.lp.send(ctx, b)
	}
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// closeNow ends the connection; its reader stops and reports the end.
func (c *liveConn) closeNow() {
	if c.lp != nil {
		c.lp.close()
		return
	}
	_ = c.ws.CloseNow()
}

type liveReq struct {
	measured    bool
	heartbeat   bool
	joinOf      *liveConn // a phx_join on this connection
	sched, sent time.Time
	done        chan LiveReply // sync calls only
}

// LiveReply is one reply to a join or event.
type LiveReply struct {
	Status     string          `json:"status"`
	FrameBytes int             `json:"frame_bytes"` // the whole WebSocket text frame
	DiffBytes  int             `json:"diff_bytes"`  // the response's "diff" (or "rendered") JSON
	Diff       json.RawMessage `json:"diff,omitempty"`
	Err        string          `json:"error,omitempty"`
}

// LivePhase describes a page or join phase.
type LivePhase struct {
	Requested  int     `json:"requested"`
	OK         int     `json:"ok"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
}

func (c *LiveConfig) setDefaults() error {
	if c.Vsn == "" {
		c.Vsn = DefaultLiveVsn
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 200
	}
	if c.JoinTimeout <= 0 {
		c.JoinTimeout = 10 * time.Second
	}
	if c.Transport == "" {
		c.Transport = WebSocket
	}
	if c.Transport != WebSocket && c.Transport != LongPoll {
		return fmt.Errorf("socketload: unknown transport %q (want websocket or longpoll)", c.Transport)
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 20 * time.Second
	}
	if c.Heartbeat == 0 && c.Reconnect {
		c.Heartbeat = 30 * time.Second
	}
	if c.Backoff == nil {
		c.Backoff = AppBackoff
	}
	if c.ViewsPerConn <= 0 {
		c.ViewsPerConn = 1
	}
	if c.ViewsPerConn > 1 && (c.Reconnect || c.Heartbeat > 0) {
		return errors.New("socketload: ViewsPerConn > 1 is not supported with Reconnect or Heartbeat")
	}
	u, err := url.Parse(c.Base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("socketload: Base %q must be http://host:port", c.Base)
	}
	c.Base = strings.TrimSuffix(c.Base, "/")
	if !strings.HasPrefix(c.Path, "/") {
		return fmt.Errorf("socketload: Path %q must start with /", c.Path)
	}
	return nil
}

// NewLive prepares cfg.Clients clients; FetchPages and Join do the work.
// The LiveLoad must be closed.
func NewLive(cfg LiveConfig) (*LiveLoad, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	RaiseFileLimit()
	d := &countingDialer{d: net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}}
	// With Reconnect, a refused handshake (503 from a draining node) must
	// not leave its connection for the next attempt: a round-robin proxy
	// picks the node per TCP connection. Upgrades are unaffected.
	wsTr := &http.Transport{DialContext: d.DialContext, DisableCompression: true, DisableKeepAlives: cfg.Reconnect}
	l := &LiveLoad{
		cfg:      cfg,
		pageHTTP: &http.Transport{DisableKeepAlives: true, DisableCompression: true},
		wsHTTP:   &http.Client{Transport: wsTr},
		dialer:   d,
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	for i := 0; i < cfg.Clients; i++ {
		c := &liveClient{l: l, i: i, pending: map[uint64]*liveReq{}}
		if k := cfg.ViewsPerConn; k > 1 {
			if i%k == 0 {
				c.jar, _ = cookiejar.New(nil)
			} else {
				c.lead = l.clients[i-i%k]
				c.jar = c.lead.jar
			}
		}
		l.clients = append(l.clients, c)
	}
	return l, nil
}

// OpenLive is NewLive, FetchPages and Join: cfg.Clients joined views.
func OpenLive(ctx context.Context, cfg LiveConfig) (*LiveLoad, LivePhase, LivePhase, error) {
	l, err := NewLive(cfg)
	if err != nil {
		return nil, LivePhase{}, LivePhase{}, err
	}
	pages := l.FetchPages(ctx)
	joins := l.Join(ctx)
	if err := ctx.Err(); err != nil {
		l.Close()
		return nil, pages, joins, err
	}
	return l, pages, joins, nil
}

// Clients reports how many clients have joined.
func (l *LiveLoad) Clients() int { return len(l.joined) }

// Disconnects counts joined clients whose connection ended before Close.
func (l *LiveLoad) Disconnects() int64 { return l.disconnects.Load() }

// Close closes every connection and waits for the clients' goroutines.
func (l *LiveLoad) Close() {
	if l.closing.Swap(true) {
		return
	}
	l.cancel()
	for _, c := range l.clients {
		c.mu.Lock()
		if c.conn != nil {
			c.conn.closeNow()
		}
		c.mu.Unlock()
	}
	l.wg.Wait()
	l.wsHTTP.CloseIdleConnections()
	l.pageHTTP.CloseIdleConnections()
}

// phase runs f on every client in todo, cfg.Concurrency at once. The
// clients of one connection (ViewsPerConn) go one after the other, in
// order, and all fail when their group's first client does.
func (l *LiveLoad) phase(ctx context.Context, todo []*liveClient, f func(context.Context, *liveClient) error) ([]*liveClient, LivePhase) {
	res := LivePhase{Requested: len(todo)}
	start := time.Now()
	okFlags := make([]bool, len(todo))
	var groups [][2]int // [first, end) in todo
	for i, c := range todo {
		if n := len(groups); n > 0 && c.lead != nil && todo[groups[n-1][0]] == c.lead {
			groups[n-1][1] = i + 1
			continue
		}
		groups = append(groups, [2]int{i, i + 1})
	}
	var mu sync.Mutex
	fail := func(c *liveClient, err error) {
		mu.Lock()
		res.Errors++
		if res.FirstError == "" {
			res.FirstError = fmt.Sprintf("client %d: %v", c.i, err)
		}
		mu.Unlock()
	}
	jobs := make(chan [2]int)
	var wg sync.WaitGroup
	for w := 0; w < min(l.cfg.Concurrency, len(groups)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range jobs {
				for i := g[0]; i < g[1]; i++ {
					if i > g[0] && !okFlags[g[0]] {
						fail(todo[i], errors.New("the first view of its connection failed"))
						continue
					}
					cctx, cancel := context.WithTimeout(ctx, l.cfg.JoinTimeout)
					err := f(cctx, todo[i])
					cancel()
					if err != nil {
						fail(todo[i], err)
						continue
					}
					okFlags[i] = true
				}
			}
		}()
	}
feed:
	for _, g := range groups {
		select {
		case jobs <- g:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	var ok []*liveClient
	for i, c := range todo {
		if okFlags[i] {
			ok = append(ok, c)
		}
	}
	res.OK = len(ok)
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 {
		res.PerSecond = float64(res.OK) / res.Seconds
	}
	return ok, res
}

// FetchPages GETs the page for every client (the dead render), each with
// its own cookie jar.
func (l *LiveLoad) FetchPages(ctx context.Context) LivePhase {
	var first atomic.Bool
	ok, res := l.phase(ctx, l.clients, func(ctx context.Context, c *liveClient) error {
		n, err := c.fetchPage(ctx)
		if err == nil && first.CompareAndSwap(false, true) {
			l.PageBytes = n
		}
		return err
	})
	l.clients = ok
	return res
}

// Join connects and joins every client whose page was fetched. With
// Reconnect (or a Heartbeat), each client then gets a keeper goroutine;
// with Reconnect, clients whose join failed here keep trying.
func (l *LiveLoad) Join(ctx context.Context) LivePhase {
	var first atomic.Bool
	ok, res := l.phase(ctx, l.clients, func(ctx context.Context, c *liveClient) error {
		r, _, err := c.attempt(ctx, false)
		if err == nil && first.CompareAndSwap(false, true) {
			l.JoinBytes = r.FrameBytes
		}
		return err
	})
	l.joined = ok
	if l.cfg.Reconnect || l.cfg.Heartbeat > 0 {
		for _, c := range l.clients {
			if !l.cfg.Reconnect && !slices.Contains(ok, c) {
				continue
			}
			c.mu.Lock()
			conn := c.conn
			c.mu.Unlock()
			l.wg.Add(1)
			go c.keep(conn)
		}
	}
	return res
}

var (
	liveCSRFMeta  = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)
	liveContainer = regexp.MustCompile(`<div id="(phx-[^"]+)" data-phx-main data-phx-session="([^"]+)" data-phx-static="([^"]*)"`)
)

// PageTokens are what a live client reads from a dead render: the
// csrf-token meta and the data-phx-main container's id, session and static
// tokens (a golive page or a Phoenix LiveView one).
type PageTokens struct {
	CSRF, ID, Session, Static string
}

// ParsePage reads the tokens of a live page.
func ParsePage(html []byte) (PageTokens, error) {
	m := liveCSRFMeta.FindSubmatch(html)
	if m == nil {
		return PageTokens{}, errors.New("no csrf-token meta in the page")
	}
	t := PageTokens{CSRF: string(m[1])}
	m = liveContainer.FindSubmatch(html)
	if m == nil {
		return PageTokens{}, errors.New("no data-phx-main container in the page")
	}
	t.ID, t.Session, t.Static = string(m[1]), string(m[2]), string(m[3])
	return t, nil
}

// fetchPage GETs the page and keeps its tokens. A client keeps its cookie
// jar across fetches, as a browser reloading the page does.
func (c *liveClient) fetchPage(ctx context.Context) (int, error) {
	if c.jar == nil {
		c.jar, _ = cookiejar.New(nil)
	}
	jar := c.jar
	c.pageURL = c.l.cfg.Base + c.l.cfg.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.pageURL, nil)
	if err != nil {
		return 0, err
	}
	res, err := (&http.Client{Transport: c.l.pageHTTP, Jar: jar}).Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", c.l.cfg.Path, res.Status)
	}
	tok, err := ParsePage(body)
	if err != nil {
		return 0, err
	}
	c.csrf, c.id, c.sess, c.stat = tok.CSRF, tok.ID, tok.Session, tok.Static
	c.mounts, c.stale = 0, false
	c.mu.Lock()
	c.topic = "lv:" + c.id
	c.mu.Unlock()
	return len(body), nil
}

// joinRefused is a join answered with an error.
type joinRefused struct {
	reason string          // the response's "reason", if any
	reply  json.RawMessage // the whole response
}

func (e *joinRefused) Error() string { return fmt.Sprintf("join refused: %.300s", e.reply) }

// staleTokens reports whether the client must GET the page again, as
// phoenix_live_view's client reloads the page on these join errors.
func (e *joinRefused) staleTokens() bool {
	switch e.reason {
	case "stale", "unauthorized", "reload", "outdated":
		return true
	}
	return false
}

// connectError is a failed WebSocket handshake.
type connectError struct{ err error }

func (e *connectError) Error() string { return "connect: " + e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// join opens a WebSocket and joins the view with the page's tokens. On
// success the connection is c's current one, with its reader running.
func (c *liveClient) join(ctx context.Context) (LiveReply, *liveConn, error) {
	l := c.l
	q := url.Values{"_csrf_token": {c.csrf}, "_lv_vsn": {l.cfg.Vsn}, "vsn": {"2.0.0"}}
	pu, _ := url.Parse(c.pageURL)
	var cookies []string
	for _, ck := range c.jar.Cookies(pu) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	var conn *liveConn
	if c.lead != nil {
		// The view joins on its group's connection.
		if conn, _ = c.lead.current(); conn == nil {
			return LiveReply{}, nil, errors.New("join: the connection of its group is gone")
		}
		c.mu.Lock()
		c.conn = conn
		topic := c.topic
		c.mu.Unlock()
		conn.addView(c, topic)
	} else if l.cfg.Transport == LongPoll {
		var err error
		if conn, err = c.openLongPoll(ctx, q.Encode(), cookies); err != nil {
			return LiveReply{}, nil, err
		}
	} else {
		u := "ws" + strings.TrimPrefix(l.cfg.Base, "http") + "/live/websocket?" + q.Encode()
		h := http.Header{}
		for _, ck := range cookies {
			h.Add("Cookie", ck)
		}
		ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{
			HTTPClient: l.wsHTTP, HTTPHeader: h, CompressionMode: websocket.CompressionDisabled,
		})
		if err != nil {
			return LiveReply{}, nil, &connectError{err}
		}
		ws.SetReadLimit(16 << 20)
		conn = &liveConn{ws: ws, done: make(chan struct{})}
		c.shareable(conn)
		c.mu.Lock()
		if l.closing.Load() {
			c.mu.Unlock()
			_ = ws.CloseNow()
			return LiveReply{}, nil, errClosed
		}
		c.conn, c.hbRef = conn, 0
		c.mu.Unlock()
		l.wg.Add(1)
		go c.readLoop(conn)
	}
	params := map[string]any{"_csrf_token": c.csrf, "_mounts": c.mounts, "_mount_attempts": c.failedJoins, "_lv_vsn": l.cfg.Vsn}
	payload, _ := json.Marshal(map[string]any{"url": c.pageURL, "session": c.sess, "static": c.stat, "params": params})
	r, err := c.call(ctx, conn, "phx_join", payload)
	if err == nil && r.Status != "ok" {
		var resp struct {
			Response struct {
				Reason string `json:"reason"`
			} `json:"response"`
		}
		_ = json.Unmarshal(r.Diff, &resp)
		err = &joinRefused{reason: resp.Response.Reason, reply: r.Diff}
	}
	if err != nil && c.lead != nil {
		// The connection stays, for the group's other views.
		c.mu.Lock()
		c.conn = nil
		topic := c.topic
		c.mu.Unlock()
		conn.dropView(topic)
		return r, nil, fmt.Errorf("join: %w", err)
	}
	if err != nil {
		// Wait for the reader, so that it has let go of the client before
		// the next attempt.
		conn.closeNow()
		<-conn.done
		return r, nil, fmt.Errorf("join: %w", err)
	}
	c.mounts++
	c.failedJoins = 0
	return r, conn, nil
}

// openLongPoll opens a LongPoll session for c with the connect params
// query and the page's cookies, makes it c's current connection and starts
// its poll loop (the connection's reader).
func (c *liveClient) openLongPoll(ctx context.Context, query string, cookies []string) (*liveConn, error) {
	l := c.l
	conn := &liveConn{done: make(chan struct{})}
	c.shareable(conn)
	env := lpEnv{
		dialer: l.dialer, pollTimeout: l.cfg.PollTimeout, stats: &l.lpStats, query: query,
		incoming: func(data []byte, now time.Time) { conn.route(c, data).incoming(data, now) },
		stopped: func(err error) {
			defer l.wg.Done()
			conn.stop(c, err)
		},
	}
	if len(cookies) > 0 {
		env.header = "Cookie: " + strings.Join(cookies, "; ") + "\r\n"
	}
	// The poll loop may stop (and call stopped) as soon as it starts.
	l.wg.Add(1)
	lp, err := startLP(ctx, l.ctx, env, l.cfg.Base+"/live", "")
	if err != nil {
		l.wg.Done()
		return nil, &connectError{err}
	}
	conn.lp = lp
	c.mu.Lock()
	if l.closing.Load() {
		c.mu.Unlock()
		lp.close()
		return nil, errClosed
	}
	c.conn, c.hbRef = conn, 0
	c.mu.Unlock()
	return conn, nil
}

// shareable readies conn, just opened by c, for its group's other views.
func (c *liveClient) shareable(conn *liveConn) {
	if c.l.cfg.ViewsPerConn > 1 {
		c.mu.Lock()
		conn.views = map[string]*liveClient{c.topic: c}
		c.mu.Unlock()
	}
}

// clickPayload is what phoenix.js sends for a phx-click on a button.
func clickPayload(event string) []byte {
	return []byte(`{"type":"click","event":` + strconv.Quote(event) + `,"value":{"value":""}}`)
}

// current returns the client's connection (nil between connections) and
// topic.
func (c *liveClient) current() (*liveConn, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn, c.topic
}

func frame(topic string, ref uint64, event string, payload []byte) []byte {
	b := make([]byte, 0, 64+len(topic)+len(payload))
	b = append(b, `["1","`...)
	b = strconv.AppendUint(b, ref, 10)
	b = append(b, `",`...)
	b = strconv.AppendQuote(b, topic)
	b = append(b, ',')
	b = strconv.AppendQuote(b, event)
	b = append(b, ',')
	b = append(b, payload...)
	return append(b, ']')
}

func (c *liveClient) register(r *liveReq) uint64 {
	c.mu.Lock()
	c.nextRef++
	ref := c.nextRef
	c.pending[ref] = r
	c.mu.Unlock()
	return ref
}

func (c *liveClient) unregister(ref uint64) (*liveReq, bool) {
	c.mu.Lock()
	r, ok := c.pending[ref]
	delete(c.pending, ref)
	c.mu.Unlock()
	return r, ok
}

// call sends one message on conn and waits for its reply.
func (c *liveClient) call(ctx context.Context, conn *liveConn, event string, payload []byte) (LiveReply, error) {
	done := make(chan LiveReply, 1)
	r := &liveReq{done: done}
	if event == "phx_join" {
		r.joinOf = conn
	}
	ref := c.register(r)
	c.mu.Lock()
	topic := c.topic
	c.mu.Unlock()
	if err := conn.write(ctx, frame(topic, ref, event, payload)); err != nil {
		c.unregister(ref)
		return LiveReply{}, err
	}
	select {
	case r := <-done:
		if r.Err != "" {
			return r, errors.New(r.Err)
		}
		return r, nil
	case <-ctx.Done():
		c.unregister(ref)
		return LiveReply{}, fmt.Errorf("no reply: %w", ctx.Err())
	}
}

// Click sends a phx-click event on joined client i and returns its reply.
func (l *LiveLoad) Click(ctx context.Context, i int, event string) (LiveReply, error) {
	if i < 0 || i >= len(l.joined) {
		return LiveReply{}, fmt.Errorf("socketload: no joined client %d", i)
	}
	c := l.joined[i]
	conn, _ := c.current()
	if conn == nil {
		return LiveReply{}, fmt.Errorf("socketload: client %d is not connected", i)
	}
	return c.call(ctx, conn, "event", clickPayload(event))
}

func (c *liveClient) readLoop(conn *liveConn) {
	defer c.l.wg.Done()
	for {
		// A context without Done channel: no per-read timer; closing the
		// connection stops the loop.
		_, data, err := conn.ws.Read(context.Background())
		if err != nil {
			conn.stop(c, err)
			return
		}
		conn.route(c, data).incoming(data, time.Now())
	}
}

// ended is called once for each client on conn when its reader stops.
func (c *liveClient) ended(conn *liveConn, err error) {
	c.mu.Lock()
	if c.conn == conn {
		c.conn = nil
	}
	waiting := c.pending
	c.pending = map[uint64]*liveReq{}
	c.mu.Unlock()
	for _, r := range waiting {
		if r.done != nil {
			r.done <- LiveReply{Err: "connection ended: " + err.Error()}
		}
	}
	// A connection that never joined (its join failed) is counted as a
	// failed attempt, not as a disconnect.
	if c.l.closing.Load() || !conn.joined.Load() {
		return
	}
	c.mu.Lock()
	c.st.disconnects++
	c.mu.Unlock()
	c.l.disconnects.Add(1)
	if websocket.CloseStatus(err) == websocket.StatusGoingAway {
		c.l.re.goingAway.Add(1)
	}
	if rec := c.l.rec.Load(); rec != nil {
		rec.noteError(fmt.Sprintf("client %d disconnected: %v", c.i, err))
	}
}

// ErrNotReply is ParseReply's answer for a well-formed frame that is not
// a reply to a numbered request (a push: diff, redirect, phx_error, …).
var ErrNotReply = errors.New("not a reply")

// ParseReply reads one server frame, [join_ref, ref, topic, event,
// payload], as a reply to request ref. A frame that is not JSON of five
// elements is an error; a push is ErrNotReply. A reply whose payload
// cannot be read comes back with LiveReply.Err set.
func ParseReply(data []byte) (uint64, LiveReply, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil || len(parts) != 5 {
		return 0, LiveReply{}, fmt.Errorf("malformed frame: %.100q", data)
	}
	var event, refText string
	_ = json.Unmarshal(parts[3], &event)
	if event != "phx_reply" || json.Unmarshal(parts[1], &refText) != nil {
		return 0, LiveReply{}, ErrNotReply
	}
	ref, err := strconv.ParseUint(refText, 10, 64)
	if err != nil {
		return 0, LiveReply{}, ErrNotReply
	}
	var reply struct {
		Status   string `json:"status"`
		Response struct {
			Diff     json.RawMessage `json:"diff"`
			Rendered json.RawMessage `json:"rendered"`
		} `json:"response"`
	}
	rep := LiveReply{FrameBytes: len(data)}
	if err := json.Unmarshal(parts[4], &reply); err != nil {
		rep.Err = "unparsable reply: " + err.Error()
	} else {
		rep.Status = reply.Status
		rep.Diff = reply.Response.Diff
		if rep.Diff == nil {
			rep.Diff = reply.Response.Rendered
		}
		if reply.Status != "ok" {
			rep.Diff = parts[4]
		}
		rep.DiffBytes = len(rep.Diff)
	}
	return ref, rep, nil
}

func (c *liveClient) incoming(data []byte, now time.Time) {
	ref, rep, err := ParseReply(data)
	if err != nil {
		if errors.Is(err, ErrNotReply) {
			c.l.pushes.Add(1)
		} else {
			c.l.malformed.Add(1)
		}
		return
	}
	r, ok := c.unregister(ref)
	if !ok {
		c.l.pushes.Add(1)
		return
	}
	if r.heartbeat {
		return
	}
	if r.joinOf != nil && rep.Status == "ok" {
		// Marked by the reader itself, so that its end, which it reports
		// after this, counts as a disconnect.
		r.joinOf.joined.Store(true)
	}
	if r.done != nil {
		r.done <- rep
		return
	}
	rec := c.l.rec.Load()
	if rec == nil {
		return
	}
	rec.all.Add(1)
	if !r.measured {
		return
	}
	if rep.Err != "" || rep.Status != "ok" {
		rec.errorReplies.Add(1)
		rec.noteError(fmt.Sprintf("bad event reply: %.200s", data))
		return
	}
	rec.mu.Lock()
	rec.lat = append(rec.lat, now.Sub(r.sched))
	rec.service = append(rec.service, now.Sub(r.sent))
	rec.lag = append(rec.lag, r.sent.Sub(r.sched))
	rec.frameBytes += int64(rep.FrameBytes)
	rec.diffBytes += int64(rep.DiffBytes)
	rec.minDiff = min(rec.minDiff, rep.DiffBytes)
	rec.maxDiff = max(rec.maxDiff, rep.DiffBytes)
	rec.mu.Unlock()
}

type liveRecorder struct {
	mu                    sync.Mutex
	lat, service, lag     []time.Duration
	frameBytes, diffBytes int64
	minDiff, maxDiff      int
	errorReplies          atomic.Int64
	all                   atomic.Int64 // replies to events, warm-up included
	firstErr              atomic.Pointer[string]
}

func (r *liveRecorder) noteError(s string) { r.firstErr.CompareAndSwap(nil, &s) }

// LiveTrafficConfig is an open-loop run of one kind of click.
type LiveTrafficConfig struct {
	Event    string        // the phx-click event name
	Rate     float64       // events per second, aggregate, round-robin over the clients
	Duration time.Duration // measured
	Warmup   time.Duration // same traffic before, not counted
	Drain    time.Duration // wait for replies after the last send (default 5 s)
}

// LiveTrafficResult is what a run measured.
type LiveTrafficResult struct {
	Event        string  `json:"event"`
	Clients      int     `json:"clients"`
	TargetRate   float64 `json:"target_rate"`
	Seconds      float64 `json:"seconds"`
	WarmupSecs   float64 `json:"warmup_seconds"`
	Sent         int64   `json:"sent"`      // measured events sent
	Received     int64   `json:"received"`  // measured ok replies
	AllSent      int64   `json:"all_sent"`  // warm-up included
	AllReplies   int64   `json:"all_reply"` // warm-up included
	Achieved     float64 `json:"achieved"`
	ErrorReplies int64   `json:"error_replies"`
	SendErrors   int64   `json:"send_errors"`
	Lost         int64   `json:"lost"`
	Disconnects  int64   `json:"disconnects"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"first_error,omitempty"`

	Latency Latency `json:"latency"` // from the scheduled time
	Service Latency `json:"service"` // from the send
	SendLag Latency `json:"send_lag"`

	MeanFrameBytes float64 `json:"mean_frame_bytes"`
	MeanDiffBytes  float64 `json:"mean_diff_bytes"`
	MinDiffBytes   int     `json:"min_diff_bytes"`
	MaxDiffBytes   int     `json:"max_diff_bytes"`
}

// Events drives open-loop click traffic: on each tick of 1/Rate (at least
// 100 µs) the due events are sent round-robin over the joined clients,
// whatever happened to earlier ones, and each round trip is measured from
// its scheduled time.
func (l *LiveLoad) Events(ctx context.Context, tc LiveTrafficConfig) (LiveTrafficResult, error) {
	if tc.Rate <= 0 || tc.Duration <= 0 || tc.Event == "" {
		return LiveTrafficResult{}, errors.New("socketload: live traffic needs an event, a positive rate and duration")
	}
	if len(l.joined) == 0 {
		return LiveTrafficResult{}, errors.New("socketload: no joined clients")
	}
	if tc.Drain <= 0 {
		tc.Drain = 5 * time.Second
	}
	tick := max(100*time.Microsecond, time.Duration(float64(time.Second)/tc.Rate))
	total := int64(math.Round(tc.Rate * (tc.Warmup + tc.Duration).Seconds()))
	rec := &liveRecorder{minDiff: math.MaxInt}
	if !l.rec.CompareAndSwap(nil, rec) {
		return LiveTrafficResult{}, errors.New("socketload: traffic already running")
	}
	defer l.rec.Store(nil)
	disc0 := l.disconnects.Load()
	payload := clickPayload(tc.Event)

	var sent, allSent, sendErrs int64
	var measuredStart time.Time
	start := time.Now()
	warmEnd := start.Add(tc.Warmup)
	perTick := tc.Rate * tick.Seconds()
	var k, t int64
	for k < total && ctx.Err() == nil {
		if wait := time.Until(start.Add(time.Duration(t) * tick)); wait > 0 {
			sleep(wait)
		}
		due := int64(time.Since(start) / tick)
		for ; t <= due && k < total; t++ {
			sched := start.Add(time.Duration(t) * tick)
			upto := min(total, int64(math.Round(perTick*float64(t+1))))
			for ; k < upto; k++ {
				c := l.joined[k%int64(len(l.joined))]
				measured := !sched.Before(warmEnd)
				if measured && measuredStart.IsZero() {
					measuredStart = sched
				}
				r := &liveReq{measured: measured, sched: sched, sent: time.Now()}
				ref := c.register(r)
				conn, topic := c.current()
				err := errNotConnected
				if conn != nil {
					err = conn.write(ctx, frame(topic, ref, "event", payload))
				}
				allSent++
				if measured {
					sent++
				}
				if err != nil {
					c.unregister(ref)
					if measured {
						sendErrs++
						rec.noteError("send: " + err.Error())
					}
				}
			}
		}
	}
	end := time.Now()
	if measuredStart.IsZero() {
		measuredStart = end
	}
	deadline := time.Now().Add(tc.Drain)
	for time.Now().Before(deadline) && ctx.Err() == nil && l.outstanding() > 0 {
		time.Sleep(5 * time.Millisecond)
	}
	lost := l.dropOutstanding()

	rec.mu.Lock()
	res := LiveTrafficResult{
		Event: tc.Event, Clients: len(l.joined), TargetRate: tc.Rate,
		Seconds: end.Sub(measuredStart).Seconds(), WarmupSecs: tc.Warmup.Seconds(),
		Sent: sent, Received: int64(len(rec.lat)), AllSent: allSent, AllReplies: rec.all.Load(),
		ErrorReplies: rec.errorReplies.Load(), SendErrors: sendErrs, Lost: lost,
		Disconnects: l.disconnects.Load() - disc0,
		Latency:     summarize(rec.lat), Service: summarize(rec.service), SendLag: summarize(rec.lag),
	}
	if n := len(rec.lat); n > 0 {
		res.MeanFrameBytes = float64(rec.frameBytes) / float64(n)
		res.MeanDiffBytes = float64(rec.diffBytes) / float64(n)
		res.MinDiffBytes, res.MaxDiffBytes = rec.minDiff, rec.maxDiff
	}
	rec.mu.Unlock()
	if res.Seconds > 0 {
		res.Achieved = float64(res.Received) / res.Seconds
	}
	res.Errors = res.ErrorReplies + res.SendErrors + res.Lost + res.Disconnects
	if p := rec.firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("traffic cut short: %w", err)
	}
	return res, nil
}

func (l *LiveLoad) outstanding() int {
	n := 0
	for _, c := range l.joined {
		c.mu.Lock()
		for _, r := range c.pending {
			if r.measured {
				n++
			}
		}
		c.mu.Unlock()
	}
	return n
}

func (l *LiveLoad) dropOutstanding() int64 {
	var n int64
	for _, c := range l.joined {
		c.mu.Lock()
		for ref, r := range c.pending {
			if r.done == nil && !r.heartbeat {
				if r.measured {
					n++
				}
				delete(c.pending, ref)
			}
		}
		c.mu.Unlock()
	}
	return n
}

// LiveServerMem is cmd/liveserver's /debug/mem: ServerMem plus the
// process's CPU time.
type LiveServerMem struct {
	ServerMem
	// CPUNs is the server process's user+system CPU time (getrusage).
	CPUNs int64 `json:"CPUNs"`
}

// FetchLiveMem is FetchMem for cmd/liveserver.
func FetchLiveMem(ctx context.Context, base string, gc, free bool) (LiveServerMem, error) {
	q := url.Values{}
	if gc {
		q.Set("gc", "1")
	}
	if free {
		q.Set("free", "1")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/debug/mem?"+q.Encode(), nil)
	if err != nil {
		return LiveServerMem{}, err
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return LiveServerMem{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return LiveServerMem{}, err
	}
	if res.StatusCode != http.StatusOK {
		return LiveServerMem{}, fmt.Errorf("/debug/mem: %s: %.200s", res.Status, data)
	}
	var m LiveServerMem
	if err := json.Unmarshal(data, &m); err != nil {
		return LiveServerMem{}, fmt.Errorf("/debug/mem: %v", err)
	}
	if m.CPUNs == 0 {
		return m, errors.New("/debug/mem: no CPUNs (is this cmd/liveserver?)")
	}
	return m, nil
}
