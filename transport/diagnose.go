package transport

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Diagnosis is the answer of the diagnostics endpoint: why a page's live
// connection does not work, in plain words, and what an operator should
// change. It never contains tokens, cookies or secrets.
type Diagnosis struct {
	OK         bool      `json:"ok"`
	Cause      string    `json:"cause"`
	Title      string    `json:"title"`
	Message    string    `json:"message"`
	Fix        string    `json:"fix,omitempty"`
	PageOrigin string    `json:"page_origin,omitempty"`
	Allowed    string    `json:"allowed,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	Failures   []Failure `json:"failures,omitempty"`
}

// diagLimiter allows each address a few diagnoses a minute: the endpoint
// is cheap but public.
type diagLimiter struct {
	mu    sync.Mutex
	start time.Time
	seen  map[string]int
}

const diagPerMinute = 20

func (l *diagLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil || now.Sub(l.start) > time.Minute {
		l.seen, l.start = make(map[string]int), now
	}
	if len(l.seen) > 10000 {
		return false
	}
	l.seen[key]++
	return l.seen[key] <= diagPerMinute
}

// serveDiagnose answers GET <mount>/diagnose, called by the page (same
// origin) when its live connection fails. Query: page_origin (the page's
// location.origin), csrf (its csrf-token meta), ws and lp (what the client
// saw of each transport: "ok", "error", or an HTTP status).
func (s *Server) serveDiagnose(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if !s.diag.allow(remoteHost(r), time.Now()) {
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(Diagnosis{Cause: "rate_limited", Title: "Too many diagnostics requests", Message: "Try again in a minute."})
		return
	}
	d := s.Diagnose(r)
	json.NewEncoder(w).Encode(d)
}

// Diagnose works out why the page behind r cannot keep a live connection.
func (s *Server) Diagnose(r *http.Request) Diagnosis {
	q := r.URL.Query()
	pageOrigin := q.Get("page_origin")
	d := Diagnosis{PageOrigin: pageOrigin, Allowed: s.cfg.Origin.String(), RequestID: requestID(r)}

	// 1. Would the socket accept this page's origin?
	if pageOrigin != "" {
		probe := r.Clone(r.Context())
		probe.Header = http.Header{"Origin": {pageOrigin}}
		if dec := s.cfg.Origin.Check(probe); !dec.Allowed {
			d.Cause = CauseOriginRefused
			d.Title = "The server refuses this page's origin"
			d.Message = "This page was loaded from " + pageOrigin + ", but the server does not allow live connections from it (" + dec.Reason + ")."
			d.Fix = "Set PHX_HOST to the host people type in the browser, or add " + pageOrigin + " to CHECK_ORIGIN (comma separated). Current rule: " + s.cfg.Origin.String() + "."
			return d
		}
	}
	// 2. Does the session cookie reach the socket path, and does the page's
	// CSRF token belong to it?
	if s.cfg.Sessions != nil {
		if _, res := s.cfg.Sessions.CheckCSRF(r, q.Get("csrf")); res != CSRFOK {
			d.Cause = csrfCause(res)
			d.Title = "The page's session is not valid for the live connection"
			d.Message = "The browser's session does not match this page (" + res.String() + ")."
			d.Fix = csrfHint(res)
			return d
		}
	}
	// 3. What did the server see of this client recently?
	d.Failures = s.fails.lookup(s.clientKeys(r), time.Now())
	if len(d.Failures) > 0 {
		f := d.Failures[0]
		d.Cause = f.Cause
		d.Title, d.Message, d.Fix = explain(f)
		return d
	}
	// 4. Nothing reached the server: something between browser and server.
	ws, lp := q.Get("ws"), q.Get("lp")
	switch {
	case ws != "" && ws != "ok" && lp != "" && lp != "ok":
		d.Cause = "transport_blocked"
		d.Title = "The live connection is blocked on the way to the server"
		d.Message = "WebSocket failed (" + ws + ") and the LongPoll fallback failed too (" + lp + "), but the server saw no refused connection from this browser."
		d.Fix = "Check the reverse proxy or load balancer in front of the server: it must pass WebSocket upgrades on the socket path (/live/websocket) or at least plain GET/POST to /live/longpoll, and keep LongPoll requests of one session on one node."
	case ws != "" && ws != "ok":
		d.Cause = "websocket_blocked"
		d.Title = "WebSocket is blocked; LongPoll is used"
		d.Message = "The WebSocket upgrade failed (" + ws + "); the page falls back to LongPoll."
		d.Fix = "Allow WebSocket upgrades for /live/websocket in the proxy (Upgrade and Connection headers)."
	default:
		d.OK = true
		d.Cause = "none_seen"
		d.Title = "The server sees nothing wrong"
		d.Message = "The server accepts this page's origin and session and has recorded no failure for this browser."
	}
	return d
}

// explain turns a recorded failure into words for the person and the fix
// for the operator.
func explain(f Failure) (title, msg, fix string) {
	switch f.Cause {
	case CauseOriginRefused:
		return "The server refuses this page's origin", "Live connections from " + f.Origin + " are refused: " + f.Detail + ".",
			"Set PHX_HOST to the host people use, or list the origin in CHECK_ORIGIN."
	case CauseSessionMissing, CauseSessionInvalid, CauseCSRFInvalid:
		return "The page's session is not valid for the live connection", f.Detail, "Reload the page; if it keeps happening check the session cookie (path, SameSite, SECRET_KEY_BASE)."
	case CauseJoinStale:
		return "This page is out of date", "The server no longer accepts this page's tokens (" + f.Detail + ").", "Reload the page. If reloading does not help, SECRET_KEY_BASE may differ between nodes or changed between the page and the connection."
	case CauseJoinUnauthorized:
		return "This page's address no longer leads to the same live view", f.Detail, "Reload the page."
	case CauseMountError, CauseMountPanic:
		return "The server failed while loading this page", f.Detail + " (request " + f.RequestID + ").", "Check the server log for request id " + f.RequestID + "."
	case CauseDatabase:
		return "The database is unavailable", f.Detail, "Check the database server and DATABASE_URL; the page retries by itself."
	case CauseLongPollLimit:
		return "The server is at its connection limit", f.Detail, "Raise the LongPoll session limit or add capacity."
	case CauseVersion:
		return "The page's client is incompatible", f.Detail, "Deploy matching JavaScript assets."
	}
	return "The live connection failed", strings.TrimSpace(f.Cause + ": " + f.Detail), ""
}
