// Package rrproxy is a round-robin HTTP reverse proxy with no stickiness,
// the plain load balancer of a local cluster (cmd/cluster) and of the
// cluster tests: each request, WebSocket upgrades included, goes to the
// next backend in turn, so a client's requests land on every node.
//
// A backend that cannot be connected to (refused, unreachable) is skipped
// for that request: nothing was sent, so the next backend is tried and a
// stopped node costs new requests nothing. It stays in the rotation: there
// is no health state, so a node that comes back serves at once and a node
// that misbehaves in any other way shows as it is (a 502 for the request
// that hit it, never hidden by a health check).
//
// Request bodies up to 1 MiB are buffered so they can be sent again to the
// next backend; a bigger body is sent to one backend only.
package rrproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// maxReplay is the largest request body kept for a retry on the next
// backend.
const maxReplay = 1 << 20

// Proxy is the round-robin reverse proxy; it is an http.Handler.
type Proxy struct {
	backends  []*url.URL
	next      atomic.Uint64
	transport *http.Transport
	log       *slog.Logger
	errLog    *stdlog.Logger

	mu        sync.Mutex
	lastSkip  map[string]time.Time // rate limit of the "skipped" log line
	served    []atomic.Int64
	skipped   []atomic.Int64
	failed    atomic.Int64
	logWindow time.Duration
}

// New returns a proxy over backends (base URLs such as
// http://127.0.0.1:4001), in rotation order. log may be nil.
func New(backends []string, log *slog.Logger) (*Proxy, error) {
	if len(backends) == 0 {
		return nil, errors.New("rrproxy: no backends")
	}
	if log == nil {
		log = slog.Default()
	}
	p := &Proxy{
		log:       log,
		lastSkip:  map[string]time.Time{},
		served:    make([]atomic.Int64, len(backends)),
		skipped:   make([]atomic.Int64, len(backends)),
		logWindow: 10 * time.Second,
	}
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("rrproxy: backend %q is not an http(s) base URL", b)
		}
		p.backends = append(p.backends, u)
	}
	d := &net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	p.transport = &http.Transport{
		DialContext: d.DialContext,
		// Every held LongPoll request needs its own connection.
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	// httputil's own messages (copy errors after a response started,
	// mostly clients going away) are noise at Info.
	p.errLog = slog.NewLogLogger(log.With("component", "rrproxy").Handler(), slog.LevelDebug)
	return p, nil
}

// Backends are the backends' base URLs, in rotation order.
func (p *Proxy) Backends() []string {
	out := make([]string, len(p.backends))
	for i, b := range p.backends {
		out[i] = b.String()
	}
	return out
}

// Stats are what the proxy did: requests each backend answered (index as
// in Backends), requests it was skipped for, and requests answered 502.
type Stats struct {
	Served, Skipped []int64
	Failed          int64
}

// Stats returns the counters.
func (p *Proxy) Stats() Stats {
	s := Stats{Served: make([]int64, len(p.backends)), Skipped: make([]int64, len(p.backends)), Failed: p.failed.Load()}
	for i := range p.backends {
		s.Served[i], s.Skipped[i] = p.served[i].Load(), p.skipped[i].Load()
	}
	return s
}

// CloseIdleConnections closes the proxy's idle connections to backends.
func (p *Proxy) CloseIdleConnections() { p.transport.CloseIdleConnections() }

// ServeHTTP sends r to the next backend, or to the ones after it when it
// cannot be connected to.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := uint64(len(p.backends))
	first := (p.next.Add(1) - 1) % n
	var body []byte
	replay := true
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxReplay+1))
		if err != nil {
			http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		if len(b) > maxReplay {
			replay = false
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
		} else {
			body = b
		}
	}
	for i := range n {
		idx := (first + i) % n
		target := p.backends[idx]
		last := i == n-1 || !replay
		if replay && body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.TransferEncoding = nil
		}
		retry := false
		rp := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(target)
				// A plain load balancer keeps the Host the browser sent:
				// the nodes check the Origin against it.
				pr.Out.Host = pr.In.Host
				pr.SetXForwarded()
			},
			Transport: p.transport,
			ErrorLog:  p.errLog,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				if r.Context().Err() != nil {
					return // the client went away
				}
				if !last && isDialError(err) {
					retry = true
					return
				}
				p.failed.Add(1)
				p.log.Warn("rrproxy: backend failed", "backend", target.Host, "method", r.Method, "path", r.URL.Path, "error", err)
				http.Error(w, "bad gateway: "+target.Host+": "+err.Error(), http.StatusBadGateway)
			},
		}
		rp.ServeHTTP(w, r)
		if !retry {
			p.served[idx].Add(1)
			return
		}
		p.skipped[idx].Add(1)
		p.logSkip(target.Host)
	}
}

// logSkip logs a skipped backend at most once per window per backend.
func (p *Proxy) logSkip(host string) {
	now := time.Now()
	p.mu.Lock()
	if now.Sub(p.lastSkip[host]) < p.logWindow {
		p.mu.Unlock()
		return
	}
	p.lastSkip[host] = now
	p.mu.Unlock()
	p.log.Info("rrproxy: backend cannot be connected to; requests go to the next one meanwhile", "backend", host)
}

// isDialError reports an error from connecting, before anything was sent.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Serve serves h on ln until ctx ends, then stops: in-flight requests and
// upgraded (WebSocket) connections are cut, and Serve returns once every
// handler has returned.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	var handlers sync.WaitGroup
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlers.Add(1)
			defer handlers.Done()
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		// Request contexts derive from base: cancelling it ends hijacked
		// (upgraded) connections, which Shutdown does not track.
		BaseContext: func(net.Listener) context.Context { return base },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		cancel()
		_ = srv.Close()
		handlers.Wait()
		return err
	case <-ctx.Done():
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Handlers still writing to clients that do not read: closing
		// their connections makes the writes fail.
		_ = srv.Close()
	}
	<-errc
	// Hijacked connections' handlers end once their contexts are
	// cancelled (httputil closes both sides).
	handlers.Wait()
	return err
}
