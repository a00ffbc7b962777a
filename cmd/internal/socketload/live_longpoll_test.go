package socketload

import (
	"context"
	"testing"
	"time"
)

// TestLiveLongPoll: live clients over LongPoll get the page, open their
// sessions with the connect params and the cookie, join, click (every
// reply is the new count) and close without leaving a goroutine behind.
func TestLiveLongPoll(t *testing.T) {
	n := startLiveNode(t, "127.0.0.1:0", "lp-secret-0123456789-0123456789-0123456789")
	defer n.drain()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, pages, joins, err := OpenLive(ctx, LiveConfig{Base: n.base(), Path: "/examples/counter", Transport: LongPoll, Clients: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Clients() != 5 {
		t.Fatalf("joined %d of 5: %+v %+v", l.Clients(), pages, joins)
	}
	r, err := l.Click(ctx, 0, "inc")
	if err != nil || r.Status != "ok" || string(r.Diff) != `{"1":"1"}` {
		t.Fatalf("click: %+v, %v", r, err)
	}
	tr, err := l.Events(ctx, LiveTrafficConfig{Event: "inc", Rate: 200, Duration: 300 * time.Millisecond})
	if err != nil || tr.Errors > 0 || tr.Received != tr.Sent || tr.Sent == 0 {
		t.Fatalf("events: %+v, %v", tr, err)
	}
	if got := l.lpStats.posts.Load(); got == 0 {
		t.Fatal("no LongPoll POST counted")
	}
}
