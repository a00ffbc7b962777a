package live

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/transport"
)

// View is a live view: a Go value holding the view's state in its own
// fields, rendered by a plain templ component. Every callback of one view
// runs on that view's goroutine, one at a time, so fields need no locks.
//
// There is no assigns map: change tracking happens on the rendered tree,
// so an unchanged value is never resent however the state is kept.
type View interface {
	// Mount runs twice per page view: for the dead render (s.Connected()
	// false) and again when the browser joins (true). p holds path and
	// query parameters. A returned error is shown to the person.
	Mount(s *Socket, p Params) error
	// Render returns the view's markup.
	Render() templ.Component
}

// ParamsHandler views handle URL changes: after Mount, and on every live
// patch of the view's own route.
type ParamsHandler interface {
	HandleParams(s *Socket, u *url.URL, p Params) error
}

// EventHandler views handle client events (phx-click, phx-change, …).
type EventHandler interface {
	HandleEvent(s *Socket, e Event) error
}

// InfoHandler views handle messages from timers, PubSub and goroutines.
type InfoHandler interface {
	HandleInfo(s *Socket, msg any) error
}

// Terminator views clean up when the view ends.
type Terminator interface {
	Terminate(s *Socket, reason error)
}

// Event is a client event.
type Event struct {
	Type  string // click, form, keyup, keydown, focus, blur, hook, …
	Name  string // the phx-* attribute value
	Value Params // phx-value-* and value; for forms the decoded fields
	// Target is the path of the changed input for form events
	// (_target, e.g. ["filters", "year"]), else nil.
	Target []string
	// CID is the live component the event targets, 0 for the view.
	CID int
	// Raw is the event's value as sent (hook events may send any JSON).
	Raw json.RawMessage
}

// Socket is a view's handle on its connection: navigation, flash, title,
// timers and subscriptions. It is only used from the view's callbacks.
type Socket struct {
	e         *Engine
	id        string
	connected bool
	ctx       context.Context
	ch        *transport.Channel
	url       *url.URL
	session   map[string]string
	requestID string
	// connectParams are the join payload's params (nil in the dead render).
	connectParams map[string]any

	flash      map[string]string
	title      string
	titleDirty bool
	meta       Meta
	nav        *navigation
	events     [][]any
	subs       []func()
	mounts     int
	comps      *components // nil during the dead render
	streamRefs int
	deadCIDs   int
	reply      any
	hasReply   bool
	async      asyncState
	uploads    map[string]*Upload // by name
	uploadRefs map[string]*Upload // by ref

	liveSession string
	// vc is the view's channel handler once connected (children, parent).
	vc *viewChannel
	// childTokens keep each rendered child's session token, so that a
	// re-render writes the same container and sends no diff for it.
	childTokens map[string]childToken
}

type navKind int

const (
	navPatch navKind = iota + 1
	navNavigate
	navRedirect
)

type navigation struct {
	kind    navKind
	to      string
	replace bool
}

// Connected reports whether the view runs over a live connection (false
// during the dead render).
func (s *Socket) Connected() bool { return s.connected }

// ID is the view's id (its DOM id and topic suffix).
func (s *Socket) ID() string { return s.id }

// Context ends when the view ends; pass it to queries and goroutines.
func (s *Socket) Context() context.Context { return s.ctx }

// URL is the view's current URL.
func (s *Socket) URL() *url.URL { return s.url }

// Session returns the session data bound into the page (e.g. user id).
func (s *Socket) Session() map[string]string { return s.session }

// RequestID identifies the page request in logs and error messages.
func (s *Socket) RequestID() string { return s.requestID }

// Mounts is how many times this view has mounted over a connection
// before (0 on the first join; ≥1 on rejoins after a reconnect).
func (s *Socket) Mounts() int { return s.mounts }

// ConnectParams are the params the client sent with the join: those of
// the app's LiveSocket `params` option (e.g. browser_locale, timezone) and
// the client's own underscored keys (_csrf_token, _mounts, …), decoded from
// JSON. Nil during the dead render, which has none: a view reading them
// must have a default for it. The map is the socket's; do not modify it.
func (s *Socket) ConnectParams() map[string]any { return s.connectParams }

// ConnectParam is the connect param key when it is a string, else "".
func (s *Socket) ConnectParam(key string) string {
	v, _ := s.connectParams[key].(string)
	return v
}

// PutFlash sets a flash message of kind ("info", "error"), shown by the
// [Flash] component and kept across live navigation.
func (s *Socket) PutFlash(kind, msg string) {
	if s.flash == nil {
		s.flash = map[string]string{}
	}
	s.flash[kind] = msg
}

// Flash returns the flash message of kind.
func (s *Socket) Flash(kind string) string { return s.flash[kind] }

// ClearFlash removes one kind, or all with "".
func (s *Socket) ClearFlash(kind string) {
	if kind == "" {
		s.flash = nil
		return
	}
	delete(s.flash, kind)
}

// SetTitle sets the page title (document.title).
func (s *Socket) SetTitle(t string) {
	if t != s.title {
		s.title, s.titleDirty = t, true
	}
}

// PutSession adds key=value, on the dead render, to the session the join
// token carries (signed with the token; the session cookie is unchanged),
// so that the connected mount can check what the dead render saw, e.g. which
// credentials admitted the page. It has no effect on a connected socket.
func (s *Socket) PutSession(key, value string) {
	if s.connected {
		return
	}
	m := make(map[string]string, len(s.session)+1)
	for k, v := range s.session {
		m[k] = v
	}
	m[key] = value
	s.session = m
}

// SetMeta sets the head metadata of the dead render (description,
// canonical URL, Open Graph tags). Connected views may call it too; it
// has no effect there.
func (s *Socket) SetMeta(m Meta) { s.meta = m }

// PushPatch changes the URL within this view: HandleParams runs with the
// new URL and the browser history gets an entry (or is replaced).
func (s *Socket) PushPatch(to string, replace bool) {
	s.nav = &navigation{kind: navPatch, to: to, replace: replace}
}

// PushNavigate navigates to another view of the same live_session without
// a page load (across live_sessions the client does a full load).
func (s *Socket) PushNavigate(to string, replace bool) {
	s.nav = &navigation{kind: navNavigate, to: to, replace: replace}
}

// Redirect does a full page navigation and ends the view.
func (s *Socket) Redirect(to string) { s.nav = &navigation{kind: navRedirect, to: to} }

// PushEvent sends an event to the client: hooks' handleEvent and window
// "phx:<name>" listeners receive payload.
func (s *Socket) PushEvent(name string, payload any) {
	s.events = append(s.events, []any{name, payload})
}

// PushEventBeforePatch is PushEvent, dispatched before the DOM patch of
// the same diff (clients 1.1.18+; older ones dispatch after).
func (s *Socket) PushEventBeforePatch(name string, payload any) {
	s.events = append(s.events, []any{name, payload, true})
}

// ReplyHook sets the value a hook's pushEvent promise resolves with, for
// the hook event being handled.
func (s *Socket) ReplyHook(v any) { s.reply, s.hasReply = v, true }

// Timer is a cancellable delayed message (see [Socket.SendAfter]).
type Timer struct{ t *transport.Timer }

// Stop cancels the timer; it reports whether the message was still pending.
func (t *Timer) Stop() bool {
	if t == nil || t.t == nil {
		return false
	}
	return t.t.Stop()
}

// SendAfter delivers msg to HandleInfo after d. The timer ends with the
// view. During the dead render it does nothing.
func (s *Socket) SendAfter(d time.Duration, msg any) *Timer {
	if s.ch == nil {
		return &Timer{}
	}
	return &Timer{t: s.ch.SendAfter(d, msg)}
}

// Send delivers msg to HandleInfo through the view's mailbox. It is safe
// to call from any goroutine (keep the Socket from Mount for that) and
// reports false once the view has ended.
func (s *Socket) Send(msg any) bool {
	if s.ch == nil {
		return false
	}
	return s.ch.Send(msg)
}

// Subscribe delivers every message published on topic to HandleInfo until
// the view ends. Only connected views subscribe; during the dead render it
// does nothing, as in Phoenix.
func (s *Socket) Subscribe(topic string) {
	if s.ch == nil {
		return
	}
	ch := s.ch
	cancel := s.e.pubsub.Subscribe(topic, func(msg any) { ch.Send(msg) })
	s.subs = append(s.subs, cancel)
}

// Publish sends msg to topic's subscribers.
func (s *Socket) Publish(topic string, msg any) error {
	return s.e.pubsub.Publish(s.ctx, topic, msg)
}

func (s *Socket) end() {
	s.endAsync()
	s.endUploads()
	for _, c := range s.subs {
		c()
	}
	s.subs = nil
}

type socketKey struct{}

// SocketFrom returns the Socket a view is rendering for (templ components
// read flash and connection state through it), or nil.
func SocketFrom(ctx context.Context) *Socket {
	s, _ := ctx.Value(socketKey{}).(*Socket)
	return s
}

func flashOf(ctx context.Context, kind string) string {
	if s := SocketFrom(ctx); s != nil {
		return s.Flash(kind)
	}
	return ""
}

// ErrUnavailable marks errors of a dependency that is down (the database,
// an API): wrap with it (fmt.Errorf("…: %w", live.ErrUnavailable)) and a
// failed mount shows "unavailable" and retries by itself.
var ErrUnavailable = errors.New("service unavailable")

// IsUnavailable reports whether err says a dependency is down.
func IsUnavailable(err error) bool {
	var u interface{ Unavailable() bool }
	return errors.Is(err, ErrUnavailable) || errors.As(err, &u) && u.Unavailable()
}

// ErrCrash marks a Mount (or HandleParams) error as a crash, as an
// exception raised in a Phoenix mount, instead of an error to show: wrap
// with it (fmt.Errorf("…: %w", live.ErrCrash)). The dead render then
// answers 500 with a bare page (no layout, as Phoenix's error page), and a
// connected join is refused with "join crashed" instead of showing the
// error view: the client puts the view in its error state and, for the
// page's main view, reloads the page with jitter (after its maxReloads
// consecutive reloads, every failsafeJitter); it retries a child view's
// join instead, up to its maxChildJoinTries. Use it where a reload may
// help (state the next mount may not meet) and the page has no better
// message to show.
var ErrCrash = errors.New("live view crashed")

// IsCrash reports whether err is marked with [ErrCrash].
func IsCrash(err error) bool { return errors.Is(err, ErrCrash) }

// IsTransient reports whether a mount error is worth retrying: a
// dependency down, a timeout, or an error that says it is temporary.
func IsTransient(err error) bool {
	var t interface{ Temporary() bool }
	return IsUnavailable(err) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &t) && t.Temporary()
}
