package livetest

import (
	"encoding/json"
	"fmt"
)

// Child joins the child live view rendered in v with DOM id id (a nested
// child, [live.Render], or a sticky one) on v's socket, as the client does
// after the parent's join: with the session token of the parent's
// connected render and the static token of the dead render. The returned
// View drives the child (Click, Text, Send, …); its HTML is the child's
// own. The test fails if v has no such child container; a refused join is
// returned as a [JoinError] (with the View, not connected).
func (v *View) Child(id string) (*View, error) {
	v.t.Helper()
	op := fmt.Sprintf("Child(%q)", id)
	v.ready(op)
	el := v.doc().one(op, "#"+id)
	sticky := hasAttr(el, "data-phx-sticky")
	if !sticky && attr(el, "data-phx-parent-id") != v.id {
		v.t.Fatalf("livetest: %s: #%s is not a child view of %s (data-phx-parent-id %q)", op, id, v.id, attr(el, "data-phx-parent-id"))
	}
	c := &View{
		env: v.env, t: v.t, conn: v.conn, hub: v.hub, parent: v,
		id: id, topic: "lv:" + id, session: attr(el, "data-phx-session"), static: v.hub.statics[id],
		csrf: v.csrf, track: v.track, url: v.url, csrfResult: v.csrfResult, sticky: sticky,
	}
	return c, c.joinChild(sticky)
}

// JoinChild joins topic "lv:"+id on v's socket as a nested child of v
// with the given session token instead of one v rendered: for tests of
// what the server does with tokens that are forged, taken from another
// page or socket, or name a child view it does not know. A refused join
// returns a *JoinError with the server's reason.
func (v *View) JoinChild(id, session string) (*View, error) {
	v.t.Helper()
	v.ready(fmt.Sprintf("JoinChild(%q)", id))
	c := &View{
		env: v.env, t: v.t, conn: v.conn, hub: v.hub, parent: v,
		id: id, topic: "lv:" + id, session: session,
		csrf: v.csrf, track: v.track, url: v.url, csrfResult: v.csrfResult,
	}
	return c, c.joinChild(false)
}

// joinChild joins a child's topic as the client does: no url (children
// are not mounted at the router), the sticky flag, the tokens.
func (v *View) joinChild(sticky bool) error {
	v.t.Helper()
	params := map[string]any{
		"_csrf_token": v.csrf, "_lv_vsn": v.env.cfg.client, "_mounts": 0, "_mount_attempts": 0,
	}
	payload := map[string]any{"params": params, "session": v.session, "sticky": sticky}
	if v.static != "" {
		payload["static"] = v.static
	} else {
		payload["static"] = nil
	}
	ref := v.nextRef()
	v.joinRef, v.ended = ref, nil
	v.send(ref, ref, "phx_join", payload)
	op := "join of child " + v.id
	rep, err := v.await(op, ref)
	if err != nil {
		return fmt.Errorf("livetest: %s: %w", op, err)
	}
	if rep.status != "ok" {
		var r struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(rep.response, &r)
		v.joined = false
		return &JoinError{URL: "#" + v.id, Reason: r.Reason, Response: rep.response}
	}
	var resp struct {
		Rendered json.RawMessage `json:"rendered"`
	}
	if err := json.Unmarshal(rep.response, &resp); err != nil || resp.Rendered == nil {
		v.t.Fatalf("livetest: %s: reply without \"rendered\": %s", op, rep.response)
	}
	v.joined, v.ended, v.redirect = true, nil, nil
	v.r = &rendered{line: v.env.cfg.line}
	v.announced = map[int]bool{}
	v.applyDiff("join", resp.Rendered)
	return nil
}

// Rejoin joins a child view again after it crashed or was closed, as the
// client does (with the same tokens).
func (v *View) Rejoin() error {
	v.t.Helper()
	if v.parent == nil {
		v.t.Fatalf("livetest: Rejoin: %s is not a child view", v.id)
	}
	return v.joinChild(v.sticky)
}

// AwaitEnd waits until the server ends the view (phx_close, or phx_error
// for a crash) and returns that ending ([ErrViewClosed], [ErrViewCrashed]);
// the test fails if it does not end within the timeout. A child view
// ends this way when its parent ends.
func (v *View) AwaitEnd() error {
	v.t.Helper()
	if v.ended != nil {
		return v.ended
	}
	// No reply has ref "": this handles frames until the view ends.
	_, err := v.await("AwaitEnd", "")
	return err
}
