// Runs phoenix_live_view's own end-to-end specs (tests/, vendored
// unmodified) against cmd/e2eapp, in Debian's chromium-headless-shell:
// the build Playwright's "chromium" project runs headless, so the one
// upstream's CI runs these specs in (Debian's full Chromium in its new
// headless mode takes ~65 % longer per page load here, 190 vs 115 ms a
// reload cycle, which errors.spec's fixed 2 s wait for six loads cannot
// absorb; CHROMIUM_PATH overrides). Our config, not
// upstream's: one browser (Chromium), two retries as upstream's CI has
// (some specs race the client's own timing, see alone.txt; report.mjs
// prints every test that needed its retry as FLAKY),
// a JSON report for docs/UPSTREAM-SUITE.md.
//   E2EAPP   the e2eapp binary (make e2e-upstream builds it)
//   E2E_FILES  spec files to run (space separated, or ALL; default: ported.txt)
//   E2E_NO_SKIPS  set: run (or list) the tests of skips.txt too
//   E2E_PHASE  "shared": the files to run minus alone.txt's, two workers;
//              "alone": only alone.txt's, one worker, after the rest
//              (make e2e-upstream runs both); unset: all files to run
import { defineConfig, devices } from "@playwright/test"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

// E2E_PORT moves the app off 4004 for a side run (some specs name
// localhost:4004 themselves, so the full suite runs on 4004).
const port = process.env.E2E_PORT || "4004"
const here = dirname(fileURLToPath(import.meta.url))
const ported = (process.env.E2E_FILES || readFileSync(resolve(here, "ported.txt"), "utf8"))
  .split(/\s+/)
  .filter((l) => l && !l.startsWith("#"))

// skips.txt: tests not run (not the server's), "file :: title :: reason".
const skipped = process.env.E2E_NO_SKIPS ? [] : readFileSync(resolve(here, "skips.txt"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => l.split(" :: ")[1].trim())
// alone.txt: files that run by themselves (see there why).
const alone = readFileSync(resolve(here, "alone.txt"), "utf8")
  .split(/\s+/)
  .filter((l) => l && !l.startsWith("#"))
const phase = process.env.E2E_PHASE || ""
if (phase && phase !== "shared" && phase !== "alone") throw new Error(`E2E_PHASE=${phase}: want shared or alone`)
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

export default defineConfig({
  testDir: resolve(here, "tests"),
  testMatch: phase === "alone"
    ? alone.filter((f) => ported.includes("ALL") || ported.includes(f)).map((f) => resolve(here, "tests", f))
    : ported.includes("ALL") ? "**/*.spec.js" : ported.map((f) => resolve(here, "tests", f)),
  testIgnore: phase === "shared" ? alone.map((f) => resolve(here, "tests", f)) : undefined,
  forbidOnly: true,
  grepInvert: skipped.length ? new RegExp(skipped.map((t) => `(^|\\s)${escape(t)}$`).join("|")) : undefined,
  // As upstream's own CI runs these specs (retries: 2 under CI). A test
  // that passes only on a retry is still reported, as FLAKY, by report.mjs
  // and in docs/UPSTREAM-SUITE.md; alone.txt says why each known one races.
  retries: 2,
  workers: phase === "alone" ? 1 : 2,
  timeout: 30000,
  reporter: [["list"], ["json", { outputFile: resolve(here, `../../var/upstream-e2e/results${phase === "alone" ? "-alone" : ""}.json`) }]],
  outputDir: resolve(here, "../../var/upstream-e2e/output"),
  use: {
    baseURL: `http://localhost:${port}/`,
    trace: "off",
    screenshot: "off",
  },
  webServer: {
    command: `${process.env.E2EAPP || resolve(here, "../../var/upstream-e2e/e2eapp")} -addr 127.0.0.1:${port} -node-modules ${resolve(here, "../node_modules")}`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium-headless-shell",
          // RenderDocument off: Chromium 150 and 156 (Debian's, full and
          // headless shell) give every new document a new frame host, and
          // the old one unloads, closing its WebSocket, only after the new
          // one commits; Playwright forgets a page's WebSockets at that
          // commit, so navigation.spec's "falls back to http navigation"
          // never sees the close it expects. With the frame host reused
          // for a same-site navigation, the close is reported before the
          // commit (5 of 5; 0 of 8 with it on). The server's frames are the
          // same either way; see docs/UPSTREAM-SUITE.md.
          args: ["--disable-features=RenderDocument", "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
        },
      },
    },
  ],
})
