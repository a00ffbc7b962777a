package socketload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// This file keeps live clients live across server restarts (LiveConfig.
// Reconnect): each client's keeper goroutine heartbeats its connection,
// notices its end, and reconnects and rejoins with backoff, the way the
// browser bundle does, counting what it took.

var errNotConnected = errors.New("not connected")

// AppBackoff is the browser bundle's reconnect schedule (assets/js/app.js):
// 250 ms, 500 ms, 1 s, 2 s, 4 s, then 5 s, each multiplied by a random
// factor in [0.5, 1.5), so the clients of a stopped node spread their
// reconnects instead of arriving together.
func AppBackoff(attempt int) time.Duration {
	base := 5000
	if steps := []int{250, 500, 1000, 2000, 4000}; attempt >= 1 && attempt <= len(steps) {
		base = steps[attempt-1]
	}
	return time.Duration(float64(base)*(0.5+rand.Float64())) * time.Millisecond
}

// reconnectCounters are the LiveLoad-wide counts; per-client ones are in
// clientStats.
type reconnectCounters struct {
	goingAway, hbTimeouts                 atomic.Int64
	attempts, connectFails, refusals      atomic.Int64
	lostJoins, pageFetches, pageFails     atomic.Int64
	reconnects, joinsAfterFailedFirstJoin atomic.Int64

	mu       sync.Mutex
	rejoin   []time.Duration // disconnect → joined again, one per recovery
	firstErr string
}

func (r *reconnectCounters) noteError(s string) {
	r.mu.Lock()
	if r.firstErr == "" {
		r.firstErr = s
	}
	r.mu.Unlock()
}

// clientStats is one client's history, guarded by its mutex.
type clientStats struct {
	disconnects, reconnects    int
	attempts, failed           int
	maxRecoveryAttempts, pages int
	maxRejoin                  time.Duration
}

// LiveClientStats is one client's reconnect history.
type LiveClientStats struct {
	Index       int  `json:"index"`
	Joined      bool `json:"joined"` // joined at the moment of reading
	Disconnects int  `json:"disconnects"`
	Reconnects  int  `json:"reconnects"`
	// JoinAttempts counts connect+join attempts, the first included;
	// FailedJoins those that did not end joined.
	JoinAttempts int `json:"join_attempts"`
	FailedJoins  int `json:"failed_joins"`
	// MaxRecoveryAttempts is the most attempts one recovery took.
	MaxRecoveryAttempts int `json:"max_recovery_attempts"`
	// PageFetches counts page GETs after the first (fresh tokens).
	PageFetches int     `json:"page_fetches"`
	MaxRejoinMs float64 `json:"max_rejoin_ms"`
}

// LiveReconnectStats sums up the clients' reconnects. Counts are since
// NewLive; JoinedNow and NotJoined are read at the moment of the call.
type LiveReconnectStats struct {
	// Clients is how many clients are kept (their page was fetched);
	// JoinedNow how many of them have a joined connection right now.
	Clients   int `json:"clients"`
	JoinedNow int `json:"joined_now"`
	// NotJoined lists (up to 20) clients not joined right now.
	NotJoined []int `json:"not_joined,omitempty"`

	// Disconnects counts joined connections that ended before Close;
	// GoingAway those the server closed with 1001 (a draining node), and
	// HeartbeatTimeouts those closed by the client because a heartbeat
	// went unanswered for an interval.
	Disconnects       int64 `json:"disconnects"`
	GoingAway         int64 `json:"going_away"`
	HeartbeatTimeouts int64 `json:"heartbeat_timeouts"`
	// Reconnects counts recoveries: a client joined again after a
	// disconnect. LateJoins counts clients joined by their keeper after
	// their first join (in Join) failed.
	Reconnects int64 `json:"reconnects"`
	LateJoins  int64 `json:"late_joins"`

	// JoinAttempts counts connect+join attempts, first joins included;
	// FailedJoins those that did not end joined, which are
	// ConnectFailures (WebSocket handshake failed: refused, reset, 503 from
	// a draining node) + JoinRefusals (the join answered an error) +
	// JoinsLost (no reply within JoinTimeout, or the connection ended
	// first) + PageFailures (the page GET for fresh tokens failed).
	JoinAttempts    int64 `json:"join_attempts"`
	FailedJoins     int64 `json:"failed_joins"`
	ConnectFailures int64 `json:"connect_failures"`
	JoinRefusals    int64 `json:"join_refusals"`
	JoinsLost       int64 `json:"joins_lost"`
	PageFailures    int64 `json:"page_failures"`
	// PageFetches counts page GETs made after a refusal (stale tokens).
	PageFetches int64 `json:"page_fetches"`

	// MaxJoinAttempts is the most attempts one client made in all;
	// MaxRecoveryAttempts the most one recovery took.
	MaxJoinAttempts     int `json:"max_join_attempts"`
	MaxRecoveryAttempts int `json:"max_recovery_attempts"`
	// Rejoin is the time from noticing a disconnect to joined again, over
	// all recoveries so far.
	Rejoin     Latency `json:"rejoin"`
	FirstError string  `json:"first_error,omitempty"`
}

// ReconnectStats reads the reconnect counts. It may be called at any time,
// also without Reconnect.
func (l *LiveLoad) ReconnectStats() LiveReconnectStats {
	re := &l.re
	s := LiveReconnectStats{
		Clients:           len(l.clients),
		GoingAway:         re.goingAway.Load(),
		Disconnects:       l.disconnects.Load(),
		HeartbeatTimeouts: re.hbTimeouts.Load(),
		Reconnects:        re.reconnects.Load(),
		LateJoins:         re.joinsAfterFailedFirstJoin.Load(),
		JoinAttempts:      re.attempts.Load(),
		ConnectFailures:   re.connectFails.Load(),
		JoinRefusals:      re.refusals.Load(),
		JoinsLost:         re.lostJoins.Load(),
		PageFailures:      re.pageFails.Load(),
		PageFetches:       re.pageFetches.Load(),
	}
	s.FailedJoins = s.ConnectFailures + s.JoinRefusals + s.JoinsLost + s.PageFailures
	for _, c := range l.clients {
		c.mu.Lock()
		joined := c.conn != nil && c.conn.joined.Load()
		s.MaxJoinAttempts = max(s.MaxJoinAttempts, c.st.attempts)
		s.MaxRecoveryAttempts = max(s.MaxRecoveryAttempts, c.st.maxRecoveryAttempts)
		c.mu.Unlock()
		if joined {
			s.JoinedNow++
		} else if len(s.NotJoined) < 20 {
			s.NotJoined = append(s.NotJoined, c.i)
		}
	}
	re.mu.Lock()
	s.Rejoin = summarize(re.rejoin)
	s.FirstError = re.firstErr
	re.mu.Unlock()
	return s
}

// ClientStats returns every kept client's history, in client order.
func (l *LiveLoad) ClientStats() []LiveClientStats {
	out := make([]LiveClientStats, 0, len(l.clients))
	for _, c := range l.clients {
		c.mu.Lock()
		st := c.st
		joined := c.conn != nil && c.conn.joined.Load()
		c.mu.Unlock()
		out = append(out, LiveClientStats{
			Index: c.i, Joined: joined, Disconnects: st.disconnects, Reconnects: st.reconnects,
			JoinAttempts: st.attempts, FailedJoins: st.failed, MaxRecoveryAttempts: st.maxRecoveryAttempts,
			PageFetches: st.pages, MaxRejoinMs: ms(st.maxRejoin),
		})
	}
	return out
}

// JoinedNow reports how many clients have a joined connection right now.
func (l *LiveLoad) JoinedNow() int {
	n := 0
	for _, c := range l.clients {
		c.mu.Lock()
		if c.conn != nil && c.conn.joined.Load() {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

// settledJoined counts the joined clients whose last recovery is also
// counted: a join is visible a moment before its keeper counts the
// reconnect, and stats read in that moment would not add up.
func (l *LiveLoad) settledJoined() int {
	n := 0
	for _, c := range l.clients {
		c.mu.Lock()
		if c.conn != nil && c.conn.joined.Load() && c.st.reconnects >= c.st.disconnects {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

// WaitJoined waits until at least n clients are joined at once (and their
// reconnects counted), polling every 20 ms, or ctx ends.
func (l *LiveLoad) WaitJoined(ctx context.Context, n int) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if got := l.settledJoined(); got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d clients joined: %w", l.JoinedNow(), n, ctx.Err())
		case <-t.C:
		}
	}
}

// attempt is one connect+join (with a page GET first when the tokens were
// refused), counted and classified.
func (c *liveClient) attempt(ctx context.Context, recovering bool) (LiveReply, *liveConn, error) {
	l := c.l
	re := &l.re
	re.attempts.Add(1)
	c.mu.Lock()
	c.st.attempts++
	c.mu.Unlock()
	fail := func(counter *atomic.Int64, err error) error {
		counter.Add(1)
		c.failedJoins++
		c.mu.Lock()
		c.st.failed++
		c.mu.Unlock()
		if recovering {
			re.noteError(fmt.Sprintf("client %d: %v", c.i, err))
		}
		return err
	}
	if c.stale {
		re.pageFetches.Add(1)
		c.mu.Lock()
		c.st.pages++
		c.mu.Unlock()
		if _, err := c.fetchPage(ctx); err != nil {
			return LiveReply{}, nil, fail(&re.pageFails, fmt.Errorf("page: %w", err))
		}
	}
	r, conn, err := c.join(ctx)
	var refused *joinRefused
	var cerr *connectError
	switch {
	case err == nil:
		return r, conn, nil
	case errors.As(err, &refused):
		c.stale = refused.staleTokens()
		err = fail(&re.refusals, err)
	case errors.As(err, &cerr):
		err = fail(&re.connectFails, err)
	default:
		err = fail(&re.lostJoins, err)
	}
	return r, nil, err
}

// keep is a client's keeper goroutine: it heartbeats conn while it lasts
// and, with Reconnect, gets the client joined again whenever it is not,
// until Close. conn is nil when the first join failed.
func (c *liveClient) keep(conn *liveConn) {
	l := c.l
	defer l.wg.Done()
	var down time.Time // zero: the first join failed, this is no recovery
	for {
		if conn != nil {
			c.watch(conn)
			if l.ctx.Err() != nil || !l.cfg.Reconnect {
				return
			}
			down = time.Now()
		}
		if conn = c.recover(down); conn == nil {
			return // closed
		}
	}
}

// watch heartbeats conn until it ends or the LiveLoad closes.
func (c *liveClient) watch(conn *liveConn) {
	l := c.l
	if l.cfg.Heartbeat <= 0 {
		select {
		case <-conn.done:
		case <-l.ctx.Done():
		}
		return
	}
	// The first heartbeat at a random point of the interval, so that
	// clients joined together do not heartbeat together.
	t := time.NewTimer(time.Duration(rand.Int64N(int64(l.cfg.Heartbeat))) + 1)
	defer t.Stop()
	for {
		select {
		case <-conn.done:
			return
		case <-l.ctx.Done():
			return
		case <-t.C:
			t.Reset(l.cfg.Heartbeat)
		}
		if !c.heartbeat(conn) {
			// Close, as phoenix.js does on a heartbeat timeout; the
			// reader then ends the connection.
			l.re.hbTimeouts.Add(1)
			conn.closeNow()
			select {
			case <-conn.done:
			case <-l.ctx.Done():
			}
			return
		}
	}
}

// heartbeat sends a phoenix heartbeat on conn; false when the previous
// one is still unanswered.
func (c *liveClient) heartbeat(conn *liveConn) bool {
	c.mu.Lock()
	if _, waiting := c.pending[c.hbRef]; c.hbRef != 0 && waiting {
		c.mu.Unlock()
		return false
	}
	c.nextRef++
	ref := c.nextRef
	c.pending[ref] = &liveReq{heartbeat: true}
	c.hbRef = ref
	c.mu.Unlock()
	b := make([]byte, 0, 48)
	b = append(b, `[null,"`...)
	b = strconv.AppendUint(b, ref, 10)
	b = append(b, `","phoenix","heartbeat",{}]`...)
	// A write that cannot finish within an interval closes the
	// connection (coder/websocket does on a cancelled write); the reader
	// then ends it.
	ctx, cancel := context.WithTimeout(c.l.ctx, c.l.cfg.Heartbeat)
	defer cancel()
	_ = conn.write(ctx, b)
	return true
}

// recover connects and joins again, after Backoff before every attempt,
// until joined (it returns the connection, which may have ended already)
// or the LiveLoad closes (nil). down is when the disconnect was noticed,
// zero after a failed first join.
func (c *liveClient) recover(down time.Time) *liveConn {
	l := c.l
	for n := 1; ; n++ {
		t := time.NewTimer(l.cfg.Backoff(n))
		select {
		case <-l.ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(l.ctx, l.cfg.JoinTimeout)
		_, conn, err := c.attempt(ctx, true)
		cancel()
		if l.ctx.Err() != nil {
			return nil
		}
		if err != nil {
			continue
		}
		took := time.Since(down)
		c.mu.Lock()
		c.st.maxRecoveryAttempts = max(c.st.maxRecoveryAttempts, n)
		if !down.IsZero() {
			c.st.reconnects++
			c.st.maxRejoin = max(c.st.maxRejoin, took)
		}
		c.mu.Unlock()
		if down.IsZero() {
			l.re.joinsAfterFailedFirstJoin.Add(1)
		} else {
			l.re.reconnects.Add(1)
			l.re.mu.Lock()
			l.re.rejoin = append(l.re.rejoin, took)
			l.re.mu.Unlock()
		}
		return conn
	}
}
