package app

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// newConns tracks connections that have not sent a request yet. At
// shutdown http.Server waits up to 5 s for such a connection before it
// counts as idle; load balancers and proxies open them ahead of use, so a
// draining node would often stall its stop by that much. Once the sockets
// have drained, the ones silent for a while are closed instead: a client
// that did not send its request within that time will retry elsewhere.
type newConns struct {
	mu    sync.Mutex
	conns map[net.Conn]time.Time
}

func (n *newConns) track(c net.Conn, s http.ConnState) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s == http.StateNew {
		if n.conns == nil {
			n.conns = make(map[net.Conn]time.Time)
		}
		n.conns[c] = time.Now()
		return
	}
	delete(n.conns, c)
}

// closeSilent closes the connections that have been open without a
// request for longer than quiet, and reports how many.
func (n *newConns) closeSilent(quiet time.Duration) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	closed := 0
	for c, since := range n.conns {
		if time.Since(since) >= quiet {
			c.Close()
			delete(n.conns, c)
			closed++
		}
	}
	return closed
}
