package transport_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/transport"
)

// A client that sends faster than it reads its replies is not served
// beyond half the outbound bound: the server stops reading its frames
// (they wait in TCP's buffers) rather than queue answers past the bound
// and drop it as a slow consumer. Once it reads again, every reply
// arrives, in order: nothing lost.
func TestWSReadBackpressure(t *testing.T) {
	const limit = 256 << 10
	e := newEnv(t, func(c *transport.Config) { c.MaxOutboundBytes = limit })
	good := e.dial("")
	good.join("echo:fast", "3")

	// A 4 KiB receive buffer, so the server's writes stall soon.
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	before := e.socketIDs()
	c, _, err := websocket.Dial(ctx, e.wsURL("vsn=2.0.0"), &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	if err := c.Write(ctx, websocket.MessageText, []byte(`["1","1","echo:slow","phx_join",{}]`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.Read(ctx); err != nil || !strings.Contains(string(msg), `"phx_reply"`) {
		t.Fatalf("join reply: %s, %v", msg, err)
	}
	var sock *transport.Socket
	for _, s := range transport.SocketsForTest(e.srv) {
		if !before[s.ID] {
			sock = s
		}
	}
	if sock == nil {
		t.Fatal("socket not found")
	}

	// Up to 200 pings of 32 KiB (6.4 MB of replies, 25 times the bound),
	// each sent once the server has queued the previous reply, so the
	// server keeps up with what it reads; none is read. Once the server
	// stops reading (no reply queued within a second), stop sending.
	const most = 200
	blob := strings.Repeat("z", 32<<10)
	sent := 0
	for sent < most {
		out := e.srv.Stats().FramesOut
		frame := fmt.Sprintf(`["1","%d","echo:slow","ping",{"blob":%q}]`, sent+2, blob)
		if err := c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
			t.Fatal(err)
		}
		sent++
		deadline := time.Now().Add(time.Second)
		for e.srv.Stats().FramesOut == out && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if q := transport.OutboxBytesForTest(sock); q > limit {
			t.Fatalf("outbound queue holds %d bytes, over the %d bound", q, limit)
		}
		if e.srv.Stats().FramesOut == out {
			break // not read: the server waits for room
		}
	}
	if sent == most {
		t.Fatalf("the server answered all %d pings without the client reading (%d bytes queued)", most, transport.OutboxBytesForTest(sock))
	}
	if st := e.srv.Stats(); st.SlowConsumers != 0 {
		t.Fatalf("SlowConsumers = %d: the client that sends faster than it reads was dropped", st.SlowConsumers)
	}
	good.ping("echo:fast", "3", "4") // others are served meanwhile

	// Now read: every reply, in order.
	for i := range sent {
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("reply %d of %d: %v (SlowConsumers %d)", i+1, sent, err, e.srv.Stats().SlowConsumers)
		}
		if want := fmt.Sprintf(`["1","%d","echo:slow","phx_reply",{"status":"ok"`, i+2); !strings.HasPrefix(string(msg), want) {
			t.Fatalf("reply %d: %.80s…, want %s…", i+1, msg, want)
		}
	}
	if st := e.srv.Stats(); st.SlowConsumers != 0 {
		t.Errorf("SlowConsumers = %d, want 0", st.SlowConsumers)
	}
}
