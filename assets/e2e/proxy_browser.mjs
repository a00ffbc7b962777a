// The movies page at https://golive.test through a real TLS proxy (Caddy
// or nginx), for the cases of cmd/server/proxy_e2e_test.go other than the
// full walk; one case per run (E2E_CASE):
//
//   stripped  the proxy drops WebSocket upgrades: the client falls back to
//             LongPoll by itself, mounts, and a search and a genre chip
//             render without a page load; no banner
//   phxhost   PHX_HOST=golive.test: mounts over WebSocket, a search
//             renders; then a Chromium that trusts another key's hash
//             refuses the page (so the trusted runs owe nothing to luck)
//   conn      CHECK_ORIGIN=conn: refused; the banner (role=alert, cause
//             origin_refused) names PHX_HOST and CHECK_ORIGIN; no join, no
//             LongPoll POST, a few retries and no storm
//
// Environment (besides lib.mjs's, whose E2E_CHROMIUM_ARGS maps golive.test
// to the proxy and trusts its certificate): E2E_URL (https://golive.test),
// E2E_CONTROL (GET /expect?url=U: the database's answer for U; GET /stats:
// what reached the app), E2E_CASE, E2E_UNTRUSTED_ARGS (phxhost: the same
// flags with an unrelated key's hash).
import { assert, control, env, launchBrowser, newPage, run, setup, sleep, test, waitFor } from "./lib.mjs"
import { banner, connected, expectProgressHidden, Traffic, waitBanner } from "./failures_lib.mjs"

const base = env("E2E_URL")
const which = env("E2E_CASE")

const browser = await setup("launch Chromium", () => launchBrowser())

async function openMovies(name) {
  const page = await newPage(browser, name)
  // Posters come from image.tmdb.org: never leave the machine.
  await page.route(/^https?:\/\/image\.tmdb\.org\//, (r) => r.abort())
  const traffic = new Traffic(page)
  await page.goto(base + "/movies")
  assert.equal(new URL(page.url()).origin, "https://golive.test", "the page's origin")
  return { page, traffic }
}

const here = (page) => {
  const u = new URL(page.url())
  return u.pathname + u.search
}

// expectPage waits until the page is on want and shows what the database
// says for it: the hero count, the number of cards, the first title.
async function expectPage(page, want) {
  await waitFor(`URL ${want}`, () => here(page) === want, { timeout: 8000 })
  const e = await control.get(`/expect?url=${encodeURIComponent(want)}`)
  const shown = () =>
    page.evaluate(() => ({
      total: document.querySelector("#hero-count")?.textContent.trim(),
      cards: document.querySelectorAll("#movie-grid .movie-card").length,
      first: document.querySelector("#movie-grid .movie-card .movie-title")?.textContent.trim() ?? null,
    }))
  await waitFor(
    `the page to show ${JSON.stringify(e)} for ${want}`,
    async () => {
      const s = await shown()
      return s.total === e.total && s.cards === e.cards && s.first === e.first
    },
    { timeout: 8000 },
  )
  return e
}

// liveChanges makes a search (and with chip, a genre chip) render over the
// live connection, without a page load.
async function liveChanges(page, { chip }) {
  const before = await expectPage(page, "/movies")
  await page.evaluate(() => (window.__e2eMarker = "alive"))
  await page.fill("#search-input", "the")
  const searched = await expectPage(page, "/movies?page=1&search=the")
  assert.notEqual(searched.total, before.total, "the search changed the count")
  if (chip) {
    await page.click("#genre-drama")
    await expectPage(page, "/movies?genres=drama&page=1&search=the")
  }
  assert.equal(await page.evaluate(() => window.__e2eMarker), "alive", "a live change reloaded the page")
}

const stats = () => control.get("/stats")

const cases = {
  stripped() {
    test("upgrades stripped by the proxy: the client falls back to LongPoll by itself, mounts, and changes render", async () => {
      const { page, traffic } = await openMovies("stripped")
      assert.equal(await connected(page, { timeout: 15000 }), "longpoll")
      assert.ok(traffic.sockets.some((s) => s.transport === "websocket"), `the client tried WebSocket first: ${traffic.summary()}`)
      assert.equal(await page.evaluate(() => sessionStorage.getItem("phx:fallback:LongPoll")), "true", "fallback remembered")
      await liveChanges(page, { chip: true })
      const s = await stats()
      assert.ok(s.socket.LongPollSessions >= 1 && s.socket.WebSockets === 0, `socket server while connected: ${JSON.stringify(s.socket)}`)
      // Past the point where the diagnostics would show a banner had they
      // miscounted the fallback (three failures).
      await sleep(Math.max(0, 4000 - (Date.now() - traffic.t0)))
      assert.equal(await banner(page), null, "no diagnostics banner when LongPoll works")
      assert.equal(traffic.loads.length, 1, "page loads")
      console.log(`    (${traffic.summary()})`)
      await page.context().close()
    }, { timeout: 40000 })
  },

  phxhost() {
    test("PHX_HOST=golive.test, origin https://golive.test: mounts over WebSocket and a search renders", async () => {
      const { page, traffic } = await openMovies("phxhost")
      assert.equal(await connected(page), "websocket")
      await liveChanges(page, { chip: false })
      const [first] = traffic.joins
      assert.ok(first && first.status === "ok" && first.transport === "websocket", traffic.summary())
      assert.equal(await banner(page), null, "no diagnostics banner")
      const s = await stats()
      assert.ok(s.socket.WebSockets >= 1 && s.socket.LongPollSessions === 0, `socket server while connected: ${JSON.stringify(s.socket)}`)
      console.log(`    (${traffic.summary()})`)
      await page.context().close()
    }, { timeout: 30000 })

    test("a Chromium trusting another key's hash refuses the proxy's certificate", async () => {
      const other = await launchBrowser(JSON.parse(env("E2E_UNTRUSTED_ARGS")))
      const page = await newPage(other, "untrusted")
      await assert.rejects(page.goto(base + "/movies"), /net::ERR_CERT_AUTHORITY_INVALID/)
      await other.close()
    }, { timeout: 30000 })
  },

  conn() {
    test("CHECK_ORIGIN=conn behind the proxy: refused, the banner names the fix, no LongPoll session, no storm", async () => {
      const { page, traffic } = await openMovies("conn")
      const b = await waitBanner(page, { timeout: 10000 })
      const bannerMs = Date.now() - traffic.t0
      assert.equal(b.role, "alert")
      assert.equal(b.cause, "origin_refused", `banner: ${JSON.stringify(b)}`)
      assert.ok(b.visible, "banner visible")
      assert.ok(b.text.includes("https://golive.test"), `the banner names the page's origin: ${b.text}`)
      assert.match(b.text, /PHX_HOST/, "the banner names PHX_HOST")
      assert.match(b.text, /CHECK_ORIGIN/, "the banner names CHECK_ORIGIN")
      await expectProgressHidden(page)
      // The dead render is all there is, and it is right.
      await expectPage(page, "/movies")
      // Watch a while longer: the client retries with backoff, never
      // joins, and creates no LongPoll session.
      await sleep(Math.max(0, 8000 - (Date.now() - traffic.t0)))
      const s = await stats()
      console.log(`    (banner after ${bannerMs} ms: ${b.text.replace(/\s+/g, " ")})`)
      console.log(`    (in 8 s: ${traffic.summary()}; the app saw ${JSON.stringify(s.traffic)})`)
      assert.equal(await connected(page, { timeout: 100 }).catch(() => null), null, "not connected")
      assert.equal(traffic.joins.length, 0, "no join payload left the browser")
      assert.equal(traffic.lpPosts, 0, "no LongPoll POST")
      assert.ok(traffic.sockets.length >= 2 && traffic.sockets.length < 30, `socket requests in 8 s: ${traffic.sockets.length}`)
      assert.equal(s.traffic.LongPollSessions, 0, "LongPoll sessions created on the app")
      assert.equal(s.socket.LongPollSessions, 0, "LongPoll sessions open on the app")
      assert.equal((await banner(page))?.cause, "origin_refused", "the banner stays")
      assert.equal(traffic.loads.length, 1, "no reload")
      await page.context().close()
    }, { timeout: 30000 })
  },
}

const make = cases[which]
if (!make) throw new Error(`unknown E2E_CASE ${which}: want one of ${Object.keys(cases).join(", ")}`)
make()

await run()
