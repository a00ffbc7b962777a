// The phoenix npm client in Chromium against the Go socket server: the
// test page (served by the Go test) loads /assets/phoenix.js, and the
// shared channel suite drives a Phoenix.Socket("/socket") in the page
// through page.evaluate.
//
// E2E_TRANSPORT: "websocket" (default) or "longpoll" (the Socket gets
// transport: Phoenix.LongPoll).
import { channelSuite, clientInPage } from "./channel_suite.mjs"
import { assert, env, launchBrowser, newPage, run, setup, test } from "./lib.mjs"

const transport = env("E2E_TRANSPORT", "websocket")
const url = env("E2E_URL")
const label = `browser-${transport}`
const socketRequests = { websocket: 0, longpoll: 0 }
const c = await setup("open the test page in Chromium", async () => {
  const browser = await launchBrowser()
  const page = await newPage(browser, label)
  // Playwright reports WebSocket handshakes as "websocket" events, XHRs as
  // "request" events.
  page.on("websocket", (w) => {
    if (new URL(w.url()).pathname === "/socket/websocket") socketRequests.websocket++
  })
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/socket/longpoll") socketRequests.longpoll++
  })
  await page.goto(url + "/")
  return clientInPage(page, {
    endpoint: "/socket",
    transport,
    params: { runtime: "chromium" },
    debug: process.env.E2E_DEBUG === "1",
  })
})
channelSuite(c, { transport, label })

test(`${label}: the page used only ${transport}`, async () => {
  const other = transport === "websocket" ? "longpoll" : "websocket"
  assert.ok(socketRequests[transport] > 0, `requests to /socket/${transport}: ${socketRequests[transport]}`)
  assert.equal(socketRequests[other], 0, `requests to /socket/${other}`)
})
await run()
