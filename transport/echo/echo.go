// Package echo is a small Phoenix channel used by the socket tests, the
// browser tests and the load generator. It exercises every part of the
// channel API: join refusal, replies, server pushes, broadcasts, delayed
// messages and crashes.
package echo

import (
	"encoding/json"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// Channel handles "echo:*" (any topic works; see Register).
type Channel struct {
	joinedAt time.Time
	// OnTerminate, when set by a test, observes Terminate.
	onTerminate func(topic string, reason error)
}

// Register mounts the echo channel on pattern. onTerminate may be nil.
func Register(r *transport.Router, pattern string, onTerminate func(topic string, reason error)) {
	r.Handle(pattern, func() transport.ChannelHandler { return &Channel{onTerminate: onTerminate} })
}

// Join refuses a payload {"deny": true} with reason "denied", crashes on
// {"crash": true}, and otherwise answers {"topic": topic}.
func (c *Channel) Join(ch *transport.Channel, payload json.RawMessage) transport.Reply {
	var p struct {
		Deny  bool `json:"deny"`
		Crash bool `json:"crash"`
	}
	_ = json.Unmarshal(payload, &p)
	if p.Crash {
		panic("echo: crash requested in join")
	}
	if p.Deny {
		return transport.ErrorReason("denied")
	}
	c.joinedAt = time.Now()
	return transport.OK(map[string]string{"topic": ch.Topic})
}

// HandleIn:
//   - "ping": reply ok with the payload
//   - "fail": reply error {"reason":"failed"}
//   - "push": push event "pushed" with the payload, reply ok {}
//   - "shout": broadcast "shout" with the payload to the topic, no reply
//   - "later": after payload.ms milliseconds, push "later" with the payload
//   - "crash": panic
//   - "crash-logged": panic with transport.LoggedPanic (logged by the handler)
//   - "close": the server closes the channel
//   - "binary": a binary push echoing the payload bytes (WebSocket only)
//   - anything else: reply error {"reason":"unknown event"}
func (c *Channel) HandleIn(ch *transport.Channel, msg transport.Message) *transport.Reply {
	var r transport.Reply
	switch msg.Event {
	case "ping":
		if msg.Binary {
			r = transport.OK(map[string]int{"bytes": len(msg.Payload)})
		} else {
			r = transport.OK(msg.Payload)
		}
	case "fail":
		r = transport.ErrorReason("failed")
	case "push":
		ch.Push("pushed", msg.Payload)
		r = transport.OK(nil)
	case "shout":
		ch.Broadcast("shout", msg.Payload)
		return nil
	case "later":
		var p struct {
			MS int `json:"ms"`
		}
		_ = json.Unmarshal(msg.Payload, &p)
		ch.SendAfter(time.Duration(p.MS)*time.Millisecond, laterMsg(msg.Payload))
		r = transport.OK(nil)
	case "crash":
		panic("echo: crash requested")
	case "crash-logged":
		panic(transport.LoggedPanic{Value: "echo: crash requested, already logged"})
	case "close":
		ch.Close()
		return nil
	case "binary":
		ch.PushBinary("binary", msg.Payload)
		return nil
	default:
		r = transport.ErrorReason("unknown event")
	}
	return &r
}

type laterMsg json.RawMessage

// HandleInfo pushes delayed messages.
func (c *Channel) HandleInfo(ch *transport.Channel, msg any) {
	if m, ok := msg.(laterMsg); ok {
		ch.Push("later", json.RawMessage(m))
	}
}

// Terminate reports to the test hook, if any.
func (c *Channel) Terminate(ch *transport.Channel, reason error) {
	if c.onTerminate != nil {
		c.onTerminate(ch.Topic, reason)
	}
}
