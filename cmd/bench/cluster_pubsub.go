package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/movies/pgcluster"
	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/pubsub/pgnotify"
)

// cluster-pubsub (issue #8): two nodes, each a separate process (this
// binary re-executed with cpsNodeEnv set) holding its own pgnotify.PubSub,
// on a throwaway PostgreSQL. Node 1 publishes a small registered struct
// carrying its wall-clock send time; node 2's subscriber records how long
// it took. Phases: warm-up, a fixed rate (cpsRate for -duration), then as
// fast as the sender's backlog allows for cpsMaxFor (delivered msg/s).
// Alone: `go run ./cmd/bench -scenarios cluster-pubsub`.
const (
	clusterPubSubScenario = "cluster-pubsub"
	cpsRate               = 1000.0
	cpsMaxFor             = 3 * time.Second
	cpsMaxBacklog         = 2000 // the max phase publishes while the backlog is below this
	cpsTopic              = "bench:cluster"
	targetCPSP99Ms        = 20.0
	cpsNodeEnv            = "GOLIVE_BENCH_PUBSUB_NODE"
	cpsDSNEnv             = "GOLIVE_BENCH_PUBSUB_DSN"
)

func init() {
	pubsub.Register[cpsMsg]("bench.cluster_pubsub")
}

// cpsMsg is what node 1 publishes: phase, sequence number, send time.
type cpsMsg struct {
	P string
	N int
	T int64 // UnixNano at Publish
}

// cpsPhase is one measured phase.
type cpsPhase struct {
	Name            string         `json:"name"`
	TargetRate      float64        `json:"target_rate"` // 0: as fast as possible
	Seconds         float64        `json:"seconds"`
	Published       int            `json:"published"`
	Received        int            `json:"received"`
	Lost            int            `json:"lost"`
	OutOfOrder      int            `json:"out_of_order"`
	P50Ms           float64        `json:"p50_ms"`
	P90Ms           float64        `json:"p90_ms"`
	P99Ms           float64        `json:"p99_ms"`
	P999Ms          float64        `json:"p999_ms"`
	MaxMs           float64        `json:"max_ms"`
	MeanMs          float64        `json:"mean_ms"`
	SendLagP99Ms    float64        `json:"send_lag_p99_ms"`
	PublishedPerSec float64        `json:"published_per_sec"`
	DeliveredPerSec float64        `json:"delivered_per_sec"`
	CPUNode1        float64        `json:"cpu_node1_cores"`
	CPUNode2        float64        `json:"cpu_node2_cores"`
	CPUPostgres     float64        `json:"cpu_postgres_cores"`
	CPUOther        float64        `json:"cpu_other_cores"` // the bench and everything else on the machine
	Sender          pgnotify.Stats `json:"sender_stats"`
	Receiver        pgnotify.Stats `json:"receiver_stats"`
}

type clusterPubSubResult struct {
	Phases   []*cpsPhase `json:"phases"`
	Problems []string    `json:"problems,omitempty"`
	Seconds  float64     `json:"seconds"`
}

// runClusterPubSubIfAsked runs cluster-pubsub after the other scenarios
// when it was chosen; its problems become the report's failures.
func runClusterPubSubIfAsked(ctx context.Context, o options, rep *report, err error) (*clusterPubSubResult, error) {
	if err != nil || rep == nil || !o.has(clusterPubSubScenario) {
		return nil, err
	}
	r, cerr := runClusterPubSub(ctx, o)
	if cerr != nil {
		rep.Failures = append(rep.Failures, clusterPubSubScenario+": "+cerr.Error())
	}
	if r != nil {
		for _, p := range r.Problems {
			rep.Failures = append(rep.Failures, clusterPubSubScenario+": "+p)
		}
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	return r, ctx.Err()
}

// withoutClusterPubSub is o for the common scenarios: cluster-pubsub
// needs no echoserver built.
func withoutClusterPubSub(o options) options {
	o.Scenarios = slices.DeleteFunc(slices.Clone(o.Scenarios), func(s string) bool { return s == clusterPubSubScenario })
	return o
}

func runClusterPubSub(ctx context.Context, o options) (_ *clusterPubSubResult, err error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	t0 := time.Now()
	r := &clusterPubSubResult{}
	defer func() { r.Seconds = time.Since(t0).Seconds() }()

	// A short directory: the cluster's Unix socket path must stay < 100 bytes.
	pgDir, err := os.MkdirTemp("", "bench-pg-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(pgDir)
	_ = os.Chmod(pgDir, 0o755)
	logf("cluster-pubsub: starting a throwaway PostgreSQL (durable: fsync and synchronous_commit on)…")
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(pgDir, "data"), TCP: true})
	if err != nil {
		return nil, err
	}
	defer func() {
		if serr := cluster.Stop(); serr != nil {
			logf("cluster-pubsub: stopping PostgreSQL: %v", serr)
		}
	}()
	if err := cluster.CreateDatabase(ctx, "pubsub"); err != nil {
		return nil, err
	}
	dsn := cluster.DSN("pubsub")

	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	recv, err := startCPSNode(ctx, exe, "node2", dsn)
	if err != nil {
		return nil, err
	}
	defer recv.stop()
	send, err := startCPSNode(ctx, exe, "node1", dsn)
	if err != nil {
		return nil, err
	}
	defer send.stop()

	if o.QuietWait > 0 {
		waitQuiet(ctx, o.QuietWait)
	}
	postmaster := postmasterPid(cluster.Dir())
	run := func(name string, rate float64, d time.Duration) (*cpsPhase, error) {
		c0 := readCPU(0)
		n1, n2 := procCPU(fmt.Sprint(send.cmd.Process.Pid)), procCPU(fmt.Sprint(recv.cmd.Process.Pid))
		pg0 := treeCPU(postmaster)
		var pub cpsReply
		if err := send.call(ctx, cpsCmd{Op: "publish", Phase: name, Rate: rate, Seconds: d.Seconds()}, &pub); err != nil {
			return nil, fmt.Errorf("node1 publish: %w", err)
		}
		var got cpsReply
		if err := recv.call(ctx, cpsCmd{Op: "collect", Phase: name, Expect: pub.Published, Seconds: 15}, &got); err != nil {
			return nil, fmt.Errorf("node2 collect: %w", err)
		}
		c1 := readCPU(0)
		secs := c1.at.Sub(c0.at).Seconds()
		cores := func(ticks uint64) float64 { return float64(ticks) / clkTck / secs }
		ph := &cpsPhase{Name: name, TargetRate: rate, Seconds: pub.Seconds, Published: pub.Published,
			Received: got.Received, Lost: pub.Published - got.Received, OutOfOrder: got.OutOfOrder,
			P50Ms: got.P50Ms, P90Ms: got.P90Ms, P99Ms: got.P99Ms, P999Ms: got.P999Ms, MaxMs: got.MaxMs, MeanMs: got.MeanMs,
			SendLagP99Ms: pub.SendLagP99Ms, Sender: pub.Stats, Receiver: got.Stats,
			CPUNode1: cores(procCPU(fmt.Sprint(send.cmd.Process.Pid)) - n1),
			CPUNode2: cores(procCPU(fmt.Sprint(recv.cmd.Process.Pid)) - n2)}
		ph.CPUPostgres = cores(treeCPU(postmaster) - pg0)
		ph.CPUOther = max(0, cores(c1.busy-c0.busy)-ph.CPUNode1-ph.CPUNode2-ph.CPUPostgres)
		if pub.Seconds > 0 {
			ph.PublishedPerSec = float64(pub.Published) / pub.Seconds
		}
		if span := float64(got.LastRecvNs-got.FirstSentNs) / 1e9; span > 0 {
			ph.DeliveredPerSec = float64(got.Received) / span
		}
		if ph.Lost != 0 || ph.OutOfOrder != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %d of %d messages lost, %d out of order",
				name, ph.Lost, ph.Published, ph.OutOfOrder))
		}
		return ph, nil
	}
	warm := o.Warmup
	if warm > 0 {
		logf("cluster-pubsub: warm-up, %.0f msg/s for %s…", cpsRate, warm)
		if _, err := run("warm-up", cpsRate, warm); err != nil {
			return r, err
		}
	}
	d := max(o.Duration, time.Second)
	logf("cluster-pubsub: node1 → node2 at %.0f msg/s for %s…", cpsRate, d)
	ph, err := run("fixed rate", cpsRate, d)
	if err != nil {
		return r, err
	}
	r.Phases = append(r.Phases, ph)
	maxFor := min(cpsMaxFor, d)
	logf("cluster-pubsub: node1 → node2 as fast as possible for %s…", maxFor)
	if ph, err = run("max throughput", 0, maxFor); err != nil {
		return r, err
	}
	r.Phases = append(r.Phases, ph)
	return r, nil
}

// markdown is the scenario's report section ("" when it did not run).
func (r *clusterPubSubResult) markdown() string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n## Cluster PubSub over PostgreSQL LISTEN/NOTIFY (cluster-pubsub, issue #8)\n\n")
	w("Two nodes as two separate processes (this bench binary re-executed), each with its own `pubsub/pgnotify` " +
		"PubSub (a LISTEN and a send connection), on a throwaway durable PostgreSQL (pgcluster, 127.0.0.1, fsync and " +
		"synchronous_commit on). Node 1 publishes a small registered struct carrying its wall-clock send time; " +
		"node 2's subscriber records receive − send (same machine, same clock). ")
	w("The max-throughput phase publishes while node 1's backlog is under %d messages. Scenario took %.1f s. "+
		"Alone: `go run ./cmd/bench -scenarios cluster-pubsub`.\n\n", cpsMaxBacklog, r.Seconds)
	w("| phase | published (msg/s) | received | lost | out of order | p50 | p90 | p99 | p99.9 | max | delivered msg/s | cores node1 / node2 / PostgreSQL / other | target |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, p := range r.Phases {
		target := "—"
		if p.TargetRate > 0 {
			target = fmt.Sprintf("p99 ≤ %.0f ms: %s", targetCPSP99Ms, verdict(p.P99Ms <= targetCPSP99Ms && p.Lost == 0 && p.Received > 0))
		}
		w("| %s | %d (%.0f) | %d | %d | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.0f | %.2f / %.2f / %.2f / %.2f | %s |\n",
			p.Name, p.Published, p.PublishedPerSec, p.Received, p.Lost, p.OutOfOrder, p.P50Ms, p.P90Ms, p.P99Ms, p.P999Ms,
			p.MaxMs, p.DeliveredPerSec, p.CPUNode1, p.CPUNode2, p.CPUPostgres, p.CPUOther, target)
	}
	for _, p := range r.Phases {
		if p.CPUOther > 0.1 {
			w("\n**Disturbed** (%s): other processes used %.2f of the %d cores during the phase; the latency figures are "+
				"pessimistic. Rerun on an idle machine for clean numbers.\n", p.Name, p.CPUOther, numCPU())
		}
	}
	for _, p := range r.Phases {
		w("\n%s: publisher schedule lag p99 %.2f ms; counters since the nodes started: node1 sent %d, dropped %d; node2 received %d, dropped %d; server notification queue usage %.4f.",
			p.Name, p.SendLagP99Ms, p.Sender.Sent, p.Sender.Dropped, p.Receiver.Received, p.Receiver.Dropped, p.Receiver.QueueUsage)
	}
	w("\n")
	for _, p := range r.Problems {
		w("\n- problem: %s\n", p)
	}
	return b.String()
}

// addJSON adds the scenario's results to the report's JSON.
func (r *clusterPubSubResult) addJSON(data []byte) []byte {
	if r == nil {
		return data
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return data
	}
	m["cluster_pubsub"], _ = json.Marshal(r)
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return data
	}
	return out
}

// The coordinator and the node processes talk in JSON lines: commands on
// the node's stdin, replies on its stdout.
type cpsCmd struct {
	Op      string  `json:"op"` // publish, collect
	Phase   string  `json:"phase"`
	Rate    float64 `json:"rate,omitempty"`    // publish: msg/s, 0 = as fast as possible
	Seconds float64 `json:"seconds,omitempty"` // publish: how long; collect: wait at most
	Expect  int     `json:"expect,omitempty"`  // collect: messages to wait for
}

type cpsReply struct {
	Ready        bool           `json:"ready,omitempty"`
	Error        string         `json:"error,omitempty"`
	Published    int            `json:"published,omitempty"`
	Seconds      float64        `json:"seconds,omitempty"`
	SendLagP99Ms float64        `json:"send_lag_p99_ms,omitempty"`
	Received     int            `json:"received,omitempty"`
	OutOfOrder   int            `json:"out_of_order,omitempty"`
	P50Ms        float64        `json:"p50_ms,omitempty"`
	P90Ms        float64        `json:"p90_ms,omitempty"`
	P99Ms        float64        `json:"p99_ms,omitempty"`
	P999Ms       float64        `json:"p999_ms,omitempty"`
	MaxMs        float64        `json:"max_ms,omitempty"`
	MeanMs       float64        `json:"mean_ms,omitempty"`
	FirstSentNs  int64          `json:"first_sent_ns,omitempty"`
	LastRecvNs   int64          `json:"last_recv_ns,omitempty"`
	Stats        pgnotify.Stats `json:"stats"`
}

// cpsNode is a node process seen from the coordinator.
type cpsNode struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout lines, closed at EOF
	stderr *tailBuffer
	done   chan struct{}
}

func startCPSNode(ctx context.Context, exe, name, dsn string) (*cpsNode, error) {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), cpsNodeEnv+"="+name, cpsDSNEnv+"="+dsn)
	// If the bench dies, so does the node.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	n := &cpsNode{name: name, cmd: cmd, lines: make(chan string, 4), stderr: &tailBuffer{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stderr = n.stderr
	var err error
	if n.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(n.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			n.lines <- sc.Text()
		}
		close(n.lines)
		_ = cmd.Wait()
	}()
	var ready cpsReply
	if err := n.read(ctx, 30*time.Second, &ready); err != nil {
		n.stop()
		return nil, err
	}
	return n, nil
}

func (n *cpsNode) call(ctx context.Context, c cpsCmd, reply *cpsReply) error {
	data, _ := json.Marshal(c)
	if _, err := n.stdin.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("%s: %w; stderr:\n%s", n.name, err, n.stderr)
	}
	return n.read(ctx, time.Duration(c.Seconds*float64(time.Second))+30*time.Second, reply)
}

func (n *cpsNode) read(ctx context.Context, limit time.Duration, reply *cpsReply) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case line, ok := <-n.lines:
		if !ok {
			return fmt.Errorf("%s exited; stderr:\n%s", n.name, n.stderr)
		}
		if err := json.Unmarshal([]byte(line), reply); err != nil {
			return fmt.Errorf("%s: bad reply %q: %w", n.name, line, err)
		}
		if reply.Error != "" {
			return fmt.Errorf("%s: %s", n.name, reply.Error)
		}
		return nil
	case <-t.C:
		return fmt.Errorf("%s: no reply within %s; stderr:\n%s", n.name, limit, n.stderr)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop closes the node's stdin (it closes its PubSub and exits) and waits,
// killing it after 10 s.
func (n *cpsNode) stop() {
	_ = n.stdin.Close()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case _, ok := <-n.lines:
			if ok {
				continue // drain, so the reader reaches EOF
			}
			<-n.done
			return
		case <-t.C:
			_ = n.cmd.Process.Kill()
			for range n.lines {
			}
			<-n.done
			return
		}
	}
}

// clusterNodeMain is the node process: it runs when cpsNodeEnv is set and
// returns the exit code.
func clusterNodeMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	ps, err := pgnotify.Start(sctx, pgnotify.Config{ConnString: os.Getenv(cpsDSNEnv), NodeID: os.Getenv(cpsNodeEnv), Logger: log})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer ps.Close()
	col := &cpsCollector{phases: map[string]*cpsRecv{}, changed: make(chan struct{}, 1)}
	defer ps.Subscribe(cpsTopic, col.add)()

	enc := json.NewEncoder(os.Stdout)
	_ = enc.Encode(cpsReply{Ready: true})
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() && ctx.Err() == nil {
		var c cpsCmd
		var rep cpsReply
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			rep.Error = err.Error()
		} else {
			switch c.Op {
			case "publish":
				rep = cpsPublish(ctx, ps, c)
			case "collect":
				rep = col.collect(ctx, c)
			default:
				rep.Error = "unknown op " + c.Op
			}
		}
		rep.Stats = ps.Stats()
		if err := enc.Encode(rep); err != nil {
			return 1
		}
	}
	return 0
}

// cpsPublish publishes c.Phase messages at c.Rate (open loop: message i is
// due at start + i/rate) or, at rate 0, as fast as the backlog allows,
// for c.Seconds; then it waits, up to 15 s, for the backlog to drain.
func cpsPublish(ctx context.Context, ps *pgnotify.PubSub, c cpsCmd) cpsReply {
	d := time.Duration(c.Seconds * float64(time.Second))
	var lags []time.Duration
	start := time.Now()
	n := 0
	for ; ctx.Err() == nil; n++ {
		now := time.Now()
		if c.Rate > 0 {
			due := start.Add(time.Duration(float64(n) / c.Rate * float64(time.Second)))
			if due.Sub(start) >= d {
				break
			}
			if wait := due.Sub(now); wait > 0 {
				time.Sleep(wait)
			}
			lags = append(lags, time.Since(due))
		} else {
			if now.Sub(start) >= d {
				break
			}
			for ps.Stats().Backlog >= cpsMaxBacklog && ctx.Err() == nil {
				time.Sleep(100 * time.Microsecond)
			}
		}
		if err := ps.Publish(ctx, cpsTopic, cpsMsg{P: c.Phase, N: n, T: time.Now().UnixNano()}); err != nil {
			return cpsReply{Error: err.Error()}
		}
	}
	rep := cpsReply{Published: n, Seconds: time.Since(start).Seconds()}
	if len(lags) > 0 {
		slices.Sort(lags)
		rep.SendLagP99Ms = float64(lags[int(0.99*float64(len(lags)-1))]) / 1e6
	}
	deadline := time.Now().Add(15 * time.Second)
	for ps.Stats().Backlog > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	if b := ps.Stats().Backlog; b > 0 {
		rep.Error = fmt.Sprintf("backlog of %d messages not sent within 15 s", b)
	}
	return rep
}

// cpsCollector records, per phase, the latency of every message node 2
// receives. add runs on the PubSub's listener goroutine.
type cpsCollector struct {
	mu      sync.Mutex
	phases  map[string]*cpsRecv
	changed chan struct{}
}

type cpsRecv struct {
	lat        []time.Duration
	next       int // the N expected next
	outOfOrder int
	firstSent  int64
	lastRecv   int64
}

const cpsMaxSamples = 5_000_000

func (c *cpsCollector) add(m any) {
	msg, ok := m.(cpsMsg)
	if !ok {
		return
	}
	now := time.Now().UnixNano()
	c.mu.Lock()
	r := c.phases[msg.P]
	if r == nil {
		r = &cpsRecv{firstSent: msg.T}
		c.phases[msg.P] = r
	}
	if msg.N != r.next {
		r.outOfOrder++
	}
	r.next = msg.N + 1
	if len(r.lat) < cpsMaxSamples {
		r.lat = append(r.lat, time.Duration(now-msg.T))
	}
	r.lastRecv = now
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// collect waits until c.Expect messages of the phase arrived (or
// c.Seconds passed) and summarises them.
func (c *cpsCollector) collect(ctx context.Context, cmd cpsCmd) cpsReply {
	deadline := time.NewTimer(time.Duration(cmd.Seconds * float64(time.Second)))
	defer deadline.Stop()
	count := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		if r := c.phases[cmd.Phase]; r != nil {
			return len(r.lat)
		}
		return 0
	}
wait:
	for count() < cmd.Expect {
		select {
		case <-c.changed:
		case <-deadline.C:
			break wait
		case <-ctx.Done():
			return cpsReply{Error: ctx.Err().Error()}
		}
	}
	// Anything beyond Expect (duplicates) would show within a moment.
	time.Sleep(100 * time.Millisecond)
	c.mu.Lock()
	r := c.phases[cmd.Phase]
	delete(c.phases, cmd.Phase)
	c.mu.Unlock()
	if r == nil {
		return cpsReply{}
	}
	l := r.lat
	slices.Sort(l)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	at := func(q float64) float64 { return ms(l[int(q*float64(len(l)-1))]) }
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	rep := cpsReply{Received: len(l), OutOfOrder: r.outOfOrder, FirstSentNs: r.firstSent, LastRecvNs: r.lastRecv}
	if len(l) > 0 {
		rep.P50Ms, rep.P90Ms, rep.P99Ms, rep.P999Ms, rep.MaxMs = at(0.5), at(0.9), at(0.99), at(0.999), ms(l[len(l)-1])
		rep.MeanMs = ms(sum / time.Duration(len(l)))
	}
	return rep
}

// runAsClusterNode runs the node process when this binary was started as
// one; ok is false otherwise.
func runAsClusterNode() (code int, ok bool) {
	if os.Getenv(cpsNodeEnv) == "" {
		return 0, false
	}
	return clusterNodeMain(), true
}

// postmasterPid reads the server's pid from postmaster.pid (0 if unknown).
func postmasterPid(dataDir string) int {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// treeCPU is the CPU ticks of pid and its children (PostgreSQL's backends
// and auxiliary processes); children that exited are not counted.
func treeCPU(pid int) uint64 {
	if pid <= 0 {
		return 0
	}
	total := procCPU(strconv.Itoa(pid))
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		// After the command name: state, ppid, …
		if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			total += procCPU(e.Name())
		}
	}
	return total
}
