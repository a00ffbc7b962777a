// The mount-failure scenarios of issue 7 with the real phoenix_live_view
// client in Chromium. Run by cmd/server's TestFailuresBrowser, once per
// scenario (E2E_SCENARIO), against servers set up for it; see the comment
// at the top of cmd/server/failures_e2e_test.go. Every test asserts what
// the person sees (banner, error state, countdown, progress bar, page
// loads) and what the client sent (_mounts and _mount_attempts of its join
// payloads and socket URLs, from the browser's own traffic).
//
// Environment (besides lib.mjs's):
//   E2E_SCENARIO     healthy, tls, origin-1.2, origin-1.0, wsproxy, cookie,
//                    mount, db, secret
//   E2E_URL          where the browser loads pages (the app, or a proxy)
//   E2E_APP          the app itself (for /metrics)
//   E2E_CLIENT_VSN   the phoenix_live_view version the bundle reports
//   E2E_HOST_RULES   Chromium --host-resolver-rules (tls)
import { assert, control, env, newPage, run, setup, sleep, test, waitFor } from "./lib.mjs"
import {
  banner,
  connected,
  errorState,
  expectProgressHidden,
  failureCounts,
  launchWith,
  open,
  Traffic,
  waitBanner,
} from "./failures_lib.mjs"

const scenario = env("E2E_SCENARIO")
const base = env("E2E_URL")
const appURL = env("E2E_APP")
const vsn = env("E2E_CLIENT_VSN")
const line = env("E2E_CLIENT_LINE", "1.2")
const transports = env("E2E_TRANSPORTS", "websocket,longpoll").split(",")
const short = { websocket: "ws", longpoll: "lp" }

const flags = []
if (process.env.E2E_HOST_RULES) flags.push(`--host-resolver-rules=${process.env.E2E_HOST_RULES}`, "--ignore-certificate-errors")
const browser = await setup("launch Chromium", () => launchWith(flags))

const stats = () => control.get("/stats")
const runStats = async (name) => (await stats()).runs[name] || {}
const norm = (s) => (s ?? "").replace(/\s+/g, " ").trim()
const text = async (page, sel) => norm(await page.textContent(sel, { timeout: 5000 }))
const expectText = (page, sel, want, timeout = 5000) =>
  waitFor(`${sel} = ${want}`, async () => {
    const el = await page.$(sel)
    const t = el ? norm(await el.textContent()) : null
    return want instanceof RegExp ? want.test(t ?? "") : t === want
  }, { timeout })
const clientVersion = (page) => page.evaluate(() => window.liveSocket.version())
const noBanner = async (page, why) => assert.equal(await banner(page), null, `no diagnostics banner ${why}`)
const log = (label, traffic) => console.log(`    (${label}: ${traffic.summary()})`)

// The static content works without the live connection: a GET form loads
// the plain page.
async function staticContentWorks(page) {
  await page.fill("#search-q", "dune")
  await Promise.all([page.waitForURL(/\/fail\/static\?q=dune/), page.click("#search-go")])
  assert.equal(await text(page, "#static-q"), "q=dune")
}

const scenarios = {
  // 1. _mounts becomes 1 after the first join, attempts reset.
  healthy(transport) {
    const name = `healthy-${short[transport]}`
    test(`${line}/${transport}: healthy: _mounts 0, then 1 and 2 on rejoins after restarts, attempts reset; outage banner goes away`, async () => {
      const { page, traffic } = await open(browser, base, transport, name, `/fail/page?run=${name}`)
      assert.equal(await connected(page), transport)
      assert.equal(await clientVersion(page), vsn)
      await page.click("#inc")
      await expectText(page, "#count", "1")
      await page.evaluate(() => (window.__marker = "kept"))
      const [first] = traffic.joins
      assert.ok(first && first.status === "ok", `first join answered ok: ${traffic.summary()}`)
      assert.equal(first.mounts, 0, "_mounts of the first join")
      assert.equal(first.attempts, 0, "_mount_attempts of the first join")

      const before = (await stats()).servers
      const r = await control.post("/restart?mode=swap")
      assert.equal(r.servers, before + 1)
      // A new server: the view mounted afresh (count 0), no page load.
      await waitFor("a successful rejoin", () => traffic.okJoins().length >= 2, { timeout: 15000 })
      await expectText(page, "#count", "0", 10000)
      assert.equal(await connected(page), transport)
      // The client counted the first join as attempt 1 when it built the
      // payload; the rejoin's _mount_attempts of 0 (not 1) is its reset on
      // success, as in Phoenix.
      const rejoin = traffic.okJoins()[1]
      assert.equal(rejoin.mounts, 1, `_mounts of the rejoin: ${traffic.summary()}`)
      assert.equal(rejoin.attempts, traffic.joins.indexOf(rejoin) - 1, "_mount_attempts: joins since the success")
      traffic.checkMountCounters()
      // The reconnect's socket URL carries the counters too.
      assert.ok(traffic.sockets.every((s) => s.mounts === null || s.mounts <= 1), `socket URLs: ${traffic.summary()}`)
      assert.equal(traffic.sockets[0].mounts, 0, "first socket URL: _mounts=0")
      await page.click("#inc")
      await expectText(page, "#count", "1")
      await noBanner(page, "on a healthy page")
      await expectProgressHidden(page)

      // A real outage: the reconnects fail, the banner says the server
      // cannot be reached, and goes away by itself on recovery.
      const outage = control.post("/restart?mode=stop&downMs=2500")
      const b = await waitBanner(page, { timeout: 2500 })
      assert.equal(b.role, "alert")
      assert.equal(b.cause, "server_unreachable", `banner during the outage: ${JSON.stringify(b)}`)
      await expectProgressHidden(page)
      await outage
      await waitFor("a rejoin after the outage", () => traffic.okJoins().length >= 3, { timeout: 15000 })
      await waitFor("the banner to go away", async () => (await banner(page)) === null, { timeout: 5000 })
      await connected(page) // on whichever transport the client chose after the outage
      assert.equal(traffic.okJoins()[2].mounts, 2, `_mounts after the second restart: ${traffic.summary()}`)
      traffic.checkMountCounters()
      await page.click("#inc")
      await expectText(page, "#count", "1")
      assert.equal(await page.evaluate(() => window.__marker), "kept", "no page load")
      assert.equal(traffic.loads.length, 1, "page loads")
      log(name, traffic)
      await page.context().close()
    }, { timeout: 45000 })
  },

  // 2. PHX_HOST=example.com behind a TLS proxy; the browser is at
  // https://example.com (Origin without a port).
  tls(transport) {
    const name = `tls-${short[transport]}`
    test(`${line}/${transport}: PHX_HOST=example.com behind a TLS proxy, page at https://example.com: mounts`, async () => {
      const { page, traffic } = await open(browser, base, transport, name, `/fail/page?run=${name}`)
      assert.equal(new URL(page.url()).origin, "https://example.com")
      assert.equal(await connected(page), transport)
      await page.click("#inc")
      await expectText(page, "#count", "1")
      const [first] = traffic.joins
      assert.ok(first && first.status === "ok" && first.mounts === 0 && first.attempts === 0, traffic.summary())
      traffic.checkMountCounters()
      await noBanner(page, "behind a correctly configured proxy")
      const st = await runStats(name)
      // WebSocket upgrades carry no Referer: they are filed under "".
      const origins = transport === "websocket" ? (await stats()).runs[""]?.Origins : st.Origins
      assert.deepEqual(Object.keys(origins || {}), ["https://example.com"], `Origin headers the server saw: ${JSON.stringify(origins)}`)
      log(name, traffic)
      await page.context().close()
    })
  },

  // 3. Page from 127.0.0.1, PHX_HOST=localhost: banner within 10 s, no
  // join ever leaves the browser, no LongPoll session is created. Both
  // transports at once, each watched for 10 s.
  origin() {
    test(`${line}: origin refused (page 127.0.0.1, PHX_HOST=localhost): banner within 10 s, no storm, over both transports`, async () => {
      await Promise.all(transports.map((transport) => originRun(transport)))
    }, { timeout: 40000 })
  },

  // 4. A proxy that refuses WebSocket upgrades.
  wsproxy(transport) {
    const name = `wsproxy-${short[transport]}`
    test(`${line}/${transport}: proxy refusing WebSocket upgrades: LongPoll works, no banner`, async () => {
      const { page, traffic } = await open(browser, base, transport, name, `/fail/page?run=${name}`)
      assert.equal(await connected(page, { timeout: 15000 }), "longpoll")
      if (transport === "websocket") {
        assert.ok(traffic.sockets.some((s) => s.transport === "websocket"), `the client tried WebSocket first: ${traffic.summary()}`)
        assert.equal(await page.evaluate(() => sessionStorage.getItem("phx:fallback:LongPoll")), "true", "fallback remembered")
      }
      await page.click("#inc")
      await expectText(page, "#count", "1")
      await page.click("#inc")
      await expectText(page, "#count", "2")
      assert.equal(traffic.okJoins().length, 1, `one successful join: ${traffic.summary()}`)
      assert.equal(traffic.okJoins()[0].mounts, 0)
      assert.ok(traffic.okJoins()[0].attempts <= 1, `_mount_attempts of the join: ${traffic.summary()}`)
      traffic.checkMountCounters()
      // Past the point where a third failure or the 10 s timer would show
      // a banner if the diagnostics miscounted the fallback.
      await sleep(Math.max(0, 4000 - (Date.now() - traffic.t0)))
      await noBanner(page, "when LongPoll works")
      await expectProgressHidden(page)
      const st = await runStats(name)
      assert.ok(st.LongPollSessions >= 1, `LongPoll sessions on the server: ${JSON.stringify(st)}`)
      assert.equal(traffic.loads.length, 1, "page loads")
      log(name, traffic)
      await page.context().close()
    }, { timeout: 30000 })
  },

  // 5. The session cookie does not reach /live.
  cookie(transport) {
    const name = `cookie-${short[transport]}`
    test(`${line}/${transport}: session cookie dropped on /live/*: banner, the reload loop stops`, async () => {
      const { page, traffic } = await open(browser, base, transport, name, `/fail/page?run=${name}`)
      const b = await waitBanner(page, { timeout: 15000 })
      assert.equal(b.role, "alert")
      assert.ok(["session_cookie_missing", "reload_loop"].includes(b.cause), `banner cause ${b.cause}`)
      assert.match(b.text, /cookie/i, "the banner names the cookie")
      assert.ok(b.visible, "banner visible")
      console.log(`    (${name}: banner ${b.cause} after ${traffic.loads.length} page loads: ${norm(b.text)})`)
      const loadsAtBanner = traffic.loads.length
      await sleep(2500)
      assert.equal(traffic.loads.length, loadsAtBanner, "no reload after the banner")
      assert.ok(traffic.loads.length <= 3, `page loads: ${traffic.loads.length}, want ≤ 3`)
      assert.ok(traffic.joins.length >= 1, `joins sent: ${traffic.summary()}`)
      for (const j of traffic.joins) {
        assert.equal(j.mounts, 0, `_mounts: ${traffic.summary()}`)
        assert.equal(j.attempts, 0, `_mount_attempts (a fresh page each time): ${traffic.summary()}`)
        // A reply read after the page navigated away is lost (LongPoll).
        assert.ok(j.reason === "stale" || j.status === null, `join reply: ${traffic.summary()}`)
      }
      const all = await stats()
      // Over LongPoll the replies come in a poll the navigation aborts;
      // the server's record shows them.
      if (transport === "websocket") assert.ok(traffic.joins.some((j) => j.reason === "stale"), `a join answered stale: ${traffic.summary()}`)
      assert.ok(all.failures.join_stale >= 2 && all.failures.session_cookie_missing >= 2, `server failure counts: ${JSON.stringify(all.failures)}`)
      const st = all.runs[name]
      assert.ok(st.Loads.length <= 3, `page loads on the server: ${st.Loads}`)
      // WebSocket upgrades carry no Referer: they are filed under "".
      const sock = transport === "websocket" ? all.runs[""] : st
      assert.ok(sock.WithoutCookie >= 1, `the proxy really dropped the cookie: ${JSON.stringify(sock)}`)
      await expectProgressHidden(page)
      assert.equal(await text(page, "#fail-page h1"), "Failure lab", "the page content is still there")
      log(name, traffic)
      await staticContentWorks(page)
      await page.context().close()
    }, { timeout: 30000 })
  },

  // 6. Mount panics; mount returns an error.
  mount(transport) {
    for (const [kind, path, cause, says] of [
      ["panic", "/fail/panic", "mount_panic", /An internal error occurred/],
      ["error", "/fail/error", "mount_error", /failtest: cannot load the catalogue/],
    ]) {
      const name = `mount-${kind}-${short[transport]}`
      test(`${line}/${transport}: mount ${kind}: error state with request id, no reload loop`, async () => {
        const { page, traffic } = await open(browser, base, transport, name, `${path}?run=${name}`)
        assert.equal(await connected(page), transport)
        const ev = await waitFor("the view's error state", () => errorState(page))
        assert.equal(ev.kind, "mount")
        assert.equal(ev.role, "alert")
        assert.match(ev.text, says)
        assert.match(ev.requestId || "", /^\S{6,}$/, `request id shown: ${ev.text}`)
        assert.match(ev.text, /Request id/)
        // The request id on the page is the one the server recorded.
        const d = await page.evaluate(async () => {
          const q = new URLSearchParams({ page_origin: location.origin, csrf: document.querySelector("meta[name='csrf-token']").content })
          return (await fetch(`/live/diagnose?${q}`)).json()
        })
        const rec = (d.failures || []).find((f) => f.cause === cause)
        assert.ok(rec, `server failure record for ${cause}: ${JSON.stringify(d)}`)
        assert.equal(rec.request_id, ev.requestId, "request id on the page and in the server's record")
        assert.equal(traffic.joins.length, 1, `one join: ${traffic.summary()}`)
        assert.ok(traffic.joins[0].status === "ok" && traffic.joins[0].mounts === 0 && traffic.joins[0].attempts === 0, traffic.summary())
        await sleep(2000)
        assert.equal(traffic.loads.length, 1, "no reload")
        assert.equal(traffic.joins.length, 1, `no rejoin: ${traffic.summary()}`)
        await noBanner(page, "(the view's error state explains)")
        await expectProgressHidden(page)
        await staticContentWorks(page)
        log(name, traffic)
        await page.context().close()
      })
    }
  },

  // 6b. The causes on /metrics (one join per transport for each view).
  mountMetrics() {
    test(`${line}: /metrics counts the failed mounts by cause`, async () => {
      const counts = await failureCounts(appURL)
      const n = transports.length
      assert.equal(counts.mount_panic, n, `golive_failures_total{cause="mount_panic"}: ${JSON.stringify(counts)}`)
      assert.equal(counts.mount_error, n, `golive_failures_total{cause="mount_error"}: ${JSON.stringify(counts)}`)
    })
  },

  // 7. The database stops under a connected, polling view, then returns.
  db(transport) {
    const name = `db-${short[transport]}`
    test(`${line}/${transport}: database stopped mid-session: unavailable state with countdown, recovery without reload`, async () => {
      await control.post("/db?up=1")
      const { page, traffic } = await open(browser, base, transport, name, `/fail/db?run=${name}`)
      assert.equal(await connected(page), transport)
      await expectText(page, "#db-rows", "rows: 42")
      await waitFor("the view to poll", async () => /polls: [3-9]/.test(await text(page, "#db-polls")))
      await page.evaluate(() => (window.__marker = "kept"))

      const t0 = Date.now()
      await control.post("/db?up=0")
      const ev = await waitFor("the unavailable state", async () => {
        const e = await errorState(page)
        return e && e.kind === "unavailable" && e.retryIn > 0 ? e : null
      }, { timeout: 5000 })
      console.log(`    (${name}: unavailable state after ${Date.now() - t0} ms: ${ev.text})`)
      assert.equal(ev.role, "alert")
      assert.match(ev.text, /unavailable/i)
      // The countdown runs.
      await waitFor("the countdown to tick", async () => {
        const e = await errorState(page)
        return e && e.retryIn !== null && e.retryIn < ev.retryIn
      }, { timeout: 3000 })
      // Still down at the first retry: a longer countdown.
      await waitFor("a retry that fails again (longer countdown)", async () => {
        const e = await errorState(page)
        return e && e.retryIn > ev.retryIn
      }, { timeout: 6000 })
      await control.post("/db?up=1")
      await expectText(page, "#db-rows", "rows: 42", 12000)
      assert.equal(await errorState(page), null, "error state gone")
      await waitFor("polling again", async () => /polls: [1-9]/.test(await text(page, "#db-polls")))
      assert.equal(await page.evaluate(() => window.__marker), "kept", "recovered without a page load")
      assert.equal(traffic.loads.length, 1, "page loads")
      assert.equal(traffic.joins.length, 1, `recovered without a rejoin: ${traffic.summary()}`)
      assert.equal(await connected(page), transport)
      await noBanner(page, "(the view's error state explains)")
      const counts = await failureCounts(appURL)
      assert.ok(counts.database_unavailable >= 2, `golive_failures_total: ${JSON.stringify(counts)}`)
      log(name, traffic)
      await page.context().close()
    }, { timeout: 40000 })
  },

  // 8. SECRET_KEY_BASE rotated between the dead render and the join: the
  // page's app.js is held until the server was replaced by one with a new
  // secret.
  secret(transport) {
    const name = `secret-${short[transport]}`
    const secret = transport === "websocket" ? "rotated" : "original"
    test(`${line}/${transport}: secret rotated between the dead render and the join: exactly one reload, then mounted`, async () => {
      const before = (await stats()).servers
      const page = await newPage(browser, name)
      const traffic = new Traffic(page)
      await page.addInitScript((lp) => {
        if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
      }, transport === "longpoll")
      let restarted = false
      await page.route(/\/assets\/app(-1\.\d)?(-[0-9a-f]{10})?\.js$/, async (route) => {
        if (!restarted) {
          restarted = true
          await control.post(`/restart?mode=stop&secret=${secret}`)
        }
        await route.continue()
      })
      await page.goto(`${base}/fail/page?run=${name}`)
      assert.equal(await connected(page), transport)
      assert.ok(restarted, "the server was restarted before app.js loaded")
      assert.equal((await stats()).servers, before + 1)
      await sleep(1500)
      assert.equal(traffic.loads.length, 2, `exactly one reload: ${traffic.loads}`)
      assert.equal(traffic.joins.length, 2, traffic.summary())
      const [stale, ok] = traffic.joins
      // Over LongPoll the stale reply may come in a poll the reload
      // aborts; the (new) server's record shows it.
      assert.ok(stale.reason === "stale" || (transport === "longpoll" && stale.status === null), traffic.summary())
      assert.equal(ok.status, "ok", traffic.summary())
      const fails = (await stats()).failures
      assert.equal(fails.join_stale, 1, `the new server refused one join as stale: ${JSON.stringify(fails)}`)
      for (const j of traffic.joins) assert.ok(j.mounts === 0 && j.attempts === 0, traffic.summary())
      const st = await runStats(name)
      assert.deepEqual(st.Loads, [`/fail/page@${before}`, `/fail/page@${before + 1}`], "page loads per server")
      await page.click("#inc")
      await expectText(page, "#count", "1")
      await noBanner(page, "after one reload")
      assert.equal(await page.evaluate(() => sessionStorage.getItem("golive:stale-reloads:/fail/page")), null, "reload counter cleared")
      log(name, traffic)
      await page.context().close()
    }, { timeout: 30000 })
  },
}

// One transport of the origin scenario.
async function originRun(transport) {
  const name = `origin-${short[transport]}`
  const { page, traffic } = await open(browser, base, transport, name, `/fail/page?run=${name}`)
  const b = await waitBanner(page, { timeout: 10000 })
  const bannerMs = Date.now() - traffic.t0
  const origin = new URL(base).origin
  assert.equal(b.role, "alert")
  assert.equal(b.cause, "origin_refused", `banner: ${JSON.stringify(b)}`)
  assert.ok(b.text.includes(origin), `the banner names the page origin ${origin}: ${b.text}`)
  assert.ok(b.visible, "banner visible")
  await expectProgressHidden(page)
  if (transport === "longpoll") {
    // Use up the diagnostics endpoint's rate limit for this address (as
    // other tabs or people behind the same NAT would): the banner the
    // person already reads must stay as it is.
    await sleep(Math.max(0, 4000 - (Date.now() - traffic.t0)))
    for (let i = 0; i < 25; i++) await fetch(`${base}/live/diagnose`)
    assert.equal((await fetch(`${base}/live/diagnose`)).status, 429, "the diagnostics endpoint is rate limited")
  }
  // Watch the rest of the 10 s window, as in the incident.
  await sleep(Math.max(0, 10000 - (Date.now() - traffic.t0)))
  const st = await runStats(name)
  const after = await banner(page)
  assert.equal(after && after.cause, "origin_refused", `banner at the end of the window: ${JSON.stringify(after)}`)
  const wsRefused = transport === "websocket" ? (await stats()).runs[""]?.WebSocket || 0 : 0
  console.log(
    `    (${line}/${transport} origin: banner after ${bannerMs} ms; in 10 s ${traffic.sockets.length} socket requests ` +
      `(${traffic.sockets.filter((s) => s.transport === "websocket").length} WebSocket), ${traffic.joins.length} joins; ` +
      `server: ${JSON.stringify(st)}, WebSocket upgrades ${wsRefused})`,
  )
  log(name, traffic)
  assert.ok(bannerMs < 10000, `banner after ${bannerMs} ms`)
  assert.equal(traffic.joins.length, 0, "no join payload left the browser")
  assert.equal(traffic.lpPosts, 0, "no LongPoll POST")
  assert.ok(traffic.sockets.length >= 2, `the client retried: ${traffic.sockets.length}`)
  assert.ok(traffic.sockets.length < 30, `socket requests in 10 s: ${traffic.sockets.length} (Phoenix: 536 attempts)`)
  for (const s of traffic.sockets) {
    assert.equal(s.mounts, 0, `_mounts in the socket URL: ${traffic.summary()}`)
    assert.ok(s.attempts <= 1, `_mount_attempts in the socket URL: ${traffic.summary()}`)
  }
  // The page asks the server why once, not after every failed retry.
  assert.ok(st.Diagnose <= 3, `diagnostics requests of the page in 10 s: ${st.Diagnose}, want ≤ 3`)
  assert.equal(st.LongPollSessions || 0, 0, "LongPoll sessions created")
  assert.equal(st.LongPollPosts || 0, 0, "LongPoll POSTs on the server")
  assert.equal(traffic.loads.length, 1, "no reload")
  assert.equal(await text(page, "#fail-page h1"), "Failure lab", "the page content is still there")
  await staticContentWorks(page)
  await page.context().close()
}

const key = scenario.replace(/-1\.\d$/, "")
const make = scenarios[key]
if (!make) throw new Error(`unknown E2E_SCENARIO ${scenario}`)
if (key === "origin") make()
else for (const transport of transports) make(transport)
if (key === "mount") scenarios.mountMetrics()

await run()
