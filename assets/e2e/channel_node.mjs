// The phoenix npm client in Node against the Go socket server.
//
// E2E_TRANSPORT: "websocket" (default) or "longpoll". Node 20 has no global
// WebSocket, so phoenix's Socket gets the `ws` package's WebSocket class as
// its `transport` option (client.js uses globalThis.WebSocket). Node 20's
// own WebSocket (undici, behind --experimental-websocket) is not usable:
// when a connection is refused it fires "error" but never "close" and stays
// CONNECTING, so phoenix.js, which reconnects on close, never reconnects.
// LongPoll in Node goes through fetch (phoenix's Ajax falls back to it when
// there is no XMLHttpRequest).
import * as Phoenix from "phoenix"
import { WebSocket } from "ws"
import "./client.js"
import { channelSuite, clientDirect } from "./channel_suite.mjs"
import { env, run } from "./lib.mjs"

const transport = env("E2E_TRANSPORT", "websocket")
globalThis.WebSocket = WebSocket

const base = new URL(env("E2E_URL"))
const scheme = transport === "websocket" ? "ws:" : "http:"
const driver = globalThis.E2EClient(Phoenix, {
  endpoint: `${scheme}//${base.host}/socket`,
  transport,
  params: { runtime: "node" },
  debug: process.env.E2E_DEBUG === "1",
})
channelSuite(clientDirect(driver), { transport, label: `node-${transport}` })
await run()
