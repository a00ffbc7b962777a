// A cluster node killed under its clients, in Chromium with the real
// phoenix_live_view client. Run by cmd/server's TestClusterNodeKilled
// against three movies server nodes behind a round-robin proxy (E2E_URL)
// with no stickiness.
//
// Six counter pages (/examples/counter?n=K, K distinct) are opened through
// the proxy, alternately over WebSocket and over LongPoll (the client's
// remembered fallback, with WebSockets blocked in the browser), and each
// is clicked to a known count. The node a page's live connection is on
// comes from the browser's own traffic: the X-Golive-Node header of the
// WebSocket handshake response (read through the Chrome DevTools
// Protocol), or the node id a LongPoll session's token starts with (the
// node holding the session, whichever node answers each request). Pages
// are reloaded (bounded) until one node holds at least one WebSocket page
// and two LongPoll pages; that node is killed with SIGKILL (POST /kill).
//
// Then, for every page, within 10 s of the kill: the main view is
// connected again on the same transport, shows the server's state (the
// count it had, or 0 when it was mounted afresh on another node: views
// live per connection) and a click is answered with the next value; the
// n from its URL survives. After a few seconds more, each page sent at
// most 3 joins since the kill, is on a surviving node, and the LongPoll
// pages never tried a WebSocket. The survivors' gauges (GET /gauges) show
// every page's view.
//
// E2E_PAGES_PER_TRANSPORT (default 3) sets the number of pages of each
// transport.
//
// Control server (the Go test):
//   GET  /nodes       [{name, id}] of the running nodes
//   POST /kill?node=N SIGKILL node N, back once it is gone
//   GET  /gauges      {node: {WebSockets, LongPollSessions, Channels, Views}}
import { assert, control, env, launchBrowser, newPage, run, setup, sleep, test, waitFor } from "./lib.mjs"
import { banner, connected, Traffic } from "./failures_lib.mjs"

const base = env("E2E_URL")
const perTransport = Number(env("E2E_PAGES_PER_TRANSPORT", "3"))
const boundMs = 10000 // issue #8: remounted within 10 s of the kill
const maxJoins = 3 // "no more than a few join attempts each"
const settleMs = 3000 // watched after the last remount, for late join storms

const browser = await setup("launch Chromium", () => launchBrowser())
const nodeNames = await setup("the nodes' ids", async () => new Map((await control.get("/nodes")).map((n) => [n.id, n.name])))

const norm = (s) => (s ?? "").replace(/\s+/g, " ").trim()

async function expectText(page, sel, want, timeout) {
  let last
  try {
    await waitFor(
      `${sel} = ${want}`,
      async () => {
        const el = await page.$(sel)
        last = el ? norm(await el.textContent()) : "<no element>"
        return want instanceof RegExp ? want.test(last) : last === want
      },
      { timeout },
    )
  } catch (e) {
    assert.fail(`${sel}: ${JSON.stringify(last)}, want ${want} (${e.message})`)
  }
}

const short = { websocket: "ws", longpoll: "lp" }

class CounterPage {
  constructor(transport, k) {
    this.transport = transport
    this.n = k
    this.name = `${short[transport]}${k}`
    this.clicks = 1 + (k % 3) // the count it is clicked to
    this.count = 0
    this.handshakes = [] // WebSocket: the node that answered each handshake
    this.sessions = [] // LongPoll: the node holding the session of each request
    this.wsAttempts = 0
    this.lpAfterKill = [] // LongPoll answers since the kill: how the page learnt
  }

  async open() {
    const page = (this.page = await newPage(browser, this.name))
    this.traffic = new Traffic(page)
    if (this.transport === "longpoll") {
      await page.addInitScript(() => sessionStorage.setItem("phx:fallback:LongPoll", "true"))
      await page.routeWebSocket(/\/live\//, (ws) => {
        this.wsAttempts++
        ws.close({ code: 1011, reason: "blocked by the test" })
      })
    }
    // Playwright shows no WebSocket handshake headers; the DevTools
    // protocol does.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send("Network.enable")
    cdp.on("Network.webSocketHandshakeResponseReceived", ({ response }) => {
      const h = Object.entries(response.headers || {}).find(([k]) => k.toLowerCase() === "x-golive-node")
      this.handshakes.push(h ? h[1].split("\n")[0] : null)
    })
    page.on("request", (r) => {
      const u = new URL(r.url())
      const token = u.pathname.endsWith("/live/longpoll") ? u.searchParams.get("token") || "" : ""
      // node id "~" socket id "." MAC; the first request has no token yet.
      if (token.includes("~")) {
        const id = token.slice(0, token.indexOf("~"))
        this.sessions.push(nodeNames.get(id) ?? `unknown node id ${id}`)
      }
    })
    // How a LongPoll page learns its session died: the proxy's 502 for a
    // poll held by the dead node itself, or a surviving node's 410
    // ("session gone") for a poll it was forwarding there.
    page.on("response", async (r) => {
      if (!killedAt || this.lpAfterKill.length >= 4 || !r.url().includes("/live/longpoll")) return
      const req = r.request()
      const entry = `${req.method()} ${r.status()}`
      const i = this.lpAfterKill.push(entry) - 1
      const body = await r.json().catch(() => null)
      if (body && body.status) {
        // 410 answers a token-less poll with a new session's token, and a
        // poll with a token whose session is gone.
        const gone = body.status === 410 ? (new URL(req.url()).searchParams.get("token") ? " session gone" : " new session") : ""
        this.lpAfterKill[i] = `${entry}/${body.status}${gone}`
      }
    })
    await page.goto(`${base}/examples/counter?n=${this.n}`)
    await this.prepare()
  }

  // prepare waits for the freshly loaded page to connect and clicks it to
  // its count.
  async prepare() {
    assert.equal(await connected(this.page, { timeout: 15000 }), this.transport, `${this.name}: transport in use`)
    await expectText(this.page, "#summary", new RegExp(`^n = ${this.n}, shown = ${this.n} `), 5000)
    this.count = 0
    await expectText(this.page, "#count", "0", 5000)
    for (let i = 0; i < this.clicks; i++) {
      await this.page.click("#inc")
      await expectText(this.page, "#count", String(++this.count), 5000)
    }
    await this.page.evaluate(() => (window.__e2eMarker = "kept"))
  }

  async reload() {
    await this.page.reload()
    await this.prepare()
  }

  // node is the node the live connection is on now, as far as the
  // browser's traffic says.
  node() {
    const l = this.transport === "websocket" ? this.handshakes : this.sessions
    return l.length ? l[l.length - 1] : null
  }

  joinsSinceKill() {
    return this.traffic.joins.slice(this.before.joins)
  }
}

const pages = []
let target // the node to kill
let killedAt // Date.now() when the kill was asked for

const placement = () => pages.map((p) => `${p.name}@${p.node()}`).join(" ")

test(`open ${2 * perTransport} counter pages through the proxy, half over LongPoll (WebSocket blocked)`, async () => {
  for (let k = 1; k <= 2 * perTransport; k++) {
    const p = new CounterPage(k % 2 ? "websocket" : "longpoll", k)
    await p.open()
    pages.push(p)
  }
  for (const p of pages) assert.ok(p.node() && !p.node().startsWith("unknown"), `${p.name}: its node is known (${placement()})`)
  console.log(`    (pages: ${placement()})`)
}, { timeout: 90000 })

// Two LongPoll pages on the node to kill make it likely (8 in 9) that one
// of them has its held poll forwarded by a surviving node when the owner
// dies, besides the poll the proxy sends to the dead node itself.
const wantOnTarget = { websocket: 1, longpoll: Math.min(2, perTransport) }

test(`one node holds ≥ ${wantOnTarget.websocket} WebSocket and ≥ ${wantOnTarget.longpoll} LongPoll pages (reloading pages until it does)`, async () => {
  const byNode = () => {
    const m = new Map()
    for (const p of pages) {
      if (!m.has(p.node())) m.set(p.node(), { websocket: 0, longpoll: 0 })
      m.get(p.node())[p.transport]++
    }
    // The most crowded node first.
    return [...m].sort(([, a], [, b]) => b.websocket + b.longpoll - (a.websocket + a.longpoll))
  }
  let reloads = 0
  for (;;) {
    const [node, c] = byNode()[0]
    const lacking = ["websocket", "longpoll"].find((tr) => c[tr] < wantOnTarget[tr])
    if (!lacking) {
      target = node
      break
    }
    assert.ok(reloads < 40, `after ${reloads} reloads no node holds enough pages: ${placement()}`)
    // Reload a page of the transport the most crowded node lacks, for the
    // round robin to put it there. A reload makes the same requests each
    // time, so without a shift its connection would land where the last
    // one did, reload after reload (CI once saw 19 in a row miss): 0 to 2
    // requests sent first, at random, make each reload land on any node
    // alike.
    for (let i = Math.floor(Math.random() * 3); i > 0; i--) {
      const r = await fetch(`${base}/healthz`)
      await r.arrayBuffer()
    }
    await pages.find((p) => p.transport === lacking && p.node() !== node).reload()
    reloads++
  }
  console.log(`    (killing ${target} after ${reloads} reloads; pages: ${placement()})`)
}, { timeout: 90000 })

test("SIGKILL the node", async () => {
  for (const p of pages) p.before = { node: p.node(), count: p.count, joins: p.traffic.joins.length }
  killedAt = Date.now()
  const r = await control.post(`/kill?node=${target}`)
  assert.equal(r.killed, target)
  console.log(`    (${target} killed and gone after ${r.ms} ms)`)
})

// A LongPoll request in flight through the dead node fails as the node's
// connections reset: before Kill returns, in practice. Pages that were not
// on the killed node are looked at this long after the kill, so that such
// a page has started its rejoin before the test clicks (a click racing the
// failure is buffered by the channel and answered by the new view, and
// the count the test expects would be off by one).
const graceMs = 1000

// left is how long the recovery may still take before the test gives up
// (twice the bound, so that a slow page reports its real time).
const left = () => Math.max(1000, killedAt + 2 * boundMs - Date.now())

// settle waits until p's main view is connected on its transport and no
// join of it is waiting for its reply.
async function settle(p) {
  const pending = () => p.joinsSinceKill().some((j) => j.status === null)
  for (;;) {
    assert.equal(await connected(p.page, { timeout: left() }), p.transport, `${p.name}: transport in use`)
    if (!pending()) return
    await waitFor(`${p.name}: its join's reply`, () => !pending(), { timeout: left() })
  }
}

// stableCount is #count once it has held still for a second.
async function stableCount(p) {
  let last
  let since = Date.now()
  const { count } = await waitFor(
    `${p.name}: #count to hold still`,
    async () => {
      const c = norm(await p.page.textContent("#count"))
      if (c !== last) [last, since] = [c, Date.now()]
      return Date.now() - since >= 1000 && /^\d+$/.test(c) && { count: Number(c) }
    },
    { timeout: left(), interval: 100 },
  )
  return count
}

// recover waits until p is connected again and a click round-trips, and
// returns how long after the kill that was.
async function recover(p) {
  const remounted = () => p.joinsSinceKill().some((j) => j.status === "ok")
  if (p.before.node === target) {
    await waitFor(`${p.name}: a successful join after the kill`, remounted, { timeout: left() })
  } else {
    await sleep(killedAt + graceMs - Date.now())
  }
  let clicked = false
  for (let attempt = 1; ; attempt++) {
    await settle(p)
    const joins = p.joinsSinceKill().length
    let outcome
    try {
      let c
      if (!clicked) {
        // What the server holds: the count the page had, or 0 for a view
        // mounted afresh (on another node, or on its own after a LongPoll
        // request in flight through the dead node failed).
        c = remounted() ? 0 : p.before.count
        await expectText(p.page, "#count", String(c), 3000)
      } else {
        // Our click may have been buffered across the rejoin and be
        // answered by the new view: take the count once it holds still.
        c = await stableCount(p)
      }
      await p.page.click("#inc", { timeout: 3000 })
      clicked = true
      outcome = await waitFor(
        `${p.name}: #count ${c + 1}`,
        async () => {
          if (p.joinsSinceKill().length !== joins) return "rejoined"
          return norm(await p.page.textContent("#count")) === String(c + 1) && "ok"
        },
        { timeout: left() },
      )
      if (outcome === "ok") p.count = c + 1
    } catch (e) {
      if (p.joinsSinceKill().length === joins) throw e
      outcome = "rejoined"
    }
    if (outcome === "ok") break
    // Rejoined meanwhile (a LongPoll request through the dead node failed
    // late): look again at the new view.
    assert.ok(attempt < 3, `${p.name}: rejoined during each of ${attempt} attempts to click`)
  }
  await expectText(p.page, "#summary", new RegExp(`^n = ${p.n}, shown = ${p.n} `), 3000)
  return Date.now() - killedAt
}

test(`every page is mounted again within ${boundMs / 1000} s of the kill, with at most ${maxJoins} joins each`, async () => {
  const results = await Promise.all(pages.map((p) => recover(p).then((ms) => ({ ms }), (error) => ({ error }))))
  await sleep(settleMs)
  const problems = []
  for (const [i, p] of pages.entries()) {
    const { ms, error } = results[i]
    const joins = p.joinsSinceKill()
    const after = p.node()
    const line =
      `${p.name} (${p.transport}): node ${p.before.node} → ${after}, ` +
      (error ? `NOT remounted (${error.message.split("\n")[0]})` : `click answered ${ms} ms after the kill`) +
      `, joins since the kill ${joins.length} [${joins.map((j) => `${j.status ?? "no reply"}@${p.traffic.t0 + j.at - killedAt}ms`).join(" ")}], count ${p.before.count} → ${p.count}` +
      (p.transport === "longpoll" ? `, first LongPoll answers since the kill [${p.lpAfterKill.join(", ")}]` : "")
    console.log(`    (${line})`)
    if (error) problems.push(line)
    else if (ms > boundMs) problems.push(`${line}: over ${boundMs} ms`)
    if (joins.length > maxJoins) problems.push(`${line}: more than ${maxJoins} joins (${p.traffic.summary()})`)
    if (after === target) problems.push(`${line}: still on the killed node`)
    if (p.before.node === target && !joins.some((j) => j.status === "ok")) problems.push(`${line}: no successful join`)
    if (p.wsAttempts) problems.push(`${line}: tried ${p.wsAttempts} WebSockets`)
    if (!error) {
      try {
        assert.equal(await connected(p.page, { timeout: 2000 }), p.transport)
        assert.equal(norm(await p.page.textContent("#count")), String(p.count), "#count (a click applied twice?)")
        await waitFor("no diagnostics banner", async () => (await banner(p.page)) === null, { timeout: 3000 })
        assert.equal(await p.page.evaluate(() => window.__e2eMarker), "kept", "the page was not reloaded")
      } catch (e) {
        problems.push(`${line}: after ${settleMs} ms more: ${e.message.split("\n")[0]}`)
      }
    }
  }
  assert.deepEqual(problems, [])
}, { timeout: 60000 })

test("the surviving nodes hold every page's view", async () => {
  const g = await control.get("/gauges")
  console.log(`    (gauges: ${JSON.stringify(g)})`)
  assert.ok(!(target in g), `${target} answers /metrics after SIGKILL`)
  const total = (k) => Object.values(g).reduce((s, n) => s + n[k], 0)
  // At least: LongPoll sessions the pages abandoned linger until they expire.
  assert.ok(total("Views") >= pages.length, `views ${total("Views")}, pages ${pages.length}`)
  assert.ok(total("WebSockets") >= perTransport, `WebSockets ${total("WebSockets")}`)
  assert.ok(total("LongPollSessions") >= perTransport, `LongPoll sessions ${total("LongPollSessions")}`)
})

await run()
