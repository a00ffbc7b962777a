package transport

import (
	"context"
	"errors"
)

// DirectConn is an in-process client connection: frames go through the
// same dispatch, channels and outbound queue as a WebSocket, without a
// network. Test helpers (package live/livetest) use it to drive views the
// way a browser does.
type DirectConn struct {
	sock   *Socket
	frames chan []byte
}

type directSink struct {
	ctx    context.Context
	frames chan []byte
}

func (d *directSink) write(frames []outFrame) error {
	for _, f := range frames {
		select {
		case d.frames <- f.data:
		case <-d.ctx.Done():
			return d.ctx.Err()
		}
	}
	return nil
}

func (d *directSink) close(error) {}

// ConnectDirect opens an in-process socket with the given connect info
// (Transport is set to "direct"). The application's Connect hook runs as
// for a network socket.
func (s *Server) ConnectDirect(info ConnInfo) (*DirectConn, error) {
	info.Transport = "direct"
	if s.cfg.Connect != nil {
		if err := s.cfg.Connect(&info); err != nil {
			return nil, err
		}
	}
	frames := make(chan []byte, 1024)
	sink := &directSink{frames: frames}
	sock := s.newSocket(&info, sink)
	sink.ctx = sock.ctx
	if !s.addSocket(sock) {
		return nil, errors.New("server shutting down")
	}
	return &DirectConn{sock: sock, frames: frames}, nil
}

// Send dispatches one client frame.
func (d *DirectConn) Send(m Message) { d.sock.dispatch(m) }

// Frames delivers the server's frames (compact JSON text), in order.
func (d *DirectConn) Frames() <-chan []byte { return d.frames }

// Done is closed when the socket ends.
func (d *DirectConn) Done() <-chan struct{} { return d.sock.ctx.Done() }

// Close ends the socket and all its channels.
func (d *DirectConn) Close() { d.sock.Close(ErrSocketClosed) }
