package main

// Streams, JS hooks with push_event and replies, and JS commands, tested
// per client line (1.0, 1.1, 1.2):
//
//   - TestFeaturesWireGolden drives the examples in-process (a
//     transport.DirectConn, no browser) and compares the exact JSON the
//     engine sends: stream inserts ([dom_id, at, limit] for 1.0, a fourth
//     update_only element for 1.1+), deletes, resets ([ref, [], [], true]),
//     and where push_event ("e") and hook replies (top-level "r") go.
//   - TestFeaturesBrowser starts the server in-process (app.New plus the
//     examples, as main does) and runs assets/e2e/features_browser.mjs in
//     Chromium with the real phoenix_live_view client of that line, once
//     over WebSocket and once over LongPoll, then checks on the server which
//     transport each run really used.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/transport"
)

// featSecret is the SECRET_KEY_BASE of the servers these tests start.
const featSecret = "features-e2e-secret-key-base-0123456789abcdefghijklmn"

var featLines = []string{"1.0", "1.1", "1.2"}

func featStack(t *testing.T, line string, opts ...func(*app.Config)) *app.Stack {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", SecretKeyBase: []byte(featSecret), ClientLine: line}
	for _, o := range opts {
		o(&cfg)
	}
	st, err := app.New(cfg, e2e.Logger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	examples.Register(st.Engine, st.Mux)
	return st
}

// --- wire goldens ----------------------------------------------------------

// featWire is one in-process socket joined to one view.
type featWire struct {
	t     *testing.T
	conn  *transport.DirectConn
	topic string
	ref   int
}

var featContainer = regexp.MustCompile(`<div id="(phx-[^"]+)" data-phx-main data-phx-session="([^"]+)" data-phx-static="([^"]+)">`)

// featJoin dead-renders path, opens an in-process socket announcing the
// client version vsn (as the bundles do with _lv_vsn) and joins the view.
// It returns the join's "rendered".
func featJoin(t *testing.T, st *app.Stack, path, vsn string) (*featWire, json.RawMessage) {
	t.Helper()
	pageURL := "http://golden.test" + path
	rec := httptest.NewRecorder()
	st.Mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, pageURL, nil))
	m := featContainer.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("dead render of %s: %d, no live container in\n%s", path, rec.Code, rec.Body)
	}
	conn, err := st.Socket.ConnectDirect(transport.ConnInfo{
		Params: url.Values{"_lv_vsn": {vsn}}, CSRF: transport.CSRFOK, RequestID: "golden",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	w := &featWire{t: t, conn: conn, topic: "lv:" + m[1]}
	resp := w.call("phx_join", map[string]any{
		"url": pageURL, "session": m[2], "static": m[3],
		"params": map[string]any{"_mounts": 0, "_csrf_token": "unused"},
	})
	var join struct {
		Rendered json.RawMessage `json:"rendered"`
	}
	if err := json.Unmarshal(resp, &join); err != nil || join.Rendered == nil {
		t.Fatalf("join reply without rendered: %s", resp)
	}
	return w, join.Rendered
}

// call sends one message and returns the response of its ok reply.
func (w *featWire) call(event string, payload any) json.RawMessage {
	w.t.Helper()
	w.ref++
	ref := fmt.Sprint(w.ref)
	body, err := json.Marshal(payload)
	if err != nil {
		w.t.Fatal(err)
	}
	w.conn.Send(transport.Message{JoinRef: transport.Str("1"), Ref: transport.Str(ref), Topic: w.topic, Event: event, Payload: body})
	timeout := time.After(5 * time.Second)
	for {
		select {
		case f := <-w.conn.Frames():
			var fr []json.RawMessage
			if err := json.Unmarshal(f, &fr); err != nil || len(fr) != 5 {
				w.t.Fatalf("bad frame %s", f)
			}
			var gotRef string
			_ = json.Unmarshal(fr[1], &gotRef)
			if gotRef != ref {
				continue // a push or an older reply
			}
			var reply struct {
				Status   string          `json:"status"`
				Response json.RawMessage `json:"response"`
			}
			if err := json.Unmarshal(fr[4], &reply); err != nil || reply.Status != "ok" {
				w.t.Fatalf("%s: reply %s", event, fr[4])
			}
			return reply.Response
		case <-timeout:
			w.t.Fatalf("%s: no reply within 5 s", event)
		}
	}
}

// event sends an "event" and returns the reply's diff ("" when the reply
// has none).
func (w *featWire) event(payload map[string]any) string {
	w.t.Helper()
	resp := w.call("event", payload)
	var r struct {
		Diff json.RawMessage `json:"diff"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		w.t.Fatalf("event reply %s: %v", resp, err)
	}
	return featUnescape(string(r.Diff))
}

// featUnescape undoes the \u003c, \u003e and \u0026 escapes that
// encoding/json puts into the reply frame (the transport marshals the
// reply with json.Marshal); the text is the same JSON value, easier to
// read in goldens. The goldens hold no backslash-u sequences of their own.
var featUnescape = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace

func featClick(name string) map[string]any {
	return map[string]any{"type": "click", "event": name, "value": map[string]any{"value": ""}}
}

// featGolden compares a diff with its golden text.
func featGolden(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got: %s\nwant: %s", what, got, want)
	}
	if got != "" && !json.Valid([]byte(got)) {
		t.Errorf("%s: invalid JSON %s", what, got)
	}
}

// The stream example's diffs per client line. The list statics travel
// with the first insert only; rows are sent whole (the client keeps no
// stream rows in its tree); the server keeps no copy of the items.
func TestFeaturesWireGolden(t *testing.T) {
	type streamGolden struct {
		join, prepend, prepend2, append, reset, appendAfterReset string
	}
	// Dynamic 0 of the page is #total, dynamic 1 the stream list; a row
	// has two dynamics, its dom id and its text.
	const rowS = `"s":["<li id=\"","\">","</li>"]`
	stream := map[string]streamGolden{
		"1.0": {
			join:             `"1":{"s":[""],"d":[],"stream":["0",[],[]]}`,
			prepend:          `{"0":"1","1":{` + rowS + `,"d":[["row-1","1"]],"stream":["0",[["row-1",0,20]],[]]}}`,
			prepend2:         `{"0":"2","1":{"d":[["row-2","2"]],"stream":["0",[["row-2",0,20]],[]]}}`,
			append:           `{"0":"3","1":{"d":[["row-3","3"]],"stream":["0",[["row-3",-1,-20]],[]]}}`,
			reset:            `{"1":{"d":[],"stream":["0",[],[],true]}}`,
			appendAfterReset: `{"0":"4","1":{"d":[["row-4","4"]],"stream":["0",[["row-4",-1,-20]],[]]}}`,
		},
		"1.1": {
			join: `"1":{"s":[""],"k":{"kc":0},"stream":["0",[],[]]}`,
			// 1.1+ share templates through a top-level "p" map.
			prepend:          `{"0":"1","1":{"s":0,"k":{"0":{"0":"row-1","1":"1"},"kc":1},"stream":["0",[["row-1",0,20,false]],[]]},"p":{"0":["<li id=\"","\">","</li>"]}}`,
			prepend2:         `{"0":"2","1":{"k":{"0":{"0":"row-2","1":"2"},"kc":1},"stream":["0",[["row-2",0,20,false]],[]]}}`,
			append:           `{"0":"3","1":{"k":{"0":{"0":"row-3","1":"3"},"kc":1},"stream":["0",[["row-3",-1,-20,false]],[]]}}`,
			reset:            `{"1":{"k":{"kc":0},"stream":["0",[],[],true]}}`,
			appendAfterReset: `{"0":"4","1":{"k":{"0":{"0":"row-4","1":"4"},"kc":1},"stream":["0",[["row-4",-1,-20,false]],[]]}}`,
		},
	}
	stream["1.2"] = stream["1.1"]

	for _, line := range featLines {
		t.Run("client-"+line, func(t *testing.T) {
			st := featStack(t, line)
			vsn := st.Config.ClientVersion()
			t.Run("stream", func(t *testing.T) {
				g := stream[line]
				w, rendered := featJoin(t, st, "/examples/stream", vsn)
				if !strings.Contains(string(rendered), g.join) {
					t.Errorf("join rendered %s\nlacks the empty stream %s", rendered, g.join)
				}
				featGolden(t, "prepend", w.event(featClick("prepend")), g.prepend)
				featGolden(t, "second prepend", w.event(featClick("prepend")), g.prepend2)
				featGolden(t, "append", w.event(featClick("append")), g.append)
				featGolden(t, "reset", w.event(featClick("reset")), g.reset)
				featGolden(t, "append after reset", w.event(featClick("append")), g.appendAfterReset)
			})
			t.Run("hooks", func(t *testing.T) {
				featHooksGolden(t, st, line, vsn)
			})
		})
	}
}

// The hooks example: push_event rides in "e" of the event's reply (a
// third element true when dispatched before the patch), a hook reply is
// the top-level "r" of the hook event's reply, next to the diff and the
// stream instructions; the same on every line except the stream inserts.
func featHooksGolden(t *testing.T, st *app.Stack, line, vsn string) {
	w, rendered := featJoin(t, st, "/examples/hooks", vsn)
	// The JS command attributes reach the client inside the rendered JSON
	// as escaped HTML text.
	for _, js := range []string{examples.HooksTogglePanel.String(), examples.HooksIncJS.String(), examples.HooksDispatch.String()} {
		// templ's attribute escaping.
		esc := strings.NewReplacer(`&`, `&amp;`, `"`, `&#34;`, `'`, `&#39;`, `<`, `&lt;`, `>`, `&gt;`).Replace(js)
		// It is a dynamic of its own: a whole JSON string.
		if !strings.Contains(featUnescape(string(rendered)), `"`+strings.ReplaceAll(esc, `\`, `\\`)+`"`) {
			t.Errorf("rendered lacks the escaped attribute %s", esc)
		}
	}
	featGolden(t, "ping (push_event only, no DOM change)", w.event(featClick("ping")),
		`{"e":[["ping",{"msg":"hello <b>&amp;</b> \"world\" 'é'","n":1}]]}`)
	if examples.HooksPingMessage != `hello <b>&amp;</b> "world" 'é'` {
		t.Errorf("the ping golden assumes the message %q", examples.HooksPingMessage)
	}

	insert := map[string]string{
		"1.0": `"d":[["pong-1","HI","[[&#34;push&#34;,{&#34;event&#34;:&#34;delete-log&#34;,&#34;value&#34;:{&#34;id&#34;:&#34;pong-1&#34;}}],[&#34;add_class&#34;,{&#34;names&#34;:[&#34;deleting&#34;],&#34;to&#34;:{&#34;closest&#34;:&#34;li&#34;}}]]"]],"stream":["0",[["pong-1",0,5]],[]]`,
		"1.1": `"k":{"0":{"0":"pong-1","1":"HI","2":"[[&#34;push&#34;,{&#34;event&#34;:&#34;delete-log&#34;,&#34;value&#34;:{&#34;id&#34;:&#34;pong-1&#34;}}],[&#34;add_class&#34;,{&#34;names&#34;:[&#34;deleting&#34;],&#34;to&#34;:{&#34;closest&#34;:&#34;li&#34;}}]]"},"kc":1},"stream":["0",[["pong-1",0,5,false]],[]]`,
	}
	insert["1.2"] = insert["1.1"]
	hook := map[string]any{"type": "hook", "event": "pong", "value": map[string]any{"n": 1, "text": "HI"}}
	rowStatics := `["<li id=\"","\" class=\"pong\"><span class=\"pong-text\">","</span> <button class=\"pong-delete\" phx-click=\"","\">delete</button></li>"]`
	want := `{"0":"1","1":"1","10":{"s":` + rowStatics + `,` + insert[line] + `},"r":{"count":1,"echo":"HI","n":1}}`
	if line != "1.0" {
		// 1.1+ share templates through a top-level "p" map.
		want = `{"0":"1","1":"1","10":{"s":0,` + insert[line] + `},"p":{"0":` + rowStatics + `},"r":{"count":1,"echo":"HI","n":1}}`
	}
	featGolden(t, "hook pong (diff, stream insert, top-level r)", w.event(hook), want)

	// A hook event that changes nothing still answers with "r".
	bad := map[string]any{"type": "hook", "event": "pong", "value": "not an object"}
	featGolden(t, "hook reply without a diff", w.event(bad), `{"r":{"error":"pong wants {n, text}"}}`)

	del := map[string]string{"1.0": `"d":[]`, "1.1": `"k":{"kc":0}`, "1.2": `"k":{"kc":0}`}[line]
	featGolden(t, "stream delete", w.event(map[string]any{"type": "click", "event": "delete-log", "value": map[string]any{"id": "pong-1"}}),
		`{"10":{`+del+`,"stream":["0",[],["pong-1"]]}}`)

	featGolden(t, "snap (before-patch and ordinary push_event)", w.event(featClick("snap")),
		`{"0":"2","e":[["snap",{"count":2},true],["snap-after",{"count":2}]]}`)

	featGolden(t, "stream reset", w.event(featClick("clear-log")), `{"10":{`+del+`,"stream":["0",[],[],true]}}`)
	featGolden(t, "JS push with value", w.event(map[string]any{"type": "click", "event": "inc-js", "value": map[string]any{"by": 5, "value": ""}}),
		`{"0":"7"}`)
}

// featJSAttrs are the JS command attributes of /examples/hooks by element
// id, as the Go helper renders them.
func featJSAttrs() map[string]string {
	return map[string]string{
		"toggle-panel": examples.HooksTogglePanel.String(),
		"inc-js":       examples.HooksIncJS.String(),
		"open-modal":   examples.HooksOpenModal.String(),
		"close-modal":  examples.HooksCloseModal.String(),
		"dispatch":     examples.HooksDispatch.String(),
		"patch-tab":    examples.HooksPatchTab.String(),
		"navigate":     examples.HooksNavigate.String(),
	}
}

// The dead render of the real templ page, parsed by an HTML5 parser, holds
// each JS command attribute exactly as the helper's JSON (templ escaped it,
// the parser unescaped it). The browser test checks the same after the join.
func TestFeaturesJSAttributesDeadRender(t *testing.T) {
	st := featStack(t, "1.2")
	rec := httptest.NewRecorder()
	st.Mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://golden.test/examples/hooks", nil))
	doc, err := html.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			var id, click string
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					id = a.Val
				case "phx-click":
					click = a.Val
				}
			}
			if id != "" && strings.HasPrefix(click, "[") {
				got[id] = click
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	want := featJSAttrs()
	for id, js := range want {
		if got[id] != js {
			t.Errorf("#%s phx-click after parsing:\n got: %s\nwant: %s", id, got[id], js)
		}
	}
	if len(got) != len(want) {
		t.Errorf("JS command attributes on the page: %v, want those of %v", got, want)
	}
}

// --- browser ---------------------------------------------------------------

// featHarness serves one client line and records, per transport run of
// the script, the socket requests and the socket server's gauges.
type featHarness struct {
	st  *app.Stack
	srv *e2e.Server

	mu      sync.Mutex
	run     string
	reqs    map[string]map[string]int // run -> "websocket"/"longpoll" -> requests
	samples map[string][]transport.StatsSnapshot
}

func newFeatHarness(t *testing.T, line string, opts ...func(*app.Config)) *featHarness {
	h := &featHarness{st: featStack(t, line, opts...), reqs: map[string]map[string]int{}, samples: map[string][]transport.StatsSnapshot{}}
	h.srv = e2e.NewServerWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tr, ok := strings.CutPrefix(r.URL.Path, "/live/"); ok {
			h.mu.Lock()
			if h.run != "" {
				h.reqs[h.run][tr]++
			}
			h.mu.Unlock()
		}
		h.st.Mux.ServeHTTP(w, r)
	}), h.st.Listener)
	// Runs before the server stops (cleanups run last-in first-out).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.st.Socket.Shutdown(ctx)
	})
	return h
}

func (h *featHarness) control(t *testing.T) *e2e.Control {
	ctl := e2e.NewControl(t)
	name := func(r *http.Request) (string, error) {
		n := r.URL.Query().Get("name")
		if n != "websocket" && n != "longpoll" {
			return "", fmt.Errorf("run %q: want websocket or longpoll", n)
		}
		return n, nil
	}
	ctl.Handle("POST /phase", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.reqs[n] != nil {
			return nil, fmt.Errorf("run %s started twice", n)
		}
		h.run = n
		h.reqs[n] = map[string]int{}
		return map[string]string{"run": n}, nil
	})
	ctl.Handle("POST /check", func(r *http.Request) (any, error) {
		n, err := name(r)
		if err != nil {
			return nil, err
		}
		snap := h.st.Socket.Stats()
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.run != n {
			return nil, fmt.Errorf("run %s is not the current run %q", n, h.run)
		}
		h.samples[n] = append(h.samples[n], snap)
		return snap, nil
	})
	ctl.Handle("GET /stats", func(*http.Request) (any, error) {
		es := h.st.Engine.Stats()
		return map[string]any{
			"socket": h.st.Socket.Stats(),
			"events": es.Events.Load(), "views": es.Views.Load(), "crashes": es.Crashes.Load(),
		}, nil
	})
	return ctl
}

// checkTransports verifies on the server side that each run used only its
// transport: the requests the handler saw, and the socket server's gauges
// sampled while a page was connected.
func (h *featHarness) checkTransports(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, run := range []string{"websocket", "longpoll"} {
		reqs, samples := h.reqs[run], h.samples[run]
		t.Logf("%s run: socket requests %v, %d samples %+v", run, reqs, len(samples), samples)
		if reqs == nil {
			t.Errorf("%s run: never started", run)
			continue
		}
		other := map[string]string{"websocket": "longpoll", "longpoll": "websocket"}[run]
		if reqs[run] == 0 || reqs[other] != 0 {
			t.Errorf("%s run: %d requests to /live/%s and %d to /live/%s, want some and none", run, reqs[run], run, reqs[other], other)
		}
		if len(samples) < 2 {
			t.Errorf("%s run: %d stats samples, want one per page (2)", run, len(samples))
		}
		for _, s := range samples {
			ws, lp := s.WebSockets, s.LongPollSessions
			if run == "websocket" && (ws == 0 || lp != 0) || run == "longpoll" && (lp == 0 || ws != 0) {
				t.Errorf("%s run: sample with %d WebSockets and %d LongPoll sessions", run, ws, lp)
			}
		}
	}
}

// TestFeaturesBrowser drives /examples/stream and /examples/hooks with the
// real phoenix_live_view client in Chromium, per client line, over
// WebSocket and then LongPoll.
func TestFeaturesBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.1.js", "app-1.0.js")
	attrs, err := json.Marshal(featJSAttrs())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range featLines {
		t.Run("client-"+line, func(t *testing.T) {
			t.Parallel()
			h := newFeatHarness(t, line)
			ctl := h.control(t)
			e2e.RunNode(t, "features_browser.mjs", map[string]string{
				"E2E_URL":                h.srv.URL(),
				"E2E_CONTROL":            ctl.URL(),
				"CHROMIUM_PATH":          chromium,
				"E2E_CLIENT_LINE":        line,
				"E2E_CLIENT_VSN":         h.st.Config.ClientVersion(),
				"E2E_JS_ATTRS":           string(attrs),
				"E2E_PING_MESSAGE":       examples.HooksPingMessage,
				"E2E_LOG_LIMIT":          fmt.Sprint(examples.HooksLogLimit),
				"E2E_BINDINGS_PAGES":     fmt.Sprint(examples.BindingsPages),
				"E2E_BINDINGS_PAGE_SIZE": fmt.Sprint(examples.BindingsPageSize),
			}, 180*time.Second)
			h.checkTransports(t)
			if c := h.st.Engine.Stats().Crashes.Load(); c != 0 {
				t.Errorf("%d view crashes", c)
			}
		})
	}
}
