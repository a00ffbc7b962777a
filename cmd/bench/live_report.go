package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// onlyCount: the click's diff holds one string, a number (the new count).
func onlyCount(raw json.RawMessage) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	strs := 0
	ok := true
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			strs++
			_, err := strconv.Atoi(x)
			ok = ok && err == nil
		}
	}
	walk(v)
	return ok && strs == 1
}

// diffStrings are the string leaves of a diff and how many integer leaves
// it has (1.1+ keyed diffs send a moved entry as its old index).
func diffStrings(raw json.RawMessage) (strs []string, ints int) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil, 0
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			strs = append(strs, x)
		case float64:
			ints++
		}
	}
	walk(v)
	return strs, ints
}

// onlyNewRow: the first insert-top's diff carries no text but the new row
// (id r-101, label 101) and the new count (101); moved rows may travel as
// index references, not as content.
func onlyNewRow(raw json.RawMessage) bool {
	strs, _ := diffStrings(raw)
	if len(strs) == 0 {
		return false
	}
	for _, s := range strs {
		if s != "r-101" && s != "101" {
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("… (%d bytes in all)", len(s))
}

func (r *report) liveMarkdown(b *strings.Builder) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	lr := r.Live
	m := r.Machine
	w("\n# Live-view benchmark (live examples)\n\n")
	w("- Command: `%s`\n", r.Command)
	w("- Started: %s\n", r.Started.Format("2006-01-02 15:04:05 MST"))
	w("- Machine: %d CPUs (`nproc`), %s, %s RAM, Linux %s, %s, GOMAXPROCS %d\n",
		m.NumCPU, m.CPUModel, m.MemTotal, m.Kernel, m.GoVersion, m.GOMAXPROCS)
	w("- Server: `cmd/liveserver` (the live examples registered by `examples.Register` on the `cmd/internal/app` " +
		"stack, as `cmd/server` does; loopback, origin check off) as its own process, a fresh one per case; " +
		"client: `socketload` live clients inside the bench process (page GET with a cookie jar per client, " +
		"csrf meta + data-phx-main tokens, WebSocket `/live/websocket?_csrf_token=…&_lv_vsn=…&vsn=2.0.0`, `phx_join lv:<id>`, " +
		"phx-click events `{\"type\":\"click\",\"event\":…,\"value\":{\"value\":\"\"}}`). Both share the same CPUs.\n")
	w("- Phoenix figures for comparison (same machine kind, Phoenix 1.7 / LiveView 1.0, counter page, 5,000 clients, " +
		"500 clicks/s): 61 KiB per client, 218 µs CPU per event, 1.5 ms CPU per join, event round trip p99 1.3 ms.\n\n")

	w("## Live summary\n\n| measure | result | target | verdict |\n|---|---|---|---|\n")
	for _, x := range lr.Bytes {
		d := string(x.Sample.Diff)
		switch {
		case x.Case.Event == "inc":
			w("| a. counter click diff | `%s` (%d bytes; frame %d bytes) | only the new count | %s |\n",
				d, x.Sample.DiffBytes, x.Sample.FrameBytes, verdict(onlyCount(x.Sample.Diff)))
		case x.Case.Event == "change-one" && x.PageBytes > 0:
			share := x.Traffic.MeanDiffBytes / float64(x.PageBytes)
			w("| b. one card changed | %.0f bytes diff (frame %.0f) = %.2f %% of the %d-byte page | ≤ 5 %% of the page | %s |\n",
				x.Traffic.MeanDiffBytes, x.Traffic.MeanFrameBytes, 100*share, x.PageBytes, verdict(share <= targetChangeOneShare && x.Traffic.Received > 0))
		case x.Case.Event == "insert-top":
			strs, ints := diffStrings(x.Sample.Diff)
			w("| d. insert at top of 100 (%s) | `%s` (%d bytes: %d strings, %d index references) | only the new row and the count | %s |\n",
				x.Case.Encoded, clip(d, 200), x.Sample.DiffBytes, len(strs), ints, verdict(onlyNewRow(x.Sample.Diff)))
		}
	}
	for _, x := range lr.Mem {
		if x.Views == 0 {
			continue
		}
		if strings.HasSuffix(x.Path, "counter") {
			w("| memory per counter view (%d views) | %s heap+stack (RSS %s) | < Phoenix 61 KiB (aim 30.5) | %s |\n",
				x.Views, kib(x.PerView), kib(x.RSSPer), verdict(x.PerView < phoenixBytesPerClient))
		} else {
			w("| memory per 24-card grid view (%d views) | %s heap+stack (RSS %s) | ≤ 64 KiB | %s |\n",
				x.Views, kib(x.PerView), kib(x.RSSPer), verdict(x.PerView <= targetGridViewBytes))
		}
	}
	if x := lr.Lat; x != nil && x.Traffic.Latency.Count > 0 {
		t := x.Traffic
		w("| counter click round trip, %.0f/s over %d clients | p50 %.3f ms, p99 %.3f ms (%d errors)%s | p99 < 1.3 ms (aim 0.65) | %s |\n",
			t.TargetRate, t.Clients, t.Latency.P50Ms, t.Latency.P99Ms, t.Errors, disturbedLive(x),
			verdict(t.Latency.P99Ms < phoenixP99Ms && t.Errors == 0))
		w("| server CPU per counter click (at %.0f/s) | %.0f µs | < 218 µs (aim 109) | %s |\n",
			t.TargetRate, x.CPUPerEventUs, verdict(x.CPUPerEventUs > 0 && x.CPUPerEventUs < phoenixCPUPerEventUs))
		w("| server CPU per join (WebSocket connect + phx_join; page GET separate: %.0f µs) | %.0f µs | < 1.5 ms (aim 0.75) | %s |\n",
			x.CPUPerPageUs, x.CPUPerJoinUs, verdict(x.CPUPerJoinUs > 0 && x.CPUPerJoinUs < phoenixCPUPerJoinUs))
	}
	w("\n")

	if len(lr.Bytes) > 0 {
		w("## Live 1. Bytes on the wire and server CPU per event\n\n")
		w("%d clients per case, open loop at %.0f events/s for %s, round-robin; a fresh server per case. "+
			"\"Diff\" is the length of the reply's `response.diff` JSON as it is on the wire; \"frame\" is the whole "+
			"WebSocket text frame `[join_ref,ref,topic,\"phx_reply\",{\"status\":\"ok\",\"response\":{\"diff\":…}}]`. "+
			"Server CPU is the liveserver process's user+system time (getrusage) across the run divided by the events "+
			"it answered.\n\n", lr.Options.BytesClients, lr.Options.BytesRate, lr.Options.BytesDuration)
		w("| case | event | encoding | page HTML | first diff | mean diff (min–max) | mean frame | diff / page | server CPU per event | events answered | errors |\n")
		w("|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, x := range lr.Bytes {
			t := x.Traffic
			share := ""
			if x.PageBytes > 0 {
				share = fmt.Sprintf("%.2f %%", 100*t.MeanDiffBytes/float64(x.PageBytes))
			}
			w("| %s | `%s` | %s (`_lv_vsn=%s`) | %d B | %d B | %.0f B (%d–%d) | %.0f B | %s | %.0f µs | %d | %d |\n",
				x.Case.Name, x.Case.Event, x.Case.Encoded, x.Case.Vsn, x.PageBytes, x.Sample.DiffBytes,
				t.MeanDiffBytes, t.MinDiffBytes, t.MaxDiffBytes, t.MeanFrameBytes, share, x.CPUPerEvUs, t.AllReplies, t.Errors)
		}
		w("\nThe first event's diff for each case (the insert-top one is the insert above exactly 100 rows; later inserts " +
			"in the run land above 100+k rows):\n\n")
		for _, x := range lr.Bytes {
			w("- %s, %s: `%s`\n", x.Case.Name, x.Case.Encoded, clip(string(x.Sample.Diff), 700))
		}
		w("\n")
		for _, x := range lr.Bytes {
			for _, p := range x.Problems {
				w("- problem (%s, %s): %s\n", x.Case.Name, x.Case.Encoded, p)
			}
		}
	}

	if len(lr.Mem) > 0 {
		w("## Live 2. Server memory per connected view\n\n")
		w("A fresh server per page; 10 warm-up views come and go, then `HeapInuse+StackInuse` after a forced GC " +
			"(`/debug/mem?gc=1&free=1`) with N joined views minus the same before, divided by N. Each view is a real " +
			"client: page GET (no keep-alive, so no idle HTTP connection stays), WebSocket, join.\n\n")
		w("| page | views | page HTML | join reply | open time | heap / view | stack / view | **heap+stack / view** | RSS / view | goroutines / view | server CPU per view opened |\n")
		w("|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, x := range lr.Mem {
			w("| `%s` | %d | %d B | %d B | %.1f s | %s | %s | **%s** | %s | %.2f | %.0f µs |\n",
				x.Path, x.Views, x.PageBytes, x.JoinBytes, x.OpenSecs, kib(x.HeapPer), kib(x.StackPer), kib(x.PerView),
				kib(x.RSSPer), x.GoroPer, x.CPUOpenUs)
		}
		w("\n")
		for _, x := range lr.Mem {
			w("- `%s`: before %s heap + %s stack, %d goroutines; after %s heap + %s stack, %d goroutines. Server stats after: %v.\n",
				x.Path, mib(x.Before.HeapInuse), mib(x.Before.StackInuse), x.Before.Goroutines,
				mib(x.After.HeapInuse), mib(x.After.StackInuse), x.After.Goroutines, x.After.Stats)
			for _, p := range x.Problems {
				w("- problem (%s): %s\n", x.Path, p)
			}
		}
		w("\n")
		for _, x := range lr.Mem {
			if x.HeapTop != "" {
				w("Heap profile of `%s` at %d views (in-use space, sampled every 4 KiB):\n\n```\n%s\n```\n\n", x.Path, x.Views, x.HeapTop)
			}
		}
	}

	if x := lr.Lat; x != nil {
		t := x.Traffic
		w("## Live 3. Counter click round trip at %d clients\n\n", t.Clients)
		w("Join phase: %d page GETs in %.2f s (%.0f/s, %d errors), then %d WebSocket connects + joins in %.2f s "+
			"(%.0f/s, %d errors). Server CPU: %.0f µs per page GET (dead render), **%.0f µs per join** (connect + join).\n\n",
			x.Pages.OK, x.Pages.Seconds, x.Pages.PerSecond, x.Pages.Errors, x.Joins.OK, x.Joins.Seconds, x.Joins.PerSecond,
			x.Joins.Errors, x.CPUPerPageUs, x.CPUPerJoinUs)
		w("Open loop: %.0f clicks/s round-robin over %d clients, measured %.1f s after %.1f s warm-up. Sent %d, ok replies %d "+
			"(%.0f/s achieved), error replies %d, send errors %d, lost %d, disconnects %d.\n\n",
			t.TargetRate, t.Clients, t.Seconds, t.WarmupSecs, t.Sent, t.Received, t.Achieved, t.ErrorReplies,
			t.SendErrors, t.Lost, t.Disconnects)
		w("| round trip | p50 | p90 | p99 | p99.9 | max | mean |\n|---|---|---|---|---|---|---|\n")
		rows := []struct {
			name                          string
			p50, p90, p99, p999, mx, mean float64
		}{
			{"from schedule (headline)", t.Latency.P50Ms, t.Latency.P90Ms, t.Latency.P99Ms, t.Latency.P999Ms, t.Latency.MaxMs, t.Latency.MeanMs},
			{"from send", t.Service.P50Ms, t.Service.P90Ms, t.Service.P99Ms, t.Service.P999Ms, t.Service.MaxMs, t.Service.MeanMs},
			{"client send lag", t.SendLag.P50Ms, t.SendLag.P90Ms, t.SendLag.P99Ms, t.SendLag.P999Ms, t.SendLag.MaxMs, t.SendLag.MeanMs},
		}
		for _, r := range rows {
			w("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |\n", r.name, r.p50, r.p90, r.p99, r.p999, r.mx, r.mean)
		}
		w("\nServer CPU per click: **%.0f µs** (getrusage delta over warm-up + measured traffic / %d replies). "+
			"Mean reply frame %.0f B, diff %.0f B.\n", x.CPUPerEventUs, t.AllReplies, t.MeanFrameBytes, t.MeanDiffBytes)
		w("CPU during the run (cores): server %.2f, client %.2f, other processes %.2f (machine %.0f%% busy just before, "+
			"after waiting %.1f s for it to calm down).\n", x.CPU.Server, x.CPU.Client, x.CPU.Other, 100*x.BusyBefore, x.QuietWait)
		if sw := x.Server; sw.AllocsPerMsg > 0 {
			w("Server runtime during the run: %.0f bytes and %.1f heap allocations per click, %d GC cycles, %.2f ms of "+
				"stop-the-world pauses in total.\n", sw.BytesPerMsg, sw.AllocsPerMsg, sw.GCs, sw.GCPauseMs)
		}
		for _, p := range x.Problems {
			w("- problem: %s\n", p)
		}
		w("\n")
	}
}

func disturbedLive(x *liveLatResult) string {
	if x.CPU.Other > 0.1 {
		return fmt.Sprintf("; **disturbed: other processes used %.2f cores**", x.CPU.Other)
	}
	return ""
}
