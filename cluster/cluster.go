package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/cortex-cinegraph/golive/pubsub"
)

// Topic is the PubSub topic heartbeats travel on.
const Topic = "golive:cluster"

// HeartbeatName is the name [Heartbeat] is registered under with
// [pubsub.Register], so heartbeats cross nodes.
const HeartbeatName = "golive.cluster.heartbeat"

func init() { pubsub.Register[Heartbeat](HeartbeatName) }

// maxViewNames bounds the per-view-name counts a heartbeat carries; an app
// has a handful of view names, so this only guards the message size.
const maxViewNames = 100

// OtherViews is the view name under which the counts of the names beyond
// the first hundred are summed.
const OtherViews = "(other)"

// Load is what a node reports about itself in every heartbeat.
type Load struct {
	WebSockets int64 `json:"ws"`
	LongPolls  int64 `json:"lp"`
	// Views is the number of connected live views; ViewsByName splits
	// it by view name.
	Views       int64          `json:"views"`
	ViewsByName map[string]int `json:"by_view,omitempty"`
	PubSub      PubSubState    `json:"pubsub"`
}

// PubSubState is the state of a node's PubSub as it reports it. Clustered
// is false for an in-process PubSub, which has no link.
type PubSubState struct {
	Clustered  bool      `json:"clustered"`
	LinkUp     bool      `json:"up"`
	Since      time.Time `json:"since"` // when LinkUp last changed
	LastError  string    `json:"err,omitempty"`
	Backlog    int       `json:"backlog"` // messages waiting to be sent
	QueueUsage float64   `json:"queue"`   // the server's notification queue, 0..1
	Published  uint64    `json:"published"`
	Sent       uint64    `json:"sent"`
	Received   uint64    `json:"received"`
	Dropped    uint64    `json:"dropped"`
	Reconnects uint64    `json:"reconnects"`
}

// Heartbeat is the message a node publishes on [Topic].
type Heartbeat struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	URL     string    `json:"url"`
	Started time.Time `json:"started"`
	Leaving bool      `json:"leaving,omitempty"`
	Load    Load      `json:"load"`
}

// Config configures a [Node].
type Config struct {
	// NodeID identifies this node (and names it in LongPoll tokens).
	// Required, and unique: give each start its own.
	NodeID string
	// Name is the name people know the node by (NODE_NAME); default the
	// NodeID.
	Name string
	// URL is the base URL the other nodes reach this node on, e.g.
	// http://10.0.0.5:4000. Required.
	URL string
	// PubSub carries the heartbeats. Required.
	PubSub pubsub.PubSub
	// Interval between heartbeats; default 1 s.
	Interval time.Duration
	// DeadAfter is how long a silent peer counts as alive; default three
	// intervals.
	DeadAfter time.Duration
	// Load reports this node's counts; it is called once per heartbeat
	// and by [Node.Nodes]. Nil reports nothing.
	Load func() Load
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// NodeInfo is one node as this node sees it.
type NodeInfo struct {
	ID, Name, URL string
	// Self is set for the node that answers.
	Self    bool
	Started time.Time // by the node's own clock
	// LastSeen is when its last heartbeat arrived (now, for Self).
	LastSeen time.Time
	// Alive: heard from within DeadAfter (Self: until Close).
	Alive bool
	// Leaving: it announced a graceful departure.
	Leaving bool
	Load    Load
}

// State is "alive", "leaving", "left" (it left and went silent) or
// "dead" (silent without having left).
func (n NodeInfo) State() string {
	switch {
	case n.Leaving && n.Alive:
		return "leaving"
	case n.Leaving:
		return "left"
	case n.Alive:
		return "alive"
	}
	return "dead"
}

// Node is this node's membership: its heartbeat and what it heard.
type Node struct {
	cfg     Config
	log     *slog.Logger
	url     *url.URL
	started time.Time

	mu      sync.Mutex
	peers   map[string]*peer
	leaving bool
	closed  bool

	unsubscribe func()
	wake        chan struct{} // asks the loop for a heartbeat now
	cancel      context.CancelFunc
	done        chan struct{}
	closeOnce   sync.Once
}

type peer struct {
	hb       Heartbeat
	url      *url.URL
	seen     time.Time
	deadSaid bool // "presumed dead" was logged
}

// Start joins the cluster: it subscribes to heartbeats and starts the
// heartbeat goroutine, which ends with ctx or [Node.Close]. The first
// heartbeat goes out at once.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.NodeID == "" {
		return nil, errors.New("cluster: Config.NodeID is required")
	}
	if cfg.PubSub == nil {
		return nil, errors.New("cluster: Config.PubSub is required")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("cluster: node URL %q must be an absolute http(s) URL such as http://10.0.0.5:4000 (set NODE_URL)", cfg.URL)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	if cfg.Name == "" {
		cfg.Name = cfg.NodeID
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.DeadAfter <= 0 {
		cfg.DeadAfter = 3 * cfg.Interval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	n := &Node{
		cfg: cfg, log: cfg.Logger.With("node", cfg.Name), url: u, started: time.Now(),
		peers: map[string]*peer{}, wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{}),
	}
	n.unsubscribe = cfg.PubSub.Subscribe(Topic, n.receive)
	go n.loop(ctx)
	n.log.Info("cluster: joining", "id", cfg.NodeID, "url", u.String(), "heartbeat", cfg.Interval, "dead_after", cfg.DeadAfter)
	return n, nil
}

// ID is this node's id.
func (n *Node) ID() string { return n.cfg.NodeID }

// Name is this node's name.
func (n *Node) Name() string { return n.cfg.Name }

// loop sends the heartbeats and forgets long-dead peers.
func (n *Node) loop(ctx context.Context) {
	defer close(n.done)
	t := time.NewTicker(n.cfg.Interval)
	defer t.Stop()
	failing := false
	beat := func() {
		err := n.publish(ctx)
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			n.log.Warn("cluster: heartbeat not sent; peers will presume this node dead if it lasts", "error", err)
			failing = true
		case err == nil && failing:
			n.log.Info("cluster: heartbeats sent again")
			failing = false
		}
	}
	beat()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			beat()
			n.prune(time.Now())
		case <-n.wake:
			beat()
		}
	}
}

// publish sends one heartbeat, bounded by one interval.
func (n *Node) publish(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Interval)
	defer cancel()
	return n.cfg.PubSub.Publish(ctx, Topic, n.heartbeat())
}

func (n *Node) heartbeat() Heartbeat {
	n.mu.Lock()
	leaving := n.leaving
	n.mu.Unlock()
	return Heartbeat{
		ID: n.cfg.NodeID, Name: n.cfg.Name, URL: n.url.String(), Started: n.started,
		Leaving: leaving, Load: n.load(),
	}
}

// load samples this node's Load, bounding the per-name counts.
func (n *Node) load() Load {
	if n.cfg.Load == nil {
		return Load{}
	}
	l := n.cfg.Load()
	if len(l.ViewsByName) > maxViewNames {
		names := make([]string, 0, len(l.ViewsByName))
		for name := range l.ViewsByName {
			names = append(names, name)
		}
		// Keep the biggest counts; the rest are summed.
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(l.ViewsByName[b], l.ViewsByName[a]), cmp.Compare(a, b))
		})
		kept := make(map[string]int, maxViewNames+1)
		for i, name := range names {
			if i < maxViewNames {
				kept[name] = l.ViewsByName[name]
			} else {
				kept[OtherViews] += l.ViewsByName[name]
			}
		}
		l.ViewsByName = kept
	}
	return l
}

// receive handles a heartbeat. It runs on the publisher's goroutine and
// must not block: answering a newcomer is left to the loop.
func (n *Node) receive(msg any) {
	var hb Heartbeat
	switch m := msg.(type) {
	case Heartbeat:
		hb = m
	case *Heartbeat:
		if m == nil {
			return
		}
		hb = *m
	default:
		return
	}
	if hb.ID == "" || hb.ID == n.cfg.NodeID {
		return
	}
	u, err := url.Parse(hb.URL)
	if err != nil || u.Host == "" {
		n.log.Warn("cluster: heartbeat with an unusable URL ignored", "peer", hb.Name, "id", hb.ID, "url", hb.URL)
		return
	}
	now := time.Now()
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	p, known := n.peers[hb.ID]
	if !known {
		// Another node on the same URL is an earlier process there: its
		// port is taken now, so it is gone.
		for id, o := range n.peers {
			if o.hb.URL == hb.URL {
				delete(n.peers, id)
				n.log.Info("cluster: node replaced", "peer", o.hb.Name, "old_id", id, "new_id", hb.ID)
			}
		}
		p = &peer{}
		n.peers[hb.ID] = p
	}
	wasLeaving, wasDead := p.hb.Leaving, known && p.deadSaid
	p.hb, p.url, p.seen, p.deadSaid = hb, u, now, false
	n.mu.Unlock()

	switch {
	case !known:
		n.log.Info("cluster: node joined", "peer", hb.Name, "id", hb.ID, "url", hb.URL)
		// Tell the newcomer about this node now rather than in an interval.
		select {
		case n.wake <- struct{}{}:
		default:
		}
	case wasDead:
		n.log.Info("cluster: node heard from again", "peer", hb.Name, "id", hb.ID)
	}
	if hb.Leaving && !wasLeaving {
		n.log.Info("cluster: node leaving", "peer", hb.Name, "id", hb.ID)
	}
}

// prune logs peers that went silent and forgets the long-silent ones.
func (n *Node) prune(now time.Time) {
	forget := 10 * n.cfg.DeadAfter
	n.mu.Lock()
	defer n.mu.Unlock()
	for id, p := range n.peers {
		silent := now.Sub(p.seen)
		if silent > forget {
			delete(n.peers, id)
			continue
		}
		if silent > n.cfg.DeadAfter && !p.deadSaid {
			p.deadSaid = true
			if p.hb.Leaving {
				n.log.Info("cluster: node left", "peer", p.hb.Name, "id", id)
			} else {
				n.log.Warn("cluster: node presumed dead: no heartbeat", "peer", p.hb.Name, "id", id, "silent", silent.Round(time.Millisecond))
			}
		}
	}
}

// PeerURL implements transport.Peers: the base URL of the node with the
// given id, while it is alive and not leaving.
func (n *Node) PeerURL(id string) (*url.URL, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if id == n.cfg.NodeID {
		if n.closed || n.leaving {
			return nil, false
		}
		u := *n.url
		return &u, true
	}
	p, ok := n.peers[id]
	if !ok || p.hb.Leaving || time.Since(p.seen) > n.cfg.DeadAfter {
		return nil, false
	}
	u := *p.url // a copy: the caller may change it
	return &u, true
}

// Nodes returns every node this node knows, itself included (with its
// current load), sorted by name and then id.
func (n *Node) Nodes() []NodeInfo {
	self := NodeInfo{
		ID: n.cfg.NodeID, Name: n.cfg.Name, URL: n.url.String(), Self: true,
		Started: n.started, LastSeen: time.Now(), Load: n.load(),
	}
	now := time.Now()
	n.mu.Lock()
	self.Alive, self.Leaving = !n.closed, n.leaving
	out := make([]NodeInfo, 0, len(n.peers)+1)
	out = append(out, self)
	for id, p := range n.peers {
		out = append(out, NodeInfo{
			ID: id, Name: p.hb.Name, URL: p.hb.URL, Started: p.hb.Started, LastSeen: p.seen,
			Alive: now.Sub(p.seen) <= n.cfg.DeadAfter, Leaving: p.hb.Leaving, Load: p.hb.Load,
		})
	}
	n.mu.Unlock()
	slices.SortFunc(out, func(a, b NodeInfo) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Leader reports whether this node leads the cluster: it is the first
// node, by name then id, that is alive and not leaving. Work that one node
// should do for the whole cluster (polling an external API) runs on the
// leader; when it dies or leaves, the next node takes over within
// DeadAfter. While heartbeats are in flight two nodes may both believe
// they lead, so such work must tolerate being done twice.
func (n *Node) Leader() bool {
	for _, x := range n.Nodes() {
		if x.Alive && !x.Leaving {
			return x.Self
		}
	}
	return false
}

// Leave announces that this node is leaving, at once and then in every
// heartbeat, so that peers stop forwarding requests to it while it drains.
// The error is the announcement's (the heartbeats repeat it anyway).
func (n *Node) Leave(ctx context.Context) error {
	n.mu.Lock()
	if n.leaving || n.closed {
		n.mu.Unlock()
		return nil
	}
	n.leaving = true
	n.mu.Unlock()
	n.log.Info("cluster: leaving")
	return n.cfg.PubSub.Publish(ctx, Topic, n.heartbeat())
}

// Close stops the heartbeat and unsubscribes, waiting for the heartbeat
// goroutine to end. It announces nothing: peers presume the node dead
// after DeadAfter unless [Node.Leave] was called first.
func (n *Node) Close() {
	n.closeOnce.Do(func() {
		n.mu.Lock()
		n.closed = true
		n.mu.Unlock()
		n.cancel()
		<-n.done
		n.unsubscribe()
	})
}
