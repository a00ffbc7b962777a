// Package check holds the steps of the doctor command, so they can be
// tested against real servers in broken configurations.
package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/transport"
)

// Step is one check with its outcome.
type Step struct {
	Name   string  `json:"name"`
	OK     bool    `json:"ok"`
	Millis float64 `json:"ms"`
	Detail string  `json:"detail"`
	Fix    string  `json:"fix,omitempty"`
	// Cause is a machine-readable failure cause (origin_refused, …).
	Cause string `json:"cause,omitempty"`
}

// Report is the whole diagnosis.
type Report struct {
	URL    string `json:"url"`
	Origin string `json:"origin"`
	OK     bool   `json:"ok"`
	Steps  []Step `json:"steps"`
	// Server is what the server's own diagnostics endpoint said.
	Server *transport.Diagnosis `json:"server,omitempty"`
}

// Checker runs the steps. Client should have a cookie jar.
type Checker struct {
	Client     *http.Client
	Origin     string
	SocketPath string
	Timeout    time.Duration
}

type page struct {
	csrf, id, session, static string
}

// Run checks u.
func (c *Checker) Run(ctx context.Context, u *url.URL) Report {
	origin := c.Origin
	if origin == "" {
		origin = u.Scheme + "://" + u.Host
	}
	if c.SocketPath == "" {
		c.SocketPath = "/live"
	}
	rep := Report{URL: u.String(), Origin: origin, OK: true}
	add := func(s Step) {
		rep.Steps = append(rep.Steps, s)
		if !s.OK {
			rep.OK = false
		}
	}

	pg, st := c.fetchPage(ctx, u)
	add(st)
	if !st.OK {
		return rep
	}
	diag := c.diagnose(ctx, u, origin, pg.csrf)
	rep.Server = diag

	base := *u
	base.RawQuery, base.Fragment = "", ""
	params := url.Values{"_csrf_token": {pg.csrf}}

	wsOK := c.websocket(ctx, u, base, origin, params, pg, diag, add)
	lpOK := c.longpoll(ctx, u, base, origin, params, pg, diag, add)
	if !wsOK && lpOK {
		// LongPoll alone is a working (if slower) setup: say so.
		rep.Steps = append(rep.Steps, Step{Name: "summary", OK: true,
			Detail: "WebSocket fails but LongPoll works: clients fall back after 2.5 s",
			Fix:    "allow WebSocket upgrades on " + c.SocketPath + "/websocket in the proxy for faster, lighter connections"})
	}
	return rep
}

func elapsed(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

func (c *Checker) fetchPage(ctx context.Context, u *url.URL) (page, Step) {
	st := Step{Name: "page"}
	t := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	resp, err := c.Client.Do(req)
	st.Millis = elapsed(t)
	if err != nil {
		st.Detail = "GET failed: " + err.Error()
		st.Cause = "server_unreachable"
		st.Fix = "check that the server is running and reachable at " + u.Host
		return page{}, st
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode != http.StatusOK {
		st.Detail = fmt.Sprintf("GET answered HTTP %d", resp.StatusCode)
		st.Fix = "the page itself must render (HTTP 200) before it can go live"
		// A live route whose mount failed renders its error state with the
		// request id to look up in the server log.
		if kind, reqID := errorState(body); kind != "" {
			st.Cause = transport.CauseMountError
			if kind == "unavailable" {
				st.Cause = transport.CauseDatabase
			}
			st.Detail += fmt.Sprintf(": the view's mount failed (%s)", kind)
			st.Fix = "check the server log for request id " + reqID
		}
		return page{}, st
	}
	pg := parsePage(body)
	switch {
	case pg.id == "" || pg.session == "":
		st.Detail = "HTTP 200 but no live view container (data-phx-main with data-phx-session) in the page"
		st.Fix = "is this a live route?"
		return pg, st
	case pg.csrf == "":
		st.Detail = "no <meta name=\"csrf-token\"> in the page"
		st.Fix = "the layout must render the CSRF meta tag that app.js sends as _csrf_token"
		return pg, st
	}
	st.OK = true
	st.Detail = fmt.Sprintf("HTTP 200, %d bytes, view %s", len(body), pg.id)
	return pg, st
}

// errorState finds a live view's error state (data-live-error) and the
// request id it shows.
func errorState(b []byte) (kind, requestID string) {
	z := html.NewTokenizer(bytes.NewReader(b))
	inCode := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return kind, requestID
		case html.StartTagToken:
			t := z.Token()
			for _, a := range t.Attr {
				if a.Key == "data-live-error" {
					kind = a.Val
				}
			}
			inCode = kind != "" && t.Data == "code"
		case html.TextToken:
			if inCode && requestID == "" {
				requestID = strings.TrimSpace(string(z.Text()))
			}
		case html.EndTagToken:
			inCode = false
		}
	}
}

// parsePage extracts the CSRF token and the main view's tokens.
func parsePage(b []byte) page {
	var p page
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return p
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		attrs := map[string]string{}
		for _, a := range t.Attr {
			attrs[a.Key] = a.Val
		}
		if t.Data == "meta" && attrs["name"] == "csrf-token" {
			p.csrf = attrs["content"]
		}
		if _, main := attrs["data-phx-main"]; main && p.id == "" {
			p.id, p.session, p.static = attrs["id"], attrs["data-phx-session"], attrs["data-phx-static"]
		}
	}
}

func (c *Checker) diagnose(ctx context.Context, u *url.URL, origin, csrf string) *transport.Diagnosis {
	q := url.Values{"page_origin": {origin}, "csrf": {csrf}}
	du := url.URL{Scheme: u.Scheme, Host: u.Host, Path: c.SocketPath + "/diagnose", RawQuery: q.Encode()}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, du.String(), nil)
	resp, err := c.Client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var d transport.Diagnosis
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&d) != nil {
		return nil
	}
	return &d
}

func originFix(origin string, diag *transport.Diagnosis) string {
	allowed := "its configured origins"
	if diag != nil && diag.Allowed != "" {
		allowed = diag.Allowed
	}
	host := origin
	if o, err := transport.ParseOrigin(origin); err == nil {
		host = o.Host
	}
	return fmt.Sprintf("origin %s refused; the server's rule: %s — set CHECK_ORIGIN=%s or PHX_HOST=%s", origin, allowed, origin, host)
}

func joinFix(reason string, diag *transport.Diagnosis) string {
	if diag != nil && !diag.OK && diag.Fix != "" {
		return diag.Fix
	}
	switch reason {
	case "stale":
		return "the server rejected the page's tokens: SECRET_KEY_BASE must be the same on every node and unchanged between page and socket, and the session cookie must reach " + "/live (cookie Path, Domain, SameSite)"
	case "unauthorized":
		return "the page's URL does not route to the same live view on the socket's node (different deploys behind one balancer?)"
	}
	return "see the server log for this request"
}

func joinPayload(u *url.URL, pg page, csrf string) json.RawMessage {
	var static any
	if pg.static != "" {
		static = pg.static
	}
	b, _ := json.Marshal(map[string]any{
		"url":     u.String(),
		"params":  map[string]any{"_csrf_token": csrf, "_mounts": 0, "_mount_attempts": 0},
		"session": pg.session,
		"static":  static,
	})
	return b
}

// evalJoin turns a join reply payload into a step.
func evalJoin(st *Step, payload json.RawMessage, diag *transport.Diagnosis) {
	var r struct {
		Status   string `json:"status"`
		Response struct {
			Rendered json.RawMessage `json:"rendered"`
			Reason   string          `json:"reason"`
			Version  string          `json:"liveview_version"`
		} `json:"response"`
	}
	if err := json.Unmarshal(payload, &r); err != nil {
		st.Detail = "unreadable join reply"
		return
	}
	if r.Status == "ok" && len(r.Response.Rendered) > 0 {
		st.OK = true
		st.Detail = fmt.Sprintf("mounted (liveview_version %s, %d bytes rendered)", r.Response.Version, len(r.Response.Rendered))
		if strings.Contains(string(r.Response.Rendered), `data-live-error=`) {
			st.OK = false
			st.Cause = transport.CauseMountError
			st.Detail = "joined, but the view rendered its error state (mount failed)"
			st.Fix = "check the server log; the page shows the error and a request id"
		}
		return
	}
	st.Cause = "join_" + r.Response.Reason
	st.Detail = fmt.Sprintf("join refused: %s %s", r.Status, string(payload))
	st.Fix = joinFix(r.Response.Reason, diag)
}

func (c *Checker) websocket(ctx context.Context, u *url.URL, base url.URL, origin string, params url.Values, pg page, diag *transport.Diagnosis, add func(Step)) bool {
	wsu := base
	wsu.Scheme = map[string]string{"https": "wss", "http": "ws"}[u.Scheme]
	wsu.Path = c.SocketPath + "/websocket"
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("vsn", "2.0.0")
	wsu.RawQuery = q.Encode()

	st := Step{Name: "websocket upgrade"}
	t := time.Now()
	cctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	h := http.Header{"Origin": {origin}}
	conn, resp, err := websocket.Dial(cctx, wsu.String(), &websocket.DialOptions{HTTPClient: c.Client, HTTPHeader: h})
	st.Millis = elapsed(t)
	if err != nil {
		switch {
		case resp != nil && resp.StatusCode == http.StatusForbidden:
			st.Cause = transport.CauseOriginRefused
			st.Detail = "upgrade refused with HTTP 403"
			st.Fix = originFix(origin, diag)
			if diag != nil && diag.Cause != transport.CauseOriginRefused && !diag.OK {
				st.Fix = diag.Fix
			}
		case resp != nil:
			st.Cause = "websocket_blocked"
			st.Detail = fmt.Sprintf("upgrade answered HTTP %d instead of 101", resp.StatusCode)
			st.Fix = "a proxy in front of the server is not passing WebSocket upgrades for " + c.SocketPath + "/websocket (Upgrade/Connection headers)"
		default:
			st.Cause = "websocket_blocked"
			st.Detail = "upgrade failed: " + err.Error()
			st.Fix = "a proxy or firewall is dropping WebSocket connections"
		}
		add(st)
		return false
	}
	defer conn.CloseNow()
	// A join reply carries the whole rendered page; the library's default
	// 32 KiB read limit is far too small for real pages.
	conn.SetReadLimit(64 << 20)
	st.OK = true
	st.Detail = "101 Switching Protocols"
	add(st)

	ref := 0
	next := func() *string { ref++; s := fmt.Sprint(ref); return &s }
	send := func(m transport.Message) error {
		return conn.Write(cctx, websocket.MessageText, transport.EncodeText(m))
	}
	await := func(topic string, r *string) (transport.Message, error) {
		for {
			_, data, err := conn.Read(cctx)
			if err != nil {
				return transport.Message{}, err
			}
			m, err := transport.DecodeText(data)
			if err == nil && m.Topic == topic && m.Event == "phx_reply" && m.Ref != nil && *m.Ref == *r {
				return m, nil
			}
		}
	}

	hb := Step{Name: "websocket heartbeat"}
	t = time.Now()
	r := next()
	err = send(transport.Message{Ref: r, Topic: "phoenix", Event: "heartbeat", Payload: json.RawMessage(`{}`)})
	if err == nil {
		_, err = await("phoenix", r)
	}
	hb.Millis = elapsed(t)
	if err != nil {
		hb.Detail = "no heartbeat reply: " + err.Error()
		hb.Fix = "the proxy may buffer or cut WebSocket frames"
		add(hb)
		return false
	}
	hb.OK, hb.Detail = true, "heartbeat answered"
	add(hb)

	js := Step{Name: "websocket join"}
	t = time.Now()
	r = next()
	topic := "lv:" + pg.id
	err = send(transport.Message{JoinRef: r, Ref: r, Topic: topic, Event: "phx_join", Payload: joinPayload(u, pg, params.Get("_csrf_token"))})
	var reply transport.Message
	if err == nil {
		reply, err = await(topic, r)
	}
	js.Millis = elapsed(t)
	if err != nil {
		js.Detail = "no join reply: " + err.Error()
		js.Fix = "the server did not answer the join in time: check the server log"
		add(js)
		return false
	}
	evalJoin(&js, reply.Payload, diag)
	add(js)
	conn.Close(websocket.StatusNormalClosure, "")
	return js.OK
}

type lpResp struct {
	Status   int      `json:"status"`
	Token    string   `json:"token"`
	Messages []string `json:"messages"`
}

func (c *Checker) longpoll(ctx context.Context, u *url.URL, base url.URL, origin string, params url.Values, pg page, diag *transport.Diagnosis, add func(Step)) bool {
	lpu := base
	lpu.Path = c.SocketPath + "/longpoll"
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("vsn", "2.0.0")
	do := func(method string, q url.Values, body string) (lpResp, error) {
		x := lpu
		x.RawQuery = q.Encode()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequestWithContext(ctx, method, x.String(), rd)
		req.Header.Set("Origin", origin)
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-ndjson")
		}
		resp, err := c.Client.Do(req)
		if err != nil {
			return lpResp{}, err
		}
		defer resp.Body.Close()
		var r lpResp
		if resp.StatusCode != http.StatusOK {
			return r, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return r, errors.New("response is not the LongPoll JSON")
		}
		return r, nil
	}

	st := Step{Name: "longpoll open"}
	t := time.Now()
	r, err := do(http.MethodGet, q, "")
	st.Millis = elapsed(t)
	switch {
	case err != nil:
		st.Cause = "longpoll_failed"
		st.Detail = "LongPoll GET failed: " + err.Error()
		st.Fix = "the proxy must pass GET and POST to " + c.SocketPath + "/longpoll"
	case r.Status == 403:
		st.Cause = transport.CauseOriginRefused
		st.Detail = `answered {"status":403}`
		st.Fix = originFix(origin, diag)
	case r.Status != 410 || r.Token == "":
		st.Detail = fmt.Sprintf("unexpected LongPoll status %d", r.Status)
		st.Fix = "this does not look like a Phoenix LongPoll endpoint"
	default:
		st.OK = true
		st.Detail = "session opened (410 + token)"
	}
	add(st)
	if !st.OK {
		return false
	}
	q.Set("token", r.Token)

	js := Step{Name: "longpoll join"}
	t = time.Now()
	frame := transport.EncodeText(transport.Message{JoinRef: transport.Str("1"), Ref: transport.Str("1"), Topic: "lv:" + pg.id,
		Event: "phx_join", Payload: joinPayload(u, pg, params.Get("_csrf_token"))})
	pr, err := do(http.MethodPost, q, string(frame))
	if err == nil && pr.Status != 200 {
		err = fmt.Errorf("POST answered status %d", pr.Status)
		if pr.Status == 403 {
			js.Cause = transport.CauseOriginRefused
			js.Fix = originFix(origin, diag)
		}
	}
	var reply *transport.Message
	for i := 0; err == nil && reply == nil && i < 3; i++ {
		var gr lpResp
		gr, err = do(http.MethodGet, q, "")
		for _, m := range gr.Messages {
			if dm, derr := transport.DecodeText([]byte(m)); derr == nil && dm.Event == "phx_reply" && dm.Topic == "lv:"+pg.id {
				reply = &dm
			}
		}
	}
	js.Millis = elapsed(t)
	switch {
	case err != nil:
		js.Detail = "LongPoll join failed: " + err.Error()
		if js.Fix == "" {
			js.Fix = "LongPoll requests of one session must reach the same node (sticky sessions or golive's cluster routing)"
		}
	case reply == nil:
		js.Detail = "no join reply over LongPoll"
		js.Fix = "check the server log"
	default:
		evalJoin(&js, reply.Payload, diag)
	}
	add(js)
	return js.OK
}
