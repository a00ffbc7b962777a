package live

import "sync"

// viewCounts counts connected views per view name (the name a route was
// registered with). Joins and ends of views are rare next to events, so a
// mutex is cheap enough; its zero value is ready to use.
type viewCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *viewCounts) add(name string, d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	if c.n[name] += d; c.n[name] <= 0 {
		// Forget names with no views, so the map holds live names only.
		delete(c.n, name)
	}
}

func (c *viewCounts) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// ViewCounts returns how many views are connected to this engine, per view
// name (the name given to [LiveSession.Handle]); names without a connected
// view are absent. The map is a copy the caller may keep.
func (e *Engine) ViewCounts() map[string]int { return e.viewCounts.snapshot() }
