package transport

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxBatchLines is how many ndjson lines one POST may carry; phoenix.js
// sends at most 100 per batch.
const maxBatchLines = 100

// maxLongPollBody bounds a POST body: a full batch of maximum frames would be
// far larger than any real client sends, so cap it separately.
const maxLongPollBody = 16 << 20

// lpSession is one LongPoll client: a Socket whose outbound frames wait in
// its outbox until the next poll takes them.
type lpSession struct {
	token string
	sock  *Socket

	mu      sync.Mutex
	waiter  chan struct{} // closed to end the current held poll when a newer one arrives
	parked  *parkedConn   // the current poll when it is parked (park.go)
	polls   int           // polls in flight
	expiry  *time.Timer
	postMu  sync.Mutex // keeps frames of successive POSTs in order
	expired bool
}

func (s *Server) lpToken(id string) string {
	mac := hmac.New(sha256.New, s.cfg.Secret)
	mac.Write([]byte("longpoll:" + id))
	return id + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// lpLookup finds the live session a token names. Sessions are keyed by
// their whole signed token, so a forged token, one for another node or for
// an expired session finds nothing, without recomputing the MAC on every
// poll (the signature matters when a token is routed between nodes).
func (s *Server) lpLookup(token string) *lpSession {
	if token == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lpByID[token]
}

func writeLPStatus(w http.ResponseWriter, status int) {
	w.Write([]byte(`{"status":` + strconv.Itoa(status) + `}`))
}

func (s *Server) serveLongPoll(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The protocol status travels in the JSON body; HTTP is always 200.
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions {
		// The preflight is held to the origin rule like every other
		// LongPoll request.
		if err := s.checkOrigin(r, &ConnInfo{Transport: "longpoll", RequestID: requestID(r)}); err != nil {
			writeLPStatus(w, 403)
			return
		}
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req)
		}
		h.Set("Access-Control-Allow-Methods", "get, post, options")
		h.Set("Access-Control-Max-Age", "3600")
		return
	}
	if len(s.cfg.Secret) == 0 {
		s.log.Error("LongPoll request but no socket Secret configured")
		writeLPStatus(w, 500)
		return
	}
	token := r.Header.Get("X-Phoenix-Longpoll-Token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	sess := s.lpLookup(token)

	// Every LongPoll request is held to the same origin rule, so a session
	// the POST would refuse is never created by the GET.
	if sess != nil {
		info := &ConnInfo{Transport: "longpoll", RequestID: sess.sock.Info.RequestID}
		if err := s.checkOrigin(r, info); err != nil {
			writeLPStatus(w, 403)
			return
		}
	}
	if sess == nil && (r.Method == http.MethodGet || r.Method == http.MethodPost) {
		if !s.lpForward(w, r, token) {
			s.lpGone(w, r)
		}
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.lpPoll(w, r, sess)
	case http.MethodPost:
		s.lpPublish(w, r, sess)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// lpGone answers a request whose session does not exist (no token, an
// unknown or expired one, or one whose node died), as Phoenix does: a GET
// opens a new session (phoenix.js ≥ 1.8 that already had a token takes the
// 410 as "session gone", closes and rejoins its channels), a POST gets 410
// (the client closes and reconnects).
func (s *Server) lpGone(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		s.lpOpen(w, r)
		return
	}
	writeLPStatus(w, 410)
}

// lpOpen runs connect and starts a session, answered 410 with its token (the
// client's "opened" signal).
func (s *Server) lpOpen(w http.ResponseWriter, r *http.Request) {
	info, err := s.connect(r, "longpoll")
	if errors.Is(err, errDraining) {
		// 500 makes the client close and retry at once (another node,
		// behind a load balancer).
		writeLPStatus(w, 500)
		return
	}
	if err != nil {
		writeLPStatus(w, 403)
		return
	}
	sess := &lpSession{}
	sock := s.newSocket(info, nil)
	sock.lp = sess
	sess.sock = sock
	sess.token = s.lpToken(s.cfg.NodeID + "~" + sock.ID)
	// Check the limit and claim the slot in one step, so concurrent opens
	// cannot overshoot it.
	s.mu.Lock()
	full := len(s.lpByID) >= s.cfg.MaxLongPollSessions
	if !full {
		s.lpByID[sess.token] = sess
	}
	s.mu.Unlock()
	if full {
		s.limiter.Log(s.log, "lp-max", slog.LevelWarn, "LongPoll session refused: at the session limit",
			"limit", s.cfg.MaxLongPollSessions, "request_id", info.RequestID)
		s.recordRequestFailure(r, Failure{Cause: CauseLongPollLimit, Detail: "server at its LongPoll session limit", Transport: "longpoll", RequestID: info.RequestID})
		// 500 makes the client close and retry with its backoff.
		sock.cancel(errors.New("refused: LongPoll session limit"))
		writeLPStatus(w, 500)
		return
	}
	if !s.addSocket(sock) {
		s.mu.Lock()
		delete(s.lpByID, sess.token)
		s.mu.Unlock()
		sock.cancel(ErrShutdown)
		writeLPStatus(w, 500)
		return
	}
	s.stats.LongPollSessions.Add(1)
	sess.armExpiry(s)
	s.writePoll(w, 410, sess.token, nil)
}

func (sess *lpSession) armExpiry(s *Server) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.polls > 0 || sess.expired {
		return
	}
	if sess.expiry == nil {
		s.stats.Timers.Add(1) // released by removeLP
		sess.expiry = time.AfterFunc(s.cfg.LongPollExpiry, func() {
			sess.mu.Lock()
			idle := sess.polls == 0
			if idle {
				sess.expired = true
			}
			sess.mu.Unlock()
			if idle {
				sess.sock.Close(errLPExpired)
			}
		})
		return
	}
	sess.expiry.Reset(s.cfg.LongPollExpiry)
}

var errLPExpired = errors.New("longpoll session expired: no poll within the expiry")

// lpPoll holds the request until frames arrive or the window ends. A newer
// poll on the same token ends this one, so frames are never split between
// two responses.
func (s *Server) lpPoll(w http.ResponseWriter, r *http.Request, sess *lpSession) {
	if !sess.sock.out.pending() && s.parkPoll(w, r, sess) {
		return
	}
	sess.mu.Lock()
	sess.supersedeLocked()
	mine := make(chan struct{})
	sess.waiter = mine
	sess.polls++
	if sess.expiry != nil {
		sess.expiry.Stop()
	}
	sess.mu.Unlock()
	defer func() {
		sess.mu.Lock()
		sess.polls--
		if sess.waiter == mine {
			sess.waiter = nil
		}
		sess.mu.Unlock()
		sess.armExpiry(s)
	}()

	window := time.NewTimer(s.cfg.LongPollWindow)
	s.stats.Timers.Add(1)
	defer func() {
		window.Stop()
		s.stats.Timers.Add(-1)
	}()
	sock := sess.sock
	for {
		// Take frames only while this is the session's current poll: a
		// superseded poll must not race the newer one for them.
		sess.mu.Lock()
		var frames []outFrame
		current := sess.waiter == mine
		if current {
			frames = sock.out.take()
		}
		sess.mu.Unlock()
		if !current {
			s.writePoll(w, 204, sess.token, nil)
			return
		}
		if len(frames) > 0 {
			if r.Context().Err() != nil {
				sock.out.putBack(frames)
				return
			}
			s.writePoll(w, 200, sess.token, frames)
			return
		}
		select {
		case <-sock.out.wake:
			continue
		case <-window.C:
			s.writePoll(w, 204, sess.token, nil)
			return
		case <-mine:
			s.writePoll(w, 204, sess.token, nil)
			return
		case <-sock.ctx.Done():
			// The session ended (shutdown, expiry): 500 makes the client
			// close and reconnect at once.
			writeLPStatus(w, 500)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) writePoll(w http.ResponseWriter, status int, token string, frames []outFrame) {
	w.Write(pollBody(status, token, frames))
}

// pollBody is a poll's answer: the protocol status, the session token and
// the frames as JSON strings.
func pollBody(status int, token string, frames []outFrame) []byte {
	size := 64 + len(token)
	for _, f := range frames {
		size += len(f.data) + len(f.data)/8 + 3
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"status":`...)
	buf = strconv.AppendInt(buf, int64(status), 10)
	buf = append(buf, `,"token":`...)
	buf = appendJSONString(buf, token)
	buf = append(buf, `,"messages":[`...)
	for i, f := range frames {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, string(f.data))
	}
	buf = append(buf, "]}"...)
	return buf
}

// lpPublish dispatches a POST's frames: ndjson lines (text frames start with
// '[', anything else is a base64 binary frame) or, from clients before
// phoenix 1.7, one JSON frame.
func (s *Server) lpPublish(w http.ResponseWriter, r *http.Request, sess *lpSession) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLongPollBody))
	if err != nil {
		s.log.Warn("LongPoll POST body unreadable or over the limit; closing the session",
			append(logAttrsFor(sess.sock), "error", err.Error(), "limit_bytes", maxLongPollBody)...)
		sess.sock.Close(errors.New("longpoll body too large"))
		writeLPStatus(w, 410)
		return
	}
	sess.postMu.Lock()
	defer sess.postMu.Unlock()
	sock := sess.sock
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-ndjson") {
		s.lpFrame(sock, bytes.TrimSpace(body), false)
		s.postOK(w, r)
		return
	}
	lines := 0
	for len(body) > 0 && lines < maxBatchLines {
		var line []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		lines++
		if line[0] == '[' {
			s.lpFrame(sock, line, false)
			continue
		}
		bin := make([]byte, base64.StdEncoding.DecodedLen(len(line)))
		n, err := base64.StdEncoding.Decode(bin, line)
		if err != nil {
			s.stats.MalformedFrames.Add(1)
			s.limiter.Log(s.log, "malformed:"+sock.ID, slog.LevelWarn, "dropped malformed LongPoll line (neither a JSON frame nor base64)",
				append(logAttrsFor(sock), "error", err.Error())...)
			continue
		}
		s.lpFrame(sock, bin[:n], true)
	}
	s.postOK(w, r)
}

var postOKBody = []byte(`{"status":200}`)

// postOK answers a POST whose frames were taken, parking its connection
// until the client's next POST when it can.
func (s *Server) postOK(w http.ResponseWriter, r *http.Request) {
	if !s.respondParked(w, r, postOKBody) {
		w.Write(postOKBody)
	}
}

func (s *Server) lpFrame(sock *Socket, data []byte, binary bool) {
	if int64(len(data)) > s.cfg.MaxFrameBytes {
		s.stats.MalformedFrames.Add(1)
		s.limiter.Log(s.log, "toolarge:"+sock.ID, slog.LevelWarn, "dropped LongPoll frame over the size limit",
			append(logAttrsFor(sock), "bytes", len(data), "limit_bytes", s.cfg.MaxFrameBytes)...)
		return
	}
	sock.handleRaw(data, binary)
}

func (s *Server) removeLP(sess *lpSession) {
	s.mu.Lock()
	_, had := s.lpByID[sess.token]
	delete(s.lpByID, sess.token)
	s.mu.Unlock()
	sess.mu.Lock()
	if sess.expiry != nil {
		sess.expiry.Stop()
		sess.expiry = nil
		s.stats.Timers.Add(-1)
	}
	sess.expired = true
	if p := sess.parked; p != nil {
		// 500 makes the client close and reconnect at once.
		sess.parked, p.status = nil, 500
		p.conn.SetReadDeadline(aLongTimeAgo)
	}
	sess.mu.Unlock()
	if had {
		s.stats.LongPollSessions.Add(-1)
	}
}
