package pgnotify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/pubsub"
)

// Config configures a node's PubSub.
type Config struct {
	// ConnString is the PostgreSQL database every node shares (a URL or
	// key=value string, as pgx parses it). It must reach PostgreSQL
	// directly or through a pooler in session mode: LISTEN does not work
	// through PgBouncer in transaction mode.
	ConnString string
	// NodeID names this node in payloads and logs; it must be unique among
	// the nodes and may not contain "|". Default: hostname-pid.
	NodeID string
	// Channel is the NOTIFY channel (at most 63 bytes). Default
	// "golive_pubsub". Nodes on different channels do not hear each other.
	Channel string
	// Logger receives link and drop reports. Default slog.Default().
	Logger *slog.Logger
	// MaxBacklog is how many messages wait to be sent at most (besides the
	// batch being sent); when full the oldest is dropped. Default 10000.
	MaxBacklog int
}

// DefaultChannel is the NOTIFY channel when Config.Channel is empty.
const DefaultChannel = "golive_pubsub"

// Timing. Variables so the tests can shorten them.
var (
	pingEvery      = 2 * time.Second // the listener pings its connection this often
	pingTimeout    = 2 * time.Second // so a silent loss is noticed within about 4 s
	connectTimeout = 10 * time.Second
	sendTimeout    = 10 * time.Second
	backoffMin     = 100 * time.Millisecond
	backoffMax     = 5 * time.Second
	closeFlush     = 2 * time.Second // Close sends what is queued for at most this long
	closeWait      = 3 * time.Second // and waits this long for pgx to release the connections
	settleMax      = backoffMax + time.Second
)

// maxBacklogBytes bounds the backlog's memory besides MaxBacklog's count.
const maxBacklogBytes = 64 << 20

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("pgnotify: closed")

// Stats is a snapshot of a PubSub's state, for the dashboard and tests.
type Stats struct {
	// LinkUp reports whether the LISTEN connection is up: while it is
	// down, messages from other nodes are missed.
	LinkUp bool
	// Since is when LinkUp last changed (or Start).
	Since time.Time
	// LastError is the last connection or send error ("" if none yet).
	LastError string
	// Backlog is how many messages wait to be sent to the other nodes.
	Backlog int
	// Published counts messages queued for the other nodes; Sent those
	// committed to PostgreSQL; Received those from other nodes delivered
	// here.
	Published, Sent, Received uint64
	// Dropped counts messages lost here: backlog overflow, refused by the
	// server, incomplete chunk sets, or undecodable ones from other nodes.
	Dropped uint64
	// Incomplete and Undecodable are the parts of Dropped from chunk sets
	// that never completed and payloads this node could not decode.
	Incomplete, Undecodable uint64
	// Reconnects counts recoveries of the LISTEN connection.
	Reconnects uint64
	// QueueUsage is the server's pg_notification_queue_usage() (0..1) at
	// the last ping; near 1, some listener is not reading.
	QueueUsage float64
	// Listeners is how many nodes (this one included) listened on the
	// database at the last ping: sessions that have issued LISTEN, not
	// those still connecting.
	Listeners int
}

// PubSub is one node's cluster PubSub. It delivers to this node's
// subscribers through the embedded [pubsub.Local] and to the other nodes'
// through PostgreSQL.
type PubSub struct {
	*pubsub.Local

	channel string
	node    string
	epoch   string
	log     *slog.Logger
	connCfg *pgx.ConnConfig // a template: copied for each connection
	target  string          // host:port/db for messages, never the password

	maxBacklog int
	pubMu      sync.Mutex
	seq        uint64 // the last message's; under pubMu
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup
	closed     atomic.Bool
	closeOnce  sync.Once

	// The outgoing queue, drained by the sender goroutine.
	qmu        sync.Mutex
	queue      []outMsg // from qhead on
	qhead      int
	queueBytes int
	inflight   int // messages in the batch being sent
	wake       chan struct{}
	dropLog    rateLog

	// Link state, written by the listener.
	smu         sync.Mutex
	linkUp      bool
	since       time.Time
	lastErr     string
	queueUsage  float64
	listening   []string             // application names of the listening sessions at the last ping
	heard       map[string]time.Time // other nodes by id: when a message last came from each
	expect      map[string]bool      // after an outage: the listeners to wait for (application names)
	settleUntil time.Time            // after an outage: see waitOthers
	linkChange  chan struct{}        // closed and replaced when linkUp changes
	onReconnect []func()

	published, sent, received, dropped, incomplete, undecodable, reconnects atomic.Uint64

	cmu     sync.Mutex
	closing []<-chan struct{} // CleanupDone of the connections closed

	unregLogged sync.Map // reflect.Type → struct{}: logged once per type
	unknownLog  sync.Map // type name → struct{}: logged once per name
	badLog      rateLog
	encLog      rateLog
}

// outMsg is one queued message: its notification payloads.
type outMsg struct {
	payloads []string
	bytes    int
}

// Start connects the LISTEN connection (an error here is returned, naming
// the server and database) and starts the listener and sender goroutines.
// After that the link is kept up by itself; Close stops everything. ctx
// bounds only the first connection.
func Start(ctx context.Context, cfg Config) (*PubSub, error) {
	p := &PubSub{
		Local:      pubsub.NewLocal(),
		channel:    cfg.Channel,
		node:       cfg.NodeID,
		log:        cfg.Logger,
		maxBacklog: cfg.MaxBacklog,
		wake:       make(chan struct{}, 1),
		linkChange: make(chan struct{}),
	}
	if p.channel == "" {
		p.channel = DefaultChannel
	}
	if len(p.channel) > 63 || !utf8.ValidString(p.channel) || strings.IndexByte(p.channel, 0) >= 0 {
		return nil, fmt.Errorf("pgnotify: channel %q: want at most 63 bytes of text", p.channel)
	}
	if p.node == "" {
		host, _ := os.Hostname()
		p.node = host + "-" + strconv.Itoa(os.Getpid())
	}
	if len(p.node) > 128 || !utf8.ValidString(p.node) || strings.ContainsAny(p.node, "|\x00") {
		return nil, fmt.Errorf("pgnotify: node id %q: want at most 128 bytes of text without \"|\"", p.node)
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With("pubsub_node", p.node)
	if p.maxBacklog <= 0 {
		p.maxBacklog = 10000
	}
	var e [4]byte
	_, _ = rand.Read(e[:])
	p.epoch = hex.EncodeToString(e[:])

	connCfg, err := pgx.ParseConfig(cfg.ConnString)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("pgnotify: ConnString: %w", err)
	}
	// No named prepared statements: nothing to go stale across reconnects.
	connCfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	p.connCfg = connCfg
	p.target = fmt.Sprintf("%s:%d, database %q, user %q", connCfg.Host, connCfg.Port, connCfg.Database, connCfg.User)

	conn, err := p.connectListener(ctx)
	if err != nil {
		return nil, err
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if err := p.ping(conn); err != nil {
		p.cancel()
		p.closeConn(conn)
		p.waitClosed()
		return nil, fmt.Errorf("pgnotify: first ping at %s: %w", p.target, err)
	}
	p.linkUp, p.since = true, time.Now()
	p.wg.Add(2)
	go p.listenLoop(conn)
	go p.sendLoop()
	p.log.Info("pubsub: listening on PostgreSQL", "channel", p.channel, "server", p.target)
	return p, nil
}

// connect opens a connection for role ("joining", for the listener until
// its LISTEN is in effect, or "send").
func (p *PubSub) connect(ctx context.Context, role string) (*pgx.Conn, error) {
	cfg := p.connCfg.Copy()
	// Named so an operator (and the tests) can tell the connections apart
	// in pg_stat_activity.
	cfg.RuntimeParams["application_name"] = appName(role, p.node)
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgnotify: connecting to PostgreSQL at %s: %w", p.target, err)
	}
	return conn, nil
}

// Subscribe implements pubsub.PubSub: fn receives the messages published
// on topic on this node and, decoded into the same Go type, on the others.
func (p *PubSub) Subscribe(topic string, fn func(msg any)) (cancel func()) {
	return p.Local.Subscribe(topic, fn)
}

// Publish implements pubsub.PubSub. It delivers msg to this node's
// subscribers at once and queues it for the other nodes; it does not wait
// for the database. msg crosses nodes only if its type was registered with
// pubsub.Register; otherwise it is delivered here only and the error says
// so.
func (p *PubSub) Publish(ctx context.Context, topic string, msg any) error {
	if p.closed.Load() {
		return ErrClosed
	}
	_ = p.Local.Publish(ctx, topic, msg)
	name, data, err := pubsub.Marshal(msg)
	if err == nil {
		// Sequence numbers must reach the queue in order (receivers drop
		// a number not above the last one as a duplicate), so concurrent
		// publishers take turns from numbering to queueing.
		p.pubMu.Lock()
		var payloads []string
		payloads, err = encode(p.node, p.epoch, p.seq+1, topic, name, data)
		if err == nil {
			p.seq++
			p.enqueue(payloads)
		}
		p.pubMu.Unlock()
		if err == nil {
			return nil
		}
	}
	typ := reflect.TypeOf(msg)
	if errors.Is(err, pubsub.ErrUnregistered) {
		if _, seen := p.unregLogged.LoadOrStore(typ, struct{}{}); !seen {
			p.log.Warn("pubsub: a message type does not cross nodes; it is delivered on this node only (logged once per type)",
				"type", fmt.Sprint(typ), "topic", topic, "err", err)
		}
	} else if ok, held := p.encLog.allow(time.Now()); ok {
		p.log.Warn("pubsub: a message could not be encoded for the other nodes; it is delivered on this node only",
			"type", fmt.Sprint(typ), "topic", topic, "err", err, "also_since_last_report", held)
	}
	return fmt.Errorf("pgnotify: message on topic %q delivered on this node only, not to the other nodes: %w", topic, err)
}

// OnReconnect registers fn to run after the LISTEN connection is
// recovered: messages from other nodes published while it was down were
// missed, so caches fed by them should be dropped. fn runs on the listener
// goroutine and must return quickly (and not call Close).
func (p *PubSub) OnReconnect(fn func()) {
	p.smu.Lock()
	p.onReconnect = append(p.onReconnect, fn)
	p.smu.Unlock()
}

// Stats returns a snapshot of the link and the counters.
func (p *PubSub) Stats() Stats {
	p.smu.Lock()
	s := Stats{LinkUp: p.linkUp, Since: p.since, LastError: p.lastErr, QueueUsage: p.queueUsage, Listeners: len(p.listening)}
	p.smu.Unlock()
	p.qmu.Lock()
	s.Backlog = p.qlen() + p.inflight
	p.qmu.Unlock()
	s.Published = p.published.Load()
	s.Sent = p.sent.Load()
	s.Received = p.received.Load()
	s.Dropped = p.dropped.Load()
	s.Incomplete = p.incomplete.Load()
	s.Undecodable = p.undecodable.Load()
	s.Reconnects = p.reconnects.Load()
	return s
}

// NodeID returns the node's id (Config.NodeID or its default).
func (p *PubSub) NodeID() string { return p.node }

// Close stops the goroutines and closes the connections. What is still
// queued is sent if the link is up, for at most a couple of seconds; the
// rest is dropped and logged. Publish fails with ErrClosed afterwards.
func (p *PubSub) Close() error {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		p.cancel()
		p.wg.Wait()
		p.waitClosed()
	})
	return nil
}

// setError records err as the last error.
func (p *PubSub) setError(err error) {
	p.smu.Lock()
	p.lastErr = err.Error()
	p.smu.Unlock()
}

// closeConn closes c without waiting for pgx to finish with it: after a
// failure pgx may still be sending a cancel request (to a server that may
// not answer). Close waits for those.
func (p *PubSub) closeConn(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_ = c.Close(ctx)
	cancel()
	p.cmu.Lock()
	p.closing = slices.DeleteFunc(p.closing, func(done <-chan struct{}) bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	})
	p.closing = append(p.closing, c.PgConn().CleanupDone())
	p.cmu.Unlock()
}

// waitClosed waits, for at most closeWait in all, until pgx has released
// every connection closed so far, so its goroutines do not outlive Close.
func (p *PubSub) waitClosed() {
	t := time.NewTimer(closeWait)
	defer t.Stop()
	p.cmu.Lock()
	closing := p.closing
	p.closing = nil
	p.cmu.Unlock()
	for _, done := range closing {
		select {
		case <-done:
		case <-t.C:
			p.log.Warn("pubsub: a PostgreSQL connection is still being closed after Close", "waited", closeWait)
			return
		}
	}
}

// sleep waits d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// rateLog lets a repeated report through at most once per interval and
// counts what it held back.
type rateLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

const rateLogEvery = 10 * time.Second

// allow reports whether to log now, and how many reports were held back
// since the last one.
func (r *rateLog) allow(now time.Time) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.last.IsZero() && now.Sub(r.last) < rateLogEvery {
		r.suppressed++
		return false, 0
	}
	n := r.suppressed
	r.last, r.suppressed = now, 0
	return true, n
}
