// Package app is the wiring the server commands share: configuration from
// the environment, the socket server, the live engine, assets, logging and
// graceful shutdown.
package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/assets"
	"github.com/cortex-cinegraph/golive/live"
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
	return c, nil
}

// Script is the bundle for the configured client line.
func (c Config) Script() string {
	switch c.ClientLine {
	case "1.0":
		return "/assets/app-1.0.js"
	case "1.1":
		return "/assets/app-1.1.js"
	}
	return "/assets/app.js"
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
}

// New builds the stack. layout may be nil.
func New(c Config, log *slog.Logger, layout func(live.Page) templ.Component) (*Stack, error) {
	origins, err := transport.NewOriginPolicy(c.CheckOrigin, c.PhxHost)
	if err != nil {
		return nil, fmt.Errorf("CHECK_ORIGIN/PHX_HOST: %w", err)
	}
	sessions := transport.NewSessions(c.derive("session"))
	router := &transport.Router{}
	sock := transport.NewServer(transport.Config{
		Router: router, Origin: origins, Sessions: sessions, Secret: c.derive("longpoll"), Logger: log,
	})
	eng, err := live.New(live.Config{
		Secret: c.derive("live"), Sessions: sessions, Router: router, Logger: log,
		Script: c.Script(), ClientVersion: c.ClientVersion(), Layout: layout,
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/live/", sock)
	if !assets.Built() {
		log.Warn("browser bundles are missing: run `make assets` (pages render but will not go live)")
	}
	mux.Handle("GET /assets/", http.StripPrefix("/assets", assets.Handler()))
	return &Stack{Config: c, Log: log, Mux: mux, Router: router, Socket: sock, Engine: eng, Origins: origins}, nil
}

// Serve listens and serves until SIGINT/SIGTERM, then drains: sockets are
// told to reconnect and HTTP requests finish within the deadline.
func (st *Stack) Serve(ctx context.Context, h http.Handler) error {
	ln, err := net.Listen("tcp", st.Config.Addr)
	if err != nil {
		return err
	}
	return st.ServeListener(ctx, ln, h)
}

// ServeListener is Serve on an existing listener (tests use port 0).
func (st *Stack) ServeListener(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	st.Log.Info("listening", "url", "http://"+ln.Addr().String(), "origin_rule", st.Socket.OriginRule())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	st.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = st.Socket.Shutdown(sctx)
	return srv.Shutdown(sctx)
}
