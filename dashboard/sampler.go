package dashboard

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Sample is one reading of the process, socket server and engine counters.
// Gauges are values at At; the fields marked cumulative only grow, and
// charts show their rate per second between samples.
type Sample struct {
	At time.Time

	// Go runtime.
	Goroutines int
	HeapAlloc  uint64 // bytes of allocated heap objects
	HeapSys    uint64
	StackInuse uint64
	Sys        uint64 // total bytes obtained from the OS
	NumGC      uint32 // cumulative
	LastPause  time.Duration

	// Socket server (zero without one).
	WebSockets int64
	LongPolls  int64
	Channels   int64
	Failures   int64 // cumulative, all causes

	// Live engine.
	Views      int64
	Joins      int64 // cumulative, attempts
	JoinErrors int64 // cumulative
	Events     int64 // cumulative
	DiffBytes  int64 // cumulative

	// HTTP requests seen by CountRequests (cumulative).
	Requests int64
}

// Leaves is how many views have ended (cumulative): joins that succeeded
// minus the views still connected. The engine counts no leaves itself, so
// a join answered by a redirect from Mount also counts as one leave.
func (s Sample) Leaves() int64 { return s.Joins - s.JoinErrors - s.Views }

// Sampler keeps the last samples in a ring. One goroutine ([Sampler.Run])
// writes; any number of views read.
type Sampler struct {
	every time.Duration
	read  func() Sample

	mu   sync.RWMutex
	ring []Sample
	next int // where the next sample goes
	n    int // samples held (≤ len(ring))

	running atomic.Bool
}

// NewSampler returns a sampler holding the last size samples, taken every
// interval by read.
func NewSampler(size int, every time.Duration, read func() Sample) *Sampler {
	if size < 2 {
		size = 2
	}
	if every <= 0 {
		every = time.Second
	}
	return &Sampler{every: every, read: read, ring: make([]Sample, size)}
}

// Every is the sampling interval.
func (s *Sampler) Every() time.Duration { return s.every }

// Cap is how many samples the ring holds.
func (s *Sampler) Cap() int { return len(s.ring) }

// Run samples at once and then every interval until ctx ends. Only one Run
// may be active at a time; a second concurrent call returns at once.
func (s *Sampler) Run(ctx context.Context) {
	if !s.running.CompareAndSwap(false, true) {
		return
	}
	defer s.running.Store(false)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		s.Add(s.read())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Add records one sample, dropping the oldest when the ring is full.
func (s *Sampler) Add(x Sample) {
	s.mu.Lock()
	s.ring[s.next] = x
	s.next = (s.next + 1) % len(s.ring)
	s.n = min(s.n+1, len(s.ring))
	s.mu.Unlock()
}

// Samples returns a copy of the samples held, oldest first.
func (s *Sampler) Samples() []Sample {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Sample, 0, s.n)
	start := (s.next - s.n + len(s.ring)) % len(s.ring)
	for i := range s.n {
		out = append(out, s.ring[(start+i)%len(s.ring)])
	}
	return out
}

// Last returns the newest sample.
func (s *Sampler) Last() (Sample, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.n == 0 {
		return Sample{}, false
	}
	return s.ring[(s.next-1+len(s.ring))%len(s.ring)], true
}

// rates turns a cumulative counter into per-second rates between
// consecutive samples (one fewer than the samples; a counter that went
// down, e.g. after a restart, counts as 0).
func rates(ss []Sample, f func(Sample) int64) []float64 {
	if len(ss) < 2 {
		return nil
	}
	out := make([]float64, 0, len(ss)-1)
	for i := 1; i < len(ss); i++ {
		dt := ss[i].At.Sub(ss[i-1].At).Seconds()
		dv := f(ss[i]) - f(ss[i-1])
		if dt <= 0 || dv < 0 {
			out = append(out, 0)
			continue
		}
		out = append(out, float64(dv)/dt)
	}
	return out
}

// series extracts a gauge.
func series(ss []Sample, f func(Sample) float64) []float64 {
	out := make([]float64, len(ss))
	for i, x := range ss {
		out[i] = f(x)
	}
	return out
}
