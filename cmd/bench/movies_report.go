package main

import (
	"fmt"
	"strings"
)

// moviesMarkdown writes the movies section of the report.
func (r *report) moviesMarkdown(b *strings.Builder) {
	m := r.Movies
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("\n## Movies: /movies at %d movies, %s schema\n\n", m.Movies, m.Schema)
	schema := "our migrations (movies/migrations)"
	if m.Schema == "cinegraph" {
		schema = "cinegraph's real schema (movies/testdata/cinegraph/schema.sql, dumped from its own migrations)"
	}
	w("Throwaway PostgreSQL (pgcluster) with %s, loaded with %d generated movies (+ golden) in %.1f s; `cmd/server` as its own "+
		"process with DATABASE_URL, on 127.0.0.1. Scenario took %.1f s. Alone: `go run ./cmd/bench -scenarios movies` "+
		"(part of the default list; `-movies-n 1150000 -movies-schema cinegraph` for production size).\n\n", schema, m.Movies, m.LoadSeconds, m.Seconds)
	if len(m.ServerEnv) > 0 {
		w("Server settings for this size: `%s`.\n\n", strings.Join(m.ServerEnv, " "))
	}
	if m.WarmLog != "" {
		w("Measured after the server's start-up warming of the default browse and the three primary sorts, which took %.1f s "+
			"(its log line: `%s`).\n\n", m.WarmSeconds, m.WarmLog)
	}
	w("### 1. Dead render of /movies (plain HTTP, keep-alive, closed loop)\n\n")
	w("| case | clients | requests | errors | renders/s | p50 | p99 | max | page bytes | target |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for i, d := range m.Dead {
		target := "—"
		if i == 0 {
			target = fmt.Sprintf("≥ %.0f/s: %s", targetDeadPerSec, verdict(d.PerSecond >= targetDeadPerSec && d.Errors == 0))
		}
		w("| %s | %d | %d | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %.0f | %s |\n", d.Name, d.Clients, d.Requests, d.Errors,
			d.PerSecond, d.P50Ms, d.P99Ms, d.MaxMs, d.MeanBytes, target)
	}
	for _, d := range m.Dead {
		if d.FirstError != "" {
			w("\n%s: first error: %s\n", d.Name, d.FirstError)
		}
	}
	w("\nCold: each request a URL not asked before (pages 2… of four sorts × three genre choices), so the result cache misses.\n\n")
	w("### 2. Connected live_patch events (sort / genre filter / next page)\n\n")
	w("%d clients joined /movies (%d join errors), each sending `live_patch` to a URL new to it, closed loop, for %.1f s. "+
		"Round trip from send to the `phx_reply`, including the query.\n\n", m.LiveClients-m.JoinErrors, m.JoinErrors, m.LiveSeconds)
	if m.All != nil {
		w("| event | events | errors | p50 | p99 | max | diff bytes (mean) | frame bytes (mean) | target |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, k := range append(m.Kinds, m.All) {
			target := "—"
			if k.Kind == "all" {
				target = fmt.Sprintf("p99 ≤ %.0f ms: %s", targetEventP99Ms, verdict(k.P99Ms <= targetEventP99Ms && k.Events > 0))
			}
			w("| %s | %d | %d | %.2f ms | %.2f ms | %.2f ms | %.0f | %.0f | %s |\n", k.Kind, k.Events, k.Errors,
				k.P50Ms, k.P99Ms, k.MaxMs, k.MeanDiffBytes, k.MeanFrame, target)
		}
		w("\nEvents/s overall: %.0f. Non-reply frames received (pushes): %d.\n", float64(m.All.Events)/m.LiveSeconds, m.All.Pushes)
		if len(m.PageSplit) > 0 {
			w("\nThe page events above, split by depth (the same events, not an extra mix):\n\n")
			w("| page events | events | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n")
			for _, k := range m.PageSplit {
				w("| %s | %d | %.2f ms | %.2f ms | %.2f ms |\n", k.Kind, k.Events, k.P50Ms, k.P99Ms, k.MaxMs)
			}
		}
	}
	if k := m.Paced; k != nil && k.Events > 0 {
		w("\nThe same mix at a steady rate (each client one event every %s, %.0f events/s; open loop, counted from when "+
			"each event was due; URLs new to each client, pages between the closed-loop phase's):\n\n", moviesPacedEvery, float64(k.Events)/m.PacedSeconds)
		w("| events | errors | p50 | p99 | max | target |\n|---:|---:|---:|---:|---:|---|\n")
		w("| %d | %d | %.2f ms | %.2f ms | %.2f ms | p99 ≤ %.0f ms: %s |\n", k.Events, k.Errors, k.P50Ms, k.P99Ms, k.MaxMs,
			targetEventP99Ms, verdict(k.P99Ms <= targetEventP99Ms))
	}
	if m.JoinBytes > 0 {
		w("\nPage change vs full render: the first page-change diff is %d bytes against %d bytes of the join's full render "+
			"(%.1f%%; dead page %d bytes). It carries %d templates in its top-level `\"p\"`, which the cards refer to by "+
			"number (each template travels once per diff), and %d inline static arrays (`\"s\":[…]`).\n", m.PageDiffBytes, m.JoinBytes,
			100*float64(m.PageDiffBytes)/float64(m.JoinBytes), m.PageBytes, m.PageShared, m.PageStatics)
		if m.PageSample != "" {
			w("\n<details><summary>first page-change diff (truncated)</summary>\n\n```json\n%s\n```\n</details>\n", m.PageSample)
		}
	}
	if m.RSSEndBytes > 0 {
		w("\nServer memory (VmRSS): %.1f MiB once up and warmed, %.1f MiB after every phase (result and ordering caches full).\n",
			float64(m.RSSStartBytes)/(1<<20), float64(m.RSSEndBytes)/(1<<20))
	}
	if m.ServerCPUSecs > 0 {
		w("\nServer CPU over the measurements: %.1f s.\n", m.ServerCPUSecs)
	}
	for _, p := range m.Problems {
		w("\n- problem: %s\n", p)
	}
}
