package livetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cortex-cinegraph/golive/transport"
)

// Errors a view operation returns for what the server did.
var (
	// ErrViewCrashed: the view's channel crashed (phx_error), e.g. a
	// callback panicked. A browser would rejoin it.
	ErrViewCrashed = errors.New("livetest: the view crashed (phx_error)")
	// ErrViewClosed: the server ended the view (phx_close).
	ErrViewClosed = errors.New("livetest: the server closed the view (phx_close)")
	// ErrSocketClosed: the socket ended while waiting for a reply.
	ErrSocketClosed = errors.New("livetest: the socket closed")
)

// ReplyError is an error reply to a push ({"status":"error",…}).
type ReplyError struct {
	Op       string
	Response json.RawMessage
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("livetest: %s: error reply %s", e.Op, e.Response)
}

// JoinError is a refused join, e.g. Reason "unauthorized" for a live
// navigation into another live_session, or "stale" for bad tokens.
type JoinError struct {
	URL      string
	Reason   string
	Response json.RawMessage
	// Hint says what the helper saw that explains it (e.g. the socket's
	// CSRF check result).
	Hint string
}

func (e *JoinError) Error() string {
	s := fmt.Sprintf("livetest: join of %s refused: %s", e.URL, e.Response)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Event is a push_event the view received (an "e" entry of a diff).
type Event struct {
	Name    string
	Payload json.RawMessage
	// BeforePatch is set for events to dispatch before the DOM patch.
	BeforePatch bool
}

// redirect is a navigation the browser would do next.
type redirect struct {
	to    string
	live  bool // live_redirect (same socket) rather than a page load
	flash string
}

// View is a live view as one browser tab shows it: the page's dead render,
// then a join over an in-process socket exactly as the JS client does, and
// from then on the client's copy of the rendered tree, merged with the
// rules of the chosen client line. Events are pushed like the client
// pushes them, and each operation waits for the server's reply.
//
// A View belongs to the test goroutine: it is not safe for concurrent use.
// Query methods (HTML, Has, Text, …) fail the test on an invalid selector
// and, where one element is expected, on zero or several matches.
type View struct {
	env  *Env
	t    testing.TB
	conn *transport.DirectConn

	id, topic, joinRef string
	session, static    string
	csrf               string
	track              []string
	url                *url.URL
	csrfResult         transport.CSRFResult

	joined   bool
	ended    error
	r        *rendered
	html     string
	tree     *html.Node
	title    string
	events   []Event
	redirect *redirect
	patched  string
	hasPatch bool
	// announced are cids sent in cids_will_destroy, not to repeat them.
	announced map[int]bool
	// fileRefs numbers selected files, as the client does per page.
	fileRefs int
	// uploadsClosed are the upload channels (topics) the server closed,
	// seen while waiting for something else.
	uploadsClosed map[string]bool

	// hub is shared by the views of one socket (the page's main view and
	// its children); parent is set on a child view.
	hub    *hub
	parent *View
	sticky bool
}

// hub demultiplexes one socket's frames between the views joined on it:
// a view waiting for its reply keeps the frames of other topics for them.
type hub struct {
	refs  int
	stash map[string][][]byte
	// statics are the data-phx-static tokens of the dead render's child
	// containers (the connected render sends them empty, and the client
	// keeps the dead render's).
	statics map[string]string
}

// Live renders path (following HTTP redirects, as a browser does) and
// joins its main live view. The test fails if the page is not a live view
// or the join is refused; a redirect on join is recorded instead (see
// [View.Redirected]).
func (env *Env) Live(path string) *View {
	env.t.Helper()
	v := &View{env: env, t: env.t}
	env.mu.Lock()
	env.views = append(env.views, v)
	env.mu.Unlock()
	if err := v.load(env.abs(path)); err != nil {
		env.t.Fatalf("%v", err)
	}
	return v
}

// load does a full page load of u and joins the page's main view.
func (v *View) load(u *url.URL) error {
	v.t.Helper()
	env := v.env
	var p *Page
	for i := 0; ; i++ {
		p = env.get(v.t, u)
		if p.Status < 300 || p.Status >= 400 {
			break
		}
		loc := p.Header.Get("Location")
		if i == 10 || loc == "" {
			v.t.Fatalf("livetest: GET %s: %d redirect without a usable Location (%q)", u.RequestURI(), p.Status, loc)
		}
		next, err := u.Parse(loc)
		if err != nil || next.Host != u.Host {
			v.t.Fatalf("livetest: GET %s redirects to %q, outside the app", u.RequestURI(), loc)
		}
		u = next
	}
	if p.Status != 200 {
		v.t.Fatalf("livetest: GET %s: status %d, want 200\n%s", u.RequestURI(), p.Status, snippet(p.Body))
	}
	m := p.main()
	if m == nil {
		v.t.Fatalf("livetest: GET %s is not a live view: no [data-phx-main] container\n%s", u.RequestURI(), snippet(p.Body))
	}
	v.id, v.session, v.static = attr(m, "id"), attr(m, "data-phx-session"), attr(m, "data-phx-static")
	v.topic = "lv:" + v.id
	v.csrf = ""
	if ns := p.doc().all(`meta[name="csrf-token"]`); len(ns) > 0 {
		v.csrf = attr(ns[0], "content")
	}
	v.track = nil
	for _, n := range p.doc().all("[phx-track-static]") {
		ref := attr(n, "href")
		if ref == "" {
			ref = attr(n, "src")
		}
		if a, err := u.Parse(ref); err == nil && ref != "" {
			v.track = append(v.track, a.String())
		}
	}
	v.title = p.Title()
	v.url = u
	v.redirect, v.joined, v.ended = nil, false, nil
	v.connect()
	for _, n := range p.doc().all("[data-phx-parent-id], [data-phx-sticky]") {
		v.hub.statics[attr(n, "id")] = attr(n, "data-phx-static")
	}
	return v.join(u, false, "", "")
}

// connect opens the socket as LiveSocket does: the session cookie, and the
// page's masked CSRF token and the app's params in the URL.
func (v *View) connect() {
	v.t.Helper()
	env := v.env
	if v.conn != nil {
		v.closeConn()
	}
	q := url.Values{
		"_csrf_token":     {v.csrf},
		"_lv_vsn":         {env.cfg.client},
		"_mounts":         {"0"},
		"_mount_attempts": {"0"},
		"_live_referer":   {"undefined"},
		"vsn":             {"2.0.0"},
	}
	for k, val := range env.cfg.connect {
		if str, ok := val.(string); ok {
			q.Set(k, str)
		}
	}
	req := httptest.NewRequest("GET", Base+"/live/websocket?"+q.Encode(), nil)
	for _, c := range env.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	sess, res := env.Sessions.CheckCSRF(req, v.csrf)
	v.csrfResult = res
	info := transport.ConnInfo{
		Params: q, Session: sess, CSRF: res, RemoteAddr: "192.0.2.1:40000", UserAgent: "livetest",
		RequestID: "livetest-" + v.id, Referer: v.url.String(),
	}
	conn, err := env.Server.ConnectDirect(info)
	if err != nil {
		v.t.Fatalf("livetest: connecting the socket: %v", err)
	}
	v.conn = conn
	v.hub = &hub{stash: map[string][][]byte{}, statics: map[string]string{}}
}

func (v *View) nextRef() string {
	v.hub.refs++
	return strconv.Itoa(v.hub.refs)
}

func (v *View) send(joinRef, ref, event string, payload any) {
	v.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		v.t.Fatalf("livetest: encoding %s payload: %v", event, err)
	}
	var jr *string
	if joinRef != "" {
		jr = transport.Str(joinRef)
	}
	m := transport.Message{JoinRef: jr, Ref: transport.Str(ref), Topic: v.topic, Event: event, Payload: b}
	if v.env.cfg.trace {
		v.t.Logf("livetest → %s", transport.EncodeText(m))
	}
	v.conn.Send(m)
}

// join joins the view's topic: with "url" for a page load, or with
// "redirect" (live navigation, flash from the live_redirect).
func (v *View) join(u *url.URL, live bool, referer, flash string) error {
	v.t.Helper()
	params := map[string]any{}
	for k, val := range v.env.cfg.connect {
		params[k] = val
	}
	for k, val := range map[string]any{
		"_csrf_token": v.csrf, "_lv_vsn": v.env.cfg.client, "_mounts": 0, "_mount_attempts": 0,
	} {
		params[k] = val
	}
	if len(v.track) > 0 {
		params["_track_static"] = v.track
	}
	payload := map[string]any{"params": params, "session": v.session, "sticky": false}
	if v.static != "" {
		payload["static"] = v.static
	} else {
		payload["static"] = nil
	}
	if live {
		payload["redirect"] = u.String()
		params["_live_referer"] = referer
	} else {
		payload["url"] = u.String()
	}
	switch {
	case flash != "":
		payload["flash"] = flash
	case v.env.cfg.line == line10:
		payload["flash"] = nil // 1.0 sends null, 1.2 omits it
	}
	ref := v.nextRef()
	v.joinRef, v.ended = ref, nil // a new channel: the old one's end is history
	v.send(ref, ref, "phx_join", payload)
	rep, err := v.await("join "+u.RequestURI(), ref)
	if err != nil {
		return fmt.Errorf("livetest: join of %s: %w", u.RequestURI(), err)
	}
	if rep.status != "ok" {
		var r struct {
			Reason       string `json:"reason"`
			Redirect     *navTo `json:"redirect"`
			LiveRedirect *navTo `json:"live_redirect"`
		}
		_ = json.Unmarshal(rep.response, &r)
		v.joined = false
		switch {
		case r.Redirect != nil:
			v.redirect = &redirect{to: r.Redirect.To, flash: r.Redirect.Flash}
			return nil
		case r.LiveRedirect != nil:
			v.redirect = &redirect{to: r.LiveRedirect.To, flash: r.LiveRedirect.Flash, live: true}
			return nil
		}
		je := &JoinError{URL: u.RequestURI(), Reason: r.Reason, Response: rep.response}
		if r.Reason == "stale" && v.csrfResult != transport.CSRFOK {
			je.Hint = "socket CSRF check: " + v.csrfResult.String()
		}
		if r.Reason == "unauthorized" || r.Reason == "stale" {
			// The client loads the page instead (keeping its flash).
			v.redirect = &redirect{to: u.RequestURI(), flash: flash}
		}
		return je
	}
	var resp struct {
		Rendered  json.RawMessage `json:"rendered"`
		LivePatch *navTo          `json:"live_patch"`
	}
	if err := json.Unmarshal(rep.response, &resp); err != nil || resp.Rendered == nil {
		v.t.Fatalf("livetest: join of %s: reply without \"rendered\": %s", u.RequestURI(), rep.response)
	}
	v.joined, v.ended, v.redirect = true, nil, nil
	v.url = u
	v.r = &rendered{line: v.env.cfg.line}
	v.announced = map[int]bool{}
	v.applyDiff("join", resp.Rendered)
	if resp.LivePatch != nil {
		v.patchedTo(resp.LivePatch.To)
	}
	return nil
}

type navTo struct {
	To    string `json:"to"`
	Kind  string `json:"kind"`
	Flash string `json:"flash"`
}

type reply struct {
	status   string
	response json.RawMessage
}

// await handles the server's frames until the reply to ref arrives. Pushes
// in between (diffs, navigation, close) are applied as the client does.
func (v *View) await(op, ref string) (reply, error) {
	v.t.Helper()
	timer := time.NewTimer(v.env.cfg.timeout)
	defer timer.Stop()
	for {
		for len(v.hub.stash[v.topic]) > 0 {
			b := v.hub.stash[v.topic][0]
			v.hub.stash[v.topic] = v.hub.stash[v.topic][1:]
			if rep, ok := v.frame(b, ref); ok {
				return rep, nil
			}
			if v.ended != nil {
				return reply{}, v.ended
			}
		}
		select {
		case b := <-v.conn.Frames():
			if rep, ok := v.frame(b, ref); ok {
				return rep, nil
			}
			if v.ended != nil {
				return reply{}, v.ended
			}
		case <-v.conn.Done():
			for {
				select {
				case b := <-v.conn.Frames():
					if rep, ok := v.frame(b, ref); ok {
						return rep, nil
					}
					continue
				default:
				}
				break
			}
			if v.ended != nil {
				return reply{}, v.ended
			}
			return reply{}, ErrSocketClosed
		case <-timer.C:
			v.t.Fatalf("livetest: %s: no reply within %v (a browser reloads the page when an event gets no reply)", op, v.env.cfg.timeout)
		}
	}
}

// frame handles one server frame; it reports the reply to ref.
func (v *View) frame(b []byte, ref string) (reply, bool) {
	v.t.Helper()
	if v.env.cfg.trace {
		v.t.Logf("livetest ← %s", b)
	}
	m, err := transport.DecodeText(b)
	if err != nil {
		v.t.Fatalf("livetest: the server sent a malformed frame: %v: %s", err, b)
	}
	if m.Topic != v.topic {
		if strings.HasPrefix(m.Topic, "lvu:") && (m.Event == "phx_close" || m.Event == "phx_error") {
			if v.uploadsClosed == nil {
				v.uploadsClosed = map[string]bool{}
			}
			v.uploadsClosed[m.Topic] = true
		}
		if strings.HasPrefix(m.Topic, "lvu:") {
			return reply{}, false
		}
		// Another view's (a child's, or the parent's): keep it for it.
		v.hub.stash[m.Topic] = append(v.hub.stash[m.Topic], b)
		return reply{}, false
	}
	if m.JoinRef != nil && *m.JoinRef != v.joinRef {
		return reply{}, false // an outdated message: the client drops it
	}
	if m.Event == "phx_reply" {
		if m.Ref == nil || *m.Ref != ref {
			return reply{}, false
		}
		var r struct {
			Status   string          `json:"status"`
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			v.t.Fatalf("livetest: malformed reply: %s", m.Payload)
		}
		return reply{status: r.Status, response: r.Response}, true
	}
	v.push(m.Event, m.Payload)
	return reply{}, false
}

// push handles a server push (PROTOCOL.md §7.4).
func (v *View) push(event string, payload json.RawMessage) {
	v.t.Helper()
	var nav navTo
	switch event {
	case "diff":
		v.applyDiff("diff push", payload)
	case "live_patch":
		_ = json.Unmarshal(payload, &nav)
		v.patchedTo(nav.To)
	case "live_redirect":
		_ = json.Unmarshal(payload, &nav)
		v.redirect = &redirect{to: nav.To, flash: nav.Flash, live: true}
	case "redirect":
		_ = json.Unmarshal(payload, &nav)
		v.redirect = &redirect{to: nav.To, flash: nav.Flash}
	case "phx_close":
		v.joined, v.ended = false, ErrViewClosed
	case "phx_error":
		v.joined, v.ended = false, ErrViewCrashed
	}
}

func (v *View) patchedTo(to string) {
	if u, err := v.url.Parse(to); err == nil {
		v.url = u
	}
	v.patched, v.hasPatch = to, true
}

// applyDiff merges a diff (or the join's rendered) and renders it; it
// returns the hook reply ("r") it carried.
func (v *View) applyDiff(what string, raw json.RawMessage) json.RawMessage {
	v.t.Helper()
	d, err := decodeJSON(raw)
	m, ok := d.(map[string]any)
	if err != nil || !ok {
		v.t.Fatalf("livetest: %s: the diff is not a JSON object: %s", what, shorten(string(raw), 500))
	}
	x, err := extract(m)
	if err != nil {
		v.t.Fatalf("livetest: %s: %v", what, err)
	}
	if err := v.r.merge(m); err != nil {
		v.t.Fatalf("livetest: a %s client cannot merge the %s: %v\ndiff: %s", v.env.cfg.client, what, err, shorten(string(raw), 2000))
	}
	h, err := v.r.render()
	if err != nil {
		v.t.Fatalf("livetest: a %s client cannot render after the %s: %v\ndiff: %s", v.env.cfg.client, what, err, shorten(string(raw), 2000))
	}
	v.html, v.tree = h, nil
	if x.title != nil {
		v.title = *x.title
	}
	v.events = append(v.events, x.events...)
	return x.reply
}

// ready fails the test if the view cannot take an operation.
func (v *View) ready(op string) {
	v.t.Helper()
	if v.redirect != nil {
		kind := "redirected"
		if v.redirect.live {
			kind = "live-redirected"
		}
		v.t.Fatalf("livetest: %s: the view was %s to %s; call FollowRedirect first", op, kind, v.redirect.to)
	}
	if !v.joined {
		why := "it never joined"
		if v.ended != nil {
			why = v.ended.Error()
		}
		v.t.Fatalf("livetest: %s: the view %s is not connected: %s", op, v.url.RequestURI(), why)
	}
}

// call pushes an LV event and handles its reply. It returns the hook
// reply, if the diff had one.
func (v *View) call(op, event string, payload any) (json.RawMessage, error) {
	v.t.Helper()
	ref := v.nextRef()
	v.send(v.joinRef, ref, event, payload)
	rep, err := v.await(op, ref)
	if err != nil {
		return nil, err
	}
	if rep.status != "ok" {
		return nil, &ReplyError{Op: op, Response: rep.response}
	}
	var resp struct {
		Diff         json.RawMessage `json:"diff"`
		Redirect     *navTo          `json:"redirect"`
		LiveRedirect *navTo          `json:"live_redirect"`
		LivePatch    *navTo          `json:"live_patch"`
	}
	if err := json.Unmarshal(rep.response, &resp); err != nil {
		v.t.Fatalf("livetest: %s: malformed reply %s", op, rep.response)
	}
	var hook json.RawMessage
	if resp.Diff != nil {
		hook = v.applyDiff(op+" reply", resp.Diff)
	}
	if resp.LivePatch != nil {
		v.patchedTo(resp.LivePatch.To)
	}
	if resp.Redirect != nil {
		v.redirect = &redirect{to: resp.Redirect.To, flash: resp.Redirect.Flash}
	}
	if resp.LiveRedirect != nil {
		v.redirect = &redirect{to: resp.LiveRedirect.To, flash: resp.LiveRedirect.Flash, live: true}
	}
	v.destroyComponents()
	return hook, nil
}

// destroyComponents tells the server about components no longer on the
// page, as the client does after a patch (cids_will_destroy, then
// cids_destroyed for those still gone), and forgets the ones it deleted.
func (v *View) destroyComponents() {
	v.t.Helper()
	if !v.joined || v.redirect != nil {
		return
	}
	for c := range v.announced {
		if v.r.seen[c] {
			delete(v.announced, c) // back on the page: announce it again when it goes
		}
	}
	var cids []int
	for _, c := range v.r.unseenCIDs() {
		if !v.announced[c] {
			v.announced[c] = true
			cids = append(cids, c)
		}
	}
	if len(cids) == 0 {
		return
	}
	ref := v.nextRef()
	v.send(v.joinRef, ref, "cids_will_destroy", map[string]any{"cids": cids})
	if rep, err := v.await("cids_will_destroy", ref); err != nil || rep.status != "ok" {
		return
	}
	var gone []int
	unseen := v.r.unseenCIDs()
	for _, c := range cids {
		if slices.Contains(unseen, c) {
			gone = append(gone, c)
		}
	}
	if len(gone) == 0 {
		return
	}
	ref = v.nextRef()
	v.send(v.joinRef, ref, "cids_destroyed", map[string]any{"cids": gone})
	rep, err := v.await("cids_destroyed", ref)
	if err != nil || rep.status != "ok" {
		return
	}
	var resp struct {
		CIDs []int `json:"cids"`
	}
	_ = json.Unmarshal(rep.response, &resp)
	v.r.prune(resp.CIDs)
	for _, c := range resp.CIDs {
		delete(v.announced, c)
	}
}

// Click clicks the element matching selector (exactly one) as a browser
// does: the closest element with phx-click (itself or an ancestor) pushes
// its event with its phx-value-* attributes and value, to the component
// its phx-target names (a cid, or a selector whose match lies in a
// component), and the reply is applied. Without phx-click, a link with
// data-phx-link patches or navigates (see [View.Patch], [View.Navigate]) and
// a submit button submits its phx-submit form (with its name and value).
//
// The returned error reports what the server did wrong: an error reply
// ([ReplyError]) or the view ending ([ErrViewCrashed], [ErrViewClosed]).
// Redirects are not errors: see [View.Redirected].
func (v *View) Click(selector string) error {
	v.t.Helper()
	op := fmt.Sprintf("Click(%q)", selector)
	v.ready(op)
	d := v.doc()
	el := d.one("Click", selector)
	target := closest(el, func(n *html.Node) bool { return hasAttr(n, "phx-click") })
	if target == nil {
		if a := closest(el, func(n *html.Node) bool { return n.DataAtom == atom.A && hasAttr(n, "data-phx-link") }); a != nil {
			switch attr(a, "data-phx-link") {
			case "patch":
				return v.Patch(attr(a, "href"))
			case "redirect":
				return v.Navigate(attr(a, "href"))
			}
		}
		if submitButton(el) {
			if f := formOf(d.root, el); f != nil && hasAttr(f, "phx-submit") {
				return v.submit(op, d, f, el, nil)
			}
		}
		v.t.Fatalf("livetest: %s: neither the element nor an ancestor has phx-click (nor is it a form's submit button): %s", op, shorten(outerHTML(el), 300))
	}
	binding := attr(target, "phx-click")
	pushes := []jsPush{{event: binding}}
	if strings.HasPrefix(strings.TrimSpace(binding), "[") {
		pushes = v.jsCommands(op, binding)
		if pushes == nil {
			return nil
		}
	}
	for _, p := range pushes {
		if p.navigate != "" || p.patch != "" {
			if p.patch != "" {
				return v.Patch(p.patch)
			}
			return v.Navigate(p.navigate)
		}
		value := eventValue(target)
		for k, x := range p.value {
			value[k] = x
		}
		for _, cid := range v.targets(op, target, p.target) {
			payload := map[string]any{"type": "click", "event": p.event, "value": value}
			if cid > 0 {
				payload["cid"] = cid
			}
			if _, err := v.call(op, "event", payload); err != nil {
				return err
			}
			if v.redirect != nil || !v.joined {
				return nil
			}
		}
	}
	return nil
}

type jsPush struct {
	event, target   string
	value           map[string]any
	navigate, patch string
}

// jsCommands reads a JS command list (phx-click="[[&quot;push&quot;,…]]"):
// push, navigate and patch reach the server; the others only touch the
// DOM.
func (v *View) jsCommands(op, s string) []jsPush {
	v.t.Helper()
	var cmds [][]json.RawMessage
	if err := json.Unmarshal([]byte(s), &cmds); err != nil {
		v.t.Fatalf("livetest: %s: phx-click is neither an event name nor JS commands: %q", op, s)
	}
	var out []jsPush
	for _, c := range cmds {
		if len(c) < 1 {
			continue
		}
		var kind string
		_ = json.Unmarshal(c[0], &kind)
		var args struct {
			Event  string          `json:"event"`
			Value  map[string]any  `json:"value"`
			Target json.RawMessage `json:"target"` // a cid or a selector
			Href   string          `json:"href"`
		}
		if len(c) > 1 {
			if err := json.Unmarshal(c[1], &args); err != nil {
				v.t.Fatalf("livetest: %s: JS command %s: %v", op, c[1], err)
			}
		}
		var target string
		if json.Unmarshal(args.Target, &target) != nil {
			var cid json.Number
			if json.Unmarshal(args.Target, &cid) == nil {
				target = cid.String()
			}
		}
		switch kind {
		case "push":
			out = append(out, jsPush{event: args.Event, value: args.Value, target: target})
		case "navigate":
			out = append(out, jsPush{navigate: args.Href})
		case "patch":
			out = append(out, jsPush{patch: args.Href})
		}
	}
	return out
}

// targets resolves phx-target as the client does: none is the view (0), a
// number is that cid, a selector pushes once per match, to the component
// the match lies in (or the view).
func (v *View) targets(op string, el *html.Node, jsTarget string) []int {
	v.t.Helper()
	t := jsTarget
	if t == "" {
		t = attr(el, "phx-target")
	}
	t = strings.TrimSpace(t)
	if t == "" {
		return []int{0}
	}
	if cid, err := strconv.Atoi(t); err == nil {
		return []int{cid}
	}
	ns := v.doc().all(t)
	if len(ns) == 0 {
		v.t.Fatalf("livetest: %s: phx-target %q matches no element", op, t)
	}
	var out []int
	for _, n := range ns {
		cid := 0
		if c := closest(n, func(n *html.Node) bool { return hasAttr(n, "data-phx-component") }); c != nil {
			cid, _ = strconv.Atoi(attr(c, "data-phx-component"))
		}
		out = append(out, cid)
	}
	return out
}

// Change sends the phx-change event of the form matching formSelector: the
// form's fields as the page has them, with values replacing the fields of
// the same names (each must exist in the form), urlencoded; meta._target
// is values["_target"] if given, else the first field of values in form
// order. The error is as for [View.Click].
func (v *View) Change(formSelector string, values url.Values) error {
	v.t.Helper()
	return v.form("Change", "phx-change", formSelector, values)
}

// Submit sends the phx-submit event of the form matching formSelector, with
// its fields and values as for [View.Change] (no _target). The error is as
// for [View.Click].
func (v *View) Submit(formSelector string, values url.Values) error {
	v.t.Helper()
	return v.form("Submit", "phx-submit", formSelector, values)
}

func (v *View) form(opName, binding, selector string, values url.Values) error {
	v.t.Helper()
	op := fmt.Sprintf("%s(%q)", opName, selector)
	v.ready(op)
	d := v.doc()
	f := d.one(opName, selector)
	if f.DataAtom != atom.Form {
		v.t.Fatalf("livetest: %s: the element is a <%s>, not a <form>", op, f.Data)
	}
	if binding == "phx-submit" {
		return v.submit(op, d, f, nil, values)
	}
	return v.pushForm(op, d, f, binding, nil, values)
}

func (v *View) submit(op string, d *doc, f, submitter *html.Node, values url.Values) error {
	v.t.Helper()
	return v.pushForm(op, d, f, "phx-submit", submitter, values)
}

func (v *View) pushForm(op string, d *doc, f *html.Node, binding string, submitter *html.Node, values url.Values) error {
	v.t.Helper()
	event := attr(f, binding)
	if event == "" {
		v.t.Fatalf("livetest: %s: the form has no %s: %s", op, binding, shorten(outerHTML(f), 300))
	}
	fields := formFields(d.root, f, submitter)
	target, encoded := v.fillForm(op, fields, values)
	meta := map[string]any{}
	if binding == "phx-change" {
		meta["_target"] = target
	}
	for k, x := range eventValue(f) {
		meta[k] = x
	}
	payload := map[string]any{"type": "form", "event": event, "value": encoded, "meta": meta, "uploads": map[string]any{}}
	for _, cid := range v.targets(op, f, "") {
		if cid > 0 {
			payload["cid"] = cid
		} else {
			delete(payload, "cid")
		}
		if _, err := v.call(op, "event", payload); err != nil {
			return err
		}
		if v.redirect != nil || !v.joined {
			break
		}
	}
	return nil
}

// fillForm replaces the form's fields by values and encodes them.
func (v *View) fillForm(op string, fields []field, values url.Values) (target, encoded string) {
	v.t.Helper()
	target = "undefined"
	if t := values.Get("_target"); t != "" {
		target = t
	}
	names := map[string]bool{}
	for _, f := range fields {
		names[f.name] = true
	}
	for k := range values {
		if k != "_target" && !names[k] {
			have := make([]string, 0, len(names))
			for n := range names {
				have = append(have, n)
			}
			slices.Sort(have)
			v.t.Fatalf("livetest: %s: the form has no field named %q (fields: %s)", op, k, strings.Join(have, ", "))
		}
	}
	var b strings.Builder
	done := map[string]bool{}
	add := func(k, x string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(x))
	}
	for _, f := range fields {
		vals, given := values[f.name]
		if !given {
			add(f.name, f.value)
			continue
		}
		if target == "undefined" && values.Get("_target") == "" {
			target = f.name
		}
		if done[f.name] {
			continue
		}
		done[f.name] = true
		for _, x := range vals {
			add(f.name, x)
		}
	}
	return target, b.String()
}

// Patch does what a patch link does (client live_patch): the view handles
// the new URL's params. A URL of another view makes the client navigate
// instead. The error is as for [View.Click].
func (v *View) Patch(path string) error {
	v.t.Helper()
	op := fmt.Sprintf("Patch(%q)", path)
	v.ready(op)
	u, err := v.url.Parse(path)
	if err != nil {
		v.t.Fatalf("livetest: %s: %v", op, err)
	}
	ref := v.nextRef()
	v.send(v.joinRef, ref, "live_patch", map[string]any{"url": u.String()})
	rep, err := v.await(op, ref)
	if err != nil {
		return err
	}
	if rep.status != "ok" {
		return &ReplyError{Op: op, Response: rep.response}
	}
	var resp struct {
		LinkRedirect bool            `json:"link_redirect"`
		Diff         json.RawMessage `json:"diff"`
		LivePatch    *navTo          `json:"live_patch"`
	}
	_ = json.Unmarshal(rep.response, &resp)
	if resp.LinkRedirect {
		return v.navigate(op, u, "")
	}
	v.url = u
	if resp.Diff != nil {
		v.applyDiff(op+" reply", resp.Diff)
	}
	// HandleParams patched further: the client moves to that URL too.
	if resp.LivePatch != nil {
		v.patchedTo(resp.LivePatch.To)
	}
	v.destroyComponents()
	return nil
}

// Navigate does what a navigate link does (client live_redirect): leave the
// view's channel and join the same topic with the new URL, mounting the
// route's view without a page load. A route of another live_session is
// refused with a [JoinError] of Reason "unauthorized"; the client then
// loads the page, which [View.FollowRedirect] does.
func (v *View) Navigate(path string) error {
	v.t.Helper()
	op := fmt.Sprintf("Navigate(%q)", path)
	v.ready(op)
	u, err := v.url.Parse(path)
	if err != nil {
		v.t.Fatalf("livetest: %s: %v", op, err)
	}
	return v.navigate(op, u, "")
}

func (v *View) navigate(op string, u *url.URL, flash string) error {
	v.t.Helper()
	referer := v.url.String()
	if v.joined {
		v.send(v.joinRef, v.nextRef(), "phx_leave", map[string]any{})
	}
	v.joined = false
	if err := v.join(u, true, referer, flash); err != nil {
		return err
	}
	return nil
}

// FollowRedirect does the navigation the client does after a redirect: a
// live_redirect navigates on the same socket (with the flash it carried);
// a redirect, or a refused navigation, loads the page anew (the flash
// travels in the __phoenix_flash__ cookie) and joins its view. The test
// fails if there is none pending. The error is a refused join.
func (v *View) FollowRedirect() error {
	v.t.Helper()
	r := v.redirect
	if r == nil {
		v.t.Fatalf("livetest: FollowRedirect: the view %s has no pending redirect", v.url.RequestURI())
	}
	v.redirect = nil
	u, err := v.url.Parse(r.to)
	if err != nil {
		v.t.Fatalf("livetest: FollowRedirect: bad target %q: %v", r.to, err)
	}
	if r.live {
		return v.navigate("FollowRedirect", u, r.flash)
	}
	if u.Host != v.url.Host {
		v.t.Fatalf("livetest: FollowRedirect: %s is outside the app", r.to)
	}
	v.closeConn()
	if r.flash != "" {
		v.env.setCookie("__phoenix_flash__", r.flash)
	}
	return v.load(u)
}

// Redirected reports the pending navigation the server asked for (redirect
// or live_redirect, or the page load after a refused navigation), to
// follow with [View.FollowRedirect].
func (v *View) Redirected() (to string, ok bool) {
	if v.redirect == nil {
		return "", false
	}
	return v.redirect.to, true
}

// Patched reports the last URL the server patched the view to (push_patch
// in a reply, a live_patch push, or on join).
func (v *View) Patched() (to string, ok bool) { return v.patched, v.hasPatch }

// Send delivers msg to the view's HandleInfo through its mailbox, like
// a PubSub message or a timer. Call [View.Sync] to wait for what it pushes.
func (v *View) Send(msg any) {
	v.t.Helper()
	v.ready("Send")
	if !v.env.Engine.Send(v.id, msg) {
		v.t.Fatalf("livetest: Send: view %s is not connected to the engine", v.id)
	}
}

// Sync waits until the view has handled everything sent to it so far
// (messages and timers due) and applies what it pushed: a no-op push
// travels through the view's ordered mailbox and its reply comes after
// every earlier push.
func (v *View) Sync() error {
	v.t.Helper()
	v.ready("Sync")
	_, err := v.call("Sync", "cids_will_destroy", map[string]any{"cids": []int{}})
	return err
}

// HookPush pushes an event as a hook's pushEvent does (type "hook") and
// returns the reply the hook's promise resolves with (the diff's "r"), nil
// if none. The test fails on an error reply or if the view ends.
func (v *View) HookPush(event string, value any) json.RawMessage {
	v.t.Helper()
	op := fmt.Sprintf("HookPush(%q)", event)
	v.ready(op)
	if value == nil {
		value = map[string]any{}
	}
	r, err := v.call(op, "event", map[string]any{"type": "hook", "event": event, "value": value})
	if err != nil {
		v.t.Fatalf("%v", err)
	}
	return r
}

// Events returns the push_events received so far, in order.
func (v *View) Events() []Event { return slices.Clone(v.events) }

// Title is the document title: the last "t" the view sent, else the page's.
func (v *View) Title() string { return v.title }

// Flash is the text of the flash message of kind ("info", "error") as the
// live.Flash component shows it (the element "#flash-<kind>.flash"), "" if
// none is shown.
func (v *View) Flash(kind string) string {
	v.t.Helper()
	ns := v.doc().all("#flash-" + kind + ".flash")
	if len(ns) == 0 {
		return ""
	}
	return textOf(ns[0])
}

// URL is the view's current path and query (after patches and navigation).
func (v *View) URL() string { return v.url.RequestURI() }

// ID is the view's id (its container's DOM id; the topic is "lv:"+ID).
func (v *View) ID() string { return v.id }

// Connected reports whether the view is joined (not closed, crashed,
// redirected away or refused).
func (v *View) Connected() bool { return v.joined }

// HTML is the view's inner HTML as the client has it: the merged rendered
// tree, with stream rows as the DOM keeps them and data-phx-component on
// component roots.
func (v *View) HTML() string { return v.html }

func (v *View) doc() *doc {
	v.t.Helper()
	if v.tree == nil {
		root := &html.Node{Type: html.DocumentNode}
		c := containerContext()
		c.Attr = []html.Attribute{{Key: "id", Val: v.id}, {Key: "data-phx-main"},
			{Key: "data-phx-session", Val: v.session}, {Key: "data-phx-static", Val: v.static}}
		root.AppendChild(c)
		if err := parseInto(c, v.html); err != nil {
			v.t.Fatalf("livetest: parsing the view's HTML: %v", err)
		}
		v.tree = root
	}
	what := "view"
	if v.url != nil {
		what += " " + v.url.RequestURI()
	}
	return &doc{t: v.t, what: what, root: v.tree, src: v.html}
}

// Has reports whether an element matches selector.
func (v *View) Has(selector string) bool { v.t.Helper(); return len(v.doc().all(selector)) > 0 }

// Count is the number of elements matching selector.
func (v *View) Count(selector string) int { v.t.Helper(); return len(v.doc().all(selector)) }

// Element is the outer HTML of the one element matching selector.
func (v *View) Element(selector string) string {
	v.t.Helper()
	return outerHTML(v.doc().one("Element", selector))
}

// Text is the text (white space collapsed) of the one element matching
// selector.
func (v *View) Text(selector string) string {
	v.t.Helper()
	return textOf(v.doc().one("Text", selector))
}

// Texts are the texts of every element matching selector, in page order.
func (v *View) Texts(selector string) []string { v.t.Helper(); return v.doc().texts(selector) }

// Attrs are the values of attribute name of every element matching
// selector, in page order ("" where absent).
func (v *View) Attrs(selector, name string) []string {
	v.t.Helper()
	return v.doc().attrs(selector, name)
}

// Close closes the view's socket (as closing the tab does) and waits for
// it to end.
func (v *View) Close() {
	v.closeConn()
	v.joined = false
}

func (v *View) closeConn() {
	if v.conn == nil {
		return
	}
	if v.parent != nil {
		// A child view shares its page's socket: it leaves its channel.
		if v.joined {
			v.send(v.joinRef, v.nextRef(), "phx_leave", map[string]any{})
		}
		v.conn = nil
		return
	}
	v.conn.Close()
	<-v.conn.Done()
	v.conn = nil
}
