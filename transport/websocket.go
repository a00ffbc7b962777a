package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
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
	conn, err := websocket.Accept(w, r, opts)
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
	defer s.stats.WebSockets.Add(-1)

	reason := s.readLoop(sock, conn)
	sock.Close(reason)
	conn.CloseNow()
}

// readLoop reads frames until the peer goes away, stays silent past the idle
// timeout, sends an oversized frame, or the socket is closed.
func (s *Server) readLoop(sock *Socket, conn *websocket.Conn) error {
	for {
		// Not derived from sock.ctx: cancelling a Read makes the library
		// drop the TCP connection at once, before wsSink.close has sent
		// its close frame (1001 on shutdown). When the socket closes, the
		// close handshake ends this Read instead.
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.IdleTimeout)
		typ, data, err := conn.Read(ctx)
		idle := ctx.Err() == context.DeadlineExceeded
		cancel()
		if err != nil {
			switch {
			case sock.ctx.Err() != nil:
				return context.Cause(sock.ctx)
			case idle:
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
		sock.handleRaw(data, typ == websocket.MessageBinary)
	}
}
