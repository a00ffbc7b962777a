package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// lp-forward: a cluster behind a load balancer without sticky sessions
// (issue #8). Two echoservers, nodes "a" and "b", share the LongPoll
// secret and know each other. The same LongPoll ping load runs twice, on
// a fresh pair each time: every request to a (the session's own node),
// then sessions opened on a and everything after the opening GET sent
// through b, which forwards each request to a. The difference is what the
// extra hop costs.
//
// Sizes: at most lpForwardSessions sessions and lpForwardRate msgs/s (what
// this 2-core machine carries cleanly with three processes on it), smaller
// when the lp-latency sizes (-lp-lat-sockets, the first -lp-rate) are.
const (
	lpForwardScenario = "lp-forward"
	lpForwardSessions = 500
	lpForwardRate     = 1000.0
	// targetForwardAddedP99Ms is the bound on what going through
	// another node may add at p99.
	targetForwardAddedP99Ms = 5.0
)

// lpForwardRun is one of the two runs.
type lpForwardRun struct {
	Name    string                   `json:"name"`
	Open    socketload.OpenResult    `json:"open"`
	Traffic socketload.TrafficResult `json:"traffic"`
	// Cores used during the traffic by node a, node b, the client (this
	// process) and everything else.
	CPUA      float64 `json:"cpu_a_cores"`
	CPUB      float64 `json:"cpu_b_cores"`
	CPUClient float64 `json:"cpu_client_cores"`
	CPUOther  float64 `json:"cpu_other_cores"`
	// Server stats after the traffic.
	StatsA map[string]int64 `json:"stats_a"`
	StatsB map[string]int64 `json:"stats_b"`
	// ForwardedB is how many requests node b forwarded during the run.
	ForwardedB int64    `json:"forwarded_b"`
	Problems   []string `json:"problems,omitempty"`
}

// lpForwardResult is the scenario's outcome.
type lpForwardResult struct {
	Sessions   int           `json:"sessions"`
	Rate       float64       `json:"rate"`
	Same       *lpForwardRun `json:"same_node"`
	Via        *lpForwardRun `json:"via_other_node"`
	AddedP50Ms float64       `json:"added_p50_ms"`
	AddedP99Ms float64       `json:"added_p99_ms"`
	AddedMaxMs float64       `json:"added_max_ms"`
}

// runLPForward builds cmd/echoserver unless o.ServerBin names one, and
// runs both halves. Problems found on the way are in the runs; the error
// is for a half that could not run at all.
func runLPForward(ctx context.Context, o options) (*lpForwardResult, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	bin := o.ServerBin
	if bin == "" {
		tmp, err := os.MkdirTemp("", "golive-bench-lpf-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		logf("building cmd/echoserver…")
		if bin, err = buildEchoServer(ctx, tmp); err != nil {
			return nil, err
		}
	}
	res := &lpForwardResult{Sessions: lpForwardSessions, Rate: lpForwardRate}
	if o.LPLatSockets > 0 {
		res.Sessions = min(res.Sessions, o.LPLatSockets)
	}
	if len(o.LPRates) > 0 {
		res.Rate = min(res.Rate, o.LPRates[0])
	}
	var err error
	logf("lp-forward: LongPoll push→reply at %.0f msgs/s over %d sessions for %s, all on node a…", res.Rate, res.Sessions, o.Duration)
	if res.Same, err = lpForwardOnce(ctx, o, bin, res, false); err != nil {
		return res, fmt.Errorf("same node: %w", err)
	}
	logf("lp-forward: the same, opened on node a, polled and posted through node b…")
	if res.Via, err = lpForwardOnce(ctx, o, bin, res, true); err != nil {
		return res, fmt.Errorf("via another node: %w", err)
	}
	s, v := res.Same.Traffic.Latency, res.Via.Traffic.Latency
	res.AddedP50Ms, res.AddedP99Ms, res.AddedMaxMs = v.P50Ms-s.P50Ms, v.P99Ms-s.P99Ms, v.MaxMs-s.MaxMs
	return res, nil
}

// lpForwardOnce starts nodes a and b, runs the load (through b when via)
// and checks, from the nodes' own counters, that the requests went where
// they should have: b forwarded (or not) and never held a session.
func lpForwardOnce(ctx context.Context, o options, bin string, res *lpForwardResult, via bool) (_ *lpForwardRun, err error) {
	r := &lpForwardRun{Name: "same node"}
	if via {
		r.Name = "via another node"
	}
	a, b, err := startPair(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, s := range []*server{b, a} {
			if e := s.stop(); e != nil && err == nil {
				err = e
			}
		}
	}()
	cfg := socketload.Config{
		URL: a.Base + "/socket", Transport: socketload.LongPoll, Sockets: res.Sessions, Concurrency: o.Concurrency,
	}
	if via {
		cfg.AltURL = b.Base + "/socket"
	}
	load, open, err := socketload.Open(ctx, cfg)
	r.Open = open
	if err != nil {
		return r, err
	}
	defer load.Close()
	if open.Joined == 0 {
		return r, fmt.Errorf("no session joined: %s", open.FirstError)
	}
	if open.Joined != res.Sessions {
		r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d sessions joined: %s", open.Joined, res.Sessions, open.FirstError))
	}
	if o.QuietWait > 0 {
		// Bounded tighter than lp-latency's wait: the whole scenario stays
		// within a minute.
		waitQuiet(ctx, min(o.QuietWait, 5*time.Second))
	}
	b0, err := socketload.FetchMem(ctx, b.Base, false, false)
	if err != nil {
		return r, err
	}
	c0, pb0 := readCPU(a.Pid), procCPU(strconv.Itoa(b.Pid))
	tr, err := load.Traffic(ctx, socketload.TrafficConfig{
		Rate: res.Rate, Duration: o.Duration, Warmup: o.Warmup, PayloadBytes: o.Payload,
	})
	c1, pb1 := readCPU(a.Pid), procCPU(strconv.Itoa(b.Pid))
	r.Traffic = tr
	cpu := cpuBetween(c0, c1)
	r.CPUA, r.CPUClient = cpu.Server, cpu.Client
	if secs := c1.at.Sub(c0.at).Seconds(); secs > 0 {
		r.CPUB = float64(pb1-pb0) / clkTck / secs
	}
	r.CPUOther = max(0, cpu.Other-r.CPUB)
	if err != nil {
		return r, err
	}
	ma, err := socketload.FetchMem(ctx, a.Base, false, false)
	if err != nil {
		return r, err
	}
	mb, err := socketload.FetchMem(ctx, b.Base, false, false)
	if err != nil {
		return r, err
	}
	r.StatsA, r.StatsB = ma.Stats, mb.Stats
	r.ForwardedB = mb.Stats["Forwarded"] - b0.Stats["Forwarded"]

	// Sanity, not timing: the load went where this run says it went.
	if n := mb.Stats["LongPollSessions"]; n != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("node b holds %d LongPoll sessions, want 0", n))
	}
	if n := ma.Stats["LongPollSessions"]; n < int64(open.Joined) {
		r.Problems = append(r.Problems, fmt.Sprintf("node a holds %d LongPoll sessions for %d joined", n, open.Joined))
	}
	if n := ma.Stats["Forwarded"] + ma.Stats["ForwardFailures"] + mb.Stats["ForwardFailures"]; n != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d requests forwarded by a or failed to forward, want 0", n))
	}
	// Every poll and POST of the traffic went through b; polls held when
	// the count was read (one per session at most) may fall on either side.
	if want := tr.Polls + tr.Posts - int64(open.Joined); via && (r.ForwardedB == 0 || r.ForwardedB < want) {
		r.Problems = append(r.Problems, fmt.Sprintf("node b forwarded %d requests; the client made %d polls and %d posts through it",
			r.ForwardedB, tr.Polls, tr.Posts))
	}
	if !via && r.ForwardedB != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("node b forwarded %d requests in the same-node run", r.ForwardedB))
	}
	if tr.Errors > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d errors (%d error replies, %d send errors, %d lost, %d disconnects); first: %s",
			tr.Errors, tr.ErrorReplies, tr.SendErrors, tr.Lost, tr.Disconnects, tr.FirstError))
	}
	return r, nil
}

// startPair starts nodes a and b of one cluster: a shared secret, and each
// with the other as its peer. Peers need each other's address before
// either starts, so two free loopback ports are picked first.
func startPair(ctx context.Context, bin string) (a, b *server, err error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, nil, err
	}
	addr := func(i int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[i])) }
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	// startServer's child inherits the environment; the secret is set for
	// the two starts only.
	prev, had := os.LookupEnv("ECHOSERVER_SECRET")
	_ = os.Setenv("ECHOSERVER_SECRET", hex.EncodeToString(secret))
	defer func() {
		if had {
			_ = os.Setenv("ECHOSERVER_SECRET", prev)
		} else {
			_ = os.Unsetenv("ECHOSERVER_SECRET")
		}
	}()
	node := func(id string, self, peer int, peerID string) (*server, error) {
		return startServer(ctx, bin, "-log-level", "warn", "-addr", addr(self), "-node", id,
			"-peers", peerID+"=http://"+addr(peer))
	}
	if a, err = node("a", 0, 1, "b"); err != nil {
		return nil, nil, err
	}
	if b, err = node("b", 1, 0, "a"); err != nil {
		a.kill()
		return nil, nil, err
	}
	return a, b, nil
}

// freePorts returns n loopback ports that were free a moment ago (held
// open together, so they differ).
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// markdown is the scenario's section of the report (empty when it did not
// run).
func (r *lpForwardResult) markdown() string {
	if r == nil || r.Same == nil {
		return ""
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## LongPoll via another node (lp-forward)\n\n")
	w("Two `cmd/echoserver` nodes, a and b, sharing the secret, each the other's peer. The same open-loop "+
		"LongPoll ping load (%d sessions, %.0f msgs/s, %.1f s measured) runs twice on a fresh pair: every request "+
		"to a; then sessions opened on a and every later poll and POST sent to b, which forwards it to a "+
		"(no sticky sessions). Round trip from the scheduled send time:\n\n", r.Sessions, r.Rate, r.Same.Traffic.Seconds)
	w("| run | p50 | p90 | p99 | max | ok / sent | errors | cores a / b / client / other | b forwarded |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range []*lpForwardRun{r.Same, r.Via} {
		if x == nil {
			continue
		}
		l := x.Traffic.Latency
		w("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %d / %d | %d | %.2f / %.2f / %.2f / %.2f | %d |\n",
			x.Name, l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs, x.Traffic.Received, x.Traffic.Sent, x.Traffic.Errors,
			x.CPUA, x.CPUB, x.CPUClient, x.CPUOther, x.ForwardedB)
	}
	if r.Via != nil && r.Via.Traffic.Latency.Count > 0 {
		w("\nAdded by the other node: p50 %+.3f ms, **p99 %+.3f ms** (target ≤ %.0f ms: %s), max %+.3f ms.\n",
			r.AddedP50Ms, r.AddedP99Ms, targetForwardAddedP99Ms, verdict(r.AddedP99Ms <= targetForwardAddedP99Ms), r.AddedMaxMs)
	}
	for _, x := range []*lpForwardRun{r.Same, r.Via} {
		if x == nil {
			continue
		}
		for _, p := range x.Problems {
			w("- problem (%s): %s\n", x.Name, p)
		}
		if x.CPUOther > 0.1 {
			w("- %s: **disturbed**: other processes used %.2f cores\n", x.Name, x.CPUOther)
		}
	}
	w("\n")
	return b.String()
}

// problems lists every problem of both runs, for the report's failures.
func (r *lpForwardResult) problems() []string {
	var out []string
	for _, x := range []*lpForwardRun{r.Same, r.Via} {
		if x != nil {
			for _, p := range x.Problems {
				out = append(out, lpForwardScenario+" ("+x.Name+"): "+p)
			}
		}
	}
	return out
}

// runLPForwardIfAsked runs lp-forward after the other scenarios when it
// was chosen and they ran: its problems (including the sanity checks on
// where requests went) become the report's failures.
func runLPForwardIfAsked(ctx context.Context, o options, rep *report, err error) (*lpForwardResult, error) {
	if err != nil || rep == nil || !o.has(lpForwardScenario) {
		return nil, err
	}
	r, ferr := runLPForward(ctx, o)
	if ferr != nil {
		rep.Failures = append(rep.Failures, lpForwardScenario+": "+ferr.Error())
	}
	if r != nil {
		rep.Failures = append(rep.Failures, r.problems()...)
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	return r, ctx.Err()
}

// withReport is the JSON of the whole run: the report plus this section.
func (r *lpForwardResult) withReport(rep *report) any {
	return struct {
		*report
		LPForward *lpForwardResult `json:"lp_forward,omitempty"`
	}{rep, r}
}
