package transport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// writeTimeout bounds one write to a WebSocket; a peer that does not read
// for this long is treated as dead.
const writeTimeout = 10 * time.Second

type wsSink struct {
	conn *websocket.Conn
}

func (w *wsSink) write(frames []outFrame) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	for _, f := range frames {
		typ := websocket.MessageText
		if f.binary {
			typ = websocket.MessageBinary
		}
		if err := w.conn.Write(ctx, typ, f.data); err != nil {
			return err
		}
	}
	return nil
}

func (w *wsSink) close(reason error) {
	code, text := websocket.StatusGoingAway, "server closing"
	switch {
	case errors.Is(reason, ErrShutdown):
		// 1001 is not a clean close by the client, so phoenix.js
		// reconnects with its backoff and rejoins every channel.
		text = "server shutting down"
	case errors.Is(reason, errOutboxFull):
		// The peer is not reading: a close frame would wait behind the
		// blocked write and the handshake could only time out. Drop the
		// connection now.
		go w.conn.CloseNow()
		return
	}
	// Close waits for the peer's close frame; do not hold up the caller.
	go w.conn.Close(code, text)
}

func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	info, err := s.connect(r, "websocket")
	if errors.Is(err, errDraining) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		// Phoenix answers a refused upgrade with a bare 403 and an empty
		// body; the browser reports close code 1006 and the client retries
		// with backoff.
		w.WriteHeader(http.StatusForbidden)
		return
	}
	opts := &websocket.AcceptOptions{
		// The origin was checked above, by our explicit policy.
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	}
	// phoenix.js ≥ 1.8 with authToken offers "phoenix" plus the token as
	// subprotocols; the server must select "phoenix".
	for _, p := range r.Header.Values("Sec-WebSocket-Protocol") {
		if strings.Contains(p, "phoenix") {
			opts.Subprotocols = []string{"phoenix"}
		}
	}
	conn, err := websocket.Accept(smallBuffers{w}, r, opts)
	if err != nil {
		s.log.Debug("websocket upgrade failed", "error", err, "request_id", info.RequestID)
		return
	}
	conn.SetReadLimit(s.cfg.MaxFrameBytes)
	sock := s.newSocket(info, &wsSink{conn: conn})
	if !s.addSocket(sock) {
		conn.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	s.stats.WebSockets.Add(1)
	// Read on a fresh goroutine and return from the handler: the request,
	// response and net/http's connection frame are then garbage, which
	// matters at tens of thousands of idle sockets.
	go func() {
		defer s.stats.WebSockets.Add(-1)
		reason := s.readLoop(sock, conn)
		sock.Close(reason)
		conn.CloseNow()
	}()
}

// wsBufferSize is the read and write buffer of a WebSocket: net/http's
// 4 KiB pair per connection would dominate the memory of idle sockets.
const wsBufferSize = 1024

// smallBuffers hands coder/websocket smaller buffered reader and writer on
// Hijack than net/http's.
type smallBuffers struct{ http.ResponseWriter }

func (s smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		c.Close()
		return nil, nil, err
	}
	n := brw.Reader.Buffered()
	if n > wsBufferSize {
		return c, brw, nil
	}
	// Bytes net/http already read past the request must be inside the new
	// reader's buffer: the library resets the reader onto the connection
	// and keeps only what is buffered.
	early, _ := brw.Reader.Peek(n)
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(early)), c), wsBufferSize)
	if n > 0 {
		br.Peek(n)
	}
	return c, bufio.NewReadWriter(br, bufio.NewWriterSize(c, wsBufferSize)), nil
}

// readLoop reads frames until the peer goes away, stays silent past the idle
// timeout, sends an oversized frame, or the socket is closed.
func (s *Server) readLoop(sock *Socket, conn *websocket.Conn) error {
	// One idle timer per socket, reset on every frame, instead of a
	// context per Read (fewer allocations per message). Reads are not tied
	// to sock.ctx: cancelling a Read makes the library drop the TCP
	// connection at once, before wsSink.close has sent its close frame
	// (1001 on shutdown); the close handshake ends the Read instead.
	var idle atomic.Bool
	timer := time.AfterFunc(s.cfg.IdleTimeout, func() { idle.Store(true); conn.CloseNow() })
	s.stats.Timers.Add(1)
	defer func() {
		timer.Stop()
		s.stats.Timers.Add(-1)
	}()
	for {
		sock.out.waitRoom(sock.ctx)
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			switch {
			case sock.ctx.Err() != nil:
				return context.Cause(sock.ctx)
			case idle.Load():
				s.log.Info("websocket closed: no heartbeat within the idle timeout",
					append(logAttrsFor(sock), "idle_timeout", s.cfg.IdleTimeout)...)
				return errors.New("idle timeout")
			case strings.Contains(err.Error(), "read limited"):
				s.log.Warn("websocket closed: frame over the size limit",
					append(logAttrsFor(sock), "limit_bytes", s.cfg.MaxFrameBytes)...)
				return errors.New("frame too large")
			}
			return ErrSocketClosed
		}
		timer.Reset(s.cfg.IdleTimeout)
		sock.handleRaw(data, typ == websocket.MessageBinary)
	}
}
