// Shared by the end-to-end scripts: a tiny sequential test runner, Chromium
// through playwright-core, waitFor, and the client of the Go test's control
// server. Scripts are run by the Go tests (internal/e2e.RunNode) with the
// assets directory as working directory; they print one line per test and
// end with "N passed, N failed", exiting non-zero on any failure.
//
// Environment:
//   E2E_URL          base URL of the server under test (http://127.0.0.1:PORT)
//   E2E_CONTROL      base URL of the Go test's control server
//   CHROMIUM_PATH    the browser (default /usr/bin/chromium)
//   E2E_DEADLINE_MS  stop (closing the browser) after this long
//   E2E_WATCH_STDIN  "1": exit when stdin closes (the Go test went away)
//   E2E_ONLY         run only tests whose name contains this text (tests in
//                    a suite build on earlier ones, so mostly for selftest)
//   E2E_DEBUG        "1": the channel scripts log phoenix.js's own log
//   E2E_CHROMIUM_ARGS a JSON array of extra Chromium flags for launchBrowser
//                    (the proxy tests: --host-resolver-rules and the
//                    certificate to trust)
//
// The scripts need the Go test's server and control server; run them with
//   go test -v -run 'TestPhoenixClient|TestOriginStorm' ./transport
// (E2E_DEBUG=1 and E2E_ONLY pass through the Go test's environment).
import assert from "node:assert/strict"

export { assert }

const tests = []
const cleanups = []
const pages = []
const pageErrors = []
let started = false
let guarded = false
let passed = 0
let failed = 0
let current = null

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function env(name, fallback) {
  const v = process.env[name]
  if (v === undefined || v === "") {
    if (fallback === undefined) throw new Error(`environment variable ${name} is not set`)
    return fallback
  }
  return v
}

// test registers a test; tests run in order, each with a timeout.
// opts.skip: a reason string to skip it.
export function test(name, fn, opts = {}) {
  tests.push({ name, fn, timeout: opts.timeout ?? 20000, skip: opts.skip })
}

// onCleanup registers fn to run at exit, in reverse order, even after a
// failure, a deadline or a signal.
export function onCleanup(fn) {
  cleanups.push(fn)
}

async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop()
    try {
      await withTimeout(Promise.resolve().then(fn), 5000, "cleanup")
    } catch (e) {
      console.log(`cleanup error: ${e && e.message}`)
    }
  }
}

export function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// waitFor polls fn (sync or async) until it returns a truthy value, which it
// returns. On timeout it throws, naming what it waited for and the last
// value or error seen.
export async function waitFor(what, fn, { timeout = 5000, interval = 25 } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = v
    } catch (e) {
      last = e
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? `last error: ${last.message}` : `last value: ${JSON.stringify(last)}`
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${detail})`)
    }
    await sleep(interval)
  }
}

// The Go test's control server.
export const control = {
  base: () => env("E2E_CONTROL"),
  async get(path) {
    return controlRequest("GET", path)
  },
  async post(path) {
    return controlRequest("POST", path)
  },
}

async function controlRequest(method, path) {
  const res = await fetch(control.base() + path, { method })
  const body = await res.json().catch(() => null)
  if (!res.ok) throw new Error(`control ${method} ${path}: HTTP ${res.status} ${JSON.stringify(body)}`)
  return body
}

export const chromiumArgs = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

// extraChromiumArgs are the flags of E2E_CHROMIUM_ARGS (a JSON array of
// strings), none when it is unset.
export function extraChromiumArgs() {
  const raw = process.env.E2E_CHROMIUM_ARGS
  if (!raw) return []
  const args = JSON.parse(raw)
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw new Error(`E2E_CHROMIUM_ARGS must be a JSON array of strings: ${raw}`)
  }
  return args
}

// launchBrowser starts Debian's Chromium with a fresh temporary profile
// (playwright's default for launch; TMPDIR is a directory the Go test
// removes) and args added to chromiumArgs (by default the flags of
// E2E_CHROMIUM_ARGS). It is closed at exit.
export async function launchBrowser(args = extraChromiumArgs()) {
  const { chromium } = await import("playwright-core")
  const browser = await chromium.launch({
    executablePath: env("CHROMIUM_PATH", "/usr/bin/chromium"),
    args: [...chromiumArgs, ...args],
    timeout: 30000,
  })
  onCleanup(() => browser.close())
  return browser
}

// newPage opens a page in a new browser context (fresh cookies and
// sessionStorage), recording its console, page errors and failed
// requests; they are printed when a test fails. Page errors fail the run.
export async function newPage(browser, name = "page") {
  const context = await browser.newContext()
  onCleanup(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(10000)
  const log = []
  const rec = (line) => {
    log.push(`${new Date().toISOString().slice(11, 23)} [${name}] ${line}`)
    if (log.length > 200) log.shift()
  }
  page.on("console", (m) => rec(`console.${m.type()}: ${m.text()}`))
  page.on("pageerror", (e) => {
    rec(`pageerror: ${e.message}`)
    pageErrors.push(`[${name}] ${e.message}${e.stack ? "\n" + e.stack.split("\n").slice(1, 4).join("\n") : ""}`)
  })
  page.on("requestfailed", (r) => rec(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`))
  pages.push({ name, log })
  return page
}

function dumpPageLogs(max = 40) {
  for (const { name, log } of pages) {
    if (!log.length) continue
    const tail = log.slice(-max)
    console.log(`--- last ${tail.length} of ${log.length} recorded events of ${name}`)
    for (const line of tail) console.log(line)
  }
}

function summary(passed, failed) {
  console.log(`${passed} passed, ${failed} failed`)
}

// exit prints the summary if a test or the setup was cut short, runs the
// cleanups and exits.
async function exit(code, why) {
  if (why) {
    console.log(why)
    if (current) console.log(`FAIL - ${current} (interrupted)`)
    dumpPageLogs()
    summary(passed, failed + 1)
  }
  await runCleanups()
  process.exit(code)
}

// guard installs, once, what stops the script however it goes: the
// deadline, the Go test going away, signals.
function guard() {
  if (guarded) return
  guarded = true
  // Counted from the process start, as the Go test's timeout is.
  const deadline = Number(process.env.E2E_DEADLINE_MS || 0)
  if (deadline > 0) {
    const left = Math.max(0, deadline - process.uptime() * 1000)
    setTimeout(() => exit(2, `deadline of ${deadline} ms reached`), left)
  }
  if (process.env.E2E_WATCH_STDIN === "1") {
    process.stdin.on("end", () => exit(3, "stdin closed: the Go test is gone"))
    process.stdin.on("error", () => {})
    process.stdin.resume()
  }
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => exit(4, `got ${sig}`))
  process.on("unhandledRejection", (e) => {
    console.log(`unhandled rejection: ${e && e.stack ? e.stack : e}`)
    failed++
  })
}

// setup runs what a script needs before its tests (launching the browser,
// loading a page) under the same guards; a failure there is reported as a
// failed test, with the summary, and ends the script after cleaning up.
export async function setup(name, fn) {
  guard()
  current = `setup: ${name}`
  try {
    return await fn()
  } catch (e) {
    current = null
    failed++
    console.log(`FAIL - setup: ${name}`)
    console.log(indent(e && e.stack ? e.stack : String(e)))
    dumpPageLogs()
    summary(passed, failed)
    return exit(1)
  } finally {
    current = null
  }
}

// run runs the registered tests, prints the summary, cleans up and exits.
export async function run() {
  if (started) throw new Error("run called twice")
  started = true
  guard()
  const only = process.env.E2E_ONLY || ""
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue
    if (t.skip) {
      console.log(`skip - ${t.name}: ${t.skip}`)
      continue
    }
    current = t.name
    const t0 = Date.now()
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeout, `test "${t.name}"`)
      passed++
      console.log(`ok - ${t.name} (${Date.now() - t0} ms)`)
    } catch (e) {
      failed++
      console.log(`FAIL - ${t.name} (${Date.now() - t0} ms)`)
      console.log(indent(e && e.stack ? e.stack : String(e)))
      dumpPageLogs()
    }
    current = null
  }
  if (pageErrors.length) {
    failed++
    console.log(`FAIL - uncaught errors in pages:`)
    for (const e of pageErrors) console.log(indent(e))
  }
  summary(passed, failed)
  await exit(failed ? 1 : 0)
}

function indent(s) {
  return String(s)
    .split("\n")
    .map((l) => "    " + l)
    .join("\n")
}
