// Async work (/examples/async: live.AssignAsync, StartAsync, CancelAsync)
// with the real phoenix_live_view client of one line (E2E_CLIENT_LINE) in
// Chromium, against the Go server the test started
// (cmd/server/async_e2e_test.go). Everything runs over WebSocket, then over
// LongPoll. Each page records, from before the first byte is parsed, every
// state each section's data-state goes through (a MutationObserver with
// old values, so two patches applied in one task are both seen): the
// dead render's loading, then ok or failed as the diffs arrive.
//
// Control server: POST /phase and /check as for features_browser.mjs (the
// Go test checks the transport of each run on the server), GET /async for
// the engine's running async tasks, connected views and crashes.
import { assert, control, env, launchBrowser, newPage, run, test, waitFor } from "./lib.mjs"
import { Live, LivePage } from "./live_lib.mjs"

const base = env("E2E_URL")
const line = env("E2E_CLIENT_LINE")
const vsn = env("E2E_CLIENT_VSN")
const quote = env("E2E_QUOTE")
const forecastError = env("E2E_FORECAST_ERROR")
const crashyPanic = env("E2E_CRASHY_PANIC")

const browser = await launchBrowser()
const live = new Live(browser, { base, vsn })

const consoleProblems = []

// open loads /examples/async on transport with the state recorder, checks
// the dead render's HTML and waits until the view is connected.
async function open(transport, name) {
  const page = await newPage(browser, name)
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !m.text().startsWith("Failed to load resource")) {
      consoleProblems.push(`[${name}] console.${m.type()}: ${m.text()}`)
    }
  })
  page.on("response", (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico") {
      consoleProblems.push(`[${name}] HTTP ${r.status()} for ${r.request().method()} ${r.url()}`)
    }
  })
  await page.addInitScript((lp) => {
    if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
    const states = (window.__states = {})
    const note = (id, s) => {
      if (!id || s == null) return
      const seq = (states[id] ??= [])
      if (seq[seq.length - 1] !== s) seq.push(s)
    }
    new MutationObserver((records) => {
      for (const r of records) if (r.type === "attributes") note(r.target.id, r.oldValue)
      for (const el of document.querySelectorAll("[data-state]")) note(el.id, el.getAttribute("data-state"))
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-state"] })
  }, transport === "longpoll")
  const res = await page.goto(base + "/examples/async")
  const dead = await res.text()
  for (const id of ["quote", "forecast", "crashy"]) {
    assert.match(dead, new RegExp(`<section id="${id}" data-state="loading">`), `dead render of #${id}`)
  }
  assert.match(dead, /Loading the quote…/)
  const p = new LivePage(live, page, transport)
  await p.connected()
  return p
}

const states = (p) => p.page.evaluate(() => window.__states)

async function waitState(p, id, want) {
  await waitFor(`#${id} data-state=${want}`, () => p.page.$eval(`#${id}`, (el, want) => el.dataset.state === want, want), { timeout: 10000 })
}

async function checkTransport(p, transport) {
  const snap = await control.post(`/check?name=${transport}`)
  const [mine, theirs] = transport === "websocket" ? [snap.WebSockets, snap.LongPollSessions] : [snap.LongPollSessions, snap.WebSockets]
  assert.ok(mine > 0 && theirs === 0, `server gauges during the ${transport} run: ${JSON.stringify(snap)}`)
  assert.equal(await p.transportInUse(), transport)
}

// closePage closes the page's context; after a WebSocket page it waits
// until the server has dropped the socket, so that the LongPoll run's
// gauges count only its own. (A LongPoll session lingers until its poll
// window ends, which nothing later depends on.)
async function closePage(p) {
  await p.page.context().close()
  if (p.transport !== "websocket") return
  await waitFor("the server to drop the closed page's WebSocket", async () => (await control.get("/stats")).socket.WebSockets === 0, {
    timeout: 15000,
  })
}

for (const transport of ["websocket", "longpoll"]) {
  const label = `${line}/${transport}`
  let p

  test(`${label}: loads go loading → ok and loading → failed`, async () => {
    await control.post(`/phase?name=${transport}`)
    p = await open(transport, `${label}-values`)
    await checkTransport(p, transport)
    await waitState(p, "quote", "ok")
    await waitState(p, "forecast", "failed")
    await waitState(p, "crashy", "failed")
    await p.expectText("#quote-result", `${quote} (load 1)`)
    await p.expectText("#forecast-error", `Could not load the forecast: ${forecastError}`)
    await p.expectText("#crashy-error", `panic: ${crashyPanic}`)
    assert.equal(await p.page.$$eval("section .loading", (els) => els.length), 0, "loading states left")
    assert.deepEqual(await states(p), {
      quote: ["loading", "ok"],
      forecast: ["loading", "failed"],
      crashy: ["loading", "failed"],
      report: ["idle"],
    })
  }, { timeout: 30000 })

  test(`${label}: a reload shows loading, keeps the old value, then the new`, async () => {
    await p.page.click("#reload-quote")
    await p.expectText("#quote-result", `${quote} (load 2)`)
    assert.deepEqual((await states(p)).quote, ["loading", "ok", "loading", "ok"])
    await p.page.click("#reload-crashy")
    await waitFor("a second failed crashy load", async () => (await states(p)).crashy.length === 4)
    assert.deepEqual((await states(p)).crashy, ["loading", "failed", "loading", "failed"])
    await p.expectText("#crashy-error", `panic: ${crashyPanic}`)
    await closePage(p)
  }, { timeout: 30000 })

  test(`${label}: a job runs, is cancelled, and ends with the view`, async () => {
    p = await open(transport, `${label}-report`)
    await checkTransport(p, transport)
    // Let the page's own loads finish, so that the task count is the job's.
    await waitState(p, "quote", "ok")
    await waitState(p, "crashy", "failed")
    await waitState(p, "forecast", "failed")

    await p.page.click("#quick-report")
    await waitState(p, "report", "done")
    await p.expectText("#report-text", /^report 1: 10 rows \(in \d+ms\)$/)

    await p.page.click("#slow-report")
    await waitState(p, "report", "running")
    await p.expectText("#report-text", "report 2 running…")
    await waitFor("one async task on the server", async () => (await control.get("/async")).tasks === 1)
    await p.page.click("#cancel-report")
    await waitState(p, "report", "cancelled")
    await p.expectText("#report-text", /^live: async task canceled: cancelled by the user \(after \d+(\.\d+)?m?s\)$/)
    await waitFor("no async task on the server", async () => (await control.get("/async")).tasks === 0)
    // The quick job may finish before the event's own render goes out, so
    // its "running" is seen or not; everything else is fixed.
    assert.deepEqual((await states(p)).report.filter((s, i) => !(i === 1 && s === "running")), ["idle", "done", "running", "cancelled"])

    // Leave with a slow job running: the view ends (live navigation, so
    // both transports end it at once) and its job with it.
    await p.page.click("#slow-report")
    await waitState(p, "report", "running")
    await waitFor("the slow job on the server", async () => (await control.get("/async")).tasks === 1)
    await p.page.click("#to-counter")
    await waitFor("the counter page", () => p.page.evaluate(() => location.pathname === "/examples/counter" && !!document.getElementById("count")))
    await p.connected()
    await waitFor("the left view's job to end", async () => (await control.get("/async")).tasks === 0)
    assert.equal((await control.get("/async")).crashes, 0)
    await closePage(p)
  }, { timeout: 30000 })
}

test(`${line}: no console errors or warnings`, () => {
  assert.deepEqual(consoleProblems, [])
})

await run()
