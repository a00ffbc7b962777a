// Package socketload is a light Phoenix socket client for load tests: it
// opens many sockets (WebSocket or LongPoll, V2 JSON frames), joins one
// channel on each, and drives open-loop push/reply traffic against the echo
// channel ("ping" replies with its payload), measuring round trips from the
// time each message was scheduled, so a stalled server or client cannot hide
// latency (no coordinated omission).
//
// Config.AltURL sends a LongPoll session's requests after the opening GET
// to another node, as a load balancer without sticky sessions would.
//
// The live side (live.go) is browser tabs on a live page: GET, connect,
// join, click. With LiveConfig.Reconnect (live_reconnect.go) each tab stays
// joined across server restarts, reconnecting with the browser bundle's
// backoff, and the reconnects are counted (LiveLoad.ReconnectStats).
//
// It is used by cmd/loadgen (against any server) and cmd/bench (against a
// freshly started cmd/echoserver).
package socketload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Transports.
const (
	WebSocket = "websocket"
	LongPoll  = "longpoll"
)

// Config describes a set of sockets.
type Config struct {
	// URL is the socket endpoint mount, e.g. "http://127.0.0.1:4000/socket";
	// "/websocket" or "/longpoll" is appended.
	URL string
	// Transport is WebSocket or LongPoll.
	Transport string
	// Sockets is how many sockets to open; each joins "<TopicPrefix><i>".
	Sockets int
	// TopicPrefix defaults to "echo:".
	TopicPrefix string
	// Concurrency bounds sockets being opened (and joined) at once.
	// Default 200.
	Concurrency int
	// JoinTimeout bounds one socket's connect + join. Default 10 s.
	JoinTimeout time.Duration
	// Heartbeat is the WebSocket heartbeat interval, as phoenix.js (30 s).
	// LongPoll sends none. Negative disables.
	Heartbeat time.Duration
	// PollTimeout is the LongPoll request timeout (phoenix.js
	// longpollerTimeout, 20 s).
	PollTimeout time.Duration
	// AltURL, LongPoll only: every request after the opening GET goes to
	// this socket endpoint mount instead of URL, as a load balancer without
	// sticky sessions may send them to another node of a cluster. Sessions
	// are opened at URL and polled and posted through AltURL.
	AltURL string
}

func (c *Config) setDefaults() error {
	if c.Transport == "" {
		c.Transport = WebSocket
	}
	if c.Transport != WebSocket && c.Transport != LongPoll {
		return fmt.Errorf("socketload: unknown transport %q (want websocket or longpoll)", c.Transport)
	}
	if c.TopicPrefix == "" {
		c.TopicPrefix = "echo:"
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 200
	}
	if c.JoinTimeout <= 0 {
		c.JoinTimeout = 10 * time.Second
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = 30 * time.Second
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 20 * time.Second
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("socketload: URL %q must be http(s)://host/mount", c.URL)
	}
	c.URL = strings.TrimSuffix(c.URL, "/")
	if c.AltURL != "" {
		if c.Transport != LongPoll {
			return errors.New("socketload: AltURL applies to LongPoll only")
		}
		u, err := url.Parse(c.AltURL)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("socketload: AltURL %q must be http://host/mount", c.AltURL)
		}
		c.AltURL = strings.TrimSuffix(c.AltURL, "/")
	}
	return nil
}

// transportConn is one socket's connection, WebSocket or LongPoll.
type transportConn interface {
	// send queues or writes one text frame. It may block (WebSocket write).
	send(ctx context.Context, frame []byte) error
	// close ends the connection; the reader stops.
	close()
}

// Load is a set of open sockets.
type Load struct {
	cfg   Config
	socks []*sock

	ctx    context.Context // ends when the Load is closed
	cancel context.CancelFunc

	httpClient *http.Client // WebSocket handshakes
	dialer     *countingDialer

	rec atomic.Pointer[recorder] // current traffic phase, if any

	stats counters
	hbWG  sync.WaitGroup
}

type counters struct {
	disconnects    atomic.Int64 // sockets whose connection ended before Close
	unexpected     atomic.Int64 // frames that matched nothing pending
	malformed      atomic.Int64 // frames the client could not parse
	polls          atomic.Int64 // LongPoll GETs answered
	pollsWithMsgs  atomic.Int64 // LongPoll GETs answered 200 with messages
	posts          atomic.Int64 // LongPoll POSTs answered
	postFrames     atomic.Int64 // frames carried by those POSTs
	lpErrors       atomic.Int64 // LongPoll requests failed or answered an unexpected status
	heartbeatsSent atomic.Int64
	closing        atomic.Bool
}

// OpenResult describes the open phase.
type OpenResult struct {
	Transport   string  `json:"transport"`
	Requested   int     `json:"requested"`
	Joined      int     `json:"joined"`
	OpenErrors  int     `json:"open_errors"`
	JoinErrors  int     `json:"join_errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"per_second"`
	TCPConns    int64   `json:"tcp_conns"` // client TCP connections open after the phase
	Concurrency int     `json:"concurrency"`
}

// Open opens cfg.Sockets sockets, cfg.Concurrency at a time, and joins one
// channel on each. Sockets that fail are counted and left out; Open returns
// an error only for a bad Config or when ctx ends. The Load must be closed.
func Open(ctx context.Context, cfg Config) (*Load, OpenResult, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, OpenResult{}, err
	}
	RaiseFileLimit()
	lctx, cancel := context.WithCancel(context.Background())
	d := &countingDialer{d: net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}}
	// Only WebSocket handshakes go through net/http (the connection is
	// then hijacked); LongPoll talks HTTP/1.1 itself (http1.go).
	tr := &http.Transport{DialContext: d.DialContext, DisableCompression: true}
	l := &Load{
		cfg:        cfg,
		ctx:        lctx,
		cancel:     cancel,
		httpClient: &http.Client{Transport: tr},
		dialer:     d,
	}
	res := OpenResult{Transport: cfg.Transport, Requested: cfg.Sockets, Concurrency: cfg.Concurrency}
	start := time.Now()

	var (
		mu       sync.Mutex
		firstErr error
		openErrs int
		joinErrs int
		socks    = make([]*sock, cfg.Sockets)
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(cfg.Concurrency, cfg.Sockets); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s, stage, err := l.openOne(ctx, i)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("socket %d: %s: %w", i, stage, err)
					}
					if stage == "join" {
						joinErrs++
					} else {
						openErrs++
					}
					mu.Unlock()
					continue
				}
				socks[i] = s
			}
		}()
	}
feed:
	for i := 0; i < cfg.Sockets; i++ {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for _, s := range socks {
		if s != nil {
			l.socks = append(l.socks, s)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.Joined = len(l.socks)
	res.OpenErrors, res.JoinErrors = openErrs, joinErrs
	if res.Seconds > 0 {
		res.PerSecond = float64(res.Joined) / res.Seconds
	}
	if firstErr != nil {
		res.FirstError = firstErr.Error()
	}
	res.TCPConns = d.open.Load()
	if cfg.Transport == WebSocket && cfg.Heartbeat > 0 {
		l.hbWG.Add(1)
		go l.heartbeats()
	}
	if err := ctx.Err(); err != nil {
		l.Close()
		return nil, res, err
	}
	return l, res, nil
}

// Sockets reports how many sockets are open and joined.
func (l *Load) Sockets() int { return len(l.socks) }

// TCPConns reports the client's open TCP connections.
func (l *Load) TCPConns() int64 { return l.dialer.open.Load() }

// Close closes every socket and waits for nothing: the server notices.
func (l *Load) Close() {
	if l.stats.closing.Swap(true) {
		return
	}
	l.cancel()
	for _, s := range l.socks {
		s.conn.close()
	}
	l.hbWG.Wait()
	l.httpClient.CloseIdleConnections()
}

func (l *Load) openOne(ctx context.Context, i int) (*sock, string, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.JoinTimeout)
	defer cancel()
	s := &sock{
		load:    l,
		topic:   l.cfg.TopicPrefix + strconv.Itoa(i),
		pending: make(map[uint64]pending, 4),
	}
	var err error
	switch l.cfg.Transport {
	case WebSocket:
		s.conn, err = dialWS(ctx, l, s)
	case LongPoll:
		s.conn, err = openLP(ctx, l, s)
	}
	if err != nil {
		return nil, "connect", err
	}
	if err := s.join(ctx); err != nil {
		s.conn.close()
		return nil, "join", err
	}
	return s, "", nil
}

// heartbeats sends a phoenix heartbeat on every WebSocket every interval,
// from one goroutine, so idle sockets outlive the server's idle timeout.
func (l *Load) heartbeats() {
	defer l.hbWG.Done()
	t := time.NewTicker(l.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
		for _, s := range l.socks {
			if l.ctx.Err() != nil {
				return
			}
			ref := s.register(pending{kind: kindHeartbeat})
			frame := []byte(`[null,"` + strconv.FormatUint(ref, 10) + `","phoenix","heartbeat",{}]`)
			wctx, cancel := context.WithTimeout(l.ctx, 5*time.Second)
			if err := s.conn.send(wctx, frame); err == nil {
				l.stats.heartbeatsSent.Add(1)
			}
			cancel()
		}
	}
}

type pendingKind uint8

const (
	kindJoin pendingKind = iota
	kindPing
	kindHeartbeat
)

type pending struct {
	kind     pendingKind
	measured bool      // outside warmup: counts in the results
	n        int64     // ping sequence number, echoed back
	sched    time.Time // when the message was due (open-loop schedule)
	sent     time.Time // when it was actually handed to the transport
	done     chan error
}

// sock is one client socket with one joined channel.
type sock struct {
	load    *Load
	topic   string
	joinRef string
	conn    transportConn

	mu      sync.Mutex
	nextRef uint64
	pending map[uint64]pending
	dead    bool
}

// register allocates a ref for a request awaiting a reply.
func (s *sock) register(p pending) uint64 {
	s.mu.Lock()
	s.nextRef++
	ref := s.nextRef
	s.pending[ref] = p
	s.mu.Unlock()
	return ref
}

func (s *sock) unregister(ref uint64) (pending, bool) {
	s.mu.Lock()
	p, ok := s.pending[ref]
	delete(s.pending, ref)
	s.mu.Unlock()
	return p, ok
}

func (s *sock) join(ctx context.Context) error {
	done := make(chan error, 1)
	ref := s.register(pending{kind: kindJoin, done: done})
	s.joinRef = strconv.FormatUint(ref, 10)
	frame := []byte(`["` + s.joinRef + `","` + s.joinRef + `",` + strconv.Quote(s.topic) + `,"phx_join",{}]`)
	if err := s.conn.send(ctx, frame); err != nil {
		s.unregister(ref)
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		s.unregister(ref)
		return fmt.Errorf("no join reply: %w", ctx.Err())
	}
}

// incoming handles one frame from the server, at time now.
func (s *sock) incoming(data []byte, now time.Time) {
	l := s.load
	var parts []json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil || len(parts) != 5 {
		l.stats.malformed.Add(1)
		return
	}
	var event string
	if json.Unmarshal(parts[3], &event) != nil {
		l.stats.malformed.Add(1)
		return
	}
	if event != "phx_reply" {
		// The echo channel pushes nothing unprompted in these scenarios.
		l.stats.unexpected.Add(1)
		return
	}
	var refText string
	if json.Unmarshal(parts[1], &refText) != nil {
		l.stats.unexpected.Add(1)
		return
	}
	ref, err := strconv.ParseUint(refText, 10, 64)
	if err != nil {
		l.stats.unexpected.Add(1)
		return
	}
	p, ok := s.unregister(ref)
	if !ok {
		// A reply to a push already given up on (send error, or counted
		// lost after the drain).
		l.stats.unexpected.Add(1)
		return
	}
	var reply struct {
		Status   string `json:"status"`
		Response struct {
			N     int64  `json:"n"`
			Topic string `json:"topic"`
		} `json:"response"`
	}
	perr := json.Unmarshal(parts[4], &reply)
	switch p.kind {
	case kindJoin:
		switch {
		case perr != nil:
			p.done <- fmt.Errorf("join reply unparsable: %v", perr)
		case reply.Status != "ok":
			p.done <- fmt.Errorf("join refused: %s", parts[4])
		default:
			p.done <- nil
		}
	case kindHeartbeat:
	case kindPing:
		rec := l.rec.Load()
		if rec == nil || !p.measured {
			return
		}
		if perr != nil || reply.Status != "ok" || reply.Response.N != p.n {
			rec.errorReplies.Add(1)
			rec.noteError(fmt.Sprintf("bad ping reply: %.200s", parts[4]))
			return
		}
		rec.add(now.Sub(p.sched), now.Sub(p.sent), p.sent.Sub(p.sched))
	}
}

// ended is called once when the socket's connection ends.
func (s *sock) ended(err error) {
	l := s.load
	s.mu.Lock()
	s.dead = true
	waiting := s.pending
	s.pending = make(map[uint64]pending)
	s.mu.Unlock()
	for _, p := range waiting {
		if p.kind == kindJoin {
			p.done <- fmt.Errorf("connection ended before the join reply: %v", err)
		}
	}
	if l.stats.closing.Load() || l.ctx.Err() != nil {
		return
	}
	l.stats.disconnects.Add(1)
	if rec := l.rec.Load(); rec != nil {
		rec.noteError(fmt.Sprintf("socket %s disconnected: %v", s.topic, err))
	}
}

// countingDialer counts open client TCP connections.
type countingDialer struct {
	d    net.Dialer
	open atomic.Int64
}

func (c *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c.open.Add(1)
	return &countedConn{Conn: conn, d: c}, nil
}

type countedConn struct {
	net.Conn
	d    *countingDialer
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.d.open.Add(-1) })
	return c.Conn.Close()
}

// RaiseFileLimit raises RLIMIT_NOFILE to its hard limit; thousands of
// sockets need it. It returns the resulting soft limit.
func RaiseFileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

var errClosed = errors.New("socket closed")
