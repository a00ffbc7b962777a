package pgnotify

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A batch is at most this many messages and (unless one message is bigger)
// bytes, sent in one statement: one round trip, one transaction.
const (
	batchMessages = 512
	batchBytes    = 1 << 20
)

// notifySQL sends every payload in $2, in order, in one statement (and so
// one transaction: a chunked message arrives whole or not at all).
const notifySQL = "SELECT pg_notify($1, x) FROM unnest($2::text[]) AS x"

// enqueue queues one message for the sender, dropping the oldest when the
// backlog is full.
func (p *PubSub) enqueue(payloads []string) {
	m := outMsg{payloads: payloads}
	for _, s := range payloads {
		m.bytes += len(s)
	}
	p.qmu.Lock()
	p.queue = append(p.queue, m)
	p.queueBytes += m.bytes
	dropped := p.trim()
	p.qmu.Unlock()
	p.published.Add(1)
	p.reportDropped(dropped)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// requeue puts a batch that could not be sent back at the head of the
// queue, so that everything not yet sent is under the backlog's limits
// and goes out in order later.
func (p *PubSub) requeue(batch []outMsg) {
	p.qmu.Lock()
	n := len(batch)
	if p.qhead >= n {
		p.qhead -= n
		copy(p.queue[p.qhead:], batch)
	} else {
		q := make([]outMsg, 0, n+p.qlen())
		q = append(append(q, batch...), p.queue[p.qhead:]...)
		p.queue, p.qhead = q, 0
	}
	for _, m := range batch {
		p.queueBytes += m.bytes
	}
	p.inflight = 0
	dropped := p.trim()
	p.qmu.Unlock()
	p.reportDropped(dropped)
}

// trim drops the oldest messages while the queue is over MaxBacklog or
// maxBacklogBytes (never the newest one) and returns how many; qmu must
// be held.
func (p *PubSub) trim() int {
	dropped := 0
	for p.qlen() > 1 && (p.qlen() > p.maxBacklog || p.queueBytes > maxBacklogBytes) {
		p.queueBytes -= p.queue[p.qhead].bytes
		p.queue[p.qhead] = outMsg{}
		p.qhead++
		dropped++
	}
	return dropped
}

func (p *PubSub) reportDropped(n int) {
	if n == 0 {
		return
	}
	p.dropped.Add(uint64(n))
	if ok, held := p.dropLog.allow(time.Now()); ok {
		p.log.Warn("pubsub: backlog full, dropped the oldest messages for other nodes",
			"dropped", n, "also_since_last_report", held, "max_backlog", p.maxBacklog)
	}
}

// qlen is the queue's length; qmu must be held.
func (p *PubSub) qlen() int { return len(p.queue) - p.qhead }

// takeBatch takes the next batch off the queue (nil if it is empty) and
// counts it as in flight.
func (p *PubSub) takeBatch() []outMsg {
	p.qmu.Lock()
	defer p.qmu.Unlock()
	q := p.queue[p.qhead:]
	n, b := 0, 0
	for n < len(q) && n < batchMessages && (n == 0 || b+q[n].bytes <= batchBytes) {
		b += q[n].bytes
		n++
	}
	if n == 0 {
		return nil
	}
	batch := make([]outMsg, n)
	copy(batch, q[:n])
	clear(q[:n])
	p.qhead += n
	p.queueBytes -= b
	p.inflight = n
	switch {
	case p.qhead == len(p.queue):
		// Empty: reuse the array from its start.
		p.queue, p.qhead = p.queue[:0], 0
	case p.qhead > 4096 && p.qhead > len(p.queue)/2:
		k := copy(p.queue, p.queue[p.qhead:])
		clear(p.queue[k:])
		p.queue, p.qhead = p.queue[:k], 0
	}
	return batch
}

func (p *PubSub) batchDone() {
	p.qmu.Lock()
	p.inflight = 0
	p.qmu.Unlock()
}

// sendLoop drains the queue into PostgreSQL over its own connection. It
// takes messages off the queue only while this node listens (if it does
// not, the database is most likely unreachable); a batch that fails goes
// back to the head of the queue and is sent again after reconnecting
// (receivers drop the duplicates a lost reply can cause).
func (p *PubSub) sendLoop() {
	defer p.wg.Done()
	var (
		conn     *pgx.Conn
		bo       backoff
		failures int
		failedAt time.Time
	)
	defer func() {
		p.flushAtClose(conn)
	}()
	for {
		// After an outage, messages also wait until the other nodes
		// listen again (waitOthers).
		if !p.waitLinkUp() {
			return
		}
		batch := p.takeBatch()
		if batch == nil {
			select {
			case <-p.wake:
				continue
			case <-p.ctx.Done():
				return
			}
		}
		var err error
		if conn == nil {
			conn, err = p.connect(p.ctx, "send")
		}
		if err == nil {
			err = p.waitOthers(conn)
		}
		if err == nil {
			var refused int
			refused, err = p.send(p.ctx, conn, batch)
			if err == nil {
				p.sent.Add(uint64(len(batch) - refused))
				p.batchDone()
				bo.reset()
				if failures > 1 {
					p.log.Info("pubsub: sending to PostgreSQL again", "after", time.Since(failedAt).Round(time.Millisecond))
				}
				failures = 0
				continue
			}
		}
		p.requeue(batch)
		if p.ctx.Err() != nil {
			return
		}
		if conn != nil {
			p.closeConn(conn)
			conn = nil
		}
		p.setError(err)
		failures++
		switch failures {
		case 1:
			// Usually a connection that died while idle (a server
			// restart): retry at once on a new one.
			failedAt = time.Now()
			p.log.Debug("pubsub: send failed, retrying on a new connection", "err", err)
			continue
		case 2:
			p.log.Warn("pubsub: cannot send to PostgreSQL; messages for other nodes wait in the backlog",
				"server", p.target, "err", err, "backlog", p.Stats().Backlog)
		}
		if !sleep(p.ctx, bo.next()) {
			return
		}
	}
}

// send sends batch on conn. When the server refuses the data itself
// (class 22, data exception) it sends the messages one by one and drops
// those it refuses, so one bad message cannot block the queue forever; it
// returns how many it dropped.
func (p *PubSub) send(ctx context.Context, conn *pgx.Conn, batch []outMsg) (refused int, err error) {
	err = p.notify(ctx, conn, batch)
	if err == nil || !dataException(err) || conn.IsClosed() {
		return 0, err
	}
	for _, m := range batch {
		err := p.notify(ctx, conn, []outMsg{m})
		if err == nil {
			continue
		}
		if !dataException(err) || conn.IsClosed() {
			// Those before were sent; receivers drop them when the batch
			// is sent again.
			return 0, err
		}
		refused++
		p.dropped.Add(1)
		p.log.Error("pubsub: PostgreSQL refused a message; dropped", "err", err, "bytes", m.bytes)
	}
	return refused, nil
}

func dataException(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22")
}

func (p *PubSub) notify(ctx context.Context, conn *pgx.Conn, batch []outMsg) error {
	n := 0
	for _, m := range batch {
		n += len(m.payloads)
	}
	payloads := make([]string, 0, n)
	for _, m := range batch {
		payloads = append(payloads, m.payloads...)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	_, err := conn.Exec(ctx, notifySQL, p.channel, payloads)
	return err
}

// flushAtClose runs when the sender stops: it sends what is still queued
// if the link is up, within closeFlush, then closes conn; whatever is left
// is dropped and logged.
func (p *PubSub) flushAtClose(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), closeFlush)
	defer cancel()
	batch := p.takeBatch()
	// Close may have cancelled a send in flight, and pgx closes a
	// connection whose query was cancelled: flush on a new one then.
	if conn != nil && conn.IsClosed() {
		p.closeConn(conn)
		conn = nil
	}
	if batch != nil && p.isLinkUp() && conn == nil {
		conn, _ = p.connect(ctx, "send")
	}
	retried := false
	for conn != nil && batch != nil {
		refused, err := p.send(ctx, conn, batch)
		if err != nil {
			// One more try on a fresh connection; a batch that did go
			// out before is dropped as a duplicate by the receivers.
			if retried || ctx.Err() != nil {
				break
			}
			retried = true
			p.closeConn(conn)
			conn, _ = p.connect(ctx, "send")
			continue
		}
		p.sent.Add(uint64(len(batch) - refused))
		p.batchDone()
		batch = p.takeBatch()
	}
	if conn != nil {
		p.closeConn(conn)
	}
	left := len(batch)
	p.qmu.Lock()
	left += p.qlen()
	clear(p.queue)
	p.queue, p.qhead, p.queueBytes, p.inflight = nil, 0, 0, 0
	p.qmu.Unlock()
	if left > 0 {
		p.dropped.Add(uint64(left))
		p.log.Warn("pubsub: closed with messages not sent to the other nodes", "dropped", left)
	}
}
