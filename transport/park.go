package transport

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Parking takes a LongPoll connection off net/http while it waits: a held
// poll, and a keep-alive connection between two POSTs. net/http keeps a
// goroutine per waiting request and per idle connection, each with 4 KiB
// read and write buffers and the request's state, which makes most of an
// idle LongPoll session's memory; a parked connection is one goroutine
// blocked in a one-byte read and nothing else. The read also notices a
// client that goes away during a poll, as net/http does. The client's next
// request is served on the parked goroutine when it is a plain LongPoll
// request (parkserve.go); anything else goes back to the http.Server
// through [Server.Listener]'s Accept, prefixed with the bytes read.

// idleParkTimeout closes a parked keep-alive connection the client left
// unused; the client opens a new one when it needs one.
const idleParkTimeout = 2 * time.Minute

// parkWriteTimeout bounds writing an answer on a parked connection, so a
// client that stopped reading cannot hold its goroutine.
const parkWriteTimeout = 10 * time.Second

// aLongTimeAgo is a read deadline in the past: it wakes a parked read.
var aLongTimeAgo = time.Unix(1, 0)

// Listener is the http.Server's listener as [Server.Listener] wraps it.
type Listener struct {
	net.Listener
	srv  *Server
	acc  chan acceptResult
	back chan net.Conn
	done chan struct{}
	once sync.Once

	mu     sync.Mutex
	parked map[net.Conn]struct{}
}

type acceptResult struct {
	c   net.Conn
	err error
}

// Listener wraps l, the listener of the http.Server that serves s, so that
// LongPoll connections can be parked (see the comment at the top of
// park.go): pass the result to http.Server.Serve. Without it, or for
// HTTP/2 and TLS connections the http.Server terminates itself, LongPoll
// holds each poll on its handler goroutine as net/http does.
func (s *Server) Listener(l net.Listener) *Listener {
	pl := &Listener{
		Listener: l, srv: s, acc: make(chan acceptResult), back: make(chan net.Conn, 64),
		done: make(chan struct{}), parked: map[net.Conn]struct{}{},
	}
	go pl.pump()
	s.park.Store(pl)
	return pl
}

// pump runs the real Accept, so that Accept can also return connections
// given back; it ends when the listener is closed.
func (l *Listener) pump() {
	for {
		c, err := l.Listener.Accept()
		select {
		case l.acc <- acceptResult{c, err}:
		case <-l.done:
			if c != nil {
				c.Close()
			}
			return
		}
		if errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// Accept returns the next new or given-back connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.back:
		return c, nil
	case r := <-l.acc:
		return r.c, r.err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close closes the listener and every parked connection.
func (l *Listener) Close() error {
	err := l.Listener.Close()
	l.once.Do(func() {
		close(l.done)
		l.mu.Lock()
		for c := range l.parked {
			c.Close()
		}
		l.mu.Unlock()
	})
	return err
}

// track records a parked connection, so Close can end it; false once the
// listener is closed.
func (l *Listener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.done:
		return false
	default:
	}
	l.parked[c] = struct{}{}
	l.srv.stats.ParkedConns.Add(1)
	return true
}

func (l *Listener) untrack(c net.Conn) {
	l.mu.Lock()
	if _, ok := l.parked[c]; ok {
		delete(l.parked, c)
		l.srv.stats.ParkedConns.Add(-1)
	}
	l.mu.Unlock()
}

// giveBack hands a connection with a request coming to the http.Server.
func (l *Listener) giveBack(c net.Conn) {
	select {
	case l.back <- c:
	case <-l.done:
		c.Close()
	}
}

// prefixConn replays bytes read while parked before reading on.
type prefixConn struct {
	net.Conn
	pre []byte
}

// withPrefix returns c reading pre first. A connection given back before
// is a prefixConn already (net/http hands the same net.Conn to the next
// hijack): its own unread bytes come after pre, and it is reused rather
// than wrapped again, which on a long-lived LongPoll connection nested one
// wrapper per poll (memory and read cost growing with every request).
func withPrefix(c net.Conn, pre []byte) net.Conn {
	if p, ok := c.(*prefixConn); ok {
		if len(p.pre) > 0 {
			pre = append(pre[:len(pre):len(pre)], p.pre...)
		}
		p.pre = pre
		return p
	}
	return &prefixConn{Conn: c, pre: pre}
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(p, c.pre)
		c.pre = c.pre[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// parkedConn is a hijacked HTTP/1.x connection.
type parkedConn struct {
	ln   *Listener
	conn net.Conn
	pre  []byte       // bytes past the current request, replayed first
	head []byte       // status line and headers of the answer, without the length
	keep bool         // keep-alive: reuse the connection after the answer
	srv  *http.Server // serves the connection's next requests (parkserve.go)

	// status, set under the session's lock by whoever ends a parked poll
	// from outside: 204 (a newer poll) or 500 (the session ended).
	status int
}

// parkListener is the Listener to park on for r, or nil.
func (s *Server) parkListener(r *http.Request) *Listener {
	pl := s.park.Load()
	if pl == nil || r.ProtoMajor != 1 || r.TLS != nil {
		return nil
	}
	return pl
}

// hijack takes r's connection from net/http, with the answer's status line
// and headers rendered from w's; it fails (and nothing is changed) when w
// cannot be hijacked.
func (pl *Listener) hijack(w http.ResponseWriter, r *http.Request) (*parkedConn, error) {
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	if err := w.Header().Write(&head); err != nil {
		return nil, err
	}
	var conn net.Conn
	var pre []byte
	if fw := fastWriterOf(w); fw != nil {
		conn, pre = fw.takeOver()
	} else {
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return nil, err
		}
		conn, pre = c, buffered(brw.Reader)
	}
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	pc := &parkedConn{ln: pl, conn: conn, pre: pre, head: head.Bytes(), keep: r.ProtoAtLeast(1, 1) && !r.Close, srv: srv}
	if !pl.track(conn) {
		conn.Close()
		return nil, net.ErrClosed
	}
	return pc, nil
}

func buffered(r *bufio.Reader) []byte {
	n := r.Buffered()
	if n == 0 {
		return nil
	}
	b, _ := r.Peek(n)
	return bytes.Clone(b)
}

// respond writes a 200 answer with body.
func (pc *parkedConn) respond(body []byte) error {
	b := make([]byte, 0, len(pc.head)+len(body)+48)
	b = append(b, pc.head...)
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n"...)
	if !pc.keep {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	pc.conn.SetWriteDeadline(time.Now().Add(parkWriteTimeout))
	_, err := pc.conn.Write(b)
	return err
}

// close ends the connection.
func (pc *parkedConn) close() {
	pc.ln.untrack(pc.conn)
	pc.conn.Close()
}

// idle waits, on the calling goroutine, for the client's next request on
// a keep-alive connection and serves it (parkserve.go) or gives the
// connection back to the http.Server; an unused or closed connection is
// closed.
func (pc *parkedConn) idle() {
	for {
		if !pc.keep {
			pc.close()
			return
		}
		c := pc.conn
		if len(pc.pre) == 0 {
			var one [1]byte
			c.SetReadDeadline(time.Now().Add(idleParkTimeout))
			n, _ := c.Read(one[:])
			if n == 0 {
				pc.close()
				return
			}
			pc.pre = one[:]
		}
		c.SetReadDeadline(time.Time{})
		c.SetWriteDeadline(time.Time{})
		pc.ln.untrack(c)
		if !pc.serveNext() {
			return
		}
		// Answered here: park again for the next request.
		if !pc.ln.track(pc.conn) {
			pc.conn.Close()
			return
		}
	}
}

// respondParked answers r with body on its connection taken from net/http,
// which then waits parked for the client's next request; false (nothing
// written) when the connection cannot be parked: the caller answers.
func (s *Server) respondParked(w http.ResponseWriter, r *http.Request, body []byte) bool {
	pl := s.parkListener(r)
	if pl == nil {
		return false
	}
	pc, err := pl.hijack(w, r)
	if err != nil {
		return false
	}
	go func() {
		if err := pc.respond(body); err != nil {
			pc.close()
			return
		}
		pc.idle()
	}()
	return true
}

// parkPoll holds a poll of sess on its connection taken from net/http: no
// handler goroutine, only the parked read, until frames arrive (the outbox
// pokes it), the window ends (the read deadline), a newer poll supersedes
// it, the session ends, or the client goes away. False when the
// connection cannot be parked: the caller holds the poll itself.
func (s *Server) parkPoll(w http.ResponseWriter, r *http.Request, sess *lpSession) bool {
	pl := s.parkListener(r)
	if pl == nil {
		return false
	}
	pc, err := pl.hijack(w, r)
	if err != nil {
		return false
	}
	pc.conn.SetReadDeadline(time.Now().Add(s.cfg.LongPollWindow))
	sess.mu.Lock()
	sess.supersedeLocked()
	sess.parked = pc
	sess.polls++
	if sess.expiry != nil {
		sess.expiry.Stop()
	}
	if sess.expired || sess.sock.ctx.Err() != nil {
		// Ended between the lookup and now.
		sess.parked, pc.status = nil, 500
		pc.conn.SetReadDeadline(aLongTimeAgo)
	} else if sess.sock.out.pending() {
		pc.conn.SetReadDeadline(aLongTimeAgo)
	}
	sess.mu.Unlock()
	go s.servePoll(pc, sess)
	return true
}

// servePoll is a parked poll's goroutine.
func (s *Server) servePoll(pc *parkedConn, sess *lpSession) {
	var one [1]byte
	n, err := pc.conn.Read(one[:])
	var ne net.Error
	woken := errors.As(err, &ne) && ne.Timeout() // our deadline: window end or a poke
	sess.mu.Lock()
	status := pc.status
	var frames []outFrame
	if sess.parked == pc {
		sess.parked = nil
		status = 204
		if frames = sess.sock.out.take(); len(frames) > 0 {
			status = 200
		}
	}
	sess.mu.Unlock()
	if n == 0 && !woken {
		// The client went away: frames taken go back for its next poll.
		sess.sock.out.putBack(frames)
		sess.endPoll(s)
		pc.close()
		return
	}
	if n == 1 {
		pc.pre = append(pc.pre, one[0]) // a pipelined request: answer the poll first
	}
	var body []byte
	if status == 500 {
		body = []byte(`{"status":500}`)
	} else {
		body = pollBody(status, sess.token, frames)
	}
	// Counted as ended before the client has the answer, as a held poll
	// is (its answer is flushed after the handler returns): a poll the
	// client sends next is then the only one in flight.
	sess.endPoll(s)
	if err := pc.respond(body); err != nil {
		sess.sock.out.putBack(frames)
		pc.close()
		return
	}
	pc.idle()
}

// supersedeLocked ends the session's current poll, held or parked, with
// 204: a newer poll takes over. sess.mu is held.
func (sess *lpSession) supersedeLocked() {
	if sess.waiter != nil {
		close(sess.waiter)
		sess.waiter = nil
	}
	if p := sess.parked; p != nil {
		sess.parked, p.status = nil, 204
		p.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// poke wakes a parked poll: frames are waiting.
func (sess *lpSession) poke() {
	sess.mu.Lock()

	if p := sess.parked; p != nil {
		p.conn.SetReadDeadline(aLongTimeAgo)
	}
	sess.mu.Unlock()
}

// endPoll counts a poll as ended and arms the expiry when none is left.
func (sess *lpSession) endPoll(s *Server) {
	sess.mu.Lock()
	sess.polls--
	sess.mu.Unlock()
	sess.armExpiry(s)
}
