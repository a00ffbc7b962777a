// Command loadgen opens many Phoenix sockets against a server running the
// echo channel (cmd/echoserver, or any server with echo on "echo:*"),
// joins "echo:<i>" on each, optionally drives open-loop "ping" push/reply
// traffic at a fixed aggregate rate, and reports round-trip latency.
//
//	loadgen -url http://127.0.0.1:4000/socket -transport websocket \
//	        -sockets 1000 -rate 5000 -duration 10s [-json]
//
// With -rate 0 the sockets stay open and idle for -hold, then close. Every
// run is bounded: -timeout caps the whole run.
//
// With -live-path it runs live-view clients instead, as browser tabs on a
// page of a golive server (the server is -url's scheme and host): each GETs
// the page, connects to /live/websocket (with -transport longpoll, opens a
// LongPoll session at /live/longpoll) and joins the view. It works against
// Phoenix LiveView servers too (the page's socket must be at /live).
//
//	loadgen -url http://127.0.0.1:4000 -live-path /examples/counter \
//	        -clients 1000 -reconnect -hold 60s [-wait-joined 30s] [-json]
//
// -reconnect keeps every client joined through restarts of the server (or
// of the nodes behind a load balancer at -url): a client whose connection
// ends reconnects with the browser bundle's jittered backoff and rejoins,
// fetching the page again when its tokens are refused. After -hold it waits
// up to -wait-joined for every client to be joined, prints the reconnect
// figures, and exits 1 unless every client is joined. With -rate > 0 the
// clients send -event clicks at that aggregate rate during -duration
// instead of holding.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

func main() {
	var (
		url         = flag.String("url", "http://127.0.0.1:4000/socket", "socket mount URL (…/websocket or …/longpoll is appended); with -live-path, the server (its path is ignored)")
		transport   = flag.String("transport", "websocket", "websocket or longpoll")
		altURL      = flag.String("alt-url", "", "longpoll: send every request after the opening GET to this socket mount URL (another node of a cluster)")
		sockets     = flag.Int("sockets", 100, "sockets to open, each joining echo:<i>")
		concurrency = flag.Int("concurrency", 200, "sockets being opened at once")
		rate        = flag.Float64("rate", 0, "aggregate ping rate, msgs/s (0: idle sockets)")
		duration    = flag.Duration("duration", 10*time.Second, "measured traffic duration")
		warmup      = flag.Duration("warmup", time.Second, "traffic before the measurement (not counted)")
		payload     = flag.Int("payload", 0, "pad ping payloads to about this many bytes")
		tick        = flag.Duration("tick", 0, "schedule granularity (default 1/rate, at least 100µs)")
		hold        = flag.Duration("hold", 0, "with -rate 0: keep the sockets open this long")
		timeout     = flag.Duration("timeout", 5*time.Minute, "hard limit for the whole run")
		asJSON      = flag.Bool("json", false, "print the results as JSON")
		lf          liveFlags
	)
	flag.StringVar(&lf.path, "live-path", "", "run live-view clients on this page of the server at -url (e.g. /examples/counter)")
	flag.IntVar(&lf.clients, "clients", 100, "with -live-path: clients (browser tabs)")
	flag.BoolVar(&lf.reconnect, "reconnect", false, "with -live-path: reconnect and rejoin whenever a connection ends")
	flag.DurationVar(&lf.heartbeat, "heartbeat", 0, "with -live-path: heartbeat interval (default 30s with -reconnect, else none)")
	flag.DurationVar(&lf.joinTimeout, "join-timeout", 10*time.Second, "with -live-path: bound on one page GET, or one connect+join")
	flag.DurationVar(&lf.waitJoined, "wait-joined", 30*time.Second, "with -live-path -reconnect: after -hold, wait up to this for every client to be joined")
	flag.DurationVar(&lf.progress, "progress", 5*time.Second, "with -live-path: print the joined count to stderr this often (0: never)")
	flag.StringVar(&lf.event, "event", "inc", "with -live-path -rate: the phx-click event to send")
	flag.Parse()
	if *sockets <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -sockets must be positive")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if lf.path != "" {
		lf.url, lf.transport, lf.concurrency, lf.rate, lf.duration, lf.warmup, lf.hold, lf.json = *url, *transport, *concurrency, *rate, *duration, *warmup, *hold, *asJSON
		code := runLive(ctx, lf)
		stop()
		cancel()
		os.Exit(code)
	}

	out := struct {
		Open    socketload.OpenResult     `json:"open"`
		Traffic *socketload.TrafficResult `json:"traffic,omitempty"`
		Error   string                    `json:"error,omitempty"`
	}{}
	code := 0
	fail := func(err error) {
		out.Error = err.Error()
		code = 1
	}

	load, open, err := socketload.Open(ctx, socketload.Config{
		URL:         *url,
		AltURL:      *altURL,
		Transport:   *transport,
		Sockets:     *sockets,
		Concurrency: *concurrency,
	})
	out.Open = open
	if !*asJSON {
		fmt.Println(open.Text())
	}
	switch {
	case err != nil:
		fail(err)
	case open.Joined == 0:
		fail(fmt.Errorf("no socket joined"))
	case *rate > 0:
		tr, err := load.Traffic(ctx, socketload.TrafficConfig{
			Rate: *rate, Duration: *duration, Warmup: *warmup, PayloadBytes: *payload, Tick: *tick,
		})
		out.Traffic = &tr
		if err != nil {
			fail(err)
		} else if tr.Errors > 0 {
			code = 1
		}
		if !*asJSON {
			fmt.Print(tr.Text())
		}
	case *hold > 0:
		select {
		case <-time.After(*hold):
		case <-ctx.Done():
		}
	}
	if load != nil {
		load.Close()
	}
	if open.OpenErrors+open.JoinErrors > 0 {
		code = 1
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else if out.Error != "" {
		fmt.Fprintln(os.Stderr, "loadgen:", out.Error)
	}
	os.Exit(code)
}
