// Helpers for the live view browser scripts (live_*.mjs): pages on a given
// transport, the connected state as the client sees it, and waiting
// assertions on rendered content. Built on lib.mjs.
import { isDeepStrictEqual } from "node:util"

import { assert, control, newPage, waitFor } from "./lib.mjs"

const norm = (s) => (s ?? "").replace(/\s+/g, " ").trim()

// Live opens pages against one server.
export class Live {
  constructor(browser, { base, vsn, debug = false }) {
    this.browser = browser
    this.base = base
    this.vsn = vsn
    this.debug = debug
  }

  // open loads path in a new browser context (fresh cookies and
  // sessionStorage) on transport ("websocket" or "longpoll") and waits
  // until the view is connected.
  async open(transport, name, path) {
    const page = await newPage(this.browser, name)
    const p = new LivePage(this, page, transport)
    await page.addInitScript(
      ({ lp, debug }) => {
        // The client's own memory of a LongPoll fallback: it connects with
        // LongPoll at once, and keeps it for reconnects.
        if (lp) sessionStorage.setItem("phx:fallback:LongPoll", "true")
        if (debug) sessionStorage.setItem("phx:live-socket:debug", "true")
      },
      { lp: transport === "longpoll", debug: this.debug },
    )
    await page.goto(this.base + path)
    await p.connected()
    return p
  }

  // withPage runs fn with a page opened by open and closes it afterwards
  // (so its socket does not count in the next run's server stats).
  async withPage(transport, name, path, fn) {
    const p = await this.open(transport, name, path)
    try {
      await fn(p)
    } finally {
      await p.page.context().close()
    }
  }
}

export class LivePage {
  constructor(live, page, transport) {
    this.live = live
    this.page = page
    this.transport = transport
    this.loads = 0
    page.on("load", () => this.loads++)
  }

  // connected waits until the main view is joined (phx-connected) and the
  // socket is open, then checks the transport the client really uses and
  // the client version.
  async connected({ timeout = 8000 } = {}) {
    const info = await waitFor(
      `a connected live view on ${this.page.url()}`,
      () =>
        this.page.evaluate(() => {
          const ls = window.liveSocket
          const main = document.querySelector("[data-phx-main]")
          if (!ls || !main || !main.classList.contains("phx-connected") || !ls.isConnected()) return null
          const c = ls.getSocket().conn
          let transport = "unknown"
          if (c instanceof WebSocket) transport = "websocket"
          else if (c && "pollEndpoint" in c) transport = "longpoll"
          return { transport, vsn: ls.version() }
        }),
      { timeout },
    )
    if (this.live.debug) {
      // Every frame in and out, in full, to the console log.
      await this.page.evaluate(() => {
        const sock = window.liveSocket.getSocket()
        if (sock.__e2eLogged) return
        sock.__e2eLogged = true
        sock.logger = (kind, msg, data) => console.log(`${kind}: ${msg} ${JSON.stringify(data)}`)
      })
    }
    // transport null: whichever the client chose.
    if (this.transport) assert.equal(info.transport, this.transport, "transport in use")
    assert.equal(info.vsn, this.live.vsn, "client version")
    return info
  }

  // transportInUse is the client's current transport.
  async transportInUse() {
    return this.page.evaluate(() => {
      const c = window.liveSocket?.getSocket().conn
      if (c instanceof WebSocket) return "websocket"
      if (c && "pollEndpoint" in c) return "longpoll"
      return "none"
    })
  }

  // checkServerTransport has the Go test sample the socket server's gauges
  // while this page is connected (recorded for run) and checks them: the
  // page's transport is open on the server, the other one is not.
  async checkServerTransport(run) {
    const rec = await control.post(`/check?name=${run}`)
    const s = rec.Samples[rec.Samples.length - 1]
    if (this.transport === "websocket") {
      assert.ok(s.WebSockets > 0 && s.LongPollSessions === 0, `server stats: ${JSON.stringify(s)}`)
    } else {
      assert.ok(s.LongPollSessions > 0 && s.WebSockets === 0, `server stats: ${JSON.stringify(s)}`)
    }
  }

  // duplicateIds lists the element ids the document uses more than once.
  async duplicateIds() {
    return this.page.evaluate(() => {
      const seen = new Map()
      for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1)
      return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`)
    })
  }

  async text(sel) {
    return norm(await this.page.textContent(sel, { timeout: 5000 }))
  }

  // expectText waits until the first element matching sel has the text
  // want (whitespace-normalized), or matches want if it is a RegExp.
  async expectText(sel, want, { timeout = 5000 } = {}) {
    let last
    const ok = (t) => (want instanceof RegExp ? want.test(t) : t === want)
    try {
      await waitFor(
        `${sel} text ${want}`,
        async () => {
          const el = await this.page.$(sel)
          last = el ? norm(await el.textContent()) : "<no element>"
          return ok(last)
        },
        { timeout },
      )
    } catch (e) {
      assert.fail(`${sel}: text ${JSON.stringify(last)}, want ${want instanceof RegExp ? want : JSON.stringify(want)} (${e.message})`)
    }
  }

  // expectList waits until the elements matching sel have exactly these
  // texts and, if given, these ids.
  async expectList(sel, texts, ids, { timeout = 5000 } = {}) {
    let last
    try {
      await waitFor(
        `${sel} list`,
        async () => {
          last = await this.page.$$eval(sel, (els) => els.map((e) => ({ id: e.id, text: e.textContent })))
          last = last.map((x) => ({ id: x.id, text: norm(x.text) }))
          return (
            isDeepStrictEqual(
              last.map((x) => x.text),
              texts,
            ) &&
            (!ids ||
              isDeepStrictEqual(
                last.map((x) => x.id),
                ids,
              ))
          )
        },
        { timeout },
      )
    } catch (e) {
      assert.fail(`${sel}: got ${JSON.stringify(last)}, want texts ${JSON.stringify(texts)}${ids ? ` ids ${JSON.stringify(ids)}` : ""} (${e.message})`)
    }
  }

  async expectCount(sel, n, { timeout = 5000 } = {}) {
    let last
    try {
      await waitFor(`${n} × ${sel}`, async () => (last = (await this.page.$$(sel)).length) === n, { timeout })
    } catch (e) {
      assert.fail(`${sel}: ${last} elements, want ${n} (${e.message})`)
    }
  }

  // expectURL waits until the page's path and query are want.
  async expectURL(want, { timeout = 5000 } = {}) {
    let last
    try {
      await waitFor(
        `URL ${want}`,
        () => {
          const u = new URL(this.page.url())
          last = u.pathname + u.search
          return last === want
        },
        { timeout },
      )
    } catch (e) {
      assert.fail(`URL ${last}, want ${want} (${e.message})`)
    }
  }

  async expectTitle(want, { timeout = 5000 } = {}) {
    let last
    try {
      await waitFor(`title ${want}`, async () => (last = await this.page.title()) === want, { timeout })
    } catch (e) {
      assert.fail(`document.title ${JSON.stringify(last)}, want ${JSON.stringify(want)} (${e.message})`)
    }
  }

  // setMarker sets a window property that only a full page load removes.
  async setMarker() {
    this.marker = `m${Date.now()}${Math.random()}`
    await this.page.evaluate((m) => {
      window.__e2eMarker = m
    }, this.marker)
  }

  // expectMarker checks that the marker survived (alive: no page load
  // since setMarker) or is gone (a full page load happened).
  async expectMarker(alive) {
    if (alive) {
      const m = await this.page.evaluate(() => window.__e2eMarker)
      assert.equal(m, this.marker, "window marker (a page load happened)")
    } else {
      await waitFor("the window marker to be gone (full page load)", () =>
        this.page.evaluate((m) => window.__e2eMarker !== m, this.marker).catch(() => false),
      )
    }
  }
}
