package main

import (
	"fmt"
	"strings"
	"time"
)

func (r *soakResult) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m, o := r.Machine, r.Options
	w("# Soak: endurance and faults under load (issue 14 §3)\n\n")
	w("- Command: `%s`\n", r.Command)
	w("- Started: %s, took %.0f s\n", r.Started.Format("2006-01-02 15:04:05 MST"), r.Seconds)
	w("- Machine: %d CPUs (`nproc`), %s, %s RAM, Linux %s, %s; busy before start: %.0f%% of all CPUs (other processes)\n",
		m.NumCPU, m.CPUModel, m.MemTotal, m.Kernel, m.GoVersion, 100*m.BusyBefore)
	w("- Server: `cmd/server` as its own process on loopback, on a throwaway PostgreSQL with %d generated movies; "+
		"MOVIES_RESULT_TTL=-1s (every search reaches the database), MOVIES_QUERY_TIMEOUT=%s. Clients: this process "+
		"(`cmd/internal/socketload` live clients over WebSocket and LongPoll, and raw WebSockets).\n", o.Movies, soakQueryTimeout)
	w("- Sizes: mixed %s sampled every %s; %d cycles; slow consumers and malformed frames %s before + %s during each "+
		"(%d slow clients, %.0f bad frames/s); PostgreSQL down %s. A p99 change under %s counts as noise.\n",
		o.Duration, o.Sample, o.Cycles, o.Fault, o.Fault, o.SlowClients, o.MalformedRate, o.Outage, o.P99Floor)
	w("- Idle baseline (after every page and transport was used once and left): %d goroutines (`go_goroutines`), "+
		"%d timers (`golive_timers`), RSS %s.\n\n", r.Baseline.Goroutines, r.Baseline.Timers, mib(r.Baseline.RSS))

	w("| phase | check | measured | target | result |\n|---|---|---|---|---|\n")
	for _, c := range r.Checks {
		v := "met"
		if !c.Met {
			v = "**NOT MET**"
		}
		w("| %s | %s | %s | %s | %s |\n", c.Phase, c.Name, cell(c.Measured), c.Target, v)
	}
	for _, f := range r.Failures {
		w("\n**Phase failed:** %s\n", f)
	}
	if len(r.Samples) > 0 {
		w("\nMixed traffic, one sample per interval (RSS from /proc/PID/status, the rest from /metrics; the heap goal is Go's next_gc, twice the live heap after the last collection; click p99 over the interval):\n\n")
		w("| at | RSS | heap goal | goroutines | live views | channels | timers | click p99 WebSocket | click p99 LongPoll |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, x := range r.Samples {
			w("| %s | %s | %s | %d | %d | %d | %d | %.2f ms | %.2f ms |\n", (time.Duration(x.At) * time.Second).String(),
				mib(x.RSS), mib(x.HeapGoal), x.Goroutines, x.Views, x.Channels, x.Timers, x.WSP99, x.LPP99)
		}
	}
	verdict := "every check met"
	if r.failed() {
		verdict = "**some checks not met or phases failed**"
	}
	w("\nVerdict: %s.\n", verdict)
	return b.String()
}

// cell keeps a measured figure on one table row.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
