package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug serves net/http/pprof on addr (DEBUG_ADDR) until ctx ends:
// a separate listener, so the profiles are never on the public port, and
// loopback only, as they expose the process's memory and goroutines.
// The soak benchmark takes heap profiles through it.
func serveDebug(ctx context.Context, addr string, log *slog.Logger) (net.Addr, error) {
	if err := loopbackOnly(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("DEBUG_ADDR=%s: %w", addr, err)
	}
	mux := http.NewServeMux()
	HandlePprof(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: httpIdleTimeout}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("debug: net/http/pprof listening (DEBUG_ADDR)", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr(), nil
}

// HandlePprof registers net/http/pprof's handlers under /debug/pprof/ on
// mux (the load-test servers put them on their own loopback port).
func HandlePprof(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}

// loopbackOnly refuses a DEBUG_ADDR that other machines could reach.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("DEBUG_ADDR=%q: want host:port on loopback, e.g. 127.0.0.1:6060: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New("DEBUG_ADDR=" + addr + ": profiles expose the process's memory, so only a loopback address (127.0.0.1, ::1, localhost) is accepted")
}
