package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/cortex-cinegraph/golive/live"
)

// The forms spec's latency tests serialise a view's events: evalLV reads
// the view's pid, attaches a handle_event hook that blocks each event
// (but "ping") until the process receives {:sync, event}, and evalPlug
// sends those messages from an HTTP request. Here a view's syncGate plays
// the blocking hook, its number the pid, and POST /eval the sender.

// syncGate holds a view's events until they are acknowledged, one ack per
// event, in any order (upstream's selective receive).
type syncGate struct {
	id     int
	mu     sync.Mutex
	on     bool
	acks   map[string]int
	signal chan struct{} // closed and replaced on each ack
}

var gates = struct {
	sync.Mutex
	byID map[int]*syncGate
	next int
}{byID: map[int]*syncGate{}}

// newSyncGate registers a gate for the view of s until the view ends.
func newSyncGate(s *live.Socket) *syncGate {
	gates.Lock()
	gates.next++
	g := &syncGate{id: gates.next, acks: map[string]int{}, signal: make(chan struct{})}
	gates.byID[g.id] = g
	gates.Unlock()
	context.AfterFunc(s.Context(), func() {
		gates.Lock()
		delete(gates.byID, g.id)
		gates.Unlock()
	})
	return g
}

// wait blocks the view's goroutine until event has been acknowledged, if
// the gate is on; "ping" (the suite's hooks) always passes. It returns
// early, with nil, when the view ends.
func (g *syncGate) wait(s *live.Socket, event string) error {
	if g == nil || event == "ping" {
		return nil
	}
	for {
		g.mu.Lock()
		if !g.on {
			g.mu.Unlock()
			return nil
		}
		if g.acks[event] > 0 {
			g.acks[event]--
			g.mu.Unlock()
			return nil
		}
		ch := g.signal
		g.mu.Unlock()
		select {
		case <-ch:
		case <-s.Context().Done():
			return nil
		}
	}
}

func (g *syncGate) ack(event string) {
	g.mu.Lock()
	g.acks[event]++
	close(g.signal)
	g.signal = make(chan struct{})
	g.mu.Unlock()
}

// gated views have a sync gate.
type gated interface {
	syncGate(s *live.Socket) *syncGate
}

// gateEval answers the two evalLV snippets of the latency tests for a
// gated view; ok is false for other code.
func gateEval(s *live.Socket, v live.View, code string) (ok bool) {
	gv, isGated := v.(gated)
	if !isGated {
		return false
	}
	switch {
	case strings.Contains(code, "inspect(self())") && strings.Contains(code, "lv_pid"):
		g := gv.syncGate(s)
		s.ReplyHook(map[string]any{"result": map[string]any{"lv_pid": []string{"0", strconv.Itoa(g.id), "0"}}})
		return true
	case strings.HasPrefix(code, "attach_hook(socket, :sync, :handle_event"):
		g := gv.syncGate(s)
		g.mu.Lock()
		g.on = true
		g.mu.Unlock()
		s.ReplyHook(map[string]any{})
		return true
	}
	return false
}

var evalSyncSend = regexp.MustCompile(`^send\(IEx\.Helpers\.pid\(0, (\d+), 0\), \{:sync, "([^"]+)"\}\); nil$`)

// evalPlug is POST /eval (upstream's EvalController): it understands the
// one snippet the specs send, an ack to a view's sync gate.
func evalPlug(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "eval: "+err.Error(), http.StatusBadRequest)
		return
	}
	m := evalSyncSend.FindStringSubmatch(strings.TrimSpace(body.Code))
	if m == nil {
		http.Error(w, "eval: code not understood by the Go port: "+strconv.Quote(body.Code), http.StatusBadRequest)
		return
	}
	id, _ := strconv.Atoi(m[1])
	gates.Lock()
	g := gates.byID[id]
	gates.Unlock()
	if g == nil {
		http.Error(w, "eval: no such process", http.StatusNotFound)
		return
	}
	g.ack(m[2])
	w.Header().Set("content-type", "application/json")
	_, _ = w.Write([]byte("null"))
}
