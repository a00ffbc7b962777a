// Helpers for the mount-failure scripts (failures_*.mjs): Chromium with
// extra flags, the traffic a page sends and receives on the live socket
// (join payloads with _mounts and _mount_attempts, socket URLs, replies,
// page loads), and what the person sees (the diagnostics banner, the
// view's error state, the progress bar). Built on lib.mjs.
import { assert, chromiumArgs, env, newPage, onCleanup, waitFor } from "./lib.mjs"

// launchWith starts Chromium like lib.launchBrowser, with extra flags
// (e.g. --host-resolver-rules).
export async function launchWith(extraArgs = []) {
  const { chromium } = await import("playwright-core")
  const browser = await chromium.launch({
    executablePath: env("CHROMIUM_PATH", "/usr/bin/chromium"),
    args: [...chromiumArgs, ...extraArgs],
    timeout: 30000,
  })
  onCleanup(() => browser.close())
  return browser
}

const num = (v) => (v === null || v === undefined ? null : Number(v))

// Traffic records what one page (across its reloads) sent and received on
// the live socket, as the browser's network stack saw it: every phx_join
// payload's _mounts and _mount_attempts with the reply it got, every
// socket URL (which also carries _mounts and _mount_attempts, as of the
// last join payload built), and the page's document loads.
export class Traffic {
  constructor(page) {
    this.page = page
    this.t0 = Date.now()
    this.joins = [] // {transport, topic, ref, mounts, attempts, status, reason, at}
    this.sockets = [] // {transport, method, mounts, attempts, token, at}
    this.loads = [] // URLs of main-frame document requests
    this.lpPosts = 0
    page.on("request", (r) => this.onRequest(r))
    page.on("response", (r) => this.onResponse(r))
    page.on("websocket", (ws) => this.onWebSocket(ws))
  }

  onRequest(r) {
    if (r.isNavigationRequest() && r.frame() === this.page.mainFrame()) this.loads.push(r.url())
    const u = new URL(r.url())
    if (!u.pathname.endsWith("/live/longpoll")) return
    this.sockets.push(this.socketRecord("longpoll", r.method(), u))
    if (r.method() === "POST") {
      this.lpPosts++
      for (const line of (r.postData() || "").split("\n")) this.onFrame("longpoll", line, "out")
    }
  }

  async onResponse(r) {
    const u = new URL(r.url())
    if (!u.pathname.endsWith("/live/longpoll") || r.request().method() !== "GET") return
    try {
      const body = await r.json()
      for (const m of body.messages || []) this.onFrame("longpoll", m, "in")
    } catch (_e) {
      // the page went away, or not JSON
    }
  }

  onWebSocket(ws) {
    this.sockets.push(this.socketRecord("websocket", "GET", new URL(ws.url())))
    ws.on("framesent", (f) => this.onFrame("websocket", f.payload, "out"))
    ws.on("framereceived", (f) => this.onFrame("websocket", f.payload, "in"))
  }

  socketRecord(transport, method, u) {
    const q = u.searchParams
    return {
      transport,
      method,
      mounts: num(q.get("_mounts")),
      attempts: num(q.get("_mount_attempts")),
      token: q.get("token") || "",
      at: Date.now() - this.t0,
    }
  }

  onFrame(transport, data, dir) {
    if (typeof data !== "string" || data === "") return
    let m
    try {
      m = JSON.parse(data)
    } catch (_e) {
      return
    }
    if (!Array.isArray(m) || m.length !== 5) return
    const [, ref, topic, event, payload] = m
    if (typeof topic !== "string" || !topic.startsWith("lv:")) return
    if (dir === "out" && event === "phx_join") {
      const p = (payload && payload.params) || {}
      this.joins.push({
        transport,
        topic,
        ref,
        mounts: p._mounts,
        attempts: p._mount_attempts,
        status: null,
        reason: null,
        at: Date.now() - this.t0,
      })
    } else if (dir === "in" && event === "phx_reply") {
      const j = this.joins.find((j) => j.topic === topic && j.ref === ref && j.status === null)
      if (j) {
        j.status = payload.status
        j.reason = (payload.response && payload.response.reason) || null
      }
    }
  }

  okJoins() {
    return this.joins.filter((j) => j.status === "ok")
  }

  // summary is a one-line account for the test log.
  summary() {
    const joins = this.joins
      .map((j) => `${j.transport[0]}:${j.mounts}/${j.attempts}→${j.status ?? "-"}${j.reason ? `(${j.reason})` : ""}@${j.at}`)
      .join(" ")
    const socks = this.sockets.map((s) => `${s.transport[0]}${s.method === "POST" ? "P" : ""}:${s.mounts}/${s.attempts}`).join(" ")
    return `loads=${this.loads.length} joins[_mounts/_mount_attempts→reply]=[${joins}] socketURLs=[${socks}]`
  }

  // checkMountCounters checks every join payload against the client's
  // documented counters, per view (topic): _mounts is the number of
  // successful joins before it, _mount_attempts the number of joins sent
  // since the last success (reset to 0 by a success).
  checkMountCounters() {
    const byTopic = new Map()
    for (const j of this.joins) {
      if (!byTopic.has(j.topic)) byTopic.set(j.topic, [])
      byTopic.get(j.topic).push(j)
    }
    for (const [topic, joins] of byTopic) {
      let ok = 0
      let since = 0
      for (const j of joins) {
        assert.equal(j.mounts, ok, `${topic}: _mounts of join #${joins.indexOf(j) + 1} (${this.summary()})`)
        assert.equal(j.attempts, since, `${topic}: _mount_attempts of join #${joins.indexOf(j) + 1} (${this.summary()})`)
        if (j.status === "ok") {
          ok++
          since = 0
        } else {
          since++
        }
      }
    }
  }
}

// open loads path in a new browser context on transport ("websocket": the
// client's default; "longpoll": the client's own remembered fallback, set
// in sessionStorage before the page loads) and records its traffic. It
// does not wait for the connection.
export async function open(browser, base, transport, name, path) {
  const page = await newPage(browser, name)
  const traffic = new Traffic(page)
  await page.addInitScript((lp) => {
    if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
  }, transport === "longpoll")
  await page.goto(base + path)
  return { page, traffic }
}

// connected waits until the main view is joined and the socket open, and
// returns the transport in use.
export async function connected(page, { timeout = 10000 } = {}) {
  return waitFor(
    `a connected live view on ${page.url()}`,
    () =>
      page.evaluate(() => {
        const ls = window.liveSocket
        const main = document.querySelector("[data-phx-main]")
        if (!ls || !main || !main.classList.contains("phx-connected") || !ls.isConnected()) return null
        const c = ls.getSocket().conn
        if (c instanceof WebSocket) return "websocket"
        if (c && "pollEndpoint" in c) return "longpoll"
        return "unknown"
      }),
    { timeout },
  )
}

// banner is the diagnostics banner as the person sees it, or null.
export function banner(page) {
  return page.evaluate(() => {
    const el = document.getElementById("live-diagnostic")
    if (!el) return null
    const r = el.getBoundingClientRect()
    return { role: el.getAttribute("role"), cause: el.dataset.cause, text: el.textContent, visible: r.width > 0 && r.height > 0 }
  })
}

export async function waitBanner(page, { timeout = 10000 } = {}) {
  return waitFor("the diagnostics banner (#live-diagnostic)", () => banner(page), { timeout, interval: 50 })
}

// errorState is the view's own error state ([data-live-error]), or null.
export function errorState(page) {
  return page.evaluate(() => {
    const el = document.querySelector("[data-live-error]")
    if (!el) return null
    const retry = el.querySelector("#live-retry-in")
    const code = el.querySelector("code")
    return {
      kind: el.dataset.liveError,
      role: el.getAttribute("role"),
      text: el.textContent.replace(/\s+/g, " ").trim(),
      retryIn: retry ? Number(retry.textContent) : null,
      requestId: code ? code.textContent : null,
    }
  })
}

// progressHidden: the topbar (a canvas the client shows while loading) is
// absent or hidden.
export async function expectProgressHidden(page, { timeout = 3000 } = {}) {
  await waitFor(
    "the progress bar to be hidden",
    () =>
      page.evaluate(() => {
        const bars = [...document.querySelectorAll("body > canvas")]
        return bars.every((c) => c.hidden || getComputedStyle(c).display === "none" || Number(c.style.opacity) === 0)
      }),
    { timeout },
  )
}

// failureCounts reads golive_failures_total by cause from the app's
// /metrics (Prometheus exposition format).
export async function failureCounts(appURL) {
  const res = await fetch(appURL + "/metrics")
  assert.equal(res.status, 200, "/metrics status")
  const text = await res.text()
  const out = {}
  for (const m of text.matchAll(/^golive_failures_total\{cause="([^"]+)"\} (\S+)$/gm)) out[m[1]] = Number(m[2])
  return out
}
