// Runs phoenix_live_view's own end-to-end specs (tests/, vendored
// unmodified) against cmd/e2eapp, in Debian's Chromium. Our config, not
// upstream's: one browser (Chromium), no retries (a flaky test is a
// defect to find), a JSON report for docs/UPSTREAM-SUITE.md.
//   E2EAPP   the e2eapp binary (make e2e-upstream builds it)
//   E2E_FILES  spec files to run (space separated, or ALL; default: ported.txt)
import { defineConfig, devices } from "@playwright/test"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const ported = (process.env.E2E_FILES || readFileSync(resolve(here, "ported.txt"), "utf8"))
  .split(/\s+/)
  .filter((l) => l && !l.startsWith("#"))

export default defineConfig({
  testDir: resolve(here, "tests"),
  testMatch: ported.includes("ALL") ? "**/*.spec.js" : ported.map((f) => resolve(here, "tests", f)),
  forbidOnly: true,
  retries: 0,
  workers: 2,
  timeout: 30000,
  reporter: [["list"], ["json", { outputFile: resolve(here, "../../var/upstream-e2e/results.json") }]],
  outputDir: resolve(here, "../../var/upstream-e2e/output"),
  use: {
    baseURL: "http://localhost:4004/",
    trace: "off",
    screenshot: "off",
  },
  webServer: {
    command: `${process.env.E2EAPP || resolve(here, "../../var/upstream-e2e/e2eapp")} -node-modules ${resolve(here, "../node_modules")}`,
    url: "http://127.0.0.1:4004/health",
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
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
        },
      },
    },
  ],
})
