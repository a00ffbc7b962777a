package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/transport"
)

// viewChannel is the "lv:<id>" channel: one connected view.
type viewChannel struct {
	e    *Engine
	ch   *transport.Channel
	rt   *route
	view View
	s    *Socket
	enc  tree.Encoding
	last *tree.Node
	// lastTitle is the title the client has.
	lastTitle string
	joined    bool
	// parent is the parent view of a nested (non-sticky) child; kids are
	// this view's connected children.
	parent *viewChannel
	kids   family
	nested bool // a child view (nested or sticky): not mounted at the router
	retry  struct {
		attempt int
		params  Params
		view    *errorView
	}
}

type joinPayload struct {
	URL      string          `json:"url"`
	Redirect string          `json:"redirect"`
	Params   json.RawMessage `json:"params"`
	Session  string          `json:"session"`
	Static   *string         `json:"static"`
	Flash    *string         `json:"flash"`
	Sticky   bool            `json:"sticky"`
}

type joinParams struct {
	Mounts        int    `json:"_mounts"`
	MountAttempts int    `json:"_mount_attempts"`
	CSRF          string `json:"_csrf_token"`
}

func stale() transport.Reply { return transport.ErrorReason("stale") }

// Join verifies the tokens, routes the URL, mounts the view on this
// channel's goroutine and replies with the full render.
func (c *viewChannel) Join(ch *transport.Channel, raw json.RawMessage) transport.Reply {
	c.ch = ch
	e := c.e
	e.stats.Joins.Add(1)
	info := ch.Socket.Info
	log := e.log.With("topic", ch.Topic, "socket", ch.Socket.ID, "transport", ch.Socket.Transport, "request_id", info.RequestID)
	var jp joinParams
	fail := func(r transport.Reply, why string, args ...any) transport.Reply {
		e.stats.JoinErrors.Add(1)
		// Once per cause and origin a minute; repeats are counted.
		e.limiter.Log(log, "join:"+why+":"+info.Origin.Origin, slog.LevelWarn, "live view join refused: "+why,
			append(args, "origin", info.Origin.Origin, "mounts", jp.Mounts, "mount_attempts", jp.MountAttempts)...)
		cause := transport.CauseJoinStale
		if m, ok := r.Response.(map[string]string); ok && m["reason"] == "unauthorized" {
			cause = transport.CauseJoinUnauthorized
		}
		ch.Socket.RecordFailure(cause, why, "")
		return r
	}
	var p joinPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return fail(stale(), "malformed join payload", "error", err)
	}
	_ = json.Unmarshal(p.Params, &jp)
	// The client's connect params (LiveSocket's params option and its own
	// underscored keys), for Socket.ConnectParams; not an object: none.
	var connectParams map[string]any
	_ = json.Unmarshal(p.Params, &connectParams)
	if info.CSRF != transport.CSRFOK {
		return fail(stale(), "socket CSRF check failed", "cause", info.CSRF.String())
	}
	var claims sessionClaims
	if err := e.tokens.verify(p.Session, e.cfg.TokenMaxAge, &claims); err != nil {
		var nc nestedClaims
		if e.nested.verify(p.Session, e.cfg.TokenMaxAge, &nc) == nil {
			return c.joinChild(nc, jp, log, fail)
		}
		return fail(stale(), "session token", "error", err)
	}
	if "lv:"+claims.ID != ch.Topic {
		return fail(stale(), "topic does not match the session token's view id")
	}
	rawURL := p.URL
	if p.Redirect != "" {
		rawURL = p.Redirect
	}
	u, err := url.Parse(rawURL)
	if err != nil || rawURL == "" {
		return fail(stale(), "join without a valid url")
	}
	rt, pathP := e.match(u)
	switch {
	case rt == nil:
		return fail(transport.ErrorReason("unauthorized"), "url is not a live route", "url", rawURL)
	case rt.ls.name != claims.LiveSession:
		return fail(transport.ErrorReason("unauthorized"), "url belongs to another live_session", "url", rawURL,
			"from", claims.LiveSession, "to", rt.ls.name)
	case p.Redirect == "" && rt.name != claims.View:
		return fail(transport.ErrorReason("unauthorized"), "url now routes to another view", "url", rawURL)
	}
	var flash map[string]string
	switch {
	case p.Flash != nil && *p.Flash != "":
		var fc flashClaims
		if e.flash.verify(*p.Flash, flashMaxAge, &fc) == nil {
			flash = fc.Flash
		}
	case p.Redirect == "" && jp.Mounts == 0 && p.Static != nil && *p.Static != "":
		var sc staticClaims
		if err := e.static.verify(*p.Static, e.cfg.TokenMaxAge, &sc); err != nil || sc.ID != claims.ID {
			return fail(stale(), "static token invalid or for another view")
		}
		flash = sc.Flash
	}

	vsn := info.Params.Get("_lv_vsn")
	if vsn == "" {
		vsn = e.cfg.ClientVersion
	}
	c.enc = tree.EncodingFor(vsn)
	c.rt = rt
	c.s = &Socket{
		e: e, id: claims.ID, connected: true, ctx: ch.Context(), ch: ch, url: u, liveSession: rt.ls.name, vc: c,
		session: claims.Session, requestID: info.RequestID, flash: flash, mounts: jp.Mounts,
		connectParams: connectParams,
		comps:         &components{byID: map[string]*compState{}, byCID: map[int]*compState{}},
	}
	c.view = rt.factory()
	return c.finishJoin(allParams(pathP, u), log)
}

// finishJoin mounts the view (c.s, c.view and c.rt set) and replies with
// its full render.
func (c *viewChannel) finishJoin(params Params, log *slog.Logger) transport.Reply {
	e, rt, info := c.e, c.rt, c.ch.Socket.Info
	if r, done := c.mount(params, log); done {
		return r
	}
	n, err := c.render()
	if err != nil {
		e.stats.MountErrors.Add(1)
		log.Error("live view render failed during join", "view", rt.name, "error", err)
		c.view = &errorView{err: err, requestID: info.RequestID, view: rt.name}
		n, _ = c.render()
	}
	c.last = n
	rendered := c.enc.FullRoot(n)
	if c.s.title != "" {
		rendered = tree.AppendMember(rendered, "t", tree.AppendString(nil, c.s.title))
		c.lastTitle = c.s.title
	}
	c.s.titleDirty = false
	if cm := c.s.comps.encode(c.enc, true); cm != nil {
		rendered = tree.AppendMember(rendered, "c", cm)
	}
	rendered = c.appendEvents(rendered)
	resp := map[string]any{"rendered": json.RawMessage(rendered), "liveview_version": e.cfg.ClientVersion}
	if nav := c.takeNav(); nav != nil && nav.kind == navPatch {
		resp["live_patch"] = map[string]any{"to": nav.to, "kind": kindOf(nav.replace)}
	}
	if c.parent != nil && !c.parent.kids.add(c) {
		// The parent ended while this child mounted.
		c.s.end()
		return stale()
	}
	c.joined = true
	e.views.Store(c.s.id, c)
	e.stats.Views.Add(1)
	e.viewCounts.add(rt.name, 1)
	e.stats.DiffBytesOut.Add(int64(len(rendered)))
	log.Debug("live view joined", "view", rt.name, "encoding", c.enc.String())
	return transport.OK(resp)
}

// mount runs OnMount, Mount and HandleParams. A navigation requested there
// ends the join with a redirect reply (done true). An error renders the
// error view instead: the person sees what went wrong, the join succeeds,
// and the client does not loop.
func (c *viewChannel) mount(params Params, log *slog.Logger) (transport.Reply, bool) {
	err := c.call(func() error {
		if c.rt.ls.OnMount != nil {
			if err := c.rt.ls.OnMount(c.s, params); err != nil {
				return err
			}
		}
		if err := c.view.Mount(c.s, params); err != nil {
			return err
		}
		if ph, ok := c.view.(ParamsHandler); ok && c.s.nav == nil && !c.nested {
			return ph.HandleParams(c.s, c.s.url, params)
		}
		return nil
	})
	if nav := c.s.nav; nav != nil && nav.kind != navPatch {
		c.s.nav = nil
		c.s.end()
		resp := map[string]any{}
		tok := c.flashToken()
		switch nav.kind {
		case navRedirect:
			r := map[string]any{"to": nav.to}
			if tok != "" {
				r["flash"] = tok
			}
			resp["redirect"] = r
		case navNavigate:
			r := map[string]any{"to": nav.to, "kind": kindOf(nav.replace)}
			if tok != "" {
				r["flash"] = tok
			}
			resp["live_redirect"] = r
		}
		return transport.Error(resp), true
	}
	var se *StatusError
	if errors.As(err, &se) && se.Status >= 400 && se.Status < 500 {
		// Like Phoenix's plug_status exceptions: the client reloads and the
		// dead render answers with this status (e.g. 404).
		c.s.end()
		log.Info("live view mount answered with a status; client reloads", "view", c.rt.name, "status", se.Status)
		tok, _ := c.e.static.sign(map[string]int{"status": se.Status})
		return transport.Error(map[string]any{"reason": "reload", "status": se.Status, "token": tok}), true
	}
	if err != nil && IsCrash(err) {
		// As a raise in a Phoenix mount: the join crashes, the client shows
		// its error state and reloads the page (a child's join is retried).
		c.endFailedMount(err)
		return transport.ErrorReason("join crashed"), true
	}
	if err != nil {
		c.mountFailed(err, params)
	}
	return transport.Reply{}, false
}

// mountFailed swaps in the error view, records the failure, and for a
// transient error (database down, timeout) schedules a retry with backoff
// and a visible countdown.
func (c *viewChannel) mountFailed(err error, params Params) {
	c.endFailedMount(err)
	ev := &errorView{err: err, requestID: c.s.requestID, view: c.rt.name}
	if IsTransient(err) {
		c.retry.attempt++
		c.retry.params = params
		ev.retryIn = retryDelay(c.retry.attempt)
		c.retry.view = ev
		c.ch.SendAfter(time.Second, retryTick{})
	}
	c.view = ev
}

// endFailedMount ends the view whose mount failed and records the failure.
func (c *viewChannel) endFailedMount(err error) {
	c.e.stats.MountErrors.Add(1)
	cause := transport.CauseMountError
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		cause = transport.CauseMountPanic
	case IsUnavailable(err):
		cause = transport.CauseDatabase
	}
	// The failed view ends here: its subscriptions are cancelled and its
	// Terminate runs, so a retry starts clean.
	if _, isErr := c.view.(*errorView); !isErr {
		if t, ok := c.view.(Terminator); ok {
			_ = c.callDuringJoin(func() error { t.Terminate(c.s, err); return nil })
		}
	}
	c.s.end()
	c.e.limiter.Log(c.e.log, "mount:"+c.rt.name+":"+cause+":"+err.Error(), slog.LevelError, "live view mount failed",
		"view", c.rt.name, "id", c.s.id, "cause", cause, "transport", c.ch.Socket.Transport,
		"origin", c.ch.Socket.Info.Origin.Origin, "request_id", c.s.requestID, "error", err)
	c.ch.Socket.RecordFailure(cause, err.Error(), c.rt.name)
}

type retryTick struct{}

func retryDelay(attempt int) int {
	delays := []int{2, 5, 10, 30}
	if attempt-1 < len(delays) {
		return delays[attempt-1]
	}
	return 60
}

// tickRetry counts the error view down and, at zero, mounts the view again.
func (c *viewChannel) tickRetry() {
	ev := c.retry.view
	if ev == nil || c.view != ev {
		return
	}
	ev.retryIn--
	if ev.retryIn > 0 {
		c.ch.SendAfter(time.Second, retryTick{})
		c.pushRender()
		return
	}
	c.retry.view = nil
	c.view = c.rt.factory()
	c.s.nav = nil
	err := c.callDuringJoin(func() error {
		if err := c.view.Mount(c.s, c.retry.params); err != nil {
			return err
		}
		if ph, ok := c.view.(ParamsHandler); ok && !c.nested {
			return ph.HandleParams(c.s, c.s.url, c.retry.params)
		}
		return nil
	})
	if err != nil {
		c.mountFailed(err, c.retry.params)
	} else {
		c.retry.attempt = 0
		c.e.log.Info("live view mounted after retry", "view", c.rt.name, "id", c.s.id)
	}
	c.pushRender()
}

// pushRender re-renders and pushes the diff (for server-side changes).
func (c *viewChannel) pushRender() { c.push(c.afterCallback(nil)) }

// push sends what a callback's re-render produced (navigation, diff).
func (c *viewChannel) push(resp map[string]any) {
	for _, k := range []string{"live_patch", "live_redirect", "redirect"} {
		if v, ok := resp[k]; ok {
			c.ch.Push(k, v)
		}
	}
	if d, ok := resp["diff"]; ok {
		c.ch.Push("diff", d)
	}
}

// callDuringJoin is call with panics turned into errors even after the
// join (a retried mount is still a mount).
func (c *viewChannel) callDuringJoin(f func() error) error {
	joined := c.joined
	c.joined = false
	defer func() { c.joined = joined }()
	return c.call(f)
}

// call runs a view callback. During the join a panic becomes an error (the
// person sees the error view; the client does not loop). Once joined, a
// panic is logged with the view and its stack and then ends this view's
// channel only (the transport sends phx_error; the client rejoins and the
// view mounts afresh), never the socket or the server.
func (c *viewChannel) call(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			c.e.stats.Crashes.Add(1)
			c.e.log.Error("live view panicked", "view", c.rt.name, "id", c.s.id, "panic", fmt.Sprint(v),
				"stack", string(debug.Stack()))
			if c.joined {
				// Logged here with the view's name: the transport
				// crashes the channel without a second line.
				panic(transport.LoggedPanic{Value: v})
			}
			err = &PanicError{Value: v}
		}
	}()
	return f()
}

// PanicError reports a recovered panic in a view callback.
type PanicError struct{ Value any }

func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

func (c *viewChannel) render() (*tree.Node, error) {
	ctx := context.WithValue(c.s.ctx, socketKey{}, c.s)
	c.s.comps.pass++
	var n *tree.Node
	err := c.call(func() (err error) {
		n, err = tree.Render(ctx, c.view.Render())
		return err
	})
	return n, err
}

func kindOf(replace bool) string {
	if replace {
		return "replace"
	}
	return "push"
}

const flashMaxAge = 60 * 1e9 // 60 s, as Phoenix

func (c *viewChannel) flashToken() string {
	if len(c.s.flash) == 0 {
		return ""
	}
	tok, err := c.e.flash.sign(flashClaims{Flash: c.s.flash})
	if err != nil {
		return ""
	}
	return tok
}

func (c *viewChannel) takeNav() *navigation {
	n := c.s.nav
	c.s.nav = nil
	return n
}

type liveEvent struct {
	Type  string          `json:"type"`
	Event string          `json:"event"`
	Value json.RawMessage `json:"value"`
	CID   *int            `json:"cid"`
	Meta  map[string]any  `json:"meta"`
	URL   string          `json:"url"`
	CIDs  []int           `json:"cids"`
	// Uploads are the files a form event announces, by upload ref.
	Uploads map[string][]clientEntry `json:"uploads"`
}

// HandleIn handles the view's events; every one gets a reply.
func (c *viewChannel) HandleIn(ch *transport.Channel, msg transport.Message) *transport.Reply {
	if msg.Binary {
		r := transport.ErrorReason("binary frames are not accepted on a live view topic")
		return &r
	}
	var resp map[string]any
	switch msg.Event {
	case "allow_upload", "progress":
		var ev uploadEvent
		if err := json.Unmarshal(msg.Payload, &ev); err != nil {
			c.e.limiter.Log(c.e.log, "upload:malformed:"+c.s.id, slog.LevelWarn, "upload: malformed "+msg.Event+" payload",
				"view", c.rt.name, "error", err)
			r := transport.ErrorReason("malformed payload")
			return &r
		}
		if msg.Event == "allow_upload" {
			resp = c.allowUpload(ev)
		} else {
			resp = c.uploadProgress(ev)
		}
		r := transport.OK(resp)
		return &r
	}
	var ev liveEvent
	if err := json.Unmarshal(msg.Payload, &ev); err != nil {
		r := transport.ErrorReason("malformed payload")
		return &r
	}
	switch msg.Event {
	case "event":
		c.e.stats.Events.Add(1)
		resp = c.handleEvent(ev)
	case "live_patch":
		resp = c.handleLivePatch(ev.URL)
	case "cids_will_destroy":
		c.s.comps.willDestroy(ev.CIDs)
		resp = map[string]any{}
	case "cids_destroyed":
		resp = map[string]any{"cids": c.s.comps.destroy(ev.CIDs)}
	default:
		// Unknown events are answered, never left to time out (which
		// would make the client reload the page).
		c.e.log.Warn("live view: unknown event", "event", msg.Event, "view", c.rt.name)
		r := transport.ErrorReason("unknown event " + msg.Event)
		return &r
	}
	r := transport.OK(resp)
	return &r
}

func (c *viewChannel) handleEvent(ev liveEvent) map[string]any {
	if ev.Event == "lv:clear-flash" {
		var v struct {
			Key string `json:"key"`
		}
		_ = json.Unmarshal(ev.Value, &v)
		c.s.ClearFlash(v.Key)
		return c.afterCallback(nil)
	}
	if len(ev.Uploads) > 0 {
		c.applyFormUploads(ev.Uploads)
	}
	e := Event{Type: ev.Type, Name: ev.Event, Raw: ev.Value}
	if ev.CID != nil {
		e.CID = *ev.CID
	}
	switch ev.Type {
	case "form":
		var s string
		if err := json.Unmarshal(ev.Value, &s); err == nil {
			e.Value, _ = DecodeForm(s)
		}
		if e.Value == nil {
			e.Value = Params{}
		}
		for k, v := range ev.Meta {
			if m, ok := v.(map[string]any); ok {
				e.Value[k] = fromJSON(m)
			} else if s, ok := v.(string); ok {
				e.Value[k] = s
			} else {
				e.Value[k] = v
			}
		}
		if t := e.Value.Get("_target"); t != "" && t != "undefined" {
			e.Target = KeyPath(t)
		}
	default:
		var m map[string]any
		if json.Unmarshal(ev.Value, &m) == nil {
			e.Value = fromJSON(m)
		} else {
			e.Value = Params{}
		}
	}
	if e.CID != 0 {
		cs := c.s.comps.byCID[e.CID]
		h, ok := cs.handler()
		if !ok {
			c.e.log.Warn("event for an unknown component or one without HandleEvent", "view", c.rt.name, "cid", e.CID, "event", e.Name)
			return map[string]any{}
		}
		err := c.call(func() error { return h.HandleEvent(c.s, e) })
		return c.afterComponent(cs, err)
	}
	h, ok := c.view.(EventHandler)
	if !ok {
		c.e.log.Warn("live view has no HandleEvent", "view", c.rt.name, "event", e.Name)
		return map[string]any{}
	}
	err := c.call(func() error { return h.HandleEvent(c.s, e) })
	return c.afterCallback(err)
}

func (c *viewChannel) handleLivePatch(raw string) map[string]any {
	u, err := url.Parse(raw)
	if err != nil {
		return map[string]any{"link_redirect": true}
	}
	rt, pathP := c.e.match(u)
	if rt != c.rt {
		return map[string]any{"link_redirect": true}
	}
	c.s.url = u
	// Phoenix clears flash on live patch.
	err = c.runParams(pathP, u)
	return c.afterCallback(err)
}

func (c *viewChannel) runParams(pathP Params, u *url.URL) error {
	ph, ok := c.view.(ParamsHandler)
	if !ok {
		return nil
	}
	return c.call(func() error { return ph.HandleParams(c.s, u, allParams(pathP, u)) })
}

// HandleInfo delivers timers, PubSub messages, Send and SendUpdate to the
// view.
func (c *viewChannel) HandleInfo(ch *transport.Channel, msg any) {
	switch m := msg.(type) {
	case closeMsg:
		ch.Close()
		return
	case retryTick:
		c.tickRetry()
		return
	case componentUpdate:
		c.handleUpdate(m)
		return
	}
	if m, ok := msg.(asyncMessage); ok {
		c.handleAsync(m)
		return
	}
	h, ok := c.view.(InfoHandler)
	if !ok {
		return
	}
	err := c.call(func() error { return h.HandleInfo(c.s, msg) })
	switch {
	case err != nil && IsTransient(err):
		// A dependency went down under a connected view (a timer polling
		// the database): show the error state with its countdown and
		// mount the view afresh when it ends, as for a failed mount.
		c.s.end()
		_, pathP := c.e.match(c.s.url)
		c.mountFailed(err, allParams(pathP, c.s.url))
	case err != nil:
		c.e.log.Error("HandleInfo failed", "view", c.rt.name, "error", err)
	}
	c.pushRender()
}

// maxPatchHops bounds the push_patch calls that HandleParams may chain
// in answer to one callback (Phoenix allows 20).
const maxPatchHops = 20

// afterCallback applies navigation, re-renders and diffs. The result is the
// event reply's response (or what HandleInfo pushes).
func (c *viewChannel) afterCallback(cbErr error) map[string]any {
	resp := map[string]any{}
	if cbErr != nil {
		c.e.log.Error("live view callback failed", "view", c.rt.name, "id", c.s.id, "error", cbErr)
		c.s.PutFlash("error", "Something went wrong: "+cbErr.Error()+" (request "+c.s.requestID+")")
	}
	if nav := c.takeNav(); nav != nil {
		switch nav.kind {
		case navPatch:
			// HandleParams runs for the new URL, and again while it
			// patches once more (as Phoenix does), up to maxPatchHops:
			// past that it is a loop, which crashes the view like a
			// panic (phx_error; the client rejoins on the URL it is on).
			for hops := 0; ; hops++ {
				u, err := c.s.url.Parse(nav.to)
				if err != nil {
					break
				}
				rt, pathP := c.e.match(u)
				if rt != c.rt {
					c.e.log.Error("push_patch to a URL of another view; use PushNavigate", "view", c.rt.name, "to", nav.to)
					break
				}
				c.s.url = u
				if err := c.runParams(pathP, u); err != nil {
					c.e.log.Error("HandleParams failed after push_patch", "view", c.rt.name, "error", err)
				}
				resp["live_patch"] = map[string]any{"to": nav.to, "kind": kindOf(nav.replace)}
				next := c.takeNav()
				if next == nil {
					break
				}
				if next.kind != navPatch {
					c.s.nav = next
					return c.afterCallback(nil)
				}
				if hops == maxPatchHops {
					c.e.stats.Crashes.Add(1)
					c.e.log.Error("live view crashed: too many patch redirects (a HandleParams that patches to itself for ever?)",
						"view", c.rt.name, "id", c.s.id, "to", next.to, "hops", hops)
					panic(fmt.Sprintf("live: too many patch redirects for view %s (last to %s)", c.rt.name, next.to))
				}
				nav = next
			}
		case navNavigate:
			r := map[string]any{"to": nav.to, "kind": kindOf(nav.replace)}
			if tok := c.flashToken(); tok != "" {
				r["flash"] = tok
			}
			resp["live_redirect"] = r
			return resp
		case navRedirect:
			r := map[string]any{"to": nav.to}
			if tok := c.flashToken(); tok != "" {
				r["flash"] = tok
			}
			resp["redirect"] = r
			// The view ends after a full redirect, as in Phoenix.
			ch := c.ch
			ch.SendAfter(0, closeMsg{})
			return resp
		}
	}
	n, err := c.render()
	if err != nil {
		c.e.log.Error("live view render failed", "view", c.rt.name, "error", err)
		c.view = &errorView{err: err, requestID: c.s.requestID, view: c.rt.name}
		n, _ = c.render()
	}
	rootChanged := c.last == nil || c.last.FP != n.FP
	diff := c.enc.DiffRoot(c.last, n)
	c.last = n
	if c.s.titleDirty && c.s.title != c.lastTitle {
		diff = tree.AppendMember(diff, "t", tree.AppendString(nil, c.s.title))
		c.lastTitle = c.s.title
	}
	c.s.titleDirty = false
	if cm := c.s.comps.encode(c.enc, rootChanged); cm != nil {
		diff = tree.AppendMember(diff, "c", cm)
	}
	diff = c.appendEvents(diff)
	if diff != nil {
		resp["diff"] = json.RawMessage(diff)
		c.e.stats.DiffBytesOut.Add(int64(len(diff)))
	}
	return resp
}

type closeMsg struct{}

func (cs *compState) handler() (ComponentEventHandler, bool) {
	if cs == nil {
		return nil, false
	}
	h, ok := cs.comp.(ComponentEventHandler)
	return h, ok
}

// afterComponent re-renders only the component an event targeted; a
// navigation it asked for is handled as for the view.
func (c *viewChannel) afterComponent(cs *compState, cbErr error) map[string]any {
	if cbErr != nil || c.s.nav != nil {
		return c.afterCallback(cbErr)
	}
	ctx := context.WithValue(c.s.ctx, socketKey{}, c.s)
	c.s.comps.pass++
	if err := c.call(func() error { return c.s.comps.render(ctx, cs) }); err != nil {
		return c.afterCallback(err)
	}
	resp := map[string]any{}
	var diff []byte
	if cm := c.s.comps.encode(c.enc, false); cm != nil {
		diff = tree.AppendMember(nil, "c", cm)
	}
	diff = c.appendEvents(diff)
	if diff != nil {
		resp["diff"] = json.RawMessage(diff)
	}
	return resp
}

func (c *viewChannel) appendEvents(obj []byte) []byte {
	if c.s.hasReply {
		// A hook reply rides at the top level as "r".
		if b, err := json.Marshal(c.s.reply); err == nil {
			obj = tree.AppendMember(obj, "r", b)
		} else {
			c.e.log.Error("hook reply not encodable", "error", err)
		}
		c.s.reply, c.s.hasReply = nil, false
	}
	if len(c.s.events) == 0 {
		return obj
	}
	b, err := json.Marshal(c.s.events)
	c.s.events = nil
	if err != nil {
		c.e.log.Error("push_event payload not encodable", "error", err)
		return obj
	}
	return tree.AppendMember(obj, "e", b)
}

// Terminate ends the view: subscriptions are cancelled (timers and the
// context end with the channel).
func (c *viewChannel) Terminate(ch *transport.Channel, reason error) {
	if c.s == nil {
		return
	}
	if t, ok := c.view.(Terminator); ok {
		_ = c.call(func() error { t.Terminate(c.s, reason); return nil })
	}
	c.s.end()
	// Children end with their parent (the client is sent phx_close for
	// each, as Phoenix does when a parent exits).
	for _, kid := range c.kids.end() {
		kid.ch.Close()
	}
	if c.parent != nil {
		c.parent.kids.remove(c)
	}
	if c.joined {
		c.e.stats.Views.Add(-1)
		c.e.viewCounts.add(c.rt.name, -1)
		c.e.views.CompareAndDelete(c.s.id, c)
	}
	if !errors.Is(reason, transport.ErrLeft) && !errors.Is(reason, transport.ErrSocketClosed) && !strings.Contains(fmt.Sprint(reason), "closed") {
		c.e.log.Debug("live view ended", "view", c.rt.name, "reason", reason)
	}
}
