// The refused-origin storm (see TestOriginStormLongPoll): the Go test's
// server allows only origin host "localhost"; its page at "/" connects a
// Phoenix.Socket forced onto LongPoll and joins "echo:storm" on load.
//
// 1. Load the page from http://127.0.0.1:PORT/ (origin refused) and leave
//    it alone for E2E_STORM_MS (10 s): count the LongPoll requests the
//    browser makes, then check the server created no session and received
//    no frame, and the client never opened.
// 2. Positive control: the same page from http://localhost:PORT/ joins,
//    and a push gets its reply.
//
// Prints "STORM {json}" with the measurements.
import { assert, control, env, launchBrowser, newPage, run, setup, sleep, test, waitFor } from "./lib.mjs"

const base = new URL(env("E2E_URL"))
const stormMs = Number(env("E2E_STORM_MS", "10000"))
const browser = await setup("launch Chromium", launchBrowser)

function watchLongPoll(page) {
  const seen = { get: 0, post: 0, other: 0, websockets: 0 }
  page.on("request", (r) => {
    if (new URL(r.url()).pathname !== "/socket/longpoll") return
    if (r.method() === "GET") seen.get++
    else if (r.method() === "POST") seen.post++
    else seen.other++
  })
  page.on("websocket", () => seen.websockets++)
  return seen
}

test(
  "refused origin over LongPoll: no session, no join, bounded retries",
  async () => {
    const page = await newPage(browser, "127.0.0.1 page")
    const seen = watchLongPoll(page)
    const t0 = Date.now()
    await page.goto(`http://127.0.0.1:${base.port}/`)
    await sleep(Math.max(0, stormMs - (Date.now() - t0)))
    const client = await page.evaluate(() => ({
      ...window.storm,
      connected: window.stormSocket.isConnected(),
      channelState: window.stormChannel.state,
      transport: window.stormSocket.transportName(window.stormSocket.transport),
    }))
    const elapsed = Date.now() - t0
    await page.close()
    const st = await control.get("/stats")
    const fromPage = st.requests.filter((r) => r.Source === `127.0.0.1:${base.port}`)
    const server = {
      requests: fromPage.length,
      sessionsCreated: fromPage.filter((r) => r.Method === "GET" && r.Status === 410).length,
      posts: fromPage.filter((r) => r.Method === "POST").length,
      refused: st.stats.Refused,
      framesIn: st.stats.FramesIn,
      liveSessions: st.stats.LongPollSessions,
      connects: st.connects[`127.0.0.1:${base.port}`] || 0,
    }
    console.log("STORM " + JSON.stringify({ elapsedMs: elapsed, browser: seen, client, server }))

    assert.equal(client.transport, "LongPoll")
    assert.equal(client.opens, 0, "the socket never opened")
    assert.equal(client.joinOk, 0, "the join never succeeded")
    assert.equal(client.connected, false)
    assert.equal(seen.websockets, 0, "no WebSocket attempts")
    assert.equal(seen.post, 0, "no POST (no join pushed)")
    assert.ok(seen.get >= 3, `the client kept retrying: ${seen.get} GETs`)
    assert.ok(seen.get < 30, `GETs in ${elapsed} ms: ${seen.get}, want < 30 (Phoenix: 568 sessions)`)
    assert.equal(server.sessionsCreated, 0, "LongPoll sessions created")
    assert.equal(server.connects, 0, "Connect hook calls")
    assert.equal(server.posts, 0, "POSTs reaching the server")
    assert.equal(server.framesIn, 0, "frames (joins) reaching the server")
    assert.equal(server.liveSessions, 0, "live LongPoll sessions")
    assert.ok(server.refused >= seen.get - 1, `server refusals ${server.refused} for ${seen.get} GETs`)
  },
  { timeout: stormMs + 30000 },
)

test("allowed origin (localhost) on the same server: joins and pings", async () => {
  const page = await newPage(browser, "localhost page")
  const seen = watchLongPoll(page)
  await page.goto(`http://localhost:${base.port}/`)
  await waitFor("the join to succeed", () => page.evaluate(() => window.storm.joinOk === 1), { timeout: 10000 })
  const reply = await page.evaluate(
    () =>
      new Promise((resolve) =>
        window.stormChannel
          .push("ping", { ok: true })
          .receive("ok", (r) => resolve({ status: "ok", r }))
          .receive("error", (r) => resolve({ status: "error", r }))
          .receive("timeout", () => resolve({ status: "timeout" })),
      ),
  )
  assert.deepEqual(reply, { status: "ok", r: { ok: true } })
  const client = await page.evaluate(() => window.storm)
  assert.equal(client.opens, 1, "one socket open")
  assert.equal(client.errors, 0, "no socket errors")
  assert.equal(seen.websockets, 0)
  const st = await control.get("/stats")
  assert.equal(st.stats.LongPollSessions, 1, "one live LongPoll session")
  assert.ok(st.stats.FramesIn >= 2, `frames in: ${st.stats.FramesIn} (join and ping)`)
  await page.close()
})

await run()
