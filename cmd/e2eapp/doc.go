// Command e2eapp is the support app of phoenix_live_view's own end-to-end
// suite (its test/e2e: Playwright specs against a small Phoenix app of
// views and routes), written again in Go on this project's live engine, so
// that the upstream specs, vendored unmodified in assets/upstream-e2e, run
// against this server. It serves what the suite's test_helper.exs serves:
// the same paths on 127.0.0.1:4004 (and [::1]:4004), the same layout (the
// phoenix and phoenix_live_view 1.1 ESM clients loaded straight from npm,
// a LiveSocket with the suite's hooks on window.liveSocket) and one Go view
// per support view, each written from reading what the Elixir one does.
//
// `make e2e-upstream` builds it and runs the suite; docs/UPSTREAM-SUITE.md
// has the per-file results and what is not ported yet.
package main
