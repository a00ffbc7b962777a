package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// ChannelHandler serves one joined topic on one socket. A new handler is made
// for every join (see [Router.Handle]), so it may keep per-channel state in
// its own fields without locking: every callback of one channel runs on that
// channel's goroutine, one at a time, in arrival order.
type ChannelHandler interface {
	// Join decides whether the client may join. Returning an OK reply joins
	// the channel; any other reply refuses it and is sent as the error reply.
	Join(c *Channel, payload json.RawMessage) Reply
	// HandleIn handles a client push. It returns the reply to send, or nil
	// to reply later with [Channel.Reply] (or never, for fire-and-forget).
	HandleIn(c *Channel, msg Message) *Reply
	// HandleInfo handles a message sent to the channel with [Channel.Send]
	// or [Channel.SendAfter], from timers, PubSub or other goroutines.
	HandleInfo(c *Channel, msg any)
	// Terminate runs once when the channel ends for any reason: leave,
	// socket close, duplicate join, crash or server shutdown.
	Terminate(c *Channel, reason error)
}

// Reply is the payload of a phx_reply frame.
type Reply struct {
	Status   string // "ok" or "error"
	Response any    // marshalled as JSON; nil is {}
}

// OK is an "ok" reply.
func OK(response any) Reply { return Reply{Status: "ok", Response: response} }

// Error is an "error" reply; use ErrorReason for the common {"reason": …}.
func Error(response any) Reply { return Reply{Status: "error", Response: response} }

// ErrorReason is an error reply of the form {"reason": reason}.
func ErrorReason(reason string) Reply {
	return Error(map[string]string{"reason": reason})
}

// Reasons a channel ends, passed to Terminate.
var (
	ErrLeft          = errors.New("client left")
	ErrSocketClosed  = errors.New("socket closed")
	ErrDuplicateJoin = errors.New("duplicate join: replaced by a newer join of the same topic")
	ErrShutdown      = errors.New("server shutting down")
	ErrClosedByApp   = errors.New("closed by the server")
	ErrMailboxFull   = errors.New("channel mailbox full")
)

// PanicError is the Terminate reason after a callback panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// LoggedPanic is what a handler re-panics with after it has logged a
// panic itself, with what only it knows (a live view's name, say): the
// channel crashes as for any panic, but the transport does not log it a
// second time. Value is the original panic value.
type LoggedPanic struct{ Value any }

// Router maps topic patterns to channel handlers. A pattern is an exact topic
// ("room:lobby") or a prefix ending in "*" ("room:*"), as in Phoenix.
type Router struct {
	routes []route
}

type route struct {
	pattern string
	prefix  bool
	make    func() ChannelHandler
}

// Handle registers newHandler for topics matching pattern. Earlier
// registrations win, as in Phoenix's socket.
func (r *Router) Handle(pattern string, newHandler func() ChannelHandler) {
	if i := strings.IndexByte(pattern, '*'); i >= 0 && i != len(pattern)-1 {
		panic("transport: wildcard must be the last character of a topic pattern: " + pattern)
	}
	p := strings.TrimSuffix(pattern, "*")
	r.routes = append(r.routes, route{pattern: p, prefix: p != pattern, make: newHandler})
}

func (r *Router) match(topic string) func() ChannelHandler {
	if r == nil {
		return nil
	}
	for _, rt := range r.routes {
		if rt.prefix && strings.HasPrefix(topic, rt.pattern) || !rt.prefix && topic == rt.pattern {
			return rt.make
		}
	}
	return nil
}

type chanState int

const (
	stateJoining chanState = iota
	stateJoined
	stateClosed
)

// Channel is one joined topic on one socket.
type Channel struct {
	Topic   string
	JoinRef *string
	Socket  *Socket

	handler ChannelHandler
	ctx     context.Context
	cancel  context.CancelFunc

	mu      sync.Mutex
	queue   []func()
	running bool
	closed  bool // no more work accepted
	state   chanState
	timers  map[*Timer]struct{}

	done     chan struct{} // closed once the channel has ended (after Terminate)
	doneOnce sync.Once
}

func newChannel(s *Socket, topic string, joinRef *string, h ChannelHandler) *Channel {
	ctx, cancel := context.WithCancel(s.ctx)
	s.srv.liveChannels.Add(1)
	return &Channel{Topic: topic, JoinRef: joinRef, Socket: s, handler: h, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// ended marks the channel as completely over: Terminate (if due) has
// returned. Shutdown waits for every channel to get here, and a duplicate
// join waits for the channel it replaces.
func (c *Channel) ended() {
	c.doneOnce.Do(func() {
		close(c.done)
		c.Socket.srv.liveChannels.Add(-1)
	})
}

// Context is cancelled when the channel ends; goroutines a handler starts
// should watch it so that none outlives the channel.
func (c *Channel) Context() context.Context { return c.ctx }

// post queues f on the channel's mailbox, starting the mailbox goroutine if
// it is idle. It reports false if the channel has ended.
func (c *Channel) post(f func()) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	if limit := c.Socket.srv.cfg.MaxMailbox; limit > 0 && len(c.queue) >= limit {
		c.mu.Unlock()
		c.Socket.srv.log.Warn("channel mailbox full; closing channel",
			"socket", c.Socket.ID, "topic", c.Topic, "limit", limit)
		// Like Close: forget the channel on its socket, so later pushes
		// get "unmatched topic" and the topic can be joined again.
		c.Socket.removeChannel(c)
		c.terminate(ErrMailboxFull, true)
		return false
	}
	c.queue = append(c.queue, f)
	if !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	return true
}

func (c *Channel) run() {
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		f := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		if len(c.queue) == 0 {
			c.queue = nil // let a burst's backing array go
		}
		c.mu.Unlock()
		c.safely(f)
	}
}

// safely runs one callback; a panic ends only this channel.
func (c *Channel) safely(f func()) {
	defer func() {
		if v := recover(); v != nil {
			if lp, ok := v.(LoggedPanic); ok {
				c.crash(&PanicError{Value: lp.Value})
				return
			}
			perr := &PanicError{Value: v, Stack: debug.Stack()}
			c.Socket.srv.log.Error("channel callback panicked",
				"socket", c.Socket.ID, "topic", c.Topic, "panic", fmt.Sprint(v), "stack", string(perr.Stack))
			c.crash(perr)
		}
	}()
	f()
}

// crash ends the channel after a panic: the client is told with phx_error
// (it will rejoin with backoff), the handler's Terminate still runs.
func (c *Channel) crash(reason error) {
	c.mu.Lock()
	joined := c.state == stateJoined
	c.mu.Unlock()
	if joined {
		c.Socket.sendFrame(Message{JoinRef: c.JoinRef, Ref: c.JoinRef, Topic: c.Topic, Event: "phx_error",
			Payload: json.RawMessage(`{"reason":"channel_crash"}`)})
	}
	c.Socket.removeChannel(c)
	c.finish(reason)
}

// finish runs Terminate (recovering from a panic in it), stops timers and
// cancels the context. It must run on the channel goroutine.
func (c *Channel) finish(reason error) {
	defer c.ended()
	c.Socket.srv.unsubscribe(c)
	c.mu.Lock()
	wasJoined := c.state == stateJoined
	c.state = stateClosed
	c.closed = true
	timers := c.timers
	c.timers = nil
	c.queue = nil
	c.mu.Unlock()
	for t := range timers {
		t.t.Stop()
	}
	c.Socket.srv.stats.Timers.Add(-int64(len(timers)))
	c.cancel()
	if !wasJoined {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			c.Socket.srv.log.Error("channel Terminate panicked", "socket", c.Socket.ID, "topic", c.Topic,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	c.handler.Terminate(c, reason)
}

// endWith queues last as the channel's final job: it runs after work already
// in the mailbox, and nothing posted later is accepted. It reports false if
// the channel was already ending.
func (c *Channel) endWith(last func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.queue = append(c.queue, last)
	c.closed = true
	if !c.running {
		c.running = true
		go c.run()
	}
	return true
}

// terminate ends the channel from outside its goroutine. With sendClose, the
// client is sent phx_close first.
func (c *Channel) terminate(reason error, sendClose bool) {
	c.endWith(func() {
		if sendClose && c.isJoined() {
			c.Socket.sendClose(c)
		}
		c.finish(reason)
	})
}

// Push sends an event to the client on this channel.
func (c *Channel) Push(event string, payload any) error {
	raw, err := marshalPayload(payload)
	if err != nil {
		return err
	}
	return c.Socket.sendFrame(Message{JoinRef: c.JoinRef, Topic: c.Topic, Event: event, Payload: raw})
}

// PushBinary sends a binary server push (kind 0) on this channel.
func (c *Channel) PushBinary(event string, data []byte) error {
	frame, err := EncodeBinaryServerPush(c.JoinRef, c.Topic, event, data)
	if err != nil {
		return err
	}
	return c.Socket.sendBinary(frame)
}

// Reply answers the client push with the given ref, for handlers that
// returned nil from HandleIn and reply later.
func (c *Channel) Reply(ref *string, r Reply) error {
	return c.Socket.reply(c.JoinRef, ref, c.Topic, r)
}

// Broadcast sends event to every socket joined to this channel's topic,
// this one included.
func (c *Channel) Broadcast(event string, payload any) error {
	return c.Socket.srv.broadcast(c.Topic, event, payload, nil)
}

// BroadcastFrom is Broadcast to every subscriber but this channel.
func (c *Channel) BroadcastFrom(event string, payload any) error {
	return c.Socket.srv.broadcast(c.Topic, event, payload, c)
}

// Send delivers msg to HandleInfo on the channel's goroutine. It reports
// false if the channel has ended.
func (c *Channel) Send(msg any) bool {
	return c.post(func() {
		if c.isJoined() {
			c.handler.HandleInfo(c, msg)
		}
	})
}

// Call runs f on the channel's goroutine, for code that must touch the
// handler's state from elsewhere. It reports false if the channel has ended.
func (c *Channel) Call(f func()) bool {
	return c.post(func() {
		if c.isJoined() {
			f()
		}
	})
}

// Timer is a cancellable delayed message (see [Channel.SendAfter]).
type Timer struct {
	t *time.Timer
	c *Channel
}

// Stop cancels the timer. It reports whether the message was still pending.
func (t *Timer) Stop() bool {
	t.c.mu.Lock()
	if _, held := t.c.timers[t]; held {
		delete(t.c.timers, t)
		t.c.Socket.srv.stats.Timers.Add(-1)
	}
	t.c.mu.Unlock()
	return t.t.Stop()
}

// SendAfter delivers msg to HandleInfo after d. The timer ends with the
// channel; it never fires after Terminate.
func (c *Channel) SendAfter(d time.Duration, msg any) *Timer {
	t := &Timer{c: c}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		t.t = time.NewTimer(time.Hour)
		t.t.Stop()
		return t
	}
	if c.timers == nil {
		c.timers = make(map[*Timer]struct{})
	}
	c.timers[t] = struct{}{}
	c.Socket.srv.stats.Timers.Add(1)
	t.t = time.AfterFunc(d, func() {
		c.mu.Lock()
		_, live := c.timers[t]
		if live {
			delete(c.timers, t)
			c.Socket.srv.stats.Timers.Add(-1)
		}
		c.mu.Unlock()
		if live {
			c.Send(msg)
		}
	})
	c.mu.Unlock()
	return t
}

// Close ends the channel from the server side: the client gets phx_close
// and Terminate runs with ErrClosedByApp.
func (c *Channel) Close() {
	c.Socket.removeChannel(c)
	c.terminate(ErrClosedByApp, true)
}

func (c *Channel) isJoined() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == stateJoined
}

// runJoin runs the handler's Join on the channel goroutine and answers the
// client.
func (c *Channel) runJoin(ref *string, payload json.RawMessage) {
	var r Reply
	func() {
		defer func() {
			if v := recover(); v != nil {
				c.Socket.srv.log.Error("channel Join panicked", "socket", c.Socket.ID, "topic", c.Topic,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				r = ErrorReason("join crashed")
			}
		}()
		r = c.handler.Join(c, payload)
	}()
	if r.Status != "ok" {
		if r.Status == "" {
			r.Status = "error"
		}
		c.Socket.reply(c.JoinRef, ref, c.Topic, r)
		c.Socket.removeChannel(c)
		// Work queued behind the join still runs, so that pushes sent
		// before the refusal arrived are answered "unmatched topic" (as
		// by Phoenix, where the channel never existed) instead of never.
		c.mu.Lock()
		c.state = stateClosed
		c.closed = true
		c.mu.Unlock()
		c.cancel()
		c.ended()
		return
	}
	c.mu.Lock()
	c.state = stateJoined
	c.mu.Unlock()
	c.Socket.srv.subscribe(c)
	c.Socket.reply(c.JoinRef, ref, c.Topic, r)
}

func (c *Channel) handleIn(msg Message) {
	if !c.isJoined() {
		c.Socket.reply(nil, msg.Ref, msg.Topic, ErrorReason("unmatched topic"))
		return
	}
	if r := c.handler.HandleIn(c, msg); r != nil {
		c.Socket.reply(c.JoinRef, msg.Ref, c.Topic, *r)
	}
}

func marshalPayload(v any) (json.RawMessage, error) {
	switch p := v.(type) {
	case nil:
		return json.RawMessage(`{}`), nil
	case json.RawMessage:
		return p, nil
	case []byte:
		return json.RawMessage(p), nil
	}
	// No HTML escaping: payloads carry HTML (rendered diffs), and \u003c
	// for every "<" would make frames much larger for nothing.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("transport: encoding payload: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// logAttrsFor is shared by log lines about a socket.
func logAttrsFor(s *Socket) []any {
	return []any{slog.String("socket", s.ID), slog.String("transport", s.Transport), slog.String("request_id", s.Info.RequestID)}
}
