// Command echoserver serves the socket transport with the echo channel, for
// load tests and benchmarks (cmd/loadgen, cmd/bench).
//
//	echoserver [-addr 127.0.0.1:0] [-pprof] [-log-level info]
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
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	withPprof := flag.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/")
	memRate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate (0 keeps the default, 512 KiB)")
	level := flag.String("log-level", "info", "log level: debug, info, warn, error")
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
	if err := run(*addr, *withPprof, log); err != nil {
		log.Error("echoserver failed", "error", err)
		os.Exit(1)
	}
}

func run(addr string, withPprof bool, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q: only loopback addresses (the origin check is off)", addr)
	}
	nofile := socketload.RaiseFileLimit()

	secret := make([]byte, 32)
	rand.Read(secret)
	router := &transport.Router{}
	echo.Register(router, "echo:*", nil)
	srv := transport.NewServer(transport.Config{
		Router: router,
		Secret: secret,
		Origin: transport.OriginOff(),
		Logger: log,
	})
	log.Warn("origin check is OFF for this test server (loopback only)", "origin_rule", srv.OriginRule())

	mux := http.NewServeMux()
	mux.Handle("/socket/", srv)
	mux.Handle("GET /debug/mem", socketload.MemHandler(srv))
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Info("echoserver listening", "addr", ln.Addr().String(), "socket", "/socket", "channel", "echo:*",
		"pprof", withPprof, "nofile", nofile, "gomaxprocs", runtime.GOMAXPROCS(0))

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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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
