// Package app is the wiring the server commands share: configuration from
// the environment, the socket server, the live engine, assets, logging and
// graceful shutdown; and, when CLUSTER_DATABASE_URL is set, cluster mode:
// the engine's PubSub crosses nodes over PostgreSQL LISTEN/NOTIFY
// (pubsub/pgnotify), the node announces itself to the others (cluster), and
// LongPoll requests for sessions other nodes hold are forwarded to them.
package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/assets"
	"github.com/cortex-cinegraph/golive/cluster"
	"github.com/cortex-cinegraph/golive/dashboard"
	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/pubsub/pgnotify"
	"github.com/cortex-cinegraph/golive/transport"
)

// Config is read from the environment at start, never compiled in.
type Config struct {
	Addr          string // from PORT (and BIND, default 127.0.0.1 in dev, 0.0.0.0 in prod)
	Production    bool   // APP_ENV=prod
	SecretKeyBase []byte // SECRET_KEY_BASE
	PhxHost       string // PHX_HOST
	CheckOrigin   string // CHECK_ORIGIN
	ClientLine    string // LV_CLIENT: "1.2" (default), "1.1" or "1.0": which bundle pages load
	// PublicURL (PUBLIC_URL) is the scheme and host people reach the app
	// on, for absolute URLs in dead renders (canonical links) behind a TLS
	// proxy; default https://PHX_HOST in production, else the request's.
	PublicURL string
	// UploadDir (UPLOAD_DIR) holds the temporary files of live uploads
	// under way; empty means the system temp dir.
	UploadDir string

	// ClusterDatabaseURL (CLUSTER_DATABASE_URL) turns cluster mode on: the
	// PostgreSQL database whose LISTEN/NOTIFY carries PubSub between the
	// nodes. It must reach PostgreSQL directly (or a pooler in session
	// mode): through PgBouncer in transaction mode LISTEN is accepted but
	// no notification ever arrives. Empty: a single node, in-process.
	ClusterDatabaseURL string
	// NodeName (NODE_NAME) is the node's name on the dashboard and in
	// logs; default the hostname.
	NodeName string
	// NodeURL (NODE_URL) is the base URL the other nodes reach this node
	// on; default http://<BIND>:<PORT> (the hostname for 0.0.0.0).
	NodeURL string
	// Heartbeat (CLUSTER_HEARTBEAT) is the cluster heartbeat interval;
	// default 1 s. A silent node is presumed dead after three.
	Heartbeat time.Duration
	// DebugAddr (DEBUG_ADDR) serves net/http/pprof on this loopback
	// address when set; off by default.
	DebugAddr string
	// DrainPeriod (DRAIN_PERIOD; default 2s from the environment, 0 in a
	// zero Config) spreads the reconnect signals of a stopping node over
	// this long, so the other nodes are not hit by all its clients at once.
	DrainPeriod time.Duration
}

// FromEnv reads the configuration. A missing SECRET_KEY_BASE is fatal in
// production; in development a random one is used (pages from before a
// restart then reload once).
func FromEnv(defaultPort int) (Config, error) {
	c := Config{
		Production:  os.Getenv("APP_ENV") == "prod" || os.Getenv("MIX_ENV") == "prod",
		PhxHost:     os.Getenv("PHX_HOST"),
		CheckOrigin: os.Getenv("CHECK_ORIGIN"),
		ClientLine:  os.Getenv("LV_CLIENT"),
		PublicURL:   os.Getenv("PUBLIC_URL"),
		UploadDir:   os.Getenv("UPLOAD_DIR"),
		DebugAddr:   os.Getenv("DEBUG_ADDR"),
	}
	if c.DebugAddr != "" {
		if err := loopbackOnly(c.DebugAddr); err != nil {
			return c, err
		}
	}
	port := defaultPort
	if p := os.Getenv("PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return c, fmt.Errorf("PORT=%q is not a port number", p)
		}
		port = n
	}
	bind := os.Getenv("BIND")
	if bind == "" {
		bind = "127.0.0.1"
		if c.Production {
			bind = "0.0.0.0"
		}
	}
	c.Addr = net.JoinHostPort(bind, strconv.Itoa(port))
	if c.PublicURL == "" && c.Production && c.PhxHost != "" {
		c.PublicURL = "https://" + c.PhxHost
	}
	if _, err := c.publicURL(); err != nil {
		return c, err
	}
	if s := os.Getenv("SECRET_KEY_BASE"); s != "" {
		// Phoenix requires 64 bytes; production holds to that, development
		// accepts shorter keys.
		if min := 32; len(s) < min || c.Production && len(s) < 64 {
			if c.Production {
				min = 64
			}
			return c, fmt.Errorf("SECRET_KEY_BASE must be at least %d characters (generate one with `openssl rand -base64 64`)", min)
		}
		c.SecretKeyBase = []byte(s)
	} else if c.Production {
		return c, errors.New("SECRET_KEY_BASE is not set; generate one with `openssl rand -base64 64` and set it in the environment")
	} else {
		c.SecretKeyBase = make([]byte, 48)
		_, _ = rand.Read(c.SecretKeyBase)
	}
	c.ClusterDatabaseURL = os.Getenv("CLUSTER_DATABASE_URL")
	c.NodeName = os.Getenv("NODE_NAME")
	c.NodeURL = os.Getenv("NODE_URL")
	c.DrainPeriod = 2 * time.Second
	for _, d := range []struct {
		env string
		dst *time.Duration
	}{{"DRAIN_PERIOD", &c.DrainPeriod}, {"CLUSTER_HEARTBEAT", &c.Heartbeat}} {
		if v := os.Getenv(d.env); v != "" {
			n, err := time.ParseDuration(v)
			if err != nil || n < 0 {
				return c, fmt.Errorf("%s=%q is not a duration such as 2s or 500ms", d.env, v)
			}
			*d.dst = n
		}
	}
	return c, nil
}

// publicURL parses PublicURL: nil when unset.
func (c Config) publicURL() (*url.URL, error) {
	if c.PublicURL == "" {
		return nil, nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("PUBLIC_URL=%q: want an absolute http(s) URL such as https://example.com", c.PublicURL)
	}
	return u, nil
}

// Script is the bundle for the configured client line, under its
// digested name.
func (c Config) Script() string {
	switch c.ClientLine {
	case "1.0":
		return assets.Path("app-1.0.js")
	case "1.1":
		return assets.Path("app-1.1.js")
	}
	return assets.Path("app.js")
}

// ClientVersion is the phoenix_live_view version of the configured bundle.
func (c Config) ClientVersion() string {
	switch c.ClientLine {
	case "1.0":
		return "1.0.19"
	case "1.1":
		return "1.1.32"
	}
	return "1.2.12"
}

func (c Config) derive(purpose string) []byte {
	h := sha256.Sum256(append([]byte(purpose+"\x00"), c.SecretKeyBase...))
	return h[:]
}

// Stack is the shared server: socket endpoint, live engine and mux.
type Stack struct {
	Config  Config
	Log     *slog.Logger
	Mux     *http.ServeMux
	Router  *transport.Router
	Socket  *transport.Server
	Engine  *live.Engine
	Origins *transport.OriginPolicy
	// PubSub is the engine's: in cluster mode the PostgreSQL one, which
	// reaches every node; else in-process.
	PubSub pubsub.PubSub
	// Cluster is this node's membership in cluster mode; nil otherwise.
	Cluster *cluster.Node

	pg        *pgnotify.PubSub // cluster mode only
	closeOnce sync.Once
}

// New builds the stack. layout may be nil. In cluster mode it connects
// to CLUSTER_DATABASE_URL and joins the cluster; [Stack.Serve] leaves it
// on shutdown, and [Stack.Close] when the stack is never served.
func New(c Config, log *slog.Logger, layout func(live.Page) templ.Component) (*Stack, error) {
	origins, err := transport.NewOriginPolicy(c.CheckOrigin, c.PhxHost)
	if err != nil {
		return nil, fmt.Errorf("CHECK_ORIGIN/PHX_HOST: %w", err)
	}
	public, err := c.publicURL()
	if err != nil {
		return nil, err
	}
	st := &Stack{Config: c, Log: log, Origins: origins}
	var nodeID, nodeURL string
	var peers *lazyPeers
	if c.ClusterDatabaseURL != "" {
		if nodeURL, err = c.nodeURL(); err != nil {
			return nil, err
		}
		if c.NodeName == "" {
			c.NodeName, _ = os.Hostname()
			st.Config.NodeName = c.NodeName
		}
		// A fresh id per start: a restarted node is a new member, and
		// LongPoll tokens of its previous life are not forwarded to it.
		nodeID = cleanID(c.NodeName) + "-" + randomID()
		st.pg, err = pgnotify.Start(context.Background(), pgnotify.Config{ConnString: c.ClusterDatabaseURL, NodeID: nodeID, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("CLUSTER_DATABASE_URL: %w (it must reach PostgreSQL directly or through a pooler in session mode; LISTEN does not work through PgBouncer in transaction mode)", err)
		}
		st.PubSub = st.pg
		peers = &lazyPeers{}
	} else {
		st.PubSub = pubsub.NewLocal()
	}
	var sessOpts []transport.SessionOption
	if public != nil && public.Scheme == "https" {
		sessOpts = append(sessOpts, transport.WithSecureCookies())
	}
	sessions := transport.NewSessions(c.derive("session"), sessOpts...)
	st.Router = &transport.Router{}
	tc := transport.Config{
		Router: st.Router, Origin: origins, Sessions: sessions, Secret: c.derive("longpoll"), Logger: log,
		NodeID: nodeID, DrainPeriod: c.DrainPeriod,
	}
	if peers != nil {
		tc.Peers = peers
	}
	st.Socket = transport.NewServer(tc)
	st.Engine, err = live.New(live.Config{
		Secret: c.derive("live"), Sessions: sessions, Router: st.Router, Logger: log, PubSub: st.PubSub,
		Script: c.Script(), Stylesheet: assets.Path("app.css"), ClientVersion: c.ClientVersion(), Layout: layout, PublicURL: public,
		UploadDir: c.UploadDir,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	if st.pg != nil {
		st.Cluster, err = cluster.Start(context.Background(), cluster.Config{
			NodeID: nodeID, Name: c.NodeName, URL: nodeURL, PubSub: st.pg,
			Interval: c.Heartbeat, Load: st.load, Logger: log,
		})
		if err != nil {
			st.Close()
			return nil, err
		}
		peers.node.Store(st.Cluster)
	}
	st.Mux = http.NewServeMux()
	st.Mux.Handle("/live/", st.Socket)
	if !assets.Built() {
		log.Warn("browser bundles are missing: run `make assets` (pages render but will not go live)")
	}
	st.Mux.Handle("GET /assets/", http.StripPrefix("/assets", assets.Handler()))
	return st, nil
}

// nodeURL is NODE_URL, or http://<listen address>; an unspecified bind
// address (0.0.0.0) is replaced by the hostname, which the other nodes
// may be able to resolve.
func (c Config) nodeURL() (string, error) {
	if c.NodeURL != "" {
		return c.NodeURL, nil
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "0" || port == "" {
		return "", fmt.Errorf("cluster mode needs NODE_URL (the URL the other nodes reach this one on) when the port is not fixed (listen address %q)", c.Addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		if host, err = os.Hostname(); err != nil {
			return "", fmt.Errorf("cluster mode: set NODE_URL (no hostname: %w)", err)
		}
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// cleanID keeps the characters LongPoll tokens and the PubSub wire format
// allow in a node id.
func cleanID(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
	if len(s) > 40 {
		s = s[:40]
	}
	if s == "" {
		s = "node"
	}
	return s
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lazyPeers lets the socket server, built before the cluster node (whose
// load reports read the server), ask the node once it exists.
type lazyPeers struct{ node atomic.Pointer[cluster.Node] }

func (p *lazyPeers) PeerURL(id string) (*url.URL, bool) {
	if n := p.node.Load(); n != nil {
		return n.PeerURL(id)
	}
	return nil, false
}

// load is what this node reports to the cluster in every heartbeat.
func (st *Stack) load() cluster.Load {
	s := st.Socket.Stats()
	return cluster.Load{
		WebSockets: s.WebSockets, LongPolls: s.LongPollSessions,
		Views: st.Engine.Stats().Views.Load(), ViewsByName: st.Engine.ViewCounts(),
		PubSub: st.PubSubState(),
	}
}

// PubSubState is the state of this node's PubSub link (Clustered false
// for the in-process one).
func (st *Stack) PubSubState() cluster.PubSubState {
	if st.pg == nil {
		return cluster.PubSubState{}
	}
	s := st.pg.Stats()
	return cluster.PubSubState{
		Clustered: true, LinkUp: s.LinkUp, Since: s.Since, LastError: s.LastError, Backlog: s.Backlog,
		QueueUsage: s.QueueUsage, Published: s.Published, Sent: s.Sent, Received: s.Received,
		Dropped: s.Dropped, Reconnects: s.Reconnects,
	}
}

// OnPubSubReconnect registers fn to run when the cluster PubSub's link
// comes back after an outage, during which other nodes' messages were
// missed (a cache fed by invalidation messages should drop itself). It
// does nothing on a single node. fn must return quickly.
func (st *Stack) OnPubSubReconnect(fn func()) {
	if st.pg != nil {
		st.pg.OnReconnect(fn)
	}
}

// ClusterSource is what the dashboard's cluster page reads: the cluster
// node, or nil on a single node (the page then shows this node alone).
func (st *Stack) ClusterSource() dashboard.ClusterSource {
	if st.Cluster == nil {
		return nil
	}
	return st.Cluster
}

// DashboardAuth is the dashboard's authentication from the environment:
// DASHBOARD_PASSWORD, else TASK_PASSWORD; DASHBOARD_USER if set. In
// production without a password the dashboard is disabled.
func DashboardAuth(production bool, getenv func(string) string) dashboard.Auth {
	pw := getenv("DASHBOARD_PASSWORD")
	if pw == "" {
		pw = getenv("TASK_PASSWORD")
	}
	return dashboard.Auth{User: getenv("DASHBOARD_USER"), Password: pw, Production: production}
}

// NodeHeader names, in cluster mode, the node that answered a request.
const NodeHeader = "X-Golive-Node"

// Health serves GET /healthz: 200 "ok" while serving; in cluster mode
// with the node's name and id and the nodes it sees alive, and 503 once
// it is leaving (so a load balancer that checks health stops sending).
func (st *Stack) Health() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if st.Cluster == nil {
			io.WriteString(w, "ok\n")
			return
		}
		var alive []string
		leaving := false
		for _, n := range st.Cluster.Nodes() {
			if n.Self {
				leaving = n.Leaving
			}
			if n.Alive && !n.Leaving {
				alive = append(alive, n.Name)
			}
		}
		if leaving {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "leaving\n")
		} else {
			io.WriteString(w, "ok\n")
		}
		fmt.Fprintf(w, "node: %s\nid: %s\nalive: %s\n", st.Cluster.Name(), st.Cluster.ID(), strings.Join(alive, ","))
	})
}

// waitSent waits until the cluster PubSub has nothing left to send (the
// leave announcement is queued, not sent, when Publish returns), so peers
// hear it before this node's sockets close, and before Close, which could
// drop it.
func (st *Stack) waitSent(ctx context.Context) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for st.pg.Stats().Backlog > 0 {
		select {
		case <-ctx.Done():
			st.Log.Warn("cluster: leave announcement still queued; peers may see this node dead instead of leaving")
			return
		case <-t.C:
		}
	}
}

// Close leaves nothing running: the cluster node and the cluster PubSub
// are closed. Serve calls it; call it for a stack that is never served.
func (st *Stack) Close() {
	st.closeOnce.Do(func() {
		if st.Cluster != nil {
			st.Cluster.Close()
		}
		if st.pg != nil {
			_ = st.pg.Close()
		}
	})
}

// Listener wraps ln so that the socket server's LongPoll parks idle
// connections off net/http (transport.Server.Listener); ServeListener
// does it itself.
func (st *Stack) Listener(ln net.Listener) net.Listener { return st.Socket.Listener(ln) }

// Serve listens and serves until SIGINT/SIGTERM, then drains: sockets are
// told to reconnect and HTTP requests finish within the deadline.
func (st *Stack) Serve(ctx context.Context, h http.Handler) error {
	ln, err := net.Listen("tcp", st.Config.Addr)
	if err != nil {
		st.Close()
		return err
	}
	return st.ServeListener(ctx, ln, h)
}

// httpIdleTimeout closes a keep-alive connection its client left unused
// (net/http keeps it, and its goroutine, forever otherwise); it is the
// LongPoll parking's own idle limit, so every idle connection gets the same.
var httpIdleTimeout = 2 * time.Minute

// ServeListener is Serve on an existing listener (tests use port 0). On
// SIGINT/SIGTERM or ctx ending it stops in this order: leave the cluster
// (peers stop forwarding here), tell sockets to reconnect in batches over
// DrainPeriod, finish HTTP requests, then close the cluster node and
// PubSub. The whole stop is bounded by DrainPeriod plus 10 s.
func (st *Stack) ServeListener(ctx context.Context, ln net.Listener, h http.Handler) error {
	defer st.Close()
	ln = st.Listener(ln)
	var fresh newConns
	srv := &http.Server{
		Handler: st.Handler(h), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: httpIdleTimeout, ConnState: fresh.track,
		MaxHeaderBytes: MaxHeaderBytes, ErrorLog: httpErrorLog(st.Log),
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if st.Config.DebugAddr != "" {
		if _, err := serveDebug(ctx, st.Config.DebugAddr, st.Log); err != nil {
			return err
		}
	}
	attrs := []any{"url", "http://" + ln.Addr().String(), "origin_rule", st.Socket.OriginRule()}
	if st.Cluster != nil {
		attrs = append(attrs, "cluster_node", st.Cluster.Name(), "node_id", st.Cluster.ID(), "drain", st.Config.DrainPeriod)
	}
	st.Log.Info("listening", attrs...)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	st.Log.Info("shutting down", "drain", st.Config.DrainPeriod)
	sctx, cancel := context.WithTimeout(context.Background(), st.Config.DrainPeriod+10*time.Second)
	defer cancel()
	if st.Cluster != nil {
		lctx, lcancel := context.WithTimeout(sctx, 2*time.Second)
		if err := st.Cluster.Leave(lctx); err != nil {
			st.Log.Warn("cluster: leave not announced; peers notice when the heartbeats stop", "error", err)
		} else {
			st.waitSent(lctx)
		}
		lcancel()
	}
	_ = st.Socket.Shutdown(sctx)
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(sctx) }()
	// Shutdown has closed the listener; connections still without a
	// request after a moment are not going to send one here.
	for {
		select {
		case err := <-done:
			return err
		case <-time.After(250 * time.Millisecond):
			fresh.closeSilent(250 * time.Millisecond)
		}
	}
}
