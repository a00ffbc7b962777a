package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
)

func main() { os.Exit(run()) }

func run() int {
	addr := flag.String("addr", "127.0.0.1:4004", "listen address (the suite's baseURL is http://localhost:4004)")
	ipv6 := flag.Bool("ipv6", true, "also listen on [::1] at the same port, since localhost may resolve there first")
	nodeModules := flag.String("node-modules", "assets/node_modules", "the npm packages the layout loads the clients from")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := checkClients(*nodeModules); err != nil {
		fmt.Fprintln(os.Stderr, "e2eapp:", err)
		return 2
	}
	// The suite's app has a fixed secret too: nothing here is kept.
	cfg := app.Config{Addr: *addr, SecretKeyBase: []byte(strings.Repeat("a", 64)), ClientLine: "1.1"}
	st, err := app.New(cfg, log, layout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2eapp:", err)
		return 2
	}
	mountClients(st.Mux, *nodeModules)
	st.Mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	register(st.Engine, st.Mux)

	ln, err := listen(*addr, *ipv6)
	if err != nil {
		st.Close()
		fmt.Fprintln(os.Stderr, "e2eapp:", err)
		return 2
	}
	if err := st.ServeListener(context.Background(), ln, st.Mux); err != nil && !errors.Is(err, net.ErrClosed) {
		fmt.Fprintln(os.Stderr, "e2eapp:", err)
		return 1
	}
	return 0
}

// clientFiles are the npm files the layout loads, by URL path.
var clientFiles = map[string]string{
	"/assets/phoenix/":           "phoenix/priv/static",
	"/assets/phoenix_live_view/": "phoenix_live_view_1_1/priv/static",
}

func checkClients(dir string) error {
	for _, f := range []string{"phoenix/priv/static/phoenix.min.js", "phoenix_live_view_1_1/priv/static/phoenix_live_view.esm.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("%v (run `make assets`, or give -node-modules)", err)
		}
	}
	return nil
}

func mountClients(mux *http.ServeMux, dir string) {
	for prefix, sub := range clientFiles {
		mux.Handle("GET "+prefix, http.StripPrefix(prefix, http.FileServer(http.Dir(filepath.Join(dir, sub)))))
	}
	mux.HandleFunc("GET /assets/colocated/index.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("content-type", "text/javascript")
		_, _ = io.WriteString(w, colocatedJS)
	})
}

// listen listens on addr and, when asked, on the IPv6 loopback at the
// same port (loopback only either way).
func listen(addr string, ipv6 bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if !ipv6 {
		return ln, nil
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln6, err := net.Listen("tcp", net.JoinHostPort("::1", port))
	if err != nil {
		return ln, nil // no IPv6 loopback here: IPv4 alone
	}
	return newMultiListener(ln, ln6), nil
}

// multiListener accepts from several listeners as one.
type multiListener struct {
	lns   []net.Listener
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newMultiListener(lns ...net.Listener) *multiListener {
	m := &multiListener{lns: lns, conns: make(chan net.Conn), done: make(chan struct{})}
	for _, ln := range lns {
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					m.Close()
					return
				}
				select {
				case m.conns <- c:
				case <-m.done:
					c.Close()
					return
				}
			}
		}()
	}
	return m
}

func (m *multiListener) Accept() (net.Conn, error) {
	select {
	case c := <-m.conns:
		return c, nil
	case <-m.done:
		return nil, net.ErrClosed
	}
}

func (m *multiListener) Close() error {
	m.once.Do(func() {
		close(m.done)
		for _, ln := range m.lns {
			ln.Close()
		}
	})
	return nil
}

func (m *multiListener) Addr() net.Addr { return m.lns[0].Addr() }
