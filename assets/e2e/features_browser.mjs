// Streams, hooks with push_event and replies, and JS commands with the real
// phoenix_live_view client of one line (E2E_CLIENT_LINE) in Chromium,
// against the Go server the test started (cmd/server/features_e2e_test.go).
// Everything runs twice: over WebSocket, then over LongPoll (forced the way
// the phoenix Socket remembers a fallback: sessionStorage
// "phx:fallback:LongPoll" = "true"). Each run tells the Go test its name
// (POST /phase) and asks it to sample the socket server's gauges while a
// page is connected (POST /check), so the test can verify the transport on
// the server side. GET /stats gives the engine's event counter: JS
// commands that stay in the browser must not send any event.
import { assert, control, env, launchBrowser, newPage, run, sleep, test, waitFor } from "./lib.mjs"

const base = env("E2E_URL")
const line = env("E2E_CLIENT_LINE")
const vsn = env("E2E_CLIENT_VSN")
const jsAttrs = JSON.parse(env("E2E_JS_ATTRS"))
const pingMessage = env("E2E_PING_MESSAGE")
const logLimit = Number(env("E2E_LOG_LIMIT"))
// push_event with dispatch before the DOM patch arrived in 1.1.18.
const beforePatch = line !== "1.0"

const browser = await launchBrowser()

const text = (page, sel) => page.$eval(sel, (el) => el.textContent.trim())
const ids = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.id))
const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()))
const visible = (page, sel) =>
  page.$eval(sel, (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length))
const events = async () => (await control.get("/stats")).events

// waitText waits in the page (no round trip per poll) until the element's
// text is want.
async function waitText(page, sel, want, what = sel) {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent.trim() === want,
      [sel, want],
      { timeout: 10000 },
    )
  } catch (e) {
    const last = await text(page, sel).catch((err) => `(${err.message})`)
    throw new Error(`timed out waiting for ${what} = ${JSON.stringify(want)}; it shows ${JSON.stringify(last)}`)
  }
}

// clickAndWait clicks and waits until the server's answer is in the page.
async function clickAndWait(page, sel, waitSel, want) {
  await page.click(sel)
  await waitText(page, waitSel, want, `${waitSel} after clicking ${sel}`)
}

// open loads path in a fresh browser context (fresh sessionStorage), forced
// to LongPoll when asked, and waits until the view is connected.
async function open(transport, path) {
  const page = await newPage(browser, `${line}-${transport}`)
  watchConsole(page, transport)
  if (transport === "longpoll") {
    await page.addInitScript(() => sessionStorage.setItem("phx:fallback:LongPoll", "true"))
  }
  const sockets = { websocket: 0, longpoll: 0 }
  page.on("websocket", (w) => {
    if (new URL(w.url()).pathname === "/live/websocket") sockets.websocket++
  })
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/live/longpoll") sockets.longpoll++
  })
  page.sockets = sockets
  await page.goto(base + path)
  await waitConnected(page)
  return page
}

// Console errors and warnings of the LiveView client (a malformed diff, a
// missing hook, an unknown JS command…) fail the run at the end.
const consoleProblems = []
// So do failed HTTP responses, except the favicon the page does not have.
function watchConsole(page, name) {
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
}

async function waitConnected(page) {
  await waitFor("the live view to connect", () =>
    page.evaluate(() => document.querySelector("[data-phx-main]")?.classList.contains("phx-connected")),
  )
}

// closePage closes the page's context and waits until the server has
// let go of its socket, so the next run's gauges count only its own.
async function closePage(page) {
  await page.context().close()
  await waitFor("the server to drop the closed page's socket", async () => {
    const s = (await control.get("/stats")).socket
    return s.WebSockets === 0 && s.LongPollSessions === 0 && s.Channels === 0
  }, { timeout: 15000 })
}

async function checkTransport(page, transport) {
  const other = transport === "websocket" ? "longpoll" : "websocket"
  assert.ok(page.sockets[transport] > 0, `browser requests to /live/${transport}: ${page.sockets[transport]}`)
  assert.equal(page.sockets[other], 0, `browser requests to /live/${other}`)
  const snap = await control.post(`/check?name=${transport}`)
  const [mine, theirs] = transport === "websocket" ? [snap.WebSockets, snap.LongPollSessions] : [snap.LongPollSessions, snap.WebSockets]
  assert.ok(mine > 0 && theirs === 0, `server gauges during the ${transport} run: ${JSON.stringify(snap)}`)
}

test(`${line}: the bundle is the ${vsn} client`, async () => {
  const page = await newPage(browser, `${line}-version`)
  watchConsole(page, "version")
  await page.goto(base + "/examples/counter")
  await waitConnected(page)
  const script = await page.$eval("script[src^='/assets/app']", (el) => el.getAttribute("src"))
  // The bundle of the line, under its digested name.
  assert.match(script, { "1.0": /^\/assets\/app-1\.0-[0-9a-f]{10}\.js$/, "1.1": /^\/assets\/app-1\.1-[0-9a-f]{10}\.js$/, "1.2": /^\/assets\/app-[0-9a-f]{10}\.js$/ }[line])
  assert.equal(await page.evaluate(() => window.liveSocket.version?.() ?? null), vsn)
  await closePage(page)
})

for (const transport of ["websocket", "longpoll"]) {
  const label = `${line}/${transport}`
  let page

  test(`${label}: stream inserts at the top and bottom, a limit, a reset`, async () => {
    await control.post(`/phase?name=${transport}`)
    page = await open(transport, "/examples/stream")
    await checkTransport(page, transport)
    assert.deepEqual(await ids(page, "#rows > li"), [])
    for (let i = 1; i <= 3; i++) await clickAndWait(page, "#prepend", "#total", String(i))
    await clickAndWait(page, "#append", "#total", "4")
    assert.deepEqual(await texts(page, "#rows > li"), ["3", "2", "1", "4"])
    assert.deepEqual(await ids(page, "#rows > li"), ["row-3", "row-2", "row-1", "row-4"])
    for (let i = 5; i <= 26; i++) await clickAndWait(page, "#prepend", "#total", String(i))
    // At most 20 rows, newest first: the limit dropped 3, 2, 1 and 4.
    const want = Array.from({ length: 20 }, (_, k) => String(26 - k))
    assert.deepEqual(await texts(page, "#rows > li"), want)
    await page.click("#reset")
    await waitFor("the reset to empty the stream", async () => (await ids(page, "#rows > li")).length === 0)
    assert.equal(await text(page, "#total"), "26")
    await clickAndWait(page, "#append", "#total", "27")
    assert.deepEqual(await texts(page, "#rows > li"), ["27"])
    assert.deepEqual(await ids(page, "#rows > li"), ["row-27"])
  }, { timeout: 60000 })

  test(`${label}: hook receives push_event, pushes back, gets the reply`, async () => {
    await page.goto(base + "/examples/hooks")
    await waitConnected(page)
    await checkTransport(page, transport)
    // The attributes as the browser has them after the join patch are
    // exactly the Go helper's JSON.
    for (const [id, json] of Object.entries(jsAttrs)) {
      assert.equal(await page.$eval(`#${id}`, (el) => el.getAttribute("phx-click")), json, `#${id} phx-click`)
    }
    const before = await events()
    await page.click("#ping")
    // The ping reply's "e" reaches the hook and the window listener; the
    // hook's pong is answered with a reply and a patch.
    await waitText(page, "#server-count", "1")
    await waitFor("the hook reply", async () => (await text(page, "#hook-reply")) !== "")
    assert.deepEqual(JSON.parse(await text(page, "#hook-received")), { n: 1, msg: pingMessage })
    assert.deepEqual(JSON.parse(await text(page, "#hook-reply")), { n: 1, echo: pingMessage.toUpperCase(), count: 1 })
    assert.deepEqual(JSON.parse(await text(page, "#window-event")), { n: 1, msg: pingMessage })
    assert.equal(await text(page, "#pongs"), "1")
    await waitFor("2 server events (ping click, pong hook)", async () => (await events()) === before + 2)

    await page.click("#ping")
    await waitText(page, "#pongs", "2")
    await waitFor("the second reply", async () => JSON.parse(await text(page, "#hook-reply")).n === 2)
    assert.deepEqual(JSON.parse(await text(page, "#hook-reply")), { n: 2, echo: pingMessage.toUpperCase(), count: 2 })
    // Each push_event was dispatched once to the window.
    assert.equal(await page.$eval("#window-event", (el) => el.dataset.count), "2")
    assert.deepEqual(JSON.parse(await text(page, "#window-event")), { n: 2, msg: pingMessage })
    assert.equal(await events(), before + 4)
    // The pongs went into the log stream, newest first.
    assert.deepEqual(await ids(page, "#pong-log > li"), ["pong-2", "pong-1"])
  }, { timeout: 30000 })

  test(`${label}: push_event before the patch (${beforePatch ? "supported" : "dispatched after on 1.0"})`, async () => {
    await clickAndWait(page, "#snap", "#server-count", "3")
    await waitText(page, "#snap-after-seen", "3:3")
    // "count:DOM count when dispatched": 1.1.18+ dispatches before
    // patching, so the page still shows 2; 1.0 ignores the flag.
    await waitText(page, "#snap-seen", beforePatch ? "3:2" : "3:3")
  }, { timeout: 30000 })

  test(`${label}: stream limit, delete and reset in the hook log`, async () => {
    for (let n = 3; n <= 7; n++) {
      await page.click("#ping")
      await waitText(page, "#pongs", String(n))
    }
    assert.deepEqual(await ids(page, "#pong-log > li"), ["pong-7", "pong-6", "pong-5", "pong-4", "pong-3"].slice(0, logLimit))
    const ev = await events()
    await page.click("#pong-5 .pong-delete")
    await waitFor("pong-5 to be deleted", async () => !(await ids(page, "#pong-log > li")).includes("pong-5"))
    assert.deepEqual(await ids(page, "#pong-log > li"), ["pong-7", "pong-6", "pong-4", "pong-3"])
    assert.equal(await events(), ev + 1)
    await page.click("#clear-log")
    await waitFor("the log to be empty", async () => (await ids(page, "#pong-log > li")).length === 0)
    await page.click("#ping")
    await waitText(page, "#pongs", "8")
    await waitFor("a row after the reset", async () => (await ids(page, "#pong-log > li")).length === 1)
    assert.deepEqual(await ids(page, "#pong-log > li"), ["pong-8"])
  }, { timeout: 30000 })

  test(`${label}: JS commands toggle without the server and push with a value`, async () => {
    const count = Number(await text(page, "#server-count"))
    const ev = await events()
    assert.equal(await visible(page, "#panel"), false)
    await page.click("#toggle-panel")
    await waitFor("the panel to show", () => visible(page, "#panel"))
    assert.equal(await page.getAttribute("#toggle-panel", "aria-expanded"), "true")
    await sleep(300)
    assert.equal(await events(), ev, "toggling sent an event to the server")

    await page.click("#inc-js")
    await waitText(page, "#server-count", String(count + 5))
    assert.equal(await events(), ev + 1)
    await waitFor("#inc-js to get the class pushed", () => page.$eval("#inc-js", (el) => el.classList.contains("pushed")))

    // A server patch keeps what the JS commands did (they are sticky).
    await page.click("#ping")
    await waitText(page, "#server-count", String(count + 6))
    assert.equal(await visible(page, "#panel"), true, "panel still shown after a patch")
    assert.equal(await page.getAttribute("#toggle-panel", "aria-expanded"), "true")
    assert.ok(await page.$eval("#inc-js", (el) => el.classList.contains("pushed")), "class kept after a patch")

    const ev2 = await events()
    await page.click("#toggle-panel")
    await waitFor("the panel to hide", async () => !(await visible(page, "#panel")))
    assert.equal(await page.getAttribute("#toggle-panel", "aria-expanded"), "false")

    await page.click("#open-modal")
    await waitFor("the modal to show as flex, its input focused", () =>
      page.evaluate(
        () => getComputedStyle(document.getElementById("modal")).display === "flex" && document.activeElement?.id === "modal-input",
      ),
    )
    await page.click("#close-modal")
    await waitFor("the modal to hide", async () => !(await visible(page, "#modal")))

    await page.click("#dispatch")
    await waitFor("the dispatched event", async () => (await text(page, "#dispatch-out")) !== "")
    assert.deepEqual(JSON.parse(await text(page, "#dispatch-out")), {
      greeting: 'hi "there" <&>',
      n: 7,
      dispatcher: "dispatch",
      target: "dispatch-sink",
    })
    await sleep(200)
    assert.equal(await events(), ev2, "client-only commands sent events to the server")
  }, { timeout: 30000 })

  test(`${label}: JS patch and navigate`, async () => {
    await page.evaluate(() => (window.__featuresMarker = 1))
    await page.click("#patch-tab")
    await waitText(page, "#tab", "two")
    assert.equal(await page.evaluate(() => location.pathname + location.search), "/examples/hooks?tab=two")
    await page.click("#navigate")
    await waitFor("the counter page", () => page.evaluate(() => location.pathname === "/examples/counter" && !!document.getElementById("count")))
    await waitConnected(page)
    assert.equal(await page.evaluate(() => window.__featuresMarker), 1, "navigate reloaded the page")
    await clickAndWait(page, "#inc", "#count", "1")
    await checkTransport(page, transport)
    // The LongPoll run is the last; its session may linger on the server
    // until the poll timeout, which nothing waits for.
    if (transport === "websocket") await closePage(page)
    else await page.context().close()
  }, { timeout: 30000 })

  bindingsTest(transport)
}

// /examples/bindings, per transport: phx-click-away, key events, _target,
// JS.push's options, phx-mounted/phx-remove, viewport infinite scroll,
// phx-disconnected/phx-connected and form recovery after a reconnect.
function bindingsTest(transport) {
  test(`${line}/${transport}: bindings`, async () => {
    let bp = await open(transport, "/examples/bindings")
    await checkTransport(bp, transport)
    await waitFor("#marker's phx-mounted", () => bp.$eval("#marker", (el) => el.classList.contains("was-mounted")))

    // phx-click-away: a click inside the menu keeps it, one outside closes it.
    await clickAndWait(bp, "#open-menu", "#menu-state", "open")
    await bp.click("#menu-item")
    await sleep(200)
    assert.equal(await text(bp, "#menu-state"), "open", "a click inside the menu closed it")
    await bp.click("h1")
    await waitText(bp, "#menu-state", "closed")
    assert.equal(await text(bp, "#click-aways"), "1")

    // phx-keyup with the key; phx-window-keydown filtered by phx-key.
    await bp.click("#key-input")
    await bp.keyboard.press("x")
    await waitText(bp, "#last-key", "x")
    await bp.click("h1")
    await bp.keyboard.press("j")
    await bp.keyboard.press("k")
    await waitText(bp, "#window-keys", "1")
    await sleep(200)
    assert.equal(await text(bp, "#window-keys"), "1", "a key other than k counted")

    // phx-change names the field that changed in _target.
    await bp.fill("#email", "ada@example.com")
    await waitText(bp, "#target", "email")
    await bp.fill("#name", "Ada")
    await waitText(bp, "#target", "name")
    await waitText(bp, "#name-echo", "Ada")

    // JS.push with a value, a target, a loading element and page loading.
    await bp.evaluate(() => {
      window.__pageLoading = []
      window.addEventListener("phx:page-loading-start", () => window.__pageLoading.push("start"))
      window.addEventListener("phx:page-loading-stop", () => window.__pageLoading.push("stop"))
      const box = document.getElementById("push-box")
      window.__boxLoading = false
      new MutationObserver(() => {
        if (box.classList.contains("phx-click-loading")) window.__boxLoading = true
      }).observe(box, { attributes: true, attributeFilter: ["class"] })
    })
    await clickAndWait(bp, "#push-by", "#pushed", "3")
    assert.ok(await bp.evaluate(() => window.__boxLoading), "#push-box never had phx-click-loading during the push")
    await waitFor("#push-box's loading class to go", () => bp.$eval("#push-box", (el) => !el.classList.contains("phx-click-loading")))
    const loading = await bp.evaluate(() => window.__pageLoading)
    assert.ok(loading.includes("start") && loading.lastIndexOf("stop") > loading.indexOf("start"), `page loading events: ${loading}`)

    // phx-mounted and phx-remove on an element the server adds and removes.
    await bp.evaluate(() => {
      window.__removed = 0
      document.getElementById("removal-sink").addEventListener("golive:removed", () => window.__removed++)
    })
    await bp.click("#toggle-extra")
    await waitFor("#extra's phx-mounted", () => bp.evaluate(() => document.getElementById("extra")?.classList.contains("was-mounted") ?? false))
    await bp.click("#toggle-extra")
    await waitFor("#extra to go", () => bp.evaluate(() => !document.getElementById("extra")))
    assert.equal(await bp.evaluate(() => window.__removed), 1, "phx-remove's dispatch")

    // phx-viewport-bottom down to the last page (two pages in the DOM),
    // then phx-viewport-top back to the first.
    const pages = Number(env("E2E_BINDINGS_PAGES"))
    const size = Number(env("E2E_BINDINGS_PAGE_SIZE"))
    const rowIDs = (from) => Array.from({ length: 2 * size }, (_, k) => `row-${from + k}`)
    await waitFor(`pages ${pages - 1}–${pages} by scrolling down`, async () => {
      await bp.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      return (await text(bp, "#pages")) === `${pages - 1}–${pages}`
    }, { timeout: 20000 })
    assert.deepEqual(await ids(bp, "#rows > li"), rowIDs((pages - 2) * size + 1))
    // Up slowly, as a person scrolls: each page comes by phx-viewport-top
    // before the list's top is reached (a jump past it is the client's
    // _overran, answered by a reset; the Go tests cover that one).
    // Jumps bring the first row to just above the viewport; the last
    // stretch goes 25 px at a time.
    await waitFor("pages 1–2 by scrolling up", async () => {
      await bp.evaluate(() => {
        const top = document.querySelector("#rows > li").getBoundingClientRect().top
        window.scrollBy(0, top < -75 ? top + 50 : -25)
      })
      return (await text(bp, "#pages")) === "1–2"
    }, { timeout: 30000, interval: 40 })
    const top = await ids(bp, "#rows > li")
    assert.deepEqual(top, rowIDs(1), `rows after scrolling up: ${top.join(" ")}`)

    // A lost connection: phx-disconnected shows #offline; on reconnect the
    // view mounts anew, the client recovers both forms (phx-change and
    // phx-auto-recover) and phx-connected hides #offline.
    // The rest on a fresh page, with the forms' fields typed in.
    await bp.context().close()
    bp = await open(transport, "/examples/bindings")
    await bp.fill("#name", "Ada")
    await waitText(bp, "#name-echo", "Ada")
    await bp.fill("#email", "ada@example.com")
    await waitText(bp, "#email-echo", "ada@example.com")
    await bp.fill("#note", "kept")
    const mounts = Number(await text(bp, "#mounts"))
    assert.equal(await visible(bp, "#offline"), false)
    await bp.evaluate(() => window.liveSocket.disconnect())
    await waitFor("#offline to show", () => visible(bp, "#offline"))
    await bp.evaluate(() => window.liveSocket.connect())
    await waitFor("a new mount", async () => Number(await text(bp, "#mounts")) > mounts, { timeout: 15000 })
    await waitText(bp, "#name-echo", "Ada", "#name-echo recovered by phx-change")
    await waitText(bp, "#custom-echo", "kept", "#custom-echo recovered by phx-auto-recover")
    await waitFor("#offline to hide", async () => !(await visible(bp, "#offline")))

    // phx-trigger-action: the submit is answered by setting it, and the
    // client then posts the form over HTTP.
    await bp.click("#save")
    await waitFor("the form posted over HTTP", () => bp.evaluate(() => location.pathname === "/examples/bindings/saved"), { timeout: 15000 })
    assert.equal(await text(bp, "#saved-name"), "Ada")
    assert.equal(await text(bp, "#saved-email"), "ada@example.com")
    if (transport === "websocket") await closePage(bp)
    else await bp.context().close()
  }, { timeout: 60000 })
}

test(`${line}: no console errors or warnings`, () => {
  assert.deepEqual(consoleProblems, [])
})

await run()
