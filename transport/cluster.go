package transport

import (
	"context"
	"crypto/hmac"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Peers tells a node of a cluster where the other nodes answer, so that a
// LongPoll request whose session another node holds is served there: the
// load balancer in front may send each request of a client to any node (no
// sticky sessions). Implementations must be safe for concurrent use.
type Peers interface {
	// PeerURL returns the base URL (scheme://host:port) node serves on, or
	// false when the node is unknown or presumed dead.
	PeerURL(nodeID string) (*url.URL, bool)
}

// forwardedHeader marks a LongPoll request one node forwarded to another;
// such a request is never forwarded again, so two nodes that disagree
// about who holds a session cannot bounce it between them.
const forwardedHeader = "X-Golive-Forwarded-From"

// cleanNodeID keeps node ids to characters that cannot be confused with
// the token's separators ('~' between node and socket, '.' before the MAC).
func cleanNodeID(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, id)
}

// lpTokenNode returns the node a LongPoll token names, if the token carries
// a valid signature (so a forged token is never forwarded anywhere).
func (s *Server) lpTokenNode(token string) (string, bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", false
	}
	if !hmac.Equal([]byte(token), []byte(s.lpToken(token[:i]))) {
		return "", false
	}
	node, _, ok := strings.Cut(token[:i], "~")
	return node, ok
}

// lpForward serves a LongPoll request on the node that holds its session.
// It reports false, having written nothing, when the request should be
// answered here instead: the token is not another node's, the request was
// already forwarded once, or the owner is unknown. When the owner cannot
// be reached (it died), the request is answered as for any session that
// no longer exists, so the client starts a new one at once.
func (s *Server) lpForward(w http.ResponseWriter, r *http.Request, token string) bool {
	if s.cfg.Peers == nil || token == "" || r.Header.Get(forwardedHeader) != "" {
		return false
	}
	node, ok := s.lpTokenNode(token)
	if !ok || node == s.cfg.NodeID {
		return false
	}
	target, ok := s.cfg.Peers.PeerURL(node)
	if !ok {
		s.stats.ForwardFailures.Add(1)
		s.limiter.Log(s.log, "peer-unknown:"+node, slog.LevelWarn, "LongPoll session held by an unknown node; the client will start a new session",
			"node", node, "request_id", requestID(r))
		return false
	}
	s.stats.Forwarded.Add(1)
	failed := false
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// The owner judges the origin as this node would: same Host,
			// same Origin and Referer, the mount path as the client sent it.
			pr.Out.Host = pr.In.Host
			if u, err := url.ParseRequestURI(pr.In.RequestURI); err == nil {
				pr.Out.URL.Path, pr.Out.URL.RawPath = u.Path, u.RawPath
			}
			pr.SetXForwarded()
			pr.Out.Header.Set(forwardedHeader, s.cfg.NodeID)
		},
		Transport:  s.peerTransport,
		BufferPool: peerBuffers,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the client went away; nothing to answer
			}
			failed = true
			s.stats.ForwardFailures.Add(1)
			s.limiter.Log(s.log, "peer-down:"+node, slog.LevelWarn, "LongPoll session's node unreachable; the client will start a new session",
				"node", node, "peer", target.Host, "error", err.Error(), "request_id", requestID(r))
		},
	}
	proxy.ServeHTTP(w, r)
	if failed {
		// Nothing was written: answer as for a session that is gone.
		s.lpGone(w, r)
	}
	return true
}

// peerBuffers lends the forwarding proxy its copy buffers (it would
// allocate 32 KiB per forwarded request; LongPoll bodies are small).
var peerBuffers = &bufferPool{pool: sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}}

type bufferPool struct{ pool sync.Pool }

func (p *bufferPool) Get() []byte  { return *p.pool.Get().(*[]byte) }
func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }

// newPeerTransport is the HTTP client transport for forwarded LongPoll
// requests: many idle connections per peer (every held poll needs one) and
// a short dial timeout, so a dead peer is noticed at once.
func newPeerTransport() *http.Transport {
	d := &net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// closeInBatches tells sockets to reconnect spread over period, in random
// order, so the other nodes of a cluster see a steady trickle of
// reconnects instead of every client of this node at once. ctx ending
// closes the rest at once.
func closeInBatches(ctx context.Context, socks []*Socket, period time.Duration, reason error) {
	const step = 100 * time.Millisecond
	rand.Shuffle(len(socks), func(i, j int) { socks[i], socks[j] = socks[j], socks[i] })
	batches := int(period / step)
	if batches < 1 || len(socks) <= 1 {
		for _, sock := range socks {
			sock.Close(reason)
		}
		return
	}
	per := (len(socks) + batches - 1) / batches
	t := time.NewTicker(step)
	defer t.Stop()
	for len(socks) > 0 {
		n := min(per, len(socks))
		for _, sock := range socks[:n] {
			sock.Close(reason)
		}
		socks = socks[n:]
		if len(socks) == 0 {
			return
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			per = len(socks)
		}
	}
}
