package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// vsTargetRatio is the aim: golive at most half of Phoenix.
const vsTargetRatio = 0.5

// vsMeasure is one row kind of the table.
type vsMeasure struct {
	Name   string
	Value  func(*vsSide) (float64, bool) // false: not measured
	Format func(float64) string
	Target bool // the issue sets ≤ ½ Phoenix for it
}

func usFmt(v float64) string { return fmt.Sprintf("%.0f µs", v) }
func msFmt(v float64) string { return fmt.Sprintf("%.2f ms", v) }

var vsMeasures = []vsMeasure{
	{"server CPU per click", func(s *vsSide) (float64, bool) {
		return s.CPUClickUs, s.Traffic.AllReplies > 0
	}, usFmt, true},
	{"click round trip p50", func(s *vsSide) (float64, bool) {
		return s.Traffic.Latency.P50Ms, s.Traffic.Received > 0
	}, msFmt, false},
	{"click round trip p99", func(s *vsSide) (float64, bool) {
		return s.Traffic.Latency.P99Ms, s.Traffic.Received > 0
	}, msFmt, true},
	{"memory per connected view (RSS)", func(s *vsSide) (float64, bool) {
		return s.RSSPerView, s.Views > 0
	}, func(v float64) string { return kib(v) }, true},
	{"server CPU per join (connect + phx_join)", func(s *vsSide) (float64, bool) {
		return s.CPUJoinUs, s.Joins.OK > 0
	}, usFmt, true},
	{"server CPU per page GET (dead render)", func(s *vsSide) (float64, bool) {
		return s.CPUPageUs, s.Pages.OK > 0
	}, usFmt, false},
}

func transportName(t string) string {
	if t == socketload.LongPoll {
		return "LongPoll"
	}
	return "WebSocket"
}

// vsVerdict is a target's verdict from the two values.
func vsVerdict(ours, theirs float64, okOurs, okTheirs, clean bool) (ratio string, verdict string) {
	if !okOurs || !okTheirs {
		return "—", "not measured"
	}
	if theirs <= 0 {
		return "—", "not comparable (Phoenix ≤ 0)"
	}
	r := ours / theirs
	ratio = fmt.Sprintf("%.2f", r)
	switch {
	case r <= vsTargetRatio && clean:
		verdict = "**met**"
	case r <= vsTargetRatio:
		verdict = "met, but with errors (below)"
	default:
		verdict = "**not met**"
	}
	return ratio, verdict
}

// markdown is the report: machine, command, the table and the details.
func (r *vsResult) markdown() string {
	var b strings.Builder
	o := r.Options
	b.WriteString("## golive vs Phoenix LiveView, the same counter page (issue 14)\n\n")
	m := r.Machine
	fmt.Fprintf(&b, "**Machine:** %d cores (%s), %s, Linux %s, %s; %.0f %% busy before the start. "+
		"Run %s UTC, %.0f s.\n\n", m.NumCPU, m.CPUModel, m.MemTotal, m.Kernel, m.GoVersion, m.BusyBefore*100,
		r.Started.UTC().Format("2006-01-02 15:04"), r.Seconds)
	fmt.Fprintf(&b, "**Command:** `%s` (`make bench-vs-phoenix`)\n\n", r.Command)
	fmt.Fprintf(&b, "Servers: golive `cmd/liveserver`, page `/examples/refcounter`; Phoenix 1.7.24 / LiveView 1.0.19 "+
		"(phoenix-ref, built from git mirrors, `MIX_ENV=prod`, Bandit), page `/counter`: the same page (a count, a "+
		"`phx-click=\"inc\"` button, a filter form, 10 items, a patch link). Each figure from a fresh server process, "+
		"driven by the same socketload live clients (page GET, connect, `phx_join`, clicks) on loopback; CPU from "+
		"`/proc/PID/stat` (utime+stime), memory from VmRSS, the same way for both. Clicks: %d clients, %.0f clicks/s "+
		"open loop for %s after %s of warm-up (CPU over the whole traffic ÷ clicks answered). Memory and join: %d "+
		"views opened (RSS growth ÷ views, 2 s after the last join; CPU of the join phase ÷ joins). "+
		"Clients announce `_lv_vsn` %s. Ratio = golive ÷ Phoenix; the issue's target is ≤ 0.5 for CPU per click, p99, memory and join.\n\n",
		o.Clients, o.Rate, o.Duration, o.Warmup, o.Views, o.Vsn)

	for _, sd := range r.Sides {
		if sd.ViewsPerConn > 1 {
			fmt.Fprintf(&b, "%s over %s: %d views joined on each connection (the open-file limit holds no connection per view).\n\n",
				sd.Server, sd.Transport, sd.ViewsPerConn)
		}
	}
	b.WriteString("| measure | transport | golive | Phoenix | ratio | target ≤ ½ Phoenix |\n|---|---|---|---|---|---|\n")
	for _, tr := range o.Transports {
		ours, theirs := r.side(sideGo, tr), r.side(sidePhoenix, tr)
		for _, ms := range vsMeasures {
			ov, ook := 0.0, false
			tv, tok := 0.0, false
			if ours != nil {
				ov, ook = ms.Value(ours)
			}
			if theirs != nil {
				tv, tok = ms.Value(theirs)
			}
			cell := func(v float64, ok bool) string {
				if !ok || math.IsNaN(v) {
					return "—"
				}
				return ms.Format(v)
			}
			clean := ours != nil && theirs != nil && len(ours.Problems) == 0 && len(theirs.Problems) == 0
			ratio, verdict := vsVerdict(ov, tv, ook, tok, clean)
			if !ms.Target {
				verdict = "(reported)"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", ms.Name, transportName(tr), cell(ov, ook), cell(tv, tok), ratio, verdict)
		}
	}

	b.WriteString("\nDetails:\n\n| server, transport | clicks sent / answered (rate) | errors | server cores | client cores | other cores | busy before | click reply | page / join reply |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.Sides {
		t := s.Traffic
		fmt.Fprintf(&b, "| %s, %s | %d / %d (%.0f/s) | %d | %.2f | %.2f | %.2f%s | %.0f %% | %d B, diff `%s` | %d B / %d B |\n",
			s.Server, transportName(s.Transport), t.Sent, t.Received, t.Achieved, t.Errors,
			s.CPU.Server, s.CPU.Client, s.CPU.Other, disturbedMark(s.CPU.Other), s.BusyBefore*100,
			s.Click.FrameBytes, clip(string(s.Click.Diff), 40), s.PageBytes, s.JoinBytes)
	}
	var problems []string
	for _, s := range r.Sides {
		for _, p := range s.Problems {
			problems = append(problems, fmt.Sprintf("%s %s: %s", s.Server, transportName(s.Transport), p))
		}
	}
	problems = append(problems, r.Failures...)
	if len(problems) > 0 {
		b.WriteString("\nProblems:\n\n")
		for _, p := range problems {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	b.WriteString("\n")
	return b.String()
}

// disturbedMark flags a window in which other processes used more than
// 0.1 core.
func disturbedMark(other float64) string {
	if other > 0.1 {
		return " (disturbed)"
	}
	return ""
}
