// The channel tests shared by channel_node.mjs (the phoenix client in Node)
// and channel_browser.mjs (the phoenix client in Chromium), run against the
// Go test's server, which mounts transport/echo on "echo:*" (see
// transport/e2e_test.go).
import { readFileSync } from "node:fs"
import { assert, control, onCleanup, test, waitFor } from "./lib.mjs"

// callable: the proxies below must not look like promises (awaiting one
// reads "then") or answer symbol lookups.
const callable = (method) => typeof method === "string" && method !== "then"

// clientDirect wraps a driver built by client.js in this process so that,
// like clientInPage, every method returns a promise.
export function clientDirect(driver) {
  return new Proxy(
    {},
    {
      get: (_, method) => (callable(method) ? async (...args) => driver[method](...args) : undefined),
    },
  )
}

// clientInPage loads client.js into page and returns a proxy whose methods
// run there (page.evaluate), so the suite drives the page's own phoenix.
export async function clientInPage(page, options) {
  const src = readFileSync(new URL("./client.js", import.meta.url), "utf8")
  await page.addScriptTag({ content: src })
  await page.evaluate((opts) => {
    window.e2eClient = window.E2EClient(window.Phoenix, opts)
  }, options)
  return new Proxy(
    {},
    {
      get: (_, method) =>
        callable(method)
          ? (...args) => page.evaluate(([m, a]) => window.e2eClient[m](...a), [method, args])
          : undefined,
    },
  )
}

function terminations(stats, topic) {
  return (stats.terminations || []).filter((t) => t.Topic === topic)
}

// quietFrames waits until the server's FramesIn stops changing for 150 ms
// and returns it.
async function quietFrames() {
  let last = -1
  return waitFor("the server's inbound frame count to settle", async () => {
    const n = (await control.get("/stats")).stats.FramesIn
    const settled = n === last
    last = n
    if (!settled) await new Promise((r) => setTimeout(r, 150))
    return settled ? { n } : null
  }).then((r) => r.n)
}

// channelSuite registers the tests. transport is "websocket" or "longpoll".
export function channelSuite(c, { transport, label }) {
  const ws = transport === "websocket"
  const room = `echo:room-${label}`
  const leaveTopic = `echo:leave-${label}`
  const denyTopic = `echo:deny-${label}`

  const restartCloseCodes = {}

  onCleanup(() => c.disconnectAll())

  test(`${label}: connects over ${transport}`, async () => {
    await c.connect("a", {})
    await waitFor("socket a to open", async () => (await c.socketState("a")).connected)
    const s = await c.socketState("a")
    assert.equal(s.transport, ws ? "WebSocket" : "LongPoll", "the socket's transport")
    assert.equal(s.connIsLongPoll, !ws, "socket.conn is a Phoenix.LongPoll")
    if (ws) assert.equal(s.connIsWebSocket, true, "socket.conn is a WebSocket")
    const { stats } = await control.get("/stats")
    // One client socket so far: exactly one server socket.
    assert.equal(stats.WebSockets, ws ? 1 : 0, "server WebSockets")
    assert.equal(stats.LongPollSessions, ws ? 0 : 1, "server LongPollSessions")
  })

  test(`${label}: join replies with the topic`, async () => {
    const r = await c.join("a", room, { hello: "world" })
    assert.deepEqual(r, { status: "ok", response: { topic: room } })
    assert.equal((await c.channelState("a", room)).state, "joined")
  })

  test(`${label}: push ping gets its payload back`, async () => {
    const payload = { n: 42, s: "héllo \u2028 \"quoted\" </script>", nested: { list: [1, 2.5, null, true] } }
    const r = await c.push("a", room, "ping", payload)
    assert.deepEqual(r, { status: "ok", response: payload })
  })

  test(`${label}: error reply`, async () => {
    const r = await c.push("a", room, "fail", {})
    assert.deepEqual(r, { status: "error", response: { reason: "failed" } })
  })

  test(`${label}: server push`, async () => {
    const r = await c.push("a", room, "push", { x: 1 })
    assert.deepEqual(r, { status: "ok", response: {} })
    const ev = await waitFor("the pushed event", async () =>
      (await c.events("a", room)).find((e) => e.event === "pushed"),
    )
    assert.deepEqual(ev.payload, { x: 1 })
  })

  test(`${label}: broadcast reaches a second client`, async () => {
    await c.connect("b", {})
    const r = await c.join("b", room, {})
    assert.equal(r.status, "ok", `second client's join: ${JSON.stringify(r)}`)
    await c.cast("a", room, "shout", { from: "a", n: 7 })
    for (const who of ["b", "a"]) {
      const ev = await waitFor(`the shout on ${who}`, async () =>
        (await c.events(who, room)).find((e) => e.event === "shout"),
      )
      assert.deepEqual(ev.payload, { from: "a", n: 7 })
    }
  })

  test(`${label}: leave`, async () => {
    assert.equal((await c.join("a", leaveTopic, {})).status, "ok")
    const r = await c.leave("a", leaveTopic)
    assert.equal(r.status, "ok", `leave reply ${JSON.stringify(r)}`)
    assert.equal((await c.channelState("a", leaveTopic)).state, "closed")
    const t = await waitFor("the server's Terminate for the left channel", async () =>
      terminations(await control.get("/stats"), leaveTopic)[0],
    )
    assert.equal(t.Reason, "client left")
  })

  test(`${label}: join denied`, async () => {
    const r = await c.join("a", denyTopic, { deny: true })
    assert.deepEqual(r, { status: "error", response: { reason: "denied" } })
    assert.equal((await c.channelState("a", denyTopic)).state, "errored")
    // Stop the client's rejoin timer.
    await c.leave("a", denyTopic)
  })

  if (ws) {
    // A socket of its own: phoenix.js treats a heartbeat reply later than
    // heartbeatIntervalMs as a dead connection and reconnects, which at 200
    // ms a loaded machine can cause; that must not disturb the other tests.
    test(`${label}: heartbeats every 200 ms are answered`, async () => {
      await c.connect("hb", { heartbeatIntervalMs: 200 })
      await waitFor("socket hb to open", async () => (await c.socketState("hb")).connected)
      // One heartbeat at most is in flight, so of the next 6 replies at
      // least 5 answer heartbeats the server counts after this read.
      const framesBefore = (await control.get("/stats")).stats.FramesIn
      const before = (await c.socketState("hb")).heartbeatReplies
      await waitFor("6 heartbeat replies", async () => (await c.socketState("hb")).heartbeatReplies >= before + 6, {
        timeout: 4000,
      })
      const framesAfter = (await control.get("/stats")).stats.FramesIn
      assert.ok(framesAfter - framesBefore >= 5, `server FramesIn grew by ${framesAfter - framesBefore}, want >= 5`)
      await c.disconnect("hb")
    })
  } else {
    test(`${label}: no heartbeats over LongPoll, even every 200 ms`, async () => {
      await c.connect("hb", { heartbeatIntervalMs: 200 })
      await waitFor("socket hb to open", async () => (await c.socketState("hb")).connected)
      assert.equal((await c.socketState("hb")).skipHeartbeat, true, "LongPoll sets skipHeartbeat")
      // Let frames still in flight (the earlier leave) land first.
      const framesBefore = await quietFrames()
      await new Promise((r) => setTimeout(r, 700))
      const after = await c.socketState("hb")
      const framesAfter = (await control.get("/stats")).stats.FramesIn
      assert.equal(after.heartbeatReplies, 0, "heartbeat replies over LongPoll")
      assert.equal(framesAfter - framesBefore, 0, "frames reaching the server while idle")
      await c.disconnect("hb")
    })
  }

  for (const mode of ["graceful", "abrupt"]) {
    test(
      `${label}: rejoins after the server restarts on the same port (${mode})`,
      async () => {
        const ch0 = await c.channelState("a", room)
        const s0 = await c.socketState("a")
        const r = await control.post(`/restart?mode=${mode}&downMs=300`)
        await waitFor(
          "the channel to rejoin on the new server",
          async () => (await c.channelState("a", room)).joins > ch0.joins,
          { timeout: 15000 },
        )
        const s1 = await c.socketState("a")
        assert.ok(s1.opens > s0.opens, `socket reopened (${s0.opens} -> ${s1.opens})`)
        // Close codes since the restart: the first is how the old server
        // ended the connection, the rest are failed reconnects.
        restartCloseCodes[mode] = s1.closeCodes.slice(s0.closeCodes.length)
        const p = await c.push("a", room, "ping", { after: mode })
        assert.deepEqual(p, { status: "ok", response: { after: mode } })
        const st = await control.get("/stats")
        assert.equal(st.restarts, r.restarts, "no further restart")
        assert.equal(st.server, r.server, "answered by the new server")
        // Both clients' room channels rejoin, once each.
        await waitFor("2 channels on the new server", async () => (await control.get("/stats")).stats.Channels === 2)
        if (mode === "graceful") {
          const t = terminations(st, room).filter((t) => t.Server === r.server - 1)
          assert.ok(
            t.some((x) => x.Reason === "server shutting down"),
            `old server terminated ${room} for shutdown: ${JSON.stringify(t)}`,
          )
        }
      },
      { timeout: 25000 },
    )
  }

  if (ws) {
    // Server.Shutdown means to close every WebSocket with 1001 (going away),
    // a close phoenix.js reconnects after; a connection cut without a close
    // frame shows as 1006 instead.
    test(`${label}: a graceful shutdown closes the WebSocket with 1001`, async () => {
      const codes = restartCloseCodes.graceful
      assert.ok(codes && codes.length > 0, "the graceful restart test ran and saw a close")
      assert.equal(codes[0], 1001, `first close code after Server.Shutdown (all: ${JSON.stringify(codes)})`)
    })
  }
}
