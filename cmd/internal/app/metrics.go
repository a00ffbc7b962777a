package app

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

// collector exports the socket server's and the live engine's counters at
// scrape time, so the hot paths only bump atomics.
type collector struct {
	sock *transport.Server
	eng  *live.Engine
	st   *Stack // cluster mode: the PubSub link and the membership

	forwarded, pubsubUp, pubsubBacklog *prometheus.Desc
	pubsubMessages, pubsubReconnects   *prometheus.Desc
	clusterNodes                       *prometheus.Desc

	conns, channels, views              *prometheus.Desc
	failures                            *prometheus.Desc
	frames, slow, malformed             *prometheus.Desc
	joins, joinErrors, mountErr, events *prometheus.Desc
	dead, crashes, diffBytes            *prometheus.Desc
	timers, asyncTasks                  *prometheus.Desc
}

func newCollector(st *Stack) *collector {
	sock, eng := st.Socket, st.Engine
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("golive_"+name, help, labels, nil)
	}
	return &collector{
		sock: sock, eng: eng, st: st,
		forwarded:        d("longpoll_forwarded_total", "LongPoll requests for sessions held by another node, by result.", "result"),
		pubsubUp:         d("pubsub_link_up", "1 while the cluster PubSub's LISTEN connection is up (cluster mode only)."),
		pubsubBacklog:    d("pubsub_backlog", "Messages waiting to be sent to the other nodes."),
		pubsubMessages:   d("pubsub_messages_total", "Cluster PubSub messages by what happened to them.", "kind"),
		pubsubReconnects: d("pubsub_reconnects_total", "Recoveries of the cluster PubSub's LISTEN connection."),
		clusterNodes:     d("cluster_nodes", "Cluster nodes this node knows, by state.", "state"),
		conns:            d("connections", "Open socket connections by transport.", "transport"),
		channels:         d("channels", "Joined channels."),
		views:            d("live_views", "Connected live views."),
		failures:         d("failures_total", "Refused connections, failed joins and failed mounts by cause.", "cause"),
		frames:           d("frames_total", "Frames by direction.", "direction"),
		slow:             d("slow_consumers_total", "Sockets disconnected for not reading."),
		malformed:        d("malformed_frames_total", "Inbound frames dropped as malformed or too large."),
		joins:            d("live_joins_total", "Live view joins attempted."),
		joinErrors:       d("live_join_errors_total", "Live view joins refused."),
		mountErr:         d("live_mount_errors_total", "Live view mounts that failed."),
		events:           d("live_events_total", "Client events handled."),
		dead:             d("live_dead_renders_total", "Dead (HTTP) renders of live routes."),
		crashes:          d("live_crashes_total", "Live view callbacks that panicked."),
		diffBytes:        d("live_diff_bytes_total", "Bytes of rendered diffs sent."),
		timers:           d("timers", "Timers the socket server holds (WebSocket idle, LongPoll expiry and poll window, pending SendAfter of channels and live views); 0 with no socket."),
		asyncTasks:       d("live_async_tasks", "Goroutines of AssignAsync and StartAsync running."),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.sock.Stats()
	g := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}
	n := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	g(c.conns, s.WebSockets, "websocket")
	g(c.conns, s.LongPollSessions, "longpoll")
	g(c.channels, s.Channels)
	n(c.frames, s.FramesIn, "in")
	n(c.frames, s.FramesOut, "out")
	n(c.slow, s.SlowConsumers)
	n(c.malformed, s.MalformedFrames)
	g(c.timers, s.Timers)
	for cause, v := range c.sock.FailureCounts() {
		n(c.failures, v, cause)
	}
	es := c.eng.Stats()
	g(c.views, es.Views.Load())
	n(c.joins, es.Joins.Load())
	n(c.joinErrors, es.JoinErrors.Load())
	n(c.mountErr, es.MountErrors.Load())
	n(c.events, es.Events.Load())
	n(c.dead, es.DeadRenders.Load())
	n(c.crashes, es.Crashes.Load())
	n(c.diffBytes, es.DiffBytesOut.Load())
	g(c.asyncTasks, es.AsyncTasks.Load())
	if c.st.Cluster == nil {
		return
	}
	n(c.forwarded, s.Forwarded, "ok")
	n(c.forwarded, s.ForwardFailures, "failed")
	ps := c.st.PubSubState()
	up := int64(0)
	if ps.LinkUp {
		up = 1
	}
	g(c.pubsubUp, up)
	g(c.pubsubBacklog, int64(ps.Backlog))
	for kind, v := range map[string]uint64{"published": ps.Published, "sent": ps.Sent, "received": ps.Received, "dropped": ps.Dropped} {
		n(c.pubsubMessages, int64(v), kind)
	}
	n(c.pubsubReconnects, int64(ps.Reconnects))
	states := map[string]int64{"alive": 0, "leaving": 0, "left": 0, "dead": 0}
	for _, node := range c.st.Cluster.Nodes() {
		states[node.State()]++
	}
	for state, v := range states {
		g(c.clusterNodes, v, state)
	}
}

// MetricsHandler serves /metrics in the Prometheus exposition format; extra
// collectors (a database pool, the app's own) may be added.
func (st *Stack) MetricsHandler(extra ...prometheus.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(newCollector(st))
	for _, c := range extra {
		reg.MustRegister(c)
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
