// The status app (/, /mission-control, /dashboard) through the real
// phoenix_live_view client of one line in Chromium, against the server
// that cmd/status's TestStatusBrowser started in-process with the Symbiont
// API STAND-IN behind it. Per transport (E2E_TRANSPORTS, in order) the
// script tells the Go test the phase (POST /phase) and has it sample the
// socket server's gauges while pages are connected (POST /check); the Go
// test checks the transports on the server side afterwards, and that every
// view, timer and goroutine is gone once the browser has closed.
//
// LongPoll is forced the way a real page ends up on it: the client's
// fallback remembered in sessionStorage ("phx:fallback:LongPoll").
//
// Environment (besides lib.mjs's):
//   E2E_CLIENT_LINE, E2E_CLIENT_VSN  the bundle's line and exact version
//   E2E_SCENARIOS      "full" (everything) or "smoke" (status update,
//                      submit → completed, a live dashboard page)
//   E2E_TRANSPORTS     "websocket,longpoll" or one of them
//   E2E_TASK_PASSWORD  mission control's password
//   E2E_DASH_USER, E2E_DASH_PASSWORD  the dashboard's Basic credentials
//   E2E_POLL_MS        mission control's progress poll interval
import { assert, control, env, launchBrowser, newPage, run, sleep, test, waitFor } from "./lib.mjs"
import { LivePage } from "./live_lib.mjs"

const base = env("E2E_URL")
const line = env("E2E_CLIENT_LINE")
const full = env("E2E_SCENARIOS", "full") === "full"
const transports = env("E2E_TRANSPORTS", "websocket,longpoll").split(",")
const taskPassword = env("E2E_TASK_PASSWORD")
const dashAuth = "Basic " + Buffer.from(`${env("E2E_DASH_USER")}:${env("E2E_DASH_PASSWORD")}`).toString("base64")
const pollMs = Number(env("E2E_POLL_MS"))

const browser = await launchBrowser()
// What LivePage needs of the Live helper: the expected client version.
const live = { vsn: env("E2E_CLIENT_VSN"), debug: process.env.E2E_DEBUG === "1" }

// Pages a test opened are closed when it ends, passed or failed, so that
// their sockets never count in a later test's server stats.
let opened = []
function scenario(name, fn, opts) {
  test(
    name,
    async () => {
      opened = []
      try {
        await fn()
      } finally {
        for (const p of opened) await p.page.context().close().catch(() => {})
      }
    },
    opts,
  )
}

// open loads path in a fresh browser context on transport and waits until
// the view is connected (on that transport, with the expected client).
async function open(transport, name, path, { auth = false } = {}) {
  const page = await newPage(browser, `${line}/${transport} ${name}`)
  const p = new LivePage(live, page, transport)
  opened.push(p)
  if (auth) await page.setExtraHTTPHeaders({ Authorization: dashAuth })
  await page.addInitScript((lp) => {
    if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
  }, transport === "longpoll")
  const res = await page.goto(base + path)
  assert.equal(res.status(), 200, `GET ${path}`)
  p.loads = 0 // page loads after this first one
  await p.connected()
  return p
}

const close = (p) => p.page.context().close()
const calls = async (endpoint) => (await control.get(`/calls?endpoint=${endpoint}`)).calls
const mode = (endpoint, m) => control.post(`/mode?endpoint=${endpoint}&mode=${m}`)

// checkServer has the Go test sample the socket server's gauges while a
// page of this transport is connected.
async function checkServer(transport) {
  const s = await control.post("/check")
  if (transport === "websocket") assert.ok(s.WebSockets > 0 && s.LongPollSessions === 0, `server stats: ${JSON.stringify(s)}`)
  else assert.ok(s.LongPollSessions > 0 && s.WebSockets === 0, `server stats: ${JSON.stringify(s)}`)
}

async function unlock(p) {
  await p.page.fill("#password", taskPassword)
  await p.page.click("#unlock")
  await p.page.waitForSelector("#task-form", { timeout: 5000 })
}

async function submit(p, prompt) {
  await p.page.fill("#prompt", prompt)
  await p.page.click("#submit-task")
}

// growing waits until the stand-in has seen n more requests on endpoint.
async function growing(endpoint, n = 2) {
  const c0 = await calls(endpoint)
  await waitFor(`${n} more ${endpoint} requests`, async () => (await calls(endpoint)) >= c0 + n, { timeout: 10 * pollMs + 3000 })
}

// stopped checks that the stand-in gets no more requests on endpoint (an
// in-flight poll may land first).
async function stopped(endpoint, why) {
  await sleep(2 * pollMs)
  const c1 = await calls(endpoint)
  await sleep(4 * pollMs)
  const c2 = await calls(endpoint)
  assert.equal(c2, c1, `${endpoint} requests after ${why}: ${c1} → ${c2}`)
}

// deadRender fetches a page over plain HTTP, as before any connection.
async function deadRender(path) {
  const res = await fetch(base + path)
  assert.equal(res.status, 200, `GET ${path}`)
  return res.text()
}

// Sensitive strings of the run: prompts, task ids and results.
const secrets = []

function assertNoTaskData(html, where) {
  for (const s of secrets) assert.ok(!html.includes(s), `${where} contains task data ${JSON.stringify(s)}`)
  for (const id of ["task-form", "task-id", "task-status", "task-result", "prompt"]) {
    assert.ok(!html.includes(`id="${id}"`), `${where} has #${id}`)
  }
}

const baseline = "api:up,worker:up,scheduler:degraded"
let completedTask = ""

for (const T of transports) {
  const label = `${line}/${T}`

  scenario(`${label}: phase`, () => control.post(`/phase?name=${T}`))

  scenario(`${label}: a status update published once reaches two browsers at once`, async () => {
    await control.post(`/services?set=${baseline}`)
    const a = await open(T, "status A", "/")
    const b = await open(T, "status B", "/")
    await checkServer(T)
    for (const p of [a, b]) {
      await p.expectText("#service-api .state", "up")
      await p.setMarker()
    }
    const r = await control.post("/services?set=api:down,worker:up,scheduler:degraded,cache:up")
    assert.equal(r.statusCalls, 1, "one check, one publish")
    const t0 = Date.now()
    await Promise.all(
      [a, b].map(async (p) => {
        await p.expectText("#service-api .state", "down", { timeout: 3000 })
        await p.expectText("#service-api .error", "api is down")
        await p.expectText("#service-cache .state", "up")
        assert.ok((await p.page.getAttribute("#service-api", "class")).includes("state-down"))
      }),
    )
    assert.ok(Date.now() - t0 < 3000, "both pages updated within 3 s of the publish")
    for (const p of [a, b]) await p.expectMarker(true)
    await close(a)
    await close(b)
  })

  if (full) {
    scenario(`${label}: the gate refuses a wrong password; nothing sensitive before unlock`, async () => {
      const p = await open(T, "gate", "/mission-control")
      assert.ok(await p.page.$("#gate"), "the gate is shown")
      await p.page.fill("#password", "not the password")
      await p.page.click("#unlock")
      await p.expectText("#gate-error", "Invalid password")
      assertNoTaskData(await p.page.content(), "the locked page")
      assertNoTaskData(await deadRender("/mission-control"), "the dead render")
      await close(p)
    })
  }

  scenario(`${label}: submit → progress → completed`, async () => {
    const p = await open(T, "submit", "/mission-control")
    assertNoTaskData(await deadRender("/mission-control"), "the dead render")
    await unlock(p)
    // Record every status the page shows.
    await p.page.evaluate(() => {
      window.__statuses = []
      new MutationObserver(() => {
        const s = document.querySelector("#task-status")?.textContent.trim()
        if (s && window.__statuses.at(-1) !== s) window.__statuses.push(s)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    const prompt = `launch codes ${label} ${Date.now()}`
    secrets.push(prompt)
    await submit(p, prompt)
    await p.expectText("#task-status", "completed", { timeout: 10000 })
    await p.expectText("#task-result", `done: "${prompt}"`)
    await p.expectText("#task-progress", "100%")
    assert.equal(await p.page.$("#polling"), null, "polling stopped")
    const seen = await p.page.evaluate(() => window.__statuses)
    assert.ok(seen.includes("running") || seen.includes("queued"), `progress shown before completion: ${seen}`)
    assert.equal(seen.at(-1), "completed", `statuses ${seen}`)
    completedTask = await p.text("#task-id")
    secrets.push(completedTask, "done: ")
    // The gated page's dead render still shows nothing of it.
    assertNoTaskData(await deadRender("/mission-control"), "the dead render after a task")
    await stopped("progress", "completion")
    await close(p)
  })

  if (full) {
    scenario(`${label}: 401, 500, timeout and non-JSON bodies each show their message`, async () => {
      const p = await open(T, "errors", "/mission-control")
      await unlock(p)
      const cases = [
        ["http401", /^Task failed: HTTP 401: \{"detail":"Invalid token"\}$/],
        ["http500", /^Task failed: HTTP 500: Internal Server Error$/],
        ["slow", /^Task failed: Symbiont API at http:\/\/127\.0\.0\.1:\d+\/task timed out: /],
        ["text", /^Task failed: unexpected response from http:\/\/127\.0\.0\.1:\d+\/task: expected a JSON object: everything is fine$/],
        ["string", /^Task failed: unexpected response from .*: expected a JSON object: "ok"$/],
      ]
      try {
        for (const [m, want] of cases) {
          await mode("submit", m)
          await submit(p, `error case ${m}`)
          await p.expectText("#task-error", want, { timeout: 5000 })
          assert.equal(await p.page.$("#task"), null, `no task after ${m}`)
          await waitFor("the submit button enabled again", () => p.page.isEnabled("#submit-task"))
        }
      } finally {
        await mode("submit", "ok")
      }
      // Bad progress data is shown and polling goes on, then completes.
      await mode("progress", "garbage")
      try {
        await submit(p, "bad progress data")
        await p.expectText("#poll-error", /^unexpected response from .*\/task\/task-\d+: /, { timeout: 5000 })
        assert.ok(await p.page.$("#polling"), "still polling after bad data")
        await growing("progress")
      } finally {
        await mode("progress", "ok")
      }
      await p.expectText("#task-status", "completed", { timeout: 10000 })
      assert.equal(await p.page.$("#poll-error"), null, "the error cleared")
      await close(p)
    })

    scenario(`${label}: after logout the stand-in receives no more progress requests`, async () => {
      const p = await open(T, "logout", "/mission-control")
      await unlock(p)
      await mode("progress", "nostatus") // never completes: polling goes on
      try {
        const prompt = `logout case ${label}`
        secrets.push(prompt)
        await submit(p, prompt)
        await p.expectText("#poll-error", /unknown task status ""/, { timeout: 5000 })
        await growing("progress")
        await p.page.click("#logout")
        await p.page.waitForSelector("#gate", { timeout: 5000 })
        assertNoTaskData(await p.page.content(), "the page after logout")
        await stopped("progress", "logout")
      } finally {
        await mode("progress", "ok")
      }
      await close(p)
    })

    scenario(`${label}: closing the page ends its polling`, async () => {
      const p = await open(T, "close", "/mission-control")
      await unlock(p)
      // Left in nostatus: the view would poll forever.
      await mode("progress", "nostatus")
      await submit(p, `close case ${label}`)
      await p.expectText("#poll-error", /unknown task status ""/, { timeout: 5000 })
      await growing("progress")
      await close(p)
      if (T === "websocket") {
        // The server learns at once that the socket closed.
        await stopped("progress", "the page closed")
        await mode("progress", "ok")
      }
      // Over LongPoll the server learns only when the session expires
      // (no poll for 1.5 × the poll window): the Go test checks, after the
      // browser closed, that the view ended and the polling stopped.
    })
  }

  scenario(`${label}: the dashboard's custom pages render and update live`, async () => {
    // No credentials, wrong credentials: refused.
    assert.equal((await fetch(base + "/dashboard")).status, 401)
    assert.equal((await fetch(base + "/dashboard/services", { headers: { Authorization: "Basic " + btoa("ops:wrong") } })).status, 401)

    await control.post(`/services?set=${baseline}`)
    const p = await open(T, "dashboard", "/dashboard/services", { auth: true })
    const { page } = p
    const loads = [] // page loads after the first
    page.on("load", () => loads.push(page.url()))
    const menu = await page.$$eval("#dash-menu a", (as) => as.map((a) => a.textContent.trim()))
    assert.deepEqual(menu, ["Home", "Connections", "Metrics", "Cluster", "Services", "Symbiont"])
    await p.expectList("#dash-services tbody tr td:first-child", ["api", "scheduler", "worker"])
    assert.equal(await page.getAttribute("#dash-svc-worker", "class"), "state-up")
    assert.equal(await page.getAttribute("#dash-svc-scheduler", "class"), "state-degraded")
    await p.expectText('[data-card="Down"] .dash-card-value', "0")
    await p.setMarker()

    // One check later the page shows it, without a reload.
    await control.post("/services?set=api:up,worker:down,scheduler:degraded")
    await waitFor("#dash-svc-worker to turn state-down", async () => (await page.getAttribute("#dash-svc-worker", "class")) === "state-down", {
      timeout: 4000,
    })
    await p.expectText("#dash-svc-worker td:nth-child(2)", "down")
    await p.expectText('[data-card="Down"] .dash-card-value', "1")
    await p.expectMarker(true)

    // Symbiont page, by live navigation: health and the recent tasks.
    await page.click("#dash-menu-symbiont")
    await p.expectURL("/dashboard/symbiont")
    await p.expectText("#dash-title", "Symbiont")
    await p.expectText('[data-card="Health"] .dash-card-value', "up")
    assert.ok(completedTask, "a task completed earlier")
    await p.expectText(`#dash-tasks tr[data-task="${completedTask}"] td:nth-child(2)`, "completed")
    await p.expectMarker(true)

    if (full) {
      // Built-in pages: connections (this page's own transport), charts.
      await page.click("#dash-menu-connections")
      await p.expectURL("/dashboard/connections")
      const card = T === "websocket" ? "WebSocket connections" : "LongPoll sessions"
      await waitFor(`${card} ≥ 1`, async () => Number(await p.text(`[data-card="${card}"] .dash-card-value`)) >= 1)
      await waitFor("the live views chart drawn", async () => ((await page.getAttribute("#chart-views polyline", "points")) || "").split(" ").length >= 2)
      await checkServer(T)
      await page.click("#dash-menu-metrics")
      await p.expectURL("/dashboard/metrics")
      await waitFor("a request rate", async () => /\/s$/.test(await p.text('[data-card="HTTP requests/s"] .dash-card-value')))
      await page.click("#dash-menu-home")
      await p.expectText('[data-card="Go version"] .dash-card-value', /^go1\./)
      await p.expectMarker(true)
      assert.equal(loads.length, 0, `menu navigation without page loads; loaded: ${loads}`)
    }
    await close(p)
  })
}

await run()
