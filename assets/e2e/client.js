// A small driver around the real phoenix Socket and Channel, loaded both in
// Node (imported for its side effect) and in a browser page (injected with
// page.addScriptTag). It defines globalThis.E2EClient(Phoenix, options).
//
// Every method takes and returns plain JSON values, so a Node test can call
// the same methods directly or through page.evaluate (see clientInPage in
// channel_suite.mjs). Sockets are named; channels are named by their socket
// and topic.
;(function (root) {
  "use strict"

  root.E2EClient = function E2EClient(Phoenix, options) {
    const endpoint = options.endpoint // "/socket" in a page, "ws://host:port/socket" in Node
    const transportName = options.transport || "websocket"
    const sockets = {}
    const channels = {}

    function transportClass() {
      if (transportName === "longpoll") return Phoenix.LongPoll
      if (transportName === "websocket") return root.WebSocket
      throw new Error("unknown transport " + transportName)
    }

    function safeJSON(v) {
      try {
        return JSON.stringify(v)
      } catch (e) {
        return String(v)
      }
    }

    function sock(name) {
      const s = sockets[name]
      if (!s) throw new Error("no socket " + name)
      return s
    }

    function chan(name, topic) {
      const c = channels[name + " " + topic]
      if (!c) throw new Error("no channel " + topic + " on socket " + name)
      return c
    }

    // Resolves with the first of ok / error / timeout as {status, response}.
    function settle(push) {
      return new Promise((resolve) => {
        push
          .receive("ok", (response) => resolve({ status: "ok", response }))
          .receive("error", (response) => resolve({ status: "error", response }))
          .receive("timeout", () => resolve({ status: "timeout", response: null }))
      })
    }

    return {
      // connect creates and connects a socket. opts: heartbeatIntervalMs,
      // params (merged with options.params and {client: name}).
      connect(name, opts) {
        opts = opts || {}
        if (sockets[name]) throw new Error("socket " + name + " exists")
        const st = { opens: 0, closes: 0, errors: 0, heartbeatReplies: 0, messages: 0, closeCodes: [] }
        const socket = new Phoenix.Socket(endpoint, {
          transport: transportClass(),
          params: Object.assign({}, options.params || {}, opts.params || {}, { client: name }),
          timeout: 5000,
          heartbeatIntervalMs: opts.heartbeatIntervalMs || 30000,
          logger: options.debug
            ? (kind, msg, data) => console.log("[" + name + "] " + kind + ": " + msg + " " + safeJSON(data))
            : null,
        })
        socket.onOpen(() => st.opens++)
        socket.onClose((e) => {
          st.closes++
          st.closeCodes.push(e && e.code)
          if (st.closeCodes.length > 50) st.closeCodes.shift()
        })
        socket.onError(() => st.errors++)
        socket.onMessage((m) => {
          st.messages++
          if (m.topic === "phoenix" && m.event === "phx_reply") st.heartbeatReplies++
        })
        sockets[name] = { socket, st }
        socket.connect()
        return true
      },

      socketState(name) {
        const { socket, st } = sock(name)
        const conn = socket.conn
        return Object.assign({}, st, {
          closeCodes: st.closeCodes.slice(),
          connected: socket.isConnected(),
          state: socket.connectionState(),
          transport: socket.transportName(socket.transport),
          connIsLongPoll: !!conn && conn instanceof Phoenix.LongPoll,
          connIsWebSocket: !!conn && typeof root.WebSocket === "function" && conn instanceof root.WebSocket,
          skipHeartbeat: !!(conn && conn.skipHeartbeat),
        })
      },

      // join joins topic on socket name and resolves with the first answer.
      // Later successful rejoins are counted in channelState().joins.
      join(name, topic, params) {
        const { socket } = sock(name)
        const key = name + " " + topic
        const channel = socket.channel(topic, params || {})
        const c = { channel, joins: 0, joinErrors: 0, errors: 0, closes: 0, events: [] }
        channels[key] = c
        for (const ev of ["pushed", "shout", "later"]) {
          channel.on(ev, (payload) => c.events.push({ event: ev, payload }))
        }
        channel.onError(() => c.errors++)
        channel.onClose(() => c.closes++)
        return settle(
          channel
            .join()
            .receive("ok", () => c.joins++)
            .receive("error", () => c.joinErrors++),
        )
      },

      push(name, topic, event, payload) {
        return settle(chan(name, topic).channel.push(event, payload || {}))
      },

      // cast pushes an event the server does not reply to.
      cast(name, topic, event, payload) {
        chan(name, topic).channel.push(event, payload || {})
        return true
      },

      events(name, topic) {
        return chan(name, topic).events.slice()
      },

      leave(name, topic) {
        return settle(chan(name, topic).channel.leave())
      },

      channelState(name, topic) {
        const c = chan(name, topic)
        return { state: c.channel.state, joins: c.joins, joinErrors: c.joinErrors, errors: c.errors, closes: c.closes }
      },

      disconnect(name) {
        const { socket } = sock(name)
        delete sockets[name]
        return new Promise((resolve) => socket.disconnect(() => resolve(true)))
      },

      disconnectAll() {
        return Promise.all(Object.keys(sockets).map((n) => this.disconnect(n)))
      },
    }
  }
})(globalThis)
