package transport

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a socket [Server]. The zero value of each limit means
// its default.
type Config struct {
	// Router maps topics to channel handlers.
	Router *Router
	// Origin decides which origins may connect. Nil means
	// OriginSameAsRequest, the safe default for local development.
	Origin *OriginPolicy
	// Sessions, when set, validates the page's masked _csrf_token against
	// the session cookie on connect. A failure does not refuse the socket
	// (Phoenix connects with a nil session and LiveView answers the join
	// "stale"); it is logged with its cause and visible on ConnInfo.
	Sessions *Sessions
	// Connect, when set, may refuse a socket after the origin check (return
	// an error) or note things on the ConnInfo.
	Connect func(info *ConnInfo) error
	// Secret signs LongPoll tokens. Required for LongPoll.
	Secret []byte
	// Logger; nil means slog.Default().
	Logger *slog.Logger

	// IdleTimeout closes a WebSocket that sent nothing (not even a
	// heartbeat) for this long. Default 60 s, as Phoenix.
	IdleTimeout time.Duration
	// LongPollWindow is how long a poll is held open. Default 10 s.
	LongPollWindow time.Duration
	// LongPollExpiry ends a LongPoll session with no poll for this long.
	// Default 1.5 × LongPollWindow.
	LongPollExpiry time.Duration
	// MaxFrameBytes is the largest inbound frame. Default 1 MiB.
	MaxFrameBytes int64
	// MaxOutboundBytes is the most a socket may have queued for the client;
	// past it the socket is disconnected. Default DefaultMaxOutboundBytes.
	MaxOutboundBytes int
	// MaxLongPollSessions caps live LongPoll sessions. Default 20,000.
	MaxLongPollSessions int
	// MaxChannels caps channels joined on one socket. Default 100.
	MaxChannels int
	// MaxMailbox caps messages waiting for one channel. Default 10,000.
	MaxMailbox int
	// NodeID names this node in LongPoll tokens (for clusters). Default
	// random. Characters other than letters, digits, '-' and '_' are
	// replaced by '-'.
	NodeID string
	// Peers, when set, makes this node part of a cluster: a LongPoll
	// request whose token names another node is forwarded to that node.
	Peers Peers
	// DrainPeriod spreads Shutdown's reconnect signals over this long, in
	// batches, so a stopping node's clients do not all reconnect to the
	// other nodes at once. Default 0: all at once.
	DrainPeriod time.Duration
}

// DefaultMaxOutboundBytes is Config.MaxOutboundBytes's default: 8 MiB.
const DefaultMaxOutboundBytes = 8 << 20

func (c *Config) setDefaults() {
	if c.Origin == nil {
		c.Origin = OriginSameAsRequest()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.LongPollWindow == 0 {
		c.LongPollWindow = 10 * time.Second
	}
	if c.LongPollExpiry == 0 {
		c.LongPollExpiry = c.LongPollWindow * 3 / 2
	}
	if c.MaxFrameBytes == 0 {
		c.MaxFrameBytes = 1 << 20
	}
	if c.MaxOutboundBytes == 0 {
		c.MaxOutboundBytes = DefaultMaxOutboundBytes
	}
	if c.MaxLongPollSessions == 0 {
		c.MaxLongPollSessions = 20000
	}
	if c.MaxChannels == 0 {
		c.MaxChannels = 100
	}
	if c.MaxMailbox == 0 {
		c.MaxMailbox = 10000
	}
	if c.NodeID == "" {
		c.NodeID = randomID(6)
	}
	c.NodeID = cleanNodeID(c.NodeID)
}

// ConnInfo is what the server knew about a socket when it connected.
type ConnInfo struct {
	Transport  string // "websocket" or "longpoll"
	Params     url.Values
	Origin     OriginDecision
	Session    Session    // zero when CSRF did not validate or Sessions is nil
	CSRF       CSRFResult // CSRFOK when Sessions is nil
	RemoteAddr string
	UserAgent  string
	RequestID  string
	// URL is the page URL the socket came from, when the browser said
	// (Referer); useful in logs.
	Referer string
	// Assigns is free for the Connect hook to fill.
	Assigns map[string]any
}

// Server is the socket endpoint: mount it on a path such as "/live"; it
// serves "<path>/websocket" and "<path>/longpoll".
type Server struct {
	cfg Config
	log *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	sockets  map[*Socket]struct{}
	topics   map[string]map[*Channel]struct{}
	lpByID   map[string]*lpSession
	draining bool

	limiter RateLog
	stats   Stats
	fails   failures
	diag    diagLimiter

	// liveChannels counts channels that have not completely ended (their
	// Terminate has not returned); Shutdown waits for it to reach zero.
	liveChannels atomic.Int64

	peerTransport *http.Transport // forwarded LongPoll requests (clusters)

	park atomic.Pointer[Listener] // set by [Server.Listener]: LongPoll parks connections
}

// Stats are live counters, read with [Server.Stats].
type Stats struct {
	WebSockets       atomic.Int64
	LongPollSessions atomic.Int64
	Channels         atomic.Int64
	Refused          atomic.Int64 // origin or Connect refusals
	CSRFFailures     atomic.Int64
	FramesIn         atomic.Int64
	FramesOut        atomic.Int64
	SlowConsumers    atomic.Int64
	MalformedFrames  atomic.Int64
	Forwarded        atomic.Int64 // LongPoll requests forwarded to the node holding the session
	ForwardFailures  atomic.Int64 // … whose node was unknown or unreachable
	ParkedConns      atomic.Int64 // LongPoll connections parked off net/http (park.go)
	ParkServed       atomic.Int64 // LongPoll requests served on a parked connection (parkserve.go)
	// Timers is a gauge of the timers the transport holds: each
	// WebSocket's idle timer, each LongPoll session's expiry timer and
	// held poll's window timer, and every Channel.SendAfter timer not yet
	// fired or stopped. Go's runtime cannot count timers, so this is how
	// a leak (a timer outliving its socket or channel) shows: once every
	// socket has gone it must be back to 0.
	Timers atomic.Int64
}

// StatsSnapshot is a copy of [Stats].
type StatsSnapshot struct {
	WebSockets, LongPollSessions, Channels, Refused, CSRFFailures int64
	FramesIn, FramesOut, SlowConsumers, MalformedFrames           int64
	Forwarded, ForwardFailures, ParkedConns, ParkServed           int64
	Timers                                                        int64
}

// NewServer returns a socket server.
func NewServer(cfg Config) *Server {
	cfg.setDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		ctx:     ctx,
		cancel:  cancel,
		sockets: make(map[*Socket]struct{}),
		topics:  make(map[string]map[*Channel]struct{}),
		lpByID:  make(map[string]*lpSession),
	}
	if cfg.Peers != nil {
		s.peerTransport = newPeerTransport()
	}
	if cfg.Origin.IsOff() {
		s.log.Warn("socket origin check is OFF: any web page may open sockets as your users; use only in development")
	}
	return s
}

// OriginRule describes the effective origin rule, for the start-up log.
func (s *Server) OriginRule() string { return s.cfg.Origin.String() }

// Stats returns the current counters.
func (s *Server) Stats() StatsSnapshot {
	st := &s.stats
	return StatsSnapshot{
		WebSockets: st.WebSockets.Load(), LongPollSessions: st.LongPollSessions.Load(), Channels: st.Channels.Load(),
		Refused: st.Refused.Load(), CSRFFailures: st.CSRFFailures.Load(), FramesIn: st.FramesIn.Load(),
		FramesOut: st.FramesOut.Load(), SlowConsumers: st.SlowConsumers.Load(), MalformedFrames: st.MalformedFrames.Load(),
		Forwarded: st.Forwarded.Load(), ForwardFailures: st.ForwardFailures.Load(), ParkedConns: st.ParkedConns.Load(),
		ParkServed: st.ParkServed.Load(), Timers: st.Timers.Load(),
	}
}

// ServeHTTP routes "…/websocket" and "…/longpoll" by the last path segment,
// so the server works under any mount path (use http.StripPrefix or a
// ServeMux pattern like "/live/").
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/websocket"):
		s.serveWebSocket(w, r)
	case strings.HasSuffix(r.URL.Path, "/longpoll"):
		s.serveLongPoll(w, r)
	case strings.HasSuffix(r.URL.Path, "/diagnose") && r.Method == http.MethodGet:
		s.serveDiagnose(w, r)
	default:
		http.NotFound(w, r)
	}
}

// connect runs the checks every new socket goes through: protocol version,
// origin, CSRF and the application's Connect hook. A refusal returns an
// error and creates nothing.
func (s *Server) connect(r *http.Request, transport string) (*ConnInfo, error) {
	q := r.URL.Query()
	info := &ConnInfo{
		Transport:  transport,
		Params:     q,
		RemoteAddr: r.RemoteAddr,
		UserAgent:  r.UserAgent(),
		RequestID:  requestID(r),
		Referer:    r.Referer(),
	}
	if vsn := q.Get("vsn"); vsn != "2.0.0" && !strings.HasPrefix(vsn, "2.") {
		s.stats.Refused.Add(1)
		s.limiter.Log(s.log, "vsn:"+vsn, slog.LevelWarn, "socket refused: unsupported serializer version",
			"vsn", vsn, "transport", transport, "request_id", info.RequestID, "hint", "clients must send vsn=2.0.0 (phoenix.js ≥ 1.3)")
		s.recordRequestFailure(r, Failure{Cause: CauseVersion, Detail: "serializer version " + vsn, Transport: transport, RequestID: info.RequestID})
		return info, errors.New("unsupported serializer version")
	}
	if s.isDraining() {
		return info, errDraining
	}
	if err := s.checkOrigin(r, info); err != nil {
		return info, err
	}
	if s.cfg.Sessions != nil {
		info.Session, info.CSRF = s.cfg.Sessions.CheckCSRF(r, q.Get("_csrf_token"))
		if info.CSRF != CSRFOK {
			info.Session = Session{}
			s.stats.CSRFFailures.Add(1)
			s.limiter.Log(s.log, "csrf:"+info.CSRF.String()+":"+info.Origin.Origin, slog.LevelWarn,
				"socket CSRF check failed; the LiveView join will be answered stale (one reload fixes an old page)",
				"cause", info.CSRF.String(), "transport", transport, "origin", info.Origin.Origin,
				"request_id", info.RequestID, "hint", csrfHint(info.CSRF))
			s.recordRequestFailure(r, Failure{Cause: csrfCause(info.CSRF), Detail: info.CSRF.String() + ": " + csrfHint(info.CSRF),
				Transport: transport, Origin: info.Origin.Origin, RequestID: info.RequestID})
		}
	}
	if s.cfg.Connect != nil {
		if err := s.cfg.Connect(info); err != nil {
			s.stats.Refused.Add(1)
			s.limiter.Log(s.log, "connect:"+err.Error(), slog.LevelWarn, "socket refused by Connect",
				"error", err.Error(), "transport", transport, "request_id", info.RequestID)
			s.recordRequestFailure(r, Failure{Cause: CauseConnectRefused, Detail: err.Error(), Transport: transport, RequestID: info.RequestID})
			return info, err
		}
	}
	return info, nil
}

func csrfCause(r CSRFResult) string {
	switch r {
	case CSRFNoCookie:
		return CauseSessionMissing
	case CSRFBadCookie:
		return CauseSessionInvalid
	}
	return CauseCSRFInvalid
}

func csrfHint(r CSRFResult) string {
	switch r {
	case CSRFNoCookie:
		return "the browser sent no session cookie to the socket path: check the cookie's Path, Domain and SameSite, and that the page and socket share a host"
	case CSRFBadCookie:
		return "the session cookie is invalid or expired: SECRET_KEY_BASE may have changed between the page render and the socket"
	case CSRFMissingToken:
		return "the client sent no _csrf_token: LiveSocket params must include the csrf-token meta tag"
	case CSRFMalformedToken:
		return "the _csrf_token is not a masked token from this server"
	case CSRFOtherSession:
		return "the _csrf_token belongs to another session: the page is older than the cookie (a reload fixes it)"
	}
	return ""
}

// checkOrigin applies the origin policy and logs a refusal once per origin
// per minute, naming what to change.
func (s *Server) checkOrigin(r *http.Request, info *ConnInfo) error {
	d := s.cfg.Origin.Check(r)
	info.Origin = d
	if d.Allowed {
		return nil
	}
	s.stats.Refused.Add(1)
	s.limiter.Log(s.log, "origin:"+d.Origin, slog.LevelWarn, "socket refused: origin not allowed",
		"origin", d.Origin, "origin_from", d.Source, "reason", d.Reason, "allowed", s.cfg.Origin.String(),
		"transport", info.Transport, "method", r.Method, "request_id", info.RequestID,
		"fix", "set PHX_HOST to the host users type in the browser, or list the origin in CHECK_ORIGIN (comma separated)")
	s.recordRequestFailure(r, Failure{Cause: CauseOriginRefused, Detail: d.Reason, Transport: info.Transport, Origin: d.Origin, RequestID: info.RequestID})
	return errors.New("origin not allowed: " + d.Reason)
}

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 200 {
		return id
	}
	return randomID(9)
}

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// errDraining refuses new sockets while the server shuts down; the client
// retries, and behind a load balancer reaches another node.
var errDraining = errors.New("server shutting down")

func (s *Server) isDraining() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.draining
}

func (s *Server) addSocket(sock *Socket) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return false
	}
	s.sockets[sock] = struct{}{}
	return true
}

func (s *Server) removeSocket(sock *Socket) {
	s.mu.Lock()
	delete(s.sockets, sock)
	s.mu.Unlock()
}

func (s *Server) subscribe(c *Channel) {
	s.mu.Lock()
	set := s.topics[c.Topic]
	if set == nil {
		set = make(map[*Channel]struct{})
		s.topics[c.Topic] = set
	}
	set[c] = struct{}{}
	s.mu.Unlock()
	s.stats.Channels.Add(1)
}

func (s *Server) unsubscribe(c *Channel) {
	s.mu.Lock()
	set, ok := s.topics[c.Topic]
	_, had := set[c]
	if ok {
		delete(set, c)
		if len(set) == 0 {
			delete(s.topics, c.Topic)
		}
	}
	s.mu.Unlock()
	if had {
		s.stats.Channels.Add(-1)
	}
}

// Broadcast sends event to every channel joined to topic, on every socket
// of this server, as [null, null, topic, event, payload].
func (s *Server) Broadcast(topic, event string, payload any) error {
	return s.broadcast(topic, event, payload, nil)
}

func (s *Server) broadcast(topic, event string, payload any, except *Channel) error {
	raw, err := marshalPayload(payload)
	if err != nil {
		return err
	}
	frame := EncodeText(Message{Topic: topic, Event: event, Payload: raw})
	s.mu.Lock()
	targets := make([]*Channel, 0, len(s.topics[topic]))
	for c := range s.topics[topic] {
		if c != except {
			targets = append(targets, c)
		}
	}
	s.mu.Unlock()
	for _, c := range targets {
		c.Socket.enqueue(frame, false)
	}
	return nil
}

// Shutdown stops accepting sockets and closes every open one with a code
// that makes clients reconnect (WebSocket 1001; LongPoll polls answered so
// the client reconnects), waiting until all channels have terminated or ctx
// ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.peerTransport != nil {
		defer s.peerTransport.CloseIdleConnections()
	}
	s.mu.Lock()
	s.draining = true
	socks := make([]*Socket, 0, len(s.sockets))
	for sock := range s.sockets {
		socks = append(socks, sock)
	}
	s.mu.Unlock()
	closeInBatches(ctx, socks, s.cfg.DrainPeriod, ErrShutdown)
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		n := len(s.sockets) + len(s.lpByID)
		s.mu.Unlock()
		if n == 0 && s.stats.Channels.Load() == 0 && s.liveChannels.Load() == 0 {
			s.cancel()
			return nil
		}
		select {
		case <-ctx.Done():
			s.cancel()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Socket is one connected client (one WebSocket, or one LongPoll session).
type Socket struct {
	ID        string
	Transport string
	Info      *ConnInfo

	srv    *Server
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	channels map[string]*Channel

	out outbox
	lp  *lpSession // LongPoll sockets only
}

func (s *Server) newSocket(info *ConnInfo, sink outSink) *Socket {
	ctx, cancel := context.WithCancelCause(s.ctx)
	sock := &Socket{
		ID:        randomID(9),
		Transport: info.Transport,
		Info:      info,
		srv:       s,
		ctx:       ctx,
		cancel:    cancel,
		channels:  make(map[string]*Channel),
	}
	sock.out.init(sock, sink, s.cfg.MaxOutboundBytes)
	return sock
}

// Context ends when the socket closes.
func (sock *Socket) Context() context.Context { return sock.ctx }

// Close ends the socket and all its channels.
func (sock *Socket) Close(reason error) {
	if sock.ctx.Err() != nil {
		return
	}
	sock.cancel(reason)
	sock.mu.Lock()
	chans := make([]*Channel, 0, len(sock.channels))
	for _, c := range sock.channels {
		chans = append(chans, c)
	}
	sock.channels = map[string]*Channel{}
	sock.mu.Unlock()
	for _, c := range chans {
		sock.srv.unsubscribe(c)
		c.terminate(reason, false)
	}
	sock.out.close()
	if sock.lp != nil {
		sock.srv.removeLP(sock.lp)
	}
	sock.srv.removeSocket(sock)
}

func (sock *Socket) removeChannel(c *Channel) {
	sock.mu.Lock()
	if sock.channels[c.Topic] == c {
		delete(sock.channels, c.Topic)
	}
	sock.mu.Unlock()
	sock.srv.unsubscribe(c)
}

// sendFrame encodes and queues m for the client.
func (sock *Socket) sendFrame(m Message) error {
	return sock.enqueue(EncodeText(m), false)
}

func (sock *Socket) sendBinary(frame []byte) error {
	if sock.Transport != "websocket" {
		return errors.New("binary frames from the server need a WebSocket")
	}
	return sock.enqueue(frame, true)
}

func (sock *Socket) enqueue(frame []byte, binary bool) error {
	if err := sock.out.push(frame, binary); err != nil {
		if errors.Is(err, errOutboxFull) {
			sock.srv.stats.SlowConsumers.Add(1)
			sock.srv.fails.record(nil, Failure{Cause: CauseSlowConsumer})
			sock.srv.log.Warn("socket outbound queue over its limit; disconnecting slow consumer",
				append(logAttrsFor(sock), "limit_bytes", sock.srv.cfg.MaxOutboundBytes)...)
			go sock.Close(err)
		}
		return err
	}
	sock.srv.stats.FramesOut.Add(1)
	return nil
}

func (sock *Socket) reply(joinRef, ref *string, topic string, r Reply) error {
	resp, err := marshalPayload(r.Response)
	if err != nil {
		return err
	}
	status := r.Status
	if status == "" {
		status = "ok"
	}
	payload := make([]byte, 0, len(resp)+32)
	payload = append(payload, `{"status":`...)
	payload = appendJSONString(payload, status)
	payload = append(payload, `,"response":`...)
	payload = append(payload, resp...)
	payload = append(payload, '}')
	return sock.sendFrame(Message{JoinRef: joinRef, Ref: ref, Topic: topic, Event: "phx_reply", Payload: payload})
}

// handleRaw decodes and dispatches one inbound frame. Malformed frames are
// logged and dropped; they never affect other sockets.
func (sock *Socket) handleRaw(data []byte, binary bool) {
	var m Message
	var err error
	if binary {
		m, err = DecodeBinary(data)
	} else {
		m, err = DecodeText(data)
	}
	if err != nil {
		sock.srv.stats.MalformedFrames.Add(1)
		sock.srv.limiter.Log(sock.srv.log, "malformed:"+sock.ID, slog.LevelWarn, "dropped malformed frame",
			append(logAttrsFor(sock), "error", err.Error(), "bytes", len(data))...)
		return
	}
	sock.dispatch(m)
}

// dispatch routes one decoded frame.
func (sock *Socket) dispatch(m Message) {
	sock.srv.stats.FramesIn.Add(1)
	if m.Topic == "phoenix" && m.Event == "heartbeat" {
		sock.reply(nil, m.Ref, "phoenix", OK(nil))
		return
	}
	switch m.Event {
	case "phx_join":
		sock.join(m)
		return
	case "phx_leave":
		sock.leave(m)
		return
	}
	sock.mu.Lock()
	c := sock.channels[m.Topic]
	sock.mu.Unlock()
	if c == nil {
		sock.reply(nil, m.Ref, m.Topic, ErrorReason("unmatched topic"))
		return
	}
	if m.JoinRef != nil && c.JoinRef != nil && *m.JoinRef != *c.JoinRef {
		return // a push from before a rejoin: Phoenix ignores these
	}
	c.post(func() { c.handleIn(m) })
}

func (sock *Socket) join(m Message) {
	mk := sock.srv.cfg.Router.match(m.Topic)
	if mk == nil {
		sock.reply(nil, m.Ref, m.Topic, ErrorReason("unmatched topic"))
		return
	}
	joinRef := m.JoinRef
	if joinRef == nil {
		joinRef = m.Ref
	}
	sock.mu.Lock()
	if sock.ctx.Err() != nil {
		sock.mu.Unlock()
		return
	}
	old := sock.channels[m.Topic]
	if old == nil && len(sock.channels) >= sock.srv.cfg.MaxChannels {
		sock.mu.Unlock()
		sock.reply(joinRef, m.Ref, m.Topic, ErrorReason("too many channels joined"))
		return
	}
	c := newChannel(sock, m.Topic, joinRef, mk())
	sock.channels[m.Topic] = c
	sock.mu.Unlock()
	if old != nil {
		// The old channel's phx_close carries its own join_ref, so the
		// client drops it or closes the old Channel object.
		sock.srv.unsubscribe(old)
		old.terminate(ErrDuplicateJoin, true)
	}
	payload := m.Payload
	c.post(func() {
		if old != nil {
			// Like Phoenix, handle the new join only once the old channel
			// has stopped, so its phx_close (old join_ref) reaches the
			// client before the new join's reply.
			select {
			case <-old.done:
			case <-c.ctx.Done():
			}
		}
		c.runJoin(m.Ref, payload)
	})
}

func (sock *Socket) leave(m Message) {
	sock.mu.Lock()
	c := sock.channels[m.Topic]
	if c != nil && m.JoinRef != nil && c.JoinRef != nil && *m.JoinRef != *c.JoinRef {
		sock.mu.Unlock()
		return // a leave for an older join of this topic
	}
	if c != nil {
		delete(sock.channels, m.Topic)
	}
	sock.mu.Unlock()
	if c == nil {
		sock.reply(m.JoinRef, m.Ref, m.Topic, OK(nil))
		return
	}
	sock.srv.unsubscribe(c)
	// Reply and phx_close go out from the channel goroutine, after anything
	// it was still doing, then Terminate runs.
	ended := c.endWith(func() {
		sock.reply(c.JoinRef, m.Ref, c.Topic, OK(nil))
		if c.isJoined() { // no phx_close for a join that was refused
			sock.sendClose(c)
		}
		c.finish(ErrLeft)
	})
	if !ended {
		sock.reply(m.JoinRef, m.Ref, m.Topic, OK(nil))
	}
}

// sendClose tells the client a channel ended normally. Like Phoenix, the
// frame's ref is the join_ref.
func (sock *Socket) sendClose(c *Channel) {
	sock.sendFrame(Message{JoinRef: c.JoinRef, Ref: c.JoinRef, Topic: c.Topic, Event: "phx_close", Payload: json.RawMessage(`{}`)})
}
