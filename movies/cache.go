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
//
// The bound is either a number of entries (max) or, when size is set, a
// budget in size units (the orderings count their ids): over budget, the
// least recently used entries go first, so the orderings that every
// filter reuses stay while one-off ones leave.
type ttlCache[V any] struct {
	mu      sync.Mutex
	entries map[string]cacheEntry[V]
	gen     uint64
	max     int
	group   singleflight.Group
	now     func() time.Time

	size   func(V) int // nil: every entry counts 1 against max
	budget int
	used   int    // sum of sizes (size set)
	tick   uint64 // use counter for least-recently-used eviction

	hits, misses, loads uint64
	sweepAt             time.Time // when store next drops the expired entries
}

// cacheSweepEvery is how often a store drops every expired entry. Without
// it an expired entry left only when the cache was full: with 10,000
// results and 64 MiB of orderings allowed and entries expiring in seconds
// (ShareTTL), memory grew for hours (the soak's RSS drift) holding answers
// nobody could be given. A scan of a few thousand entries every 10 s is
// nothing next to the queries that fill them.
const cacheSweepEvery = 10 * time.Second

type cacheEntry[V any] struct {
	v       V
	expires time.Time
	size    int
	lastUse uint64
}

func newTTLCache[V any](max int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{entries: map[string]cacheEntry[V]{}, max: max, now: now}
}

// newBudgetCache returns a cache bounded by the total size of its values.
func newBudgetCache[V any](budget int, size func(V) int, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{entries: map[string]cacheEntry[V]{}, budget: budget, size: size, now: now}
}

// get returns the cached value for key, or runs load once for all
// concurrent callers with the same key and caches its result for ttl.
// load runs on a context detached from the callers' cancellation (with
// its own deadline, set by the caller of get through loadCtx), so one
// caller giving up does not fail the others; each caller still returns
// when its own ctx ends.
func (c *ttlCache[V]) get(ctx context.Context, key string, ttl time.Duration, load func(ctx context.Context) (V, error)) (V, bool, error) {
	if v, ok := c.lookup(key, true); ok {
		return v, true, nil
	}
	c.mu.Lock()
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
		c.store(gen, key, v, ttl)
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

// peek returns the cached value for key without loading it (and without
// counting a miss).
func (c *ttlCache[V]) peek(key string) (V, bool) { return c.lookup(key, false) }

func (c *ttlCache[V]) lookup(key string, count bool) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && c.now().Before(e.expires) {
		c.tick++
		e.lastUse = c.tick
		c.entries[key] = e
		if count {
			c.hits++
		}
		return e.v, true
	}
	if count {
		c.misses++
	}
	var zero V
	return zero, false
}

func (c *ttlCache[V]) store(gen uint64, key string, v V, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || ttl <= 0 {
		return
	}
	e := cacheEntry[V]{v: v, expires: c.now().Add(ttl), size: 1}
	if c.size != nil {
		e.size = c.size(v)
		if e.size > c.budget {
			return // larger than the whole budget: not worth evicting everything
		}
	}
	if old, ok := c.entries[key]; ok {
		c.used -= old.size
	}
	c.tick++
	e.lastUse = c.tick
	c.entries[key] = e
	c.used += e.size
	if now := c.now(); !now.Before(c.sweepAt) {
		c.sweepAt = now.Add(cacheSweepEvery)
		c.dropExpiredLocked(now)
	}
	c.evictLocked()
}

func (c *ttlCache[V]) dropExpiredLocked(now time.Time) {
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			c.deleteLocked(k)
		}
	}
}

func (c *ttlCache[V]) evictLocked() {
	if c.size != nil {
		c.evictBudgetLocked()
		return
	}
	if c.max <= 0 || len(c.entries) <= c.max {
		return
	}
	c.dropExpiredLocked(c.now())
	// Still full: drop about a tenth, in map order (effectively random).
	for k := range c.entries {
		if len(c.entries) <= c.max*9/10 {
			break
		}
		c.deleteLocked(k)
	}
}

// evictBudgetLocked drops expired entries, then the least recently used
// ones, until the cache is within its budget. The scan is linear, which is
// fine for the few hundred orderings a budget holds.
func (c *ttlCache[V]) evictBudgetLocked() {
	if c.used <= c.budget {
		return
	}
	c.dropExpiredLocked(c.now())
	for c.used > c.budget {
		var oldest string
		var at uint64
		first := true
		for k, e := range c.entries {
			if first || e.lastUse < at {
				oldest, at, first = k, e.lastUse, false
			}
		}
		if first {
			return
		}
		c.deleteLocked(oldest)
	}
}

func (c *ttlCache[V]) deleteLocked(k string) {
	c.used -= c.entries[k].size
	delete(c.entries, k)
}

// invalidate drops every entry; loads already running do not store their
// results.
func (c *ttlCache[V]) invalidate() {
	c.mu.Lock()
	c.entries = map[string]cacheEntry[V]{}
	c.used = 0
	c.gen++
	c.mu.Unlock()
}

func (c *ttlCache[V]) stats() (hits, misses, loads uint64, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.loads, len(c.entries)
}
