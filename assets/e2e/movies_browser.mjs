// The movies pages in Chromium with the real phoenix_live_view client,
// against the server cmd/server/movies_e2e_test.go started on a seeded
// throwaway PostgreSQL. One walk through every control, three times:
//
//   websocket  the live page over WebSocket
//   blocked    the live connection blocked in the browser (/live/* aborted,
//              WebSockets closed): the links and GET forms navigate
//   longpoll   the live page forced to LongPoll the way the phoenix Socket
//              remembers a fallback (sessionStorage phx:fallback:LongPoll)
//
// After every step the page must be on the expected canonical URL and show
// what the database says for it (GET /expect on the Go test's control
// server): the hero count, the number of cards and the first title. Live
// runs must do it without a page load (a window marker survives).
//
// Environment (besides lib.mjs's): E2E_URL, E2E_CONTROL, E2E_FIXTURES;
// E2E_SCREENSHOTS (a directory: save the screenshots there); E2E_RUNS (a
// comma-separated subset of the runs, default all three, always in the
// order below); E2E_LP_BLOCK_WS=1 (the longpoll run also blocks WebSockets
// in the browser, and any attempt to open one fails the run; the cluster
// test sets it). Through a TLS proxy (cmd/server/proxy_e2e_test.go) E2E_URL
// is https://golive.test and E2E_CHROMIUM_ARGS (lib.mjs) maps that host to
// the proxy and trusts its certificate.
import { assert, control, env, launchBrowser, newPage, run, setup, test, waitFor } from "./lib.mjs"

const base = env("E2E_URL")
const fx = JSON.parse(env("E2E_FIXTURES"))
const shots = process.env.E2E_SCREENSHOTS || ""
const runs = env("E2E_RUNS", "websocket,blocked,longpoll").split(",")
const lpBlockWS = process.env.E2E_LP_BLOCK_WS === "1"

const browser = await setup("launch Chromium", () => launchBrowser())

// Console errors and failed responses fail the live runs (the blocked run
// expects the socket requests it aborts to fail).
const problems = []

async function openPage(mode, path, viewport) {
  const page = await newPage(browser, mode)
  if (viewport) await page.setViewportSize(viewport)
  // Posters and logos come from image.tmdb.org, video stills from
  // i.ytimg.com: never leave the machine.
  await page.route(/^https?:\/\/(image\.tmdb\.org|i\.ytimg\.com)\//, (r) => r.abort())
  // A British browser: the show page's Watch section follows the locale
  // (sent as the browser_locale connect param) once live.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "language", { get: () => "en-GB" }))
  if (mode === "longpoll") {
    await page.addInitScript(() => sessionStorage.setItem("phx:fallback:LongPoll", "true"))
    if (lpBlockWS) {
      await page.routeWebSocket(/\/live\//, (ws) => {
        problems.push(`[${mode}] the page tried a WebSocket: ${ws.url()}`)
        ws.close({ code: 1011, reason: "blocked by the test" })
      })
    }
  }
  if (mode === "blocked") {
    await page.route(/\/live\//, (r) => r.abort())
    await page.routeWebSocket(/\/live\//, (ws) => ws.close({ code: 1011, reason: "blocked by the test" }))
  } else {
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`[${mode}] console.error: ${m.text()}`)
    })
    page.on("response", (r) => {
      const u = new URL(r.url())
      if (r.status() >= 400 && u.pathname !== "/favicon.ico" && u.pathname !== "/algorithms") {
        problems.push(`[${mode}] HTTP ${r.status()} for ${r.request().method()} ${r.url()}`)
      }
    })
  }
  await page.goto(base + path)
  return page
}

const connected = (page) => page.evaluate(() => !!document.querySelector("[data-phx-main]")?.classList.contains("phx-connected"))

async function waitConnected(page) {
  await waitFor("the live view to connect", () => connected(page), { timeout: 10000 })
}

const here = (page) => {
  const u = new URL(page.url())
  return u.pathname + u.search
}

// expectPage waits until the page is on want and shows the database's
// answer for it.
async function expectPage(page, want, what) {
  try {
    await waitFor(`URL ${want}`, () => here(page) === want, { timeout: 8000 })
  } catch (e) {
    assert.fail(`${what}: URL ${here(page)}, want ${want}`)
  }
  const e = await control.get(`/expect?url=${encodeURIComponent(want)}`)
  try {
    await page.waitForFunction(
      ({ total, cards, first }) => {
        const hc = document.querySelector("#hero-count")?.textContent.trim()
        const cs = document.querySelectorAll("#movie-grid .movie-card")
        const f = document.querySelector("#movie-grid .movie-card .movie-title")?.textContent.trim() ?? null
        return hc === total && cs.length === cards && f === first
      },
      e,
      { timeout: 8000 },
    )
  } catch (err) {
    const got = await page.evaluate(() => ({
      total: document.querySelector("#hero-count")?.textContent.trim(),
      cards: document.querySelectorAll("#movie-grid .movie-card").length,
      first: document.querySelector("#movie-grid .movie-card .movie-title")?.textContent.trim() ?? null,
    }))
    assert.fail(`${what}: page shows ${JSON.stringify(got)} for ${want}, database says ${JSON.stringify(e)}`)
  }
  return e
}

const visible = (page, sel) => page.isVisible(sel)

async function openDrawer(page) {
  if (!(await visible(page, "#filters aside"))) await page.click("#filters-button")
  await page.waitForSelector("#filters aside", { state: "visible", timeout: 5000 })
}

// The walk. Each step: what it does, and the URL it must lead to.
function steps(mode) {
  const live = mode !== "blocked"
  const search = async (page, text) => {
    await page.fill("#search-input", text)
    // Live: the debounced phx-change patches; plain: Enter submits the GET
    // form, answered with a redirect to its canonical URL.
    if (!live) await Promise.all([page.waitForNavigation(), page.press("#search-input", "Enter")])
  }
  const click = (sel) => async (page) => page.click(sel)
  const menu = (sel) => async (page) => {
    await page.click("#more-sorts summary")
    await page.click(sel)
  }
  const drawerCheck = (sel, on) => async (page) => {
    await openDrawer(page)
    await page.setChecked(sel, on)
    if (!live) await Promise.all([page.waitForNavigation(), page.click("#drawer-done")])
  }
  const drawerClick = (sel) => async (page) => {
    await openDrawer(page)
    await page.click(sel)
  }
  const person = (id) => async (page) => {
    await openDrawer(page)
    await page.fill("#people-search-input", "golden")
    if (!live) await Promise.all([page.waitForNavigation(), page.press("#people-search-input", "Enter")])
    await page.waitForSelector(`#person-result-${id} a`, { state: "visible", timeout: 5000 })
    await page.click(`#person-result-${id} a`)
  }
  const q = "search=the"
  return [
    ["search", (p) => search(p, "the"), `/movies?page=1&${q}`],
    ["sort: Highest rated", click("#sort-score"), `/movies?page=1&${q}&sort=score_desc`],
    ["sort: Trending", click("#sort-popularity"), `/movies?page=1&${q}&sort=popularity_desc`],
    ["sort: Most recent", click("#sort-release_date"), `/movies?page=1&${q}&sort=release_date_desc`],
    ["overflow sort: Title", menu("#sort-title"), `/movies?page=1&${q}&sort=title_desc`],
    ["overflow sort: reverse the direction", menu("#sort-direction"), `/movies?page=1&${q}&sort=title_asc`],
    ["pagination: Next", click("#page-next"), `/movies?page=2&${q}&sort=title_asc`],
    ["pagination: Next again", click("#page-next"), `/movies?page=3&${q}&sort=title_asc`],
    ["back", (p) => p.goBack(), `/movies?page=2&${q}&sort=title_asc`],
    ["back again", (p) => p.goBack(), `/movies?page=1&${q}&sort=title_asc`],
    ["forward", (p) => p.goForward(), `/movies?page=2&${q}&sort=title_asc`],
    ["pagination: Previous", click("#page-prev"), `/movies?page=1&${q}&sort=title_asc`],
    ["clear the search", (p) => search(p, ""), "/movies?page=1&sort=title_asc"],
    ["genre chip: Drama", click("#genre-drama"), "/movies?genres=drama&page=1&sort=title_asc"],
    ["genre chip: Comedy (ALL: comedy and drama)", click("#genre-comedy"), "/movies?genres=comedy,drama&page=1&sort=title_asc"],
    ["clear all", click("#clear-all"), "/movies?page=1&sort=title_asc"],
    ["drawer: a list", drawerCheck(`#${fx.listID}`, true), `/movies?lists=${fx.listSlug}&page=1&sort=title_asc`],
    ["drawer: include unreleased", drawerCheck("#show-unreleased", true), `/movies?lists=${fx.listSlug}&page=1&show_unreleased=true&sort=title_asc`],
    ["drawer: uncheck the last list (B1)", drawerCheck(`#${fx.listID}`, false), "/movies?page=1&show_unreleased=true&sort=title_asc"],
    ["drawer: decade", drawerClick("#decade-2010"), "/movies?decade=2010&page=1&show_unreleased=true&sort=title_asc"],
    ["drawer: age rating", drawerClick("#age-16"), "/movies?decade=2010&max_age=16&page=1&show_unreleased=true&sort=title_asc"],
    ["drawer: rating quality", drawerClick("#rating-well_reviewed"), "/movies?decade=2010&max_age=16&page=1&rating_preset=well_reviewed&show_unreleased=true&sort=title_asc"],
    ["drawer: clear filters", drawerClick("#drawer-clear"), "/movies?page=1&sort=title_asc"],
    ["people: Ada Golden", person(fx.ada), "/movies?page=1&people=ada-golden&sort=title_asc"],
    ["people: Bo Golden", person(fx.bo), "/movies?page=1&people=ada-golden,bo-golden&sort=title_asc"],
    ["people: all together", drawerClick("#people-match-all"), "/movies?page=1&people=ada-golden,bo-golden&people_match=all&sort=title_asc"],
  ]
}

// Before the runs, so their socket requests are not counted in any.
if (shots) {
  test("screenshots of /movies (desktop 1280×800, mobile 390×844)", async () => {
    for (const [name, viewport] of [
      ["movies-desktop.png", { width: 1280, height: 800 }],
      ["movies-mobile.png", { width: 390, height: 844 }],
    ]) {
      const page = await openPage("websocket", "/movies", viewport)
      await waitConnected(page)
      await page.waitForTimeout(300)
      await page.screenshot({ path: `${shots}/${name}` })
      await page.context().close()
    }
  })
}

// LongPoll last: its server session outlives the page by up to 25 s (poll
// window plus expiry), and the blocked run checks that no socket is open.
for (const mode of ["websocket", "blocked", "longpoll"].filter((m) => runs.includes(m))) {
  const live = mode !== "blocked"
  let page
  test(`${mode}: load /movies`, async () => {
    await control.post(`/phase?name=${mode}`)
    page = await openPage(mode, "/movies")
    if (live) {
      await waitConnected(page)
      const transport = await page.evaluate(() => {
        const c = window.liveSocket.getSocket().conn
        return c instanceof WebSocket ? "websocket" : c && "pollEndpoint" in c ? "longpoll" : "none"
      })
      assert.equal(transport, mode, "transport in use")
    } else {
      // Give the client time to try (and fail) to connect.
      await page.waitForTimeout(1500)
      assert.equal(await connected(page), false, "the blocked page is not connected")
    }
    await control.post(`/check?name=${mode}`)
    const e = await expectPage(page, "/movies", "load")
    assert.equal(e.cards, 24)
    await page.evaluate(() => (window.__e2eMarker = "alive"))
  })
  const totals = {}
  const count = (s) => Number(s.replaceAll(",", ""))
  for (const [name, act, want] of steps(mode)) {
    test(`${mode}: ${name}`, async () => {
      await act(page)
      const e = await expectPage(page, want, name)
      totals[want] = count(e.total)
      if (name.includes("all together")) assert.equal(e.first, fx.trio, "the one film with both people")
      if (name.includes("ALL")) {
        // Comedy and drama together: fewer films than drama alone, and
        // every one of them is also a comedy.
        const drama = totals["/movies?genres=drama&page=1&sort=title_asc"]
        const comedy = count((await control.get(`/expect?url=${encodeURIComponent("/movies?genres=comedy&sort=title_asc")}`)).total)
        assert.ok(totals[want] > 0 && totals[want] < drama && totals[want] < comedy, `comedy+drama ${totals[want]}, drama ${drama}, comedy ${comedy}`)
      }
      if (live) {
        assert.equal(await page.evaluate(() => window.__e2eMarker), "alive", "a live step reloaded the page")
        assert.ok(await connected(page), "still connected")
      }
    })
  }
  test(`${mode}: the drawer closes (Escape live, a link otherwise)`, async () => {
    await openDrawer(page)
    if (live) {
      await page.keyboard.press("Escape")
    } else {
      await page.click("#drawer-close")
    }
    await page.waitForSelector("#filters aside", { state: "hidden", timeout: 5000 })
  })
  test(`${mode}: clear all`, async () => {
    await page.click("#clear-all")
    await expectPage(page, "/movies?page=1&sort=title_asc", "clear all")
    if (live) assert.equal(await page.evaluate(() => window.__e2eMarker), "alive", "clear all reloaded the page")
    if (mode === "blocked") await control.post(`/check?name=${mode}`)
  })
  test(`${mode}: a card opens the show page`, async () => {
    const title = await page.textContent("#movie-grid .movie-card .movie-title")
    await page.click("#movie-grid .movie-card")
    await page.waitForFunction((t) => document.querySelector("#movie-title")?.textContent.trim() === t, title.trim(), { timeout: 8000 })
    if (live) assert.equal(await page.evaluate(() => window.__e2eMarker), "alive", "live navigation reloaded the page")
  })
  test(`${mode}: the show page's Watch, Video and Keywords sections; the region menu`, async () => {
    const path = `/movies/${fx.trioSlug}`
    await page.goto(base + path)
    // Live: the locale's region (GB) once connected; blocked: the dead
    // render's US.
    const first = live ? "GB" : "US"
    if (live) {
      await waitConnected(page)
      await page.evaluate(() => (window.__e2eMarker = "watch"))
      const p = await page.evaluate(() => window.liveSocket.params())
      assert.equal(p.browser_locale, "en-GB", "browser_locale connect param")
      assert.ok(typeof p.timezone === "string" && p.timezone.length > 0, `timezone connect param ${JSON.stringify(p.timezone)}`)
    }
    await waitFor(`the Watch section for ${first}`, () => page.evaluate((r) => document.querySelector("#watch")?.dataset.region === r, first), { timeout: 8000 })
    const sections = await page.evaluate(() => ({
      nav: [...document.querySelectorAll("#movie-sections a")].map((a) => a.getAttribute("href")),
      ids: [...document.querySelectorAll("#movie-page section")].map((s) => "#" + s.id),
      videos: [...document.querySelectorAll("#video .video-name")].map((e) => e.textContent.trim()),
      trailer: document.querySelector("#video-0 a")?.getAttribute("href"),
      thumb: document.querySelector("#video-0 img")?.getAttribute("src"),
      keywords: [...document.querySelectorAll("#keywords .keyword")].map((e) => e.textContent.trim()),
      providers: [...document.querySelectorAll("#watch .provider-name")].map((e) => e.textContent.trim()),
      emptyHrefs: document.querySelectorAll("a[href='']").length,
      iframes: document.querySelectorAll("iframe").length,
    }))
    assert.deepEqual(sections.nav, sections.ids, "the nav lists exactly the sections shown")
    for (const id of ["#watch", "#video", "#keywords"]) assert.ok(sections.ids.includes(id), `section ${id} shown`)
    assert.deepEqual(sections.videos, fx.videos)
    assert.equal(sections.trailer, fx.trailerURL)
    assert.ok(sections.thumb?.includes(fx.trailerKey), `thumbnail ${sections.thumb}`)
    assert.deepEqual(sections.keywords, fx.keywords)
    assert.deepEqual(sections.providers, fx.providers[first])
    assert.equal(sections.emptyHrefs, 0, "no empty href")
    assert.equal(sections.iframes, 0, "no iframe")
    // Choose a region: live, the menu's change event patches ?region=;
    // blocked, the GET form's button navigates.
    const choose = async (region) => {
      await page.selectOption("#watch-region", region)
      if (!live) await Promise.all([page.waitForNavigation(), page.click("#watch-region-go")])
      await waitFor(`URL ?region=${region}`, () => here(page) === `${path}?region=${region}`, { timeout: 8000 })
      await waitFor(`the Watch section for ${region}`, () => page.evaluate((r) => document.querySelector("#watch")?.dataset.region === r, region), { timeout: 8000 })
    }
    await choose("US")
    const us = await page.evaluate(() => ({
      stream: [...document.querySelectorAll("#watch-flatrate .provider-name")].map((e) => e.textContent.trim()),
      link: document.querySelector("#watch-link")?.getAttribute("href"),
      none: !!document.querySelector("#watch-none"),
    }))
    assert.deepEqual(us.stream, fx.usStream)
    assert.equal(us.link, fx.usLink)
    assert.equal(us.none, false)
    await choose("DE")
    assert.equal((await page.textContent("#watch-none")).trim(), "Not available to stream in Germany.")
    assert.equal(await page.evaluate(() => document.querySelectorAll("#watch-offers, #watch-link").length), 0)
    if (live) {
      assert.equal(await page.evaluate(() => window.__e2eMarker), "watch", "a region change reloaded the page")
      assert.ok(await connected(page), "still connected")
    }
  })
  test(`${mode}: the show page's overview toggle and In theaters band`, async () => {
    const path = `/movies/${fx.trioSlug}`
    await page.goto(base + path)
    if (live) {
      await waitConnected(page)
      await page.evaluate(() => (window.__e2eMarker = "overview"))
    }
    const shown = () =>
      page.evaluate(() => ({
        text: document.querySelector("#movie-overview-text")?.textContent.replace(/\s+/g, " ").trim(),
        toggle: document.querySelector("#toggle-overview")?.textContent.trim(),
      }))
    assert.deepEqual(await shown(), { text: fx.overviewCut, toggle: "Show more" }, "the overview cut")
    const band = await page.evaluate(() => ({
      title: document.querySelector("#in-theaters-title")?.textContent.trim(),
      line: document.querySelector("#in-theaters-line")?.textContent.trim(),
      regions: [...document.querySelectorAll("#in-theaters .theater-region-code")].map((e) => e.textContent.trim()),
      showtimes: document.querySelector("#showtimes-link")?.getAttribute("href"),
    }))
    assert.deepEqual(band, {
      title: "In Theaters Now",
      line: `Currently showing in ${fx.theaterRegions.length} ${fx.theaterRegions.length === 1 ? "country" : "countries"} based on TMDB data`,
      regions: fx.theaterRegions,
      showtimes: fx.showtimesURL,
    })
    // Live, the link patches; blocked, it navigates.
    const toggle = async (want, text, label) => {
      if (live) await page.click("#toggle-overview")
      else await Promise.all([page.waitForNavigation(), page.click("#toggle-overview")])
      await waitFor(`URL ${want}`, () => here(page) === want, { timeout: 8000 })
      await waitFor(`the overview ${label}`, async () => (await shown()).text === text, { timeout: 8000 })
    }
    await toggle(`${path}?overview=full`, fx.overviewFull, "in full")
    assert.equal((await shown()).toggle, "Show less")
    await toggle(path, fx.overviewCut, "cut again")
    assert.equal((await shown()).toggle, "Show more")
    if (live) {
      assert.equal(await page.evaluate(() => window.__e2eMarker), "overview", "the overview toggle reloaded the page")
      assert.ok(await connected(page), "still connected")
    }
  })
  test(`${mode}: a cast member's page, then one of their films`, async () => {
    await page.goto(`${base}/movies/${fx.trioSlug}`)
    if (live) {
      await waitConnected(page)
      await page.evaluate(() => (window.__e2eMarker = "person"))
    }
    await page.click(`#cast a.person-link[href="/people/${fx.adaSlug}"]`)
    await page.waitForFunction((n) => document.querySelector("#person-name")?.textContent.trim() === n, fx.adaName, { timeout: 8000 })
    assert.equal(here(page), `/people/${fx.adaSlug}`)
    const film = `#cast-film-${fx.duoID} a.film-link`
    assert.equal(await page.getAttribute(film, "href"), `/movies/${fx.duoSlug}`)
    await page.click(film)
    await page.waitForFunction((t) => document.querySelector("#movie-title")?.textContent.trim() === t, fx.duoTitle, { timeout: 8000 })
    assert.equal(here(page), `/movies/${fx.duoSlug}`)
    if (live) {
      assert.equal(await page.evaluate(() => window.__e2eMarker), "person", "show → person → show reloaded the page")
      assert.ok(await connected(page), "still connected")
    }
    await page.context().close()
    if (mode !== "websocket") return
    // The next run's server gauges must count only its own sockets.
    await waitFor(
      "the server to drop the closed page's socket",
      async () => {
        const s = (await control.get("/stats")).socket
        return s.WebSockets === 0 && s.LongPollSessions === 0 && s.Channels === 0
      },
      { timeout: 15000 },
    )
  }, { timeout: 25000 })
}

test("no console errors or failed responses in the live runs", async () => {
  assert.deepEqual(problems, [])
})

await run()
