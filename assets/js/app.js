// The LiveSocket set-up of a stock Phoenix app, plus the client version in
// the socket params so the server encodes diffs for this client line.
import { Socket, LongPoll } from "phoenix"
import { LiveSocket } from "phoenix_live_view"
import topbar from "topbar"
import { Hooks as AppHooks } from "./hooks"
import { Uploaders } from "./uploaders"
import { installDiagnostics, reloadLoopDetected, showReloadLoopBanner } from "./diagnostics"

const csrfToken = document.querySelector("meta[name='csrf-token']")?.getAttribute("content")
const Hooks = { ...AppHooks, ...(window.liveHooks || {}) }

// Reconnects and rejoins back off with jitter: when a node of a cluster
// dies or drains, its clients come back through the load balancer spread
// out instead of all at once (phoenix.js's own schedule has no jitter and
// starts at 10 ms).
const jitter = (ms) => Math.round(ms * (0.5 + Math.random()))
const reconnectAfterMs = (tries) => jitter([250, 500, 1000, 2000, 4000][tries - 1] || 5000)
const rejoinAfterMs = (tries) => jitter([1000, 2000, 5000][tries - 1] || 10000)

// The browser's locale and time zone, as cinegraph's app.js sends them:
// views read them as connect params (the movie page picks its watch
// region from the locale).
const timezone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || ""
  } catch {
    return ""
  }
})()

const opts = {
  longPollFallbackMs: 2500,
  reconnectAfterMs,
  rejoinAfterMs,
  params: {
    _csrf_token: csrfToken,
    _lv_vsn: __LV_VERSION__,
    browser_locale: navigator.language || "",
    timezone,
  },
  hooks: Hooks,
  uploaders: Uploaders,
}
// Tests and operators can force a transport with data-transport on <body>.
if (document.body?.dataset.transport === "longpoll") {
  opts.transport = LongPoll
}

const liveSocket = new LiveSocket("/live", Socket, opts)

topbar.config({ barColors: { 0: "#29d" }, shadowColor: "rgba(0, 0, 0, .3)" })
window.addEventListener("phx:page-loading-start", () => topbar.show(300))
window.addEventListener("phx:page-loading-stop", () => topbar.hide())

window.liveSocket = liveSocket
// A page that went stale twice in a row stops reloading and explains why.
if (reloadLoopDetected()) {
  showReloadLoopBanner({ topbar, csrfToken })
} else {
  installDiagnostics(liveSocket, { topbar, csrfToken, LongPoll })
  liveSocket.connect()
}
