// The status app as a cluster, in Chromium with the real 1.2 client: run
// by cmd/status's TestStatusCluster (see its file comment), which starts
// three status nodes on one PostgreSQL. Only node1 can see stand-in A's
// services (the one the test changes); node2 and node3 are configured with
// stand-in B (a single service, "b-local"). This script opens the status
// page on node2 over WebSocket and on node3 over LongPoll, directly (no
// proxy), and checks that node1's updates reach both, that the
// connections are where they should be (the Go test reads every node's
// /metrics), and that both pages stay live when node1 is killed.
//
// Environment (besides lib.mjs's):
//   E2E_NODE2_URL, E2E_NODE3_URL  the nodes' own base URLs
//   E2E_CLIENT_VSN                the bundle's phoenix_live_view version
import { assert, control, env, launchBrowser, newPage, run, setup, test } from "./lib.mjs"
import { LivePage } from "./live_lib.mjs"

const nodes = { node2: env("E2E_NODE2_URL"), node3: env("E2E_NODE3_URL") }
const live = { vsn: env("E2E_CLIENT_VSN"), debug: process.env.E2E_DEBUG === "1" }

const browser = await setup("launch Chromium", () => launchBrowser())

// open loads the status page on a node in a fresh browser context, on
// transport, and waits until it is connected. Every socket request the
// page makes is recorded, to check that they all go to that node.
async function open(node, transport) {
  const base = nodes[node]
  const page = await newPage(browser, `${node}/${transport}`)
  const p = new LivePage(live, page, transport)
  p.node = node
  p.socketRequests = []
  // LongPoll requests are requests; a WebSocket is reported apart.
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/live/")) p.socketRequests.push(r.url())
  })
  page.on("websocket", (w) => p.socketRequests.push(w.url()))
  await page.addInitScript((lp) => {
    // The client's own memory of a LongPoll fallback: it connects with
    // LongPoll at once.
    if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
  }, transport === "longpoll")
  const res = await page.goto(base + "/")
  assert.equal(res.status(), 200, `GET ${base}/`)
  assert.equal(res.headers()["x-golive-node"], node, "the node that served the page")
  await p.connected()
  return p
}

// onlyTo checks that every socket request of p went to its own node.
function onlyTo(p) {
  assert.ok(p.socketRequests.length > 0, `${p.node}: no socket request recorded`)
  const base = nodes[p.node]
  const stray = p.socketRequests.filter((u) => !(u.startsWith(base + "/") || u.startsWith(base.replace("http", "ws") + "/")))
  assert.deepEqual(stray, [], `${p.node}: socket requests to another address`)
}

let ws, lp

test(
  "pages on node2 (WebSocket) and node3 (LongPoll) show node1's checks",
  async () => {
    ws = await open("node2", "websocket")
    lp = await open("node3", "longpoll")
    for (const p of [ws, lp]) {
      // A's list, published by node1 (every 300 ms).
      await p.expectText("#service-api .state", "up", { timeout: 10000 })
      await p.expectText("#service-scheduler .state", "degraded")
      assert.equal(await p.page.$("#service-b-local"), null, `${p.node} shows B's service`)
      await p.setMarker()
    }
    const m = await control.post("/check")
    console.log(`metrics while connected: ${JSON.stringify(m)}`)
  },
  { timeout: 40000 },
)

test(
  "a service going down on node1's API reaches both pages within 5 s",
  async () => {
    await control.post("/services?set=api:down,worker:up,scheduler:degraded,cache:up")
    const t0 = Date.now()
    const took = {}
    await Promise.all(
      [ws, lp].map(async (p) => {
        await p.expectText("#service-api .state", "down", { timeout: 5000 })
        took[p.node] = Date.now() - t0
        await p.expectText("#service-api .error", "api is down")
        await p.expectText("#service-cache .state", "up")
        assert.ok((await p.page.getAttribute("#service-api", "class")).includes("state-down"))
      }),
    )
    console.log(`shown after: node2 (WebSocket) ${took.node2} ms, node3 (LongPoll) ${took.node3} ms`)
    for (const p of [ws, lp]) {
      // Each node also keeps what it received as its last known state:
      // a new visitor's first (dead) render shows it.
      const html = await (await fetch(nodes[p.node] + "/")).text()
      assert.ok(/<tr id="service-api" class="state-down">/.test(html), `${p.node}'s dead render after the change`)
      await p.expectMarker(true) // a live update, not a reload
      assert.equal(await p.transportInUse(), p.transport, `${p.node}: transport`)
      onlyTo(p)
    }
    await control.post("/check")
  },
  { timeout: 20000 },
)

test(
  "node1 killed: the pages on node2 and node3 stay connected",
  async () => {
    const m = await control.post("/kill")
    console.log(`metrics after node1's kill: ${JSON.stringify(m)}`)
    for (const p of [ws, lp]) {
      await p.connected()
      await p.expectMarker(true)
      await p.expectText("#service-api .state", "down")
      onlyTo(p)
    }
    // Still connected a little later (a LongPoll cycle included).
    await new Promise((r) => setTimeout(r, 1500))
    for (const p of [ws, lp]) await p.connected()
    await control.post("/check")
  },
  { timeout: 40000 },
)

await run()
