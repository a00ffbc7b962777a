package movies

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// ttlCache is a small in-process cache with per-entry expiry, a size
// bound, a generation that Invalidate bumps, and singleflight loading, so
// concurrent identical misses run the loader once.
type ttlCache[V any] struct {
	mu      sync.Mutex
	entries map[string]cacheEntry[V]
	gen     uint64
	max     int
	group   singleflight.Group
	now     func() time.Time

	hits, misses, loads uint64
}

type cacheEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[V any](max int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{entries: map[string]cacheEntry[V]{}, max: max, now: now}
}

// get returns the cached value for key, or runs load once for all
// concurrent callers with the same key and caches its result for ttl.
// load runs on a context detached from the callers' cancellation (with
// its own deadline, set by the caller of get through loadCtx), so one
// caller giving up does not fail the others; each caller still returns
// when its own ctx ends.
func (c *ttlCache[V]) get(ctx context.Context, key string, ttl time.Duration, load func(ctx context.Context) (V, error)) (V, bool, error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && c.now().Before(e.expires) {
		c.hits++
		c.mu.Unlock()
		return e.v, true, nil
	}
	c.misses++
	gen := c.gen
	c.mu.Unlock()

	ch := c.group.DoChan(fmt.Sprintf("%d#%s", gen, key), func() (any, error) {
		c.mu.Lock()
		c.loads++
		c.mu.Unlock()
		v, err := load(context.WithoutCancel(ctx))
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		if c.gen == gen && ttl > 0 {
			c.entries[key] = cacheEntry[V]{v: v, expires: c.now().Add(ttl)}
			c.evictLocked()
		}
		c.mu.Unlock()
		return v, nil
	})
	select {
	case r := <-ch:
		v, _ := r.Val.(V)
		return v, r.Shared, r.Err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}

func (c *ttlCache[V]) evictLocked() {
	if c.max <= 0 || len(c.entries) <= c.max {
		return
	}
	now := c.now()
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	// Still full: drop about a tenth, in map order (effectively random).
	for k := range c.entries {
		if len(c.entries) <= c.max*9/10 {
			break
		}
		delete(c.entries, k)
	}
}

// invalidate drops every entry; loads already running do not store their
// results.
func (c *ttlCache[V]) invalidate() {
	c.mu.Lock()
	c.entries = map[string]cacheEntry[V]{}
	c.gen++
	c.mu.Unlock()
}

func (c *ttlCache[V]) stats() (hits, misses, loads uint64, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.loads, len(c.entries)
}
