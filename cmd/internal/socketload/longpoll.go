package socketload

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// maxBatch is phoenix.js MAX_LONGPOLL_BATCH_SIZE: lines per POST.
const maxBatch = 100

// lpConn is a LongPoll session, client side, as phoenix.js longpoll.js
// does it: a GET that opens the session (answered status 410 with a
// token), then a loop of GETs held by the server until it has frames
// (200 with messages) or its window ends (204); client frames go in ndjson
// POSTs, one in flight at a time, the rest buffered and sent as the next
// batch when the previous one is acknowledged. Polls and POSTs each have
// their own keep-alive connection, as in a browser.
type lpConn struct {
	env    lpEnv
	base   string // path?query of every request after the open
	dial   string // the endpoint those requests go to (Config.URL or AltURL)
	token  string
	ctx    context.Context
	cancel context.CancelFunc

	poll *http1Conn // used only by the poll loop (and open)
	post *http1Conn // used only by the POST loop

	mu      sync.Mutex
	buf     [][]byte
	posting bool
	failed  error
	endOnce sync.Once
}

// lpEnv is what a LongPoll session needs from its owner: an echo socket
// of a Load (openLP) or a live-view client (liveClient.openLongPoll).
type lpEnv struct {
	dialer      *countingDialer
	pollTimeout time.Duration
	stats       *counters
	// header is sent with every request: zero or more header lines, each
	// ending in "\r\n" (a live client's Cookie).
	header string
	// query is the query string of every request, before the token:
	// "vsn=2.0.0" plus a live client's connect params.
	query string
	// incoming gets every frame a poll brings.
	incoming func(data []byte, now time.Time)
	// ended is called once when the session fails (not when it is closed).
	ended func(err error)
	// stopped, if set, is called once when the poll loop has returned,
	// however the session ended (closed: errClosed); nothing of the
	// session calls incoming after it.
	stopped func(err error)
}

type lpResponse struct {
	Status   int      `json:"status"`
	Token    string   `json:"token"`
	Messages []string `json:"messages"`
}

func openLP(ctx context.Context, l *Load, s *sock) (*lpConn, error) {
	env := lpEnv{
		dialer: l.dialer, pollTimeout: l.cfg.PollTimeout, stats: &l.stats, query: "vsn=2.0.0",
		incoming: s.incoming, ended: s.ended,
	}
	return startLP(ctx, l.ctx, env, l.cfg.URL, l.cfg.AltURL)
}

// startLP opens a LongPoll session at the socket mount endpoint (its
// requests after the open go to alt, if set) and starts its poll loop,
// which runs until parent ends, the session is closed or it fails.
func startLP(ctx, parent context.Context, env lpEnv, endpoint, alt string) (*lpConn, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	open := u.EscapedPath() + "/longpoll?" + env.query
	c := &lpConn{env: env, base: open, dial: endpoint}
	if alt != "" {
		a, err := url.Parse(alt)
		if err != nil {
			return nil, err
		}
		c.base, c.dial = a.EscapedPath()+"/longpoll?"+env.query, alt
	}
	c.ctx, c.cancel = context.WithCancel(parent)
	if c.poll, err = dialHTTP1(ctx, env.dialer, endpoint, env.header); err != nil {
		c.cancel()
		return nil, err
	}
	// phoenix.js appends "&" + serialize({token: null}), which is empty:
	// the first URL ends in "&".
	resp, err := c.poll.roundTrip(ctx, "GET", open+"&", nil, env.pollTimeout)
	if err == nil && (resp.Status != 410 || resp.Token == "") {
		err = fmt.Errorf("longpoll open: want status 410 with a token, got status %d", resp.Status)
	}
	if err != nil {
		c.poll.close()
		c.cancel()
		return nil, err
	}
	c.token = resp.Token
	if c.dial != endpoint {
		// The rest of the session goes elsewhere; this connection was
		// only for the open.
		c.poll.close()
		c.poll = nil
	}
	go c.pollLoop()
	return c, nil
}

func (c *lpConn) pathQuery() string { return c.base + "&token=" + url.QueryEscape(c.token) }

// use returns a live connection in *p, dialling a new one if needed.
func (c *lpConn) use(p **http1Conn) (*http1Conn, error) {
	if *p == nil || (*p).dead {
		h, err := dialHTTP1(c.ctx, c.env.dialer, c.dial, c.env.header)
		if err != nil {
			return nil, err
		}
		*p = h
	}
	return *p, nil
}

func (c *lpConn) request(p **http1Conn, method string, body []byte) (lpResponse, error) {
	h, err := c.use(p)
	if err != nil {
		return lpResponse{}, err
	}
	return h.roundTrip(c.ctx, method, c.pathQuery(), body, c.env.pollTimeout)
}

func (c *lpConn) pollLoop() {
	st := c.env.stats
	defer func() {
		if c.poll != nil {
			c.poll.close()
		}
		if c.env.stopped != nil {
			c.mu.Lock()
			err := c.failed
			c.mu.Unlock()
			if err == nil {
				err = errClosed
			}
			c.env.stopped(err)
		}
	}()
	for {
		resp, err := c.request(&c.poll, "GET", nil)
		if c.ctx.Err() != nil {
			return
		}
		if err != nil {
			st.lpErrors.Add(1)
			c.end(fmt.Errorf("poll: %w", err))
			return
		}
		st.polls.Add(1)
		switch resp.Status {
		case 200:
			st.pollsWithMsgs.Add(1)
			now := time.Now()
			for _, m := range resp.Messages {
				c.env.incoming([]byte(m), now)
			}
		case 204:
		default:
			st.lpErrors.Add(1)
			c.end(fmt.Errorf("poll answered status %d", resp.Status))
			return
		}
	}
}

// send buffers frame; if no POST is in flight, one starts with everything
// buffered by the time it runs (phoenix.js batches one event-loop tick).
func (c *lpConn) send(_ context.Context, frame []byte) error {
	c.mu.Lock()
	if c.failed != nil {
		err := c.failed
		c.mu.Unlock()
		return err
	}
	c.buf = append(c.buf, frame)
	start := !c.posting
	c.posting = true
	c.mu.Unlock()
	if start {
		go c.postLoop()
	}
	return nil
}

func (c *lpConn) postLoop() {
	st := c.env.stats
	for {
		c.mu.Lock()
		if len(c.buf) == 0 || c.failed != nil {
			c.posting = false
			if c.failed != nil && c.post != nil {
				c.post.close()
			}
			c.mu.Unlock()
			return
		}
		n := min(len(c.buf), maxBatch)
		batch := c.buf[:n:n]
		c.buf = c.buf[n:]
		if len(c.buf) == 0 {
			c.buf = nil
		}
		c.mu.Unlock()

		resp, err := c.request(&c.post, "POST", bytes.Join(batch, []byte("\n")))
		if c.ctx.Err() != nil {
			c.mu.Lock()
			c.posting = false
			c.mu.Unlock()
			if c.post != nil {
				c.post.close()
			}
			return
		}
		if err == nil && resp.Status != 200 {
			err = fmt.Errorf("POST answered status %d", resp.Status)
		}
		if err != nil {
			st.lpErrors.Add(1)
			c.end(fmt.Errorf("post: %w", err))
			continue // the loop sees failed and stops
		}
		st.posts.Add(1)
		st.postFrames.Add(int64(n))
	}
}

// end marks the session failed (phoenix.js would close and reconnect; a
// load test counts it instead) and stops its poll.
func (c *lpConn) end(err error) {
	c.endOnce.Do(func() {
		c.mu.Lock()
		c.failed = err
		c.buf = nil
		c.mu.Unlock()
		c.cancel()
		if c.env.ended != nil {
			c.env.ended(err)
		}
	})
}

// close ends the session: the poll in flight is cut, and both connections
// close (the server expires the session after its window).
func (c *lpConn) close() {
	c.mu.Lock()
	if c.failed == nil {
		c.failed = errClosed
	}
	idlePost := !c.posting && c.post != nil
	c.mu.Unlock()
	c.cancel()
	if idlePost {
		c.post.close()
	}
}
