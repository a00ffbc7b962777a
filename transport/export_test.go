package transport

// Test-only access to server internals for the integration tests, which
// live in package transport_test (they import transport/echo, which
// imports this package).

// SocketsForTest returns the server's open sockets.
func SocketsForTest(s *Server) []*Socket {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Socket, 0, len(s.sockets))
	for sock := range s.sockets {
		out = append(out, sock)
	}
	return out
}

// OutboxBytesForTest is how many bytes wait in the socket's outbound queue.
func OutboxBytesForTest(sock *Socket) int {
	sock.out.mu.Lock()
	defer sock.out.mu.Unlock()
	return sock.out.bytes
}

// LongPollSocketForTest returns the socket of the live LongPoll session
// named by token, or nil.
func LongPollSocketForTest(s *Server, token string) *Socket {
	if sess := s.lpLookup(token); sess != nil {
		return sess.sock
	}
	return nil
}

// LongPollPollsForTest is how many polls are in flight on the session.
func LongPollPollsForTest(s *Server, token string) int {
	sess := s.lpLookup(token)
	if sess == nil {
		return -1
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.polls
}

// TopicsForTest is how many topics have subscribers.
func TopicsForTest(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.topics)
}

// ParkedWrapDepthForTest is the deepest nesting of replay wrappers among
// the parked connections (1 for a connection given back at least once).
func ParkedWrapDepthForTest(s *Server) int {
	pl := s.park.Load()
	if pl == nil {
		return 0
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	deepest := 0
	for c := range pl.parked {
		d := 0
		for {
			p, ok := c.(*prefixConn)
			if !ok {
				break
			}
			d, c = d+1, p.Conn
		}
		deepest = max(deepest, d)
	}
	return deepest
}
