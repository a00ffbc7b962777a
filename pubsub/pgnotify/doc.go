// Package pgnotify is the cluster [pubsub.PubSub]: server nodes sharing one
// PostgreSQL database deliver each other's broadcasts through
// LISTEN/NOTIFY, so a message published on any node reaches the
// subscribers on every node, as the same Go value.
//
// It owns:
//
//   - the local fast path: [PubSub.Publish] delivers to this node's
//     subscribers at once (an embedded [pubsub.Local]) and queues the
//     message for the others; local subscriptions never depend on the
//     database;
//   - the wire format: messages are encoded with [pubsub.Marshal] (types
//     must be registered with [pubsub.Register] on every node; an
//     unregistered one is delivered locally only and Publish says so),
//     tagged with the node, a per-start epoch and a sequence number, and
//     cut into chunks below PostgreSQL's 8000-byte payload limit, sent in
//     one transaction and reassembled by the receivers (incomplete sets are
//     dropped after 30 s). Receivers ignore their own messages and
//     duplicates;
//   - sending: one goroutine drains a bounded queue (Config.MaxBacklog
//     messages and 64 MiB; past either the oldest message is dropped,
//     counted and logged) in batches, one `SELECT pg_notify(...) FROM
//     unnest(...)` statement per batch, over its own connection, without
//     named prepared statements. It takes messages off the queue only
//     while this node listens; a batch that fails goes back to the head
//     of the queue. So while the database is unreachable the queue holds
//     the messages (the backlog) and they go out, in order, after
//     recovery;
//   - listening: a dedicated connection runs LISTEN, pinged every 2 s so a
//     silently lost link is noticed within about 4 s. A lost link is
//     logged once per outage, shown in [PubSub.Stats] (LinkUp, LastError,
//     Since) and recovered with jittered backoff (100 ms doubling to 5 s);
//     then LISTEN is re-issued and the [PubSub.OnReconnect] callbacks run,
//     because messages published elsewhere during the outage were missed
//     (a cache fed by invalidation messages should drop itself);
//   - the settle after an outage: a listening session is named
//     "golive-pubsub listen <node>" only once its LISTEN is committed
//     (it connects as "golive-pubsub joining <node>"), so a name seen in
//     pg_stat_activity proves the node hears whatever is committed next.
//     When this node's link comes back, its sender first waits until
//     every node it expects is listening again by that name: the nodes
//     seen listening at the last ping before the outage and those heard
//     from in the 10 s before it. It waits at most 6 s (settleMax; by then
//     every node retrying on the same backoff has had a try); a node that
//     comes back later misses the held messages and learns it by
//     OnReconnect;
//   - [PubSub.Close], which stops both goroutines (sending what is queued
//     for up to 2 s if the link is up) and closes the connections.
//
// Deployment: ConnString must reach PostgreSQL directly or through a pooler
// in session mode. Behind PgBouncer in transaction mode LISTEN is accepted
// but notifications never arrive (the session that listened is not yours
// after the transaction). All nodes must use the same database and
// Channel: notifications do not cross databases. Each node holds two
// connections (application_name "golive-pubsub listen|send <node>", the
// listener "joining" until its LISTEN is in effect).
//
// Delivery is at most once per node: a message is lost to a node whose
// link is down when it is sent (unless the sender's link was down too:
// the settle above), or when a backlog overflows. Messages from one
// publishing node arrive in the order it published them. README.md
// ("What a message published during an outage gets") states the
// guarantees; each has a test in pgnotify_test.go.
package pgnotify
