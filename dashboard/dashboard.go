package dashboard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

// Prefix is where the dashboard is mounted.
const Prefix = "/dashboard"

// SessionName is the dashboard's live_session: live navigation stays
// within the dashboard, and no other page's token joins it.
const SessionName = "dashboard"

// SocketStats is what the connections page reads from the socket server;
// *transport.Server implements it.
type SocketStats interface {
	Stats() transport.StatsSnapshot
	FailureCounts() map[string]int64
}

// Stat is one named value of a database pool.
type Stat struct {
	Name, Value string
}

// PoolStats reports a database pool's statistics, in display order.
type PoolStats interface {
	PoolStats() []Stat
}

// PoolStatsFunc adapts a function to [PoolStats].
type PoolStatsFunc func() []Stat

// PoolStats implements [PoolStats].
func (f PoolStatsFunc) PoolStats() []Stat { return f() }

// Auth configures who may see the dashboard.
type Auth struct {
	// User is the HTTP Basic user name; empty accepts any user name.
	User string
	// Password is the HTTP Basic password. Empty: in production the
	// dashboard is disabled, in development it is open (with a warning).
	Password string
	// Production is set when the app runs in production (APP_ENV=prod).
	Production bool
	// Realm names the Basic auth realm; default "dashboard".
	Realm string
}

type authMode int

const (
	modeBasic    authMode = iota // password required
	modeDisabled                 // production without a password
	modeOpen                     // development without a password
)

// Config configures a [Dashboard].
type Config struct {
	// Engine serves the dashboard's views and is read for live view
	// counters. Required.
	Engine *live.Engine
	// Socket is the socket server (connections, failures); optional.
	Socket SocketStats
	// DB, when set, adds the database page.
	DB PoolStats
	// Cluster, when set, is the membership the cluster page shows (a
	// *cluster.Node). Without it the page shows this node alone.
	Cluster ClusterSource
	// Auth: see [Auth].
	Auth Auth
	// Refresh is how often the built-in pages refresh, and the default
	// for custom pages. Default 1 s.
	Refresh time.Duration
	// SampleEvery is the sampler's interval (default 1 s) and Samples how
	// many samples it keeps (default 120).
	SampleEvery time.Duration
	Samples     int
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Page is a dashboard page.
type Page struct {
	// Path is the page's URL segment: /dashboard/<Path>. Lower-case
	// letters, digits, '-' and '_'.
	Path string
	// Title is the menu entry and the page heading.
	Title string
	// Refresh is how often the page re-renders while open; 0 means the
	// dashboard's Refresh, a negative value never.
	Refresh time.Duration
	// Render builds the page. It runs on the view's goroutine (at mount
	// and on every refresh) with a context that ends with the view: read
	// cached state or keep queries short.
	Render func(ctx context.Context) Block
}

// Dashboard is the /dashboard live view and its sampler.
type Dashboard struct {
	cfg     Config
	log     *slog.Logger
	mode    authMode
	sampler *Sampler
	started atomic.Bool
	pwHash  [32]byte
	limit   authLimiter

	mu     sync.RWMutex
	pages  []*Page // built-in first, then custom, in menu order
	byPath map[string]*Page
}

var pathRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// New returns a dashboard with the built-in pages. It logs the
// authentication mode: a warning when open (development without a
// password), an error when disabled (production without a password).
func New(cfg Config) (*Dashboard, error) {
	if cfg.Engine == nil {
		return nil, errors.New("dashboard: Config.Engine is required")
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = time.Second
	}
	if cfg.Samples <= 0 {
		cfg.Samples = 120
	}
	if cfg.Auth.Realm == "" {
		cfg.Auth.Realm = "dashboard"
	}
	d := &Dashboard{cfg: cfg, log: cfg.Logger, byPath: map[string]*Page{}, limit: authLimiter{now: time.Now}}
	if d.log == nil {
		d.log = slog.Default()
	}
	switch {
	case cfg.Auth.Password != "":
		d.mode = modeBasic
		d.pwHash = sha256.Sum256([]byte(cfg.Auth.Password))
	case cfg.Auth.Production:
		d.mode = modeDisabled
		d.log.Error("dashboard disabled: no password in production; set DASHBOARD_PASSWORD (or TASK_PASSWORD) to enable " + Prefix)
	default:
		d.mode = modeOpen
		d.log.Warn("dashboard is open without a password (development only); set DASHBOARD_PASSWORD to require one", "path", Prefix)
	}
	d.sampler = NewSampler(cfg.Samples, cfg.SampleEvery, d.read)
	for _, p := range d.builtins() {
		d.add(p)
	}
	return d, nil
}

// AddPage registers a custom page; it appears in the menu after the
// built-in pages. It panics on an invalid or duplicate path or a missing
// Render, as registering a route twice does.
func (d *Dashboard) AddPage(p Page) {
	if !pathRE.MatchString(p.Path) {
		panic(fmt.Sprintf("dashboard: page path %q: use lower-case letters, digits, '-' and '_'", p.Path))
	}
	if p.Render == nil {
		panic("dashboard: page " + p.Path + " has no Render")
	}
	d.add(p)
}

func (d *Dashboard) add(p Page) {
	if p.Title == "" {
		p.Title = p.Path
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.byPath[p.Path]; dup {
		panic("dashboard: duplicate page path " + p.Path)
	}
	if p.Path == "" {
		// Home: /dashboard, also reachable as /dashboard/home.
		if _, dup := d.byPath["home"]; dup {
			panic("dashboard: duplicate page path home")
		}
		d.byPath["home"] = &p
	}
	d.pages = append(d.pages, &p)
	d.byPath[p.Path] = &p
}

func (d *Dashboard) page(path string) *Page {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.byPath[path]
}

func (d *Dashboard) menuPages() []*Page {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return append([]*Page(nil), d.pages...)
}

func (d *Dashboard) refreshOf(p *Page) time.Duration {
	if p.Refresh == 0 {
		return d.cfg.Refresh
	}
	return p.Refresh
}

// Register mounts GET /dashboard and GET /dashboard/{page} on mux, in the
// live_session "dashboard", behind the authentication.
func (d *Dashboard) Register(mux *http.ServeMux) {
	inner := http.NewServeMux()
	ls := d.cfg.Engine.Session(SessionName)
	// A token for a dashboard view is only ever minted by an authorised
	// dead render; this refuses joins anyway when the dashboard is off.
	ls.OnMount = func(s *live.Socket, _ live.Params) error {
		if d.mode == modeDisabled {
			return &live.StatusError{Status: http.StatusForbidden, Err: errors.New("the dashboard is disabled: no password in production")}
		}
		// The join token records which credentials admitted its page, so
		// a page from before a password change cannot join (for the
		// token's whole lifetime) after it: the client reloads and is
		// asked for the password.
		if !s.Connected() {
			s.PutSession(authSessionKey, d.authTag())
		} else if s.Session()[authSessionKey] != d.authTag() {
			return &live.StatusError{Status: http.StatusUnauthorized, Err: errors.New("dashboard page from before a password change")}
		}
		return nil
	}
	factory := func() live.View { return &view{d: d} }
	ls.Handle(inner, "GET "+Prefix, "dashboard.home", factory)
	ls.Handle(inner, "GET "+Prefix+"/{page}", "dashboard.page", factory)
	inner.Handle("GET "+Prefix+"/{$}", http.RedirectHandler(Prefix, http.StatusFound))
	h := d.Protect(inner)
	mux.Handle(Prefix, h)
	mux.Handle(Prefix+"/", h)
}

const disabledMessage = "The dashboard is disabled: it needs a password in production. " +
	"Set DASHBOARD_PASSWORD (or TASK_PASSWORD) in the environment and restart."

// Protect wraps h with the dashboard's authentication: HTTP Basic when a
// password is set; 403 with an explanation when disabled; h as is when
// open.
func (d *Dashboard) Protect(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch d.mode {
		case modeDisabled:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintln(w, disabledMessage)
			return
		case modeBasic:
			addr := clientAddr(r)
			if locked, until := d.limit.blocked(addr); locked {
				w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(until).Seconds())+1))
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprintln(w, "Too many wrong passwords from this address; try again later.")
				return
			}
			_, _, sent := r.BasicAuth()
			ok := d.authorized(r)
			switch {
			case ok:
				d.limit.succeed(addr)
			case sent && d.limit.fail(addr):
				d.log.Warn("dashboard: too many wrong passwords; address locked out",
					"addr", addr, "failures", authFailLimit, "for", authFailWindow)
			}
			if !ok {
				w.Header().Set("WWW-Authenticate", `Basic realm="`+d.cfg.Auth.Realm+`", charset="UTF-8"`)
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintln(w, "The dashboard needs a user name and password.")
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// authSessionKey is the join token session key that carries authTag.
const authSessionKey = "golive_dashboard_auth"

// authTag names the credentials the dashboard accepts (a digest of the
// password hash, or "open"), without revealing them.
func (d *Dashboard) authTag() string {
	if d.mode != modeBasic {
		return "open"
	}
	h := sha256.Sum256(append([]byte("golive-dashboard-auth\x00"), d.pwHash[:]...))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

func (d *Dashboard) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	// Compare fixed-size hashes so the time taken says nothing of the
	// password's length.
	got := sha256.Sum256([]byte(pass))
	okPass := subtle.ConstantTimeCompare(got[:], d.pwHash[:]) == 1
	okUser := true
	if d.cfg.Auth.User != "" {
		gu, wu := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(d.cfg.Auth.User))
		okUser = subtle.ConstantTimeCompare(gu[:], wu[:]) == 1
	}
	return okPass && okUser
}

// Start starts the sampler goroutine, which ends with ctx. Calling it
// again while it runs does nothing. Without Start the pages show current
// values but no history.
func (d *Dashboard) Start(ctx context.Context) {
	if !d.started.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer d.started.Store(false)
		d.sampler.Run(ctx)
	}()
}

// Sampler is the dashboard's sampler (the history the charts show).
func (d *Dashboard) Sampler() *Sampler { return d.sampler }

// processStart approximates the process start for the uptime.
var processStart = time.Now()

// read takes one sample of every counter.
func (d *Dashboard) read() Sample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	x := Sample{
		At:         time.Now(),
		Goroutines: runtime.NumGoroutine(),
		HeapAlloc:  ms.HeapAlloc,
		HeapSys:    ms.HeapSys,
		StackInuse: ms.StackInuse,
		Sys:        ms.Sys,
		NumGC:      ms.NumGC,
		Requests:   requests.Load(),
	}
	if ms.NumGC > 0 {
		x.LastPause = time.Duration(ms.PauseNs[(ms.NumGC+255)%256])
	}
	if s := d.cfg.Socket; s != nil {
		st := s.Stats()
		x.WebSockets, x.LongPolls, x.Channels = st.WebSockets, st.LongPollSessions, st.Channels
		for _, n := range s.FailureCounts() {
			x.Failures += n
		}
	}
	es := d.cfg.Engine.Stats()
	x.Views, x.Joins, x.JoinErrors = es.Views.Load(), es.Joins.Load(), es.JoinErrors.Load()
	x.Events, x.DiffBytes = es.Events.Load(), es.DiffBytesOut.Load()
	return x
}

// current is the newest sample, or a fresh reading before the sampler's
// first one.
func (d *Dashboard) current() Sample {
	if x, ok := d.sampler.Last(); ok {
		return x
	}
	return d.read()
}

// requests counts the HTTP requests seen by CountRequests.
var requests atomic.Int64

// CountRequests counts every request h serves, for the metrics page's
// HTTP requests per second (one process-wide counter). Wrap the app's
// whole handler with it; LongPoll polls and asset requests count too.
func CountRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		h.ServeHTTP(w, r)
	})
}

// Requests is the number of requests CountRequests has seen.
func Requests() int64 { return requests.Load() }
