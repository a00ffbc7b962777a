package socketload

import (
	"context"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// wsConn is a WebSocket socket: one goroutine reads; writes happen on the
// caller's goroutine (coder/websocket serializes concurrent writers).
type wsConn struct {
	c *websocket.Conn
}

func dialWS(ctx context.Context, l *Load, s *sock) (*wsConn, error) {
	u := "ws" + strings.TrimPrefix(l.cfg.URL, "http") + "/websocket?vsn=2.0.0"
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient:      l.httpClient,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(16 << 20)
	w := &wsConn{c: c}
	go w.readLoop(s)
	return w, nil
}

func (w *wsConn) readLoop(s *sock) {
	for {
		// A context without Done channel: no per-read timer. The Load
		// closes the connection to stop this loop.
		_, data, err := w.c.Read(context.Background())
		if err != nil {
			s.ended(err)
			return
		}
		s.incoming(data, time.Now())
	}
}

func (w *wsConn) send(ctx context.Context, frame []byte) error {
	return w.c.Write(ctx, websocket.MessageText, frame)
}

func (w *wsConn) close() { _ = w.c.CloseNow() }
