package main

// End-to-end browser tests of the live examples through the real
// phoenix_live_view client, for every client line the server supports (1.0,
// 1.1, 1.2), each over WebSocket and over LongPoll.
//
// Per client line the test starts the server in-process (app.New plus the
// examples, as main does) on a 127.0.0.1 port with a fixed
// SECRET_KEY_BASE, and runs assets/e2e/live_browser.mjs once: one Chromium,
// both transports. The script reaches the test through a control server
// (internal/e2e.Control):
//
//	POST /phase?name=R    start run R (see liveRunNames): socket requests
//	                      are counted for it from now on
//	POST /check?name=R    sample the socket server's gauges now (a page is
//	                      connected) into run R and return the run's record
//	POST /restart?mode=M&downMs=N
//	                      replace the server by a NEW one (new app.Stack,
//	                      same port, same secret); see liveHarness.restart
//	GET  /stats           the current server's socket and engine stats
//
// After the script, the test checks on the server side which transport
// each run really used: requests to /live/websocket and /live/longpoll as
// the handler saw them, and the socket server's gauges sampled while a page
// was connected.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/transport"
)

// liveE2ESecret is the fixed SECRET_KEY_BASE of every server a test starts,
// so tokens, session cookies and LongPoll tokens of the first server stay
// valid on the restarted one.
const liveE2ESecret = "e2e-live-browser-secret-key-base-0123456789abcdef"

// liveRun is what the server saw during one run of the script.
type liveRun struct {
	Name string
	// Segments counts the requests to the socket endpoint by transport,
	// whatever their outcome, per server: one segment for the server the
	// run started on and one more after each restart.
	Segments []liveSegment
	// Samples of the socket server's gauges taken while a page was
	// connected.
	Samples []transport.StatsSnapshot
}

type liveSegment struct {
	Restart           string // "" for the first, else the restart mode
	WebSocketRequests int64
	LongPollRequests  int64
	// OldServerRequests were served by a replaced server (on a connection
	// opened before the restart).
	OldServerRequests int64
}

func (r *liveRun) total() (ws, lp int64) {
	for _, s := range r.Segments {
		ws += s.WebSocketRequests
		lp += s.LongPollRequests
	}
	return ws, lp
}

type liveHarness struct {
	t    *testing.T
	cfg  app.Config
	log  *slog.Logger
	addr string

	restartMu sync.Mutex // one restart at a time

	mu      sync.Mutex
	st      *app.Stack
	ln      net.Listener
	stop    context.CancelFunc
	done    chan error
	servers int
	run     *liveRun
	runs    map[string]*liveRun
}

// liveRunNames are the runs the script makes, in order. "websocket-stop"
// is the WebSocket recovery test through a real outage: phoenix.js falls
// back to LongPoll when its first reconnect attempt fails, so that run may
// end on LongPoll; it is checked separately, and comes last so that the
// LongPoll sessions it may leave behind cannot show in the longpoll run's
// gauges.
var liveRunNames = []string{"websocket", "longpoll", "websocket-stop"}

func newLiveHarness(t *testing.T, line string) *liveHarness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &liveHarness{
		t:    t,
		log:  e2e.Logger(t),
		addr: ln.Addr().String(),
		cfg: app.Config{
			Addr:          ln.Addr().String(),
			SecretKeyBase: []byte(liveE2ESecret),
			ClientLine:    line,
		},
		runs: map[string]*liveRun{},
	}
	if err := h.start(ln); err != nil {
		ln.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.shutdown(); err != nil {
			t.Errorf("server shutdown: %v", err)
		}
	})
	return h
}

// start builds a new Stack, as main does, and serves it on ln with
// Stack.ServeListener.
func (h *liveHarness) start(ln net.Listener) error {
	st, err := app.New(h.cfg, h.log, nil)
	if err != nil {
		return err
	}
	examples.Register(st.Engine, st.Mux)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	h.mu.Lock()
	h.st, h.ln, h.stop, h.done = st, ln, cancel, done
	h.servers++
	h.mu.Unlock()
	go func() { done <- st.ServeListener(ctx, ln, h.handler(st)) }()
	return nil
}

// handler counts the socket requests for the current run, then serves st.
func (h *liveHarness) handler(st *app.Stack) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/live/") {
			h.mu.Lock()
			if run := h.run; run != nil {
				seg := &run.Segments[len(run.Segments)-1]
				if st != h.st {
					seg.OldServerRequests++
				}
				switch {
				case strings.HasSuffix(r.URL.Path, "/websocket"):
					seg.WebSocketRequests++
				case strings.HasSuffix(r.URL.Path, "/longpoll"):
					seg.LongPollRequests++
				}
			}
			h.mu.Unlock()
		}
		st.Mux.ServeHTTP(w, r)
	})
}

// detach forgets the current server and returns what stops it.
func (h *liveHarness) detach() (*app.Stack, net.Listener, context.CancelFunc, chan error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ln, stop, done := h.st, h.ln, h.stop, h.done
	h.stop, h.done = nil, nil
	return st, ln, stop, done
}

func waitServe(done chan error) error {
	select {
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
			err = nil
		}
		return err
	case <-time.After(15 * time.Second):
		return errors.New("ServeListener did not return within 15 s")
	}
}

// shutdown cancels the current server's context and waits for
// ServeListener to return (the socket server drains, then HTTP shuts
// down).
func (h *liveHarness) shutdown() error {
	_, _, stop, done := h.detach()
	if stop == nil {
		return nil
	}
	stop()
	return waitServe(done)
}

// listenAgain listens on the harness's port, retrying while it is taken.
func (h *liveHarness) listenAgain() (net.Listener, error) {
	for deadline := time.Now().Add(5 * time.Second); ; {
		ln, err := net.Listen("tcp", h.addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			if err != nil {
				return nil, fmt.Errorf("listening again on %s: %w", h.addr, err)
			}
			return ln, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restart replaces the server by a NEW one (new Stack, same port, same
// secret). Modes:
//
//   - "stop": the old server's context is cancelled (ServeListener drains
//     the socket server, then shuts HTTP down), the port stays closed for
//     down, then the new server starts. Clients see a real outage.
//   - "swap": the old listener is closed (ServeListener returns), the new
//     server starts on the port, and only then is the old socket server
//     drained: its clients are told to reconnect and find the new server
//     at once, as in a deploy with socket hand-over.
func (h *liveHarness) restart(mode string, down time.Duration) error {
	h.restartMu.Lock()
	defer h.restartMu.Unlock()
	t0 := time.Now()
	var drained time.Duration
	switch mode {
	case "stop":
		if err := h.shutdown(); err != nil {
			return fmt.Errorf("stopping the server: %w", err)
		}
		drained = time.Since(t0)
		time.Sleep(down)
		ln, err := h.listenAgain()
		if err != nil {
			return err
		}
		if err := h.start(ln); err != nil {
			ln.Close()
			return err
		}
	case "swap":
		old, oldLn, stop, done := h.detach()
		if stop == nil {
			return errors.New("no server running")
		}
		oldLn.Close()
		err := waitServe(done)
		stop()
		if err != nil {
			return fmt.Errorf("old server: %w", err)
		}
		ln, err := h.listenAgain()
		if err != nil {
			return err
		}
		if err := h.start(ln); err != nil {
			ln.Close()
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = old.Socket.Shutdown(ctx)
		cancel()
		if err != nil {
			return fmt.Errorf("draining the old socket server: %w", err)
		}
		drained = time.Since(t0)
	default:
		return fmt.Errorf("restart mode %q: want stop or swap", mode)
	}
	h.mu.Lock()
	if h.run != nil {
		h.run.Segments = append(h.run.Segments, liveSegment{Restart: mode})
	}
	h.mu.Unlock()
	h.t.Logf("server restarted (%s) on %s: old server stopped after %v, down %v", mode, h.addr,
		drained.Round(time.Millisecond), down)
	return nil
}

func (h *liveHarness) stack() *app.Stack {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st
}

func (h *liveHarness) control() *e2e.Control {
	ctl := e2e.NewControl(h.t)
	runName := func(r *http.Request) (string, error) {
		name := r.URL.Query().Get("name")
		if !slices.Contains(liveRunNames, name) {
			return "", fmt.Errorf("run name %q: want one of %v", name, liveRunNames)
		}
		return name, nil
	}
	ctl.Handle("POST /phase", func(r *http.Request) (any, error) {
		name, err := runName(r)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.runs[name] != nil {
			return nil, fmt.Errorf("run %s started twice", name)
		}
		h.run = &liveRun{Name: name, Segments: []liveSegment{{}}}
		h.runs[name] = h.run
		return h.run, nil
	})
	ctl.Handle("POST /check", func(r *http.Request) (any, error) {
		name, err := runName(r)
		if err != nil {
			return nil, err
		}
		snap := h.stack().Socket.Stats()
		h.mu.Lock()
		defer h.mu.Unlock()
		run := h.runs[name]
		if run == nil || run != h.run {
			return nil, fmt.Errorf("run %s is not the current run", name)
		}
		run.Samples = append(run.Samples, snap)
		return run, nil
	})
	ctl.Handle("POST /restart", func(r *http.Request) (any, error) {
		down, _ := strconv.Atoi(r.URL.Query().Get("downMs"))
		if err := h.restart(r.URL.Query().Get("mode"), time.Duration(down)*time.Millisecond); err != nil {
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		return map[string]int{"servers": h.servers}, nil
	})
	ctl.Handle("GET /stats", func(*http.Request) (any, error) {
		st := h.stack()
		es := st.Engine.Stats()
		return map[string]any{
			"socket": st.Socket.Stats(),
			"engine": map[string]int64{
				"Views": es.Views.Load(), "Joins": es.Joins.Load(), "JoinErrors": es.JoinErrors.Load(),
				"MountErrors": es.MountErrors.Load(), "Events": es.Events.Load(), "DeadRenders": es.DeadRenders.Load(),
				"Crashes": es.Crashes.Load(),
			},
		}, nil
	})
	return ctl
}

// checkRuns verifies on the server side which transport each run used.
func (h *liveHarness) checkRuns(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range liveRunNames {
		run := h.runs[name]
		if run == nil {
			t.Errorf("%s run: the script never started it", name)
			continue
		}
		t.Logf("%s run: socket requests per server %+v; gauges sampled while connected %+v", name, run.Segments, run.Samples)
		if len(run.Segments) < 2 {
			t.Errorf("%s run: the server was never restarted (recovery test missing)", name)
			continue
		}
		ws, lp := run.total()
		switch name {
		case "websocket":
			// WebSocket only, on every server.
			for i, s := range run.Segments {
				if s.WebSocketRequests == 0 {
					t.Errorf("websocket run, server %d: no WebSocket request", i)
				}
			}
			if lp != 0 {
				t.Errorf("websocket run: %d LongPoll requests, want none", lp)
			}
			if len(run.Samples) == 0 {
				t.Errorf("websocket run: no stats sampled while a page was connected")
			}
			for _, s := range run.Samples {
				if s.WebSockets == 0 || s.LongPollSessions != 0 {
					t.Errorf("websocket run: sample with %d WebSockets and %d LongPoll sessions, want >0 and 0",
						s.WebSockets, s.LongPollSessions)
				}
			}
		case "websocket-stop":
			// WebSocket until the outage; after it, whatever the client
			// chose (reported).
			if s := run.Segments[0]; s.WebSocketRequests == 0 || s.LongPollRequests != 0 {
				t.Errorf("websocket-stop run before the restart: %d WebSocket and %d LongPoll requests, want >0 and 0",
					s.WebSocketRequests, s.LongPollRequests)
			}
			last := run.Segments[len(run.Segments)-1]
			if last.WebSocketRequests+last.LongPollRequests == 0 {
				t.Errorf("websocket-stop run: no socket request to the restarted server")
			}
			t.Logf("websocket-stop run: after the outage the client reconnected with %d WebSocket and %d LongPoll requests",
				last.WebSocketRequests, last.LongPollRequests)
		case "longpoll":
			// LongPoll only, on every server.
			for i, s := range run.Segments {
				if s.LongPollRequests == 0 {
					t.Errorf("longpoll run, server %d: no LongPoll request", i)
				}
			}
			if ws != 0 {
				t.Errorf("longpoll run: %d WebSocket requests, want none", ws)
			}
			if len(run.Samples) == 0 {
				t.Errorf("longpoll run: no stats sampled while a page was connected")
			}
			for _, s := range run.Samples {
				if s.LongPollSessions == 0 || s.WebSockets != 0 {
					t.Errorf("longpoll run: sample with %d LongPoll sessions and %d WebSockets, want >0 and 0",
						s.LongPollSessions, s.WebSockets)
				}
			}
		}
	}
}

// TestLiveBrowser drives the live examples with the real phoenix_live_view
// client in Chromium, per client line, over WebSocket and LongPoll.
func TestLiveBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.1.js", "app-1.0.js")
	for _, line := range []string{"1.0", "1.1", "1.2"} {
		t.Run("client-"+line, func(t *testing.T) {
			t.Parallel()
			h := newLiveHarness(t, line)
			ctl := h.control()
			env := map[string]string{
				"E2E_URL":         "http://" + h.addr,
				"E2E_CONTROL":     ctl.URL(),
				"CHROMIUM_PATH":   chromium,
				"E2E_CLIENT_LINE": line,
				"E2E_CLIENT_VSN":  h.cfg.ClientVersion(),
			}
			// The server-side transport checks run even if the script
			// failed (RunNode then ends the test with t.Fatal).
			if os.Getenv("E2E_ONLY") == "" && os.Getenv("E2E_TRANSPORTS") == "" {
				defer h.checkRuns(t)
			}
			e2e.RunNode(t, "live_browser.mjs", env, 210*time.Second)
		})
	}
}
