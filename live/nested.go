package live

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/transport"
)

// ChildView is a kind of child live view, registered with [Engine.Child]
// and rendered inside a view's template (or a layout) with [Render]. A
// child is a full live view (Mount, Render, HandleEvent, HandleInfo,
// Terminate) with its own goroutine, channel ("lv:<id>") and lifecycle: a
// panic in it ends only the child, which the client rejoins. It is not
// mounted at the router: Mount gets no params, HandleParams is not called,
// and [Socket.URL] is empty.
type ChildView struct {
	e       *Engine
	name    string
	factory func() View
}

// Child registers a kind of child view under name (bound into the child's
// signed session token, so that a join can only mount kinds registered
// here). Names must be unique among child kinds.
func (e *Engine) Child(name string, factory func() View) *ChildView {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.childKinds == nil {
		e.childKinds = map[string]*ChildView{}
	}
	if _, dup := e.childKinds[name]; dup {
		panic("live: duplicate child view name " + name)
	}
	c := &ChildView{e: e, name: name, factory: factory}
	e.childKinds[name] = c
	return c
}

// RenderOpts are the options of [Render].
type RenderOpts struct {
	// Session is added to the parent's session data for the child
	// ([Socket.Session]); it is signed into the child's token.
	Session map[string]string
	// Sticky children are not linked to a parent: they survive live
	// navigation between views of the same live_session (render them,
	// with the same id, in a layout every such view uses). A sticky child
	// is joined as a root view of the page.
	Sticky bool
	// Class is the container's class attribute.
	Class string
}

// nestedClaims is what a child's data-phx-session binds: its id (the
// topic), its kind, the id of its parent view ("" for sticky children),
// the live_session and the session data.
type nestedClaims struct {
	ID          string            `json:"id"`
	View        string            `json:"view"`
	Parent      string            `json:"p,omitempty"`
	LiveSession string            `json:"ls"`
	Sticky      bool              `json:"st,omitempty"`
	Session     map[string]string `json:"s,omitempty"`
}

type childToken struct {
	claims nestedClaims
	token  string
}

// Render renders child view c with DOM id id in the view being rendered:
// on the dead render the child is mounted (disconnected) and its markup
// written inline; connected, the container is written empty with the
// child's signed session token and the client joins the child on its own
// channel. The id must be unique on the page and stable across renders.
func Render(c *ChildView, id string, opts RenderOpts) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		parent := SocketFrom(ctx)
		if parent == nil {
			return fmt.Errorf("live.Render(%s, %q): not rendered inside a live view", c.name, id)
		}
		if id == "" || strings.ContainsAny(id, "\"'<>&\x00 \t\n") {
			return fmt.Errorf("live.Render(%s, %q): the id must be non-empty, without spaces, quotes, <, > or &", c.name, id)
		}
		session := make(map[string]string, len(parent.session)+len(opts.Session))
		maps.Copy(session, parent.session)
		maps.Copy(session, opts.Session)
		claims := nestedClaims{ID: id, View: c.name, LiveSession: parent.liveSession, Sticky: opts.Sticky, Session: session}
		if !opts.Sticky {
			claims.Parent = parent.id
		}
		open := `<div id="` + id + `"`
		if opts.Class != "" {
			open += ` class="` + html.EscapeString(opts.Class) + `"`
		}
		if !parent.connected {
			return c.renderDead(ctx, w, parent, claims, open)
		}
		tok, err := parent.childToken(claims)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, open+` data-phx-session="`+tok+`" data-phx-static=""`+linkAttr(claims)+`></div>`)
		return err
	})
}

// linkAttr ties a child to its parent, or marks it sticky.
func linkAttr(nc nestedClaims) string {
	if nc.Sticky {
		return ` data-phx-sticky`
	}
	return ` data-phx-parent-id="` + nc.Parent + `"`
}

// childToken signs claims once per child id and reuses the token while the
// claims stay the same.
func (s *Socket) childToken(nc nestedClaims) (string, error) {
	if ct, ok := s.childTokens[nc.ID]; ok && sameClaims(ct.claims, nc) {
		return ct.token, nil
	}
	tok, err := s.e.nested.sign(nc)
	if err != nil {
		return "", err
	}
	if s.childTokens == nil {
		s.childTokens = map[string]childToken{}
	}
	s.childTokens[nc.ID] = childToken{claims: nc, token: tok}
	return tok, nil
}

func sameClaims(a, b nestedClaims) bool {
	return a.ID == b.ID && a.View == b.View && a.Parent == b.Parent && a.LiveSession == b.LiveSession &&
		a.Sticky == b.Sticky && maps.Equal(a.Session, b.Session)
}

// renderDead mounts the child disconnected and writes it inline, so the
// page reads complete without JavaScript. A non-sticky child's session is
// empty here, as in Phoenix: the client takes it from the parent's
// connected render (only a connected parent can vouch for its child).
func (c *ChildView) renderDead(ctx context.Context, w io.Writer, parent *Socket, nc nestedClaims, open string) error {
	e := c.e
	s := &Socket{e: e, id: nc.ID, ctx: parent.ctx, url: &url.URL{}, session: nc.Session,
		requestID: parent.requestID, liveSession: nc.LiveSession}
	view := c.factory()
	if err := callSafe(func() error { return view.Mount(s, Params{}) }); err != nil {
		e.stats.MountErrors.Add(1)
		e.limiter.Log(e.log, "dead-child:"+c.name+":"+err.Error(), slog.LevelError, "child live view mount failed in dead render",
			"view", c.name, "id", nc.ID, "request_id", parent.requestID, "error", err)
		if IsCrash(err) {
			s.end()
			return err // the page's dead render crashes with it
		}
		view = &errorView{err: err, requestID: parent.requestID, view: c.name}
	}
	cctx := context.WithValue(ctx, socketKey{}, s)
	var n *tree.Node
	if err := callSafe(func() (err error) { n, err = tree.Render(cctx, view.Render()); return err }); err != nil {
		e.log.Error("child live view render failed in dead render", "view", c.name, "request_id", parent.requestID, "error", err)
		view = &errorView{err: err, requestID: parent.requestID, view: c.name}
		n, _ = tree.Render(cctx, view.Render())
	}
	s.end()
	sessTok := ""
	if nc.Sticky {
		// A sticky child is joined as a root view from the dead render on.
		var err error
		if sessTok, err = e.nested.sign(nc); err != nil {
			return err
		}
	}
	staticTok, err := e.static.sign(staticClaims{ID: nc.ID})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, open+` data-phx-session="`+sessTok+`" data-phx-static="`+staticTok+`"`+linkAttr(nc)+`>`+n.HTML()+`</div>`)
	return err
}

// joinChild joins a child view (nested or sticky) from its verified
// claims: a nested child's parent must be a view joined on the same
// socket, and the child is linked to it until either ends.
func (c *viewChannel) joinChild(nc nestedClaims, jp joinParams, log *slog.Logger,
	fail func(transport.Reply, string, ...any) transport.Reply) transport.Reply {
	e, ch := c.e, c.ch
	if "lv:"+nc.ID != ch.Topic {
		return fail(stale(), "topic does not match the child session token's view id")
	}
	e.mu.RLock()
	kind := e.childKinds[nc.View]
	e.mu.RUnlock()
	if kind == nil {
		return fail(stale(), "child session token names an unknown child view", "view", nc.View)
	}
	if !nc.Sticky {
		pv, ok := e.views.Load(nc.Parent)
		if !ok {
			return fail(stale(), "child view's parent is not connected", "view", nc.View, "parent", nc.Parent)
		}
		p := pv.(*viewChannel)
		if p.ch.Socket != ch.Socket {
			return fail(stale(), "child view's parent is on another socket", "view", nc.View, "parent", nc.Parent)
		}
		c.parent = p
	}
	vsn := ch.Socket.Info.Params.Get("_lv_vsn")
	if vsn == "" {
		vsn = e.cfg.ClientVersion
	}
	c.enc = tree.EncodingFor(vsn)
	c.nested = true
	c.rt = &route{name: kind.name, ls: &LiveSession{e: e, name: nc.LiveSession}, factory: kind.factory}
	c.s = &Socket{
		e: e, id: nc.ID, connected: true, ctx: ch.Context(), ch: ch, url: &url.URL{}, liveSession: nc.LiveSession, vc: c,
		session: nc.Session, requestID: ch.Socket.Info.RequestID, mounts: jp.Mounts,
		comps: &components{byID: map[string]*compState{}, byCID: map[int]*compState{}},
	}
	c.view = kind.factory()
	return c.finishJoin(Params{}, log)
}

// family is a view's set of connected children. Children add and remove
// themselves from their own goroutines, so it is locked.
type family struct {
	mu    sync.Mutex
	ended bool
	kids  map[string]*viewChannel
}

// add links child; it reports false once the parent has ended.
func (f *family) add(child *viewChannel) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return false
	}
	if f.kids == nil {
		f.kids = map[string]*viewChannel{}
	}
	f.kids[child.s.id] = child
	return true
}

func (f *family) remove(child *viewChannel) {
	f.mu.Lock()
	if f.kids[child.s.id] == child {
		delete(f.kids, child.s.id)
	}
	f.mu.Unlock()
}

func (f *family) get(id string) *viewChannel {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.kids[id]
}

// end marks the parent ended and returns the children to close.
func (f *family) end() []*viewChannel {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = true
	out := make([]*viewChannel, 0, len(f.kids))
	for _, k := range f.kids {
		out = append(out, k)
	}
	f.kids = nil
	return out
}

// ErrNoParent is returned by [Socket.SendParent] from a view that is not a
// connected nested child (a root view, a sticky child, a dead render).
var ErrNoParent = errors.New("live: the view has no connected parent")

// SendParent delivers msg to the parent view's HandleInfo through its
// mailbox (on the parent's goroutine). Safe from any goroutine.
func (s *Socket) SendParent(msg any) error {
	if s.vc == nil || s.vc.parent == nil {
		return ErrNoParent
	}
	if !s.vc.parent.ch.Send(msg) {
		return errors.New("live: the parent view has ended")
	}
	return nil
}

// SendChild delivers msg to HandleInfo of the connected child with DOM id
// id (on the child's goroutine). It reports false if no such child of
// this view is connected.
func (s *Socket) SendChild(id string, msg any) bool {
	if s.vc == nil {
		return false
	}
	k := s.vc.kids.get(id)
	return k != nil && k.ch.Send(msg)
}

// IsChild reports whether the view is a child view (nested or sticky).
func (s *Socket) IsChild() bool { return s.vc != nil && s.vc.nested }
