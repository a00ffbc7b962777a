package socketload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// TrafficConfig describes one open-loop push/reply run.
type TrafficConfig struct {
	// Rate is the aggregate message rate (pushes per second), spread
	// round-robin across the sockets.
	Rate float64
	// Duration is the measured part of the run.
	Duration time.Duration
	// Warmup runs at the same rate before Duration; its messages are not
	// counted.
	Warmup time.Duration
	// Drain is how long to wait, after the last scheduled message, for
	// replies still outstanding; those still missing then count as lost.
	// Default 5 s.
	Drain time.Duration
	// Tick is the schedule granularity: every tick the messages due are
	// sent, and their latency is measured from the tick's scheduled time.
	// Default 1/Rate (one message per tick), at least 100 µs.
	Tick time.Duration
	// PayloadBytes pads each ping payload to about this size.
	PayloadBytes int
}

// Latency summarises a set of durations, in milliseconds.
type Latency struct {
	Count  int     `json:"count"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p999_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// TrafficResult is what a run measured.
type TrafficResult struct {
	Transport    string  `json:"transport"`
	Sockets      int     `json:"sockets"`
	TargetRate   float64 `json:"target_rate"`
	Seconds      float64 `json:"seconds"`        // measured duration
	WarmupSecs   float64 `json:"warmup_seconds"` // not counted
	TickMs       float64 `json:"tick_ms"`
	PayloadBytes int     `json:"payload_bytes"`

	Sent         int64   `json:"sent"`          // measured pushes handed to the transport
	Received     int64   `json:"received"`      // correct ok replies
	ErrorReplies int64   `json:"error_replies"` // error status or wrong echo
	SendErrors   int64   `json:"send_errors"`
	Lost         int64   `json:"lost"`        // no reply within the drain time
	Disconnects  int64   `json:"disconnects"` // sockets that died during the run
	Achieved     float64 `json:"achieved_rate"`
	Errors       int64   `json:"errors"` // ErrorReplies+SendErrors+Lost+Disconnects+Malformed
	// Frames that matched no pending request (e.g. a reply after its push
	// was counted lost) and frames the client could not parse.
	Unexpected int64 `json:"unexpected_frames"`
	Malformed  int64 `json:"malformed_frames"`
	// LongPoll requests that failed or got an unexpected status.
	LPErrors   int64  `json:"longpoll_request_errors,omitempty"`
	FirstError string `json:"first_error,omitempty"`

	// Latency is push→reply, from the scheduled send time (the headline).
	Latency Latency `json:"latency"`
	// Service is push→reply from the moment the message was actually
	// handed to the transport.
	Service Latency `json:"service"`
	// SendLag is how late messages left the client against the schedule.
	SendLag Latency `json:"send_lag"`

	// LongPoll only.
	Polls         int64   `json:"polls,omitempty"`
	PollsWithMsgs int64   `json:"polls_with_messages,omitempty"`
	Posts         int64   `json:"posts,omitempty"`
	FramesPerPost float64 `json:"frames_per_post,omitempty"`
	MsgsPerPoll   float64 `json:"messages_per_poll,omitempty"`
	TCPConns      int64   `json:"tcp_conns"`
}

type recorder struct {
	mu      sync.Mutex
	lat     []time.Duration
	service []time.Duration
	lag     []time.Duration

	errorReplies atomic.Int64
	firstErr     atomic.Pointer[string]
}

func (r *recorder) add(lat, service, lag time.Duration) {
	r.mu.Lock()
	r.lat = append(r.lat, lat)
	r.service = append(r.service, service)
	r.lag = append(r.lag, lag)
	r.mu.Unlock()
}

func (r *recorder) noteError(s string) { r.firstErr.CompareAndSwap(nil, &s) }

// Traffic runs open-loop ping traffic: every tick, the messages due by the
// schedule are sent, round-robin over the sockets, whatever happened to
// earlier ones. Only one Traffic may run at a time on a Load.
func (l *Load) Traffic(ctx context.Context, tc TrafficConfig) (TrafficResult, error) {
	if tc.Rate <= 0 || tc.Duration <= 0 {
		return TrafficResult{}, errors.New("socketload: traffic needs a positive rate and duration")
	}
	if len(l.socks) == 0 {
		return TrafficResult{}, errors.New("socketload: no open sockets")
	}
	if tc.Drain <= 0 {
		tc.Drain = 5 * time.Second
	}
	if tc.Tick <= 0 {
		tc.Tick = max(100*time.Microsecond, time.Duration(float64(time.Second)/tc.Rate))
	}
	total := int64(math.Round(tc.Rate * (tc.Warmup + tc.Duration).Seconds()))
	rec := &recorder{}
	expect := int(tc.Rate*tc.Duration.Seconds()) + 16
	rec.lat = make([]time.Duration, 0, expect)
	rec.service = make([]time.Duration, 0, expect)
	rec.lag = make([]time.Duration, 0, expect)
	if !l.rec.CompareAndSwap(nil, rec) {
		return TrafficResult{}, errors.New("socketload: traffic already running")
	}
	defer l.rec.Store(nil)

	st := &l.stats
	polls0, withMsgs0, posts0, frames0 := st.polls.Load(), st.pollsWithMsgs.Load(), st.posts.Load(), st.postFrames.Load()
	disc0, unexp0, malf0, lpErr0 := st.disconnects.Load(), st.unexpected.Load(), st.malformed.Load(), st.lpErrors.Load()

	pad := ""
	if tc.PayloadBytes > 24 {
		pad = strings.Repeat("x", tc.PayloadBytes-24)
	}
	var sent, sendErrs int64
	var measuredStart time.Time
	start := time.Now()
	warmEnd := start.Add(tc.Warmup)
	var k int64 // messages scheduled so far
	var tick int64
	perTick := tc.Rate * tc.Tick.Seconds()
	buf := make([]byte, 0, 128+len(pad))
	for k < total && ctx.Err() == nil && l.ctx.Err() == nil {
		// Sleep until the next tick is due. The Go timer wheel wakes with
		// millisecond granularity (epoll_wait), which would add up to 1 ms
		// of client-side lag to every message; nanosleep wakes within
		// tens of microseconds.
		if wait := time.Until(start.Add(time.Duration(tick) * tc.Tick)); wait > 0 {
			sleep(wait)
		}
		now := time.Now()
		// Every tick whose time has come, even if this loop fell behind:
		// late sends are measured from their due time.
		due := int64(now.Sub(start) / tc.Tick)
		for ; tick <= due && k < total; tick++ {
			sched := start.Add(time.Duration(tick) * tc.Tick)
			upto := min(total, int64(math.Round(perTick*float64(tick+1))))
			for ; k < upto; k++ {
				s := l.socks[k%int64(len(l.socks))]
				measured := !sched.Before(warmEnd)
				if measured && measuredStart.IsZero() {
					measuredStart = sched
				}
				sentAt := time.Now()
				ref := s.register(pending{kind: kindPing, measured: measured, n: k + 1, sched: sched, sent: sentAt})
				buf = buf[:0]
				buf = append(buf, '[', '"')
				buf = append(buf, s.joinRef...)
				buf = append(buf, `","`...)
				buf = strconv.AppendUint(buf, ref, 10)
				buf = append(buf, `",`...)
				buf = strconv.AppendQuote(buf, s.topic)
				buf = append(buf, `,"ping",{"n":`...)
				buf = strconv.AppendInt(buf, k+1, 10)
				if pad != "" {
					buf = append(buf, `,"pad":"`...)
					buf = append(buf, pad...)
					buf = append(buf, '"')
				}
				buf = append(buf, "}]"...)
				// LongPoll keeps the frame in its batch; give it its own copy.
				err := s.conn.send(ctx, slices.Clone(buf))
				if measured {
					sent++
				}
				if err != nil {
					s.unregister(ref)
					if measured {
						sendErrs++
						rec.noteError("send: " + err.Error())
					}
				}
			}
		}
	}
	end := time.Now()
	if measuredStart.IsZero() {
		measuredStart = end
	}

	// Wait for the outstanding measured replies.
	deadline := time.Now().Add(tc.Drain)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if l.outstanding() == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	lost := l.dropOutstanding()

	rec.mu.Lock()
	res := TrafficResult{
		Transport:    l.cfg.Transport,
		Sockets:      len(l.socks),
		TargetRate:   tc.Rate,
		Seconds:      end.Sub(measuredStart).Seconds(),
		WarmupSecs:   tc.Warmup.Seconds(),
		TickMs:       float64(tc.Tick) / float64(time.Millisecond),
		PayloadBytes: tc.PayloadBytes,
		Sent:         sent,
		Received:     int64(len(rec.lat)),
		ErrorReplies: rec.errorReplies.Load(),
		SendErrors:   sendErrs,
		Lost:         lost,
		Disconnects:  st.disconnects.Load() - disc0,
		Latency:      summarize(rec.lat),
		Service:      summarize(rec.service),
		SendLag:      summarize(rec.lag),
		TCPConns:     l.dialer.open.Load(),
	}
	rec.mu.Unlock()
	if res.Seconds > 0 {
		res.Achieved = float64(res.Received) / res.Seconds
	}
	res.Unexpected = st.unexpected.Load() - unexp0
	res.Malformed = st.malformed.Load() - malf0
	res.LPErrors = st.lpErrors.Load() - lpErr0
	res.Errors = res.ErrorReplies + res.SendErrors + res.Lost + res.Disconnects + res.Malformed
	if p := rec.firstErr.Load(); p != nil {
		res.FirstError = *p
	}
	if l.cfg.Transport == LongPoll {
		res.Polls = st.polls.Load() - polls0
		res.PollsWithMsgs = st.pollsWithMsgs.Load() - withMsgs0
		res.Posts = st.posts.Load() - posts0
		if res.Posts > 0 {
			res.FramesPerPost = float64(st.postFrames.Load()-frames0) / float64(res.Posts)
		}
		if res.PollsWithMsgs > 0 {
			res.MsgsPerPoll = float64(res.Received) / float64(res.PollsWithMsgs)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("traffic cut short: %w", err)
	}
	return res, nil
}

// outstanding counts measured pings still awaiting a reply.
func (l *Load) outstanding() int {
	n := 0
	for _, s := range l.socks {
		s.mu.Lock()
		for _, p := range s.pending {
			if p.kind == kindPing && p.measured {
				n++
			}
		}
		s.mu.Unlock()
	}
	return n
}

// dropOutstanding forgets every ping still pending and returns how many of
// them were measured.
func (l *Load) dropOutstanding() int64 {
	var n int64
	for _, s := range l.socks {
		s.mu.Lock()
		for ref, p := range s.pending {
			if p.kind != kindPing {
				continue
			}
			if p.measured {
				n++
			}
			delete(s.pending, ref)
		}
		s.mu.Unlock()
	}
	return n
}

func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	var sum float64
	for _, v := range s {
		sum += float64(v)
	}
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		i = max(0, min(i, len(s)-1))
		return ms(s[i])
	}
	return Latency{
		Count:  len(s),
		MeanMs: sum / float64(len(s)) / float64(time.Millisecond),
		P50Ms:  q(0.50),
		P90Ms:  q(0.90),
		P99Ms:  q(0.99),
		P999Ms: q(0.999),
		MaxMs:  ms(s[len(s)-1]),
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// String is a one-line summary.
func (l Latency) String() string {
	if l.Count == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (n=%d, mean %.3f ms)",
		l.P50Ms, l.P90Ms, l.P99Ms, l.P999Ms, l.MaxMs, l.Count, l.MeanMs)
}

// Text is a human-readable report of the run.
func (r TrafficResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d sockets, target %.0f msgs/s for %.1f s (after %.1f s warm-up), tick %.3f ms, payload ~%d B\n",
		r.Transport, r.Sockets, r.TargetRate, r.Seconds, r.WarmupSecs, r.TickMs, r.PayloadBytes)
	fmt.Fprintf(&b, "  sent %d, ok replies %d (%.0f/s), error replies %d, send errors %d, lost %d, disconnects %d\n",
		r.Sent, r.Received, r.Achieved, r.ErrorReplies, r.SendErrors, r.Lost, r.Disconnects)
	if r.Unexpected+r.Malformed+r.LPErrors > 0 {
		fmt.Fprintf(&b, "  unexpected frames %d, malformed frames %d, longpoll request errors %d\n", r.Unexpected, r.Malformed, r.LPErrors)
	}
	fmt.Fprintf(&b, "  round trip from schedule: %s\n", r.Latency)
	fmt.Fprintf(&b, "  round trip from send:     %s\n", r.Service)
	fmt.Fprintf(&b, "  client send lag:          %s\n", r.SendLag)
	if r.Transport == LongPoll {
		fmt.Fprintf(&b, "  longpoll: %d polls (%d with messages, %.2f msgs each), %d posts (%.2f frames each), %d TCP conns\n",
			r.Polls, r.PollsWithMsgs, r.MsgsPerPoll, r.Posts, r.FramesPerPost, r.TCPConns)
	}
	if r.FirstError != "" {
		fmt.Fprintf(&b, "  first error: %s\n", r.FirstError)
	}
	return b.String()
}

// Text is a human-readable summary of the open phase.
func (o OpenResult) Text() string {
	s := fmt.Sprintf("%s: opened and joined %d/%d sockets in %.2f s (%.0f/s, concurrency %d), %d connect errors, %d join errors, %d client TCP conns",
		o.Transport, o.Joined, o.Requested, o.Seconds, o.PerSecond, o.Concurrency, o.OpenErrors, o.JoinErrors, o.TCPConns)
	if o.FirstError != "" {
		s += "\n  first error: " + o.FirstError
	}
	return s
}

// sleep blocks the calling thread in nanosleep for d (Go timers would round
// sub-millisecond waits up to a millisecond).
func sleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var rem syscall.Timespec
		err := syscall.Nanosleep(&ts, &rem)
		if err != syscall.EINTR {
			return
		}
		ts = rem
	}
}
