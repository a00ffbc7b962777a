package livetest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

// Secret is the fixed secret of every Env: tokens and cookies are
// reproducible, and never valid anywhere else.
const Secret = "livetest: fixed secret, for tests only"

// Base is the origin the pages are requested from.
const Base = "http://example.com"

// clientVersions are the phoenix_live_view versions the helper plays for
// each line (the JS the assets ship).
var clientVersions = map[string]string{
	"1.0": "1.0.19",
	"1.1": "1.1.32",
	"1.2": "1.2.12",
}

// Lines are the client lines the helper speaks, oldest first, for tests
// that run once per line.
var Lines = []string{"1.0", "1.1", "1.2"}

type config struct {
	client    string
	line      clientLine
	timeout   time.Duration
	logger    *slog.Logger
	level     slog.Level
	trace     bool
	publicURL string
	connect   map[string]any
}

// Option configures an [Env].
type Option func(*config)

// WithClient makes views speak as the given phoenix_live_view client: a
// line ("1.0", "1.1", "1.2") or a full version ("1.0.19"). The server
// encodes comprehensions and streams for that line; the helper merges
// diffs with that line's rules and fails on anything it would not
// understand. Default "1.2".
func WithClient(version string) Option { return func(c *config) { c.client = version } }

// WithTimeout bounds every wait for the server (a reply, a redirect). Default
// 5 s.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithLogger sets the engine's and server's logger. By default their
// records of level Info and above go to t.Log (shown for failed tests and
// with -v).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithPublicURL sets the engine's PublicURL (the scheme and host dead
// renders see, as behind a TLS proxy).
func WithPublicURL(u string) Option { return func(c *config) { c.publicURL = u } }

// WithConnectParams adds params to those every view sends, as the app's
// LiveSocket `params` option does (e.g. browser_locale): in the join
// payload, where [live.Socket.ConnectParams] reads them, and, for string
// values, in the socket URL.
func WithConnectParams(params map[string]any) Option {
	return func(c *config) { c.connect = params }
}

// WithTrace logs every frame the views send and receive to t.Log.
func WithTrace() Option { return func(c *config) { c.trace = true } }

// Env is an application under test: a socket server, sessions and a live
// engine with a fixed secret, and the mux the setup function registers
// routes on, built as an app builds them. Requests and views share one
// cookie jar, like the tabs of one browser.
type Env struct {
	Engine   *live.Engine
	Server   *transport.Server
	Sessions *transport.Sessions
	Router   *transport.Router
	Mux      *http.ServeMux

	t   testing.TB
	cfg config
	jar http.CookieJar
	log *tbHandler

	mu     sync.Mutex
	views  []*View
	closed bool
}

// New builds an Env and runs setup to register the application's views
// (e.g. examples.Register). The Env is closed when the test ends.
func New(t testing.TB, setup func(e *live.Engine, mux *http.ServeMux), opts ...Option) *Env {
	t.Helper()
	cfg := config{client: "1.2", timeout: 5 * time.Second, level: slog.LevelInfo}
	for _, o := range opts {
		o(&cfg)
	}
	if v, ok := clientVersions[cfg.client]; ok {
		cfg.client = v
	}
	switch {
	case strings.HasPrefix(cfg.client, "1.0."):
		cfg.line = line10
	case strings.HasPrefix(cfg.client, "1.1."):
		cfg.line = line11
	case strings.HasPrefix(cfg.client, "1.2."):
		cfg.line = line12
	default:
		t.Fatalf("livetest: WithClient(%q): the helper speaks the 1.0, 1.1 and 1.2 client lines", cfg.client)
	}
	env := &Env{t: t, cfg: cfg, Mux: http.NewServeMux(), Router: &transport.Router{}}
	logger := cfg.logger
	if logger == nil {
		env.log = &tbHandler{t: t, level: cfg.level, mu: &sync.Mutex{}, closed: new(bool)}
		logger = slog.New(env.log)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("livetest: cookie jar: %v", err)
	}
	env.jar = jar
	env.Sessions = transport.NewSessions([]byte(Secret + "/session"))
	env.Server = transport.NewServer(transport.Config{
		Router: env.Router, Sessions: env.Sessions, Secret: []byte(Secret + "/longpoll"), Logger: logger,
	})
	var public *url.URL
	if cfg.publicURL != "" {
		if public, err = url.Parse(cfg.publicURL); err != nil {
			t.Fatalf("livetest: WithPublicURL: %v", err)
		}
	}
	env.Engine, err = live.New(live.Config{
		Secret: []byte(Secret + "/live"), Sessions: env.Sessions, Router: env.Router, Logger: logger,
		ClientVersion: cfg.client, PublicURL: public,
	})
	if err != nil {
		t.Fatalf("livetest: live.New: %v", err)
	}
	env.Mux.Handle("/live/", env.Server)
	if setup != nil {
		setup(env.Engine, env.Mux)
	}
	t.Cleanup(env.Close)
	return env
}

// Client is the phoenix_live_view version the views play.
func (env *Env) Client() string { return env.cfg.client }

// Close closes every view and shuts the server down, waiting until every
// channel has ended. It runs by itself when the test ends.
func (env *Env) Close() {
	env.mu.Lock()
	if env.closed {
		env.mu.Unlock()
		return
	}
	env.closed = true
	views := env.views
	env.views = nil
	env.mu.Unlock()
	for _, v := range views {
		v.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), env.cfg.timeout)
	defer cancel()
	if err := env.Server.Shutdown(ctx); err != nil {
		env.t.Errorf("livetest: server shutdown: %v (a view or channel did not end)", err)
	}
	if env.log != nil {
		env.log.close()
	}
}

func (env *Env) abs(path string) *url.URL {
	env.t.Helper()
	u, err := url.Parse(Base)
	if err != nil {
		env.t.Fatalf("livetest: %v", err)
	}
	ref, err := url.Parse(path)
	if err != nil {
		env.t.Fatalf("livetest: bad path %q: %v", path, err)
	}
	return u.ResolveReference(ref)
}

// Page is a response of a plain HTTP GET (the dead render).
type Page struct {
	Status int
	Header http.Header
	Body   string
	URL    *url.URL

	t    testing.TB
	tree *html.Node
}

// Get requests path (e.g. "/examples/counter?n=3") through the mux, as a
// browser would: with the jar's cookies, storing the ones set. Redirects
// are not followed (see Page.Status and Header "Location").
func (env *Env) Get(path string) *Page {
	env.t.Helper()
	return env.get(env.t, env.abs(path))
}

func (env *Env) get(t testing.TB, u *url.URL) *Page {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, u.String(), nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("User-Agent", "livetest")
	for _, c := range env.jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	env.Mux.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	env.jar.SetCookies(u, res.Cookies())
	return &Page{Status: res.StatusCode, Header: res.Header, Body: string(body), URL: u, t: t}
}

// setCookie sets a cookie as the client's JavaScript does (path "/").
func (env *Env) setCookie(name, value string) {
	u, _ := url.Parse(Base + "/")
	env.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/", MaxAge: 60}})
}

func (p *Page) parsed() *html.Node {
	p.t.Helper()
	if p.tree == nil {
		n, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			p.t.Fatalf("livetest: parsing %s: %v", p.URL.Path, err)
		}
		p.tree = n
	}
	return p.tree
}

func (p *Page) doc() *doc {
	return &doc{t: p.t, what: "page " + p.URL.RequestURI(), root: p.parsed(), src: p.Body}
}

// Has reports whether an element of the page matches selector.
func (p *Page) Has(selector string) bool { p.t.Helper(); return len(p.doc().all(selector)) > 0 }

// Count is the number of elements of the page matching selector.
func (p *Page) Count(selector string) int { p.t.Helper(); return len(p.doc().all(selector)) }

// Text is the text (white space collapsed) of the one element matching
// selector; the test fails if there is not exactly one.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	return textOf(p.doc().one("Text", selector))
}

// Attrs are the values of attribute name on the page's elements matching
// selector, in document order.
func (p *Page) Attrs(selector, name string) []string {
	p.t.Helper()
	return p.doc().attrs(selector, name)
}

// Title is the page's <title>.
func (p *Page) Title() string {
	p.t.Helper()
	ns := p.doc().all("head > title")
	if len(ns) == 0 {
		return ""
	}
	return textOf(ns[0])
}

// main is the page's main live view container, or nil.
func (p *Page) main() *html.Node {
	p.t.Helper()
	ns := p.doc().all("[data-phx-main]")
	if len(ns) == 0 {
		return nil
	}
	return ns[0]
}

// ViewHTML is the inner HTML of the page's main live view container (the
// server-rendered view), for comparison with [View.HTML] via [Canonical].
// The test fails if the page has no live view.
func (p *Page) ViewHTML() string {
	p.t.Helper()
	m := p.main()
	if m == nil {
		p.t.Fatalf("livetest: page %s (status %d) has no live view container [data-phx-main]\n%s", p.URL.RequestURI(), p.Status, snippet(p.Body))
	}
	return innerHTML(m)
}

// tbHandler logs to the test, until the Env closes (logging through t
// after the test has ended panics).
type tbHandler struct {
	t      testing.TB
	level  slog.Level
	attrs  []slog.Attr
	mu     *sync.Mutex
	closed *bool
}

func (h *tbHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *tbHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range h.attrs {
		b.WriteString(" " + a.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if !*h.closed {
		h.t.Log(b.String())
	}
	return nil
}

func (h *tbHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *tbHandler) WithGroup(string) slog.Handler { return h }

func (h *tbHandler) close() {
	h.mu.Lock()
	*h.closed = true
	h.mu.Unlock()
}
