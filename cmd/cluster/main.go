// Command cluster runs a local cluster of the movies server (`make
// run-cluster`): the embedded PostgreSQL (or DATABASE_URL), -nodes
// cmd/server processes in cluster mode on 127.0.0.1, ports PORT+1 …, and a
// round-robin proxy with no stickiness on PORT (default 4000), which is
// where the browser goes. Ctrl-C (or SIGTERM) stops the nodes, each
// leaving the cluster and draining over DRAIN_PERIOD (default 2s), then
// the proxy, then the database.
//
// A node that exits by itself is reported and stays down (the proxy skips
// it), so its absence shows on /dashboard/cluster; -restart restarts it
// after a second instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/internal/clusterrun"
)

func main() { os.Exit(run()) }

func run() int {
	nodes := flag.Int("nodes", 3, "how many server nodes to run")
	restart := flag.Bool("restart", false, "restart a node that exits by itself")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	port := 4000
	if p := os.Getenv("PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n+*nodes > 65535 {
			fmt.Fprintf(os.Stderr, "cluster: PORT=%q is not a usable port\n", p)
			return 2
		}
		port = n
	}
	drain := 2 * time.Second
	if v := os.Getenv("DRAIN_PERIOD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			fmt.Fprintf(os.Stderr, "cluster: DRAIN_PERIOD=%q is not a duration such as 2s\n", v)
			return 2
		}
		drain = d
	}
	dataDir := os.Getenv("MOVIES_DATA_DIR")
	if dataDir == "" {
		dataDir = "var"
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := clusterrun.Start(ctx, clusterrun.Options{
		Nodes: *nodes, Port: port, DatabaseURL: os.Getenv("DATABASE_URL"), DataDir: dataDir,
		Dir:         filepath.Join(dataDir, "cluster"), // the binary and the nodes' logs, kept
		DrainPeriod: drain, Output: os.Stderr, Restart: *restart, Logger: log,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "\ncluster of %d nodes behind a round-robin proxy (no sticky sessions)\n", len(c.Nodes))
	fmt.Fprintf(os.Stderr, "  open        %s/movies\n", c.URL)
	fmt.Fprintf(os.Stderr, "  dashboard   %s/dashboard/cluster\n", c.URL)
	for _, n := range c.Nodes {
		fmt.Fprintf(os.Stderr, "  %-11s %s (log %s)\n", n.Name, n.URL, n.LogPath)
	}
	fmt.Fprintf(os.Stderr, "Ctrl-C stops the nodes (draining over %s), the proxy, then the database.\n\n", drain)

	<-ctx.Done()
	stop() // a second Ctrl-C kills at once
	log.Info("cluster: stopping")
	sctx, cancel := context.WithTimeout(context.Background(), drain+20*time.Second)
	defer cancel()
	if err := c.Stop(sctx); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		return 1
	}
	log.Info("cluster: stopped")
	return 0
}
