// Command echoserver serves the socket transport with the echo channel, for
// load tests and benchmarks (cmd/loadgen, cmd/bench).
//
//	echoserver [-addr 127.0.0.1:0] [-pprof] [-log-level info]
//	           [-node ID -peers ID=http://HOST:PORT,…] [-drain 0s]
//
// With -node and -peers it is one node of a cluster (transport Config.NodeID
// and Peers): a LongPoll request whose token names another node is
// forwarded there. Tokens verify on every node only when the nodes share
// the secret: set ECHOSERVER_SECRET (at least 32 characters) to the same
// value on each; unset, every start uses a random one. -drain spreads the
// shutdown's reconnect signals over that long (Config.DrainPeriod).
//
// It mounts the transport server at /socket (so /socket/websocket and
// /socket/longpoll) with the echo channel on "echo:*", the origin check
// OFF (it is a loopback test server), and:
//
//	GET /debug/mem[?gc=1][&free=1]  runtime.MemStats figures (HeapInuse,
//	                                StackInuse, Sys, NumGC, TotalAlloc…),
//	                                goroutines, VmRSS and the transport
//	                                Stats, as JSON;
//	                                gc=1 forces runtime.GC() first, free=1
//	                                also returns freed memory to the OS.
//	/debug/pprof/…                  net/http/pprof, with -pprof only.
//
// The first line on stdout is "listening on HOST:PORT". SIGTERM or SIGINT
// shuts the transport down (clients are told to reconnect) and exits.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	withPprof := flag.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/")
	park := flag.Bool("lp-park", true, "park idle LongPoll connections off net/http (transport.Server.Listener); false holds them as net/http does")
	memRate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate (0 keeps the default, 512 KiB)")
	level := flag.String("log-level", "info", "log level: debug, info, warn, error")
	var cl clusterFlags
	flag.StringVar(&cl.node, "node", "", "this node's id in LongPoll tokens (default random)")
	flag.Var(&cl.peers, "peers", "the other nodes, `id=http://host:port,…` (LongPoll requests for their sessions are forwarded)")
	flag.DurationVar(&cl.drain, "drain", 0, "spread shutdown's reconnect signals over this long")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintln(os.Stderr, "echoserver: -log-level:", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	if *memRate > 0 {
		runtime.MemProfileRate = *memRate
	}
	if err := run(*addr, *withPprof, *park, cl, log); err != nil {
		log.Error("echoserver failed", "error", err)
		os.Exit(1)
	}
}

// clusterFlags make the server one node of a cluster.
type clusterFlags struct {
	node  string
	peers staticPeers
	drain time.Duration
}

// staticPeers is a fixed cluster membership from the command line.
type staticPeers map[string]*url.URL

// PeerURL implements transport.Peers.
func (p staticPeers) PeerURL(node string) (*url.URL, bool) {
	u, ok := p[node]
	return u, ok
}

func (p *staticPeers) String() string {
	var parts []string
	for id, u := range *p {
		parts = append(parts, id+"="+u.String())
	}
	return strings.Join(parts, ",")
}

func (p *staticPeers) Set(v string) error {
	if *p == nil {
		*p = staticPeers{}
	}
	for _, item := range strings.Split(v, ",") {
		id, raw, ok := strings.Cut(strings.TrimSpace(item), "=")
		u, err := url.Parse(raw)
		if !ok || id == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("peer %q: want id=http://host:port", item)
		}
		(*p)[id] = u
	}
	return nil
}

func run(addr string, withPprof, park bool, cl clusterFlags, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q: only loopback addresses (the origin check is off)", addr)
	}
	nofile := socketload.RaiseFileLimit()

	secret := []byte(os.Getenv("ECHOSERVER_SECRET"))
	switch {
	case len(secret) == 0:
		secret = make([]byte, 32)
		rand.Read(secret)
	case len(secret) < 32:
		return errors.New("ECHOSERVER_SECRET must be at least 32 characters")
	}
	router := &transport.Router{}
	echo.Register(router, "echo:*", nil)
	cfg := transport.Config{
		Router:      router,
		Secret:      secret,
		Origin:      transport.OriginOff(),
		Logger:      log,
		NodeID:      cl.node,
		DrainPeriod: cl.drain,
	}
	if len(cl.peers) > 0 {
		// A nil map in the interface would still be non-nil: set it only
		// when there are peers.
		cfg.Peers = cl.peers
	}
	srv := transport.NewServer(cfg)
	log.Warn("origin check is OFF for this test server (loopback only)", "origin_rule", srv.OriginRule())

	mux := http.NewServeMux()
	mux.Handle("/socket/", srv)
	mux.Handle("GET /debug/mem", socketload.MemHandler(srv))
	if withPprof {
		app.HandlePprof(mux)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if park {
		ln = srv.Listener(ln)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Info("echoserver listening", "addr", ln.Addr().String(), "socket", "/socket", "channel", "echo:*",
		"pprof", withPprof, "nofile", nofile, "gomaxprocs", runtime.GOMAXPROCS(0),
		"node", cl.node, "peers", cl.peers.String())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second+cl.drain)
	defer cancel()
	t0 := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("transport shutdown incomplete", "error", err)
	}
	t1 := time.Now()
	if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown incomplete", "error", err)
		hs.Close()
	}
	log.Info("stopped", "transport_shutdown", t1.Sub(t0).Round(time.Millisecond).String(),
		"http_shutdown", time.Since(t1).Round(time.Millisecond).String())
	return nil
}
