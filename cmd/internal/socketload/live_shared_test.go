package socketload

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestLiveViewsPerConn: with ViewsPerConn 3, seven clients join on three
// connections (3+3+1) over each transport, and every reply reaches the
// client of its own view: each counter counts only its own clicks.
func TestLiveViewsPerConn(t *testing.T) {
	n := startLiveNode(t, "127.0.0.1:0", "vpc-secret-0123456789-0123456789-0123456789")
	defer n.drain()
	for _, tr := range []string{WebSocket, LongPoll} {
		t.Run(tr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			l, pages, joins, err := OpenLive(ctx, LiveConfig{Base: n.base(), Path: "/examples/counter", Transport: tr, Clients: 7, ViewsPerConn: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if l.Clients() != 7 {
				t.Fatalf("joined %d of 7: %+v %+v", l.Clients(), pages, joins)
			}
			conns := map[*liveConn]int{}
			for _, c := range l.joined {
				conn, _ := c.current()
				conns[conn]++
			}
			if len(conns) != 3 {
				t.Fatalf("%d connections for 7 views, want 3: %v", len(conns), conns)
			}
			// Client i clicks i+1 times; the last reply is its own count.
			for i := range 7 {
				var r LiveReply
				for range i + 1 {
					if r, err = l.Click(ctx, i, "inc"); err != nil {
						t.Fatalf("client %d: %v", i, err)
					}
				}
				if want := fmt.Sprintf(`{"1":"%d"}`, i+1); string(r.Diff) != want {
					t.Errorf("client %d: diff %s, want %s", i, r.Diff, want)
				}
			}
			res, err := l.Events(ctx, LiveTrafficConfig{Event: "inc", Rate: 300, Duration: 300 * time.Millisecond})
			if err != nil || res.Errors > 0 || res.Received != res.Sent || res.Sent == 0 {
				t.Fatalf("events: %+v, %v", res, err)
			}
		})
	}
}

func TestFrameTopic(t *testing.T) {
	for in, want := range map[string]string{
		`["1","2","lv:phx-Fa1","phx_reply",{}]`: "lv:phx-Fa1",
		`[null,null,"phoenix","heartbeat",{}]`:  "phoenix",
		`[null,"5","lv:x",`:                     "lv:x",
		`["1","2","a\"b","phx_reply",{}]`:       `a"b`,
		`[ "1" , "2" , "spaced" , "e" , {} ]`:   "spaced",
		`not a frame`:                           "",
	} {
		if got := frameTopic([]byte(in)); got != want {
			t.Errorf("frameTopic(%s) = %q, want %q", in, got, want)
		}
	}
}
