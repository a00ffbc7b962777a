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

	conns, channels, views              *prometheus.Desc
	failures                            *prometheus.Desc
	frames, slow, malformed             *prometheus.Desc
	joins, joinErrors, mountErr, events *prometheus.Desc
	dead, crashes, diffBytes            *prometheus.Desc
}

func newCollector(sock *transport.Server, eng *live.Engine) *collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("golive_"+name, help, labels, nil)
	}
	return &collector{
		sock: sock, eng: eng,
		conns:      d("connections", "Open socket connections by transport.", "transport"),
		channels:   d("channels", "Joined channels."),
		views:      d("live_views", "Connected live views."),
		failures:   d("failures_total", "Refused connections, failed joins and failed mounts by cause.", "cause"),
		frames:     d("frames_total", "Frames by direction.", "direction"),
		slow:       d("slow_consumers_total", "Sockets disconnected for not reading."),
		malformed:  d("malformed_frames_total", "Inbound frames dropped as malformed or too large."),
		joins:      d("live_joins_total", "Live view joins attempted."),
		joinErrors: d("live_join_errors_total", "Live view joins refused."),
		mountErr:   d("live_mount_errors_total", "Live view mounts that failed."),
		events:     d("live_events_total", "Client events handled."),
		dead:       d("live_dead_renders_total", "Dead (HTTP) renders of live routes."),
		crashes:    d("live_crashes_total", "Live view callbacks that panicked."),
		diffBytes:  d("live_diff_bytes_total", "Bytes of rendered diffs sent."),
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
}

// MetricsHandler serves /metrics in the Prometheus exposition format; extra
// collectors (a database pool, the app's own) may be added.
func (st *Stack) MetricsHandler(extra ...prometheus.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(newCollector(st.Socket, st.Engine))
	for _, c := range extra {
		reg.MustRegister(c)
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
