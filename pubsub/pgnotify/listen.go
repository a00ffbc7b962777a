package pgnotify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/pubsub"
)

// testBeforeListen, when set by a test, runs between the listener's
// connect and its LISTEN: it widens the window in which the node is
// connected but does not yet listen.
var testBeforeListen func(node string)

// connectListener opens the LISTEN connection.
func (p *PubSub) connectListener(ctx context.Context) (*pgx.Conn, error) {
	conn, err := p.connect(ctx, "joining")
	if err != nil {
		return nil, err
	}
	if testBeforeListen != nil {
		testBeforeListen(p.node)
	}
	lctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if _, err := conn.Exec(lctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
		p.closeConn(conn)
		return nil, fmt.Errorf("pgnotify: LISTEN %q at %s: %w", p.channel, p.target, err)
	}
	// Only now, with LISTEN committed, does the session take the name the
	// other nodes wait for after an outage (see waitOthers): a session
	// seen under it hears every notification committed from then on. A
	// name given at connect time would be seen before LISTEN, and what a
	// node sent in between was lost (issue 15).
	if _, err := conn.Exec(lctx, "SELECT set_config('application_name', $1, false)", appName("listen", p.node)); err != nil {
		p.closeConn(conn)
		return nil, fmt.Errorf("pgnotify: naming the listener at %s: %w", p.target, err)
	}
	return conn, nil
}

// appName is the application_name of a node's session in role, as
// PostgreSQL stores it: printable ASCII (it turns other bytes into '?')
// within NAMEDATALEN-1 bytes. A node id too long for that is cut and
// suffixed with a hash of the whole id, so distinct nodes keep distinct
// names: the sender waits for listeners by name.
func appName(role, node string) string {
	const maxLen = 63
	b := []byte("golive-pubsub " + role + " " + node)
	for i, c := range b {
		if c < 32 || c > 126 {
			b[i] = '?'
		}
	}
	if len(b) <= maxLen {
		return string(b)
	}
	sum := sha256.Sum256([]byte(node))
	tag := "~" + hex.EncodeToString(sum[:4])
	return string(b[:maxLen-len(tag)]) + tag
}

// listenLoop owns the LISTEN connection: it receives until the connection
// fails, then reconnects with backoff, for as long as the PubSub lives.
func (p *PubSub) listenLoop(conn *pgx.Conn) {
	defer p.wg.Done()
	asm := newAssembler()
	var bo backoff
	for {
		err := p.listen(conn, asm)
		if p.ctx.Err() != nil {
			p.closeConn(conn)
			return
		}
		down := time.Now()
		p.linkDown(err)
		p.closeConn(conn)
		attempts := 0
		for conn = nil; conn == nil; {
			if !sleep(p.ctx, bo.next()) {
				return
			}
			attempts++
			c, err := p.connectListener(p.ctx)
			if err != nil {
				if p.ctx.Err() != nil {
					return
				}
				p.setError(err)
				p.log.Debug("pubsub: reconnect failed", "attempt", attempts, "err", err)
				continue
			}
			conn = c
		}
		bo.reset()
		p.linkRestored(time.Since(down), attempts)
	}
}

// listen receives notifications on conn and pings it every pingEvery,
// until either fails or the PubSub is closed.
func (p *PubSub) listen(conn *pgx.Conn, asm *assembler) error {
	nextPing := time.Now().Add(pingEvery)
	for {
		wctx, cancel := context.WithDeadline(p.ctx, nextPing)
		n, err := conn.WaitForNotification(wctx)
		waited := wctx.Err() != nil
		cancel()
		if n != nil {
			p.receive(n.Payload, asm)
		}
		if err != nil {
			if p.ctx.Err() != nil {
				return p.ctx.Err()
			}
			if !waited || conn.IsClosed() {
				return err
			}
		}
		if now := time.Now(); !now.Before(nextPing) {
			if err := p.ping(conn); err != nil {
				return err
			}
			if d := asm.sweep(now); d > 0 {
				p.incomplete.Add(uint64(d))
				p.dropped.Add(uint64(d))
				p.log.Warn("pubsub: dropped messages from other nodes whose chunks did not all arrive", "messages", d, "timeout", chunkTimeout)
			}
			nextPing = time.Now().Add(pingEvery)
		}
	}
}

// listenersSQL lists the application names of the pgnotify sessions that
// listen on this database (all nodes; every role may see the names).
const listenersSQL = `SELECT array(SELECT application_name FROM pg_stat_activity
	WHERE datname = current_database() AND application_name LIKE 'golive-pubsub listen %')`

// ping checks the connection (a silently lost one does not answer within
// pingTimeout) and samples the server's notification queue usage and how
// many nodes listen.
func (p *PubSub) ping(conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(p.ctx, pingTimeout)
	defer cancel()
	var usage float64
	var listening []string
	if err := conn.QueryRow(ctx, "SELECT pg_notification_queue_usage(), ("+listenersSQL+")").Scan(&usage, &listening); err != nil {
		if p.ctx.Err() != nil {
			return p.ctx.Err()
		}
		return fmt.Errorf("ping: %w", err)
	}
	p.smu.Lock()
	p.queueUsage, p.listening = usage, listening
	p.smu.Unlock()
	return nil
}

// receive decodes one notification and delivers the message it completes.
func (p *PubSub) receive(payload string, asm *assembler) {
	h, chunk, err := parsePayload(payload)
	if err != nil {
		p.undecodablePayload(err)
		return
	}
	if h.node == p.node && h.epoch == p.epoch {
		return // delivered locally by Publish already
	}
	p.heardFrom(h.node)
	body, complete, dropped := asm.add(h, chunk, time.Now())
	if dropped > 0 {
		p.incomplete.Add(uint64(dropped))
		p.dropped.Add(uint64(dropped))
		p.log.Warn("pubsub: dropped incomplete messages from other nodes to stay within the reassembly bounds", "messages", dropped)
	}
	if !complete {
		return
	}
	topic, name, data, err := parseBody(body)
	if err != nil {
		p.undecodablePayload(err)
		return
	}
	v, err := pubsub.Unmarshal(name, data)
	if err != nil {
		p.undecodable.Add(1)
		p.dropped.Add(1)
		if _, seen := p.unknownLog.LoadOrStore(name, struct{}{}); !seen {
			p.log.Error("pubsub: cannot decode a message from another node (logged once per type name)",
				"type", name, "topic", topic, "from", h.node, "err", err)
		}
		return
	}
	p.received.Add(1)
	_ = p.Local.Publish(p.ctx, topic, v)
}

func (p *PubSub) undecodablePayload(err error) {
	p.undecodable.Add(1)
	p.dropped.Add(1)
	if ok, held := p.badLog.allow(time.Now()); ok {
		p.log.Warn("pubsub: ignoring a notification that is not ours on the channel", "channel", p.channel, "err", err, "also_since_last_report", held)
	}
}

// linkDown records and logs (once per outage) the loss of the LISTEN
// connection.
func (p *PubSub) linkDown(err error) {
	if err == nil {
		err = errors.New("connection closed")
	}
	p.smu.Lock()
	p.linkUp, p.since, p.lastErr = false, time.Now(), err.Error()
	p.expectAfterOutage(p.since)
	close(p.linkChange)
	p.linkChange = make(chan struct{})
	p.smu.Unlock()
	p.log.Warn("pubsub: lost the PostgreSQL link; messages from other nodes are missed until it is back, "+
		"messages to them are held", "server", p.target, "err", err)
}

// linkRestored records and logs the recovery, then runs the OnReconnect
// callbacks. It also opens the settle window in which the sender, before
// sending what it held, waits for the other nodes' listeners: see
// waitOthers.
func (p *PubSub) linkRestored(outage time.Duration, attempts int) {
	now := time.Now()
	p.smu.Lock()
	p.linkUp, p.since = true, now
	p.settleUntil = now.Add(settleMax)
	close(p.linkChange)
	p.linkChange = make(chan struct{})
	fns := slices.Clone(p.onReconnect)
	p.smu.Unlock()
	p.reconnects.Add(1)
	p.log.Info("pubsub: PostgreSQL link restored", "server", p.target, "outage", outage.Round(time.Millisecond), "attempts", attempts)
	for _, fn := range fns {
		fn()
	}
}

// waitLinkUp waits until the LISTEN connection is up; it returns false
// when the PubSub is closed first.
func (p *PubSub) waitLinkUp() bool {
	for {
		p.smu.Lock()
		up, ch := p.linkUp, p.linkChange
		p.smu.Unlock()
		if up {
			return true
		}
		select {
		case <-ch:
		case <-p.ctx.Done():
			return false
		}
	}
}

// heardWindow is how long a node that sent something counts as present
// for waitOthers: the listener count is only sampled every pingEvery, so
// nodes heard from (cluster heartbeats come every second) fill the gap,
// e.g. an outage right after the nodes started.
const heardWindow = 10 * time.Second

// heardFrom records a message from another node.
func (p *PubSub) heardFrom(node string) {
	now := time.Now()
	p.smu.Lock()
	defer p.smu.Unlock()
	if p.heard == nil {
		p.heard = make(map[string]time.Time)
	}
	p.heard[node] = now
	if len(p.heard) > 64 {
		for n, at := range p.heard {
			if now.Sub(at) > heardWindow {
				delete(p.heard, n)
			}
		}
	}
}

// expectAfterOutage records, as the link is lost at t, which listeners
// the sender waits for once it is back: the sessions seen listening at the
// last ping and the nodes heard from within heardWindow before t, this
// node excepted. If a previous outage's wait has not ended, its nodes stay
// expected too. p.smu must be held.
func (p *PubSub) expectAfterOutage(t time.Time) {
	if p.settleUntil.IsZero() || p.expect == nil {
		p.expect = make(map[string]bool)
	}
	self := appName("listen", p.node)
	for _, name := range p.listening {
		if name != self {
			p.expect[name] = true
		}
	}
	for node, at := range p.heard {
		if !at.After(t) && t.Sub(at) <= heardWindow {
			p.expect[appName("listen", node)] = true
		}
	}
}

// waitOthers runs on the sender's connection after this node's listener
// came back from an outage, before what was held is sent: the other nodes
// lost their links at the same moment and retry on their own jittered
// schedules, and a message sent before their LISTEN is in effect again is
// lost to them. It waits until every listener expected (see
// expectAfterOutage) is listening again, by name (a listener takes its
// name only after LISTEN), or until settleMax after the recovery (by then
// every node retrying on this backoff has had a try). The error is the
// connection's.
func (p *PubSub) waitOthers(conn *pgx.Conn) error {
	p.smu.Lock()
	until, expect := p.settleUntil, maps.Clone(p.expect)
	p.smu.Unlock()
	if until.IsZero() {
		return nil
	}
	for time.Now().Before(until) {
		ctx, cancel := context.WithTimeout(p.ctx, pingTimeout)
		var listening []string
		err := conn.QueryRow(ctx, listenersSQL).Scan(&listening)
		cancel()
		if err != nil {
			return err
		}
		if allListening(expect, listening) {
			break
		}
		if !sleep(p.ctx, 20*time.Millisecond) {
			return p.ctx.Err()
		}
	}
	p.smu.Lock()
	if p.settleUntil.Equal(until) {
		p.settleUntil, p.expect = time.Time{}, nil
	}
	p.smu.Unlock()
	return nil
}

// allListening reports whether every name in expect is in listening.
func allListening(expect map[string]bool, listening []string) bool {
	found := 0
	for name := range expect {
		if slices.Contains(listening, name) {
			found++
		}
	}
	return found == len(expect)
}

func (p *PubSub) isLinkUp() bool {
	p.smu.Lock()
	defer p.smu.Unlock()
	return p.linkUp
}

// backoff is a jittered exponential delay from backoffMin to backoffMax.
type backoff struct{ d time.Duration }

// next returns the next delay: the nominal one doubles each call, the
// value is drawn from its upper half so nodes do not retry in lockstep.
func (b *backoff) next() time.Duration {
	if b.d == 0 {
		b.d = backoffMin
	} else {
		b.d = min(2*b.d, backoffMax)
	}
	return b.d/2 + rand.N(b.d/2+1)
}

func (b *backoff) reset() { b.d = 0 }
