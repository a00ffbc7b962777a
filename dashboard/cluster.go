package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/cluster"
)

// ClusterSource is the membership the cluster page shows; *cluster.Node
// implements it.
type ClusterSource interface {
	// Nodes returns every known node, this one included (Self), with
	// the load each last reported.
	Nodes() []cluster.NodeInfo
}

// nodes is what the cluster page shows: the cluster's nodes, or this node
// alone, from its own counters, when it is not part of a cluster.
func (d *Dashboard) nodes() []cluster.NodeInfo {
	if d.cfg.Cluster != nil {
		return d.cfg.Cluster.Nodes()
	}
	name, err := os.Hostname()
	if err != nil || name == "" {
		name = "this node"
	}
	self := cluster.NodeInfo{
		Name: name, Self: true, Alive: true, Started: processStart, LastSeen: time.Now(),
		Load: cluster.Load{Views: d.cfg.Engine.Stats().Views.Load(), ViewsByName: d.cfg.Engine.ViewCounts()},
	}
	if s := d.cfg.Socket; s != nil {
		st := s.Stats()
		self.Load.WebSockets, self.Load.LongPolls = st.WebSockets, st.LongPollSessions
	}
	return []cluster.NodeInfo{self}
}

// counted reports whether a node's last load counts in the cluster's
// totals: a dead or departed node's figures are stale.
func counted(n cluster.NodeInfo) bool { return n.Alive }

func (d *Dashboard) clusterPage(context.Context) Block {
	now := time.Now()
	nodes := d.nodes()
	var alive int
	var ws, lp, views int64
	byName := map[string]map[string]int{} // view name → node name → count
	var self cluster.NodeInfo
	for _, n := range nodes {
		if n.Self {
			self = n
		}
		if !counted(n) {
			continue
		}
		alive++
		ws += n.Load.WebSockets
		lp += n.Load.LongPolls
		views += n.Load.Views
		for name, c := range n.Load.ViewsByName {
			if byName[name] == nil {
				byName[name] = map[string]int{}
			}
			byName[name][n.Name] += c
		}
	}
	mode := "single node, in-process PubSub"
	if d.cfg.Cluster != nil {
		mode = "cluster, PubSub over PostgreSQL"
		if !self.Load.PubSub.Clustered {
			mode = "cluster, in-process PubSub"
		}
	}
	blocks := []Block{
		Row(
			Card("Mode", mode),
			Card("Nodes alive", fmt.Sprintf("%d of %d", alive, len(nodes))),
			Card("WebSocket connections (cluster)", strconv.FormatInt(ws, 10)),
			Card("LongPoll sessions (cluster)", strconv.FormatInt(lp, 10)),
			Card("Live views (cluster)", strconv.FormatInt(views, 10)),
		),
		nodesTable(nodes, now),
		viewsTable(byName),
		pubsubBlock(self.Load.PubSub, now),
	}
	return Blocks(blocks...)
}

func nodesTable(nodes []cluster.NodeInfo, now time.Time) Block {
	n := func(r any) cluster.NodeInfo { return r.(cluster.NodeInfo) }
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	return Table{
		ID:    "cluster-nodes",
		Title: "Nodes",
		Columns: []Column{
			{Header: "Name", Value: func(r any) string {
				if n(r).Self {
					return n(r).Name + " (this node)"
				}
				return n(r).Name
			}},
			{Header: "ID", Value: func(r any) string { return n(r).ID }},
			{Header: "URL", Value: func(r any) string { return n(r).URL }},
			{Header: "State", Value: func(r any) string { return n(r).State() }},
			{Header: "Uptime", Value: func(r any) string { return age(now.Sub(n(r).Started)) }},
			{Header: "Last heartbeat", Value: func(r any) string {
				if n(r).Self {
					return "–"
				}
				return age(now.Sub(n(r).LastSeen)) + " ago"
			}},
			{Header: "WebSocket", Value: func(r any) string { return i(n(r).Load.WebSockets) }},
			{Header: "LongPoll", Value: func(r any) string { return i(n(r).Load.LongPolls) }},
			{Header: "Views", Value: func(r any) string { return i(n(r).Load.Views) }},
			{Header: "PubSub", Value: func(r any) string { return linkSummary(n(r).Load.PubSub) }},
		},
		Rows: Rows(nodes),
		RowAttrs: func(r any) templ.Attributes {
			st := n(r).State()
			// state-down/state-degraded are the dashboard's red and amber.
			class := "node-" + st
			switch st {
			case "dead":
				class += " state-down"
			case "leaving", "left":
				class += " state-degraded"
			}
			id := "node-self"
			if n(r).ID != "" {
				id = "node-" + n(r).ID
			}
			return templ.Attributes{"id": id, "class": class}
		},
	}
}

type viewRow struct {
	name   string
	total  int
	byNode string
}

func viewsTable(byName map[string]map[string]int) Block {
	rows := make([]viewRow, 0, len(byName))
	for name, per := range byName {
		nodes := make([]string, 0, len(per))
		total := 0
		for node, c := range per {
			nodes = append(nodes, node)
			total += c
		}
		slices.Sort(nodes)
		parts := make([]string, len(nodes))
		for i, node := range nodes {
			parts[i] = fmt.Sprintf("%s: %d", node, per[node])
		}
		rows = append(rows, viewRow{name: name, total: total, byNode: strings.Join(parts, ", ")})
	}
	slices.SortFunc(rows, func(a, b viewRow) int { return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.name, b.name)) })
	v := func(r any) viewRow { return r.(viewRow) }
	return Table{
		ID:    "cluster-views",
		Title: "Connected views by view name (nodes alive)",
		Columns: []Column{
			{Header: "View", Value: func(r any) string { return v(r).name }},
			{Header: "Total", Value: func(r any) string { return strconv.Itoa(v(r).total) }},
			{Header: "By node", Value: func(r any) string { return v(r).byNode }},
		},
		Rows:     Rows(rows),
		RowAttrs: func(r any) templ.Attributes { return templ.Attributes{"id": "view-" + v(r).name} },
	}
}

// linkSummary is a node's PubSub link in a few words.
func linkSummary(p cluster.PubSubState) string {
	switch {
	case !p.Clustered:
		return "in-process"
	case p.LinkUp && p.Backlog > 0:
		return fmt.Sprintf("up, backlog %d", p.Backlog)
	case p.LinkUp:
		return "up"
	case p.Backlog > 0:
		return fmt.Sprintf("DOWN, backlog %d", p.Backlog)
	}
	return "DOWN"
}

func pubsubBlock(p cluster.PubSubState, now time.Time) Block {
	if !p.Clustered {
		return Table{
			ID:      "cluster-pubsub",
			Title:   "This node's PubSub",
			Columns: statColumns,
			Rows: Rows([]Stat{
				{"Kind", "in-process (single node): messages reach this node's views only"},
				{"Clustering", "set CLUSTER_DATABASE_URL to run several nodes"},
			}),
		}
	}
	link := "DOWN"
	if p.LinkUp {
		link = "up"
	}
	if !p.Since.IsZero() {
		link += " since " + p.Since.Local().Format("15:04:05") + " (" + age(now.Sub(p.Since)) + ")"
	}
	lastErr := p.LastError
	if lastErr == "" {
		lastErr = "none"
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	return Table{
		ID:      "cluster-pubsub",
		Title:   "This node's PubSub (PostgreSQL LISTEN/NOTIFY)",
		Columns: statColumns,
		Rows: Rows([]Stat{
			{"Link", link},
			{"Last error", lastErr},
			{"Backlog (waiting to be sent)", strconv.Itoa(p.Backlog)},
			{"Server notification queue", strconv.FormatFloat(p.QueueUsage*100, 'f', 1, 64) + "%"},
			{"Reconnects", u(p.Reconnects)},
			{"Published", u(p.Published)},
			{"Sent", u(p.Sent)},
			{"Received", u(p.Received)},
			{"Dropped", u(p.Dropped)},
		}),
		RowAttrs: func(r any) templ.Attributes {
			s := r.(Stat)
			attrs := templ.Attributes{"id": "pubsub-" + strings.ToLower(strings.Fields(s.Name)[0])}
			if s.Name == "Link" && !p.LinkUp {
				attrs["class"] = "state-down"
			}
			return attrs
		},
	}
}

var statColumns = []Column{
	{Header: "Statistic", Value: func(r any) string { return r.(Stat).Name }},
	{Header: "Value", Value: func(r any) string { return r.(Stat).Value }},
}

// age shows a duration to a tenth of a second when short, to the second
// otherwise.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
