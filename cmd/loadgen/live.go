package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// liveFlags are the -live-path mode's settings.
type liveFlags struct {
	path        string
	clients     int
	reconnect   bool
	heartbeat   time.Duration
	joinTimeout time.Duration
	waitJoined  time.Duration
	progress    time.Duration
	event       string

	// shared with the socket mode
	url              string
	transport        string
	concurrency      int
	rate             float64
	duration, warmup time.Duration
	hold             time.Duration
	json             bool
}

// liveOutput is what -json prints in -live-path mode.
type liveOutput struct {
	Base      string                        `json:"base"`
	Path      string                        `json:"path"`
	Pages     socketload.LivePhase          `json:"pages"`
	Joins     socketload.LivePhase          `json:"joins"`
	Traffic   *socketload.LiveTrafficResult `json:"traffic,omitempty"`
	Reconnect socketload.LiveReconnectStats `json:"reconnect"`
	AllJoined bool                          `json:"all_joined"` // every client joined at the end
	Clients   []socketload.LiveClientStats  `json:"clients_not_joined,omitempty"`
	Error     string                        `json:"error,omitempty"`
}

// runLive runs the live clients and returns the exit code: 0 when every
// client is joined at the end and nothing failed.
func runLive(ctx context.Context, f liveFlags) int {
	u, err := url.Parse(f.url)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		fmt.Fprintf(os.Stderr, "loadgen: -url %q: want http://host:port\n", f.url)
		return 2
	}
	out := liveOutput{Base: u.Scheme + "://" + u.Host, Path: f.path}
	logf := func(format string, args ...any) {
		if !f.json {
			fmt.Printf(format+"\n", args...)
		}
	}
	l, err := socketload.NewLive(socketload.LiveConfig{
		Base: out.Base, Path: f.path, Transport: f.transport, Clients: f.clients, Concurrency: f.concurrency,
		JoinTimeout: f.joinTimeout, Reconnect: f.reconnect, Heartbeat: f.heartbeat,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2
	}
	defer l.Close()
	out.Pages = l.FetchPages(ctx)
	logf("pages: %d/%d in %.2f s, %d errors %s", out.Pages.OK, out.Pages.Requested, out.Pages.Seconds, out.Pages.Errors, out.Pages.FirstError)
	out.Joins = l.Join(ctx)
	logf("joins: %d/%d in %.2f s, %d errors %s", out.Joins.OK, out.Joins.Requested, out.Joins.Seconds, out.Joins.Errors, out.Joins.FirstError)

	stopProgress := progress(ctx, l, f.progress)
	code := 0
	switch {
	case ctx.Err() != nil:
	case f.rate > 0:
		tr, err := l.Events(ctx, socketload.LiveTrafficConfig{Event: f.event, Rate: f.rate, Duration: f.duration, Warmup: f.warmup})
		out.Traffic = &tr
		if err != nil {
			out.Error = err.Error()
			code = 1
		} else if tr.Errors > 0 && !f.reconnect {
			// With -reconnect, events sent while a client is between
			// connections fail by design; the check is that all rejoin.
			code = 1
		}
		logf("events: sent %d, ok %d (%.0f/s), errors %d, latency %s", tr.Sent, tr.Received, tr.Achieved, tr.Errors, tr.Latency)
	case f.hold > 0:
		select {
		case <-time.After(f.hold):
		case <-ctx.Done():
		}
	}
	if f.reconnect && f.waitJoined > 0 && ctx.Err() == nil {
		wctx, cancel := context.WithTimeout(ctx, f.waitJoined)
		_ = l.WaitJoined(wctx, f.clients)
		cancel()
	}
	stopProgress()

	out.Reconnect = l.ReconnectStats()
	out.AllJoined = out.Reconnect.JoinedNow == f.clients
	for _, c := range l.ClientStats() {
		if !c.Joined && len(out.Clients) < 20 {
			out.Clients = append(out.Clients, c)
		}
	}
	if !out.AllJoined {
		code = 1
	}
	if err := ctx.Err(); err != nil && out.Error == "" {
		out.Error = err.Error()
		code = 1
	}
	if f.json {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return code
	}
	s := out.Reconnect
	fmt.Printf("joined now: %d/%d (all joined: %v)\n", s.JoinedNow, f.clients, out.AllJoined)
	fmt.Printf("disconnects %d (going away %d, heartbeat timeouts %d), reconnects %d, late first joins %d\n",
		s.Disconnects, s.GoingAway, s.HeartbeatTimeouts, s.Reconnects, s.LateJoins)
	fmt.Printf("join attempts %d, failed %d (connect %d, refused %d, lost %d, page %d), page refetches %d\n",
		s.JoinAttempts, s.FailedJoins, s.ConnectFailures, s.JoinRefusals, s.JoinsLost, s.PageFailures, s.PageFetches)
	fmt.Printf("most attempts by one client %d, by one recovery %d\n", s.MaxJoinAttempts, s.MaxRecoveryAttempts)
	fmt.Printf("disconnect → joined again: %s\n", s.Rejoin)
	if len(s.NotJoined) > 0 {
		fmt.Printf("not joined: clients %v\n", s.NotJoined)
	}
	if s.FirstError != "" {
		fmt.Printf("first reconnect error: %s\n", s.FirstError)
	}
	if out.Error != "" {
		fmt.Fprintln(os.Stderr, "loadgen:", out.Error)
	}
	return code
}

// progress prints the joined count to stderr every interval until the
// returned stop is called.
func progress(ctx context.Context, l *socketload.LiveLoad, every time.Duration) (stop func()) {
	if every <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			s := l.ReconnectStats()
			fmt.Fprintf(os.Stderr, "%5.0fs joined %d/%d, disconnects %d, reconnects %d, failed joins %d\n",
				time.Since(start).Seconds(), s.JoinedNow, s.Clients, s.Disconnects, s.Reconnects, s.FailedJoins)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
