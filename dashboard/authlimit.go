package dashboard

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Wrong passwords are limited per client address, so HTTP Basic cannot be
// brute-forced: after authFailLimit failures within authFailWindow the
// address is answered 429 until the window ends. A request without
// credentials (a browser's first try) is not a failure.
const (
	authFailLimit  = 10
	authFailWindow = 5 * time.Minute
)

type authLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string]*authFails
}

type authFails struct {
	n     int
	since time.Time
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked reports whether addr is locked out, and until when.
func (l *authLimiter) blocked(addr string) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.fails[addr]
	if f == nil {
		return false, time.Time{}
	}
	until := f.since.Add(authFailWindow)
	if !l.now().Before(until) {
		delete(l.fails, addr)
		return false, time.Time{}
	}
	return f.n >= authFailLimit, until
}

// fail counts a failure for addr and reports whether this one reached the
// limit (to log the lock-out once).
func (l *authLimiter) fail(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.fails == nil {
		l.fails = make(map[string]*authFails)
	}
	// Forget expired windows so the map cannot grow without bound.
	if len(l.fails) > 10000 {
		for a, f := range l.fails {
			if !now.Before(f.since.Add(authFailWindow)) {
				delete(l.fails, a)
			}
		}
	}
	f := l.fails[addr]
	if f == nil || !now.Before(f.since.Add(authFailWindow)) {
		f = &authFails{since: now}
		l.fails[addr] = f
	}
	f.n++
	return f.n == authFailLimit
}

// succeed clears addr's failures.
func (l *authLimiter) succeed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, addr)
}
