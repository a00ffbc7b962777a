package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// AssetHandler serves the built bundles of assets/dist under /assets/ (mount
// it on "/assets/"): /assets/phoenix.js is window.Phoenix, /assets/app.js
// the LiveView client. Responses are never cached, so a test always runs
// the bundle on disk. If the assets directory cannot be found every request
// gets a 500 naming the problem.
func AssetHandler() http.Handler {
	dir, err := AssetsDir()
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	fs := http.StripPrefix("/assets/", http.FileServer(http.Dir(filepath.Join(dir, "dist"))))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/assets/") || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		fs.ServeHTTP(w, r)
	})
}

// PhoenixPage returns a handler for a minimal HTML page that loads
// /assets/phoenix.js (window.Phoenix) and then runs script, if any, as a
// classic inline script. Tests drive the page further with Playwright's
// page.evaluate. The page has an empty favicon so the browser makes no
// request the test did not ask for.
func PhoenixPage(title, script string) http.Handler {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title><link rel=\"icon\" href=\"data:,\"></head>\n<body><h1>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</h1>\n<script src=\"/assets/phoenix.js\"></script>\n")
	if script != "" {
		// Only "</script" could end the element early.
		b.WriteString("<script>\n")
		b.WriteString(strings.ReplaceAll(script, "</script", `<\/script`))
		b.WriteString("\n</script>\n")
	}
	b.WriteString("</body></html>\n")
	page := []byte(b.String())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(page)
	})
}

// Server is an HTTP server on a loopback port that a test can stop and
// start again on the same port, to check that clients reconnect. Its
// cleanup stops it.
type Server struct {
	handler http.Handler
	addr    string                          // 127.0.0.1:port, fixed by the first listen
	wrap    func(net.Listener) net.Listener // e.g. the socket server's Listener

	mu    sync.Mutex
	hs    *http.Server
	conns map[net.Conn]struct{} // including hijacked (WebSocket) ones
}

// NewServer starts h on 127.0.0.1 on a free port.
func NewServer(t testing.TB, h http.Handler) *Server {
	t.Helper()
	return NewServerWith(t, h, nil)
}

// NewServerWith is NewServer with each listener (the first, and after a
// restart) wrapped by wrap, as the binaries wrap theirs with the socket
// server's Listener so LongPoll parks its connections.
func NewServerWith(t testing.TB, h http.Handler, wrap func(net.Listener) net.Listener) *Server {
	t.Helper()
	s := &Server{handler: h, wrap: wrap}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(func() { s.Stop(false) })
	return s
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Port is the listening port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// URL is "http://127.0.0.1:port".
func (s *Server) URL() string { return "http://" + s.addr }

func (s *Server) serve(ln net.Listener) {
	if s.wrap != nil {
		ln = s.wrap(ln)
	}
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(c net.Conn, st http.ConnState) {
			s.mu.Lock()
			defer s.mu.Unlock()
			switch st {
			case http.StateNew:
				s.conns[c] = struct{}{}
			case http.StateClosed:
				delete(s.conns, c)
			}
		},
	}
	s.mu.Lock()
	s.hs = hs
	s.conns = make(map[net.Conn]struct{})
	s.mu.Unlock()
	go hs.Serve(ln)
}

// Stop closes the listener and every connection. Graceful waits up to two
// seconds for requests in progress first (http.Server.Shutdown); hijacked
// connections such as WebSockets are cut either way, so graceful WebSocket
// closes are the application's job (e.g. the socket server's Shutdown)
// before calling Stop. Abrupt is a crash as clients see it: connections
// reset with no response and no close frame.
func (s *Server) Stop(graceful bool) {
	s.mu.Lock()
	hs := s.hs
	s.hs = nil
	s.mu.Unlock()
	if hs == nil {
		return
	}
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = hs.Shutdown(ctx)
		cancel()
	}
	_ = hs.Close()
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for c := range conns {
		if tc, ok := c.(*net.TCPConn); ok && !graceful {
			_ = tc.SetLinger(0) // RST, as a crashed process's kernel sends
		}
		_ = c.Close()
	}
}

// Start listens again on the same port after Stop. It retries for a
// moment if the port is still taken.
func (s *Server) Start() error {
	s.mu.Lock()
	running := s.hs != nil
	s.mu.Unlock()
	if running {
		return errors.New("e2e: server already running")
	}
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(3 * time.Second); ; {
		ln, err = net.Listen("tcp", s.addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("e2e: listen again on %s: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
}

// Control is a loopback JSON server through which a Node script talks to
// the Go test: it reads server-side counters or asks for a restart. Each
// handler returns a value to encode, or an error (answered 500 with
// {"error": "..."}).
type Control struct {
	srv *Server
	mux *http.ServeMux
}

// NewControl starts an empty control server; add endpoints with Handle.
func NewControl(t testing.TB) *Control {
	t.Helper()
	c := &Control{mux: http.NewServeMux()}
	c.srv = NewServer(t, c.mux)
	return c
}

// URL is the control server's base URL; scripts get it as E2E_CONTROL.
func (c *Control) URL() string { return c.srv.URL() }

// Handle registers f for pattern (an http.ServeMux pattern such as
// "GET /stats" or "POST /restart").
func (c *Control) Handle(pattern string, f func(r *http.Request) (any, error)) {
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			v = map[string]string{"error": err.Error()}
		}
		_ = json.NewEncoder(w).Encode(v)
	})
}
