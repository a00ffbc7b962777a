package transport_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// TestLongPollVectorExchange replays vectors/longpoll_session.json: the
// requests as the client sends them, and the server's answers as the
// vector gives them (tokens are opaque, and the echo channel's join reply
// stands in for LiveView's rendered reply).
func TestLongPollVectorExchange(t *testing.T) {
	const window = 300 * time.Millisecond
	e := newEnv(t, func(c *transport.Config) { c.LongPollWindow = window })
	v := loadVector(t, "longpoll_session.json")
	x := v.Exchanges
	vecToken := "SFMyNTY.g2gEaAR...longpoll-token"
	path := func(i int, token string) string {
		p := strings.TrimPrefix(x[i].Path, "/live/longpoll?")
		return strings.Replace(p, "token="+vecToken, "token="+urlEscape(token), 1)
	}

	// 1. First GET: no token, trailing '&'.
	if !strings.HasSuffix(x[0].Path, "&") {
		t.Fatalf("vector path changed: %s", x[0].Path)
	}
	r := e.lpDo(e.lpRequest("GET", path(0, ""), "", "", x[0].Headers))
	if r.httpStatus != x[1].HTTPStatus {
		t.Fatalf("HTTP %d", r.httpStatus)
	}
	for k, want := range x[1].Headers {
		if got := r.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if r.Status != 410 || r.Token == "" || !strings.HasSuffix(r.raw, `,"messages":[]}`) {
		t.Fatalf("open: %s", r.raw)
	}
	token := r.Token
	if e.srv.Stats().LongPollSessions != 1 {
		t.Fatalf("LongPollSessions = %d", e.srv.Stats().LongPollSessions)
	}

	// 2. The long poll is held while the join is posted.
	held := make(chan lpResp, 1)
	heldReq := e.lpRequest("GET", path(2, token), "", "", x[2].Headers)
	go func() {
		r, err := e.lpTry(heldReq)
		if err != nil {
			r.raw = err.Error()
		}
		held <- r
	}()
	eventually(t, time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, token) == 1 }, "the held poll")

	// 3. POST ndjson join => {"status":200}.
	r = e.lpDo(e.lpRequest("POST", path(3, token), x[3].Headers["Content-Type"], x[3].BodyText, nil))
	if want := compactJSON(t, x[4].Body); r.raw != want {
		t.Fatalf("POST: %s, want %s", r.raw, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("POST content-type %q", ct)
	}

	// 4. The held GET returns the join reply as a JSON string.
	select {
	case r = <-held:
	case <-time.After(2 * time.Second):
		t.Fatal("held poll not answered")
	}
	topic := "lv:phx-GBsi_6M7paYhySQj"
	wantReply := `["4","4","` + topic + `","phx_reply",{"status":"ok","response":{"topic":"` + topic + `"}}]`
	if r.Status != 200 || r.Token != token {
		t.Fatalf("held poll: %s", r.raw)
	}
	if msgs := r.strings(t); len(msgs) != 1 || msgs[0] != wantReply {
		t.Fatalf("messages %q, want [%s]", msgs, wantReply)
	}

	// 5. Idle GET => 204 after the window.
	start := time.Now()
	r = e.lpDo(e.lpRequest("GET", path(6, token), "", "", nil))
	if r.raw != `{"status":204,"token":"`+token+`","messages":[]}` {
		t.Fatalf("idle poll: %s", r.raw)
	}
	if d := time.Since(start); d < window-20*time.Millisecond {
		t.Errorf("idle poll answered after %v, window is %v", d, window)
	}

	// 6. Event POST, then the reply on the next poll.
	r = e.lpDo(e.lpRequest("POST", path(8, token), "application/x-ndjson", x[8].BodyText, nil))
	if r.raw != `{"status":200}` {
		t.Fatalf("event POST: %s", r.raw)
	}
	r = e.lpDo(e.lpRequest("GET", path(10, token), "", "", nil))
	if msgs := r.strings(t); r.Status != 200 || len(msgs) != 1 ||
		msgs[0] != `["4","5","`+topic+`","phx_reply",{"status":"error","response":{"reason":"unknown event"}}]` {
		t.Fatalf("event reply: %s", r.raw)
	}

	// 7. Expired/unknown token: POST => 410, GET => a new session.
	r = e.lpDo(e.lpRequest("POST", path(12, token), "application/x-ndjson", x[12].BodyText, nil))
	if want := compactJSON(t, x[13].Body); r.raw != want {
		t.Fatalf("POST with unknown token: %s, want %s", r.raw, want)
	}
	r = e.lpDo(e.lpRequest("GET", path(14, token), "", "", nil))
	if r.Status != 410 || r.Token == "" || r.Token == token || len(r.Messages) != 0 {
		t.Fatalf("GET with unknown token: %s", r.raw)
	}
	if n := e.srv.Stats().LongPollSessions; n != 2 {
		t.Errorf("LongPollSessions = %d, want 2", n)
	}
}

func TestLongPollLineFormats(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()

	// \r\n separators, blank lines, and a trailing separator.
	body := `["1","1","echo:a","phx_join",{}]` + "\r\n\r\n" + `["1","2","echo:a","ping",{"a":1}]` + "\r\n"
	if r := e.lpPost(tok, body); r.raw != `{"status":200}` {
		t.Fatalf("POST: %s", r.raw)
	}
	got := e.lpCollect(tok, 2)
	want := []string{
		`["1","1","echo:a","phx_reply",{"status":"ok","response":{"topic":"echo:a"}}]`,
		`["1","2","echo:a","phx_reply",{"status":"ok","response":{"a":1}}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q\nwant %q", got, want)
	}

	// A base64 binary line: the vector's upload chunk, after joining its topic.
	line := loadVector(t, "longpoll_session.json").BinaryLineExample.Line
	ping, _ := transport.EncodeBinaryPush(transport.Message{JoinRef: transport.Str("12"), Ref: transport.Str("14"),
		Topic: "lvu:0", Event: "ping", Payload: []byte{0, 0xff, '\n', 3}})
	body = `["12","12","lvu:0","phx_join",{}]` + "\n" + line + "\n" + base64.StdEncoding.EncodeToString(ping) + "\n" + "!!not base64!!"
	if r := e.lpPost(tok, body); r.raw != `{"status":200}` {
		t.Fatalf("POST: %s", r.raw)
	}
	got = e.lpCollect(tok, 3)
	want = []string{
		`["12","12","lvu:0","phx_reply",{"status":"ok","response":{"topic":"lvu:0"}}]`,
		`["12","13","lvu:0","phx_reply",{"status":"error","response":{"reason":"unknown event"}}]`,
		`["12","14","lvu:0","phx_reply",{"status":"ok","response":{"bytes":4}}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if n := e.srv.Stats().MalformedFrames; n != 1 {
		t.Errorf("MalformedFrames = %d, want 1 (the bad line)", n)
	}

	// Pre-1.7 clients: no ndjson content type, the whole body is one frame.
	for i, ct := range []string{"application/json", "", "text/plain"} {
		ref := fmt.Sprint(20 + i)
		r := e.lpDo(e.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(tok), ct, "\n  [\"1\",\""+ref+"\",\"echo:a\",\"ping\",{}]\n", nil))
		if r.raw != `{"status":200}` {
			t.Fatalf("single-frame POST: %s", r.raw)
		}
		got = e.lpCollect(tok, 1)
		if want := `["1","` + ref + `","echo:a","phx_reply",{"status":"ok","response":{}}]`; len(got) != 1 || got[0] != want {
			t.Fatalf("single-frame POST (%q): got %q, want %s", ct, got, want)
		}
	}
	// ...so two lines without the ndjson type are one malformed frame.
	if r := e.lpDo(e.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(tok), "application/json",
		"[\"1\",\"30\",\"echo:a\",\"ping\",{}]\n[\"1\",\"31\",\"echo:a\",\"ping\",{}]", nil)); r.raw != `{"status":200}` {
		t.Fatalf("POST: %s", r.raw)
	}
	if n := e.srv.Stats().MalformedFrames; n != 2 {
		t.Errorf("MalformedFrames = %d, want 2", n)
	}

	// The token may come in the x-phoenix-longpoll-token header.
	r := e.lpDo(e.lpRequest("POST", "vsn=2.0.0", "application/x-ndjson", `["1","40","echo:a","ping",{}]`,
		map[string]string{"X-Phoenix-Longpoll-Token": tok}))
	if r.raw != `{"status":200}` {
		t.Fatalf("POST with header token: %s", r.raw)
	}
	r = e.lpDo(e.lpRequest("GET", "vsn=2.0.0", "", "", map[string]string{"X-Phoenix-Longpoll-Token": tok}))
	if msgs := r.strings(t); r.Status != 200 || len(msgs) != 1 || !strings.Contains(msgs[0], `"40"`) {
		t.Fatalf("GET with header token: %s", r.raw)
	}
}

func TestLongPollBatchLimit(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	var lines []string
	for i := 1; i <= 150; i++ {
		lines = append(lines, fmt.Sprintf(`[null,"%d","phoenix","heartbeat",{}]`, i))
	}
	if r := e.lpPost(tok, strings.Join(lines, "\n")+"\n"); r.raw != `{"status":200}` {
		t.Fatalf("POST: %s", r.raw)
	}
	got := e.lpCollect(tok, 100)
	for i, m := range got {
		if want := fmt.Sprintf(`[null,"%d","phoenix","phx_reply",{"status":"ok","response":{}}]`, i+1); m != want {
			t.Fatalf("message %d = %s, want %s", i, m, want)
		}
	}
	// Nothing beyond the first 100 lines was dispatched.
	if r := e.lpPost(tok, `[null,"done","phoenix","heartbeat",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	if rest := e.lpCollect(tok, 1); rest[0] != `[null,"done","phoenix","phx_reply",{"status":"ok","response":{}}]` {
		t.Fatalf("after the first 100 replies: %q", rest)
	}
	if n := e.srv.Stats().FramesIn; n != 101 {
		t.Errorf("FramesIn = %d, want 101", n)
	}
}

func TestLongPollUnknownTokens(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	// Forged variants: the MAC covers the session id.
	forged := []string{
		"abc", tok + "x", "x" + tok, strings.Replace(tok, ".", "..", 1),
		tok[:strings.LastIndexByte(tok, '.')] + ".AAAAAAAAAAAAAAAAAAAAAAAA",
	}
	for _, f := range forged {
		r := e.lpDo(e.lpRequest("POST", "vsn=2.0.0&token="+urlEscape(f), "application/x-ndjson", `[null,"1","phoenix","heartbeat",{}]`, nil))
		if r.raw != `{"status":410}` {
			t.Errorf("POST with token %q: %s, want {\"status\":410}", f, r.raw)
		}
	}
	if n := e.srv.Stats().LongPollSessions; n != 1 {
		t.Errorf("LongPollSessions = %d, want 1", n)
	}
	// GET with an unknown token starts a new session.
	r := e.lpGet("bogus.token")
	if r.Status != 410 || r.Token == "" || r.Token == tok {
		t.Fatalf("GET unknown token: %s", r.raw)
	}
	if n := e.srv.Stats().LongPollSessions; n != 2 {
		t.Errorf("LongPollSessions = %d, want 2", n)
	}
	// The real session was not disturbed.
	if r := e.lpPost(tok, `[null,"2","phoenix","heartbeat",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	if got := e.lpCollect(tok, 1); got[0] != `[null,"2","phoenix","phx_reply",{"status":"ok","response":{}}]` {
		t.Fatalf("got %q", got)
	}
}

func TestLongPollQueuedMessagesInOrder(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	body := `["1","1","echo:q","phx_join",{}]`
	for i := 2; i <= 6; i++ {
		body += fmt.Sprintf("\n"+`["1","%d","echo:q","push",{"i":%d}]`, i, i)
	}
	if r := e.lpPost(tok, body); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	// Server pushes from outside any request, too (once the channel has
	// handled the batch, so the order is known).
	eventually(t, 2*time.Second, func() bool { return e.srv.Stats().FramesOut == 11 }, "the batch handled")
	e.srv.Broadcast("echo:q", "news", map[string]int{"n": 7})
	want := []string{`["1","1","echo:q","phx_reply",{"status":"ok","response":{"topic":"echo:q"}}]`}
	for i := 2; i <= 6; i++ {
		want = append(want,
			fmt.Sprintf(`["1",null,"echo:q","pushed",{"i":%d}]`, i),
			fmt.Sprintf(`["1","%d","echo:q","phx_reply",{"status":"ok","response":{}}]`, i))
	}
	want = append(want, `[null,null,"echo:q","news",{"n":7}]`)
	eventually(t, time.Second, func() bool { return e.srv.Stats().FramesOut == int64(len(want)) }, "all frames queued")
	// One poll returns everything queued since the last one, in order.
	r := e.lpGet(tok)
	if got := r.strings(t); r.Status != 200 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("poll:\n got %q\nwant %q", got, want)
	}
}

// Two polls on one token (the client gave up on the first): the older is
// answered 204, the newer gets the messages, none lost or duplicated.
func TestLongPollConcurrentPolls(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:c","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	e.lpCollect(tok, 1)

	poll := func() chan lpResp {
		out := make(chan lpResp, 1)
		req := e.lpRequest("GET", "vsn=2.0.0&token="+urlEscape(tok), "", "", nil)
		go func() {
			r, err := e.lpTry(req)
			if err != nil {
				r.raw = err.Error()
			}
			out <- r
		}()
		return out
	}
	wait := func(c chan lpResp) lpResp {
		t.Helper()
		select {
		case r := <-c:
			return r
		case <-time.After(3 * time.Second):
			t.Fatal("poll not answered")
		}
		panic("unreachable")
	}

	for i := 0; i < 30; i++ {
		older := poll()
		eventually(t, time.Second, func() bool { return transport.LongPollPollsForTest(e.srv, tok) == 1 }, "the first poll")
		newer := poll()
		// As soon as the newer poll has taken over, publish a message.
		for transport.LongPollPollsForTest(e.srv, tok) != 2 && len(older) == 0 {
			runtime.Gosched()
		}
		e.srv.Broadcast("echo:c", "n", map[string]int{"i": i})
		want := fmt.Sprintf(`[null,null,"echo:c","n",{"i":%d}]`, i)
		o, n := wait(older), wait(newer)
		if o.raw != `{"status":204,"token":"`+tok+`","messages":[]}` {
			t.Fatalf("iteration %d: older poll answered %s, want 204", i, o.raw)
		}
		if got := n.strings(t); n.Status != 200 || len(got) != 1 || got[0] != want {
			t.Fatalf("iteration %d: newer poll answered %s, want the message", i, n.raw)
		}
	}
}

func TestLongPollSessionExpiry(t *testing.T) {
	const expiry, window = 200 * time.Millisecond, 400 * time.Millisecond
	e := newEnv(t, func(c *transport.Config) {
		c.LongPollWindow = window
		c.LongPollExpiry = expiry
	})
	// A poll held longer than the expiry keeps the session alive.
	tok := e.lpOpen()
	if r := e.lpPost(tok, `["1","1","echo:x","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	e.lpCollect(tok, 1)
	if r := e.lpGet(tok); r.Status != 204 {
		t.Fatalf("idle poll: %s", r.raw)
	}
	start := time.Now()
	if r := e.lpGet(tok); r.Status != 204 {
		t.Fatalf("session did not survive a held poll: %s", r.raw)
	}

	// No poll for the expiry: the socket closes and Terminate runs.
	recs := e.terms.wait(t, "echo:x", 1)
	if d := time.Since(start); d < window+expiry-20*time.Millisecond {
		t.Errorf("expired %v after the last poll started, want at least window+expiry = %v", d, window+expiry)
	}
	if !strings.Contains(recs[0].reason.Error(), "expired") {
		t.Errorf("Terminate reason %v", recs[0].reason)
	}
	eventually(t, time.Second, func() bool { return e.srv.Stats().LongPollSessions == 0 }, "LongPollSessions == 0")
	if n := e.srv.Stats().Channels; n != 0 {
		t.Errorf("Channels = %d", n)
	}
	// The token is dead: POST 410, GET opens a new session.
	if r := e.lpPost(tok, `["1","2","echo:x","ping",{}]`); r.raw != `{"status":410}` {
		t.Errorf("POST to expired session: %s", r.raw)
	}
	if r := e.lpGet(tok); r.Status != 410 || r.Token == tok {
		t.Errorf("GET on expired session: %s", r.raw)
	}

	// A session that is opened and never polled expires too.
	tok2 := e.lpOpen()
	if r := e.lpPost(tok2, `["1","1","echo:y","phx_join",{}]`); r.raw != `{"status":200}` {
		t.Fatal(r.raw)
	}
	e.terms.wait(t, "echo:y", 1)
}

func TestLongPollMaxSessions(t *testing.T) {
	connects := 0
	var mu sync.Mutex
	e := newEnv(t, func(c *transport.Config) {
		c.MaxLongPollSessions = 3
		c.Connect = func(*transport.ConnInfo) error { mu.Lock(); connects++; mu.Unlock(); return nil }
	})
	var toks []string
	for i := 0; i < 3; i++ {
		toks = append(toks, e.lpOpen())
	}
	r := e.lpDo(e.lpRequest("GET", "vsn=2.0.0&", "", "", nil))
	if r.raw != `{"status":500}` {
		t.Fatalf("4th session: %s, want {\"status\":500}", r.raw)
	}
	if n := e.srv.Stats().LongPollSessions; n != 3 {
		t.Errorf("LongPollSessions = %d, want 3", n)
	}
	if n := len(transport.SocketsForTest(e.srv)); n != 3 {
		t.Errorf("%d sockets, want 3", n)
	}
	if n := len(e.logs.lines("at the session limit")); n != 1 {
		t.Errorf("%d limit log lines, want 1", n)
	}
	// Existing sessions still work; closing one makes room.
	transport.LongPollSocketForTest(e.srv, toks[0]).Close(transport.ErrSocketClosed)
	e.lpOpen()

	// Concurrent opens never overshoot the limit.
	transport.LongPollSocketForTest(e.srv, toks[1]).Close(transport.ErrSocketClosed)
	transport.LongPollSocketForTest(e.srv, toks[2]).Close(transport.ErrSocketClosed)
	var wg sync.WaitGroup
	var opened, refused int
	for i := 0; i < 20; i++ {
		req := e.lpRequest("GET", "vsn=2.0.0&", "", "", nil)
		wg.Go(func() {
			r, err := e.lpTry(req)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case r.Status == 410:
				opened++
			case r.raw == `{"status":500}`:
				refused++
			default:
				t.Errorf("concurrent open: %s", r.raw)
			}
		})
	}
	wg.Wait()
	if n := e.srv.Stats().LongPollSessions; n != 3 || opened != 2 || refused != 18 {
		t.Errorf("after 20 concurrent opens with 1 free slot: LongPollSessions = %d, opened %d, refused %d; want 3, 2, 18",
			n, opened, refused)
	}
}

func TestLongPollOptions(t *testing.T) {
	e := newEnv(t, nil)
	req := e.lpRequest("OPTIONS", "vsn=2.0.0", "", "", map[string]string{
		"Access-Control-Request-Headers": "content-type, x-phoenix-authtoken",
		"Access-Control-Request-Method":  "POST",
		"Origin":                         e.ts.URL,
	})
	r := e.lpDo(req)
	if r.httpStatus != 200 {
		t.Fatalf("HTTP %d", r.httpStatus)
	}
	// A preflight from a refused origin is refused like any LongPoll
	// request, and gets no CORS grants.
	bad := e.lpDo(e.lpRequest("OPTIONS", "vsn=2.0.0", "", "", map[string]string{"Origin": "https://elsewhere.example"}))
	if bad.httpStatus != 200 || bad.raw != `{"status":403}` || bad.header.Get("Access-Control-Allow-Methods") != "" {
		t.Fatalf("refused preflight: HTTP %d, body %s, allow-methods %q", bad.httpStatus, bad.raw, bad.header.Get("Access-Control-Allow-Methods"))
	}
	for k, want := range map[string]string{
		"Access-Control-Allow-Headers": "content-type, x-phoenix-authtoken",
		"Access-Control-Allow-Methods": "get, post, options",
		"Access-Control-Max-Age":       "3600",
		"Access-Control-Allow-Origin":  "*",
		"Cache-Control":                "no-store",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if n := e.srv.Stats().LongPollSessions; n != 0 {
		t.Errorf("OPTIONS created a session")
	}
	// Other methods are refused.
	resp, err := e.ts.Client().Do(e.lpRequest("PUT", "vsn=2.0.0", "", "", nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: HTTP %d", resp.StatusCode)
	}
}

func TestLongPollVersionRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, q := range []string{"vsn=1.0.0&", "", "vsn=3.0.0"} {
		if r := e.lpDo(e.lpRequest("GET", q, "", "", nil)); r.raw != `{"status":403}` {
			t.Errorf("GET %q: %s, want {\"status\":403}", q, r.raw)
		}
	}
	if n := e.srv.Stats().LongPollSessions; n != 0 {
		t.Errorf("LongPollSessions = %d", n)
	}
}

// The incident: with the host-only policy for "localhost", a browser on
// http://127.0.0.1:PORT sends same-origin GETs without Origin. They must be
// refused (judged by Referer) without creating sessions, logged once.
func TestLongPollOriginIncident(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.Origin = transport.OriginHostOnly("localhost") })
	u, _ := url.Parse(e.ts.URL)
	hdr := map[string]string{
		"Sec-Fetch-Site": "same-origin",
		"Referer":        "http://127.0.0.1:" + u.Port() + "/",
		"Accept":         "application/json",
	}
	for i := 0; i < 50; i++ {
		r := e.lpDo(e.lpRequest("GET", "_csrf_token=abc&vsn=2.0.0&", "", "", hdr))
		if r.raw != `{"status":403}` {
			t.Fatalf("request %d: %s, want {\"status\":403}", i, r.raw)
		}
		if r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("content-type %q", r.header.Get("Content-Type"))
		}
	}
	st := e.srv.Stats()
	if st.LongPollSessions != 0 || len(transport.SocketsForTest(e.srv)) != 0 {
		t.Errorf("refused GETs created sessions: %+v", st)
	}
	if st.Refused != 50 {
		t.Errorf("Refused = %d, want 50", st.Refused)
	}
	lines := e.logs.lines("socket refused: origin not allowed")
	if len(lines) != 1 {
		t.Fatalf("%d refusal log lines for 50 requests, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, want := range []string{"origin_from=Referer", "127.0.0.1", "localhost", "transport=longpoll"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line lacks %q: %s", want, lines[0])
		}
	}
}

func TestLongPollOriginOnExistingSession(t *testing.T) {
	e := newEnv(t, func(c *transport.Config) { c.Origin = transport.OriginHostOnly("localhost") })
	u, _ := url.Parse(e.ts.URL)
	good := map[string]string{"Origin": "http://localhost:" + u.Port()}
	evil := map[string]string{"Origin": "https://evil.example"}
	r := e.lpDo(e.lpRequest("GET", "vsn=2.0.0&", "", "", good))
	if r.Status != 410 {
		t.Fatalf("open: %s", r.raw)
	}
	tok := r.Token
	q := "vsn=2.0.0&token=" + urlEscape(tok)
	// A POST from a refused origin is answered 403 and not dispatched.
	r = e.lpDo(e.lpRequest("POST", q, "application/x-ndjson", `["1","1","echo:o","phx_join",{}]`, evil))
	if r.raw != `{"status":403}` {
		t.Fatalf("POST with refused origin: %s", r.raw)
	}
	// So is a GET: it must not drain the session's messages.
	r = e.lpDo(e.lpRequest("POST", q, "application/x-ndjson", `[null,"2","phoenix","heartbeat",{}]`, good))
	if r.raw != `{"status":200}` {
		t.Fatalf("POST with allowed origin: %s", r.raw)
	}
	eventually(t, time.Second, func() bool { return e.srv.Stats().FramesOut == 1 }, "the reply")
	if r = e.lpDo(e.lpRequest("GET", q, "", "", evil)); r.raw != `{"status":403}` {
		t.Fatalf("GET with refused origin: %s", r.raw)
	}
	r = e.lpDo(e.lpRequest("GET", q, "", "", good))
	if got := r.strings(t); len(got) != 1 || got[0] != `[null,"2","phoenix","phx_reply",{"status":"ok","response":{}}]` {
		t.Fatalf("messages %q: the refused POST was dispatched or the refused GET took them", got)
	}
	if n := e.srv.Stats().Channels; n != 0 {
		t.Errorf("the refused join was dispatched")
	}
}
