// Nested live views (/examples/nested: live.Render children, a sticky
// child, SendParent/SendChild) with the real client of one line in
// Chromium, over WebSocket then LongPoll (cmd/server/nested_e2e_test.go).
import { assert, control, env, launchBrowser, run, test, waitFor } from "./lib.mjs"
import { Live } from "./live_lib.mjs"

const base = env("E2E_URL")
const line = env("E2E_CLIENT_LINE")
const vsn = env("E2E_CLIENT_VSN")

const browser = await launchBrowser()
const live = new Live(browser, { base, vsn })

for (const transport of ["websocket", "longpoll"]) {
  const label = `${line}/${transport}`
  test(`${label}: children render, update alone, talk, crash alone, sticky survives`, async () => {
    await control.post(`/phase?name=${transport}`)
    await live.withPage(transport, `${label}-nested`, "/examples/nested", async (p) => {
      await p.connected()
      await waitFor("the parent and three children connected", () => p.page.evaluate(() => document.querySelectorAll("[data-phx-session].phx-connected").length === 4))
      await p.expectText("#child-a-box h2", "Child A")
      await p.expectText("#child-b-box h2", "Child B")
      await p.expectText("#sticky-count", "0")
      // The server's gauges, sampled here and again after the navigation.
      await control.post(`/check?name=${transport}`)

      await p.page.click("#parent-inc")
      await p.expectText("#parent-count", "1")
      await p.page.click("#child-a-inc")
      await p.page.click("#child-a-inc")
      await p.expectText("#child-a-count", "2")
      await p.page.click("#child-b-inc")
      await p.expectText("#child-b-count", "1")
      await p.page.click("#sticky-inc")
      await p.expectText("#sticky-count", "1")
      assert.equal(await p.text("#parent-count"), "1")
      assert.equal(await p.text("#child-a-count"), "2")

      // child → parent
      await p.page.click("#child-a-hello")
      await p.expectText("#parent-message", "A says hello at 2")
      assert.equal(await p.text("#child-a-count"), "2")

      // a child crash: only that child restarts (the client rejoins it)
      await p.page.click("#child-b-crash")
      await p.expectText("#child-b-count", "0", { timeout: 10000 })
      await waitFor("child B rejoined", () => p.page.evaluate(() => document.getElementById("child-b").classList.contains("phx-connected")), { timeout: 10000 })
      assert.equal(await p.text("#child-a-count"), "2")
      assert.equal(await p.text("#parent-count"), "1")
      assert.equal(await p.text("#sticky-count"), "1")
      await p.page.click("#child-b-inc")
      await p.expectText("#child-b-count", "1")
      await p.page.click("#parent-inc")
      await p.expectText("#parent-count", "2")

      // parent → children
      await p.page.click("#parent-reset")
      await p.expectText("#parent-resets", "1")
      await p.expectText("#child-a-count", "0")
      await p.expectText("#child-b-count", "0")

      // live navigation: the sticky child keeps its state, the others end
      await p.page.click("#nav-nested2")
      await p.expectText("#nested2-title", "Nested views, page 2")
      await p.expectText("#sticky-count", "1")
      assert.equal(await p.page.$$eval("#child-a, #child-b", (els) => els.length), 0)
      await p.page.click("#sticky-inc")
      await p.expectText("#sticky-count", "2")
      await waitFor("parent 2 and the sticky child live on the server", async () => (await control.get("/views")).views === 2)
      await control.post(`/check?name=${transport}`)
    })
  }, { timeout: 60000 })
}

await run()
