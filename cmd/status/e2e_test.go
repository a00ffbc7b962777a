package main

// End-to-end browser tests of the status app through the real
// phoenix_live_view client in Chromium (assets/e2e/status_browser.mjs).
//
// The test starts the status server in-process, built by newServer as main
// builds it, on a 127.0.0.1 port, with the Symbiont API STAND-IN
// (status/symbiont/standin) on an httptest server, and runs the script:
//
//   - client 1.2 (the bundle pages load by default), every scenario, first
//     over LongPoll (forced as a real page ends up on it: the fallback
//     remembered in sessionStorage), then over WebSocket;
//   - client 1.0 (the line of the Elixir app this replaces), one run of the
//     main scenarios over WebSocket.
//
// The script drives the server through a control server (e2e.Control):
//
//	POST /phase?name=P          start phase P (longpoll, websocket): socket
//	                            requests are counted per phase from now on
//	POST /check                 sample the socket server's gauges into the
//	                            current phase (a page is connected) and
//	                            return them
//	POST /services?set=a:up,…   change the stand-in's services, then run
//	                            ONE Checker.CheckOnce (one publish)
//	POST /mode?endpoint=E&mode=M  put a stand-in endpoint in a mode
//	GET  /calls?endpoint=E      how often the stand-in saw E
//	GET  /stats                 the server's socket and engine counters
//
// After the script (the browser closed), the test checks on the server
// side which transport each phase really used, that every view has ended,
// that the stand-in receives no more progress requests, and that no
// goroutine started during the run is left (goleak against a baseline
// taken before the browser started).

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/dashboard"
	"github.com/cortex-cinegraph/golive/internal/e2e"
	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
	"github.com/cortex-cinegraph/golive/transport"
)

const (
	e2eSecret       = "status-e2e-secret-key-base-0123456789abcdefghijklmnopqrstuvwxyz"
	e2eTaskPassword = "open sesame"
	e2eDashUser     = "ops"
	e2eDashPassword = "dash-e2e-pw"
	e2eToken        = "e2e-bearer-token"
	e2ePoll         = 400 * time.Millisecond
	e2eTimeout      = 800 * time.Millisecond
)

// phase is what the server saw during one phase of the script.
type phase struct {
	Name              string
	WebSocketRequests int64
	LongPollRequests  int64
	Samples           []transport.StatsSnapshot
}

type statusHarness struct {
	t      *testing.T
	cfg    app.Config
	srv    *server
	api    *standin.Server
	apiSrv *httptest.Server
	http   *http.Client
	addr   string
	stop   context.CancelFunc
	done   chan error

	mu     sync.Mutex
	cur    *phase
	phases map[string]*phase
}

func newStatusHarness(t *testing.T, line string) *statusHarness {
	t.Helper()
	api := standin.New()
	api.Token = e2eToken
	api.StepsToComplete = 3
	api.SlowFor = 3 * time.Second
	apiSrv := httptest.NewServer(api)
	t.Cleanup(apiSrv.Close)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{Addr: ln.Addr().String(), SecretKeyBase: []byte(e2eSecret), ClientLine: line}
	client := &http.Client{Transport: &http.Transport{}}
	o := options{
		SymbiontURL: apiSrv.URL, SymbiontToken: e2eToken, TaskPassword: e2eTaskPassword,
		Dashboard:     dashboard.Auth{User: e2eDashUser, Password: e2eDashPassword, Production: true},
		ClientTimeout: e2eTimeout, HTTP: client,
		CheckInterval: -1, // the test publishes with CheckOnce
		PollInterval:  e2ePoll,
	}
	srv, err := newServer(cfg, o, e2e.Logger(t))
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	h := &statusHarness{t: t, cfg: cfg, srv: srv, api: api, apiSrv: apiSrv, http: client, addr: ln.Addr().String(),
		phases: map[string]*phase{}, done: make(chan error, 1)}
	srv.handler = h.count(srv.handler)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() { h.done <- srv.serve(ctx, ln) }()
	t.Cleanup(h.shutdown)
	// Serving (so every server goroutine exists before the baseline).
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res, err := client.Get("http://" + h.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not serving: %v", err)
		}
	}
	// The status page's dead render shows the last known state.
	srv.checker.CheckOnce(context.Background())
	return h
}

func (h *statusHarness) shutdown() {
	h.stop()
	select {
	case err := <-h.done:
		if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			h.t.Errorf("server: %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Errorf("server did not stop within 15 s")
	}
	h.http.CloseIdleConnections()
}

// count counts socket requests by transport for the current phase.
func (h *statusHarness) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/live/") {
			h.mu.Lock()
			if p := h.cur; p != nil {
				switch {
				case strings.HasSuffix(r.URL.Path, "/websocket"):
					p.WebSocketRequests++
				case strings.HasSuffix(r.URL.Path, "/longpoll"):
					p.LongPollRequests++
				}
			}
			h.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (h *statusHarness) control() *e2e.Control {
	ctl := e2e.NewControl(h.t)
	ctl.Handle("POST /phase", func(r *http.Request) (any, error) {
		name := r.URL.Query().Get("name")
		if name != "longpoll" && name != "websocket" {
			return nil, fmt.Errorf("phase %q: want longpoll or websocket", name)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.phases[name] != nil {
			return nil, fmt.Errorf("phase %s started twice", name)
		}
		h.cur = &phase{Name: name}
		h.phases[name] = h.cur
		return h.cur, nil
	})
	ctl.Handle("POST /check", func(*http.Request) (any, error) {
		snap := h.srv.st.Socket.Stats()
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.cur == nil {
			return nil, errors.New("no phase started")
		}
		h.cur.Samples = append(h.cur.Samples, snap)
		return snap, nil
	})
	ctl.Handle("POST /services", func(r *http.Request) (any, error) {
		var svcs []standin.Service
		now := time.Now().UTC().Format(time.RFC3339)
		for _, kv := range strings.Split(r.URL.Query().Get("set"), ",") {
			name, state, ok := strings.Cut(kv, ":")
			if !ok {
				return nil, fmt.Errorf("set=%q: want name:state,…", r.URL.Query().Get("set"))
			}
			s := standin.Service{Name: name, State: state, CheckedAt: now}
			if state != "up" {
				s.Error = name + " is " + state
			}
			svcs = append(svcs, s)
		}
		h.api.SetServices(svcs)
		before := h.api.Calls(standin.EpStatus)
		u := h.srv.checker.CheckOnce(r.Context())
		return map[string]any{"published": len(u.Services), "err": u.Err, "statusCalls": h.api.Calls(standin.EpStatus) - before}, nil
	})
	ctl.Handle("POST /mode", func(r *http.Request) (any, error) {
		q := r.URL.Query()
		h.api.SetMode(q.Get("endpoint"), q.Get("mode"))
		return map[string]string{"endpoint": q.Get("endpoint"), "mode": q.Get("mode")}, nil
	})
	ctl.Handle("GET /calls", func(r *http.Request) (any, error) {
		return map[string]int{"calls": h.api.Calls(r.URL.Query().Get("endpoint"))}, nil
	})
	ctl.Handle("GET /stats", func(*http.Request) (any, error) { return h.stats(), nil })
	return ctl
}

func (h *statusHarness) stats() map[string]any {
	es := h.srv.st.Engine.Stats()
	return map[string]any{
		"socket": h.srv.st.Socket.Stats(),
		"engine": map[string]int64{"Views": es.Views.Load(), "Joins": es.Joins.Load(), "Events": es.Events.Load(),
			"Crashes": es.Crashes.Load(), "MountErrors": es.MountErrors.Load()},
	}
}

// checkPhases verifies on the server side which transport each phase used.
func (h *statusHarness) checkPhases(t *testing.T, names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range names {
		p := h.phases[name]
		if p == nil {
			t.Errorf("%s phase: the script never started it", name)
			continue
		}
		t.Logf("%s phase: %d WebSocket and %d LongPoll requests; gauges sampled while connected: %+v",
			name, p.WebSocketRequests, p.LongPollRequests, p.Samples)
		if len(p.Samples) == 0 {
			t.Errorf("%s phase: no stats sampled while a page was connected", name)
		}
		switch name {
		case "longpoll":
			if p.LongPollRequests == 0 || p.WebSocketRequests != 0 {
				t.Errorf("longpoll phase: %d LongPoll and %d WebSocket requests, want >0 and 0", p.LongPollRequests, p.WebSocketRequests)
			}
			for _, s := range p.Samples {
				if s.LongPollSessions == 0 || s.WebSockets != 0 {
					t.Errorf("longpoll phase: sample with %d LongPoll sessions and %d WebSockets, want >0 and 0", s.LongPollSessions, s.WebSockets)
				}
			}
		case "websocket":
			if p.WebSocketRequests == 0 || p.LongPollRequests != 0 {
				t.Errorf("websocket phase: %d WebSocket and %d LongPoll requests, want >0 and 0", p.WebSocketRequests, p.LongPollRequests)
			}
			for _, s := range p.Samples {
				// LongPoll sessions of the earlier phase may not have
				// expired yet; no new one was opened (checked above).
				if s.WebSockets == 0 {
					t.Errorf("websocket phase: sample with no WebSocket connection: %+v", s)
				}
			}
		}
	}
}

// checkAllViewsEnded waits, after the browser closed, until the server has
// no socket, channel or live view left (LongPoll sessions end at their
// expiry, ~15 s after their last poll), then checks that the stand-in gets
// no more progress requests (no poll timer survived its view) and that no
// goroutine started since baseline is left: no view goroutine, no timer
// goroutine, no API call in flight.
func (h *statusHarness) checkAllViewsEnded(t *testing.T, baseline goleak.Option) {
	t0 := time.Now()
	deadline := t0.Add(25 * time.Second)
	for {
		es := h.srv.st.Engine.Stats()
		ss := h.srv.st.Socket.Stats()
		if es.Views.Load() == 0 && ss.Channels == 0 && ss.WebSockets == 0 && ss.LongPollSessions == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the browser closed: %d live views, %+v still open", es.Views.Load(), ss)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("every view, channel and socket ended %v after the browser closed", time.Since(t0).Round(time.Millisecond))
	calls := h.api.Calls(standin.EpProgress)
	time.Sleep(3 * e2ePoll)
	if got := h.api.Calls(standin.EpProgress); got != calls {
		t.Errorf("progress requests went on after every view ended: %d → %d", calls, got)
	}
	h.http.CloseIdleConnections()
	if err := goleak.Find(baseline); err != nil {
		t.Errorf("goroutines left after every view ended (started during the browser run):\n%v", err)
	}
}

// TestStatusBrowser: see the file comment.
func TestStatusBrowser(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app-1.0.js")
	for _, c := range []struct {
		line, scenarios string
		phases          []string
	}{
		{"1.2", "full", []string{"websocket", "longpoll"}},
		{"1.0", "smoke", []string{"websocket"}},
	} {
		t.Run("client-"+c.line, func(t *testing.T) {
			h := newStatusHarness(t, c.line)
			ctl := h.control()
			env := map[string]string{
				"E2E_URL":           "http://" + h.addr,
				"E2E_CONTROL":       ctl.URL(),
				"CHROMIUM_PATH":     chromium,
				"E2E_CLIENT_LINE":   c.line,
				"E2E_CLIENT_VSN":    h.cfg.ClientVersion(),
				"E2E_SCENARIOS":     c.scenarios,
				"E2E_TRANSPORTS":    strings.Join(c.phases, ","),
				"E2E_TASK_PASSWORD": e2eTaskPassword,
				"E2E_DASH_USER":     e2eDashUser,
				"E2E_DASH_PASSWORD": e2eDashPassword,
				"E2E_POLL_MS":       fmt.Sprint(e2ePoll.Milliseconds()),
			}
			// Everything running now (server, sampler, control server) is
			// the baseline; what the browser run starts must be gone after.
			baseline := goleak.IgnoreCurrent()
			e2e.RunNode(t, "status_browser.mjs", env, 180*time.Second) // under a full test load the run took over 90 s
			h.checkPhases(t, c.phases...)
			h.checkAllViewsEnded(t, baseline)
		})
	}
}
