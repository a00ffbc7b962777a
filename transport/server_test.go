package transport_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/transport"
)

func TestWSHeartbeat(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.heartbeat("7")
	// The exact frames of the protocol vector.
	v := loadVector(t, "heartbeat.json")
	c.send(compactJSON(t, v.Frames[0].Frame))
	c.expect(compactJSON(t, v.Frames[1].Frame))
}

func TestWSJoinPushReplyRefs(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("_csrf_token=x&_mounts=0&_mount_attempts=0&_live_referer=undefined")

	// Refs are opaque and echoed exactly; the first join ref is not "1".
	c.send(`["3","3","echo:a","phx_join",{"x":1}]`)
	c.expect(`["3","3","echo:a","phx_reply",{"status":"ok","response":{"topic":"echo:a"}}]`)

	c.send(`["3","5","echo:a","ping",{"x":"<y>"}]`)
	c.expect(`["3","5","echo:a","phx_reply",{"status":"ok","response":{"x":"<y>"}}]`)

	c.send(`["3","6","echo:a","fail",{}]`)
	c.expect(`["3","6","echo:a","phx_reply",{"status":"error","response":{"reason":"failed"}}]`)

	// A server push carries the join_ref and a null ref, and precedes the
	// reply to the push that caused it.
	c.send(`["3","7","echo:a","push",{"y":2}]`)
	c.expect(`["3",null,"echo:a","pushed",{"y":2}]`)
	c.expect(`["3","7","echo:a","phx_reply",{"status":"ok","response":{}}]`)

	// Pushes without a join_ref reach the joined channel too.
	c.send(`[null,"8","echo:a","ping",{}]`)
	c.expect(`["3","8","echo:a","phx_reply",{"status":"ok","response":{}}]`)

	c.send(`["3","9","echo:a","nope",{}]`)
	c.expect(`["3","9","echo:a","phx_reply",{"status":"error","response":{"reason":"unknown event"}}]`)

	// Numeric refs are tolerated and answered as strings.
	c.send(`[3,10,"echo:a","ping",{}]`)
	c.expect(`["3","10","echo:a","phx_reply",{"status":"ok","response":{}}]`)
}

func TestWSBinaryFrames(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.join("echo:bin", "3")

	push, err := transport.EncodeBinaryPush(transport.Message{JoinRef: transport.Str("3"), Ref: transport.Str("4"),
		Topic: "echo:bin", Event: "ping", Payload: []byte{0, 1, 2, 0xff, 4}})
	if err != nil {
		t.Fatal(err)
	}
	c.sendBinary(push)
	c.expect(`["3","4","echo:bin","phx_reply",{"status":"ok","response":{"bytes":5}}]`)

	// "binary" answers with a server binary push (kind 0, no ref).
	push, _ = transport.EncodeBinaryPush(transport.Message{JoinRef: transport.Str("3"), Ref: transport.Str("5"),
		Topic: "echo:bin", Event: "binary", Payload: []byte("abc")})
	c.sendBinary(push)
	f := c.nextFrame()
	want, _ := transport.EncodeBinaryServerPush(transport.Str("3"), "echo:bin", "binary", []byte("abc"))
	if !f.binary || string(f.data) != string(want) {
		t.Fatalf("binary push: got binary=%v % x, want % x", f.binary, f.data, want)
	}

	// A malformed binary frame is dropped and counted; the socket lives.
	c.sendBinary([]byte{0, 9, 9})
	c.heartbeat("6")
	if n := e.srv.Stats().MalformedFrames; n != 1 {
		t.Errorf("MalformedFrames = %d, want 1", n)
	}
}

func TestWSMalformedTextFrame(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	for _, bad := range []string{`{"topic":"phoenix"}`, `[null,"1","t","e",[]]`, `not json`, `[null,"1","t","e"]`} {
		c.send(bad)
	}
	c.heartbeat("2")
	if n := e.srv.Stats().MalformedFrames; n != 4 {
		t.Errorf("MalformedFrames = %d, want 4", n)
	}
	// Logged once per socket per minute, not once per frame.
	if n := len(e.logs.lines("dropped malformed frame")); n != 1 {
		t.Errorf("%d log lines for 4 malformed frames, want 1:\n%s", n, e.logs.String())
	}
}

func TestWSUnmatchedTopic(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	// Join to an unrouted topic: join_ref null in the reply.
	c.send(`["4","4","nope:x","phx_join",{}]`)
	c.expect(`[null,"4","nope:x","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	// Push to a routed but unjoined topic.
	c.send(`["4","5","echo:x","ping",{}]`)
	c.expect(`[null,"5","echo:x","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	// Push to an unrouted topic with a quote in its name.
	c.send(`[null,"6","no\"pe","ping",{}]`)
	c.expect(`[null,"6","no\"pe","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
}

func TestWSJoinDenied(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.send(`["3","3","echo:d","phx_join",{"deny":true}]`)
	c.expect(`["3","3","echo:d","phx_reply",{"status":"error","response":{"reason":"denied"}}]`)
	c.send(`["3","4","echo:d","ping",{}]`)
	c.expect(`[null,"4","echo:d","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	// A refused join is not a joined channel: no Terminate, no subscription.
	c.send(`[null,null,"echo:d","shout",{}]`)
	c.expect(`[null,null,"echo:d","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	if got := e.terms.all(); len(got) != 0 {
		t.Errorf("Terminate ran for a refused join: %v", got)
	}
	if n := e.srv.Stats().Channels; n != 0 {
		t.Errorf("Channels = %d after a refused join", n)
	}
	// The topic can be joined afterwards.
	c.join("echo:d", "5")
}

// Frames that arrive while a join is still being decided are handled after
// it; if the join is refused they are answered as for an unjoined topic.
func TestWSPushesQueuedBehindRefusedJoin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.send(`["3","3","test:q","phx_join",{"joinDelay":100,"deny":true}]`)
	c.send(`["3","4","test:q","ping",{}]`)
	c.send(`["3","5","test:q","phx_leave",{}]`)
	c.expect(`["3","3","test:q","phx_reply",{"status":"error","response":{"reason":"denied"}}]`)
	c.expect(`[null,"4","test:q","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	// The leave is answered ok, without a phx_close for a channel that
	// never joined.
	c.expect(`["3","5","test:q","phx_reply",{"status":"ok","response":{}}]`)
	c.expectNone(100 * time.Millisecond)

	// The same when the join is accepted: queued pushes reach the channel.
	c.send(`["6","6","test:q","phx_join",{"joinDelay":100}]`)
	c.send(`["6","7","test:q","ping",{"a":1}]`)
	c.expect(`["6","6","test:q","phx_reply",{"status":"ok","response":{"topic":"test:q"}}]`)
	c.expect(`["6","7","test:q","phx_reply",{"status":"ok","response":{"a":1}}]`)
	if n := len(e.terms.all()); n != 0 {
		t.Errorf("%d Terminate calls, want 0", n)
	}
}

func TestWSJoinCrash(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.send(`["3","3","echo:c","phx_join",{"crash":true}]`)
	c.expect(`["3","3","echo:c","phx_reply",{"status":"error","response":{"reason":"join crashed"}}]`)
	c.send(`["3","4","echo:c","ping",{}]`)
	c.expect(`[null,"4","echo:c","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	if len(e.logs.lines("channel Join panicked", "topic=echo:c")) != 1 {
		t.Errorf("join panic not logged:\n%s", e.logs.String())
	}
	c.heartbeat("5")
	c.join("echo:c", "6")
}

// A handler that logged its panic itself re-panics with LoggedPanic: the
// channel crashes the same way, with no second log line.
func TestWSHandleInLoggedPanic(t *testing.T) {
	e := newEnv(t, nil)
	a := e.dial("")
	a.join("echo:1", "3")
	a.send(`["3","6","echo:1","crash-logged",{}]`)
	a.expect(`["3","3","echo:1","phx_error",{"reason":"channel_crash"}]`)
	recs := e.terms.wait(t, "echo:1", 1)
	var perr *transport.PanicError
	if !errors.As(recs[0].reason, &perr) || fmt.Sprint(perr.Value) != "echo: crash requested, already logged" {
		t.Errorf("Terminate reason = %v, want a *PanicError with the original value", recs[0].reason)
	}
	if n := len(e.logs.lines("panicked")); n != 0 {
		t.Errorf("a handler-logged panic logged again by the transport:\n%s", e.logs.String())
	}
	a.join("echo:1", "10")
	a.ping("echo:1", "10", "11")
}

func TestWSHandleInCrash(t *testing.T) {
	e := newEnv(t, nil)
	a := e.dial("")
	b := e.dial("")
	a.join("echo:1", "3")
	a.join("echo:2", "5")
	b.join("echo:1", "3")

	a.send(`["3","6","echo:1","crash",{}]`)
	// phx_error carries ref == join_ref; no reply to the crashing push.
	a.expect(`["3","3","echo:1","phx_error",{"reason":"channel_crash"}]`)
	recs := e.terms.wait(t, "echo:1", 1)
	var perr *transport.PanicError
	if !errors.As(recs[0].reason, &perr) || !strings.Contains(fmt.Sprint(perr.Value), "crash requested") {
		t.Errorf("Terminate reason = %v, want a *PanicError", recs[0].reason)
	}
	if len(e.logs.lines("channel callback panicked", "topic=echo:1")) != 1 {
		t.Errorf("panic not logged:\n%s", e.logs.String())
	}

	// The other channel of the socket, and the other socket, keep working.
	a.ping("echo:2", "5", "7")
	b.ping("echo:1", "3", "4")
	a.heartbeat("8")
	// The crashed channel is gone from this socket only.
	a.send(`["3","9","echo:1","ping",{}]`)
	a.expect(`[null,"9","echo:1","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	// A broadcast on the crashed topic reaches only the surviving subscriber.
	e.srv.Broadcast("echo:1", "news", map[string]int{"n": 1})
	b.expect(`[null,null,"echo:1","news",{"n":1}]`)
	a.expectNone(100 * time.Millisecond)
	// And the client can rejoin.
	a.join("echo:1", "10")
	a.ping("echo:1", "10", "11")
	if n := len(e.terms.all()); n != 1 {
		t.Errorf("%d Terminate calls, want 1", n)
	}
}

func TestWSDuplicateJoin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.send(`["3","3","test:dup","phx_join",{}]`)
	c.expect(`["3","3","test:dup","phx_reply",{"status":"ok","response":{"topic":"test:dup"}}]`)
	// The old channel is still busy when the new join arrives: its
	// phx_close must still precede the new join's reply (Phoenix stops the
	// old channel before it handles the new join).
	c.send(`["3","4","test:dup","sleep",{"ms":150}]`)
	c.send(`["6","6","test:dup","phx_join",{}]`)
	c.expect(`["3","4","test:dup","phx_reply",{"status":"ok","response":{}}]`)
	c.expect(`["3","3","test:dup","phx_close",{}]`)
	c.expect(`["6","6","test:dup","phx_reply",{"status":"ok","response":{"topic":"test:dup"}}]`)
	recs := e.terms.wait(t, "test:dup", 1)
	if !errors.Is(recs[0].reason, transport.ErrDuplicateJoin) {
		t.Errorf("old channel Terminate reason %v, want ErrDuplicateJoin", recs[0].reason)
	}

	// Pushes with the old join_ref are ignored; the new join_ref works.
	c.send(`["3","7","test:dup","ping",{"old":true}]`)
	c.send(`["6","8","test:dup","ping",{"new":true}]`)
	c.expect(`["6","8","test:dup","phx_reply",{"status":"ok","response":{"new":true}}]`)
	// A leave with the old join_ref is ignored too.
	c.send(`["3","9","test:dup","phx_leave",{}]`)
	c.send(`["6","10","test:dup","ping",{}]`)
	c.expect(`["6","10","test:dup","phx_reply",{"status":"ok","response":{}}]`)
	if n := len(e.terms.all()); n != 1 {
		t.Errorf("%d Terminate calls, want 1", n)
	}
	if n := e.srv.Stats().Channels; n != 1 {
		t.Errorf("Channels = %d, want 1", n)
	}
}

func TestWSDuplicateJoinEcho(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.join("echo:dup", "3")
	for i := 0; i < 20; i++ {
		old, nw := fmt.Sprint(3+i), fmt.Sprint(4+i)
		c.send(fmt.Sprintf(`[%q,%q,"echo:dup","phx_join",{}]`, nw, nw))
		c.expect(fmt.Sprintf(`[%q,%q,"echo:dup","phx_close",{}]`, old, old))
		c.expect(fmt.Sprintf(`[%q,%q,"echo:dup","phx_reply",{"status":"ok","response":{"topic":"echo:dup"}}]`, nw, nw))
	}
	e.terms.wait(t, "echo:dup", 20)
}

func TestWSLeave(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.join("echo:l", "3")
	c.send(`["3","4","echo:l","phx_leave",{}]`)
	c.expect(`["3","4","echo:l","phx_reply",{"status":"ok","response":{}}]`)
	c.expect(`["3","3","echo:l","phx_close",{}]`)
	recs := e.terms.wait(t, "echo:l", 1)
	if !errors.Is(recs[0].reason, transport.ErrLeft) {
		t.Errorf("Terminate reason %v, want ErrLeft", recs[0].reason)
	}
	c.send(`["3","5","echo:l","ping",{}]`)
	c.expect(`[null,"5","echo:l","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)

	// Leaving a topic that is not joined is still answered ok.
	c.send(`["9","10","echo:never","phx_leave",{}]`)
	c.expect(`["9","10","echo:never","phx_reply",{"status":"ok","response":{}}]`)
	if n := e.srv.Stats().Channels; n != 0 {
		t.Errorf("Channels = %d after leave", n)
	}
	if n := transport.TopicsForTest(e.srv); n != 0 {
		t.Errorf("%d topics still subscribed after leave", n)
	}
}

func TestWSLeaveMismatchedJoinRef(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.join("echo:m", "3")
	c.send(`["99","4","echo:m","phx_leave",{}]`)
	// Ignored: no reply, no close; the channel still answers.
	c.ping("echo:m", "3", "5")
	if n := len(e.terms.all()); n != 0 {
		t.Errorf("Terminate ran for an ignored leave")
	}
}

func TestWSServerPushAndBroadcast(t *testing.T) {
	e := newEnv(t, nil)
	a := e.dial("")
	b := e.dial("")
	a.join("echo:room", "3")
	b.join("echo:room", "5")

	a.send(`["3","4","echo:room","shout",{"m":"<hi>"}]`)
	a.expect(`[null,null,"echo:room","shout",{"m":"<hi>"}]`)
	b.expect(`[null,null,"echo:room","shout",{"m":"<hi>"}]`)

	if err := e.srv.Broadcast("echo:room", "news", map[string]string{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	a.expect(`[null,null,"echo:room","news",{"a":"b"}]`)
	b.expect(`[null,null,"echo:room","news",{"a":"b"}]`)
	// A payload that cannot be encoded is an error, not a bad frame.
	if err := e.srv.Broadcast("echo:room", "bad", func() {}); err == nil {
		t.Error("Broadcast of a func succeeded")
	}
	a.expectNone(50 * time.Millisecond)
}

func TestWSSendAfter(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.join("echo:t", "3")
	c.send(`["3","4","echo:t","later",{"ms":30}]`)
	c.expect(`["3","4","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	start := time.Now()
	c.expect(`["3",null,"echo:t","later",{"ms":30}]`)
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("later arrived after %v, want ~30ms", d)
	}

	// A timer pending when the channel ends never fires.
	c.send(`["3","5","echo:t","later",{"ms":150}]`)
	c.expect(`["3","5","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	c.send(`["3","6","echo:t","phx_leave",{}]`)
	c.expect(`["3","6","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	c.expect(`["3","3","echo:t","phx_close",{}]`)
	// Rejoining the topic must not inherit the old channel's timer either.
	c.join("echo:t", "7")
	c.expectNone(300 * time.Millisecond)

	// Same when the socket closes instead; a timer far in the future must
	// not keep anything (a goroutine) alive after the socket is gone.
	c.send(`["7","8","echo:t","later",{"ms":100}]`)
	c.expect(`["7","8","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	c.send(`["7","9","echo:t","later",{"ms":60000}]`)
	c.expect(`["7","9","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	c.c.Close(websocket.StatusNormalClosure, "bye")
	e.terms.wait(t, "echo:t", 2)
	time.Sleep(200 * time.Millisecond)
	// join, later reply, later, later reply, leave reply, phx_close, join,
	// 2 later replies: no "later" push after either channel ended.
	if n := e.srv.Stats().FramesOut; n != 9 {
		t.Errorf("FramesOut = %d, want 9 (a timer fired after its channel ended?)", n)
	}
}

func TestWSMaxChannels(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.MaxChannels = 2 })
	c := e.dial("")
	c.join("echo:1", "3")
	c.join("echo:2", "5")
	c.send(`["7","7","echo:3","phx_join",{}]`)
	c.expect(`["7","7","echo:3","phx_reply",{"status":"error","response":{"reason":"too many channels joined"}}]`)
	// Rejoining a joined topic is not a new channel.
	c.send(`["8","8","echo:2","phx_join",{}]`)
	c.expect(`["5","5","echo:2","phx_close",{}]`)
	c.expect(`["8","8","echo:2","phx_reply",{"status":"ok","response":{"topic":"echo:2"}}]`)
	// After a leave there is room again.
	c.send(`["8","9","echo:2","phx_leave",{}]`)
	c.expect(`["8","9","echo:2","phx_reply",{"status":"ok","response":{}}]`)
	c.expect(`["8","8","echo:2","phx_close",{}]`)
	c.join("echo:3", "10")
	// The limit is per socket.
	d := e.dial("")
	d.join("echo:4", "3")
	d.join("echo:5", "4")
}

func TestWSMailboxFull(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.MaxMailbox = 3 })
	c := e.dial("")
	c.join("test:mb", "3")
	c.send(`["3","4","test:mb","block",{}]`)
	<-e.blocked
	// The blocked channel's mailbox takes 3 more; the 4th overflows it.
	for i := 5; i <= 8; i++ {
		c.send(fmt.Sprintf(`["3","%d","test:mb","ping",{}]`, i))
	}
	eventually(t, 2*time.Second, func() bool { return len(e.logs.lines("channel mailbox full")) > 0 }, "mailbox full")
	e.unblock()
	// Work already queued completes, then the channel closes.
	for i := 4; i <= 7; i++ {
		c.expect(fmt.Sprintf(`["3","%d","test:mb","phx_reply",{"status":"ok","response":{}}]`, i))
	}
	c.expect(`["3","3","test:mb","phx_close",{}]`)
	recs := e.terms.wait(t, "test:mb", 1)
	if !errors.Is(recs[0].reason, transport.ErrMailboxFull) {
		t.Errorf("Terminate reason %v, want ErrMailboxFull", recs[0].reason)
	}
	// The closed channel is gone: pushes get "unmatched topic", and the
	// topic can be joined again.
	c.send(`["3","9","test:mb","ping",{}]`)
	c.expect(`[null,"9","test:mb","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]`)
	c.join("test:mb", "10")
}

func TestWSIdleTimeout(t *testing.T) {
	const idle = 400 * time.Millisecond
	e := newEnv(t, func(c *transport.Config) { c.IdleTimeout = idle })
	c := e.dial("")
	other := e.dial("")
	var ids map[string]bool
	eventually(t, time.Second, func() bool { ids = e.socketIDs(); return len(ids) == 2 }, "both sockets")
	// Heartbeats keep it open past the timeout.
	for i := 0; i < 12; i++ {
		c.heartbeat(fmt.Sprint(i))
		other.heartbeat(fmt.Sprint(i))
		time.Sleep(50 * time.Millisecond)
	}
	// Then silence closes both.
	start := time.Now()
	c.closed(3 * time.Second)
	other.closed(3 * time.Second)
	if d := time.Since(start); d < idle/2 || d > 2*time.Second {
		t.Errorf("closed after %v of silence, want ~%v", d, idle)
	}
	eventually(t, time.Second, func() bool { return e.srv.Stats().WebSockets == 0 }, "WebSockets == 0")
	lines := e.logs.lines("no heartbeat within the idle timeout")
	if len(lines) != 2 {
		t.Fatalf("want 2 idle-timeout log lines, got:\n%s", e.logs.String())
	}
	for id := range ids {
		if len(e.logs.lines("no heartbeat within the idle timeout", "socket="+id)) != 1 {
			t.Errorf("no idle-timeout line for socket %s", id)
		}
	}
}

func TestWSFrameTooLarge(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.MaxFrameBytes = 1024 })
	big := e.dial("")
	var ids map[string]bool
	// The server registers the socket just after the upgrade response.
	eventually(t, time.Second, func() bool { ids = e.socketIDs(); return len(ids) == 1 }, "the socket")
	var bigID string
	for id := range ids {
		bigID = id
	}
	small := e.dial("")
	small.join("echo:s", "3")

	// A frame of exactly the limit is fine.
	pad := 1024 - len(`[null,"1","phoenix","heartbeat",{"p":""}]`)
	big.send(`[null,"1","phoenix","heartbeat",{"p":"` + strings.Repeat("x", pad) + `"}]`)
	big.expect(`[null,"1","phoenix","phx_reply",{"status":"ok","response":{}}]`)

	big.send(`[null,"2","phoenix","heartbeat",{"p":"` + strings.Repeat("x", pad+1) + `"}]`)
	err := big.closed(2 * time.Second)
	if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
		t.Errorf("close status %v (%v), want 1009", got, err)
	}
	eventually(t, time.Second, func() bool {
		return len(e.logs.lines("frame over the size limit", "socket="+bigID, "limit_bytes=1024")) == 1
	}, "a log line naming socket %s", bigID)
	small.ping("echo:s", "3", "4")
	small.heartbeat("5")
	// The count drops in the handler's deferred clean-up, which may run just
	// after the log line the wait above saw.
	eventually(t, time.Second, func() bool { return e.srv.Stats().WebSockets == 1 },
		"the WebSocket count to fall to 1")
}

func TestWSSlowConsumer(t *testing.T) {
	const limit = 256 << 10
	e := newEnv(t, func(c *transport.Config) { c.MaxOutboundBytes = limit })
	good := e.dial("")
	good.join("echo:fast", "3") // registered: it answered

	// A client that joins, then never reads again.
	before := e.socketIDs()
	slow, _, err := e.dialRaw("vsn=2.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := slow.Write(ctx, websocket.MessageText, []byte(`["3","3","echo:slow","phx_join",{}]`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := slow.Read(ctx); err != nil || !strings.Contains(string(msg), `"phx_reply"`) {
		t.Fatalf("join reply: %s, %v", msg, err)
	}
	var slowSock *transport.Socket
	for _, s := range transport.SocketsForTest(e.srv) {
		if !before[s.ID] {
			slowSock = s
		}
	}
	if slowSock == nil {
		t.Fatal("slow socket not found")
	}

	payload := map[string]string{"blob": strings.Repeat("z", 64<<10)}
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; e.srv.Stats().SlowConsumers == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("no slow-consumer disconnect after %d broadcasts", i)
		}
		e.srv.Broadcast("echo:slow", "blob", payload)
		if n := transport.OutboxBytesForTest(slowSock); n > limit {
			t.Fatalf("outbound queue holds %d bytes, over the %d limit", n, limit)
		}
	}
	// Keep pushing: the server must not queue more for the dead socket.
	for i := 0; i < 200; i++ {
		e.srv.Broadcast("echo:slow", "blob", payload)
		if n := transport.OutboxBytesForTest(slowSock); n > limit {
			t.Fatalf("outbound queue holds %d bytes, over the %d limit", n, limit)
		}
	}
	eventually(t, 3*time.Second, func() bool { return e.srv.Stats().WebSockets == 1 }, "the slow socket to be closed")
	if n := e.srv.Stats().SlowConsumers; n != 1 {
		t.Errorf("SlowConsumers = %d, want 1 (one slow socket)", n)
	}
	if n := len(e.logs.lines("disconnecting slow consumer")); n != 1 {
		t.Errorf("%d slow-consumer log lines, want 1", n)
	}
	good.ping("echo:fast", "3", "4")
}

func TestWSVersionRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, q := range []string{"vsn=1.0.0", "", "vsn=3.0.0", "vsn=20.0", "vsn="} {
		_, resp, err := e.dialRaw(q, nil)
		if err == nil {
			t.Fatalf("%q: connected", q)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%q: %v, want HTTP 403", q, err)
		}
	}
	if n := e.srv.Stats().Refused; n != 5 {
		t.Errorf("Refused = %d, want 5", n)
	}
	for _, q := range []string{"vsn=2.0.0", "vsn=2.1.0", "x=1&vsn=2.0.0&"} {
		c := e.dialWith(q, nil)
		c.heartbeat("1")
	}
}

func TestWSOriginRefused(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.Origin = transport.OriginHostOnly("example.com") })
	for i := 0; i < 3; i++ {
		req, err := http.NewRequest("GET", e.ts.URL+"/live/websocket?vsn=2.0.0", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://evil.example.net")
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		resp, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("HTTP %d, want 403", resp.StatusCode)
		}
		if len(body) != 0 {
			t.Errorf("403 body %q, want empty", body)
		}
		if resp.Header.Get("Upgrade") != "" || resp.Header.Get("Sec-WebSocket-Accept") != "" {
			t.Errorf("refused request was upgraded: %v", resp.Header)
		}
	}
	if n := e.srv.Stats().Refused; n != 3 {
		t.Errorf("Refused = %d, want 3", n)
	}
	if n := e.srv.Stats().WebSockets; n != 0 {
		t.Errorf("WebSockets = %d", n)
	}
	// Logged once per origin, naming the fix.
	if lines := e.logs.lines("socket refused: origin not allowed", "https://evil.example.net"); len(lines) != 1 {
		t.Errorf("want 1 refusal log line, got:\n%s", e.logs.String())
	}

	// The configured host connects, whatever the scheme and port.
	for _, origin := range []string{"https://example.com", "http://example.com:8080"} {
		c := e.dialWith("vsn=2.0.0", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		c.heartbeat("1")
	}
	// The coder/websocket client reports the 403 too.
	_, resp, err := e.dialRaw("vsn=2.0.0", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"null"}}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("Origin null: %v", err)
	}
}

func TestWSSubprotocol(t *testing.T) {
	e := newEnv(t, nil)
	// phoenix.js >= 1.8 with authToken, as a browser sends it.
	req, err := http.NewRequest("GET", e.ts.URL+"/live/websocket?vsn=2.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Protocol", "phoenix, base64url.bearer.phx.dG9rZW4")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Protocol") != "phoenix" {
		t.Errorf("HTTP %d, Sec-WebSocket-Protocol %q; want 101 and phoenix", resp.StatusCode, resp.Header.Get("Sec-WebSocket-Protocol"))
	}
	c := e.dialWith("vsn=2.0.0", &websocket.DialOptions{Subprotocols: []string{"phoenix", "base64url.bearer.phx.dG9rZW4"}})
	if got := c.c.Subprotocol(); got != "phoenix" {
		t.Errorf("selected subprotocol %q, want phoenix", got)
	}
	c.heartbeat("1")
	c = e.dial("")
	if got := c.c.Subprotocol(); got != "" {
		t.Errorf("no subprotocol offered, %q selected", got)
	}
}

func TestShutdown(t *testing.T) {
	e := newEnv(t, nil)
	a := e.dial("")
	b := e.dial("")
	a.join("echo:1", "3")
	a.send(`["5","5","test:slow","phx_join",{"slowTerminate":100}]`)
	a.expect(`["5","5","test:slow","phx_reply",{"status":"ok","response":{"topic":"test:slow"}}]`)
	b.join("echo:1", "3")
	b.join("echo:2", "4")
	// A LongPoll session with a channel and a poll in flight.
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:lp","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatalf("join POST: %s", r.raw)
	}
	if msgs := e.lpCollect(tok, 1); len(msgs) != 1 {
		t.Fatal(msgs)
	}
	polled := make(chan lpResp, 1)
	pollReq := e.lpRequest("GET", "vsn=2.0.0&token="+urlEscape(tok), "", "", nil)
	go func() {
		r, err := e.lpTry(pollReq)
		if err != nil {
			r.raw = err.Error()
		}
		polled <- r
	}()
	eventually(t, time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the poll")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	// Every channel has terminated by the time Shutdown returns.
	recs := e.terms.all()
	if len(recs) != 5 {
		t.Fatalf("Terminate ran %d times before Shutdown returned, want 5: %v", len(recs), recs)
	}
	for _, r := range recs {
		if !errors.Is(r.reason, transport.ErrShutdown) {
			t.Errorf("Terminate(%s) reason %v, want ErrShutdown", r.topic, r.reason)
		}
	}
	// WebSockets are closed with 1001 (going away), so clients reconnect.
	for _, c := range []*wsClient{a, b} {
		if err := c.closed(2 * time.Second); websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("close: %v, want status 1001", err)
		}
	}
	// The held poll is answered 500: the client reconnects at once.
	select {
	case r := <-polled:
		if r.raw != `{"status":500}` {
			t.Errorf("held poll answered %s, want {\"status\":500}", r.raw)
		}
	case <-time.After(2 * time.Second):
		t.Error("held poll not answered")
	}
	st := e.srv.Stats()
	if st.WebSockets != 0 || st.LongPollSessions != 0 || st.Channels != 0 {
		t.Errorf("after Shutdown: %+v", st)
	}
	// New sockets are refused as "try again" (behind a load balancer the
	// retry reaches another node): 503 for WebSocket, 500 for LongPoll.
	if _, resp, err := e.dialRaw("vsn=2.0.0", nil); err == nil || resp == nil || resp.StatusCode != 503 {
		t.Errorf("dial after Shutdown: %v", err)
	}
	if r := e.lpDo(e.lpRequest("GET", "vsn=2.0.0&", "", "", nil)); r.Status != 500 {
		t.Errorf("LongPoll open after Shutdown: %s", r.raw)
	}
}

func TestShutdownDeadline(t *testing.T) {
	e := newEnv(t, nil)
	c := e.dial("")
	c.send(`["3","3","test:hang","phx_join",{"blockTerminate":true}]`)
	c.expect(`["3","3","test:hang","phx_reply",{"status":"ok","response":{"topic":"test:hang"}}]`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := e.srv.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a hung Terminate: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Shutdown returned after %v, deadline was 200ms", d)
	}
	e.unblock()
	e.terms.wait(t, "test:hang", 1)
}

// TestTimersGauge: Stats.Timers counts every timer the transport holds
// (WebSocket idle, LongPoll expiry and poll window, pending SendAfter) and
// is back to 0 once the sockets are gone: the soak's timer-leak check
// rests on it.
func TestTimersGauge(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) {
		c.LongPollWindow = 300 * time.Millisecond
		c.LongPollExpiry = 200 * time.Millisecond
	})
	timers := func() int64 { return e.srv.Stats().Timers }
	if n := timers(); n != 0 {
		t.Fatalf("Timers = %d before any socket", n)
	}
	c := e.dial("")
	c.join("echo:t", "3")
	eventually(t, time.Second, func() bool { return timers() == 1 }, "one WebSocket: Timers == 1 (its idle timer), have %d", timers())
	c.send(`["3","4","echo:t","later",{"ms":60000}]`)
	c.expect(`["3","4","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	if n := timers(); n != 2 {
		t.Errorf("pending SendAfter: Timers = %d, want 2", n)
	}
	c.send(`["3","5","echo:t","later",{"ms":10}]`)
	c.expect(`["3","5","echo:t","phx_reply",{"status":"ok","response":{}}]`)
	c.expect(`["3",null,"echo:t","later",{"ms":10}]`)
	if n := timers(); n != 2 {
		t.Errorf("after a SendAfter fired: Timers = %d, want 2", n)
	}

	// A LongPoll session holds its expiry timer; a parked poll no timer
	// (its window is its connection's read deadline).
	tok := e.lpOpen()
	if n := timers(); n != 3 {
		t.Errorf("LongPoll session opened: Timers = %d, want 3", n)
	}
	done := make(chan struct{})
	go func() { defer close(done); e.lpGet(tok) }()
	eventually(t, time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the poll parked")
	if n := timers(); n != 3 {
		t.Errorf("parked poll: Timers = %d, want 3", n)
	}
	<-done

	// The socket closes with its 60 s timer pending, the session expires:
	// nothing is left.
	c.c.Close(websocket.StatusNormalClosure, "bye")
	eventually(t, 3*time.Second, func() bool { return timers() == 0 }, "every socket gone: Timers == 0, have %d", timers())
}
