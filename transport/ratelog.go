package transport

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RateLog logs a message at most once per key per interval, counting the
// repeats it swallowed, so a reconnect storm yields one line a minute per
// cause instead of thousands. The zero value logs once a minute per key.
type RateLog struct {
	mu    sync.Mutex
	seen  map[string]*rateEntry
	every time.Duration // default one minute
	now   func() time.Time
}

type rateEntry struct {
	last    time.Time
	dropped int
}

// maxRateKeys bounds the map; attackers choosing origins must not grow it
// without limit.
const maxRateKeys = 4096

func (l *RateLog) Log(logger *slog.Logger, key string, level slog.Level, msg string, args ...any) bool {
	l.mu.Lock()
	if l.seen == nil {
		l.seen = make(map[string]*rateEntry)
	}
	every := l.every
	if every == 0 {
		every = time.Minute
	}
	now := time.Now()
	if l.now != nil {
		now = l.now()
	}
	e := l.seen[key]
	if e != nil && now.Sub(e.last) < every {
		e.dropped++
		l.mu.Unlock()
		return false
	}
	if e == nil {
		if len(l.seen) >= maxRateKeys {
			for k, v := range l.seen {
				if now.Sub(v.last) >= every {
					delete(l.seen, k)
				}
			}
			if len(l.seen) >= maxRateKeys {
				l.seen = make(map[string]*rateEntry)
			}
		}
		e = &rateEntry{}
		l.seen[key] = e
	}
	dropped := e.dropped
	e.last, e.dropped = now, 0
	l.mu.Unlock()
	if dropped > 0 {
		args = append(args, "repeats_since_last_log", dropped)
	}
	logger.Log(context.Background(), level, msg, args...)
	return true
}
