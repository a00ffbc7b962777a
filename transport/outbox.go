package transport

import (
	"context"
	"errors"
	"sync"
)

var (
	errOutboxFull   = errors.New("outbound queue over its byte limit (slow or dead consumer)")
	errOutboxClosed = errors.New("socket closed")
)

type outFrame struct {
	data   []byte
	binary bool
}

// outSink writes frames to a push transport (WebSocket). Pull transports
// (LongPoll) have none: polls take frames with [outbox.take].
type outSink interface {
	write(frames []outFrame) error
	close(reason error)
}

// outbox is a socket's bounded outbound queue. For a push transport a
// writer goroutine exists only while frames are waiting, so an idle socket
// holds no writer goroutine.
type outbox struct {
	sock *Socket
	sink outSink
	max  int

	mu       sync.Mutex
	frames   []outFrame
	bytes    int
	inflight int // bytes of the batch the writer is writing (push transports)
	writing  bool
	closed   bool
	full     bool          // went over max once: the socket is being closed
	wake     chan struct{} // pull transports: signalled when frames arrive
	room     chan struct{} // made by a waiting reader, closed when a write ends
}

func (o *outbox) init(sock *Socket, sink outSink, max int) {
	o.sock, o.sink, o.max = sock, sink, max
	if sink == nil {
		o.wake = make(chan struct{}, 1)
	}
}

func (o *outbox) push(data []byte, binary bool) error {
	o.mu.Lock()
	if o.closed || o.full {
		o.mu.Unlock()
		return errOutboxClosed
	}
	if o.bytes+len(data) > o.max {
		// Report the overflow once: the caller counts it and closes the
		// socket, and later pushes must not count it again.
		o.full = true
		o.mu.Unlock()
		return errOutboxFull
	}
	o.frames = append(o.frames, outFrame{data, binary})
	o.bytes += len(data)
	if o.sink == nil {
		o.mu.Unlock()
		select {
		case o.wake <- struct{}{}:
		default:
		}
		if lp := o.sock.lp; lp != nil {
			lp.poke()
		}
		return nil
	}
	start := !o.writing
	o.writing = true
	o.mu.Unlock()
	if start {
		go o.drain()
	}
	return nil
}

// pending reports whether frames are queued.
func (o *outbox) pending() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.frames) > 0
}

// take removes and returns everything queued.
func (o *outbox) take() []outFrame {
	o.mu.Lock()
	defer o.mu.Unlock()
	f := o.frames
	o.frames = nil
	o.bytes = 0
	return f
}

// putBack returns frames a poll could not deliver to the head of the queue,
// so nothing is lost between polls.
func (o *outbox) putBack(f []outFrame) {
	if len(f) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, fr := range f {
		n += len(fr.data)
	}
	o.frames = append(f, o.frames...)
	o.bytes += n
}

// waitRoom blocks while more than half the bound is queued or being
// written, until the writer makes progress, the outbox closes or ctx ends.
// The WebSocket reader calls it before each frame, so a client that sends
// but does not read its replies stops being served (its frames wait in
// TCP's buffers) instead of filling the queue with answers it will not
// read; Phoenix behaves alike, as one process reads and writes a socket.
// If the peer never reads, the stalled write times out and closes it.
func (o *outbox) waitRoom(ctx context.Context) {
	for {
		o.mu.Lock()
		if o.closed || o.full || o.bytes+o.inflight <= o.max/2 {
			o.mu.Unlock()
			return
		}
		if o.room == nil {
			o.room = make(chan struct{})
		}
		room := o.room
		o.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return
		}
	}
}

// wroteLocked ends a write of the writer's (o.mu held): a waiting
// reader may go on.
func (o *outbox) wroteLocked() {
	o.inflight = 0
	if o.room != nil {
		close(o.room)
		o.room = nil
	}
}

func (o *outbox) drain() {
	for {
		o.mu.Lock()
		batch := o.frames
		o.frames = nil
		o.inflight, o.bytes = o.bytes, 0
		o.mu.Unlock()
		if len(batch) == 0 {
			o.mu.Lock()
			o.wroteLocked()
			if len(o.frames) == 0 {
				o.writing = false
				o.mu.Unlock()
				return
			}
			o.mu.Unlock()
			continue
		}
		err := o.sink.write(batch)
		o.mu.Lock()
		o.wroteLocked()
		if err != nil {
			o.writing = false
		}
		o.mu.Unlock()
		if err != nil {
			o.sock.Close(err)
			return
		}
	}
}

func (o *outbox) close() {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	o.closed = true
	o.wroteLocked()
	o.mu.Unlock()
	if o.sink != nil {
		o.sink.close(context.Cause(o.sock.ctx))
	}
}
