package status

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/cortex-cinegraph/golive/pubsub"
	"github.com/cortex-cinegraph/golive/status/symbiont"
)

// Topic is the PubSub topic service updates are published on.
const Topic = "service_status"

// Service is one service's state as the page shows it.
type Service struct {
	Name      string
	State     string // up, degraded, down, unknown
	CheckedAt string // ISO-8601 as the API sent it
	Error     string
}

// Update is the message published on Topic: the full current list.
type Update struct {
	Services []Service
	// Err is set when the API itself could not be asked.
	Err string
	At  time.Time
}

// Checker asks the Symbiont API for service status on an interval and
// publishes every result, so every connected status page updates.
//
// In a cluster only the leader asks (Leader); every node's checker keeps
// the latest update it receives over the PubSub as its Last, so dead
// renders on any node show the current state and a transient failure of
// one node's call cannot make the pages flip between states.
type Checker struct {
	Client   *symbiont.Client
	PubSub   pubsub.PubSub
	Interval time.Duration
	Log      *slog.Logger
	// Leader, when set, says whether this node asks the API at this tick;
	// nil means always (a single node).
	Leader func() bool

	mu   sync.RWMutex
	last Update
}

// Last returns the last known state (for the dead render, before the view
// subscribes).
func (c *Checker) Last() Update {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.last
}

// Run checks until ctx ends.
func (c *Checker) Run(ctx context.Context) {
	iv := c.Interval
	if iv <= 0 {
		iv = 5 * time.Second
	}
	cancel := c.PubSub.Subscribe(Topic, c.received)
	defer cancel()
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		if c.Leader == nil || c.Leader() {
			c.CheckOnce(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// received keeps an update published by any node (this one included) as
// the last known state, unless it is older than what is known.
func (c *Checker) received(msg any) {
	u, ok := msg.(Update)
	if !ok {
		return
	}
	c.mu.Lock()
	if !u.At.Before(c.last.At) {
		c.last = u
	}
	c.mu.Unlock()
}

// CheckOnce asks the API once and publishes the result.
func (c *Checker) CheckOnce(ctx context.Context) Update {
	u := Update{At: time.Now()}
	raw, err := c.Client.Status(ctx)
	if err != nil {
		u.Err = err.Error()
		if c.Log != nil {
			c.Log.Warn("service check failed", "error", err)
		}
		// Keep the last known services, marked as of the failure.
		u.Services = c.Last().Services
	} else {
		u.Services = parseServices(raw)
	}
	c.mu.Lock()
	c.last = u
	c.mu.Unlock()
	c.PubSub.Publish(ctx, Topic, u)
	return u
}

// parseServices reads {"services": [{name, state, checked_at, error}]}
// tolerantly: missing fields become "unknown", not a crash.
func parseServices(raw map[string]any) []Service {
	list, _ := raw["services"].([]any)
	out := make([]Service, 0, len(list))
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		s := Service{Name: str(m["name"]), State: str(m["state"]), CheckedAt: str(m["checked_at"]), Error: str(m["error"])}
		if s.Name == "" {
			s.Name = "(unnamed)"
		}
		switch s.State {
		case "up", "degraded", "down":
		default:
			s.State = "unknown"
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// FormatTime shows an ISO-8601 time readably; an unparsable time is shown
// raw, never dropped.
func FormatTime(iso string) string {
	if iso == "" {
		return "never"
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, iso); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
	}
	return iso
}
