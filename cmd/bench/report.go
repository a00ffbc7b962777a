package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
func mib(b uint64) string  { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// disturbed flags a latency result taken while other processes used the CPUs.
func disturbed(x *latResult) string {
	if x.CPU.Other > 0.1 {
		return fmt.Sprintf("; **disturbed: other processes used %.2f cores**", x.CPU.Other)
	}
	return ""
}

func numCPU() int { return runtime.NumCPU() }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**MISSED**"
}

// markdown renders the report; the same text is printed and written to -out.
func (r *report) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	w("# %s\n\n", r.title())
	w("- Command: `%s`\n", r.Command)
	w("- Started: %s, took %.0f s\n", r.Started.Format("2006-01-02 15:04:05 MST"), r.Seconds)
	w("- Machine: %d CPUs (`nproc`), %s, %s RAM, Linux %s, %s, GOMAXPROCS %d\n",
		m.NumCPU, m.CPUModel, m.MemTotal, m.Kernel, m.GoVersion, m.GOMAXPROCS)
	w("- Machine busy before start: %.0f%% of all CPUs (other processes)\n", 100*m.BusyBefore)
	if sv := r.servers(); len(sv) > 0 {
		w("- Server: %s as its own process on loopback, a fresh one per scenario; "+
			"client: `cmd/internal/socketload` inside the bench process. Both share the same CPUs.\n", strings.Join(sv, ", "))
	}
	w("\n")
	if r.socketRan() {
		w("## Summary\n\n| scenario | result | target | verdict |\n|---|---|---|---|\n")
	}
	if x := r.WSMem; x != nil && x.Open.Joined > 0 {
		w("| a. memory per idle WebSocket + 1 channel (%d sockets) | %s heap+stack (RSS %s) | ≤ 16 KiB | %s |\n",
			x.Open.Joined, kib(x.HeapStackPerSocket), kib(x.RSSPerSocket), verdict(x.HeapStackPerSocket <= targetBytesPerSocket))
	}
	if x := r.WSLat; x != nil && x.Traffic.Latency.Count > 0 {
		t := x.Traffic
		w("| b. WebSocket push→reply, %.0f msgs/s over %d sockets | p50 %.3f ms, p99 %.3f ms (%.0f msgs/s achieved, %d errors)%s | p99 ≤ 2 ms | %s |\n",
			t.TargetRate, t.Sockets, t.Latency.P50Ms, t.Latency.P99Ms, t.Achieved, t.Errors, disturbed(x),
			verdict(t.Latency.P99Ms <= targetP99Ms && t.Errors == 0))
	}
	for _, x := range r.LPLat {
		t := x.Traffic
		if t.Latency.Count == 0 {
			continue
		}
		w("| c. LongPoll push→reply, %.0f msgs/s over %d sessions | p50 %.3f ms, p99 %.3f ms (%.0f msgs/s achieved, %d errors)%s | (p99 ≤ 2 ms as for WS) | %s |\n",
			t.TargetRate, t.Sockets, t.Latency.P50Ms, t.Latency.P99Ms, t.Achieved, t.Errors, disturbed(x),
			verdict(t.Latency.P99Ms <= targetP99Ms && t.Errors == 0 && t.Achieved >= 0.98*t.TargetRate))
	}
	if x := r.LPMem; x != nil && x.Open.Joined > 0 {
		w("| d. memory per idle LongPoll session + 1 channel (%d sessions) | %s heap+stack (RSS %s) | (16 KiB as for WS) | %s |\n",
			x.Open.Joined, kib(x.HeapStackPerSocket), kib(x.RSSPerSocket), verdict(x.HeapStackPerSocket <= targetBytesPerSocket))
	}
	w("\n")
	if len(r.Failures) > 0 {
		w("**Scenarios that failed:**\n\n")
		for _, f := range r.Failures {
			w("- %s\n", f)
		}
		w("\n")
	}

	if x := r.WSMem; x != nil {
		w("## a. Memory per idle WebSocket\n\n")
		writeMem(&b, x)
	}
	if x := r.WSLat; x != nil {
		w("## b. WebSocket push→reply latency\n\n")
		writeLat(&b, x)
	}
	for _, x := range r.LPLat {
		w("## c. LongPoll push→reply latency (%.0f msgs/s)\n\n", x.Traffic.TargetRate)
		writeLat(&b, x)
	}
	if x := r.LPMem; x != nil {
		w("## d. Memory per idle LongPoll session\n\n")
		writeMem(&b, x)
	}

	w("## Method\n\n")
	w("- Memory: the server's `HeapInuse+StackInuse` after a forced GC (`/debug/mem?gc=1&free=1`, which also " +
		"returns freed pages to the OS so VmRSS is comparable) with N idle sockets, minus the same at 0 sockets " +
		"(after 10 warm-up sockets came and went), divided by N. Each socket has joined one channel `echo:<i>`. " +
		"RSS is VmRSS from `/proc/<pid>/status`.\n")
	w("- Latency: open loop. The aggregate rate is cut into ticks of 1/rate (min 100 µs); on each tick the "+
		"due `ping` pushes are sent round-robin across the sockets, whatever happened to earlier ones, and the "+
		"round trip is measured from the tick's scheduled time to the reply's arrival (no coordinated omission). "+
		"\"From send\" is measured from the moment the frame was handed to the transport; \"send lag\" is how "+
		"late the client was against its schedule. The first %s at the same rate is warm-up and not counted. "+
		"Replies missing %s after the last send count as lost.\n", r.Options.Warmup, "5 s")
	w("- LongPoll client behaves like phoenix.js: GET opens (status 410 + token), a poll loop of GETs " +
		"(200 with messages / 204), frames POSTed as ndjson with one POST in flight per session and the rest " +
		"buffered into the next batch (≤ 100 lines). Each session keeps two keep-alive HTTP/1.1 connections, one for " +
		"polls and one for POSTs, as a browser does; the idle POST connection is part of the per-session memory.\n")
	w("- CPU columns are average cores used during the measured traffic: the server process, the client " +
		"(bench) process, and everything else on the machine. \"Other\" above ~0.1 cores means the figures are " +
		"disturbed by another workload.\n")
	if r.Live != nil {
		r.liveMarkdown(&b)
	}
	if r.Movies != nil {
		r.moviesMarkdown(&b)
	}
	return b.String()
}

func writeMem(b *strings.Builder, x *memResult) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("%s\n\n", x.Open.Text())
	w("| | 0 sockets | %d sockets | per socket |\n|---|---|---|---|\n", x.Open.Joined)
	j := float64(max(1, x.Open.Joined))
	row := func(name string, a, c uint64, per string) {
		w("| %s | %s | %s | %s |\n", name, mib(a), mib(c), per)
	}
	row("HeapInuse", x.Before.HeapInuse, x.After.HeapInuse, kib(x.HeapPerSocket))
	row("StackInuse", x.Before.StackInuse, x.After.StackInuse, kib(x.StackPerSocket))
	row("HeapInuse+StackInuse", x.Before.HeapInuse+x.Before.StackInuse, x.After.HeapInuse+x.After.StackInuse, "**"+kib(x.HeapStackPerSocket)+"**")
	row("VmRSS", x.Before.RSSBytes, x.After.RSSBytes, kib(x.RSSPerSocket))
	row("Sys", x.Before.Sys, x.After.Sys, kib((float64(x.After.Sys)-float64(x.Before.Sys))/j))
	w("| heap objects | %d | %d | %.1f |\n", x.Before.HeapObjects, x.After.HeapObjects, x.ObjectsPerSocket)
	w("| goroutines | %d | %d | %.2f |\n", x.Before.Goroutines, x.After.Goroutines, x.GoroutinesPerSock)
	w("\nServer stats after: %v. Client TCP connections: %d (%.2f per socket).\n\n",
		x.After.Stats, x.ClientTCPConns, float64(x.ClientTCPConns)/j)
	if x.GoroutinesPerSock > 0 {
		w("Stack per goroutine added: %s.\n\n", kib(x.StackPerSocket/x.GoroutinesPerSock))
	}
	for _, p := range x.Problems {
		w("- problem: %s\n", p)
	}
	if len(x.Attribution) > 0 {
		w("Where the per-socket heap goes (heap profile sampled every 4 KiB, in-use bytes charged to the innermost "+
			"transport / coder/websocket / net/http frame; the profile totals %s per socket, HeapInuse adds span "+
			"fragmentation and runtime overhead on top):\n\n| owner | bytes per socket |\n|---|---|\n", kib(x.ProfilePerSock))
		var rest float64
		for i, a := range x.Attribution {
			if i >= 18 || a.BytesPerSocket < 24 {
				rest += a.BytesPerSocket
				continue
			}
			w("| %s | %.0f |\n", strings.ReplaceAll(a.Owner, "|", "\\|"), a.BytesPerSocket)
		}
		w("| (everything else) | %.0f |\n\n", rest)
	}
	if x.HeapTop != "" {
		w("Heap profile at %d sockets (in-use space, `go tool pprof -top -sample_index=inuse_space`; %s):\n\n```\n%s\n```\n\n",
			x.Open.Joined, x.HeapProfile, x.HeapTop)
	}
}

func writeLat(b *strings.Builder, x *latResult) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	t := x.Traffic
	w("%s\n\n", x.Open.Text())
	w("%d sockets, target %.0f msgs/s, measured %.1f s after %.1f s warm-up, tick %.3f ms. "+
		"Sent %d, ok replies %d (%.0f msgs/s achieved), error replies %d, send errors %d, lost %d, disconnects %d.\n\n",
		t.Sockets, t.TargetRate, t.Seconds, t.WarmupSecs, t.TickMs, t.Sent, t.Received, t.Achieved,
		t.ErrorReplies, t.SendErrors, t.Lost, t.Disconnects)
	if t.Unexpected+t.Malformed+t.LPErrors > 0 {
		w("Unexpected frames %d, malformed frames %d, LongPoll request errors %d.\n\n", t.Unexpected, t.Malformed, t.LPErrors)
	}
	w("| round trip | p50 | p90 | p99 | p99.9 | max | mean |\n|---|---|---|---|---|---|---|\n")
	row := func(name string, l socketload.Latency) {
		w("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |\n",
			name, l.P50Ms, l.P90Ms, l.P99Ms, l.P999Ms, l.MaxMs, l.MeanMs)
	}
	row("from schedule (headline)", t.Latency)
	row("from send", t.Service)
	row("client send lag", t.SendLag)
	w("\nCPU during the run (cores): server %.2f, client %.2f, other processes %.2f "+
		"(machine %.0f%% busy just before, after waiting %.1f s for it to calm down).\n",
		x.CPU.Server, x.CPU.Client, x.CPU.Other, 100*x.BusyBefore, x.QuietWait)
	if x.CPU.Other > 0.1 {
		w("**Disturbed:** other processes used %.2f of the %d cores during this run; the latency figures are "+
			"pessimistic. Rerun on an idle machine for clean numbers.\n", x.CPU.Other, numCPU())
	}
	if t.Seconds > 0 && t.Received > 0 {
		w("CPU per message: server %.0f µs, client %.0f µs.\n",
			x.CPU.Server*1e6/t.Achieved, x.CPU.Client*1e6/t.Achieved)
	}
	if sw := x.Server; sw.AllocsPerMsg > 0 {
		w("Server runtime during the run: %.0f bytes and %.1f heap allocations per inbound frame, %d GC cycles, "+
			"%.2f ms of stop-the-world pauses in total.\n", sw.BytesPerMsg, sw.AllocsPerMsg, sw.GCs, sw.GCPauseMs)
	}
	if t.Transport == socketload.LongPoll && t.Seconds > 0 {
		w("LongPoll: %d polls answered (%d with messages, %.2f messages each), %d POSTs (%.2f frames each): "+
			"%.0f HTTP requests/s; %d client TCP connections.\n",
			t.Polls, t.PollsWithMsgs, t.MsgsPerPoll, t.Posts, t.FramesPerPost,
			float64(t.Polls+t.Posts)/(t.Seconds+t.WarmupSecs), t.TCPConns)
	}
	if x.Stats != nil {
		w("Server stats after: %v.\n", x.Stats)
	}
	for _, p := range x.Problems {
		w("- problem: %s\n", p)
	}
	w("\n")
}

// socketRan reports whether a socket (echo channel) scenario is in the report.
func (r *report) socketRan() bool {
	return r.WSMem != nil || r.WSLat != nil || len(r.LPLat) > 0 || r.LPMem != nil
}

// title names what the report measured: "socket benchmark" only when
// the echo scenarios ran (an uploads-only run used to say it too).
func (r *report) title() string {
	var parts []string
	if r.socketRan() {
		parts = append(parts, "transport + echo channel")
	}
	if r.Live != nil {
		parts = append(parts, "live views")
	}
	if r.Movies != nil {
		parts = append(parts, "movies page")
	}
	// These write their own sections (and name their own servers).
	for _, x := range []struct{ scenario, name string }{
		{lpForwardScenario, "LongPoll via another node"}, {clusterPubSubScenario, "cluster PubSub"}, {uploadsScenario, "uploads"},
	} {
		if r.Options.has(x.scenario) {
			parts = append(parts, x.name)
		}
	}
	if len(parts) == 0 {
		return "Benchmark"
	}
	return "Benchmark: " + strings.Join(parts, ", ")
}

// servers lists the binaries the scenarios in the report drove.
func (r *report) servers() []string {
	var out []string
	if r.socketRan() {
		out = append(out, "`cmd/echoserver`")
	}
	if r.Live != nil {
		out = append(out, "`cmd/liveserver`")
	}
	if r.Movies != nil {
		out = append(out, "`cmd/server`")
	}
	return out
}
