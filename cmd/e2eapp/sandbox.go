package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cortex-cinegraph/golive/live"
)

// The suite's evalLV helper sends a "sandbox:eval" event with Elixir code
// that upstream's app evaluates in the view's process. Here there is no
// Elixir: sandboxEval understands the few forms the specs send, each as
// what it means for a Go view, and refuses anything else with an error
// that names the code (so an unported form fails its test loudly).

var (
	evalHandleEvent = regexp.MustCompile(`^socket\.view\.handle_event\("([^"]+)", %\{\}, socket\)$`)
	evalSendAtom    = regexp.MustCompile(`^send\(self\(\), :(\w+)\)(; nil)?$`)
	evalSendTuple   = regexp.MustCompile(`^send\(self\(\), \{:(\w+), \[([\d, ]*)\]\}\)(; nil)?$`)
)

// atomMsg is a message `send(self(), :name)`.
type atomMsg string

// tupleMsg is a message `send(self(), {:name, [ints]})`.
type tupleMsg struct {
	name string
	ints []int
}

// sandboxEval runs code for view v, replying as upstream's hook does: an
// empty map when the code returns the socket, else {"result": value}.
func sandboxEval(s *live.Socket, v live.View, e live.Event) error {
	code := strings.TrimSpace(e.Value.Get("value"))
	if gateEval(s, v, code) {
		return nil
	}
	if m := evalHandleEvent.FindStringSubmatch(code); m != nil {
		h, ok := v.(live.EventHandler)
		if !ok {
			return fmt.Errorf("sandbox:eval: the view handles no events (%q)", code)
		}
		s.ReplyHook(map[string]any{})
		return h.HandleEvent(s, live.Event{Type: e.Type, Name: m[1], Value: live.Params{}})
	}
	if m := evalSendAtom.FindStringSubmatch(code); m != nil {
		s.Send(atomMsg(m[1]))
		s.ReplyHook(map[string]any{"result": nil})
		return nil
	}
	if m := evalSendTuple.FindStringSubmatch(code); m != nil {
		msg := tupleMsg{name: m[1]}
		for _, f := range strings.Split(m[2], ",") {
			if f = strings.TrimSpace(f); f != "" {
				n, err := strconv.Atoi(f)
				if err != nil {
					return fmt.Errorf("sandbox:eval: %q: %v", code, err)
				}
				msg.ints = append(msg.ints, n)
			}
		}
		s.Send(msg)
		s.ReplyHook(map[string]any{"result": nil})
		return nil
	}
	if r, ok := v.(assignsReader); ok {
		if name, found := strings.CutPrefix(code, "socket.assigns."); found {
			if val, ok := r.assign(name); ok {
				s.ReplyHook(map[string]any{"result": val})
				return nil
			}
		}
	}
	return fmt.Errorf("sandbox:eval: code not understood by the Go port: %q", code)
}

// assignsReader views answer `socket.assigns.<name>`.
type assignsReader interface {
	assign(name string) (any, bool)
}
