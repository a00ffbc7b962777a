package transport

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Failure causes, the label values of the failure counters. They name what
// an operator has to fix.
const (
	CauseOriginRefused    = "origin_refused"
	CauseSessionMissing   = "session_cookie_missing"
	CauseSessionInvalid   = "session_cookie_invalid"
	CauseCSRFInvalid      = "csrf_invalid"
	CauseVersion          = "unsupported_version"
	CauseConnectRefused   = "connect_refused"
	CauseLongPollLimit    = "longpoll_session_limit"
	CauseSlowConsumer     = "slow_consumer"
	CauseJoinStale        = "join_stale"
	CauseJoinUnauthorized = "join_unauthorized"
	CauseMountError       = "mount_error"
	CauseMountPanic       = "mount_panic"
	CauseDatabase         = "database_unavailable"
)

// Failure is one refused connection, failed join or failed mount, kept
// briefly so the diagnostics endpoint can tell the person behind a page
// what happened to their connection.
type Failure struct {
	Time      time.Time `json:"time"`
	Cause     string    `json:"cause"`
	Detail    string    `json:"detail"`
	Transport string    `json:"transport,omitempty"`
	Origin    string    `json:"origin,omitempty"`
	View      string    `json:"view,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

// failures keeps the recent failures per client key (session and address)
// and a running count per cause.
type failures struct {
	mu     sync.Mutex
	recent map[string][]Failure
	counts map[string]int64
}

const (
	failuresPerKey = 8
	failureMaxAge  = 2 * time.Minute
	failureKeys    = 10000
)

func (f *failures) record(keys []string, fl Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.recent == nil {
		f.recent = make(map[string][]Failure)
		f.counts = make(map[string]int64)
	}
	f.counts[fl.Cause]++
	if len(f.recent) >= failureKeys {
		f.pruneLocked(fl.Time)
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		l := append(f.recent[k], fl)
		if len(l) > failuresPerKey {
			l = l[len(l)-failuresPerKey:]
		}
		f.recent[k] = l
	}
}

func (f *failures) pruneLocked(now time.Time) {
	for k, l := range f.recent {
		if len(l) == 0 || now.Sub(l[len(l)-1].Time) > failureMaxAge {
			delete(f.recent, k)
		}
	}
	if len(f.recent) >= failureKeys {
		f.recent = make(map[string][]Failure)
	}
}

func (f *failures) lookup(keys []string, now time.Time) []Failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Failure
	for _, k := range keys {
		for _, fl := range f.recent[k] {
			if now.Sub(fl.Time) <= failureMaxAge {
				out = append(out, fl)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out
}

// FailureCounts returns how many failures of each cause happened since
// start (for /metrics and the dashboard).
func (s *Server) FailureCounts() map[string]int64 {
	s.fails.mu.Lock()
	defer s.fails.mu.Unlock()
	out := make(map[string]int64, len(s.fails.counts))
	for k, v := range s.fails.counts {
		out[k] = v
	}
	return out
}

// clientKeys identifies the browser behind a request: its session (a hash
// of the CSRF state, never the state itself) and its address.
func (s *Server) clientKeys(r *http.Request) []string {
	keys := []string{"ip:" + remoteHost(r)}
	if s.cfg.Sessions != nil {
		if sess, err := s.cfg.Sessions.Load(r); err == nil {
			keys = append(keys, sessionKey(sess.CSRF))
		}
	}
	return keys
}

func sessionKey(csrfState string) string {
	if csrfState == "" {
		return ""
	}
	h := sha256.Sum256([]byte("golive failures\x00" + csrfState))
	return "sess:" + hex.EncodeToString(h[:8])
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

func (s *Server) recordRequestFailure(r *http.Request, fl Failure) {
	fl.Time = time.Now()
	s.fails.record(s.clientKeys(r), fl)
}

// RecordFailure notes a failure of this socket's client (a refused join, a
// failed mount) so that diagnostics and metrics see it. Detail must hold
// nothing secret.
func (sock *Socket) RecordFailure(cause, detail, view string) {
	fl := Failure{
		Time: time.Now(), Cause: cause, Detail: detail, Transport: sock.Transport,
		Origin: sock.Info.Origin.Origin, View: view, RequestID: sock.Info.RequestID,
	}
	keys := []string{"ip:" + hostOnly(sock.Info.RemoteAddr), sessionKey(sock.Info.Session.CSRF)}
	sock.srv.fails.record(keys, fl)
}

func hostOnly(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}
