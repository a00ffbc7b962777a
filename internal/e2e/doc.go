// Package e2e holds the helpers shared by the end-to-end tests of every
// package: the tests that drive the real npm clients (phoenix,
// phoenix_live_view) in Node and in Debian's Chromium against a Go server
// started by the test on a loopback port.
//
// It owns:
//
//   - finding the repository's assets directory from a test's working
//     directory ([AssetsDir]);
//   - the preconditions ([RequireNode], [RequireChromium], [RequireAssets]).
//     They FAIL the test when something is missing, because `make test`
//     installs Node packages, Chromium and builds assets/dist first; a
//     browser test that skipped itself would hide breakage. Only under
//     `go test -short` does a missing dependency skip the test instead;
//   - running a Node script from assets/e2e ([RunNode]) with a deadline, in
//     its own process group, and checking the summary line that every
//     script built on assets/e2e/lib.mjs prints ("N passed, N failed");
//   - what a test server needs to serve a browser: the built bundles of
//     assets/dist under /assets/ ([AssetHandler]) and a minimal page that
//     loads /assets/phoenix.js ([PhoenixPage]);
//   - a loopback HTTP server that can be stopped, abruptly or gracefully,
//     and started again on the same port ([Server]), to test client
//     reconnects, and a small JSON control server ([Control]) through
//     which a Node script asks the Go test for server-side counters or a
//     restart;
//   - a [Logger] that writes to the test log and goes quiet once the test
//     has finished.
//
// Everything it starts listens on 127.0.0.1 only and is stopped by the
// test's cleanup; Node scripts stop themselves at their deadline or when
// the Go test process goes away (their stdin closes).
//
// The Node side lives in assets/e2e: lib.mjs (test runner, Chromium launch,
// waitFor, control client) and one script per suite.
package e2e
