// Mount-failure diagnostics: when the live connection cannot be made or
// the view cannot mount, say so within seconds, with the cause and what an
// operator should check, instead of an endless progress bar. Built on the
// real client's public events only (socket open/error/close/message).

const FAILS_BEFORE_BANNER = 3
const BANNER_AFTER_MS = 10000
const RELOAD_LOOP_LIMIT = 2
const RELOAD_WINDOW_MS = 60000
// Once a banner explains the failure, the server is asked again at most
// this often (the cause may change), not after every failed retry: the
// endpoint is rate limited per address, and a 429 must not replace a
// useful explanation.
const DIAGNOSE_EVERY_MS = 30000
const reloadKey = () => `golive:stale-reloads:${location.pathname}`

export function installDiagnostics(liveSocket, { topbar, csrfToken, LongPoll }) {
  const socket = liveSocket.socket
  const state = {
    failures: 0,
    mounted: false,
    banner: null,
    diagnosing: false,
    lastDiagnosis: 0,
    ws: "",
    lp: "",
    joinReason: "",
    timer: null,
  }

  const stopProgress = () => {
    topbar.hide()
    state.progressBlocked = true
  }

  const clearBanner = () => {
    if (state.banner) { state.banner.remove(); state.banner = null }
    state.progressBlocked = false
  }

  const showBanner = (d) => {
    stopProgress()
    let el = document.getElementById("live-diagnostic")
    if (!el) {
      el = document.createElement("div")
      el.id = "live-diagnostic"
      el.className = "live-diagnostic"
      el.setAttribute("role", "alert")
      document.body.prepend(el)
    }
    el.dataset.cause = d.cause || "unknown"
    el.innerHTML = ""
    const h = document.createElement("strong")
    h.textContent = d.title || "The live connection failed"
    const p = document.createElement("p")
    p.textContent = d.message || ""
    el.append(h, p)
    if (d.fix) {
      const f = document.createElement("p")
      f.className = "live-diagnostic-fix"
      f.textContent = "For the operator: " + d.fix
      el.append(f)
    }
    const note = document.createElement("p")
    note.className = "live-diagnostic-note"
    note.textContent = "The page still works without the live connection; links and forms load normally."
    el.append(note)
    if (d.cause === "reload_loop") {
      const b = document.createElement("button")
      b.type = "button"
      b.textContent = "Try again"
      b.addEventListener("click", () => { sessionStorage.removeItem(reloadKey()); location.reload() })
      el.append(b)
    }
    state.banner = el
  }

  const diagnose = async (extra = {}) => {
    if (state.mounted || state.diagnosing) return
    state.diagnosing = true
    state.lastDiagnosis = Date.now()
    try {
      const q = new URLSearchParams({
        page_origin: location.origin,
        csrf: csrfToken || "",
        ws: state.ws,
        lp: state.lp,
        join: state.joinReason,
        ...extra,
      })
      let d
      try {
        const resp = await fetch(`/live/diagnose?${q}`, { credentials: "same-origin", cache: "no-store" })
        if (resp.status === 429) {
          // Rate limited: keep the explanation the person already has.
          if (state.banner) return
          d = {
            cause: "unknown",
            title: "The live connection failed",
            message: "The page could not connect, and the server is too busy to say why right now.",
            fix: "Check the server log for refused connections and failed joins from this browser.",
          }
        } else {
          d = await resp.json()
        }
      } catch (_e) {
        d = {
          cause: "server_unreachable",
          title: "The server cannot be reached",
          message: "Neither the live connection nor a plain request to the server succeeded.",
          fix: "Check that the server is running and reachable from this network.",
        }
      }
      if (state.mounted) return
      if (d.ok && state.joinReason) {
        d = { cause: "join_failed", title: "The page could not connect", message: `The server answered the join with "${state.joinReason}".` }
      } else if (d.ok) {
        d = {
          cause: "no_connection",
          title: "The live connection could not be established",
          message: "The server saw no refused connection from this browser; something between the browser and the server is stopping it.",
          fix: "Check proxies and firewalls for /live/websocket and /live/longpoll.",
        }
      }
      showBanner(d)
    } finally {
      state.diagnosing = false
    }
  }

  const failed = () => {
    state.failures++
    if (state.mounted || state.failures < FAILS_BEFORE_BANNER) return
    if (state.banner && Date.now() - state.lastDiagnosis < DIAGNOSE_EVERY_MS) return
    diagnose()
  }

  // Keep the progress bar down while a banner explains the failure.
  window.addEventListener("phx:page-loading-start", () => {
    if (state.progressBlocked) setTimeout(() => topbar.hide(), 0)
  })

  socket.onError((error) => {
    const what = typeof error === "number" ? String(error) : "error"
    if (socket.transport === LongPoll) state.lp = what
    else state.ws = what
    failed()
  })

  socket.onMessage((msg) => {
    if (!msg.topic || !msg.topic.startsWith("lv:") || msg.event !== "phx_reply") return
    const resp = msg.payload && msg.payload.response
    if (msg.payload.status === "ok" && resp && resp.rendered) {
      state.mounted = true
      state.failures = 0
      state.joinReason = ""
      sessionStorage.removeItem(reloadKey())
      clearBanner()
      return
    }
    if (msg.payload.status === "error" && resp && resp.reason) {
      state.joinReason = resp.reason
      if (resp.reason === "stale" || resp.reason === "unauthorized") {
        // The client reloads the page now; count it, to stop a loop.
        const rec = JSON.parse(sessionStorage.getItem(reloadKey()) || "null") || { n: 0, t: Date.now() }
        if (Date.now() - rec.t > RELOAD_WINDOW_MS) { rec.n = 0; rec.t = Date.now() }
        rec.n++
        sessionStorage.setItem(reloadKey(), JSON.stringify(rec))
      }
      failed()
    }
  })

  socket.onClose(() => {
    if (state.mounted) {
      // A mounted page lost its connection: give the reconnect a chance,
      // then explain.
      state.mounted = false
      state.failures = 0
      clearTimeout(state.timer)
      state.timer = setTimeout(() => diagnose(), BANNER_AFTER_MS)
    }
  })

  state.timer = setTimeout(() => diagnose(), BANNER_AFTER_MS)
  return state
}

// reloadLoopDetected reports whether the stale-reload count for this page
// reached the limit; the caller then does not connect at all.
export function reloadLoopDetected() {
  const rec = JSON.parse(sessionStorage.getItem(reloadKey()) || "null")
  return !!rec && rec.n >= RELOAD_LOOP_LIMIT && Date.now() - rec.t <= RELOAD_WINDOW_MS
}

// showReloadLoopBanner explains a stopped reload loop (the page does not
// connect at all then), asking the server for the likely cause.
export function showReloadLoopBanner({ topbar, csrfToken }) {
  topbar.hide()
  const q = new URLSearchParams({ page_origin: location.origin, csrf: csrfToken || "", join: "stale" })
  fetch(`/live/diagnose?${q}`, { credentials: "same-origin", cache: "no-store" })
    .then((r) => r.json())
    .catch(() => ({}))
    .then((d) => {
      const why = d && !d.ok && d.message ? ` The server says: ${d.message}` : ""
      const el = document.createElement("div")
      el.id = "live-diagnostic"
      el.className = "live-diagnostic"
      el.setAttribute("role", "alert")
      el.dataset.cause = "reload_loop"
      const h = document.createElement("strong")
      h.textContent = "This page kept reloading, so it stopped"
      const p = document.createElement("p")
      p.textContent = "The server rejected the page's live connection as out of date after repeated reloads." + why
      const f = document.createElement("p")
      f.className = "live-diagnostic-fix"
      f.textContent = "For the operator: " + ((d && !d.ok && d.fix) || "check that SECRET_KEY_BASE is the same on every node and that the session cookie reaches /live.")
      const b = document.createElement("button")
      b.type = "button"
      b.textContent = "Try again"
      b.addEventListener("click", () => { sessionStorage.removeItem(reloadKey()); location.reload() })
      el.append(h, p, f, b)
      document.body.prepend(el)
    })
}
