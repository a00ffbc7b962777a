// The live examples (/examples/counter, /examples/lab, /examples/lab2,
// /other/page) through the real phoenix_live_view client in Chromium, for
// one client line, over WebSocket and then over LongPoll. Run by
// cmd/server's TestLiveBrowser, which serves the page bundle of the line
// under test and checks on the server side which transport each run used.
//
// LongPoll is forced the way a real page ends up on it: the client's own
// fallback logic, with the fallback remembered in sessionStorage
// ("phx:fallback:LongPoll") before the page loads.
//
// Environment (besides lib.mjs's):
//   E2E_CLIENT_LINE  "1.0", "1.1" or "1.2" (labels)
//   E2E_CLIENT_VSN   the phoenix_live_view version the bundle must report
//   E2E_TRANSPORTS   "websocket,longpoll" (default) or one of them
//   E2E_DEBUG        "1": the client logs every frame to the console (shown
//                    for failed tests)
import { assert, control, env, launchBrowser, run, test } from "./lib.mjs"
import { Live } from "./live_lib.mjs"

const line = env("E2E_CLIENT_LINE")
const transports = env("E2E_TRANSPORTS", "websocket,longpoll").split(",")
const browser = await launchBrowser()
const live = new Live(browser, {
  base: env("E2E_URL"),
  vsn: env("E2E_CLIENT_VSN"),
  debug: process.env.E2E_DEBUG === "1",
})

const range = (n) => Array.from({ length: n }, (_, i) => i + 1)
// expectItems: the counter's list shows exactly items ns, in order.
const expectItems = (p, ns, opts) =>
  p.expectList(
    "#items li",
    ns.map((i) => `item ${i}`),
    ns.map((i) => `item-${i}`),
    opts,
  )

// The server is replaced by a NEW one (same port, same secret) under a
// connected page: the client reconnects, rejoins, and its form recovery
// re-sends the filter form. The run's server-side record is checked by the
// Go test. Modes: see liveHarness.restart.
function recovery(transport, run, mode, downMs) {
  const label = `${line}/${transport}`
  const withPage = (name, path, fn) => live.withPage(transport, `${label} ${name}`, path, fn)
  // After a real outage (stop) phoenix.js falls back from WebSocket to
  // LongPoll when its first reconnect attempt fails; which transport the
  // page ends on is then the client's choice, reported by the Go test.
  const fixedTransport = !(transport === "websocket" && mode === "stop")
  test(
    `${label}: recovery after a server restart (${mode}${downMs ? `, down ${downMs} ms` : ""}): rejoin and form recovery`,
    () =>
      withPage(`recovery-${mode}`, "/examples/counter", async (p) => {
        const { page } = p
        await page.click("#inc")
        await p.expectText("#count", "1")
        await page.fill("#q", "3")
        await expectItems(p, [3])
        await p.setMarker()

        const r = await control.post(`/restart?mode=${mode}&downMs=${downMs}`)
        assert.ok(r.servers >= 2, JSON.stringify(r))
        if (!fixedTransport) p.transport = null

        // The new server mounted the view afresh (count 0) and the
        // client's form recovery re-sent the filter (rows still filtered).
        await p.expectText("#count", "0", { timeout: 15000 })
        await p.connected({ timeout: 15000 })
        await expectItems(p, [3])
        assert.equal(await page.inputValue("#q"), "3")
        await p.expectMarker(true)
        assert.equal(p.loads, 1, "no page reload")
        const st = await control.get("/stats")
        assert.ok(st.engine.Joins >= 1 && st.engine.Views >= 1, `new server: ${JSON.stringify(st.engine)}`)
        assert.ok(st.engine.Events >= 1, `form recovery reached the new server: ${JSON.stringify(st.engine)}`)
        assert.equal(st.engine.DeadRenders, 0, "no page load on the new server")

        // Events work on the new server.
        await page.click("#inc")
        await p.expectText("#count", "1")
        await page.fill("#q", "")
        await expectItems(p, range(10))
        if (fixedTransport) await p.checkServerTransport(run)
        console.log(`    (${label} ${mode}: the page ended on ${await p.transportInUse()})`)
      }),
    { timeout: 40000 },
  )
}

for (const transport of transports) {
  const label = `${line}/${transport}`
  const withPage = (name, path, fn) => live.withPage(transport, `${label} ${name}`, path, fn)

  test(`${label}: start run`, async () => {
    await control.post(`/phase?name=${transport}`)
  })

  test(`${label}: counter: click, change, submit, patch`, () =>
    withPage("counter", "/examples/counter", async (p) => {
      await p.expectText("h1", "Counter")
      await p.expectText("#count", "0")
      await expectItems(p, range(10))

      // The server sees the page's socket while it is connected.
      await p.checkServerTransport(transport)

      // One click at a time: the client ignores a click on an element
      // whose previous event is not acknowledged yet (PHX_REF_SRC), so two
      // clicks back to back may count once, by design.
      await p.page.click("#inc")
      await p.expectText("#count", "1")
      await p.page.click("#inc")
      await p.expectText("#count", "2")

      // phx-change: typing filters the list.
      await p.page.fill("#q", "1")
      await expectItems(p, [1, 10])
      await p.expectText("#summary", /n = 10, shown = 2\b/)

      // phx-submit: change the field without an input event, then submit;
      // only the submit carries "5".
      await p.page.evaluate(() => {
        document.querySelector("#q").value = "5"
      })
      await p.page.click("#filter-form button[type=submit]")
      await expectItems(p, [5])

      await p.page.fill("#q", "")
      await expectItems(p, range(10))

      // live patch: same view, new params, no page load.
      await p.setMarker()
      await p.page.click("#more")
      await p.expectURL("/examples/counter?n=15")
      await expectItems(p, range(15))
      await p.expectText("#summary", /n = 15, shown = 15\b/)
      await p.expectText("#count", "2")
      await p.expectMarker(true)
    }),
  )

  test(`${label}: lab: keyed list add/reverse/remove/clear`, () =>
    withPage("lab list", "/examples/lab", async (p) => {
      await p.expectText("#lab-title", "Lab 1")
      const rows = (ids) => ids.map((i) => (i % 2 === 0 ? `row ${i} even` : `row ${i}`))
      const expectRows = async (ids) => {
        await p.expectList("#rows li", rows(ids), ids.map((i) => `row-${i}`))
        await p.expectText("#row-count", String(ids.length))
      }
      await expectRows([1, 2, 3])
      await p.page.click("#add-top")
      await expectRows([4, 1, 2, 3])
      await p.page.click("#add-bottom")
      await expectRows([4, 1, 2, 3, 5])
      await p.page.click("#reverse")
      await expectRows([5, 3, 2, 1, 4])
      await p.page.click("#remove-first")
      await expectRows([3, 2, 1, 4])
      await p.page.click("#add-top")
      await expectRows([6, 3, 2, 1, 4])
      await p.page.click("#clear")
      await expectRows([])
      await p.page.click("#add-bottom")
      await expectRows([7])
    }),
  )

  test(`${label}: lab: live components with phx-target`, () =>
    withPage("components", "/examples/lab", async (p) => {
      const mountID = await p.text("#mount-id")
      await p.expectList(".tally", ["first: 0 bump double later", "second: 0 bump double later"], ["tally-first", "tally-second"])
      await p.page.click("#tally-first .tally-inc")
      await p.expectText("#tally-first .tally-count", "1")
      await p.page.click("#tally-first .tally-inc")
      await p.expectText("#tally-first .tally-count", "2")
      await p.page.click("#tally-second .tally-inc")
      await p.expectText("#tally-second .tally-count", "1")
      await p.expectList(".tally", ["first: 2 bump double later", "second: 1 bump double later"], ["tally-first", "tally-second"])
      // The view is untouched: same rows, same mount.
      await p.expectList("#rows li", ["row 1", "row 2 even", "row 3"], ["row-1", "row-2", "row-3"])
      await p.expectText("#row-count", "3")
      assert.equal(await p.text("#mount-id"), mountID)
      // And the view's own events still work next to the components.
      await p.page.click("#add-bottom")
      await p.expectText("#row-count", "4")
      await p.expectText("#tally-first .tally-count", "2")
    }),
  )

  test(`${label}: lab: live components updated with send_update (now, later, by id and by cid)`, () =>
    withPage("send-update", "/examples/lab", async (p) => {
      const { page } = p
      for (let i = 1; i <= 3; i++) {
        await page.click("#tally-first .tally-inc")
        await p.expectText("#tally-first .tally-count", String(i))
      }
      await page.click("#tally-second .tally-inc")
      await p.expectText("#tally-second .tally-count", "1")
      // The view resets the first tally by id; the second keeps its count.
      await page.click("#tally-reset")
      await p.expectText("#tally-first .tally-count", "0")
      assert.equal(await p.text("#tally-second .tally-count"), "1")
      // A view render afterwards leaves the count the update set.
      await page.click("#add-bottom")
      await p.expectText("#row-count", "4")
      assert.equal(await p.text("#tally-first .tally-count"), "0")
      // The second doubles itself later, by its cid, through a timer.
      await page.click("#tally-second .tally-double")
      await p.expectText("#tally-second .tally-count", "2")
      await p.expectList(".tally", ["first: 0 bump double later", "second: 2 bump double later"], ["tally-first", "tally-second"])
    }),
  )

  // Quick clicks on a live component's button: the client ignores a click
  // on an element still awaiting the ack of its previous event (it carries
  // data-phx-ref-src), so some clicks are never sent; the server must count
  // every one that was. A simulated latency makes such clicks certain.
  test(`${label}: lab: quick clicks on a component: every event sent is counted, the client drops clicks on a locked button`, () =>
    withPage("quick-clicks", "/examples/lab", async (p) => {
      const { page } = p
      await page.evaluate(() => {
        const r = (window.__clicks = { clicks: 0, locked: 0, sent: 0 })
        window.addEventListener(
          "click",
          (e) => {
            const b = e.target.closest?.("#tally-first .tally-inc")
            if (!b) return
            r.clicks++
            if (b.hasAttribute("data-phx-ref-src")) r.locked++
          },
          true, // capture: before the client's own listener sees it
        )
        const sock = window.liveSocket.getSocket()
        const push = sock.push.bind(sock)
        sock.push = (d) => {
          if (d.event === "event" && d.payload?.event === "bump") r.sent++
          return push(d)
        }
        window.liveSocket.enableLatencySim(60)
      })
      try {
        for (let round = 0; round < 5; round++) {
          for (let i = 0; i < 3; i++) await page.click("#tally-first .tally-inc")
          await page.waitForFunction(() => !document.querySelector("[data-phx-ref-src]"))
        }
        const r = await page.evaluate(() => window.__clicks)
        assert.equal(r.clicks, 15, "clicks seen")
        assert.equal(r.sent, r.clicks - r.locked, `bumps sent (${r.locked} clicks on a locked button)`)
        await p.expectText("#tally-first .tally-count", String(r.sent))
      } finally {
        await page.evaluate(() => window.liveSocket.disableLatencySim())
      }
    }),
  )

  test(`${label}: lab: flash shown, then cleared by clicking it (lv:clear-flash)`, () =>
    withPage("flash", "/examples/lab", async (p) => {
      const { page } = p
      await page.click("button[phx-click=flash]")
      await p.expectText("#flash-group .flash-info", "Saved at lab 1")
      await page.click("#flash-group .flash-info")
      try {
        await p.expectCount("#flash-group .flash", 0)
      } catch (e) {
        // LiveView patches the DOM by element id: two elements with one id
        // make patches unpredictable (the client logs "Multiple IDs
        // detected").
        const dups = JSON.stringify(await p.duplicateIds())
        const group = await page.$eval("#flash-group", (el) => el.outerHTML)
        assert.fail(`${e.message}; element ids used more than once: ${dups}; ${group}`)
      }
      // the view still works
      await page.click("#add-top")
      await p.expectText("#row-count", "4")
      await p.expectCount("#flash-group .flash", 0)
      // and shows the flash again
      await page.click("button[phx-click=flash]")
      await p.expectText("#flash-group .flash-info", "Saved at lab 1")
      assert.deepEqual(await p.duplicateIds(), [], "element ids used more than once")
    }),
  )

  test(`${label}: lab: title and live patch`, () =>
    withPage("title+patch", "/examples/lab", async (p) => {
      const { page } = p
      await p.setMarker()
      const mount1 = await p.text("#mount-id")
      assert.equal(await page.title(), "Lab 1")
      await page.click("#set-title")
      await p.expectTitle("Retitled 1")

      await page.click("#patch-sort")
      await p.expectText("#sort", "desc")
      await p.expectURL("/examples/lab?sort=desc")
      assert.equal(await p.text("#mount-id"), mount1, "a patch must not remount")
      await p.expectMarker(true)
      // the view's state survives the patch
      await page.click("#add-bottom")
      await p.expectText("#row-count", "4")
      assert.equal(p.loads, 1, "page loads")
    }),
  )

  test(`${label}: lab: live navigation, push_navigate with flash, other live_session, redirect`, () =>
    withPage("navigation", "/examples/lab", async (p) => {
      const { page } = p
      await p.setMarker()
      const mount1 = await p.text("#mount-id")

      // live navigation within the live_session: new view, no page load.
      await page.click("#nav-lab2")
      await p.expectText("#lab-title", "Lab 2")
      await p.expectURL("/examples/lab2")
      await p.expectTitle("Lab 2")
      await p.connected()
      assert.notEqual(await p.text("#mount-id"), mount1, "live navigation must mount a new view")
      await p.expectMarker(true)
      await page.click("#add-top")
      await p.expectText("#row-count", "4")

      // and back, then a server push_navigate with a flash.
      await page.click("#nav-lab")
      await p.expectText("#lab-title", "Lab 1")
      await p.expectURL("/examples/lab")
      await p.expectText("#row-count", "3")
      await p.connected()
      await page.click("#navigate")
      await p.expectText("#lab-title", "Lab 2")
      await p.expectURL("/examples/lab2")
      await p.expectText("#flash-group .flash-info", "Navigated from lab 1")
      await p.connected()
      await p.expectMarker(true)
      assert.equal(p.loads, 1, "page loads so far")

      // another live_session: a full page load.
      await page.click("#nav-other")
      await p.expectURL("/other/page")
      await p.expectMarker(false)
      await p.expectText("#other-title", "Other live_session")
      await p.connected()
      await p.expectTitle("Other")
      assert.equal(p.loads, 2, "page loads so far")

      // back to the lab (another live_session: full load), then a server
      // redirect with a flash: a full load of the counter, showing it.
      await page.click("#back")
      await p.expectURL("/examples/lab")
      await p.expectText("#lab-title", "Lab 1")
      await p.connected()
      await p.setMarker()
      await page.click("#redirect")
      await p.expectURL("/examples/counter")
      await p.expectMarker(false)
      await p.expectText("h1", "Counter")
      await p.connected()
      await p.expectText("#flash-group .flash-info", "Redirected from lab")
      // the redirected page is live
      await page.click("#inc")
      await p.expectText("#count", "1")
      assert.equal(p.loads, 4, "page loads so far")
    }),
  )

  if (transport === "websocket") recovery(transport, transport, "swap", 0)
  else recovery(transport, transport, "stop", 500)
}

// Last, the WebSocket client through a real outage. It runs after the
// LongPoll run so that the LongPoll sessions it may open (see recovery)
// cannot show in that run's server stats.
if (transports.includes("websocket")) {
  test(`${line}/websocket: start run websocket-stop`, async () => {
    await control.post(`/phase?name=websocket-stop`)
  })
  recovery("websocket", "websocket-stop", "stop", 500)
}

await run()
