// Package cluster is node membership for several nodes of one app behind a
// load balancer: each node announces itself on a [pubsub.PubSub] (in a
// cluster, the PostgreSQL LISTEN/NOTIFY one of package pubsub/pgnotify) and
// learns the others from their announcements.
//
// # What it owns
//
//   - The heartbeat: every [Config.Interval] (default 1 s) a [Node]
//     publishes a [Heartbeat] on [Topic] with its id, name, the URL the
//     other nodes reach it on, its start time and its current [Load]
//     (connections by transport, views in total and per view name, the
//     state of its PubSub link). A node hearing a node it did not know
//     answers with its own heartbeat at once, so a new node learns the
//     cluster in one round trip instead of one interval.
//   - Liveness, judged by the receiver's own clock (never the sender's, so
//     clock skew cannot make a node look dead): a peer not heard from for
//     [Config.DeadAfter] (default three intervals) is dead; it is
//     forgotten after ten times that, or at once when another node
//     announces the same URL (the old process is gone: its port is taken).
//   - [Node.PeerURL], which implements transport.Peers: the socket server
//     forwards a LongPoll request to the node holding its session only
//     while that node is alive and not leaving.
//   - [Node.Leave]: a graceful departure, announced at once, so peers stop
//     forwarding to a node that is draining; heartbeats go on saying so
//     until [Node.Close].
//   - [Node.Nodes], the membership as this node sees it (itself included),
//     which the dashboard's cluster page shows.
//
// A node that stops without Leave (a crash, SIGKILL) is noticed after
// DeadAfter. Close stops the heartbeat without announcing anything: call
// Leave first for a graceful stop.
//
// The package knows nothing of transports or views: the app passes what
// to report as [Config.Load].
package cluster
