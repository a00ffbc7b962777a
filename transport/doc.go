// Package transport is the Phoenix socket server: the V2 JSON (and binary)
// frame format, WebSocket and LongPoll transports, heartbeats, channels
// multiplexed by topic, explicit origin checks and CSRF validation on
// connect.
//
// It knows nothing about LiveView. A LiveView channel is just one
// [ChannelHandler] mounted on a topic pattern such as "lv:*"; a plain
// Phoenix Channels app using the phoenix npm client works the same way.
//
// Concurrency model: a socket's frames are read on the transport's own
// goroutine (the HTTP handler for WebSocket, the POST handler for
// LongPoll) and dispatched, per channel, to that channel's mailbox. Each
// channel's callbacks run one at a time, in order, on a goroutine that
// exists only while the mailbox has work, so an idle joined channel costs
// no goroutine. Outbound frames go through one bounded queue per socket;
// a consumer that falls behind past the limit is disconnected rather than
// buffered without bound.
//
// LongPoll parking: serve through the listener [Server.Listener] returns
// and a held poll, and the keep-alive connection between two POSTs, are
// taken off net/http while they wait (one goroutine in a one-byte read
// each, instead of net/http's goroutines and buffers), then handed back to
// the http.Server with the client's next request (park.go).
//
// Clusters: with [Config.Peers] set, a LongPoll request that reaches a node
// other than the one holding its session (the signed token names the node)
// is forwarded to that node, so a load balancer needs no sticky sessions;
// a session whose node is gone is answered as gone, and the client starts
// a new one at once. [Server.Shutdown] tells clients to reconnect in
// batches over [Config.DrainPeriod] and refuses new sockets meanwhile.
package transport
