// Command symbiont-standin runs the Symbiont API STAND-IN (package
// status/symbiont/standin) on loopback, for local demos of the status app
// without the real API. Drive it into error modes with
//
//	curl -X POST 'http://127.0.0.1:8111/_standin/mode?endpoint=submit&mode=http401'
package main

import (
	"flag"
	"log/slog"
	"net/http"
	"os"

	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8111", "listen address (loopback)")
	token := flag.String("token", os.Getenv("SYMBIONT_TOKEN"), "required bearer token (empty: none)")
	flag.Parse()
	s := standin.New()
	s.Token = *token
	slog.Info("Symbiont API stand-in (not the real API) listening", "addr", *addr)
	if err := http.ListenAndServe(*addr, s); err != nil {
		slog.Error("stand-in stopped", "error", err)
		os.Exit(1)
	}
}
