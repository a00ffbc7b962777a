// Command liveserver serves the live examples (/examples/counter,
// /examples/grid, …) exactly as cmd/server registers them, without the
// movies pages or a database, for the live benchmarks (cmd/bench).
//
//	liveserver [-addr 127.0.0.1:0] [-line 1.2] [-pprof] [-log-level warn] [-upload-dir DIR]
//
// It listens on loopback only, with the socket origin check OFF, and adds:
//
//	GET /debug/mem[?gc=1][&free=1]  the same JSON as cmd/echoserver's
//	                                (runtime.MemStats figures, goroutines,
//	                                VmRSS, transport Stats) plus CPUNs, the
//	                                process's user+system CPU time
//	                                (getrusage) in nanoseconds;
//	/debug/pprof/…                  net/http/pprof, with -pprof only.
//
// The first line on stdout is "listening on HOST:PORT". SIGTERM or SIGINT
// drains the sockets and exits.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/views"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	line := flag.String("line", "1.2", "client line the pages load (LV_CLIENT): 1.2, 1.1 or 1.0")
	withPprof := flag.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/")
	memRate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate (0 keeps the default, 512 KiB)")
	level := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	uploadDir := flag.String("upload-dir", "", "temporary files of live uploads (default: the system's temp dir)")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintln(os.Stderr, "liveserver: -log-level:", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	if *memRate > 0 {
		runtime.MemProfileRate = *memRate
	}
	if err := run(*addr, *line, *uploadDir, *withPprof, log); err != nil {
		log.Error("liveserver failed", "error", err)
		os.Exit(1)
	}
}

func run(addr, line, uploadDir string, withPprof bool, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q: only loopback addresses (the origin check is off)", addr)
	}
	socketload.RaiseFileLimit()
	secret := make([]byte, 48)
	_, _ = rand.Read(secret)
	st, err := app.New(app.Config{
		Addr: addr, SecretKeyBase: secret, CheckOrigin: "false", ClientLine: line, UploadDir: uploadDir,
	}, log, views.Layout)
	if err != nil {
		return err
	}
	examples.Register(st.Engine, st.Mux)
	st.Mux.Handle("GET /debug/mem", socketload.MemHandler(st.Socket))
	if withPprof {
		app.HandlePprof(st.Mux)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	return st.ServeListener(context.Background(), ln, st.Mux)
}
