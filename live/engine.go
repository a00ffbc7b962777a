package live

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/transport"
)

// Config configures an [Engine].
type Config struct {
	// Secret signs the session, static and flash tokens. Required.
	Secret []byte
	// Sessions is the session cookie shared with the socket; the dead render
	// sets it and embeds a masked CSRF token. Required.
	Sessions *transport.Sessions
	// Router is the socket router the engine registers "lv:*" on.
	Router *transport.Router
	// PubSub for Socket.Subscribe; nil means a private in-process one.
	PubSub pubsub.PubSub
	// Layout wraps a view's dead render in a full page. Nil means a minimal
	// built-in layout.
	Layout func(p Page) templ.Component
	// Script and Stylesheet are the asset URLs the default layout loads
	// (with phx-track-static). Defaults "/assets/app.js", "/assets/app.css".
	Script, Stylesheet string
	// ClientVersion is the phoenix_live_view version of the JS we ship,
	// sent as liveview_version and used when a client does not report its
	// own. Default "1.2.12".
	ClientVersion string
	// TokenMaxAge bounds session and static tokens. Default 14 days.
	TokenMaxAge time.Duration
	// PublicURL, when set, gives the scheme and host of [Socket.URL] on dead
	// renders (absolute links, canonical URLs) instead of the request's:
	// behind a TLS-terminating proxy the request says http and an inner
	// host. Connected views get the URL the browser reports.
	PublicURL *url.URL
	// UploadDir holds the temporary files of uploads under way; empty
	// means os.TempDir().
	UploadDir string
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Page is what a layout gets for a dead render.
type Page struct {
	Title string
	// Meta is the head metadata the view set with [Socket.SetMeta].
	Meta       Meta
	CSRFToken  string
	Script     string
	Stylesheet string
	// Body is the live container with the view's server-rendered HTML.
	Body templ.Component
	// Request is the page request (for layouts that show the path, etc.).
	Request *http.Request
}

// Meta is what a view puts in the <head> of its dead render besides the
// title: what search engines and link previews read. Layouts write each
// non-empty field (escaped). Only the dead render carries it; the live
// connection updates the title alone, as Phoenix does.
type Meta struct {
	Description string // <meta name="description">
	Canonical   string // <link rel="canonical">; an absolute URL
	// Properties are <meta property="…" content="…"> tags, in order,
	// e.g. Open Graph's og:title.
	Properties []MetaProperty
}

// MetaProperty is one <meta property content> tag.
type MetaProperty struct{ Property, Content string }

// Engine serves live views: dead renders over HTTP and the "lv:*" channel.
type Engine struct {
	cfg    Config
	log    *slog.Logger
	tokens *signer
	static *signer
	flash  *signer
	nested *signer // child view session tokens
	// uploadTokens sign the per-entry tokens of the allow_upload reply.
	uploadTokens *signer
	pubsub       pubsub.PubSub

	mu       sync.RWMutex
	routes   []*route
	matchMux *http.ServeMux

	stats   Stats
	limiter transport.RateLog

	// views maps the id of each connected view to its *viewChannel, for
	// Send, for child views finding their parent and for upload channels
	// registering with their view.
	views sync.Map
	// childKinds are the child view kinds ([Engine.Child]) by name.
	childKinds map[string]*ChildView
	viewCounts viewCounts // connected views per view name
}

// Stats counts live view activity.
type Stats struct {
	Views        atomic.Int64 // connected views
	Joins        atomic.Int64
	JoinErrors   atomic.Int64
	MountErrors  atomic.Int64
	Events       atomic.Int64
	DeadRenders  atomic.Int64
	Crashes      atomic.Int64
	DiffBytesOut atomic.Int64
	AsyncTasks   atomic.Int64 // goroutines of AssignAsync and StartAsync running
}

// New returns an Engine and registers its channel on cfg.Router.
func New(cfg Config) (*Engine, error) {
	if len(cfg.Secret) < 16 {
		return nil, errors.New("live: Config.Secret must be at least 16 bytes")
	}
	if cfg.Sessions == nil || cfg.Router == nil {
		return nil, errors.New("live: Config.Sessions and Config.Router are required")
	}
	if cfg.Script == "" {
		cfg.Script = "/assets/app.js"
	}
	if cfg.Stylesheet == "" {
		cfg.Stylesheet = "/assets/app.css"
	}
	if cfg.ClientVersion == "" {
		cfg.ClientVersion = "1.2.12"
	}
	if cfg.TokenMaxAge == 0 {
		cfg.TokenMaxAge = 14 * 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PubSub == nil {
		cfg.PubSub = pubsub.NewLocal()
	}
	if cfg.Layout == nil {
		cfg.Layout = defaultLayout
	}
	e := &Engine{
		cfg:          cfg,
		log:          cfg.Logger,
		tokens:       newSigner(cfg.Secret, "session"),
		static:       newSigner(cfg.Secret, "static"),
		flash:        newSigner(cfg.Secret, "flash"),
		uploadTokens: newSigner(cfg.Secret, "upload"),
		nested:       newSigner(cfg.Secret, "nested"),
		pubsub:       cfg.PubSub,
		matchMux:     http.NewServeMux(),
	}
	cfg.Router.Handle("lv:*", func() transport.ChannelHandler { return &viewChannel{e: e} })
	cfg.Router.Handle("lvu:*", func() transport.ChannelHandler { return &uploadChannel{e: e} })
	return e, nil
}

// Stats returns the engine's counters.
func (e *Engine) Stats() *Stats { return &e.stats }

// Send delivers msg to HandleInfo of the connected view with the given id
// (its DOM id, [Socket.ID]) through the view's mailbox, as [Socket.Send]
// does. It reports false if no view with that id is connected to this
// engine. Test helpers use it (package live/livetest); apps usually keep
// the Socket or use PubSub instead.
func (e *Engine) Send(viewID string, msg any) bool {
	vc, ok := e.views.Load(viewID)
	return ok && vc.(*viewChannel).ch.Send(msg)
}

// PubSub returns the engine's PubSub.
func (e *Engine) PubSub() pubsub.PubSub { return e.pubsub }

// LiveSession groups routes between which live navigation is allowed;
// navigating to a route of another live_session does a full page load.
type LiveSession struct {
	e    *Engine
	name string
	// OnMount, when set, runs before every Mount of the session's views
	// (dead and connected), e.g. to check authentication. Returning an
	// error refuses the view.
	OnMount func(s *Socket, p Params) error
}

// Session returns the live_session with the given name.
func (e *Engine) Session(name string) *LiveSession { return &LiveSession{e: e, name: name} }

type route struct {
	pattern string
	name    string // view name, bound into tokens
	ls      *LiveSession
	factory func() View
	params  []string // path wildcard names
}

// Handle mounts a live view at pattern (http.ServeMux syntax, e.g.
// "GET /movies/{slug}") on mux and registers it for joins and live
// navigation. name identifies the view in tokens; it must be unique.
func (ls *LiveSession) Handle(mux *http.ServeMux, pattern string, name string, factory func() View) {
	e := ls.e
	rt := &route{pattern: pattern, name: name, ls: ls, factory: factory, params: wildcards(pattern)}
	e.mu.Lock()
	for _, r := range e.routes {
		if r.name == name {
			e.mu.Unlock()
			panic("live: duplicate view name " + name)
		}
	}
	e.routes = append(e.routes, rt)
	e.matchMux.Handle(pattern, matcher{rt})
	e.mu.Unlock()
	mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serveDead(w, r, rt) }))
}

func wildcards(pattern string) []string {
	var names []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return names
		}
		name := strings.TrimSuffix(pattern[i+1:i+j], "...")
		if name != "$" {
			names = append(names, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// matcher is registered on the engine's private ServeMux so that joins and
// live navigation route URLs exactly as the app's ServeMux does.
type matcher struct{ rt *route }

type matchResult struct {
	rt     *route
	params Params
}

type matchKey struct{}

func (m matcher) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	res := r.Context().Value(matchKey{}).(*matchResult)
	res.rt = m.rt
	res.params = Params{}
	for _, n := range m.rt.params {
		res.params[n] = r.PathValue(n)
	}
}

// match routes u to a live route, with its path parameters.
func (e *Engine) match(u *url.URL) (*route, Params) {
	res := &matchResult{}
	r := (&http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}).
		WithContext(context.WithValue(context.Background(), matchKey{}, res))
	e.mu.RLock()
	mux := e.matchMux
	e.mu.RUnlock()
	mux.ServeHTTP(discardWriter{}, r)
	return res.rt, res.params
}

type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

// allParams merges query and path parameters (path wins). Query strings
// decode with the same nesting rules as forms.
func allParams(path Params, u *url.URL) Params {
	p, err := DecodeForm(u.RawQuery)
	if err != nil {
		p = Params{}
	}
	for k, v := range path {
		p[k] = v
	}
	return p
}

func newViewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "phx-" + base64.RawURLEncoding.EncodeToString(b)
}

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) < 200 {
		return id
	}
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Path params of pattern as the dead render sees them.
func pathParams(r *http.Request, rt *route) Params {
	p := Params{}
	for _, n := range rt.params {
		p[n] = r.PathValue(n)
	}
	return p
}
