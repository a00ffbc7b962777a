// LiveView hooks shipped with the app (phx-hook="Name"). Pages may add
// more through window.liveHooks before app.js loads.
//
// The hooks below serve /examples/hooks (live/examples/hooks.go). They use
// only the hook API every supported client line (1.0, 1.1, 1.2) has:
// this.el, handleEvent, pushEvent with a reply callback.

const text = (id, value) => {
  const el = document.getElementById(id)
  if (el) el.textContent = value
}

const count = (id) => document.getElementById(id)?.textContent ?? ""

export const Hooks = {
  // Echo answers the server's "ping" push_event with a "pong" pushEvent and
  // shows what it received and the server's reply. It also records, for
  // "snap" (pushed to dispatch before the DOM patch, client 1.1.18+) and
  // "snap-after" (dispatched after it), the server count the page showed
  // when the event arrived.
  Echo: {
    mounted() {
      this.pings = 0
      this.handleEvent("ping", (payload) => {
        this.pings++
        this.el.dataset.pings = String(this.pings)
        text("hook-received", JSON.stringify(payload))
        this.pushEvent("pong", { n: payload.n, text: payload.msg }, (reply) => {
          text("hook-reply", JSON.stringify(reply))
        })
      })
      this.handleEvent("snap", ({ count: n }) => {
        text("snap-seen", `${n}:${count("server-count")}`)
      })
      this.handleEvent("snap-after", ({ count: n }) => {
        text("snap-after-seen", `${n}:${count("server-count")}`)
      })
    },
  },

  // DispatchSink shows the detail of "golive:hello" events dispatched to its
  // element by a JS.dispatch command.
  DispatchSink: {
    mounted() {
      this.onHello = (e) => {
        const { greeting, n, dispatcher } = e.detail || {}
        text("dispatch-out", JSON.stringify({ greeting, n, dispatcher: dispatcher?.id, target: e.target.id }))
      }
      this.el.addEventListener("golive:hello", this.onHello)
    },
    destroyed() {
      this.el.removeEventListener("golive:hello", this.onHello)
    },
  },
}

// Server push_events also reach window listeners as "phx:<name>" events.
// The hooks example records its "ping" this way, independently of the hook.
window.addEventListener("phx:ping", (e) => {
  const el = document.getElementById("window-event")
  if (!el) return
  el.dataset.count = String(Number(el.dataset.count || 0) + 1)
  el.textContent = JSON.stringify(e.detail)
})
